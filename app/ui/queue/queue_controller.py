"""The queue's side of the window: which query the table shows (view, filters, sort,
search), the sidebar's counts, the filter bar's options, the search index, and the rows
of changed cases refreshed in place.

The window lays the widgets out and hands them over; this keeps them in step, and
makes the status bar's words about the queue (``labels``) and the 视图 menu's items
(``view_actions``, checked as the sidebar's view changes). The queue
is a paged model over one SQL query; the counts load separately, after every change, on
F5 and every minute (a promised callback falls due with the clock).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QObject, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QLabel

from app.services import queue, search
from app.services.context import Workstation
from app.services.queue import FilterOptions, QueueFilter, QueueQuery, QueueView, SortKey
from app.services.search import IndexState
from app.ui import messages, settings
from app.ui.loading import Loading
from app.ui.operations.queue import RowsUpdate, load_rows
from app.ui.qtcompat import emit
from app.ui.queue.filter_bar_view import FilterBar
from app.ui.queue.queue_model import COLUMN_OF_SORT, QueueModel
from app.ui.queue.queue_view import QueueTable
from app.ui.queue.queue_views import SIDEBAR_VIEWS, view_from_key, view_title
from app.ui.queue.status_sidebar_view import StatusSidebar, count_text
from app.ui.tasks import Lane, LatestOnly, TaskCancelled, TaskFailure, TaskRunner, TaskState

if TYPE_CHECKING:
    from app.store.database import Store


def rebuild_index(store: Store, state: TaskState) -> int:
    """The search index remade on the write lane; stopped when the task is (the window
    closes): the index is then as it was and is remade at the next start."""
    try:
        return search.rebuild_search_index(store, state.report_progress,
                                           lambda: state.cancelled)
    except search.RebuildCancelled:
        raise TaskCancelled() from None


class QueueController(QObject):
    queue_loaded = Signal()  # the queue shows the current query's count and first rows
    counts_loaded = Signal()  # the sidebar shows fresh counts
    search_ready = Signal()  # the search index is complete and the search box usable
    failed = Signal(object)  # TaskFailure for the window to show
    search_enabled = Signal(bool)  # searching waits for the index: the menu item too
    note = Signal(str, int)  # a passing word for the status bar, and for how many ms

    def __init__(self, ws: Workstation, runner: TaskRunner, loads: Loading, *,
                 model: QueueModel, sidebar: StatusSidebar, filter_bar: FilterBar,
                 table: QueueTable, shown_case: Callable[[], uuid.UUID | None],
                 parent: QObject) -> None:
        super().__init__(parent)
        self.ws, self.runner, self.loads = ws, runner, loads
        self.model, self.sidebar, self.filter_bar, self.table = model, sidebar, filter_bar, table
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.search_label = QLabel()
        self.search_label.setObjectName("searchNote")
        self.index_label = QLabel()
        self.index_label.setObjectName("indexProgress")
        self.index_label.hide()
        self.view_actions = self._view_actions(parent)
        self.shown_case = shown_case
        self.sort = SortKey.RECEIVED
        self.descending = True
        self.counts: Mapping[QueueView, int] = {}
        self.index_state: IndexState | None = None
        self._count_reads = LatestOnly(runner, self)
        self._first_page = True
        self._clear_if_gone = False  # run_query(narrowing=True) until its page arrives
        self._syncing_view = False

        sidebar.view_selected.connect(self._on_view_selected)
        sidebar.refresh_wanted.connect(self.refresh_counts)
        filter_bar.filter_changed.connect(lambda _f: self.run_query(narrowing=True))
        filter_bar.search_changed.connect(lambda _t: self.run_query(narrowing=True))
        model.loaded.connect(self._on_queue_loaded)
        model.failed.connect(self._on_model_failed)
        model.sort_requested.connect(self._on_sort_requested)
        runner.events.case_changed.connect(self._on_cases_changed)
        runner.events.case_created.connect(self.refresh)

    def _view_actions(self, parent: QObject) -> dict[QueueView, QAction]:
        """视图 menu: one checkable item per sidebar view, Ctrl+1 … Ctrl+9, 全部 Ctrl+0."""
        actions: dict[QueueView, QAction] = {}
        group = QActionGroup(self)  # exclusive
        for n, item in enumerate(SIDEBAR_VIEWS, start=1):
            qaction = QAction(item.title(), parent)
            qaction.setCheckable(True)
            if item.view is QueueView.ALL:
                qaction.setShortcut(QKeySequence("Ctrl+0"))
            elif n <= 9:
                qaction.setShortcut(QKeySequence(f"Ctrl+{n}"))
            qaction.triggered.connect(lambda _=False, v=item.view: self.sidebar.select_view(v))
            group.addAction(qaction)
            actions[item.view] = qaction
        return actions

    def labels(self) -> list[QLabel]:
        return [self.count_label, self.search_label, self.index_label]

    def restore(self) -> QueueView | None:
        """Columns and sort as the user left them; returns the view they were on (None:
        the worker picks the default)."""
        header = settings.QUEUE_HEADER.get()
        if header:
            self.table.setSortingEnabled(False)
            self.table.horizontalHeader().restoreState(QByteArray(header))
        try:
            self.sort = SortKey(settings.QUEUE_SORT.get())
        except ValueError:
            self.sort = SortKey.RECEIVED
        self.descending = settings.QUEUE_DESCENDING.get()
        return view_from_key(settings.QUEUE_VIEW.get())

    def save(self) -> None:
        settings.QUEUE_HEADER.set(self.table.horizontalHeader().saveState().data())
        view = self.sidebar.current_view()
        if view is not None:
            settings.QUEUE_VIEW.set(view.value)
        settings.QUEUE_SORT.set(self.sort.value)
        settings.QUEUE_DESCENDING.set(self.descending)

    def start(self, view: QueueView | None) -> None:
        """The first page before anything else (it is what the user waits for), the
        counts and the filter bar's options alongside."""
        self.table.show_sort(COLUMN_OF_SORT[self.sort], self.descending)
        # The sidebar always has a view chosen (a list view picks its first item by
        # itself when it gets the focus); without a remembered one the worker chooses
        # 我的待办 or 全部, and the sidebar follows when the first page arrives.
        self._select_view_quietly(view or QueueView.ALL)
        self.run_query(choose_view=view is None)
        self.refresh_counts()
        self._load_filter_options()

    def refresh(self) -> None:
        """The current query again (the window keeps the selected case), the counts and
        the filter options."""
        self.run_query()
        self.refresh_counts()
        self._load_filter_options()

    def show_drilldown(self, label: str, drill: QueueFilter) -> None:
        """The cases behind a figure of 统计, in 全部 (a figure counts every case of its
        scope, open or closed), with a chip that names the figure."""
        self._select_view_quietly(QueueView.ALL)
        self.filter_bar.set_drill(label, drill)  # runs the query once

    def current_query(self) -> QueueQuery:
        return QueueQuery(
            view=self.sidebar.current_view() or QueueView.ALL,
            filter=self.filter_bar.current_filter(),
            sort=self.sort,
            descending=self.descending,
            search=self.filter_bar.search_text(),
        )

    def run_query(self, *, choose_view: bool = False, narrowing: bool = False) -> None:
        """``narrowing``: the user chose another view, filter or search; a case shown
        on the right that the new list leaves out is no longer shown. (A refresh or a
        change made to the case itself keeps it: accepting a case in 待受理 takes it
        out of the list, and the mediator still wants to see it.)"""
        self._clear_if_gone = narrowing
        self.loads.start("queue")
        self.model.set_query(self.current_query(), choose_view=choose_view)

    def _on_queue_loaded(self) -> None:
        query = self.model.query
        if query is not None and self.sidebar.current_view() is not query.view:
            self._select_view_quietly(query.view)  # the default view the worker chose
        shown = self.shown_case()
        if not self.table.select_case(shown):
            if self._first_page and self.model.rowCount():
                self.table.select_row(0)
            elif self._clear_if_gone and shown is not None:
                emit(self.table.case_selected, None)  # filtered out: the pane clears
        self._first_page = False
        self._clear_if_gone = False
        self._update_count_label()
        emit(self.queue_loaded)
        self.loads.finish("queue")

    def _on_model_failed(self, failure: TaskFailure) -> None:
        self._load_failed(failure, "queue")

    def _on_sort_requested(self, key: SortKey, descending: bool) -> None:
        self.sort, self.descending = key, descending
        self.loads.start("queue")  # the model is loading the new order

    def _load_failed(self, failure: TaskFailure, what: str) -> None:
        self.loads.error = failure
        emit(self.failed, failure)
        self.loads.finish(what)

    # ------------------------------------------------------------ counts and options

    def refresh_counts(self) -> None:
        self.loads.start("counts")
        ws = self.ws
        self._count_reads.query(lambda: queue.view_counts(ws)).success(self._show_counts) \
            .failure(lambda failure: self._load_failed(failure, "counts")).run()

    def _show_counts(self, counts: Mapping[QueueView, int]) -> None:
        self.counts = dict(counts)
        self.sidebar.set_counts(counts)
        emit(self.counts_loaded)
        self.loads.finish("counts")

    def _load_filter_options(self) -> None:
        self.loads.start("options")
        ws = self.ws
        self.runner.query(self, lambda: queue.filter_options(ws)) \
            .success(self._show_filter_options) \
            .failure(lambda failure: self._load_failed(failure, "options")).run()

    def _show_filter_options(self, options: FilterOptions) -> None:
        self.filter_bar.set_options(options)
        self.loads.finish("options")

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

    # ------------------------------------------------------------ views

    def _on_view_selected(self, view: QueueView) -> None:
        self._check_view_action(view)
        if not self._syncing_view:
            self.run_query(narrowing=True)

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

    # ------------------------------------------------------------ changed cases

    def _on_cases_changed(self, ids: frozenset[uuid.UUID]) -> None:
        ws = self.ws
        self.runner.query(self, lambda: load_rows(ws, ids)).success(self._apply_rows).run()
        self.refresh_counts()

    def _apply_rows(self, update: RowsUpdate) -> None:
        # A changed case stays where it is, showing its new status, until the next
        # refresh: the row the user is working on does not jump away under the mouse.
        for row in update.rows:
            self.model.replace_row(row)
        if update.missing:
            self.model.reload()

    # ------------------------------------------------------------ the search index

    def check_search_index(self) -> None:
        """Search needs a complete index: one left incomplete (an upgrade, a crash) is
        rebuilt on the write lane while the box waits, with its progress shown."""
        self.loads.start("index")
        store = self.ws.store
        self.runner.query(self, lambda: search.index_state(store)) \
            .success(self._on_index_state) \
            .failure(lambda failure: self._load_failed(failure, "index")).run()

    def _on_index_state(self, state: IndexState) -> None:
        self.index_state = state
        if not state.complete:
            reason = self.tr("正在建立搜索索引，完成后即可搜索")
            self.filter_bar.set_search_enabled(False, reason)
            emit(self.search_enabled, False)
            self._show_index_progress(0, max(state.cases, 1))
            store = self.ws.store
            self.runner.task(self, lambda state: rebuild_index(store, state), lane=Lane.WRITE,
                             name="rebuild_search_index") \
                .success(self._on_index_built).progress(self._show_index_progress) \
                .failure(self._on_index_failed).run()
        else:
            emit(self.search_ready)
        self.loads.finish("index")

    def _show_index_progress(self, done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        self.index_label.setText(self.tr("正在建立搜索索引… {p}%").format(p=percent))
        self.index_label.show()

    def _on_index_built(self, indexed: int) -> None:
        self.index_state = IndexState(indexed, indexed)
        self.index_label.hide()
        self.filter_bar.set_search_enabled(True)
        emit(self.search_enabled, True)
        emit(self.note, self.tr("搜索索引已建立"), 5000)
        emit(self.search_ready)

    def _on_index_failed(self, failure: TaskFailure) -> None:
        self.index_label.setText(self.tr("搜索索引未能建立：{error}").format(
            error=messages.error_text(failure.error)))
        emit(self.failed, failure)
