"""The store's audit chain, walked once per window in the background: a break is said
plainly (a red word in the status bar and a message), and the workstation keeps
working — nothing was changed or removed."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel

from app.services.context import Workstation
from app.store.audit_chain import ChainReport
from app.ui import messages
from app.ui.operations.audit import verify_audit_chain
from app.ui.qtcompat import emit
from app.ui.tasks import Lane, TaskRunner


class AuditCheck(QObject):
    warning = Signal(str, str)  # (title, text) for the window to show

    def __init__(self, ws: Workstation, runner: TaskRunner, parent: QObject) -> None:
        super().__init__(parent)
        self.ws, self.runner = ws, runner
        self.label = QLabel()  # for the status bar: shown only on a break
        self.label.setObjectName("auditWarning")
        self.label.setStyleSheet("color: #b42318; font-weight: bold")
        self.label.hide()
        self.report: ChainReport | None = None
        self._started = False

    def start(self) -> None:
        """Once: a million-case store takes minutes, on a lane of its own."""
        if self._started:
            return
        self._started = True
        ws = self.ws
        self.runner.task(self, lambda state: verify_audit_chain(ws, state), lane=Lane.BACKGROUND,
                         name="verify_audit_chain").success(self._on_checked).run()

    def _on_checked(self, report: ChainReport) -> None:
        self.report = report
        if report.broken is None:
            return
        text = messages.audit_break_text(report.broken)
        self.label.setText(self.tr("⚠ 操作记录校验未通过"))
        self.label.setToolTip(text)
        self.label.show()
        emit(self.warning, self.tr("操作记录校验未通过"), self.tr(
            "本机的操作记录（审计记录）未通过完整性校验：\n{what}\n\n"
            "这说明数据文件可能被本程序以外的工具改动过。本机的其他数据照常可用，"
            "没有删除或更改任何内容。请联系管理员核查；管理员可在命令行运行 "
            "mediation-desk verify-audit 查看详情。").format(what=text))
