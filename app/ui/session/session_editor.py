"""The session-record editor: a window of its own beside the case, so the mediator can
keep the record while reading the file.

Nothing typed is lost: every change starts (if not already running) a one-second timer
after which the whole record is saved as a draft on the write lane; leaving the window
saves at once, and closing it saves on the spot. A kill loses at most the last second
or so of typing. Each save carries a rising revision, so a late save never overwrites a
newer one. Finishing turns the draft into a record that can no longer change.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.sessions import (
    Participant,
    SessionContent,
    SessionMode,
    SessionResult,
    Statement,
    TextField,
    Timer,
)
from app.core.timeutil import CHINA_TZ
from app.services import sessions
from app.services.context import Workstation
from app.services.dto import Changes
from app.services.errors import ValidationFailed
from app.services.sessions import DraftView, PhraseView, save_draft
from app.ui import messages, tab_order, text_size
from app.ui.case.action_dialog import ERROR_COLOUR
from app.ui.case.sections import Section, form_scroll, note_label
from app.ui.case.time_edit import ChinaDateTimeEdit, OneTabDateEdit
from app.ui.forms import form_layout
from app.ui.operations.sessions import PhraseBook, phrase_book
from app.ui.qtcompat import disconnect, emit
from app.ui.session import session_texts as texts
from app.ui.tasks import TaskFailure, TaskRunner

SAVE_DELAY_MS = 1000  # a change is on disk about a second later (the promise is 2 s)
RETRY_MS = 3000


class StatementBox(QWidget):
    """One participant's statement: a caption and a text box."""

    def __init__(self, name: str, role: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.caption = QLabel(self.tr("{who}陈述").format(who=texts.participant_text(name, role)))
        self.edit = _text_box(self.tr("{name}讲述的事实、理由和请求").format(name=name), 3)
        self.edit.setObjectName(f"statement_{name}")
        self.edit.setProperty("textField", TextField.STATEMENT.value)
        layout.addWidget(self.caption)
        layout.addWidget(self.edit)


def _text_box(placeholder: str, lines: int) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)
    line = edit.fontMetrics().lineSpacing()
    edit.setMinimumHeight(line * lines + 14)
    edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    return edit


