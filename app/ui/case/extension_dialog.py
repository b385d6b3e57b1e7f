"""延长核查期限: a report's verification runs 15 working days; "特殊情况下，经市场监督管理
部门负责人批准，可以延长十五个工作日" (《市场监督管理行政处罚程序规定》第十八条). The desk
records the approval — who gave it, when and why — and the clock then counts the extra
days. Emits an ``ExtensionRequest`` (the shape of ActionDialog, not a workflow action)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from app.core.deadlines import ClockKind
from app.core.timeutil import utcnow
from app.services.dto import CaseDetail
from app.ui import formatting
from app.ui.case.action_dialog import ActionDialog, reason_edit, text_of
from app.ui.case.time_edit import ChinaDateTimeEdit


@dataclass(frozen=True)
class ExtensionRequest:
    case_id: uuid.UUID
    approved_by: str
    approved_at: datetime
    reason: str


class ExtensionDialog(ActionDialog):
    def __init__(self, case: CaseDetail, parent: QWidget | None = None,
                 now: datetime | None = None) -> None:
        super().__init__(case, parent)
        self.set_texts(self.tr("延长核查期限"), self.tr("登记延长"))
        now = now or utcnow()
        clock = next((d for d in case.deadlines
                      if d.kind is ClockKind.REPORT_VERIFICATION), None)
        intro = QLabel(self.tr(
            "举报核查期限为十五个工作日；特殊情况下，经市场监督管理部门负责人批准，可以延长"
            "十五个工作日（《市场监督管理行政处罚程序规定》第十八条）。登记批准情况后，"
            "核查期限按延长后计算。"))
        if clock is not None:
            intro.setText(intro.text() + "\n" + self.tr("现核查期限至 {due}。").format(
                due=formatting.day_with_weekday(clock.due)))
        intro.setObjectName("extensionIntro")
        intro.setWordWrap(True)
        self.form.addRow(intro)
        self.approver_edit = QLineEdit()
        self.approver_edit.setPlaceholderText(self.tr("例如 王建华（所长）"))
        self.add_field("approved_by", self.tr("批准人"), self.approver_edit, required=True,
                       hint=self.tr("市场监督管理部门负责人。"))
        self.when_edit = ChinaDateTimeEdit(now)
        self.when_edit.set_range(case.reopened_at or case.received_at, now)
        self.add_field("approved_at", self.tr("批准时间"), self.when_edit, required=True,
                       hint=self.tr("须在核查期限届满之前。"))
        self.reason_edit = reason_edit(self.tr("需要延长的特殊情况，例如涉案商品需送检"))
        self.add_field("reason", self.tr("延长理由"), self.reason_edit, required=True)

    def problems(self) -> dict[str, str]:
        problems = {}
        if not text_of(self.approver_edit):
            problems["approved_by"] = self.tr("请填写批准人。")
        if not text_of(self.reason_edit):
            problems["reason"] = self.tr("请填写延长理由。")
        return problems

    def request(self) -> ExtensionRequest:  # type: ignore[override]  # not a workflow action
        return ExtensionRequest(self.case.id, text_of(self.approver_edit),
                                self.when_edit.value(), text_of(self.reason_edit))
