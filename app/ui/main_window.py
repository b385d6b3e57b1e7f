"""The workstation window: the queue's views on the left, the filter bar and the case
queue in the middle, the selected case with the actions allowed now on the right.

The window lays these out, builds the menus and joins the parts: ``QueueController``
keeps the queue, counts, filter options and search index current, ``CaseActions`` the
case pane and the workflow actions, ``SyncWiring`` the central database. Everything
that touches the store runs through the task runner; a write's ``Changes`` reach each
part through ``runner.events``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QByteArray, QProcess, QSize, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.services.context import Workstation
from app.services.queue import QueueView
from app.services.tempfiles import RunFolder
from app.ui import help_dialog, language, messages, settings, text_size
from app.ui.about_dialog import AboutDialog, database_text
from app.ui.case.case_actions import CaseActions
from app.ui.case.case_pane import CasePane
from app.ui.documents.clause_library_dialog import ClauseLibraryDialog
from app.ui.groups.group_selection import GroupFromSelection
from app.ui.hot_words_index import HotWordsIndex  # issue 15: hot words
from app.ui.loading import Loading
from app.ui.queue import export_list
from app.ui.queue.filter_bar_view import FilterBar, clear_filters_shortcut
from app.ui.queue.queue_controller import QueueController
from app.ui.queue.queue_model import QueueModel
from app.ui.queue.queue_view import QueueTable
from app.ui.queue.status_sidebar_view import StatusSidebar
from app.ui.reference.holiday_dialog import HolidayDialog
from app.ui.reference.profile_dialog import ProfileDialog
from app.ui.reference.rules_dialog import RulesDialog
from app.ui.reference.users_dialog import UsersDialog
from app.ui.security.audit_check import AuditCheck
from app.ui.security.key_actions import StoreKeyActions
from app.ui.security.sign_in_dialog import sign_in_on_open
from app.ui.single_dialog import single_dialog
from app.ui.stats.upkeep import FiguresUpkeep
from app.ui.sync.connection_dialog import ConnectionDialog
from app.ui.sync.sync_controller import SyncController
from app.ui.sync.sync_wiring import SyncWiring
from app.ui.tasks import TaskFailure, TaskRunner
from app.ui.warnings.warnings_wiring import WarningsWiring

NEXT_CASE_SHORTCUTS = ("Ctrl+J", "Alt+Down")
PREVIOUS_CASE_SHORTCUTS = ("Ctrl+K", "Alt+Up")


def _part(part: str, name: str) -> property:
    """An attribute of one of the window's parts, read on the window."""
    return property(lambda window: getattr(getattr(window, part), name))



def demo_command(folder: Path) -> tuple[str, list[str]]:
    """The command that opens the workstation on demo data in ``folder``: this program
    again (the frozen app is its own executable; a source install runs the package)."""
    args = ["--demo", "--data-dir", str(folder)]
    if getattr(sys, "frozen", False):
        return sys.executable, args
    return sys.executable, ["-m", "app", *args]

