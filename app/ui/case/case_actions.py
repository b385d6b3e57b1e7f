"""The case pane's side of the window: which case it shows (read afresh when the queue
selects one, when it changes, or when an action on it was refused as stale) and what
the user does to it — a workflow action from a button or the 案件 menu, with its dialog
when it needs more than a click, and 新建工单.

An action runs as an op on the write lane; its ``Changes`` reach the queue, the counts
and the pane through ``runner.events``, so nothing here refreshes them by hand.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from app.core.workflow import Action
from app.services import cases
from app.services.context import Workstation
from app.services.dto import Changes
from app.services.errors import CaseNotFound, StaleCase
from app.ui import messages
from app.ui.case.action_dialog import ActionDialog
from app.ui.case.assign_dialog import AssignDialog
from app.ui.case.case_pane import ACTION_DIALOGS, CasePane, action_button_text
from app.ui.case.intake_dialog import IntakeDialog
from app.ui.loading import Loading
from app.ui.operations.cases import PERFORMERS, ActionRequest, LoadedCase, load_case, perform_action
from app.ui.qtcompat import emit
from app.ui.single_dialog import single_dialog
from app.ui.tasks import LatestOnly, TaskFailure, TaskRunner

ACTION_SHORTCUTS = {
    Action.ACCEPT: "Ctrl+Shift+A",
    Action.REJECT: "Ctrl+Shift+R",
    Action.ASSIGN: "Ctrl+Shift+D",
    Action.START_MEDIATION: "Ctrl+Shift+M",
    Action.CLOSE: "Ctrl+Shift+E",
}


# What each action without a dialog sets going, said when it is confirmed.
_CONFIRM_WORDS = {
    Action.ACCEPT: QT_TRANSLATE_NOOP("ConfirmAction", "受理后开始计算调解期限。"),
    Action.START_MEDIATION: QT_TRANSLATE_NOOP("ConfirmAction", "案件将进入调解中。"),
}


class CaseActions(QObject):
    case_shown = Signal(object)  # uuid.UUID: the case pane shows this case, freshly read
    action_done = Signal(object)  # Changes of a finished workflow action
    action_failed = Signal(object)  # TaskFailure of a refused or failed action
    failed = Signal(object)  # TaskFailure for the window to show

    def __init__(self, ws: Workstation, runner: TaskRunner, loads: Loading,
                 pane: CasePane, parent: QWidget) -> None:
        super().__init__(parent)
        self.ws, self.runner, self.loads, self.pane = ws, runner, loads, pane
        self.window = parent  # the dialogs' parent
        self.shown_case_id: uuid.UUID | None = None
        self.current_dialog: ActionDialog | None = None
        self.current_question: QMessageBox | None = None  # 受理 / 开始调解, asked first
        self.intake_dialog: IntakeDialog | None = None
        self._case_reads = LatestOnly(runner, self)
        # One menu item per action the window performs, enabled while the case allows it.
        self.menu_actions: dict[Action, QAction] = {}
        for action in PERFORMERS:
            qaction = QAction(action_button_text(action), parent)
            qaction.setObjectName(f"menu_{action.value}")
            if action in ACTION_SHORTCUTS:
                qaction.setShortcut(QKeySequence(ACTION_SHORTCUTS[action]))
            qaction.triggered.connect(lambda _=False, a=action: self.request(a))
            self.menu_actions[action] = qaction
        pane.action_requested.connect(self.request)
        runner.events.case_changed.connect(self._on_cases_changed)
        self._update_menu()

    # ------------------------------------------------------------ the case shown

    def select(self, case_id: uuid.UUID | None) -> None:
        """The queue selected ``case_id`` (None: no case)."""
        if case_id == self.shown_case_id and case_id is not None:
            return
        self.shown_case_id = case_id
        if case_id is None:
            self._case_reads.forget()
            self.pane.show_placeholder()
            self._update_menu()
            self.loads.finish("case")
            return
        self.load(case_id)

    def reload(self) -> None:
        if self.shown_case_id is not None:
            self.load(self.shown_case_id)

    def load(self, case_id: uuid.UUID) -> None:
        self.loads.start("case")
        ws = self.ws
        self._case_reads.query(lambda: load_case(ws, case_id)).success(self._show_case) \
            .failure(self._load_failed).run()

    def _show_case(self, view: LoadedCase) -> None:
        self.pane.show_case(view)
        self._update_menu()
        emit(self.case_shown, view.detail.id)
        self.loads.finish("case")

    def _load_failed(self, failure: TaskFailure) -> None:
        self.loads.error = failure
        if isinstance(failure.error, CaseNotFound):
            self.pane.show_placeholder(messages.error_text(failure.error))
        else:
            emit(self.failed, failure)
        self.loads.finish("case")

    def _on_cases_changed(self, ids: frozenset[uuid.UUID]) -> None:
        if self.shown_case_id in ids:
            self.reload()

    def _update_menu(self) -> None:
        case = self.pane.case
        allowed = set(case.allowed_actions) if case is not None else set()
        busy = any(not b.isEnabled() for b in self.pane.buttons.values())
        for action, qaction in self.menu_actions.items():
            qaction.setEnabled(action in allowed and not busy)

    # ------------------------------------------------------------ workflow actions

    def request(self, action: Action) -> None:
        """What a click on an action button or menu item does."""
        case = self.pane.case
        if case is None or action not in case.allowed_actions:
            return
        if action is Action.ASSIGN:  # the dialog lists the office's mediators: read first
            ws = self.ws
            self.runner.query(self, lambda: cases.list_mediators(ws)) \
                .success(lambda people: self._open_dialog(
                    AssignDialog(case, people, self.window))).run()
        elif action in ACTION_DIALOGS:
            self._open_dialog(self.pane.action_dialog(action, self.window))
        else:
            self.confirm(action, case)

    def confirm(self, action: Action, case) -> None:
        """An action with no dialog of its own (受理, 开始调解) starts a clock and cannot
        be undone: asked once, with what it does, before it runs."""
        words = _CONFIRM_WORDS.get(action, "")
        box = QMessageBox(QMessageBox.Icon.Question, messages.action_text(action),
                          self.tr("{action}工单 {ticket}？").format(
                              action=messages.action_text(action), ticket=case.source_ticket)
                          + (messages.tr("ConfirmAction", words) if words else "")
                          + self.tr("此操作不能撤销。"),
                          QMessageBox.StandardButton.NoButton, self.window)
        box.setObjectName("confirmAction")
        go = box.addButton(messages.action_text(action), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(go)
        request = ActionRequest(action, case.id, case.version)
        box.buttonClicked.connect(
            lambda button: self._perform(request, None) if button is go else None)
        self.current_question = box
        box.open()

    def _open_dialog(self, dialog: ActionDialog) -> None:
        if single_dialog(self.current_dialog) is not None:
            self.current_dialog.close_without_asking()
        self.current_dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.submitted.connect(lambda request: self._perform(request, dialog))
        dialog.open()

    def close_dialog(self) -> None:
        if single_dialog(self.current_dialog) is not None:
            self.current_dialog.close_without_asking()

    def _perform(self, request: ActionRequest, dialog: ActionDialog | None) -> None:
        self._set_busy(True)
        ws = self.ws
        self.runner.op(self, lambda: perform_action(ws, request),
                       name=f"action:{request.action.value}") \
            .success(lambda changes: self._action_done(changes, dialog)) \
            .failure(lambda failure: self._action_failed(failure, dialog)).run()

    def _set_busy(self, busy: bool) -> None:
        self.pane.set_busy(busy)
        self._update_menu()

    def _action_done(self, changes: Changes, dialog: ActionDialog | None) -> None:
        self._set_busy(False)
        if single_dialog(dialog) is not None:
            dialog.finish()
        emit(self.action_done, changes)

    def _action_failed(self, failure: TaskFailure, dialog: ActionDialog | None) -> None:
        self._set_busy(False)
        if single_dialog(dialog) is not None and dialog.isVisible():
            dialog.show_failure(failure.error)
        else:
            emit(self.failed, failure)
        if isinstance(failure.error, (StaleCase, CaseNotFound)):
            self.reload()  # show what the case is now
        emit(self.action_failed, failure)

    # ------------------------------------------------------------ intake

    def new_case(self) -> None:
        """新建工单: the intake dialog; the case it creates opens in the case pane."""
        if single_dialog(self.intake_dialog) is not None:
            self.intake_dialog.raise_()
            self.intake_dialog.activateWindow()
            return
        dialog = IntakeDialog(self.ws, self.runner, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.created.connect(self._open_created_case)
        self.intake_dialog = dialog
        dialog.open()

    def _open_created_case(self, case_id: uuid.UUID) -> None:
        # The queue selects the shown case when its page arrives (if the view lists it).
        self.shown_case_id = case_id
        self.load(case_id)
