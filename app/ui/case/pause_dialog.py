"""中止计时 and 恢复计时: the clock stops for 检定、检验、检测、鉴定 (暂行办法 第二十条第三款)
or a recusal application (第十九条第二款), with the date the result is expected; it
resumes on the day the result came back."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QWidget

from app.core.timeutil import china_today
from app.core.workflow import Action, CaseStatus, PauseReason
from app.services.dto import CaseDetail
from app.ui import formatting, messages
from app.ui.case.action_dialog import ActionDialog, choice_combo, reason_edit, text_of
from app.ui.case.time_edit import OneTabDateEdit
from app.ui.operations.cases import ActionRequest


def offered_pause_reasons(case: CaseDetail) -> list[PauseReason]:
    """Core allows a recusal pause only while mediating (暂行办法 第十九条第二款)."""
    return [r for r in PauseReason
            if r is not PauseReason.RECUSAL or case.status is CaseStatus.MEDIATING]


def _date_edit(minimum: date, value: date | None) -> QDateEdit:
    """A date picker whose first day (one before ``minimum``) reads as 'not chosen'."""
    edit = OneTabDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    sentinel = QDate(minimum - timedelta(days=1))
    edit.setMinimumDate(sentinel)
    edit.setSpecialValueText(edit.tr("请选择日期"))
    edit.setDate(QDate(value) if value else sentinel)
    return edit


def _chosen(edit: QDateEdit) -> date | None:
    return None if edit.date() == edit.minimumDate() else edit.date().toPython()


class PauseDialog(ActionDialog):
    def __init__(self, case: CaseDetail, parent: QWidget | None = None,
                 today: date | None = None) -> None:
        super().__init__(case, parent)
        self.set_texts(self.tr("中止计时"), self.tr("中止计时"))
        self.today = today or china_today()
        reasons = offered_pause_reasons(case)
        self.reason_combo = choice_combo(
            self.tr("请选择中止计时的原因"),
            [(messages.pause_reason_text(r), r, "") for r in reasons])
        self.add_field("pause_reason", self.tr("原因"), self.reason_combo, required=True,
                       hint=self.tr("检定、检验、检测、鉴定所需时间不计入调解期限。"))
        self.end_edit = _date_edit(self.today, None)
        self.add_field("expected_end", self.tr("预计结束日期"), self.end_edit, required=True,
                       hint=self.tr("预计取得检验、鉴定结果的日期，到期提醒跟进。"))
        self.note_edit = reason_edit(self.tr("委托的机构、检验项目等（可不填）"))
        self.add_field("reason", self.tr("说明"), self.note_edit)

    def pause_reason(self) -> PauseReason | None:
        return self.reason_combo.value()

    def expected_end(self) -> date | None:
        return _chosen(self.end_edit)

    def problems(self) -> dict[str, str]:
        problems = {}
        reason = self.pause_reason()
        if reason is None:
            problems["pause_reason"] = self.tr("请选择中止计时的原因。")
        if reason is not PauseReason.RECUSAL and self.expected_end() is None:
            problems["expected_end"] = self.tr("请选择预计结束日期。")
        return problems

    def request(self) -> ActionRequest:
        return ActionRequest(Action.PAUSE, self.case.id, self.case.version,
                             pause_reason=self.pause_reason(),
                             expected_end=self.expected_end(), reason=text_of(self.note_edit))


class ResumeDialog(ActionDialog):
    def __init__(self, case: CaseDetail, parent: QWidget | None = None,
                 today: date | None = None) -> None:
        super().__init__(case, parent)
        self.set_texts(self.tr("恢复计时"), self.tr("恢复计时"))
        self.today = today or china_today()
        open_pause = next((p for p in reversed(case.pauses) if p.ended_on is None), None)
        started = open_pause.started_on if open_pause else self.today
        hint = ""
        if open_pause is not None:
            hint = self.tr("{reason}，自 {start} 起中止计时").format(
                reason=messages.pause_reason_text(PauseReason(open_pause.reason)),
                start=formatting.day(open_pause.started_on))
        self.end_edit = _date_edit(started, self.today)
        self.end_edit.setMaximumDate(QDate(self.today))
        self.add_field("ended_on", self.tr("中止结束日期"), self.end_edit, required=True,
                       hint=hint or self.tr("取得检验、鉴定结果或回避决定的日期。"))
        self.note_edit = reason_edit(self.tr("检验、鉴定结果等（可不填）"))
        self.add_field("reason", self.tr("说明"), self.note_edit)

    def ended_on(self) -> date | None:
        return _chosen(self.end_edit)

    def problems(self) -> dict[str, str]:
        if self.ended_on() is None:
            return {"ended_on": self.tr("请选择中止结束日期。")}
        return {}

    def request(self) -> ActionRequest:
        return ActionRequest(Action.RESUME, self.case.id, self.case.version,
                             ended_on=self.ended_on(), reason=text_of(self.note_edit))