class MainWindow(QMainWindow):
    # The parts' signals, passed on: tests, the benchmark and the screenshot wait on them.
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
        # Set when this window should give way to another workstation (a standalone
        # store just linked to a central database): (Workstation, CentralLink).
        self.switch_to: tuple | None = None
        self.runner = runner
        self.runner.error_handler = self._show_failure
        self.store_path = Path(store_path)
        self.holiday_dialog: HolidayDialog | None = None
        self.profile_dialog: ProfileDialog | None = None
        self.rules_dialog: RulesDialog | None = None
        self.import_wizard = None  # issue 15: 文件 → 导入工单…
        self.help: help_dialog.HelpDialog | None = None  # 帮助 → 使用说明 (F1)
        self.help_section = ""  # the section F1 last opened
        self.users_dialog: UsersDialog | None = None
        self.clause_library_dialog: ClauseLibraryDialog | None = None
        self.remember = remember
        self.current_message: QMessageBox | None = None
        self.loads = Loading(self)
        self.loads.settled.connect(self.settled)

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
        # An empty store's queue offers the two ways to start.
        self.queue_view.new_case_requested.connect(lambda: self.casework.new_case())
        self.queue_view.import_requested.connect(lambda: self.show_import_wizard())
        self.queue_view.demo_requested.connect(lambda: self.open_demo())
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

        self.queue = QueueController(
            ws, runner, self.loads, model=self.model, sidebar=self.sidebar,
            filter_bar=self.filter_bar, table=self.queue_view,
            shown_case=lambda: self.casework.shown_case_id, parent=self)
        # Subscribed after the queue: a changed case's row is asked for before the case.
        self.casework = CaseActions(ws, runner, self.loads, self.case_view, self)
        self.sync_wiring = SyncWiring(ws, runner, sync, self)
        self.audit = AuditCheck(ws, runner, self)
        self.upkeep = FiguresUpkeep(ws, runner, self)
        self.hot_words_index = HotWordsIndex(ws, runner, self)  # issue 15: hot words
        self.warnings = WarningsWiring(ws, runner, sync, self, open_case=self.open_case,
                                       show_cases=self.show_drilldown,
                                       show_groups=self.show_groups)
        # 案件 → 建立群体纠纷… / 加入群体纠纷…, and the queue's right-click menu (issue 17).
        self.group_selection = GroupFromSelection(ws, runner, self.queue_view.selected_tickets,
                                                  self)
        self.group_selection.group_made.connect(self.show_groups)
        self.group_selection.failed.connect(self._show_failure)
        self.queue_view.menu_requested.connect(self.group_selection.show_menu)
        self.case_view.group_requested.connect(self.show_groups)
        self._build_status_bar()
        self._build_menus()

        self.resize(self._default_size())
        em = self.fontMetrics().horizontalAdvance("汉")
        self.splitter.setSizes([self.sidebar.sizeHint().width(), em * 60, em * 27])
        stored_view = self._restore() if remember else None

        for part in (self.queue, self.casework):
            part.failed.connect(self._show_failure)
        for part in (self.sync_wiring, self.audit):
            part.warning.connect(
                lambda title, text: self.show_message(QMessageBox.Icon.Warning, title, text))
        for part in (self.queue, self.sync_wiring):
            part.note.connect(self.statusBar().showMessage)
        self.queue.queue_loaded.connect(self.queue_loaded)
        self.queue.counts_loaded.connect(self.counts_loaded)
        self.queue.search_ready.connect(self.search_ready)
        self.queue.search_enabled.connect(self.search_action.setEnabled)
        self.casework.case_shown.connect(self.case_shown)
        self.casework.action_done.connect(self.action_done)
        self.casework.action_failed.connect(self.action_failed)
        self.queue_view.case_selected.connect(self.casework.select)
        self.sync_wiring.data_arrived.connect(self._on_data_arrived)
        self.sync_wiring.linked.connect(self._linked)
        self._start_up(stored_view)
        self.sync_wiring.start()

    # What tests, the benchmark and the screenshot read on the window, kept by its parts.
    loading = _part("loads", "busy")
    load_error = _part("loads", "error")
    audit_report = _part("audit", "report")
    count_label = _part("queue", "count_label")
    search_label = _part("queue", "search_label")
    index_label = _part("queue", "index_label")
    audit_label = _part("audit", "label")
    sync_status = _part("sync_wiring", "status")
    view_actions = _part("queue", "view_actions")
    case_actions = _part("casework", "menu_actions")
    current_dialog = _part("casework", "current_dialog")
    intake_dialog = _part("casework", "intake_dialog")
    conflicts_dialog = _part("sync_wiring", "conflicts_dialog")

    def show_connection(self) -> ConnectionDialog:
        return self.sync_wiring.show_connection()

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
        self.user_label = QLabel(self.tr("当前用户：{name}（{role}）").format(
            name=self.ws.actor.name or self.tr("未填写姓名"),
            role=messages.user_role_text(self.ws.actor.role)))
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
        for label in (*self.queue.labels(), self.audit.label):
            bar.addWidget(label)
        bar.addPermanentWidget(self.warnings.label)
        if self.sync_status is not None:
            bar.addPermanentWidget(self.sync_status)
        bar.addPermanentWidget(self.user_label)
        bar.addPermanentWidget(self.path_label)

    def choose_text_size(self, size: text_size.TextSize) -> None:
        """设置 → 字号: the whole interface's text, now and at the next start."""
        app = QApplication.instance()
        text_size.choose(app, size)
        self.queue_view.apply_default_widths()
        self.statusBar().showMessage(self.tr(
            "字号已改为“{size}”。已打开的对话框在重新打开后按新字号排版。").format(
            size=text_size.label(size)), 8000)

    def _build_language_menu(self, settings_menu: QMenu) -> None:
        """设置 → 界面语言, beside 字号: 跟随系统 (naming what the system gives), 简体中文,
        and 繁體中文 where Qt has its words; it takes effect at the next start."""
        menu = settings_menu.addMenu(self.tr("界面语言(&G)"))
        menu.setObjectName("languageMenu")
        group = QActionGroup(self)
        group.setExclusive(True)
        offered = language.available()
        from_system = language.resolve(language.Language.SYSTEM, language.system_locale(),
                                       offered)
        self.language_actions: dict[language.Language, QAction] = {}
        for choice in (language.Language.SYSTEM, *offered):
            text = language.label(choice)
            if choice is language.Language.SYSTEM:
                text = self.tr("{follow}（{language}）").format(
                    follow=text, language=language.label(from_system))
            action = QAction(text, group)
            action.setObjectName(f"language_{choice.value}")
            action.setCheckable(True)
            action.setChecked(choice is language.chosen())
            action.triggered.connect(lambda _=False, c=choice: self.choose_language(c))
            menu.addAction(action)
            self.language_actions[choice] = action
        menu.addSeparator()
        note = menu.addAction(self.tr("更改后，重新启动调解工作台时生效"))
        note.setObjectName("languageRestartNote")
        note.setEnabled(False)

    def choose_language(self, choice: language.Language) -> None:
        """设置 → 界面语言: kept for the next start (open windows keep their words)."""
        language.choose(choice)
        self.statusBar().showMessage(self.tr(
            "界面语言已设为“{language}”，重新启动调解工作台后生效。").format(
            language=self.language_actions[choice].text()), 10000)

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
        # Work orders in from the platforms' exports, the case list out.
        self.file_menu.addAction(self._action(self.tr("导入工单(&I)…"), (),
                                              self.show_import_wizard, "importAction"))
        self.export_list_action = self._action(self.tr("导出案件清单(&E)…"), (),
                                               self.export_case_list, "exportListAction")
        self.file_menu.addAction(self.export_list_action)
        self.file_menu.addSeparator()
        self.switch_user_action = self._action(self.tr("切换用户(&W)…"), (), self.switch_user,
                                               "switchUserAction")
        self.switch_user_action.setVisible(self.sync is None)
        self.file_menu.addAction(self.switch_user_action)
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
                                            self.casework.new_case, "newCaseAction")
        self.case_menu.addAction(self.new_case_action)
        self.case_menu.addSeparator()
        self.case_menu.addAction(self.next_action)
        self.case_menu.addAction(self.previous_action)
        self.case_menu.addSeparator()
        self.case_menu.addActions(list(self.casework.menu_actions.values()))
        self.case_menu.addSeparator()
        self.case_menu.addActions(self.group_selection.actions())

        view_menu = bar.addMenu(self.tr("视图(&V)"))
        view_menu.addActions(list(self.queue.view_actions.values()))
        view_menu.addSeparator()
        focus_queue = self._action(self.tr("转到案件列表(&L)"), ("Ctrl+L",),
                                   self.queue_view.setFocus)
        view_menu.addAction(focus_queue)
        view_menu.addSeparator()
        self.stats_action = self._action(self.tr("统计(&T)…"), ("Ctrl+Shift+T",),
                                         self.show_stats, "statsAction")
        view_menu.addAction(self.stats_action)
        view_menu.addAction(self.warnings.list_action)
        self.groups_action = self._action(self.tr("群体纠纷管理(&Q)…"), (), self.show_groups,
                                          "groupsAction")
        view_menu.addAction(self.groups_action)

        sync_menu = bar.addMenu(self.tr("同步(&Y)"))
        self.sync_now_action = self._action(self.tr("立即同步(&S)"), ("F9",),
                                            self.sync_wiring.sync_now, "syncNowAction")
        self.sync_now_action.setEnabled(self.sync is not None)
        sync_menu.addAction(self.sync_now_action)
        self.conflicts_action = self._action(self.tr("冲突与需处理(&C)…"), (),
                                             self.sync_wiring.show_conflicts, "conflictsAction")
        self.conflicts_action.setEnabled(self.sync is not None)
        sync_menu.addAction(self.conflicts_action)

        settings_menu = bar.addMenu(self.tr("设置(&T)"))
        size_menu = settings_menu.addMenu(self.tr("字号(&Z)"))
        size_menu.setObjectName("textSizeMenu")
        sizes = QActionGroup(self)
        sizes.setExclusive(True)
        self.text_size_actions: dict[text_size.TextSize, QAction] = {}
        for size in text_size.TextSize:
            action = QAction(text_size.label(size), sizes)
            action.setObjectName(f"textSize_{size.value}")
            action.setCheckable(True)
            action.setChecked(size is text_size.chosen())
            action.triggered.connect(lambda _=False, s=size: self.choose_text_size(s))
            size_menu.addAction(action)
            self.text_size_actions[size] = action
        self._build_language_menu(settings_menu)
        settings_menu.addSeparator()
        self.profile_action = self._action(self.tr("个人资料与本机构(&P)…"), (),
                                           self.show_profile, "profileAction")
        self.profile_action.setMenuRole(QAction.MenuRole.NoRole)
        settings_menu.addAction(self.profile_action)
        self.users_action = self._action(self.tr("用户与权限(&U)…"), (), self.show_users,
                                         "usersAction")
        self.users_action.setMenuRole(QAction.MenuRole.NoRole)
        settings_menu.addAction(self.users_action)
        self.clause_library_action = self._action(self.tr("条款库(&L)…"), (),
                                                  self.show_clause_library, "clauseLibraryAction")
        self.clause_library_action.setMenuRole(QAction.MenuRole.NoRole)
        settings_menu.addAction(self.clause_library_action)
        self.connection_action = self._action(self.tr("中心数据库(&D)…"), (),
                                              self.sync_wiring.show_connection, "connectionAction")
        self.connection_action.setMenuRole(QAction.MenuRole.NoRole)
        settings_menu.addAction(self.connection_action)
        self.encrypt_action = self._action(self.tr("加密数据文件(&E)…"), (),
                                           self.request_encryption, "encryptStoreAction")
        self.encrypt_action.setMenuRole(QAction.MenuRole.NoRole)
        self.encrypt_action.setEnabled(not self.encrypted)
        settings_menu.addAction(self.encrypt_action)
        self.key_actions = StoreKeyActions(self, self.runner, self.ws)
        for action in self.key_actions.actions():
            settings_menu.addAction(action)
        settings_menu.addSeparator()
        self.holiday_action = self._action(self.tr("节假日安排(&H)…"), (), self.show_holidays,
                                           "holidayAction")
        self.holiday_action.setMenuRole(QAction.MenuRole.NoRole)
        settings_menu.addAction(self.holiday_action)
        self.rules_action = self._action(self.tr("期限规则(&R)…"), (), self.show_rules,
                                         "rulesAction")
        self.rules_action.setMenuRole(QAction.MenuRole.NoRole)
        settings_menu.addAction(self.rules_action)
        settings_menu.addAction(self.warnings.rules_action)

        help_menu = bar.addMenu(self.tr("帮助(&H)"))
        self.help_action = self._action(self.tr("使用说明(&G)") + "\tF1", (), self.show_help,
                                        "helpAction")
        help_menu.addAction(self.help_action)
        # F1 in any of the app's windows, a modal dialog too, opens its own section.
        self.f1 = help_dialog.F1Anywhere(self.show_help, self)
        help_menu.addSeparator()
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
        return self.queue.restore()

    def _save(self) -> None:
        settings.WINDOW_GEOMETRY.set(self.saveGeometry().data())
        settings.WINDOW_STATE.set(self.saveState().data())
        settings.MAIN_SPLITTER.set(self.splitter.saveState().data())
        self.queue.save()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.f1.stop()
        # Open session records first: saved on the spot, reopened at the next start.
        self.case_view.session_editors.close_all_for_quit()
        self.case_view.documents.close_editors()
        self.sync_wiring.stop()
        self.upkeep.stop()
        if self.remember:
            self._save()
        self.casework.close_dialog()
        self.temp.close()  # copies opened with 打开 do not outlive the window
        super().closeEvent(event)

    # ------------------------------------------------------------ start and refresh

    def _start_up(self, view: QueueView | None) -> None:
        """The first page before anything else (it is what the user waits for); the
        counts, the filter bar's options and the search index check alongside."""
        self.queue.start(view)
        self.case_view.session_editors.reopen()
        self.queue.check_search_index()
        # The hot-words index catches up (before the audit walk, on the same lane), then
        # the audit chain is walked: once the first page is on screen, nothing waits.
        self.settled.connect(self.hot_words_index.start, Qt.ConnectionType.SingleShotConnection)
        self.settled.connect(self.audit.start)
        self.settled.connect(self.upkeep.start)  # completion dues for the figures: after it

    def refresh(self) -> None:
        """F5: the current query again (keeping the selected case), the counts and the
        filter options."""
        self.queue.refresh()

    def _on_data_arrived(self) -> None:
        self.refresh()
        self.casework.reload()
        self.hot_words_index.start()  # issue 15: a first sync leaves the words to it

    # ------------------------------------------------------------ encryption

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

    def show_help(self) -> None:
        """帮助 → 使用说明, at the section of the window the user is in (F1)."""
        section = help_dialog.section_for(QApplication.focusWidget())
        # Over a modal dialog the guide must be its child, or the dialog blocks it.
        owner = QApplication.activeModalWidget() or self
        dialog = single_dialog(self.help)
        if dialog is None or dialog.parentWidget() is not owner:
            if dialog is not None:
                dialog.close()
            dialog = help_dialog.HelpDialog(owner)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.help = dialog
        dialog.show()
        dialog.raise_()
        dialog.show_section(section)
        self.help_section = section

    def _about(self) -> None:
        server = self.sync.link.config.display() if self.sync is not None else None
        AboutDialog(data_dir=self.store_path.parent, database=database_text(server),
                    encrypted=self.encrypted, parent=self).exec()

    def show_profile(self) -> None:
        """设置 → 个人资料与本机构."""
        self._show_single("profile_dialog", ProfileDialog)

    def show_users(self) -> None:
        """设置 → 用户与权限."""
        self._show_single("users_dialog", UsersDialog)

    def switch_user(self) -> None:
        """文件 → 切换用户: someone else signs in; the window reopens as them."""
        ws = sign_in_on_open(self.ws.store, self.runner, switching=True, parent=self)
        if ws is not None and ws.actor.mediator_id != self.ws.actor.mediator_id:
            self._linked(ws, None)

    def show_groups(self, group_id=None):
        """视图 → 群体纠纷管理: a window of its own; its members open their cases here.
        ``group_id``: the group to show in it (a case page's 群体纠纷 line, a group just
        made from the queue's selection, a row of 统计's group progress)."""
        dialog = single_dialog(getattr(self, "groups_dialog", None))
        if dialog is None:
            from app.ui.groups.groups_dialog import GroupsDialog

            dialog = GroupsDialog(self.ws, self.runner, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open_case.connect(self.open_case)
            self.groups_dialog = dialog
        if group_id is not None:
            dialog.show_group(group_id)
        dialog.show()
        dialog.raise_()
        return dialog

    def show_stats(self) -> None:
        """视图 → 统计: a window of its own; its figures open their cases here."""
        dashboard = single_dialog(getattr(self, "stats_window", None))
        if dashboard is None:
            from app.ui.stats.dashboard import StatsDashboard  # charts load on first use

            dashboard = StatsDashboard(self.ws, self.runner, self)
            dashboard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dashboard.drill.connect(self.show_drilldown)
            dashboard.open_group.connect(self.show_groups)
            self.stats_window = dashboard
        dashboard.show()
        dashboard.raise_()
        dashboard.activateWindow()

    def show_drilldown(self, label: str, drill) -> None:
        """The cases behind a figure of 统计, in the queue."""
        self.queue.show_drilldown(label, drill)
        self.raise_()
        self.activateWindow()

    def export_case_list(self) -> None:
        """文件 → 导出案件清单: the queue's list as it stands, as .xlsx."""
        export_list.export_case_list(self.ws, self.runner, self, self.queue.current_query())

    def show_rules(self) -> None:
        """设置 → 期限规则."""
        self._show_single("rules_dialog", RulesDialog)

    def show_clause_library(self) -> None:
        """设置 → 条款库."""
        self._show_single("clause_library_dialog", ClauseLibraryDialog)

    def show_holidays(self) -> None:
        """设置 → 节假日安排."""
        self._show_single("holiday_dialog", HolidayDialog)

    def demo_folder(self) -> Path:
        """Where 打开演示数据 keeps its store: beside this one, never inside it."""
        here = self.store_path.parent
        return here.parent / f"{here.name}-demo"

    def open_demo(self) -> None:
        """The workstation on demo cases, in a window (and process) of its own, so the
        office's store is never filled with made-up people (an empty queue's 打开演示数据)."""
        folder = self.demo_folder()
        program, args = demo_command(folder)
        started, _pid = QProcess.startDetached(program, args)
        if started:
            self.statusBar().showMessage(self.tr(
                "正在另开一个窗口打开演示数据（{path}），请稍候…").format(path=folder), 15_000)
        else:
            QMessageBox.warning(self, self.tr("无法打开演示数据"), self.tr(
                "没能启动演示窗口。可以在命令行运行：mediation-desk --demo --data-dir {path}")
                .format(path=folder))

    def show_import_wizard(self) -> None:
        """文件 → 导入工单… (issue 15); the queue reloads from the import's Changes."""
        from app.ui.importing.import_wizard import ImportWizard

        self._show_single("import_wizard", ImportWizard)
    def open_case(self, case_id) -> None:
        """A case chosen elsewhere (a warning's list): selected in the queue when it is
        listed there, shown in the case pane either way."""
        self.queue_view.select_case(case_id)
        self.casework.select(case_id)
        self.raise_()
        self.activateWindow()

    def _show_single(self, attribute: str, make) -> None:
        """A settings dialog, one at a time: the open one is raised."""
        dialog = single_dialog(getattr(self, attribute)) or make(self.ws, self.runner, self)
        setattr(self, attribute, dialog)
        dialog.show()
        dialog.raise_()
