"""文件 → 导入工单…: the wizard that imports a platform's export (issue 15)."""
