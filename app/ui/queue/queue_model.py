"""The case queue as a virtual table: the row count comes from SQL, rows come in pages.

The model holds one query (view, filters, sort, search) and its row count. Rows are
fetched in pages by a worker when ``data()`` first asks for a row of a page not held
yet; the row shows "…" until its page arrives, then ``dataChanged`` repaints it. Pages
live in a small LRU (``max_pages``), so memory does not grow with the store: scrolling
through a million cases holds a few thousand rows at most. Queries are ``LatestOnly``:
an older query's answer, and pages of it, are dropped when they arrive late.

Sorting is SQL's (``sort()`` changes the query's sort key), never a proxy model's.
``data()`` never reads the database: page requests are queued and started from the
event loop, at most ``MAX_LOADS`` at once, the most recently wanted first.

Pages are read by key, not by offset (``queue.fetch_page``): each starts after the key
of the nearest row whose key the model holds — the last row of the page above, the first
row of the page below, or an anchor. Anchors are the keys of every ``ANCHOR_PAGES``-th
page's last row, read by a walk over the query's index once a query has been shown for
``ANCHOR_DELAY_MS`` (at once when a page far from any known row is asked for first; in
short steps, so that pages asked for meanwhile are read between them), so the page at
row 500,000 costs what the first does. Pages read while scrolling
join their neighbours exactly: a case inserted or moved meanwhile shifts no page against
the one it was read from, so no row is shown twice or skipped between them (what is
read later shows the list as it is then; the count follows at the next refresh).
"""

from __future__ import annotations

import uuid
from bisect import bisect_left, bisect_right, insort
from collections import OrderedDict
from dataclasses import replace
from enum import IntEnum

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont

from app.core.deadlines import DueStatus
from app.services.context import Workstation
from app.services.queue import Anchor, QueueQuery, RowKey, SearchOutcome, SortKey
from app.ui import formatting, messages
from app.ui.formatting import CallbackState, callback_state, callback_summary, callback_when
from app.ui.operations.queue import (
    PageRows,
    QueueOpened,
    QueueRow,
    load_anchors,
    load_page,
    open_queue,
)
from app.ui.qtcompat import emit
from app.ui.tasks import LatestOnly, Task, TaskFailure, TaskRunner


class Column(IntEnum):
    # What needs doing first: the status and the next deadline come right after the ticket.
    TICKET = 0
    STATUS = 1
    DEADLINE = 2
    RECEIVED = 3
    COMPLAINANT = 4
    RESPONDENT = 5
    CATEGORY = 6
    SOURCE = 7
    TAGS = 8
    MEDIATOR = 9
    GROUP = 10  # 群体: the group dispute the case belongs to (not a sort key)


SORT_KEYS: dict[Column, SortKey] = {
    Column.TICKET: SortKey.TICKET,
    Column.STATUS: SortKey.STATUS,
    Column.DEADLINE: SortKey.DEADLINE,
    Column.RECEIVED: SortKey.RECEIVED,
    Column.COMPLAINANT: SortKey.COMPLAINANT,
    Column.RESPONDENT: SortKey.RESPONDENT,
    Column.CATEGORY: SortKey.CATEGORY,
    Column.SOURCE: SortKey.SOURCE,
    Column.TAGS: SortKey.TAGS,
    Column.MEDIATOR: SortKey.MEDIATOR,
}
COLUMN_OF_SORT = {key: column for column, key in SORT_KEYS.items()}
# Newest first on a first click of 收到时间; everything else starts ascending.
_INITIAL_DESCENDING = {Column.RECEIVED}

CASE_ID_ROLE = Qt.ItemDataRole.UserRole + 100
DUE_STATUS_ROLE = Qt.ItemDataRole.UserRole + 101  # DueStatus value (a str enum reaches Qt as str)
LOADED_ROLE = Qt.ItemDataRole.UserRole + 102  # False while the row's page is on its way
CALLBACK_ROLE = Qt.ItemDataRole.UserRole + 103  # CallbackState value of a due callback, else None

