"""The workstation window: the queue's views on the left, the filter bar and the case
queue in the middle, the selected case with the actions allowed now on the right.

Everything that touches the store runs through the task runner; the window only turns
results into widgets. The queue is a paged model over one SQL query (view, filters,
sort, search); the sidebar's counts load separately, after every change and on F5. A
workflow action returns ``Changes``, which ``runner.events`` turns into a refresh of
just the changed rows, the counts and the open case.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QByteArray, QSize, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.core.workflow import Action
from app.services import cases, queue, search
from app.services.context import Workstation
from app.services.dto import Changes
from app.services.errors import CaseNotFound, StaleCase
from app.services.queue import FilterOptions, QueueQuery, QueueView, SortKey
from app.services.search import IndexState
from app.services.tempfiles import RunFolder
from app.store.audit_chain import ChainReport
from app.ui import messages, settings
from app.ui.case.action_dialog import ActionDialog
from app.ui.case.assign_dialog import AssignDialog
from app.ui.case.case_pane import ACTION_DIALOGS, CasePane, action_button_text
from app.ui.case.intake_dialog import IntakeDialog
from app.ui.operations.audit import verify_audit_chain
from app.ui.operations.cases import PERFORMERS, ActionRequest, LoadedCase, load_case, perform_action
from app.ui.operations.queue import RowsUpdate, load_rows
from app.ui.qtcompat import emit
from app.ui.queue.filter_bar_view import FilterBar, clear_filters_shortcut
from app.ui.queue.queue_model import COLUMN_OF_SORT, QueueModel
from app.ui.queue.queue_view import QueueTable
from app.ui.queue.queue_views import SIDEBAR_VIEWS, view_from_key, view_title
from app.ui.queue.status_sidebar_view import StatusSidebar, count_text
from app.ui.security.key_actions import StoreKeyActions
from app.ui.single_dialog import single_dialog
from app.ui.sync.conflicts_view import ConflictsDialog
from app.ui.sync.connect_dialog import PasswordDialog
from app.ui.sync.connection_dialog import ConnectionDialog
from app.ui.sync.sync_controller import SyncController
from app.ui.sync.sync_status_view import SyncStatusView
from app.ui.tasks import Lane, LatestOnly, TaskFailure, TaskRunner

# Dialogs for the actions that need more than a click (the assign dialog also needs the
# office's mediators, loaded first).
SIMPLE_DIALOGS: dict[Action, type[ActionDialog]] = ACTION_DIALOGS

ACTION_SHORTCUTS = {
    Action.ACCEPT: "Ctrl+Shift+A",
    Action.REJECT: "Ctrl+Shift+R",
    Action.ASSIGN: "Ctrl+Shift+D",
    Action.START_MEDIATION: "Ctrl+Shift+M",
    Action.CLOSE: "Ctrl+Shift+E",
}

NEXT_CASE_SHORTCUTS = ("Ctrl+J", "Alt+Down")
PREVIOUS_CASE_SHORTCUTS = ("Ctrl+K", "Alt+Up")


class MainWindow(QMainWindow):
    queue_loaded = Signal()  # the queue shows the current query's count and first rows
    counts_loaded = Signal()  # the sidebar shows fresh counts
    case_shown = Signal(object)  # uuid.UUID: the case pane shows this case, freshly read
    settled = Signal()  # nothing is being loaded any more
    action_done = Signal(object)  # Changes of a finished workflow action
    action_failed = Signal(object)  # TaskFailure of a refused or failed action
    search_ready = Signal()  # the search index is complete and the search box usable

    def __init__(self, ws: Workstation, runner: TaskRunner, *, store_path: Path,
                 remember: bool = True, sync: SyncController | None = None,
                 encrypted: bool = False, demo: bool = False, temp: RunFolder | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        # The run's private temp folder (打开's copies): emptied when the window closes.
        self.temp = temp if temp is not None else RunFolder()
        self.encrypted = encrypted
        self.demo = demo
        # Set when the user asked to encrypt the (plain) store: it is closed, converted
        # and opened again by run_gui.
        self.encrypt_requested = False
        self.sync = sync
        self.sync_status: SyncStatusView | None = None
        self.conflicts_dialog: ConflictsDialog | None = None
        self.connection_dialog: ConnectionDialog | None = None
        self.password_dialog: PasswordDialog | None = None
        # Set when this window should give way to another workstation (a standalone
        # store just linked to a central database): (Workstation, CentralLink).
        self.switch_to: tuple | None = None
        self.runner = runner
        self.runner.error_handler = self._show_failure
        self.store_path = Path(store_path)
        self.remember = remember
        self.events = runner.events
        self.current_dialog: ActionDialog | None = None
        self.intake_dialog: IntakeDialog | None = None
        self.current_message: QMessageBox | None = None
        self.load_error: TaskFailure | None = None
        self._counts: Mapping[QueueView, int] = {}
        self._count_reads = LatestOnly(runner, self)
        self._case_reads = LatestOnly(runner, self)
        self._pending: set[str] = set()
        self._shown_case_id: uuid.UUID | None = None
        self._first_page = True
        self._syncing_view = False
        self._sort = SortKey.RECEIVED
        self._descending = True
        self.index_state: IndexState | None = None
        self.audit_report: ChainReport | None = None
        self._audit_check_started = False

        if demo:
            self.setWindowTitle(self.tr("调解工作台 — 演示数据（未加密，勿录入真实当事人信息）"))
        elif not encrypted:
            self.setWindowTitle(self.tr("调解工作台 — 数据文件未加密"))
        else:
            self.setWindowTitle(self.tr("调解工作台"))
        self.setObjectName("mainWindow")
        self.sidebar = StatusSidebar()
        self.model = QueueModel(runner, ws, self,
                                page_size=max(20, settings.QUEUE_PAGE_SIZE.get()))
        self.filter_bar = FilterBar()
        self.queue_view = QueueTable(self.model)
        self.queue_pane = QWidget()
        self.queue_pane.setObjectName("queuePane")
        pane_layout = QVBoxLayout(self.queue_pane)
        pane_layout.setContentsMargins(0, 0, 0, 0)
        pane_layout.setSpacing(0)
        pane_layout.addWidget(self.filter_bar)
        pane_layout.addWidget(self.queue_view, 1)
        self.case_view = CasePane(ws, runner, temp=self.temp)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        for n, widget in enumerate((self.sidebar, self.queue_pane, self.case_view)):
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
        stored_view = self._restore() if remember else None

        self.sidebar.view_selected.connect(self._on_view_selected)
        # Counts move with the clock too (a promised callback falls due): every minute.
        self.sidebar.refresh_wanted.connect(self._refresh_counts)
        self.filter_bar.filter_changed.connect(lambda _f: self._run_query())
        self.filter_bar.search_changed.connect(lambda _t: self._run_query())
        self.model.loaded.connect(self._on_queue_loaded)
        self.model.failed.connect(self._on_model_failed)
        self.model.sort_requested.connect(self._on_sort_requested)
        self.queue_view.case_selected.connect(self._on_case_selected)
        self.case_view.action_requested.connect(self.request_action)
        self.events.case_changed.connect(self._on_cases_changed)
        self.events.case_created.connect(self.refresh)
        self._update_case_actions()
        self._start_up(stored_view)
        if sync is not None:
            self._connect_sync(sync)

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
        self.search_label = QLabel()
        self.search_label.setObjectName("searchNote")
        self.index_label = QLabel()
        self.index_label.setObjectName("indexProgress")
        self.index_label.hide()
        self.audit_label = QLabel()
        self.audit_label.setObjectName("auditWarning")
        self.audit_label.setStyleSheet("color: #b42318; font-weight: bold")
        self.audit_label.hide()
        self.user_label = QLabel(self.tr("当前用户：{name}（{role}）").format(
            name=self.ws.actor.name, role=messages.user_role_text(self.ws.actor.role)))
        if self.encrypted:
            where = self.tr("数据文件（已加密）：{path}")
        elif self.demo:
            where = self.tr("演示数据（未加密）：{path}")
        else:
            where = self.tr("数据文件（未加密）：{path}")
        self.path_label = QLabel(where.format(path=self.store_path))
        self.path_label.setObjectName("storePathLabel")
        self.path_label.setToolTip(str(self.store_path))
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bar.addWidget(self.count_label)
        bar.addWidget(self.search_label)
        bar.addWidget(self.index_label)
        bar.addWidget(self.audit_label)
        if self.sync is not None:
            self.sync_status = SyncStatusView(self.sync)
            bar.addPermanentWidget(self.sync_status)
        bar.addPermanentWidget(self.user_label)
        bar.addPermanentWidget(self.path_label)

    def _action(self, text: str, shortcuts: tuple[str, ...] | list[QKeySequence] = (),
                slot=None, name: str = "") -> QAction:
        action = QAction(text, self)
        if name:
            action.setObjectName(name)
        if shortcuts:
            action.setShortcuts([QKeySequence(s) if isinstance(s, str) else s
                                 for s in shortcuts])
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{text.split('(&')[0]}（{keys}）")
        if slot is not None:
            action.triggered.connect(lambda _=False: slot())
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu(self.tr("文件(&F)"))
        # F5, and the platform's own refresh key where that is another (Ctrl+R on macOS);
        # the same key twice would make the shortcut ambiguous and dead.
        refresh_keys = [QKeySequence("F5")]
        refresh_keys += [k for k in QKeySequence.keyBindings(QKeySequence.StandardKey.Refresh)
                         if k not in refresh_keys]
        self.refresh_action = self._action(self.tr("刷新(&R)"), refresh_keys, self.refresh,
                                           "refreshAction")
        self.file_menu.addAction(self.refresh_action)
        self.file_menu.addSeparator()
        quit_action = self._action(self.tr("退出(&X)"), ("Ctrl+Q",), self.close)
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.file_menu.addAction(quit_action)

        find_menu = bar.addMenu(self.tr("查找(&S)"))
        self.search_action = self._action(self.tr("搜索(&F)…"), ("Ctrl+F",),
                                          self.filter_bar.focus_search, "searchAction")
        find_menu.addAction(self.search_action)
        self.clear_filters_action = self._action(
            self.tr("清除筛选和搜索(&C)"), [clear_filters_shortcut()], self.filter_bar.clear,
            "clearFiltersAction")
        find_menu.addAction(self.clear_filters_action)

        self.case_menu = bar.addMenu(self.tr("案件(&C)"))
        self.next_action = self._action(self.tr("下一件(&N)"), NEXT_CASE_SHORTCUTS,
                                        lambda: self.queue_view.step(1), "nextCaseAction")
        self.previous_action = self._action(self.tr("上一件(&P)"), PREVIOUS_CASE_SHORTCUTS,
                                            lambda: self.queue_view.step(-1),
                                            "previousCaseAction")
        self.new_case_action = self._action(self.tr("新建工单(&W)…"), ("Ctrl+N",),
                                            self.new_case, "newCaseAction")
        self.case_menu.addAction(self.new_case_action)
        self.case_menu.addSeparator()
        self.case_menu.addAction(self.next_action)
        self.case_menu.addAction(self.previous_action)
        self.case_menu.addSeparator()
        self.case_actions: dict[Action, QAction] = {}
        for action in PERFORMERS:
            qaction = QAction(action_button_text(action), self)
            qaction.setObjectName(f"menu_{action.value}")
            if action in ACTION_SHORTCUTS:
                qaction.setShortcut(QKeySequence(ACTION_SHORTCUTS[action]))
            qaction.triggered.connect(lambda _=False, a=action: self.request_action(a))
            self.case_menu.addAction(qaction)
            self.case_actions[action] = qaction

        view_menu = bar.addMenu(self.tr("视图(&V)"))
        self.view_actions: dict[QueueView, QAction] = {}
        group = QActionGroup(self)
        group.setExclusive(True)
        for n, view in enumerate(SIDEBAR_VIEWS, start=1):
            qaction = QAction(view.title(), self)
            qaction.setCheckable(True)
            if view.view is QueueView.ALL:
                qaction.setShortcut(QKeySequence("Ctrl+0"))
            elif n <= 9:
                qaction.setShortcut(QKeySequence(f"Ctrl+{n}"))
            qaction.triggered.connect(
                lambda _=False, v=view.view: self.sidebar.select_view(v))
            group.addAction(qaction)
            view_menu.addAction(qaction)
            self.view_actions[view.view] = qaction
        view_menu.addSeparator()
        focus_queue = self._action(self.tr("转到案件列表(&L)"), ("Ctrl+L",),
                                   self.queue_view.setFocus)
        view_menu.addAction(focus_queue)

        sync_menu = bar.addMenu(self.tr("同步(&Y)"))
        self.sync_now_action = self._action(self.tr("立即同步(&S)"), ("F9",),
                                            self.sync_now, "syncNowAction")
        self.sync_now_action.setEnabled(self.sync is not None)
        sync_menu.addAction(self.sync_now_action)
        self.conflicts_action = self._action(self.tr("冲突与需处理(&C)…"), (),
                                             self.show_conflicts, "conflictsAction")
        self.conflicts_action.setEnabled(self.sync is not None)
        sync_menu.addAction(self.conflicts_action)

        settings_menu = bar.addMenu(self.tr("设置(&T)"))
        self.connection_action = self._action(self.tr("中心数据库(&D)…"), (),
                                              self.show_connection, "connectionAction")
        self.connection_action.setMenuRole(QAction.MenuRole.NoRole)
        settings_menu.addAction(self.connection_action)
        self.encrypt_action = self._action(self.tr("加密数据文件(&E)…"), (),
                                           self.request_encryption, "encryptStoreAction")
        self.encrypt_action.setMenuRole(QAction.MenuRole.NoRole)
        self.encrypt_action.setEnabled(not self.encrypted)
        settings_menu.addAction(self.encrypt_action)
        self.key_actions = StoreKeyActions(self, self.runner, self.ws.store)
        for action in self.key_actions.actions():
            settings_menu.addAction(action)

        help_menu = bar.addMenu(self.tr("帮助(&H)"))
        about = QAction(self.tr("关于调解工作台(&A)"), self)
        about.setMenuRole(QAction.MenuRole.AboutRole)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

        self.toolbar = QToolBar(self.tr("工具栏"))
        self.toolbar.setObjectName("mainToolBar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.new_case_action, self.refresh_action, self.search_action,
                       self.previous_action, self.next_action):
            self.toolbar.addAction(action)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)

    # ------------------------------------------------------------ settings

    def _restore(self) -> QueueView | None:
        """Window, splitter, columns and sort as the user left them; returns the view
        they were on (None: pick the default)."""
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
            self.queue_view.setSortingEnabled(False)
            self.queue_view.horizontalHeader().restoreState(QByteArray(header))
        try:
            self._sort = SortKey(settings.QUEUE_SORT.get())
        except ValueError:
            self._sort = SortKey.RECEIVED
        self._descending = settings.QUEUE_DESCENDING.get()
        return view_from_key(settings.QUEUE_VIEW.get())

    def _save(self) -> None:
        settings.WINDOW_GEOMETRY.set(self.saveGeometry().data())
        settings.WINDOW_STATE.set(self.saveState().data())
        settings.MAIN_SPLITTER.set(self.splitter.saveState().data())
        settings.QUEUE_HEADER.set(self.queue_view.horizontalHeader().saveState().data())
        view = self.sidebar.current_view()
        if view is not None:
            settings.QUEUE_VIEW.set(view.value)
        settings.QUEUE_SORT.set(self._sort.value)
        settings.QUEUE_DESCENDING.set(self._descending)

    def closeEvent(self, event: QCloseEvent) -> None:
        # Open session records first: saved on the spot, reopened at the next start.
        self.case_view.session_editors.close_all_for_quit()
        self.case_view.documents.close_editors()
        if self.sync is not None:
            self.sync.stop()
        if self.remember:
            self._save()
        if single_dialog(self.current_dialog) is not None:
            self.current_dialog.reject()
        self.temp.close()  # copies opened with 打开 do not outlive the window
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
            emit(self.settled)

    # ------------------------------------------------------------ start and refresh

    def _start_up(self, view: QueueView | None) -> None:
        """The first page before anything else (it is what the user waits for); the
        counts, the filter bar's options and the search index check alongside."""
        self.queue_view.show_sort(COLUMN_OF_SORT[self._sort], self._descending)
        # The sidebar always has a view chosen (a list view picks its first item by
        # itself when it gets the focus); without a remembered one the worker chooses
        # 我的待办 or 全部, and the sidebar follows when the first page arrives.
        self._select_view_quietly(view or QueueView.ALL)
        self._run_query(choose_view=view is None)
        self._refresh_counts()
        self._load_filter_options()
        self.case_view.session_editors.reopen()
        self._start("index")
        store = self.ws.store
        self.runner.query(self, lambda: search.index_state(store)) \
            .success(self._on_index_state) \
            .failure(lambda failure: self._load_failed(failure, "index")).run()
        # The whole audit chain is walked once the first page is on screen, on a lane of
        # its own: a million-case store takes a while, and nothing waits for it.
        self.settled.connect(self._check_audit_chain)

    def refresh(self) -> None:
        """F5: the current query again (keeping the selected case), the counts and the
        filter options."""
        self._run_query()
        self._refresh_counts()
        self._load_filter_options()

    def current_query(self) -> QueueQuery:
        return QueueQuery(
            view=self.sidebar.current_view() or QueueView.ALL,
            filter=self.filter_bar.current_filter(),
            sort=self._sort,
            descending=self._descending,
            search=self.filter_bar.search_text(),
        )

    def _run_query(self, *, choose_view: bool = False) -> None:
        self._start("queue")
        self.model.set_query(self.current_query(), choose_view=choose_view)

    def _on_queue_loaded(self) -> None:
        query = self.model.query
        if query is not None and self.sidebar.current_view() is not query.view:
            self._select_view_quietly(query.view)  # the default view the worker chose
        keep = self._shown_case_id
        if not self.queue_view.select_case(keep):
            if self._first_page and self.model.rowCount():
                self.queue_view.select_row(0)
        self._first_page = False
        self._update_count_label()
        emit(self.queue_loaded)
        self._finish("queue")

    def _on_model_failed(self, failure: TaskFailure) -> None:
        self.load_error = failure
        self._show_failure(failure)
        self._finish("queue")

    def _on_sort_requested(self, key: SortKey, descending: bool) -> None:
        self._sort, self._descending = key, descending
        self._start("queue")  # the model is loading the new order

    def _refresh_counts(self) -> None:
        self._start("counts")
        ws = self.ws
        self._count_reads.query(lambda: queue.view_counts(ws)).success(self._show_counts) \
            .failure(lambda failure: self._load_failed(failure, "counts")).run()

    def _show_counts(self, counts: Mapping[QueueView, int]) -> None:
        self._counts = dict(counts)
        self.sidebar.set_counts(counts)
        emit(self.counts_loaded)
        self._finish("counts")

    def _load_filter_options(self) -> None:
        self._start("options")
        ws = self.ws
        self.runner.query(self, lambda: queue.filter_options(ws)) \
            .success(self._show_filter_options) \
            .failure(lambda failure: self._load_failed(failure, "options")).run()

    def _show_filter_options(self, options: FilterOptions) -> None:
        self.filter_bar.set_options(options)
        self._finish("options")

    def _load_failed(self, failure: TaskFailure, what: str) -> None:
        self.load_error = failure
        if what == "case" and isinstance(failure.error, CaseNotFound):
            self.case_view.show_placeholder(messages.error_text(failure.error))
        else:
            self._show_failure(failure)
        self._finish(what)

    def _update_count_label(self) -> None:
        query = self.model.query
        view = query.view if query else QueueView.ALL
        count = count_text(self.model.rowCount())
        if query is not None and (query.search or query.filter != type(query.filter)()):
            text = self.tr("{view}（已筛选）：共 {count} 件")
        else:
            text = self.tr("{view}：共 {count} 件")
        self.count_label.setText(text.format(view=view_title(view), count=count))
        outcome = self.model.search_outcome
        if outcome is None:
            self.search_label.clear()
            self.search_label.hide()
            return
        if outcome.more:
            note = self.tr("搜索结果较多，只列出最新的 {n} 件匹配案件；请输入更多关键词缩小范围")
            note = note.format(n=count_text(outcome.matched))
        elif self.model.rowCount() < outcome.matched:
            note = self.tr("另有 {n} 件匹配案件不在当前视图或筛选中").format(
                n=count_text(outcome.matched - self.model.rowCount()))
        elif outcome.matched == 0:
            note = self.tr("没有找到匹配的案件")
        else:
            note = ""
        self.search_label.setText(note)
        self.search_label.setVisible(bool(note))

    def _on_view_selected(self, view: QueueView) -> None:
        self._check_view_action(view)
        if not self._syncing_view:
            self._run_query()

    def _select_view_quietly(self, view: QueueView) -> None:
        """Show ``view`` as chosen in the sidebar and the menu without running it."""
        self._syncing_view = True
        try:
            self.sidebar.select_view(view)
        finally:
            self._syncing_view = False
        self._check_view_action(view)

    def _check_view_action(self, view: QueueView) -> None:
        action = self.view_actions.get(view)
        if action is not None:
            action.setChecked(True)

    def _on_cases_changed(self, ids: frozenset[uuid.UUID]) -> None:
        ws = self.ws
        self.runner.query(self, lambda: load_rows(ws, ids)).success(self._apply_rows).run()
        self._refresh_counts()
        if self._shown_case_id in ids:
            self._load_case(self._shown_case_id)

    def _apply_rows(self, update: RowsUpdate) -> None:
        # A changed case stays where it is, showing its new status, until the next
        # refresh: the row the user is working on does not jump away under the mouse.
        for row in update.rows:
            self.model.replace_row(row)
        if update.missing:
            self.model.reload()

    # ------------------------------------------------------------ the search index

    def _on_index_state(self, state: IndexState) -> None:
        self.index_state = state
        if not state.complete:
            reason = self.tr("正在建立搜索索引，完成后即可搜索")
            self.filter_bar.set_search_enabled(False, reason)
            self.search_action.setEnabled(False)
            self._show_index_progress(0, max(state.cases, 1))
            store = self.ws.store
            self.runner.task(self, lambda state: search.rebuild_search_index(
                store, state.report_progress), lane=Lane.WRITE, name="rebuild_search_index") \
                .success(self._on_index_built).progress(self._show_index_progress) \
                .failure(self._on_index_failed).run()
        else:
            emit(self.search_ready)
        self._finish("index")

    def _show_index_progress(self, done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        self.index_label.setText(self.tr("正在建立搜索索引… {p}%").format(p=percent))
        self.index_label.show()

    def _on_index_built(self, indexed: int) -> None:
        self.index_state = IndexState(indexed, indexed)
        self.index_label.hide()
        self.filter_bar.set_search_enabled(True)
        self.search_action.setEnabled(True)
        self.statusBar().showMessage(self.tr("搜索索引已建立"), 5000)
        emit(self.search_ready)

    def _on_index_failed(self, failure: TaskFailure) -> None:
        self.index_label.setText(self.tr("搜索索引未能建立：{error}").format(
            error=messages.error_text(failure.error)))
        self._show_failure(failure)

    # ------------------------------------------------------------ the audit chain

    def _check_audit_chain(self) -> None:
        if self._audit_check_started:
            return
        self._audit_check_started = True
        ws = self.ws
        self.runner.task(self, lambda state: verify_audit_chain(ws, state), lane=Lane.BACKGROUND,
                         name="verify_audit_chain").success(self._on_audit_checked).run()

    def _on_audit_checked(self, report: ChainReport) -> None:
        self.audit_report = report
        if report.broken is None:
            return
        text = messages.audit_break_text(report.broken)
        self.audit_label.setText(self.tr("⚠ 操作记录校验未通过"))
        self.audit_label.setToolTip(text)
        self.audit_label.show()
        self.show_message(QMessageBox.Icon.Warning, self.tr("操作记录校验未通过"), self.tr(
            "本机的操作记录（审计记录）未通过完整性校验：\n{what}\n\n"
            "这说明数据文件可能被本程序以外的工具改动过。本机的其他数据照常可用，"
            "没有删除或更改任何内容。请联系管理员核查；管理员可在命令行运行 "
            "mediation-desk verify-audit 查看详情。").format(what=text))

    # ------------------------------------------------------------ the case pane

    def _on_case_selected(self, case_id: uuid.UUID | None) -> None:
        if case_id == self._shown_case_id and case_id is not None:
            return
        self._shown_case_id = case_id
        if case_id is None:
            self._case_reads.forget()
            self.case_view.show_placeholder()
            self._update_case_actions()
            self._finish("case")
            return
        self._load_case(case_id)

    def _load_case(self, case_id: uuid.UUID) -> None:
        self._start("case")
        ws = self.ws
        self._case_reads.query(lambda: load_case(ws, case_id)).success(self._show_case) \
            .failure(lambda failure: self._load_failed(failure, "case")).run()

    def _show_case(self, view: LoadedCase) -> None:
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
            ws = self.ws
            self.runner.query(self, lambda: cases.list_mediators(ws)) \
                .success(lambda people: self._open_dialog(AssignDialog(case, people, self))).run()
        elif action in SIMPLE_DIALOGS:
            self._open_dialog(self.case_view.action_dialog(action, self))
        else:
            self._perform(ActionRequest(action, case.id, case.version), None)

    def _open_dialog(self, dialog: ActionDialog) -> None:
        if single_dialog(self.current_dialog) is not None:
            self.current_dialog.reject()
        self.current_dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.submitted.connect(lambda request: self._perform(request, dialog))
        dialog.open()

    def _perform(self, request: ActionRequest, dialog: ActionDialog | None) -> None:
        self._set_busy(True)
        ws = self.ws
        self.runner.op(self, lambda: perform_action(ws, request),
                       name=f"action:{request.action.value}") \
            .success(lambda changes: self._action_done(changes, dialog)) \
            .failure(lambda failure: self._action_failed(failure, dialog)).run()

    def _set_busy(self, busy: bool) -> None:
        self.case_view.set_busy(busy)
        self._update_case_actions()

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
            self._show_failure(failure)
        if isinstance(failure.error, (StaleCase, CaseNotFound)) and self._shown_case_id:
            self._load_case(self._shown_case_id)
        emit(self.action_failed, failure)

    # ------------------------------------------------------------ intake

    def new_case(self) -> None:
        """新建工单: the intake dialog; the case it creates opens in the case pane."""
        if single_dialog(self.intake_dialog) is not None:
            self.intake_dialog.raise_()
            self.intake_dialog.activateWindow()
            return
        dialog = IntakeDialog(self.ws, self.runner, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.created.connect(self._open_created_case)
        self.intake_dialog = dialog
        dialog.open()

    def _open_created_case(self, case_id: uuid.UUID) -> None:
        # The queue selects the shown case when its page arrives (if the view lists it).
        self._shown_case_id = case_id
        self._load_case(case_id)

    # ------------------------------------------------------------ sync

    def _connect_sync(self, sync: SyncController) -> None:
        sync.synced.connect(self._on_synced)
        sync.error_reported.connect(self._on_sync_error)
        sync.password_needed.connect(self._ask_password)
        # Every write made here (its Changes published by the runner) is sent soon.
        self.events.changed.connect(lambda _changes: sync.local_change())
        assert self.sync_status is not None
        self.sync_status.conflicts_clicked.connect(
            lambda: self.show_conflicts(ConflictsDialog.CONFLICTS))
        self.sync_status.attention_clicked.connect(
            lambda: self.show_conflicts(ConflictsDialog.ATTENTION))
        sync.start()

    def sync_now(self) -> None:
        """同步 → 立即同步 (F9)."""
        if self.sync is not None:
            self.sync.sync_now(asked=True)

    def _on_synced(self, report) -> None:
        if report.audit_differences:
            self.statusBar().showMessage(self.tr(
                "同步后核对：{n} 条操作记录在中心数据库中与本机写入的不一致，详见“需处理”").format(
                    n=report.audit_differences), 15000)
        if report.pulled or report.conflicts or report.resync:
            self.refresh()
            if self._shown_case_id is not None:
                self._load_case(self._shown_case_id)
        dialog = single_dialog(self.conflicts_dialog)
        if dialog is not None and dialog.isVisible():
            dialog.reload()

    def _on_sync_error(self, failure: TaskFailure) -> None:
        self.show_message(QMessageBox.Icon.Warning, self.tr("同步未完成"), self.tr(
            "与中心数据库同步时出错，本机的修改都已保存，稍后会自动重试。\n\n{error}").format(
                error=messages.error_text(failure.error)))

    def _ask_password(self, wrong: bool) -> None:
        if self.sync is None or single_dialog(self.password_dialog) is not None:
            return
        from app.services import credentials

        config = self.sync.link.config
        dialog = PasswordDialog(config.display(), self.ws.actor.login, wrong=wrong,
                                keyring_ok=credentials.keyring_available(), parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._password_given(
            dialog.password.text(), dialog.remember_password))
        self.password_dialog = dialog
        dialog.open()

    def _password_given(self, password: str, remember: bool) -> None:
        assert self.sync is not None
        # Kept in the keyring only after a connection with it succeeded.
        self.sync.set_password(password, remember=remember)

    def show_conflicts(self, tab: int = ConflictsDialog.CONFLICTS) -> ConflictsDialog:
        """同步 → 冲突与需处理, or a click on 冲突 N / 需处理 N in the status bar."""
        dialog = single_dialog(self.conflicts_dialog)
        if dialog is None:
            dialog = ConflictsDialog(self.ws, self.runner, self)
            self.conflicts_dialog = dialog
        dialog.show_tab(tab)
        dialog.reload()
        dialog.show()
        dialog.raise_()
        return dialog

    def show_connection(self) -> ConnectionDialog:
        """设置 → 中心数据库."""
        dialog = single_dialog(self.connection_dialog)
        if dialog is not None:
            dialog.raise_()
            return dialog
        link = self.sync.link if self.sync is not None else None
        dialog = ConnectionDialog(self.ws.store, self.runner, link, self,
                                  login=self.ws.actor.login)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._connection_saved)
        dialog.linked.connect(self._linked)
        self.connection_dialog = dialog
        dialog.open()
        return dialog

    def _connection_saved(self, config, password: str | None) -> None:
        if self.sync is None:
            return
        self.sync.link.set_config(config)
        if password:
            self.sync.link.set_password(password)
        self.sync.reconfigure()

    def request_encryption(self) -> None:
        """设置 → 加密数据文件…: after a yes, the window closes and run_gui converts the
        store and opens it again (the store must not be open while it is converted)."""
        if self.encrypted:
            return
        from app.ui.security.store_key_dialogs import EncryptChoiceDialog

        dialog = EncryptChoiceDialog(self.store_path, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._encrypt_accepted)
        self.encrypt_dialog = dialog
        dialog.open()

    def _encrypt_accepted(self) -> None:
        self.encrypt_requested = True
        self.close()

    def _linked(self, ws: Workstation, link) -> None:
        """A standalone store joined a central database: reopen as its user."""
        self.switch_to = (ws, link)
        self.close()

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