class SessionEditor(QWidget):
    """Edits one draft. ``finished(Changes)`` after the record is filed,
    ``discarded(Changes)`` after the draft is thrown away, ``closed(draft_id)`` always."""

    finished = Signal(object)
    discarded = Signal(object)
    closed = Signal(object)
    saved = Signal(int)  # the revision now on disk
    phrases_changed = Signal(object)  # Changes: the office's phrases were edited

    def __init__(self, ws: Workstation, runner: TaskRunner, draft: DraftView,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.ws = ws
        self.runner = runner
        runner.events.changed.connect(self._on_changes)
        self.draft = draft
        self.setObjectName("sessionEditor")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.revision = draft.revision  # the last revision handed to the write lane
        self.saved_revision = draft.revision  # the last one known to be on disk
        self.dirty = False
        self.closing = False
        self.busy = False
        self.current_message: QMessageBox | None = None
        self._timer = draft.content.timer
        self._statements: dict[str, StatementBox] = {}
        self._kept_statements: dict[str, str] = {}  # typed for someone now unticked
        self._loading = True
        self._last_text: QPlainTextEdit | None = None
        self._phrases: tuple[PhraseView, ...] = ()
        self._templates: tuple[PhraseView, ...] = ()

        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.timeout.connect(self.save_now)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._show_clock)

        self._build()
        self._fill(draft.content)
        self._loading = False
        self._show_clock()
        self._tick.start()
        QApplication.instance().focusChanged.connect(self._on_focus_changed)
        QApplication.instance().applicationStateChanged.connect(self._on_app_state)
        self._load_phrases()

    # ------------------------------------------------------------ building

    def _build(self) -> None:
        em = self.fontMetrics().horizontalAdvance("汉")
        self.setWindowTitle(self.tr("调解记录 — {ticket}").format(ticket=self.draft.case_ticket))
        outer = QVBoxLayout(self)
        outer.setContentsMargins(em, em, em, em)
        outer.setSpacing(em // 2)

        # Mode, start, place and the running timer: one line above everything.
        top = QGridLayout()
        top.setHorizontalSpacing(em // 2)
        self.mode = QComboBox()
        self.mode.setObjectName("sessionMode")
        for mode in SessionMode:
            self.mode.addItem(texts.mode_text(mode), mode.value)
        # China wall time, whatever zone the machine is set to (as every time shown).
        self.started = ChinaDateTimeEdit(self.draft.created_at)
        self.started.setObjectName("sessionStarted")
        self.place = QLineEdit()
        self.place.setObjectName("sessionPlace")
        self.place.setPlaceholderText(self.tr("如：电话、微信视频、张江所调解室"))
        self.clock = QLabel()
        self.clock.setObjectName("sessionClock")
        text_size.emphasise(self.clock, 1.3)
        self.pause_button = QPushButton()
        self.pause_button.setObjectName("sessionTimerToggle")
        self.pause_button.clicked.connect(self.toggle_timer)
        top.addWidget(QLabel(self.tr("方式")), 0, 0)
        top.addWidget(self.mode, 0, 1)
        top.addWidget(QLabel(self.tr("开始")), 0, 2)
        top.addWidget(self.started, 0, 3)
        top.addWidget(QLabel(self.tr("地点")), 0, 4)
        top.addWidget(self.place, 0, 5)
        top.setColumnStretch(5, 1)
        top.addWidget(self.clock, 0, 6)
        top.addWidget(self.pause_button, 0, 7)
        outer.addLayout(top)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._build_record(em))
        splitter.addWidget(self._build_phrase_panel(em))
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        outer.addWidget(splitter, 1)

        self.problems = QLabel()
        self.problems.setObjectName("sessionProblems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet(f"color: {ERROR_COLOUR}")
        self.problems.hide()
        outer.addWidget(self.problems)

        bottom = QHBoxLayout()
        self.save_state = QLabel()
        self.save_state.setObjectName("draftState")
        self.save_state.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.discard_button = QPushButton(self.tr("放弃草稿…"))
        self.discard_button.setObjectName("discardDraft")
        self.discard_button.clicked.connect(self.ask_discard)
        self.close_button = QPushButton(self.tr("关闭（保留草稿）"))
        self.close_button.setObjectName("closeEditor")
        self.close_button.clicked.connect(self.close)
        self.finish_button = QPushButton(self.tr("完成记录…"))
        self.finish_button.setObjectName("finishSession")
        self.finish_button.setDefault(True)
        self.finish_button.clicked.connect(self.ask_finish)
        bottom.addWidget(self.save_state, 1)
        bottom.addWidget(self.discard_button)
        bottom.addWidget(self.close_button)
        bottom.addWidget(self.finish_button)
        outer.addLayout(bottom)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save_now)

        self.resize(em * 62, em * 44)

    def _build_record(self, em: int) -> QWidget:
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, em // 2, 0)
        layout.setSpacing(em)

        people = Section(self.tr("参加人"))
        self.participants = QListWidget()
        self.participants.setObjectName("participants")
        self.participants.setMaximumHeight(em * 7)
        self.participants.itemChanged.connect(self._on_participants_changed)
        people.add_widget(self.participants)
        other = QHBoxLayout()
        self.other_name = QLineEdit()
        self.other_name.setObjectName("otherParticipantName")
        self.other_name.setPlaceholderText(self.tr("其他参加人姓名"))
        self.other_role = QLineEdit()
        self.other_role.setObjectName("otherParticipantRole")
        self.other_role.setPlaceholderText(self.tr("身份，如：代理人、翻译、社区干部"))
        add = self.add_participant_button = QPushButton(self.tr("添加"))
        add.setObjectName("addParticipant")
        add.clicked.connect(self.add_other_participant)
        self.other_role.returnPressed.connect(self.add_other_participant)
        other.addWidget(self.other_name, 2)
        other.addWidget(self.other_role, 3)
        other.addWidget(add)
        people.grid.addLayout(other, people.grid.rowCount(), 0, 1, 2)
        layout.addWidget(people)

        said = Section(self.tr("各方陈述"))
        self._statements_box = QVBoxLayout()
        self._statements_box.setSpacing(em // 2)
        said.grid.addLayout(self._statements_box, 0, 0, 1, 2)
        layout.addWidget(said)

        self.evidence = _text_box(self.tr("出示、核对了哪些证据，对方的意见"), 3)
        self.proposals = _text_box(self.tr("调解员释法说理、提出的调解方案"), 3)
        self.responses = _text_box(self.tr("各方对方案的意见"), 3)
        for edit, field, name in ((self.evidence, TextField.EVIDENCE, "sessionEvidence"),
                                  (self.proposals, TextField.PROPOSALS, "sessionProposals"),
                                  (self.responses, TextField.RESPONSES, "sessionResponses")):
            edit.setObjectName(name)
            edit.setProperty("textField", field.value)
            section = Section(texts.part_text(field.value))
            section.add_widget(edit)
            layout.addWidget(section)

        outcome = Section(self.tr("调解结果"))
        form = form_layout()
        self.result = QComboBox()
        self.result.setObjectName("sessionResult")
        self.result.addItem(self.tr("请选择"), "")
        for result in SessionResult:
            self.result.addItem(texts.result_text(result), result.value)
        self.next_step = _text_box(self.tr("下一步怎么办：再次联系、补充材料、当面调解……"), 2)
        self.next_step.setObjectName("sessionNextStep")
        self.next_step.setProperty("textField", TextField.NEXT_STEP.value)
        self.next_step_on = OneTabDateEdit()
        self.next_step_on.setObjectName("sessionNextStepOn")
        self.next_step_on.setCalendarPopup(True)
        self.next_step_on.setDisplayFormat("yyyy-MM-dd")
        self.next_step_on.setSpecialValueText(self.tr("未定"))
        self.next_step_on.setMinimumDate(QDate(2000, 1, 1))
        form.addRow(self.tr("结果"), self.result)
        form.addRow(self.tr("下一步"), self.next_step)
        form.addRow(self.tr("下次调解日期"), self.next_step_on)
        outcome.grid.addLayout(form, 0, 0, 1, 2)
        layout.addWidget(outcome)
        layout.addStretch(1)

        for edit in (self.evidence, self.proposals, self.responses, self.next_step):
            edit.textChanged.connect(self.changed)
        self.place.textChanged.connect(self.changed)
        self.mode.currentIndexChanged.connect(self.changed)
        self.started.dateTimeChanged.connect(self.changed)
        self.result.currentIndexChanged.connect(self._on_result_changed)
        self.next_step_on.dateChanged.connect(self.changed)

        scroll = form_scroll(content, "sessionRecordScroll")
        return scroll

    def _build_phrase_panel(self, em: int) -> QWidget:
        panel = QWidget()
        panel.setObjectName("phrasePanel")
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(em // 2, 0, 0, 0)
        self.template_combo = QComboBox()
        self.template_combo.setObjectName("templateCombo")
        self.template_combo.activated.connect(self._template_chosen)
        layout.addWidget(QLabel(self.tr("模板")))
        layout.addWidget(self.template_combo)
        self.phrase_caption = QLabel(self.tr("常用语（双击插入到光标处）"))
        self.phrase_caption.setWordWrap(True)
        layout.addWidget(self.phrase_caption)
        self.phrase_list = QListWidget()
        self.phrase_list.setObjectName("phraseList")
        self.phrase_list.setWordWrap(True)
        self.phrase_list.itemActivated.connect(self._phrase_chosen)
        self.phrase_list.itemDoubleClicked.connect(self._phrase_chosen)
        layout.addWidget(self.phrase_list, 1)
        manage = QPushButton(self.tr("管理常用语和模板…"))
        manage.setObjectName("managePhrases")
        manage.clicked.connect(self.manage_phrases)
        layout.addWidget(manage)
        self.phrase_manager = None
        panel.setMinimumWidth(em * 14)
        return panel

    # ------------------------------------------------------------ content in and out

    def _fill(self, content: SessionContent) -> None:
        self.mode.setCurrentIndex(max(0, self.mode.findData(content.mode)))
        started = content.started_at or self.draft.created_at
        self.started.set_value(started)
        self.place.setText(content.place)
        self.participants.blockSignals(True)
        self.participants.clear()
        for p in content.participants:
            self._add_participant_item(p, checked=True)
        self.participants.blockSignals(False)
        self._kept_statements = {s.name: s.text for s in content.statements}
        self._rebuild_statements()
        self.evidence.setPlainText(content.evidence)
        self.proposals.setPlainText(content.proposals)
        self.responses.setPlainText(content.responses)
        self.result.setCurrentIndex(max(0, self.result.findData(content.result)))
        self.next_step.setPlainText(content.next_step)
        if content.next_step_on is not None:
            d = content.next_step_on
            self.next_step_on.setDate(QDate(d.year, d.month, d.day))
        else:
            self.next_step_on.setDate(self.next_step_on.minimumDate())
        self._on_result_changed()

    def content(self) -> SessionContent:
        """The record as it stands on screen."""
        participants = []
        for n in range(self.participants.count()):
            item = self.participants.item(n)
            if item.checkState() == Qt.CheckState.Checked:
                participants.append(item.data(Qt.ItemDataRole.UserRole))
        statements = dict(self._kept_statements)
        for name, box in self._statements.items():
            statements[name] = box.edit.toPlainText()
        qdate = self.next_step_on.date()
        next_on = (None if qdate == self.next_step_on.minimumDate()
                   else date(qdate.year(), qdate.month(), qdate.day()))
        started = self.started.value().astimezone(UTC)
        return SessionContent(
            mode=self.mode.currentData() or SessionMode.PHONE.value,
            started_at=started,
            place=self.place.text(),
            participants=tuple(participants),
            statements=tuple(Statement(k, v) for k, v in statements.items() if v),
            evidence=self.evidence.toPlainText(),
            proposals=self.proposals.toPlainText(),
            responses=self.responses.toPlainText(),
            result=self.result.currentData() or "",
            next_step=self.next_step.toPlainText(),
            next_step_on=next_on,
            timer=self._timer,
        )

    # ------------------------------------------------------------ participants

    def _add_participant_item(self, p: Participant, *, checked: bool) -> None:
        item = QListWidgetItem(texts.participant_text(p.name, p.role))
        item.setData(Qt.ItemDataRole.UserRole, p)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.participants.addItem(item)

    def add_other_participant(self) -> None:
        name = self.other_name.text().strip()
        if not name:
            self.other_name.setFocus()
            return
        existing = {self.participants.item(n).data(Qt.ItemDataRole.UserRole).name
                    for n in range(self.participants.count())}
        if name in existing:
            self.other_name.selectAll()
            return
        self._add_participant_item(Participant(name, self.other_role.text().strip()),
                                   checked=True)
        self.other_name.clear()
        self.other_role.clear()
        # Adding an item is no itemChanged: the statement box and the autosave follow here.
        self._rebuild_statements()
        self.changed()

    def _on_participants_changed(self, _item: QListWidgetItem) -> None:
        self._rebuild_statements()
        self.changed()

    def _rebuild_statements(self) -> None:
        for name, box in self._statements.items():
            self._kept_statements[name] = box.edit.toPlainText()
        wanted = []
        for n in range(self.participants.count()):
            item = self.participants.item(n)
            if item.checkState() == Qt.CheckState.Checked:
                wanted.append(item.data(Qt.ItemDataRole.UserRole))
        if [p.name for p in wanted] == list(self._statements):
            return
        while self._statements_box.count():
            widget = self._statements_box.takeAt(0).widget()
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self._statements = {}
        for p in wanted:
            box = StatementBox(p.name, p.role)
            box.edit.setPlainText(self._kept_statements.get(p.name, ""))
            box.edit.textChanged.connect(self.changed)
            self._statements_box.addWidget(box)
            self._statements[p.name] = box
        if not wanted:
            empty = note_label(self.tr("请先在上方勾选参加人。"), name="noParticipants")
            self._statements_box.addWidget(empty)
        # New boxes joined the Tab order at the end: they read after the participants.
        tab_order.chain([self.add_participant_button, *self._statements.values(),
                         self.evidence])

    def statement_edit(self, name: str) -> QPlainTextEdit:
        return self._statements[name].edit

    # ------------------------------------------------------------ the timer

    def toggle_timer(self) -> None:
        now = self.ws.now()
        running = self._timer.running_since is not None
        self._timer = self._timer.paused(now) if running else self._timer.resumed(now)
        self._show_clock()
        self.changed()

    def _show_clock(self) -> None:
        running = self._timer.running_since is not None
        self.clock.setText(texts.clock_text(self._timer.seconds(self.ws.now())))
        self.pause_button.setText(self.tr("暂停计时") if running else self.tr("继续计时"))

    # ------------------------------------------------------------ results

    def _on_result_changed(self) -> None:
        next_step = self.result.currentData() == SessionResult.NEXT_STEP.value
        self.next_step_on.setEnabled(next_step)
        if next_step and self.next_step_on.date() == self.next_step_on.minimumDate():
            today = QDate.currentDate()
            self.next_step_on.setDate(today.addDays(7))
        self.changed()

    # ------------------------------------------------------------ saving

    def changed(self) -> None:
        if self._loading or self.closing:
            return
        self.dirty = True
        if not self._save_timer.isActive():
            # Not restarted by further typing: steady typing is saved every second.
            self._save_timer.start(SAVE_DELAY_MS)

    def save_now(self) -> None:
        """Hand the record to the write lane now (if anything changed)."""
        self._save_timer.stop()
        if not self.dirty or self.closing:
            return
        self.dirty = False
        self.revision += 1
        ws, draft_id, content, revision = self.ws, self.draft.id, self.content(), self.revision
        self.runner.op(self, lambda: sessions.save_draft(ws, draft_id, content,
                                                         revision=revision, open_=True)) \
            .success(lambda _none: self._saved(revision)).failure(self._save_failed).run()

    def _saved(self, revision: int) -> None:
        self.saved_revision = max(self.saved_revision, revision)
        self.save_state.setStyleSheet("")
        self.save_state.setText(self.tr("草稿已自动保存 {time}").format(
            time=f"{self.ws.now().astimezone(CHINA_TZ):%H:%M:%S}"))
        emit(self.saved, revision)

    def _save_failed(self, failure: TaskFailure) -> None:
        # Kept on screen and tried again; the mediator is told, not interrupted.
        self.dirty = True
        self.save_state.setStyleSheet(f"color: {ERROR_COLOUR}")
        self.save_state.setText(self.tr("草稿暂未保存（{reason}），稍后自动重试。").format(
            reason=messages.error_text(failure.error)))
        if not self.closing:
            self._save_timer.start(RETRY_MS)

    def save_on_the_spot(self, *, keep_open: bool) -> None:
        """The last save before the window goes (or the app quits): done here and now,
        so it cannot be left queued behind a cancelled task. ``keep_open``: reopen the
        editor at the next start."""
        self._save_timer.stop()
        self.revision += 1
        try:
            save_draft(self.ws, self.draft.id, self.content(), revision=self.revision,
                       open_=keep_open)
            self.dirty = False
        except Exception as error:  # shown, and the window stays
            self.dirty = True
            raise error

    def _on_focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        if self.closing:
            return
        if isinstance(new, QPlainTextEdit) and self.isAncestorOf(new):
            if new is not self._last_text:
                self._last_text = new
                self._show_phrases_for(new.property("textField") or "")
        leaving = old is not None and self.isAncestorOf(old) and (
            new is None or not self.isAncestorOf(new))
        if leaving and self.dirty:
            self.save_now()

    def _on_app_state(self, state: Qt.ApplicationState) -> None:
        if state != Qt.ApplicationState.ApplicationActive:
            self.save_now()

    # ------------------------------------------------------------ phrases and templates

    def _load_phrases(self) -> None:
        ws, category = self.ws, self.draft.case_category
        self.runner.query(self, lambda: phrase_book(ws, category)) \
            .success(self._show_phrase_book).run()

    def _show_phrase_book(self, book: PhraseBook) -> None:
        self._phrases = book.phrases
        self._templates = book.templates
        self.template_combo.clear()
        self.template_combo.addItem(self.tr("套用模板…"), None)
        for t in book.templates:
            self.template_combo.addItem(t.title, t)
        field = self._last_text.property("textField") if self._last_text else ""
        self._show_phrases_for(field or "")

    def _show_phrases_for(self, field: str) -> None:
        self.phrase_list.clear()
        for p in self._phrases:
            if p.field and field and p.field != field:
                continue
            item = QListWidgetItem(p.title)
            item.setToolTip(p.body)
            item.setData(Qt.ItemDataRole.UserRole, p)
            self.phrase_list.addItem(item)

    def _phrase_chosen(self, item: QListWidgetItem) -> None:
        phrase: PhraseView = item.data(Qt.ItemDataRole.UserRole)
        self.insert_phrase(phrase)

    def insert_phrase(self, phrase: PhraseView) -> None:
        target = self._last_text or self.proposals
        target.insertPlainText(phrase.body)
        target.setFocus()

    def _template_chosen(self, index: int) -> None:
        template = self.template_combo.itemData(index)
        self.template_combo.setCurrentIndex(0)
        if template is not None:
            self.apply_template(template)

    def apply_template(self, template: PhraseView) -> None:
        """Fills the empty parts; a part already written gets the text added below."""
        boxes = {TextField.EVIDENCE.value: self.evidence,
                 TextField.PROPOSALS.value: self.proposals,
                 TextField.RESPONSES.value: self.responses,
                 TextField.NEXT_STEP.value: self.next_step}
        for field, text in template.fields.items():
            box = boxes.get(field)
            if box is None:
                continue
            current = box.toPlainText()
            box.setPlainText(f"{current.rstrip()}\n{text}" if current.strip() else text)

    def manage_phrases(self) -> None:
        from app.ui.session.phrase_dialog import PhraseDialog

        dialog = PhraseDialog(self.ws, self.runner, self.draft.case_category, self)
        self.phrase_manager = dialog
        dialog.open()

    def _on_changes(self, changes: Changes) -> None:
        if changes.phrases:  # the office's phrases were edited (here or in another editor)
            self._load_phrases()
            emit(self.phrases_changed, changes)

    # ------------------------------------------------------------ finishing

    def ask_finish(self) -> None:
        self.problems.hide()
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("完成调解记录"), self.tr(
            "完成后这份调解记录将不能再修改，如需更正只能添加注明日期的补充说明。\n"
            "确定完成吗？"), QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("confirmFinish")
        box.addButton(self.tr("完成记录"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("继续编辑"), QMessageBox.ButtonRole.RejectRole)
        box.accepted.connect(self.finish)
        self.current_message = box
        box.open()

    def finish(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.finish_button.setEnabled(False)
        self._save_timer.stop()
        now = self.ws.now()
        content = self.content()
        if content.timer.running_since is not None:
            content = replace(content, timer=Timer(content.timer.seconds(now), None))
        ws, draft_id = self.ws, self.draft.id
        self.runner.op(self, lambda: sessions.finish_session(ws, draft_id, content)) \
            .success(self._finished).failure(self._finish_failed).run()

    def _finished(self, changes: Changes) -> None:
        self.busy = False
        self.closing = True
        emit(self.finished, changes)
        self.close()

    def _finish_failed(self, failure: TaskFailure) -> None:
        self.busy = False
        self.finish_button.setEnabled(True)
        error = failure.error
        if isinstance(error, ValidationFailed):
            text = self.tr("还不能完成，请补全：\n{problems}").format(
                problems=texts.problems_text(error.problems))
        else:
            text = messages.error_text(error)
        self.problems.setText(text)
        self.problems.show()

    # ------------------------------------------------------------ discarding and closing

    def ask_discard(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("放弃草稿"), self.tr(
            "放弃后草稿中填写的内容将被删除，无法恢复。确定放弃吗？"),
            QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("confirmDiscard")
        box.addButton(self.tr("放弃草稿"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(self.tr("保留"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.buttonClicked.connect(
            lambda b: self.discard() if b is not keep else None)
        self.current_message = box
        box.open()

    def discard(self) -> None:
        self.busy = True
        self._save_timer.stop()
        ws, draft_id = self.ws, self.draft.id
        self.runner.op(self, lambda: sessions.discard_draft(ws, draft_id)) \
            .success(self._discarded).failure(self._finish_failed).run()

    def _discarded(self, changes: Changes) -> None:
        self.busy = False
        self.closing = True
        emit(self.discarded, changes)
        self.close()

    def close_for_quit(self) -> None:
        """The app is quitting: save, remember the editor was open, close."""
        if not self.closing:
            self.save_on_the_spot(keep_open=True)
            self.closing = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.closing:
            try:
                self.save_on_the_spot(keep_open=False)
            except Exception as error:
                self.save_state.setStyleSheet(f"color: {ERROR_COLOUR}")
                self.save_state.setText(self.tr("草稿未能保存，窗口暂不关闭：{reason}").format(
                    reason=messages.error_text(error)))
                event.ignore()
                return
            self.closing = True
        self._tick.stop()
        self._save_timer.stop()
        app = QApplication.instance()
        disconnect(app.focusChanged, self._on_focus_changed)
        disconnect(app.applicationStateChanged, self._on_app_state)
        emit(self.closed, self.draft.id)
        super().closeEvent(event)
