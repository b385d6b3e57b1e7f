"""The open case: its ticket and status, buttons for exactly the actions the workflow
allows now, and tabs — 概况, 当事人, 调解记录, 工作记录, 证据, 时间线, 文书, 回访, 历史.

The window owns the workflow actions (``action_requested(Action)``: it opens the dialog
from ``ACTION_DIALOGS`` and runs the action). The tabs run what is local to them —
edits in place, the audited ID reveal, follow-ups, notes, documents — as ops through
the task runner (they see the pane as a ``CaseHost``); each write's ``Changes`` reach
the window through ``runner.events``, and it refreshes the row, the counts and this
pane. ``load(case_id)`` lets the pane read a case on its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.timeutil import china_today
from app.core.workflow import Action
from app.services import groups
from app.services.context import Workstation
from app.services.dto import CaseDetail, Changes
from app.services.groups import CaseGroup
from app.services.tempfiles import RunFolder
from app.services.timeline import EntryKind
from app.ui import formatting, messages, text_size
from app.ui.case.action_dialog import ActionDialog
from app.ui.case.close_dialog import CloseDialog
from app.ui.case.documents_tab import DocumentsTab
from app.ui.case.evidence_tab import EvidenceTab
from app.ui.case.follow_up_tab import FollowUpTab
from app.ui.case.history_tab import HistoryTab
from app.ui.case.notes_tab import NotesTab
from app.ui.case.overview_tab import OverviewTab
from app.ui.case.parties_tab import PartiesTab
from app.ui.case.pause_dialog import PauseDialog, ResumeDialog
from app.ui.case.reject_dialog import RejectDialog
from app.ui.case.reopen_dialog import ReopenDialog
from app.ui.case.sections import note_label, value_label
from app.ui.case.sessions_tab import SessionsTab
from app.ui.case.tab_rows import TabRows
from app.ui.case.timeline_tab import TimelineTab
from app.ui.operations.cases import (
    PERFORMERS,
    History,
    IntakeChoices,
    LoadedCase,
    load_case,
    load_history,
    load_intake_choices,
)
from app.ui.qtcompat import emit
from app.ui.session.editors import SessionEditors
from app.ui.tasks import LatestOnly, TaskFailure, TaskRunner

# Dialogs for the actions that ask for more than a click (派单 also needs the office's
# mediators, which the window loads first: see AssignDialog).
ACTION_DIALOGS: dict[Action, type[ActionDialog]] = {
    Action.REJECT: RejectDialog,
    Action.CLOSE: CloseDialog,
    Action.REOPEN: ReopenDialog,
    Action.PAUSE: PauseDialog,
    Action.RESUME: ResumeDialog,
}
ACTIONS_WITH_DIALOG = frozenset({*ACTION_DIALOGS, Action.ASSIGN})
# Offered as buttons: the actions the window performs, and 回访 (the 回访 tab).
BUTTON_ACTIONS = (*PERFORMERS, Action.FOLLOW_UP)


def action_button_text(action: Action) -> str:
    text = messages.action_text(action)
    return text + "…" if action in ACTIONS_WITH_DIALOG else text


class Tab:
    (OVERVIEW, PARTIES, SESSIONS, NOTES, EVIDENCE, TIMELINE, DOCUMENTS, FOLLOW_UP,
     HISTORY) = range(9)


class CasePane(QWidget):
    """Shows one case; see the module docstring for who does what. The ``CaseHost`` of
    its tabs."""

    action_requested = Signal(object)  # Action: the window opens its dialog / runs it
    case_loaded = Signal(object)  # uuid.UUID: a case is on screen, freshly read
    history_loaded = Signal()
    saved = Signal(object)  # Changes of a successful edit or follow-up
    save_failed = Signal(object)  # TaskFailure of a refused edit
    id_revealed = Signal(object)  # uuid.UUID of the party whose ID number is shown
    group_requested = Signal(object)  # uuid.UUID of the case's group: open its window

    def __init__(self, ws: Workstation, runner: TaskRunner,
                 parent: QWidget | None = None, *, temp: RunFolder | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseView")
        self.ws = ws
        self.runner = runner
        self.temp = temp if temp is not None else RunFolder()  # where 打开 puts copies
        self.case: CaseDetail | None = None
        self.data: LoadedCase | None = None
        self.buttons: dict[Action, QPushButton] = {}
        self.people: dict[str, str] = {ws.actor.login: ws.actor.name}
        self.current_dialog: QWidget | None = None
        self._choices: IntakeChoices | None = None
        self._case_reads = LatestOnly(runner, self)
        self._history_reads = LatestOnly(runner, self)
        self._group_reads = LatestOnly(runner, self)
        self.group: CaseGroup | None = None

        # Session-record editors open in windows of their own (see app/ui/session).
        self.session_editors = SessionEditors(ws, runner, self)
        runner.events.changed.connect(self._on_changes)
        self.session_editors.failed.connect(lambda failure: self.runner.error_handler(failure))

        self._stack = QStackedWidget(self)
        self._placeholder = QLabel()
        self._placeholder.setObjectName("placeholder")
        self._placeholder.setWordWrap(True)
        self._placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._placeholder.setMargin(24)
        self._stack.addWidget(self._placeholder)
        self._stack.addWidget(self._build_content())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._stack)
        self.show_placeholder()

    # ------------------------------------------------------------ building

    def _build_content(self) -> QWidget:
        content = QWidget()
        content.setObjectName("caseContent")
        layout = QVBoxLayout(content)
        m = self.fontMetrics().horizontalAdvance("m")
        layout.setContentsMargins(m, m, m, 0)
        layout.setSpacing(m)

        top = QGridLayout()
        top.setHorizontalSpacing(12)
        self.ticket_label = value_label("", name="caseTicket")
        text_size.emphasise(self.ticket_label, 1.25)
        self.status_label = QLabel()
        self.status_label.setObjectName("caseStatus")
        self.status_label.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        self.subtitle_label = value_label("", name="caseSubtitle")
        # The long ticket number has a line to itself, so a narrow pane never clips it.
        top.addWidget(self.ticket_label, 0, 0, 1, 2)
        top.addWidget(self.subtitle_label, 1, 0)
        top.addWidget(self.status_label, 1, 1,
                      Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        top.setColumnStretch(0, 1)
        layout.addLayout(top)

        # 群体纠纷：<title>（共 N 件） and the way to its window (issue 17), when it has one.
        self.group_box = QWidget()
        self.group_box.setObjectName("caseGroup")
        group_row = QHBoxLayout(self.group_box)
        group_row.setContentsMargins(0, 0, 0, 0)
        self.group_label = value_label("", name="caseGroupText")
        self.group_button = QPushButton(self.tr("查看群体…"))
        self.group_button.setObjectName("openCaseGroup")
        self.group_button.setToolTip(self.tr("在群体纠纷管理中打开这个群体"))
        self.group_button.clicked.connect(
            lambda: emit(self.group_requested, self.group.id) if self.group else None)
        group_row.addWidget(self.group_label, 1)
        group_row.addWidget(self.group_button)
        self.group_box.hide()
        layout.addWidget(self.group_box)

        self._actions_box = QWidget()
        self._actions_box.setObjectName("caseActions")
        self._actions_grid = QGridLayout(self._actions_box)
        self._actions_grid.setContentsMargins(0, 0, 0, 0)
        self._actions_grid.setHorizontalSpacing(8)
        self._actions_grid.setVerticalSpacing(8)
        layout.addWidget(self._actions_box)
        self.other_actions = note_label("", name="otherActions")
        layout.addWidget(self.other_actions)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("caseTabs")
        self.tabs.setDocumentMode(True)
        self.overview = OverviewTab(self)
        self.parties = PartiesTab(self)
        self.follow_up = FollowUpTab(self)
        self.history = HistoryTab()
        self.sessions = SessionsTab(self)
        self.notes = NotesTab(self)
        self.evidence = EvidenceTab(self)
        self.timeline = TimelineTab(self)
        self.timeline.open_requested.connect(self._open_from_timeline)
        self.documents = DocumentsTab(self)
        self.tabs.addTab(self.overview, self.tr("概况"))
        self.tabs.addTab(self.parties, self.tr("当事人"))
        self.tabs.addTab(self.sessions, self.tr("调解记录"))
        self.tabs.addTab(self.notes, self.tr("工作记录"))
        self.tabs.addTab(self.evidence, self.tr("证据"))
        self.tabs.addTab(self.timeline, self.tr("时间线"))
        self.tabs.addTab(self.documents, self.tr("文书"))
        self.tabs.addTab(self.follow_up, self.tr("回访"))
        self.tabs.addTab(self.history, self.tr("历史"))
        self.tab_rows = TabRows(self.tabs)  # every tab in sight, wrapped when narrow
        layout.addWidget(self.tab_rows)
        layout.addWidget(self.tabs, 1)
        return content

    # ------------------------------------------------------------ states

    def show_placeholder(self, text: str | None = None) -> None:
        self.case = None
        self.data = None
        self.buttons = {}
        self._case_reads.forget()
        self._placeholder.setText(text or self.tr(
            "在列表中选择一件案件，这里会显示案件详情和可办理的操作。"))
        self._stack.setCurrentWidget(self._placeholder)

    def set_busy(self, busy: bool) -> None:
        """While an action runs, its buttons wait."""
        for button in self.buttons.values():
            button.setEnabled(not busy)

    def load(self, case_id: uuid.UUID) -> None:
        """Read the case off the GUI thread and show it."""
        ws = self.ws
        self._case_reads.query(lambda: load_case(ws, case_id)).success(self.show_case).run()

    def show_case(self, data: LoadedCase) -> None:
        case = data.detail
        self.case = case
        self.data = data
        self.ticket_label.setText(case.source_ticket)
        self.status_label.setText(messages.status_text(case.status)
                                  + (self.tr("（计时中止）") if case.paused else ""))
        facts = [messages.track_text(case.track), messages.kind_text(case.kind),
                 messages.source_text(case.source),
                 self.tr("收到 {time}").format(time=formatting.china_datetime(case.received_at))]
        self.subtitle_label.setText(" · ".join(facts))
        self._fill_actions(case)
        self.overview.show_case(data)
        self.parties.show_case(case)
        self.follow_up.show_case(case, self.people)
        for tab in (self.sessions, self.notes, self.evidence, self.timeline, self.documents):
            tab.show_case(case)
        self._stack.setCurrentIndex(1)
        self._load_history(case)
        self._load_group(case)
        emit(self.case_loaded, case.id)

    def _load_group(self, case: CaseDetail) -> None:
        if self.group is not None and self.group_box.property("caseId") != str(case.id):
            self.group = None
            self.group_box.hide()  # another case's group is not shown meanwhile
        self.group_box.setProperty("caseId", str(case.id))
        ws, case_id = self.ws, case.id
        self._group_reads.query(lambda: groups.group_of_case(ws, case_id)) \
            .success(self._show_group).run()

    def _show_group(self, group: CaseGroup | None) -> None:
        self.group = group
        if group is not None:
            self.group_label.setText(self.tr("群体纠纷：{title}（共 {n} 件）").format(
                title=group.title, n=group.members))
        self.group_box.setVisible(group is not None)

    def _fill_actions(self, case: CaseDetail) -> None:
        while self._actions_grid.count():
            item = self._actions_grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.buttons = {}
        offered = [a for a in case.allowed_actions if a in BUTTON_ACTIONS]
        per_row = 4
        for n, action in enumerate(offered):
            button = QPushButton(action_button_text(action))
            button.setObjectName(f"action_{action.value}")
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.clicked.connect(lambda _=False, a=action: self._on_action(a))
            self._actions_grid.addWidget(button, n // per_row, n % per_row)
            button.show()  # now, not on the layout's queued call: it can be clicked at once
            self.buttons[action] = button
        for c in range(per_row):
            self._actions_grid.setColumnStretch(c, 1)
        self._actions_box.setVisible(bool(offered))
        others = [a for a in case.allowed_actions if a not in BUTTON_ACTIONS]
        self.other_actions.setText(self.tr("另可办理：{actions}（在后续版本中提供）").format(
            actions="、".join(messages.action_text(a) for a in others)) if others else "")
        self.other_actions.setVisible(bool(others))

    def _on_action(self, action: Action) -> None:
        if action is Action.FOLLOW_UP:
            self.tabs.setCurrentIndex(Tab.FOLLOW_UP)
            self.follow_up.form.fields["method"].setFocus()
            return
        emit(self.action_requested, action)

    def action_dialog(self, action: Action, parent: QWidget | None = None) -> ActionDialog:
        """The dialog for an action of ``ACTION_DIALOGS`` on the case shown."""
        assert self.case is not None
        cls = ACTION_DIALOGS[action]
        if cls in (PauseDialog, ResumeDialog):
            return cls(self.case, parent, today=china_today(self.ws.now()))
        return cls(self.case, parent)

    # ------------------------------------------------------------ history

    def _load_history(self, case: CaseDetail) -> None:
        if self.history.lines == [] or self.history.property("caseId") != str(case.id):
            self.history.show_loading()
        self.history.setProperty("caseId", str(case.id))
        ws, case_id = self.ws, case.id
        self._history_reads.task(lambda state: load_history(ws, case_id, state)) \
            .success(self._show_history).run()

    def _show_history(self, history: History) -> None:
        if self.case is None:
            return
        self.people.update(history.people)
        self.history.show_history(history, self.case)
        self.follow_up.show_case(self.case, self.people)
        emit(self.history_loaded)

    # ------------------------------------------------------------ what the tabs call

    def show_dialog(self, dialog: QWidget) -> None:
        self.current_dialog = dialog
        dialog.open()

    def load_choices(self, apply: Callable[[IntakeChoices], None]) -> None:
        """Categories and tags in use (for the editors' lists), read once."""
        if self._choices is not None:
            apply(self._choices)
            return

        def done(choices: IntakeChoices) -> None:
            self._choices = choices
            apply(choices)

        ws = self.ws
        self.runner.query(self, lambda: load_intake_choices(ws)).success(done).run()

    def saved_here(self, changes: Changes) -> None:
        emit(self.saved, changes)

    def save_failed_here(self, failure: TaskFailure) -> None:
        emit(self.save_failed, failure)

    def stale(self) -> None:
        """The case changed elsewhere: everyone showing it reloads."""
        if self.case is not None:
            self.runner.events.publish(Changes(case_ids=frozenset({self.case.id})))

    def _open_from_timeline(self, kind: EntryKind, ref: uuid.UUID) -> None:
        """A double-clicked session, addendum or piece of evidence, on its own tab."""
        if kind is EntryKind.EVIDENCE:
            self.tabs.setCurrentIndex(Tab.EVIDENCE)
            self.evidence.select(ref)
        else:
            self.tabs.setCurrentIndex(Tab.SESSIONS)
            self.sessions.select_record(ref)

    def _on_changes(self, changes: Changes) -> None:
        # A session editor (a window of its own) started, finished or threw away a record.
        if changes.sessions and self.case is not None and self.case.id in changes.case_ids:
            self.sessions.reload()

    def revealed_here(self, party_id: uuid.UUID) -> None:
        # The reveal wrote an audit event: the history shows it; nothing else changed.
        if self.case is not None:
            self._load_history(self.case)
        emit(self.id_revealed, party_id)