PLACEHOLDER = "…"
PAGE_SIZE = 200
MAX_PAGES = 30  # held at once: 6,000 rows
MAX_LOADS = 2  # page requests running at once
MAX_WANTED = 8  # page requests waiting; older ones are dropped (and re-asked if visible)
# An anchor every 25 pages (5,000 rows): a page read from one walks at most that many
# index entries more than the first page does (about half a millisecond).
ANCHOR_PAGES = 25
# Anchors read by one worker call (20–40 ms on a million cases): the walk holds one of
# the read workers no longer than that at a time. (The background lane would do, but
# the start-up audit check holds it for minutes.)
ANCHORS_A_CALL = 40
# A query shown this long gets its anchors: a click or key that soon changes it again
# does not start a walk that would slow the next query down.
ANCHOR_DELAY_MS = 300
CLOCK_MS = 60_000  # the 待回电 marks follow the clock: rows are repainted this often

# Calm colours that stay readable on white and on the alternate row colour.
DUE_COLOURS = {
    DueStatus.OVERDUE: QColor("#b42318"),
    DueStatus.DUE_TODAY: QColor("#b54708"),
    DueStatus.DUE_SOON: QColor("#93370d"),
    DueStatus.PAUSED: QColor("#5d6679"),
}

Index = QModelIndex | QPersistentModelIndex


