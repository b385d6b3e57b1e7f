"""The Chinese words for an import of work orders (issue 15): each field, each problem
of a row, each file or import that is refused. Plain tables without Qt, so the command
line and the .xlsx report say what the wizard says; app/ui/messages.py looks its
import words up here (through Qt's translate, so a translation can still replace them).
"""

from __future__ import annotations

from app.core.work_order_import import ImportField, ValueProblem
from app.services.work_order_files import FileProblem

FIELD_WORDS: dict[ImportField, str] = {
    ImportField.TICKET: "工单编号",
    ImportField.RECEIVED_AT: "收到时间",
    ImportField.COMPLAINANT: "投诉人",
    ImportField.PHONE: "联系电话",
    ImportField.ID_NUMBER: "身份证件号码",
    ImportField.ADDRESS: "地址",
    ImportField.RESPONDENT: "被投诉方",
    ImportField.CONTENT: "诉求内容",
    ImportField.REQUEST: "诉求",
    ImportField.CATEGORY: "问题分类",
    ImportField.REGION: "所属街镇",
    ImportField.CHANNEL: "来源渠道",
}

PROBLEM_WORDS: dict[ValueProblem, str] = {
    ValueProblem.BAD_DATE: "不是可识别的日期或时间",
    ValueProblem.ROUNDED: "这个长数字被表格存成了数值，末几位已经丢失；请把该列设为文本后重新导出",
    ValueProblem.BAD_NUMBER: "数字格式不对",
    ValueProblem.DUPLICATE: "同一文件中前面已有这个工单编号",
    ValueProblem.MISSING: "缺少此项，登记工单必须填写",
    ValueProblem.BAD_PHONE: "不是有效的电话号码",
    ValueProblem.BAD_ID: "身份证号码校验不通过，未导入该号码",
    ValueProblem.TOO_LONG: "内容过长",
    ValueProblem.IN_FUTURE: "时间晚于现在，日期可能写错了",
    ValueProblem.UNKNOWN_CHANNEL: "无法识别的来源渠道，按本文件的来源登记",
    ValueProblem.INVALID: "内容不符合登记要求",
}

# Said after a problem that did not keep the row out (the value was dropped or replaced).
ROW_IMPORTED_ANYWAY = "（该行仍已导入）"

# The report's columns (.xlsx).
REPORT_HEADERS = ("行号", "列", "字段", "问题")


FILE_WORDS: dict[FileProblem, str] = {
    FileProblem.MISSING: "找不到文件“{name}”。",
    FileProblem.TOO_LARGE: "文件“{name}”太大（超过200 MB），请按月份分开导出后再导入。",
    FileProblem.NOT_A_TABLE: "“{name}”不是表格文件；请导入平台导出的 .xlsx、.xls 或 .csv 文件。",
    FileProblem.UNREADABLE: "无法读取“{name}”：文件可能已损坏或设置了密码，请重新导出。",
    FileProblem.ENCODING: "无法识别“{name}”的文字编码（应为 UTF-8 或 GB18030），请另存为 .xlsx 后再导入。",
    FileProblem.EMPTY: "“{name}”中没有任何数据。",
}

# Why an import did not run (ImportRefusal values; {detail} is the sheet, mapping or count).
REFUSAL_WORDS: dict[str, str] = {
    "no_sheet": "文件中没有名为“{detail}”的工作表。",
    "no_header": "在工作表“{detail}”的前15行中找不到表头（如 工单编号、来电时间、投诉人），这不像平台导出的工单文件。",
    "no_rows": "工作表“{detail}”的表头下面没有数据。",
    "unknown_mapping": "没有名为“{detail}”的已保存列对应方案。",
    "invalid_rows": "有 {detail} 行无法导入，按“整个文件”方式未导入任何工单；请修改文件，或选择“只导入有效行”。",
    "nothing_valid": "“{detail}”中没有一行可以导入，请查看问题报告。",
    "cancelled": "导入已取消，数据未作任何改动。",
    "bad_options": "所选办理类型与工单类型不匹配（{detail}）。",
}

SUMMARY = "新建 {created}，更新 {updated}，未变 {unchanged}，多头关联 {linked}，有问题 {problems}"
WARNINGS = "预警：新触发 {raised} 条，增加案件 {grown} 条（视图 → 预警）"
GROUPS = "群体纠纷：{n} 个（新建或并入，视图 → 群体纠纷管理）"


def refusal_words(refusal: str, detail: str = "") -> str:
    return REFUSAL_WORDS.get(str(refusal), str(refusal)).format(detail=detail)


def file_words(problem: FileProblem, name: str) -> str:
    return FILE_WORDS.get(problem, str(problem)).format(name=name)


def field_words(field: ImportField | None) -> str:
    return FIELD_WORDS.get(field, str(field)) if field is not None else ""


def problem_words(problem: ValueProblem) -> str:
    return PROBLEM_WORDS.get(problem, str(problem))
