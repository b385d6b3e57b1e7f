"""帮助 → 关于: what a support call needs to know: the version, where the data and the
log are, which database this desk works with; and 打开日志文件夹."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.services import logs
from app.ui.forms import form_layout


def program_version() -> str:
    try:
        return metadata.version("mediation-desk")
    except metadata.PackageNotFoundError:  # a frozen app without its metadata
        return "0.1.0"


class AboutDialog(QDialog):
    def __init__(self, *, data_dir: Path, database: str, encrypted: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(self.tr("关于调解工作台"))
        col = QVBoxLayout(self)
        title = QLabel(self.tr("<b>调解工作台</b> Mediation Desk"))
        col.addWidget(title)
        blurb = QLabel(self.tr("为人民调解员和 12315/12345 投诉处理人员管理案件、"
                               "调解记录和调解文书。"))
        blurb.setWordWrap(True)
        col.addWidget(blurb)
        form = form_layout()
        self.log_dir = logs.log_dir()
        rows = (
            ("aboutVersion", self.tr("版本："), program_version()),
            ("aboutDataDir", self.tr("数据文件夹："), str(data_dir)),
            ("aboutEncrypted", self.tr("数据加密："),
             self.tr("已加密") if encrypted else self.tr("未加密")),
            ("aboutDatabase", self.tr("数据库："), database),
            ("aboutLogDir", self.tr("日志文件夹："), str(self.log_dir)),
        )
        for name, label, value in rows:
            field = QLabel(value)
            field.setObjectName(name)
            field.setWordWrap(True)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(label, field)
        col.addLayout(form)
        buttons = QDialogButtonBox()
        self.open_logs = buttons.addButton(self.tr("打开日志文件夹"),
                                           QDialogButtonBox.ButtonRole.ActionRole)
        self.open_logs.setObjectName("openLogFolder")
        self.open_logs.clicked.connect(self.show_log_folder)
        close = buttons.addButton(self.tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        col.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("汉") * 36)

    def show_log_folder(self) -> bool:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.log_dir)))


def database_text(server: str | None) -> str:
    """单机使用, or the central database's address (never a password)."""
    if not server:
        return QCoreApplication.translate("AboutDialog", "单机使用（本机数据文件）")
    return QCoreApplication.translate("AboutDialog", "中心数据库 {server}").format(
        server=server)