class QueueModel(QAbstractTableModel):
    """``set_query`` starts a query; ``loaded`` fires when its count and first page
    are in, ``page_loaded`` for each further page, ``failed`` when a load fails."""

    loaded = Signal()
    page_loaded = Signal(int)  # the first row of the page that arrived
    anchors_loaded = Signal()  # the anchors of the query shown are in
    failed = Signal(object)  # TaskFailure
    sort_requested = Signal(object, bool)  # SortKey, descending: a header click

    def __init__(self, runner: TaskRunner, ws: Workstation, parent: QObject | None = None, *,
                 page_size: int = PAGE_SIZE, max_pages: int = MAX_PAGES) -> None:
        super().__init__(parent)
        self.runner = runner
        self.ws = ws
        self.page_size = page_size
        self.max_pages = max_pages
        self._query: QueueQuery | None = None  # the query whose rows are shown
        self._requested: QueueQuery | None = None  # the query being loaded
        self._count = 0
        self._search: SearchOutcome | None = None
        self._queries = LatestOnly(runner, self)
        self._pages: OrderedDict[int, tuple[QueueRow, ...]] = OrderedDict()
        self._wanted: OrderedDict[int, None] = OrderedDict()
        self._in_flight: set[int] = set()
        # The key of each row the model knows one of: pages' first and last rows, anchors.
        self._keys: dict[int, RowKey] = {}
        self._key_rows: list[int] = []  # the same rows, sorted
        self._anchoring: Task | None = None
        self._count_sure = False  # no case changed since the count was made
        self._opening = False
        self._bold = QFont()
        self._bold.setBold(True)
        self._pump = QTimer(self)
        self._pump.setSingleShot(True)
        self._pump.setInterval(0)
        self._pump.timeout.connect(self._start_loads)
        self._anchor_timer = QTimer(self)
        self._anchor_timer.setSingleShot(True)
        self._anchor_timer.setInterval(ANCHOR_DELAY_MS)
        self._anchor_timer.timeout.connect(lambda: self._start_anchors(self._query))
        self.clock = QTimer(self)
        self.clock.setInterval(CLOCK_MS)
        self.clock.timeout.connect(self._clock_moved)
        self.clock.start()

    # ------------------------------------------------------------ queries

    @property
    def query(self) -> QueueQuery | None:
        """The query being shown, or being loaded when one is on its way."""
        return self._requested or self._query

    @property
    def search_outcome(self) -> SearchOutcome | None:
        return self._search

    @property
    def loading(self) -> bool:
        return self._opening or bool(self._in_flight)

    def set_query(self, query: QueueQuery, *, choose_view: bool = False) -> None:
        """Load ``query``: its count and first page in one worker call. The rows shown
        stay until the new ones arrive. ``choose_view``: the worker picks the default
        view (我的待办 when the user has cases, else 全部) instead of ``query.view``."""
        # Another order of the same cases keeps their count (a third of a sort's time on
        # a million cases) unless a case changed since it was made; a refresh counts.
        shown = self._query
        count = (self._count if self._count_sure and not choose_view and shown is not None
                 and shown != query
                 and replace(shown, sort=query.sort, descending=query.descending) == query
                 else None)
        self._requested = query
        self._opening = True
        self._wanted.clear()
        self._stop_anchors()
        ws, limit = self.ws, self.page_size
        self._queries.task(lambda state: open_queue(ws, query, limit, choose_view, state,
                                                    count),
                           name="open_queue") \
            .success(self._opened).failure(self._failed).run()

    def reload(self) -> None:
        if self.query is not None:
            self.set_query(self.query)

    def _opened(self, opened: QueueOpened) -> None:
        self.beginResetModel()
        self._query = opened.query
        self._requested = None
        self._count = opened.count
        self._count_sure = True
        self._search = opened.search
        self._pages.clear()
        self._wanted.clear()
        self._in_flight.clear()
        self._keys.clear()
        self._key_rows.clear()
        if opened.rows:
            self._pages[0] = opened.rows
            self._keep_keys(0, opened.keys)
        self._opening = False
        self.endResetModel()
        emit(self.loaded)
        if self._count > 2 * self.page_size * ANCHOR_PAGES:
            self._anchor_timer.start()

    def _failed(self, failure: TaskFailure) -> None:
        self._opening = False
        self._requested = None
        emit(self.failed, failure)

    # ------------------------------------------------------------ pages

    def _row(self, row: int) -> QueueRow | None:
        """The row if its page is held; otherwise None, and the page is asked for."""
        number, at = divmod(row, self.page_size)
        page = self._pages.get(number)
        if page is None:
            self._want(number)
            return None
        self._pages.move_to_end(number)
        return page[at] if at < len(page) else None

    def _want(self, number: int) -> None:
        if number in self._in_flight or self._query is None:
            return
        self._wanted[number] = None
        self._wanted.move_to_end(number)
        if not self._pump.isActive():
            self._pump.start()

    def _start_loads(self) -> None:
        while len(self._wanted) > MAX_WANTED:
            dropped, _ = self._wanted.popitem(last=False)
            # Scrolled past; if its rows are still on screen, repainting them asks again.
            self._page_changed(dropped)
        while self._wanted and len(self._in_flight) < MAX_LOADS and self._query is not None:
            number, _ = self._wanted.popitem(last=True)  # the most recently wanted first
            if number in self._pages:
                continue
            self._in_flight.add(number)
            self._load_page(number, self._query)

    def _load_page(self, number: int, query: QueueQuery) -> None:
        current = self._queries.current()  # a page of an older query or sort is dropped
        ws = self.ws
        start, skip, limit, backwards = self._start_of(number)
        if skip > self.page_size * ANCHOR_PAGES and self._anchor_timer.isActive():
            self._anchor_timer.stop()  # a jump: the next one will want the anchors
            self._start_anchors(query)
        self.runner.task(self, lambda state: load_page(ws, query, start, skip, limit,
                                                       backwards, state),
                         name="load_page") \
            .success(lambda page: self._page_arrived(number, page) if current() else None) \
            .failure(lambda f: self._page_failed(number, f) if current() else None).run()

    def _start_of(self, number: int) -> tuple[RowKey | None, int, int, bool]:
        """Where page ``number`` is read from: (key, skip, limit, backwards) from the
        nearest row with a known key, or from either end of the list."""
        first = number * self.page_size
        last = min(self._count, first + self.page_size) - 1
        best: tuple[RowKey | None, int, int, bool] = (None, first, self.page_size, False)
        if self._count - 1 - last < first:
            best = (None, self._count - 1 - last, last - first + 1, True)
        at = bisect_left(self._key_rows, first)
        if at > 0:  # the nearest known row above: read forwards after it
            row = self._key_rows[at - 1]
            if first - row - 1 <= best[1]:
                best = (self._keys[row], first - row - 1, self.page_size, False)
        at = bisect_right(self._key_rows, last)
        if at < len(self._key_rows):  # the nearest known row below: read backwards
            row = self._key_rows[at]
            if row - last - 1 < best[1]:
                best = (self._keys[row], row - last - 1, last - first + 1, True)
        return best

    def _keep_keys(self, first: int, keys: tuple[RowKey, ...]) -> None:
        """Keep the keys of a page's first and last rows (``first`` is its first row)."""
        if keys:
            self._keep_key(first, keys[0])
            self._keep_key(first + len(keys) - 1, keys[-1])

    def _keep_key(self, row: int, key: RowKey) -> None:
        if row not in self._keys:
            insort(self._key_rows, row)
        self._keys[row] = key

    def _start_anchors(self, query: QueueQuery | None, after: Anchor | None = None) -> None:
        """Read the anchors of a long list, ``ANCHORS_A_CALL`` at a time from ``after``
        on; none for a list whose every row is near an end."""
        every = self.page_size * ANCHOR_PAGES
        if query is None or self._count <= 2 * every:
            return
        current = self._queries.current()
        ws = self.ws
        task = self.runner.task(
            self, lambda state: load_anchors(ws, query, every, after, ANCHORS_A_CALL, state),
            name="queue_anchors") \
            .success(lambda found: self._anchors_arrived(query, found) if current() else None) \
            .failure(lambda f: self._anchors_failed(f) if current() else None).run()
        self._anchoring = None if task.done else task  # a synchronous runner is done

    def _stop_anchors(self) -> None:
        self._anchor_timer.stop()
        if self._anchoring is not None:
            self._anchoring.cancel()
            self._anchoring = None

    def _anchors_arrived(self, query: QueueQuery, found: tuple[Anchor, ...]) -> None:
        for row, key in found:
            if row not in self._keys:  # a page's own key is as new or newer
                self._keep_key(row, key)
        if len(found) == ANCHORS_A_CALL:
            self._start_anchors(query, found[-1])
            return
        self._anchoring = None
        emit(self.anchors_loaded)

    def _anchors_failed(self, failure: TaskFailure) -> None:
        self._anchoring = None  # pages are read from the nearest end instead
        emit(self.failed, failure)

    @property
    def anchored(self) -> bool:
        """Whether the anchor walk of the query shown is done (or was not needed)."""
        return (self._anchoring is None and not self._anchor_timer.isActive()
                and not self._opening)

    def _page_arrived(self, number: int, page: PageRows) -> None:
        rows = page.rows
        self._in_flight.discard(number)
        self._keep_keys(number * self.page_size, page.keys)
        self._pages[number] = rows
        self._pages.move_to_end(number)
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)
        self._page_changed(number)
        emit(self.page_loaded, number * self.page_size)
        self._start_loads()

    def _page_failed(self, number: int, failure: TaskFailure) -> None:
        self._in_flight.discard(number)
        emit(self.failed, failure)
        self._start_loads()

    def _page_changed(self, number: int) -> None:
        first = number * self.page_size
        last = min(self._count, first + self.page_size) - 1
        if last >= first:
            emit(self.dataChanged, self.index(first, 0), self.index(last, len(Column) - 1))

    def held_rows(self) -> int:
        """How many rows are in memory (bounded by ``max_pages * page_size``)."""
        return sum(len(p) for p in self._pages.values())

    # ------------------------------------------------------------ Qt interface

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        column = Column(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return self.column_title(column)
        if role == Qt.ItemDataRole.InitialSortOrderRole:
            return (Qt.SortOrder.DescendingOrder if column in _INITIAL_DESCENDING
                    else Qt.SortOrder.AscendingOrder)
        return None

    def column_title(self, column: Column) -> str:
        titles = {
            Column.TICKET: self.tr("工单号"),
            Column.RECEIVED: self.tr("收到时间"),
            Column.COMPLAINANT: self.tr("投诉人"),
            Column.RESPONDENT: self.tr("被投诉方"),
            Column.CATEGORY: self.tr("类别"),
            Column.SOURCE: self.tr("渠道"),
            Column.STATUS: self.tr("状态"),
            Column.DEADLINE: self.tr("下一期限"),
            Column.TAGS: self.tr("标签"),
            Column.MEDIATOR: self.tr("承办人"),
            Column.GROUP: self.tr("群体"),
        }
        return titles[column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not (0 <= index.row() < self._count):
            return None
        column = Column(index.column())
        row = self._row(index.row())
        if row is None:
            if role == Qt.ItemDataRole.DisplayRole and column is Column.TICKET:
                return PLACEHOLDER
            if role == LOADED_ROLE:
                return False
            return None
        if role == CALLBACK_ROLE:
            due = self._callback(row)
            return due[0].value if due else None
        callback = self._callback(row) if column is Column.DEADLINE else None
        if callback is not None:
            marked = self._callback_cell(row, role, *callback)
            if marked is not None:
                return marked
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and column is Column.DEADLINE and row.badge:
            return DUE_COLOURS.get(row.badge.status)
        if role == Qt.ItemDataRole.FontRole and column is Column.DEADLINE and row.badge:
            if row.badge.status in (DueStatus.OVERDUE, DueStatus.DUE_TODAY):
                return self._bold
            return None
        if role == CASE_ID_ROLE:
            return row.id
        if role == DUE_STATUS_ROLE:
            return row.badge.status.value if row.badge else None
        if role == LOADED_ROLE:
            return True
        return None

    # ------------------------------------------------------------ 待回电

    def _callback(self, row: QueueRow) -> tuple[CallbackState, object] | None:
        """(state, due time) of the row's promised callback once it is due (or nearly)."""
        due = getattr(row.summary, "callback_due_at", None)
        if due is None:
            return None
        state = callback_state(due, self.ws.now())
        return None if state is CallbackState.LATER else (state, due)

    def _callback_cell(self, row: QueueRow, role: int, state: CallbackState, due) -> object:
        """The deadline cell of a row with a due callback: 待回电 10:30 first."""
        now = self.ws.now()
        if role == Qt.ItemDataRole.DisplayRole:
            text = self.tr("待回电 {when}").format(when=callback_when(due, now))
            return f"{text} · {row.badge.text}" if row.badge else text
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [callback_summary(due, now)]
            if row.badge:
                lines += [row.badge.text, row.badge.tooltip]
            return "\n".join(lines)
        if role == Qt.ItemDataRole.ForegroundRole:
            return DUE_COLOURS[DueStatus.OVERDUE if state is CallbackState.OVERDUE
                               else DueStatus.DUE_TODAY]
        if role == Qt.ItemDataRole.FontRole:
            return self._bold
        return None

    def _clock_moved(self) -> None:
        """Repaint the deadline cells: a callback may have fallen due meanwhile."""
        if self._count:
            emit(self.dataChanged, self.index(0, Column.DEADLINE),
                 self.index(self._count - 1, Column.DEADLINE))

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """A header click: sort in SQL (the window saves the choice)."""
        key = SORT_KEYS.get(Column(column)) if 0 <= column < len(Column) else None
        query = self.query
        if key is None or query is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (query.sort, query.descending) == (key, descending):
            return
        self.set_query(replace(query, sort=key, descending=descending))
        emit(self.sort_requested, key, descending)

    # ------------------------------------------------------------ cells

    @staticmethod
    def _text(row: QueueRow, column: Column) -> str:
        s = row.summary
        match column:
            case Column.TICKET:
                return s.source_ticket
            case Column.RECEIVED:
                return formatting.china_datetime(s.received_at)
            case Column.COMPLAINANT:
                return s.complainant_name
            case Column.RESPONDENT:
                return s.respondent_name
            case Column.CATEGORY:
                return s.category
            case Column.SOURCE:
                return messages.source_text(s.source)
            case Column.STATUS:
                return messages.status_text(s.status)
            case Column.DEADLINE:
                return row.badge.text if row.badge else ""
            case Column.TAGS:
                return "、".join(s.tags)
            case Column.MEDIATOR:
                return s.mediator_name
            case Column.GROUP:
                return getattr(s, "group_title", "")
        return ""

    def _tooltip(self, row: QueueRow, column: Column) -> str | None:
        if column is Column.DEADLINE and row.badge:
            return row.badge.tooltip
        if column is Column.STATUS and row.summary.paused:
            return self.tr("计时已中止")
        if column in (Column.RESPONDENT, Column.COMPLAINANT, Column.CATEGORY, Column.TAGS,
                      Column.GROUP):
            return self._text(row, column) or None
        return None

    # ------------------------------------------------------------ rows by case

    def row_of(self, case_id: uuid.UUID | None) -> int | None:
        """The row of a case among the rows held (None if not held or not listed)."""
        if case_id is None:
            return None
        for number, page in self._pages.items():
            for at, row in enumerate(page):
                if row.id == case_id:
                    return number * self.page_size + at
        return None

    def case_id(self, row: int) -> uuid.UUID | None:
        number, at = divmod(row, self.page_size)
        page = self._pages.get(number)
        return page[at].id if page is not None and at < len(page) else None

    def replace_row(self, row: QueueRow) -> None:
        """Show a changed case in place (it keeps its place until the next refresh)."""
        self._count_sure = False  # it may have left the list: the next sort counts
        for number, page in self._pages.items():
            for at, held in enumerate(page):
                if held.id == row.id:
                    self._pages[number] = (*page[:at], row, *page[at + 1:])
                    i = number * self.page_size + at
                    emit(self.dataChanged, self.index(i, 0), self.index(i, len(Column) - 1))
                    return
