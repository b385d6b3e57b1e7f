"""The workstation window: status views on the left, the case queue in the middle, the
selected case with the actions allowed now on the right.

Everything that touches the store runs through the task runner; the window only turns
results into widgets. A workflow action returns ``Changes``, which the event bridge
turns into a refresh of just the changed rows, the counts and the open case.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from pathlib import Path

import shiboken6
from PySide6.QtCore import QByteArray, QSize, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QSplitter, QWidget

from app.core.workflow import Action, CaseStatus
from app.services.context import Workstation
from app.services.dto import Changes
from app.services.errors import CaseNotFound, StaleCase
from app.ui import messages, settings
from app.ui.case.action_dialog import ActionDialog
from app.ui.case.assign_dialog import AssignDialog
from app.ui.case.case_summary_view import CaseSummaryView, action_button_text
from app.ui.case.close_dialog import CloseDialog
from app.ui.case.reject_dialog import RejectDialog
from app.ui.case.reopen_dialog import ReopenDialog
from app.ui.events import EventBridge
from app.ui.operations.cases import PERFORMERS, ActionRequest, perform_action
from app.ui.operations.queue import (
    CaseView,
    QueuePage,
    RowsUpdate,
    load_case,
    load_counts,
    load_mediators,
    load_queue,
    load_rows,
)
from app.ui.qtcompat import emit
from app.ui.queue.queue_model import QueueModel
from app.ui.queue.queue_view import QueueView
from app.ui.queue.status_sidebar_view import StatusSidebar, count_text
from app.ui.queue.status_views import STATUS_VIEWS, view_by_key
from app.ui.tasks import TaskFailure, TaskRunner

# Dialogs for the actions that need more than a click (the assign dialog also needs the
# office's mediators, loaded first).
SIMPLE_DIALOGS: dict[Action, type[ActionDialog]] = {
    Action.REJECT: RejectDialog,
    Action.CLOSE: CloseDialog,
    Action.REOPEN: ReopenDialog,
}

ACTION_SHORTCUTS = {
    Action.ACCEPT: "Ctrl+Shift+A",
    Action.REJECT: "Ctrl+Shift+R",
    Action.ASSIGN: "Ctrl+Shift+D",
    Action.START_MEDIATION: "Ctrl+Shift+M",
    Action.CLOSE: "Ctrl+Shift+E",
}


class MainWindow(QMainWindow):
    queue_loaded = Signal()  # a page of the queue is on screen
    counts_loaded = Signal()  # the sidebar shows fresh counts
    case_shown = Signal(object)  # uuid.UUID: the case pane shows this case, freshly read
    settled = Signal()  # nothing is being loaded any more
    action_done = Signal(object)  # Changes of a finished workflow action
    action_failed = Signal(object)  # TaskFailure of a refused or failed action

    def __init__(self, ws: Workstation, runner: TaskRunner, *, store_path: Path,
                 remember: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.runner = runner
        self.runner.error_handler = self._show_failure
        self.store_path = Path(store_path)
        self.remember = remember
        self.bridge = EventBridge(self)
        self.current_dialog: ActionDialog | None = None
        self.current_message: QMessageBox | None = None
        self.load_error: TaskFailure | None = None
        self._counts: Mapping[CaseStatus, int] = {}
        self._queue_generation = 0
        self._case_generation = 0
        self._pending: set[str] = set()
        self._shown_case_id: uuid.UUID | None = None
        self._first_page = True

        self.setWindowTitle(self.tr("调解工作台"))
        self.setObjectName("mainWindow")
        self.sidebar = StatusSidebar()
        self.model = QueueModel(self)
        self.queue_view = QueueView(self.model)
        self.case_view = CaseSummaryView()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        for n, widget in enumerate((self.sidebar, self.queue_view, self.case_view)):
            self.splitter.addWidget(widget)
            self.splitter.setCollapsible(n, False)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.setCentralWidget(self.splitter)
        self._build_status_bar()
        self._build_menus()

        self.resize(self._default_size())
        em = self.fontMetrics().horizontalAdvance("汉")
        self.splitter.setSizes([self.sidebar.sizeHint().width(), em * 60, em * 27])
        if remember:
            self._restore()
        else:
            self.sidebar.select_view(STATUS_VIEWS[0].key)
        self._check_view_action()

        self.sidebar.view_selected.connect(self._on_view_selected)
        self.queue_view.case_selected.connect(self._on_case_selected)
        self.case_view.action_requested.connect(self.request_action)
        self.bridge.case_changed.connect(self._on_cases_changed)
        self.bridge.case_created.connect(self.refresh)
        self._update_case_actions()
        self.refresh()

    # ------------------------------------------------------------ building

    def _default_size(self) -> QSize:
        """1400 x 860, or 90 % of a smaller screen."""
        size = QSize(1400, 860)
        screen = self.screen()
        if screen is not None:
            size = size.boundedTo(screen.availableGeometry().size() * 0.9)
        return size

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.user_label = QLabel(self.tr("当前用户：{name}（{role}）").format(
            name=self.ws.actor.name, role=messages.user_role_text(self.ws.actor.role)))
        self.path_label = QLabel(self.tr("数据文件：{path}").format(path=self.store_path))
        self.path_label.setObjectName("storePathLabel")
        self.path_label.setToolTip(str(self.store_path))
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bar.addWidget(self.count_label)
        bar.addPermanentWidget(self.user_label)
        bar.addPermanentWidget(self.path_label)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("文件(&F)"))
        self.refresh_action = QAction(self.tr("刷新(&R)"), self)
        self.refresh_action.setShortcuts([QKeySequence(QKeySequence.StandardKey.Refresh),
                                          QKeySequence("F5")])
        self.refresh_action.triggered.connect(self.refresh)
        file_menu.addAction(self.refresh_action)
        file_menu.addSeparator()
        quit_action = QAction(self.tr("退出(&X)"), self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        case_menu = bar.addMenu(self.tr("案件(&C)"))
        self.case_actions: dict[Action, QAction] = {}
        for action in PERFORMERS:
            qaction = QAction(action_button_text(action), self)
            qaction.setObjectName(f"menu_{action.value}")
            if action in ACTION_SHORTCUTS:
                qaction.setShortcut(QKeySequence(ACTION_SHORTCUTS[action]))
            qaction.triggered.connect(lambda _=False, a=action: self.request_action(a))
            case_menu.addAction(qaction)
            self.case_actions[action] = qaction

        view_menu = bar.addMenu(self.tr("视图(&V)"))
        self.view_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        group.setExclusive(True)
        for n, view in enumerate(STATUS_VIEWS, start=1):
            qaction = QAction(view.title(), self)
            qaction.setCheckable(True)
            if n <= 9:
                qaction.setShortcut(QKeySequence(f"Ctrl+{n}"))
            qaction.triggered.connect(lambda _=False, k=view.key: self.sidebar.select_view(k))
            group.addAction(qaction)
            view_menu.addAction(qaction)
            self.view_actions[view.key] = qaction
        view_menu.addSeparator()
        focus_queue = QAction(self.tr("转到案件列表(&L)"), self)
        focus_queue.setShortcut(QKeySequence("Ctrl+L"))
        focus_queue.triggered.connect(lambda: self.queue_view.setFocus())
        view_menu.addAction(focus_queue)

        help_menu = bar.addMenu(self.tr("帮助(&H)"))
        about = QAction(self.tr("关于调解工作台(&A)"), self)
        about.setMenuRole(QAction.MenuRole.AboutRole)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    # ------------------------------------------------------------ settings

    def _restore(self) -> None:
        geometry = settings.WINDOW_GEOMETRY.get()
        if geometry:
            self.restoreGeometry(QByteArray(geometry))
        state = settings.WINDOW_STATE.get()
        if state:
            self.restoreState(QByteArray(state))
        splitter = settings.MAIN_SPLITTER.get()
        if splitter:
            self.splitter.restoreState(QByteArray(splitter))
        header = settings.QUEUE_HEADER.get()
        if header:
            self.queue_view.horizontalHeader().restoreState(QByteArray(header))
        self.sidebar.select_view(view_by_key(settings.QUEUE_VIEW.get()).key)

    def _save(self) -> None:
        settings.WINDOW_GEOMETRY.set(self.saveGeometry().data())
        settings.WINDOW_STATE.set(self.saveState().data())
        settings.MAIN_SPLITTER.set(self.splitter.saveState().data())
        settings.QUEUE_HEADER.set(self.queue_view.horizontalHeader().saveState().data())
        settings.QUEUE_VIEW.set(self.sidebar.current_view().key)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.remember:
            self._save()
        if self.current_dialog is not None and shiboken6.isValid(self.current_dialog):
            self.current_dialog.reject()
        super().closeEvent(event)

    # ------------------------------------------------------------ loading state

    @property
    def loading(self) -> bool:
        return bool(self._pending)

    def _start(self, what: str) -> None:
        self._pending.add(what)

    def _finish(self, what: str) -> None:
        self._pending.discard(what)
        if not self._pending:
            self.statusBar().clearMessage()
            emit(self.settled)

    # ------------------------------------------------------------ the queue

    def refresh(self) -> None:
        """Reload the current view's page and, separately (a count over the whole store
        takes longer than a page), the counts."""
        self._queue_generation += 1
        generation = self._queue_generation
        view = self.sidebar.current_view()
        self._start("queue")
        self.statusBar().showMessage(self.tr("正在加载…"))
        self.runner.run(
            load_queue, (self.ws, view, settings.QUEUE_PAGE_SIZE.get()),
            on_done=lambda page: self._show_page(page, generation),
            on_failed=lambda failure: self._load_failed(failure, "queue", generation),
            context=self, name="load_queue",
        )
        self._start("counts")
        self.runner.run(
            load_counts, self.ws,
            on_done=lambda counts: self._show_counts(counts, generation),
            on_failed=lambda failure: self._load_failed(failure, "counts", generation),
            context=self, name="load_counts",
        )

    def _show_page(self, page: QueuePage, generation: int) -> None:
        if generation != self._queue_generation:
            return  # a newer request is on its way
        keep = self.queue_view.selected_case_id()
        self.model.set_rows(page.rows)
        self._update_count_label()
        if not self.queue_view.select_case(keep) and self._first_page and page.rows:
            self.queue_view.selectRow(0)
        self._first_page = False
        emit(self.queue_loaded)
        self._finish("queue")

    def _show_counts(self, counts: Mapping[CaseStatus, int], generation: int) -> None:
        if generation != self._queue_generation:
            return
        self._set_counts(counts)
        emit(self.counts_loaded)
        self._finish("counts")

    def _load_failed(self, failure: TaskFailure, what: str, generation: int) -> None:
        current = self._case_generation if what == "case" else self._queue_generation
        if generation != current:
            return
        self.load_error = failure
        if what == "case" and isinstance(failure.error, CaseNotFound):
            self.case_view.show_placeholder(messages.error_text(failure.error))
        else:
            self._show_failure(failure)
        self._finish(what)

    def _set_counts(self, counts: Mapping[CaseStatus, int]) -> None:
        self._counts = dict(counts)
        self.sidebar.set_counts(counts)
        self._update_count_label()

    def _update_count_label(self) -> None:
        view = self.sidebar.current_view()
        total = view.count(self._counts)
        text = self.tr("{view}：共 {count} 件").format(view=view.title(),
                                                     count=count_text(total))
        shown = self.model.rowCount()
        if shown < total:
            text += self.tr("（列出最新 {shown} 件）").format(shown=count_text(shown))
        self.count_label.setText(text)

    def _on_view_selected(self, view) -> None:
        self._check_view_action()
        self.refresh()

    def _check_view_action(self) -> None:
        action = self.view_actions.get(self.sidebar.current_view().key)
        if action is not None:
            action.setChecked(True)

    def _on_cases_changed(self, ids: frozenset[uuid.UUID]) -> None:
        self.runner.run(load_rows, (self.ws, ids), on_done=self._apply_rows, context=self,
                        name="load_rows")
        if self._shown_case_id in ids:
            self._load_case(self._shown_case_id)

    def _apply_rows(self, update: RowsUpdate) -> None:
        # A changed case stays where it is, showing its new status, until the next
        # refresh: the row the user is working on does not jump away under the mouse.
        for row in update.rows:
            self.model.replace_row(row)
        for case_id in update.missing:
            self.model.remove_case(case_id)
        self._set_counts(update.counts)

    # ------------------------------------------------------------ the case pane

    def _on_case_selected(self, case_id: uuid.UUID | None) -> None:
        if case_id == self._shown_case_id and case_id is not None:
            return
        self._shown_case_id = case_id
        if case_id is None:
            self._case_generation += 1
            self.case_view.show_placeholder()
            self._update_case_actions()
            self._finish("case")
            return
        self._load_case(case_id)

    def _load_case(self, case_id: uuid.UUID) -> None:
        self._case_generation += 1
        generation = self._case_generation
        self._start("case")
        self.runner.run(
            load_case, (self.ws, case_id),
            on_done=lambda view: self._show_case(view, generation),
            on_failed=lambda failure: self._load_failed(failure, "case", generation),
            context=self, name="load_case",
        )

    def _show_case(self, view: CaseView, generation: int) -> None:
        if generation != self._case_generation:
            return
        self.case_view.show_case(view)
        self._update_case_actions()
        emit(self.case_shown, view.detail.id)
        self._finish("case")

    def _update_case_actions(self) -> None:
        case = self.case_view.case
        allowed = set(case.allowed_actions) if case is not None else set()
        busy = any(not b.isEnabled() for b in self.case_view.buttons.values())
        for action, qaction in self.case_actions.items():
            qaction.setEnabled(action in allowed and not busy)

    # ------------------------------------------------------------ actions

    def request_action(self, action: Action) -> None:
        """What a click on an action button or menu item does."""
        case = self.case_view.case
        if case is None or action not in case.allowed_actions:
            return
        if action is Action.ASSIGN:
            self.runner.run(load_mediators, self.ws, context=self, name="load_mediators",
                            on_done=lambda people: self._open_dialog(
                                AssignDialog(case, people, self)))
        elif action in SIMPLE_DIALOGS:
            self._open_dialog(SIMPLE_DIALOGS[action](case, self))
        else:
            self._perform(ActionRequest(action, case.id, case.version), None)

    def _open_dialog(self, dialog: ActionDialog) -> None:
        if self.current_dialog is not None and shiboken6.isValid(self.current_dialog):
            self.current_dialog.reject()
        self.current_dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.submitted.connect(lambda request: self._perform(request, dialog))
        dialog.open()

    def _perform(self, request: ActionRequest, dialog: ActionDialog | None) -> None:
        self._set_busy(True)
        self.runner.write(
            perform_action, (self.ws, request),
            on_done=lambda changes: self._action_done(changes, dialog),
            on_failed=lambda failure: self._action_failed(failure, dialog),
            context=self, name=f"action:{request.action.value}",
        )

    def _set_busy(self, busy: bool) -> None:
        self.case_view.set_busy(busy)
        self._update_case_actions()

    def _action_done(self, changes: Changes, dialog: ActionDialog | None) -> None:
        self._set_busy(False)
        if dialog is not None and shiboken6.isValid(dialog):
            dialog.finish()
        self.bridge.publish(changes)
        emit(self.action_done, changes)

    def _action_failed(self, failure: TaskFailure, dialog: ActionDialog | None) -> None:
        self._set_busy(False)
        if dialog is not None and shiboken6.isValid(dialog) and dialog.isVisible():
            dialog.show_failure(failure.error)
        else:
            self._show_failure(failure)
        if isinstance(failure.error, (StaleCase, CaseNotFound)) and self._shown_case_id:
            self._load_case(self._shown_case_id)
        emit(self.action_failed, failure)

    # ------------------------------------------------------------ messages

    def _show_failure(self, failure: TaskFailure) -> None:
        """The one place a failed task is shown (the runner's error handler)."""
        self.show_message(QMessageBox.Icon.Warning, self.tr("操作未完成"),
                          messages.error_text(failure.error))

    def show_message(self, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
        """A window-modal message that does not block the event loop."""
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.current_message = box
        box.open()
        return box

    def _about(self) -> None:
        QMessageBox.about(self, self.tr("关于调解工作台"), self.tr(
            "调解工作台 Mediation Desk\n\n为人民调解员和 12315/12345 投诉处理人员"
            "管理案件、调解记录和调解文书。"))
