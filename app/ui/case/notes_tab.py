"""工作记录: working notes and the contact log of a case.

A quick note box (Ctrl+Enter saves), the 联系登记 form (how, whom, with what result,
what was said, and an optional promised callback with quick picks), and the notes and
contacts, newest first, with their author and China time. The callback that stands (the
newest contact's) is marked when it is due or overdue, and a banner says so at the top.
The list is read off the GUI thread on every (re)load of the case; the marks follow the
clock (``ws.now``) once a minute.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QEvent,
    QObject,
    Qt,
    QTime,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.parties import PartyRole
from app.core.timeutil import CHINA_TZ
from app.core.workflow import Track
from app.services import cases, notes
from app.services.dto import CaseDetail, Changes, PartyView
from app.services.errors import FieldProblem, ValidationFailed
from app.services.notes import ContactChannel, NoteKind, NotesPage, NoteView
from app.ui import formatting, messages
from app.ui.case import clock_texts, contact_texts
from app.ui.case import field_editors as fe
from app.ui.case.action_dialog import ERROR_COLOUR, ChoiceCombo
from app.ui.case.sections import Section, error_label, note_label, scrolling_page, value_label
from app.ui.case.time_edit import OneTabDateTimeEdit
from app.ui.formatting import (
    CallbackState,
    callback_state,
    callback_summary,
    callback_when,
    lateness,
)
from app.ui.qtcompat import emit
from app.ui.queue.flow_layout import FlowLayout
from app.ui.tasks import LatestOnly, TaskFailure

if TYPE_CHECKING:
    from app.ui.case.host import CaseHost

@dataclass(frozen=True)
class ContactRequest:
    """The contact form, checked."""

    case_id: uuid.UUID
    channel: str
    contact_with: str
    result: str
    text: str
    callback_at: datetime | None


SHOWN_NOTES = 200  # the newest notes the tab lists; older ones are counted, not shown
SOON_COLOUR = "#b54708"
SETTLED_COLOUR = "#5d6679"
MINUTE_MS = 60_000


def _tr(text: str) -> str:
    return QCoreApplication.translate("NotesTab", text)


def _narrow(combo: ChoiceCombo) -> ChoiceCombo:
    """Short choices: the combo need not keep the case pane wide."""
    combo.setMinimumContentsLength(6)
    return combo


class _CtrlEnter(QObject):
    """Ctrl+Enter in a text box runs ``action`` (plain Enter stays a new line)."""

    def __init__(self, edit: QPlainTextEdit, action) -> None:
        super().__init__(edit)
        self._action = action
        edit.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self._action()
            return True
        return False


class CallbackEdit(QWidget):
    """约定回电: off, or a China date and time, with quick picks."""

    def __init__(self, now, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._now = now
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        self.enabled = QCheckBox(self.tr("约定回电"))
        self.enabled.setObjectName("callbackEnabled")
        self.edit = OneTabDateTimeEdit()
        self.edit.setObjectName("callbackAt")
        self.edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.edit.setCalendarPopup(True)
        self.edit.setEnabled(False)
        self.enabled.toggled.connect(self.edit.setEnabled)
        top.addWidget(self.enabled)
        top.addWidget(self.edit, 1)
        layout.addLayout(top)
        quick_box = QWidget()
        quick = FlowLayout(quick_box)  # wraps in a narrow case pane
        self.quick_buttons: dict[str, QPushButton] = {}
        for key, text in (("in_an_hour", self.tr("1小时后")),
                          ("tomorrow_morning", self.tr("明天上午9点")),
                          ("tomorrow_afternoon", self.tr("明天下午3点"))):
            button = QPushButton(text)
            button.setObjectName(f"callback_{key}")
            button.clicked.connect(lambda _=False, k=key: self.pick(k))
            quick.addWidget(button)
            self.quick_buttons[key] = button
        layout.addWidget(quick_box)
        self.clear()

    def pick(self, key: str) -> None:
        now = self._now().astimezone(CHINA_TZ)
        if key == "in_an_hour":
            at = (now + timedelta(hours=1)).replace(second=0, microsecond=0)
            at += timedelta(minutes=1)  # whole minutes, never less than the hour
        else:
            hour = 9 if key == "tomorrow_morning" else 15
            at = datetime.combine(now.date() + timedelta(days=1), time(hour, 0),
                                  tzinfo=CHINA_TZ)
        self.set_value(at)

    def set_value(self, at: datetime | None) -> None:
        if at is None:
            self.clear()
            return
        local = at.astimezone(CHINA_TZ)
        self.edit.setDate(QDate(local.year, local.month, local.day))
        self.edit.setTime(QTime(local.hour, local.minute))
        self.enabled.setChecked(True)

    def clear(self) -> None:
        self.enabled.setChecked(False)
        now = self._now().astimezone(CHINA_TZ) + timedelta(hours=1)
        self.edit.setDate(QDate(now.year, now.month, now.day))
        self.edit.setTime(QTime(now.hour, 0))

    def value(self) -> datetime | None:
        """The promised instant (aware), or None when no callback was promised."""
        if not self.enabled.isChecked():
            return None
        d, t = self.edit.date().toPython(), self.edit.time().toPython()
        return datetime.combine(d, t.replace(second=0, microsecond=0), tzinfo=CHINA_TZ)


class NotesTab(QWidget):
    notes_loaded = Signal()  # the list shows the case's notes as just read

    def __init__(self, owner: CaseHost) -> None:
        super().__init__()
        self.owner = owner
        self.case: CaseDetail | None = None
        self.page: NotesPage | None = None
        self.saving = False
        self._reads = LatestOnly(owner.runner, self)
        self._party_names: dict[str, str] = {}

        content = QWidget()
        layout = QVBoxLayout(content)
        m = self.fontMetrics().horizontalAdvance("m")
        layout.setContentsMargins(m * 2, m * 2, m * 2, m * 2)
        layout.setSpacing(m * 2)

        self.banner = QLabel()
        self.banner.setObjectName("callbackBanner")
        self.banner.setWordWrap(True)
        # The number is masked everywhere; calling back needs it whole: shown on
        # request, audited, and put in the contact form below.
        self.reveal_button = QPushButton(self.tr("拨打/显示号码"))
        self.reveal_button.setObjectName("revealCallbackPhone")
        self.reveal_button.setToolTip(self.tr("显示对方的完整号码用于回电（记入操作日志）"))
        self.reveal_button.clicked.connect(self.reveal_callback_phone)
        self.banner_row = QWidget()
        banner_line = QHBoxLayout(self.banner_row)
        banner_line.setContentsMargins(0, 0, 0, 0)
        banner_line.addWidget(self.banner, 1)
        banner_line.addWidget(self.reveal_button, 0, Qt.AlignmentFlag.AlignTop)
        self.banner_row.hide()
        layout.addWidget(self.banner_row)

        # -------------------------------------------------- the quick note
        note_section = Section(self.tr("记一笔"))
        self.note_edit = fe.text_edit(self.tr("工作情况、沟通要点、下一步安排……（Ctrl+Enter 保存）"), 3)
        self.note_edit.setObjectName("noteText")
        _CtrlEnter(self.note_edit, self.save_note)
        note_section.add_widget(self.note_edit)
        self.note_error = error_label("noteError")
        note_section.add_widget(self.note_error)
        row = QHBoxLayout()
        row.addStretch(1)
        self.save_note_button = QPushButton(self.tr("保存记录"))
        self.save_note_button.setObjectName("saveNote")
        self.save_note_button.setToolTip(self.tr("Ctrl+Enter"))
        self.save_note_button.clicked.connect(self.save_note)
        row.addWidget(self.save_note_button)
        note_section.grid.addLayout(row, note_section.grid.rowCount(), 0, 1, 2)
        layout.addWidget(note_section)

        # -------------------------------------------------- the contact log
        contact_section = Section(self.tr("联系登记"))
        self.form = fe.FieldForm()
        self.form.add("channel", self.tr("方式"), _narrow(ChoiceCombo(self.tr("请选择"), [
            (_tr(text), value.value, "") for value, text in contact_texts.CHANNELS.items()])), required=True)
        self.contact_with = fe.editable_combo([], self.tr("当事人或其他联系对象"))
        self.form.add("contact_with", self.tr("联系对象"), self.contact_with, required=True)
        self.dial_number = QLineEdit()
        self.dial_number.setObjectName("dialNumber")
        self.dial_number.setReadOnly(True)
        self.form.add("dial", self.tr("号码"), self.dial_number)
        self.form.set_row_visible("dial", False)
        self.form.add("result", self.tr("结果"), _narrow(ChoiceCombo(self.tr("请选择"), [
            (_tr(text), value.value, "") for value, text in contact_texts.RESULTS.items()])), required=True)
        self.contact_text = fe.text_edit(self.tr("沟通情况（Ctrl+Enter 登记）"), 2)
        _CtrlEnter(self.contact_text, self.save_contact)
        self.form.add("text", self.tr("情况"), self.contact_text)
        self.callback = CallbackEdit(lambda: self.owner.ws.now())
        self.form.add("callback_at", self.tr("回电"), self.callback)
        contact_section.add_widget(self.form)
        self.contact_error = error_label("contactError")
        contact_section.add_widget(self.contact_error)
        row = QHBoxLayout()
        row.addStretch(1)
        self.save_contact_button = QPushButton(self.tr("登记联系"))
        self.save_contact_button.setObjectName("saveContact")
        self.save_contact_button.clicked.connect(self.save_contact)
        row.addWidget(self.save_contact_button)
        contact_section.grid.addLayout(row, contact_section.grid.rowCount(), 0, 1, 2)
        layout.addWidget(contact_section)

        # -------------------------------------------------- the list
        self.list_section = Section(self.tr("记录"))
        self._list_box = QVBoxLayout()
        self._list_box.setSpacing(m)
        self.list_section.grid.addLayout(self._list_box, 0, 0, 1, 2)
        layout.addWidget(self.list_section)
        layout.addStretch(1)

        scrolling_page(self, content)

        # Due and overdue marks follow the clock.
        self.clock = QTimer(self)
        self.clock.setInterval(MINUTE_MS)
        self.clock.timeout.connect(self._render)
        self.clock.start()
        self._render()

    # ------------------------------------------------------------ loading

    def show_case(self, case: CaseDetail) -> None:
        """Called by the case view whenever the case is (re)loaded."""
        changed_case = self.case is None or self.case.id != case.id
        self.case = case
        self._fill_parties(case)
        if changed_case:
            self.page = None
            self.note_edit.clear()
            self.note_error.hide()
            self._reset_contact_form()
            self._render()
        self.reload()

    def reload(self) -> None:
        if self.case is None:
            return
        ws, case_id = self.owner.ws, self.case.id
        self._reads.query(lambda: notes.notes_page(ws, case_id, limit=SHOWN_NOTES)) \
            .success(self._loaded).run()

    def _loaded(self, page: NotesPage) -> None:
        self.page = page
        self._render()
        emit(self.notes_loaded)

    def _fill_parties(self, case: CaseDetail) -> None:
        self._party_names = {}
        for p in case.parties:
            shown = self.tr("{name}（{role}）").format(
                name=p.name, role=messages.party_role_text(p.role, case.track))
            self._party_names[shown] = p.name
        fe.set_combo_items(self.contact_with, self._party_names)

    def _reset_contact_form(self) -> None:
        self.form.set_values({"channel": ContactChannel.PHONE.value, "result": None,
                              "text": "", "dial": ""})
        self.form.set_row_visible("dial", False)
        first = next(iter(self._party_names), "")
        self.contact_with.setEditText(first)
        self.callback.clear()
        self.contact_error.hide()

    # ------------------------------------------------------------ the list

    def _render(self) -> None:
        while self._list_box.count():
            item = self._list_box.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.hide()
                widget.setParent(None)  # gone from the tab now, deleted later
                widget.deleteLater()
        now = self.owner.ws.now()
        page = self.page
        self._show_banner(page, now)
        if page is None:
            self._list_box.addWidget(note_label(self.tr("正在读取……") if self.case else "",
                                                name="notesLoading"))
            return
        if not page.notes:
            self._list_box.addWidget(note_label(
                self.tr("尚无工作记录。可在上方记一笔，或登记一次联系。"), name="noNotes"))
            return
        standing = next((n.id for n in page.notes if n.kind is NoteKind.CONTACT), None)
        for n, note in enumerate(page.notes):
            self._list_box.addWidget(self._entry(n, note, now,
                                                 live=note.id == standing
                                                 and page.callback_due_at is not None))
        if page.more:
            self._list_box.addWidget(note_label(
                self.tr("只列出最近 {n} 条记录。").format(n=len(page.notes)), name="moreNotes"))

    def _entry(self, n: int, note: NoteView, now: datetime, *, live: bool) -> QWidget:
        box = QFrame()
        box.setObjectName(f"note_{n}")
        box.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(box)
        m = self.fontMetrics().horizontalAdvance("m")
        layout.setContentsMargins(m, m // 2, m, m // 2)
        layout.setSpacing(2)
        when = formatting.china_datetime(note.created_at)
        if note.kind is NoteKind.CONTACT:
            what = self.tr("{channel}联系 {who}：{result}").format(
                channel=contact_texts.channel_text(note.channel), who=note.contact_with,
                result=contact_texts.result_text(note.result))
        elif note.kind is NoteKind.DELIVERY:
            case = self.owner.case
            party = messages.party_role_text(
                note.contact_with, case.track if case is not None else Track.MARKET_COMPLAINT)
            what = self.tr("送达{notice}：{party}（{method}）").format(
                notice=clock_texts.notice_text(note.clock), party=party,
                method=messages.delivery_method_text(note.channel))
        elif note.kind is NoteKind.EXTENSION:
            what = self.tr("{clock}延长：{who}批准").format(
                clock=messages.clock_kind_text(note.clock), who=note.contact_with)
        else:
            what = self.tr("工作记录")
        header = QLabel(self.tr("{when}　{who}　{what}").format(
            when=when, who=note.author_name, what=what))
        header.setObjectName(f"noteHeader_{n}")
        header.setWordWrap(True)
        header.setStyleSheet(f"color: {SETTLED_COLOUR};")
        layout.addWidget(header)
        if note.text:
            layout.addWidget(value_label(note.text, name=f"noteText_{n}"))
        if note.callback_at is not None:
            label = QLabel()
            label.setObjectName(f"noteCallback_{n}")
            label.setWordWrap(True)
            if live:
                state = callback_state(note.callback_at, now)
                label.setText(callback_summary(note.callback_at, now))
                colour = {CallbackState.OVERDUE: ERROR_COLOUR,
                          CallbackState.SOON: SOON_COLOUR}.get(state)
                if colour:
                    label.setStyleSheet(f"color: {colour}; font-weight: bold;")
                label.setProperty("callbackState", state.value)
            else:
                label.setText(self.tr("约定回电 {when}（已由之后的联系处理）").format(
                    when=formatting.china_datetime(note.callback_at)))
                label.setStyleSheet(f"color: {SETTLED_COLOUR};")
                label.setProperty("callbackState", "settled")
            layout.addWidget(label)
        return box

    def _show_banner(self, page: NotesPage | None, now: datetime) -> None:
        due = page.callback_due_at if page is not None else None
        if due is None or callback_state(due, now) is CallbackState.LATER:
            self.banner_row.hide()
            self.banner.setProperty("callbackState", None)
            return
        who = next((n.contact_with for n in page.notes if n.kind is NoteKind.CONTACT), "")
        state = callback_state(due, now)
        if state is CallbackState.OVERDUE:
            text = self.tr("约定 {when} 回电{who}，已逾期 {late}。").format(
                when=callback_when(due, now), who=who, late=lateness(due, now))
            colour = ERROR_COLOUR
        else:
            text = self.tr("约定 {when} 回电{who}，时间快到了。").format(
                when=callback_when(due, now), who=who)
            colour = SOON_COLOUR
        self.banner.setText(text + self.tr("回电后请登记联系。"))
        self.banner.setStyleSheet(
            f"color: {colour}; font-weight: bold; border: 1px solid {colour};"
            " border-radius: 4px; padding: 6px;")
        self.banner.setProperty("callbackState", state.value)
        self.banner_row.show()

    def callback_mark(self) -> str | None:
        """The banner's state (for tests and the screenshot script)."""
        return self.banner.property("callbackState") if self.banner_row.isVisible() else None

    def callback_party(self) -> PartyView | None:
        """Whom the standing callback was promised to: the party the last contact was
        with, else the complainant."""
        if self.case is None:
            return None
        who = next((n.contact_with for n in (self.page.notes if self.page else ())
                    if n.kind is NoteKind.CONTACT), "")
        parties = [p for p in self.case.parties if p.phone]
        return next((p for p in parties if p.name == who),
                    next((p for p in parties if p.role is PartyRole.APPLICANT),
                         parties[0] if parties else None))

    def reveal_callback_phone(self) -> None:
        party = self.callback_party()
        if party is None:
            self.contact_error.setText(self.tr("没有可回电的号码：请先在当事人中登记电话。"))
            self.contact_error.show()
            return
        ws, purpose = self.owner.ws, self.tr("回电")
        self.reveal_button.setEnabled(False)
        self.owner.runner.op(self, lambda: cases.reveal_phone(ws, party.id, purpose)) \
            .success(lambda result: self._revealed(party, result[0])) \
            .failure(self._reveal_failed).run()

    def _revealed(self, party: PartyView, phone: str) -> None:
        """The whole number in the contact form, ready for the call's entry."""
        self.reveal_button.setEnabled(True)
        shown = next((k for k, v in self._party_names.items() if v == party.name), party.name)
        self.form.set_values({"channel": ContactChannel.PHONE.value, "dial": phone})
        self.contact_with.setEditText(shown)
        self.form.set_row_visible("dial", True)
        self.contact_error.hide()
        self.contact_text.setFocus()

    def _reveal_failed(self, failure: TaskFailure) -> None:
        self.reveal_button.setEnabled(True)
        self.contact_error.setText(messages.error_text(failure.error))
        self.contact_error.show()

    # ------------------------------------------------------------ saving

    def _set_saving(self, saving: bool) -> None:
        self.saving = saving
        self.save_note_button.setEnabled(not saving)
        self.save_contact_button.setEnabled(not saving)

    def save_note(self) -> None:
        if self.case is None or self.saving:
            return
        self.note_error.hide()
        text = self.note_edit.toPlainText()
        if not text.strip():
            self._note_problem(messages.field_problem_text(FieldProblem.REQUIRED))
            return
        self._set_saving(True)
        ws, case_id = self.owner.ws, self.case.id
        self.owner.runner.op(self, lambda: notes.add_note(ws, case_id, text)) \
            .success(self._note_saved).failure(self._note_failed).run()

    def _note_problem(self, text: str) -> None:
        self.note_error.setText(self.tr("记录内容：{problem}").format(problem=text))
        self.note_error.show()
        self.note_edit.setFocus()

    def _note_saved(self, changes: Changes) -> None:
        self._set_saving(False)
        self.note_edit.clear()
        self.reload()
        self.owner.saved_here(changes)

    def _note_failed(self, failure: TaskFailure) -> None:
        self._set_saving(False)
        error = failure.error
        if isinstance(error, ValidationFailed) and set(error.problems) == {"text"}:
            self._note_problem(messages.field_problem_text(error.problems["text"]))
            return
        self.note_error.setText(messages.error_text(error))
        self.note_error.show()
        self.owner.save_failed_here(failure)

    def contact_request(self) -> ContactRequest | None:
        """The form as a request, or None (with messages beside the fields)."""
        assert self.case is not None
        values = self.form.values(["channel", "contact_with", "result", "text"])
        who = self._party_names.get(values["contact_with"], values["contact_with"])
        required = messages.field_problem_text(FieldProblem.REQUIRED)
        problems = {k: required for k in ("channel", "contact_with", "result")
                    if not values[k]}
        callback_at = self.callback.value()
        if callback_at is not None and callback_at <= self.owner.ws.now():
            problems["callback_at"] = self._callback_problem()
        self.form.show_problems(problems)
        if problems:
            return None
        return ContactRequest(self.case.id, values["channel"], who, values["result"],
                              values["text"], callback_at)

    def _callback_problem(self) -> str:
        return self.tr("回电时间须晚于现在（一年以内）")

    def save_contact(self) -> None:
        if self.case is None or self.saving:
            return
        self.contact_error.hide()
        request = self.contact_request()
        if request is None:
            return
        self._set_saving(True)
        ws, r = self.owner.ws, request
        self.owner.runner.op(self, lambda: notes.log_contact(
            ws, r.case_id, channel=r.channel, contact_with=r.contact_with, result=r.result,
            text=r.text, callback_at=r.callback_at)) \
            .success(self._contact_saved).failure(self._contact_failed).run()

    def _contact_saved(self, changes: Changes) -> None:
        self._set_saving(False)
        self._reset_contact_form()
        self.reload()
        self.owner.saved_here(changes)

    def _contact_failed(self, failure: TaskFailure) -> None:
        self._set_saving(False)
        error = failure.error
        if isinstance(error, ValidationFailed):
            mine, rest = fe.split_problems(error, self.form)
            if "callback_at" in mine:
                mine["callback_at"] = self._callback_problem()
            self.form.show_problems(mine)
            if not rest:
                return
        self.contact_error.setText(messages.error_text(error))
        self.contact_error.show()
        self.owner.save_failed_here(failure)
