"""登记送达: who of the parties was told of the case's decision, how and when — the
termination of mediation to 投诉人 and 被投诉人 (暂行办法 第二十一条第二款), a report's
立案 decision to a real-name reporter (第三十一条第二款). The notice's clock is done once
everyone owed it has been told.

The dialog has the shape of the workflow actions' (ActionDialog) and emits a
``DeliveryRequest``; the overview runs it and hands back a refusal with the words beside
the field it concerns."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtWidgets import QLabel, QWidget

from app.core.deadlines import ClockKind
from app.core.delivery import DeliveryMethod
from app.core.parties import PartyRole
from app.core.timeutil import utcnow
from app.services.dto import CaseDetail, NoticeView
from app.ui import formatting, messages
from app.ui.case import clock_texts
from app.ui.case.action_dialog import (
    ActionDialog,
    ChoiceCombo,
    choice_combo,
    hint_look,
    reason_edit,
    text_of,
)
from app.ui.case.time_edit import ChinaDateTimeEdit


@dataclass(frozen=True)
class DeliveryRequest:
    case_id: uuid.UUID
    notice: ClockKind
    to: PartyRole
    method: DeliveryMethod
    delivered_at: datetime
    note: str = ""


class DeliveryDialog(ActionDialog):
    def __init__(self, case: CaseDetail, parent: QWidget | None = None,
                 now: datetime | None = None) -> None:
        super().__init__(case, parent)
        self.set_texts(self.tr("登记送达"), self.tr("登记送达"))
        self.now = now or utcnow()
        notices = list(case.notices)
        self.notice_combo = choice_combo(
            self.tr("请选择送达的事项"),
            [(clock_texts.notice_text(n.kind), n, "") for n in notices])
        self.add_field("notice", self.tr("送达事项"), self.notice_combo, required=True)
        self.notice_note = QLabel()
        self.notice_note.setObjectName("noticeNote")
        self.notice_note.setWordWrap(True)
        hint_look(self.notice_note)
        self.form.addRow("", self.notice_note)
        self.to_combo = ChoiceCombo(self.tr("请选择送达对象"), [])
        self.add_field("to", self.tr("送达对象"), self.to_combo, required=True)
        self.method_combo = choice_combo(
            self.tr("请选择送达方式"),
            messages.enum_choices(DeliveryMethod, messages.delivery_method_text))
        self.add_field("method", self.tr("送达方式"), self.method_combo, required=True)
        self.when_edit = ChinaDateTimeEdit(self.now)
        self.add_field("delivered_at", self.tr("送达时间"), self.when_edit, required=True,
                       hint=self.tr("当事人收到或被告知的时间；邮寄以签收时间为准。"))
        self.note_edit = reason_edit(self.tr("邮寄单号、签收人、告知内容等（可不填）"))
        self.add_field("note", self.tr("备注"), self.note_edit)
        self.notice_combo.currentIndexChanged.connect(self._notice_chosen)
        first = next((n for n in notices if n.still_owed), notices[0] if notices else None)
        if first is not None:
            self.notice_combo.select(first)
        self._notice_chosen()

    def notice(self) -> NoticeView | None:
        value = self.notice_combo.value()
        return value if isinstance(value, NoticeView) else None

    def _notice_chosen(self) -> None:
        notice = self.notice()
        if notice is None:
            self.to_combo.set_items([])
            self.notice_note.setText("")
            return
        self.when_edit.set_range(notice.decided_at, self.now)
        self.to_combo.set_items([
            (clock_texts.party_label(self.case, role)
             + ("" if role in notice.still_owed else self.tr("（已送达）")), role, "")
            for role in notice.owed])
        if notice.still_owed:
            self.to_combo.select(notice.still_owed[0])
        note = self.tr("{decision}于 {when} 作出").format(
            decision=clock_texts.notice_text(notice.kind),
            when=formatting.china_datetime(notice.decided_at))
        if notice.due is not None:
            note += self.tr("，应于 {due}前告知{parties}").format(
                due=formatting.day_with_weekday(notice.due),
                parties="、".join(messages.party_role_text(r, self.case.track)
                                 for r in notice.owed))
        citation = next((d.citation for d in self.case.deadlines if d.kind is notice.kind), "")
        self.notice_note.setText(note + "。" + (f"\n{citation}" if citation else ""))

    def problems(self) -> dict[str, str]:
        problems = {}
        if self.notice() is None:
            problems["notice"] = self.tr("请选择送达的事项。")
        if self.to_combo.value() is None:
            problems["to"] = self.tr("请选择送达对象。")
        if self.method_combo.value() is None:
            problems["method"] = self.tr("请选择送达方式。")
        return problems

    def request(self) -> DeliveryRequest:  # type: ignore[override]  # not a workflow action
        notice = self.notice()
        assert notice is not None
        return DeliveryRequest(self.case.id, notice.kind, self.to_combo.value(),
                               self.method_combo.value(), self.when_edit.value(),
                               text_of(self.note_edit))
