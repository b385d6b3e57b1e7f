"""时间线: everything that happened on a case, in time order — sessions and their
addenda, notes, contacts, evidence, status changes, clock pauses and follow-ups.

A one-column table view over ``TimelineModel`` (a list model) with rows of fixed
height — the kind's coloured label, when and who, then one line of what happened —
so ten thousand rows cost what the visible ones cost. A table, not a QListView: a
list view lays out every row on each reset and resize, asking the model for each
row's index (20,000 calls into Python for 10,000 rows, 35–120 ms on the reference
machine); a table's fixed-height rows need no per-row work. Filters (全部 / 调解 /
笔记与联系 / 证据 / 状态) and the order (newest at the top by default) work on the
rows already read.

The timeline is read off the GUI thread when the tab is on screen, and again after each
reload of the case while it is; every read has a generation number, and a read of an
older case that arrives late is dropped. Double-clicking a session, addendum or
evidence row emits ``open_requested(kind, ref_id)``.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.services.dto import CaseDetail
from app.services.timeline import EntryKind, Timeline, case_timeline
from app.ui.case.sections import note_label
from app.ui.case.timeline_model import TimelineModel, badge_size
from app.ui.case.timeline_texts import FILTERS, filter_label
from app.ui.qtcompat import emit
from app.ui.queue.flow_layout import FlowLayout
from app.ui.tasks import LatestOnly, TaskFailure, TaskState

if TYPE_CHECKING:
    from app.ui.case.host import CaseHost

# Rows a double-click opens elsewhere (the case view decides where).
OPENABLE = frozenset({EntryKind.SESSION, EntryKind.ADDENDUM, EntryKind.EVIDENCE})
MUTED = "#5d6679"


class TimelineTab(QWidget):
    loaded = Signal(object)  # uuid.UUID: the case whose timeline is on screen, freshly read
    open_requested = Signal(object, object)  # EntryKind, uuid.UUID of the row

    NEWEST_FIRST, OLDEST_FIRST = range(2)

    def __init__(self, owner: CaseHost) -> None:
        super().__init__()
        self.owner = owner
        self.case: CaseDetail | None = None
        self._stale = False
        self._reads = LatestOnly(owner.runner, self)

        self.model = TimelineModel(self)
        self.view = QTableView()
        self.view.setObjectName("timelineList")
        self.view.setModel(self.model)
        self.view.setShowGrid(False)
        self.view.setAlternatingRowColors(True)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setWordWrap(False)
        self.view.setTabKeyNavigation(False)
        self.view.horizontalHeader().hide()
        self.view.horizontalHeader().setStretchLastSection(True)
        rows = self.view.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self._fit_rows()
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.doubleClicked.connect(self._on_double_click)

        self.message = note_label("", name="timelineMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.message.setMargin(24)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.message)

        self.filters = QButtonGroup(self)
        self.filters.setExclusive(True)
        bar_box = QWidget()
        bar = FlowLayout(bar_box, spacing=4)  # wraps in a narrow case pane
        bar.setContentsMargins(0, 0, 0, 0)
        for n, (text, _kinds) in enumerate(FILTERS):
            button = QToolButton()
            button.setObjectName(f"timelineFilter{n}")
            button.setText(filter_label(text))
            button.setCheckable(True)
            button.setAutoRaise(True)
            button.setChecked(n == 0)
            self.filters.addButton(button, n)
            bar.addWidget(button)
        self.filters.idClicked.connect(self._on_filter)
        self.count_label = QLabel()
        self.count_label.setObjectName("timelineCount")
        self.count_label.setStyleSheet(f"color: {MUTED};")
        bar.addWidget(self.count_label)
        self.order = QComboBox()
        self.order.setObjectName("timelineOrder")
        self.order.addItem(self.tr("最新在上"))
        self.order.addItem(self.tr("最早在上"))
        self.order.currentIndexChanged.connect(self._on_order)
        bar.addWidget(self.order)

        layout = QVBoxLayout(self)
        m = self.fontMetrics().horizontalAdvance("m")
        layout.setContentsMargins(0, m // 2, 0, 0)
        layout.setSpacing(m // 2)
        layout.addWidget(bar_box)
        layout.addWidget(self.stack, 1)
        self._show_message(self.tr("正在加载时间线…"))

    # ------------------------------------------------------------ the case view's API

    def show_case(self, case: CaseDetail) -> None:
        """Called by the case view whenever the case is (re)loaded."""
        another = self.case is None or self.case.id != case.id
        self.case = case
        self._stale = True
        if another:
            self._reads.forget()  # whatever an older case's read brings is dropped
            self.model.set_timeline(None)
            self.count_label.clear()
            self._show_message(self.tr("正在加载时间线…"))
        if self.isVisible():
            self.reload()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_rows()

    def _fit_rows(self) -> None:
        """Rows two lines of the font high; the kinds' labels drawn in it."""
        font = self.view.font()
        self.view.setIconSize(QSize(*badge_size(font)))
        height = 2 * QFontMetrics(font).height() + 12
        rows = self.view.verticalHeader()
        rows.setMinimumSectionSize(min(height, rows.minimumSectionSize()))
        rows.setDefaultSectionSize(height)
        self.model.set_style(font, self.devicePixelRatioF())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.model.set_style(self.view.font(), self.devicePixelRatioF())  # the screen's
        if self._stale and self.case is not None:
            self.reload()

    def reload(self) -> None:
        """Read the case's timeline again (off the GUI thread)."""
        if self.case is None:
            return
        self._stale = False
        ws, case_id = self.owner.ws, self.case.id

        def read(state: TaskState) -> Timeline:
            state.raise_if_cancelled()  # a newer case was asked for before this one started
            return case_timeline(ws, case_id)

        # A newer read cancels this one and drops its answer (LatestOnly).
        self._reads.task(read, name="timeline.load").success(self._loaded) \
            .failure(self._failed).run()

    # ------------------------------------------------------------ results

    def _loaded(self, timeline: Timeline) -> None:
        if self.case is None or timeline.case_id != self.case.id:
            return
        self.model.set_timeline(timeline)
        self._refresh()
        emit(self.loaded, timeline.case_id)

    def _failed(self, failure: TaskFailure) -> None:
        if self.case is None:
            return
        self._stale = True  # read again when next shown
        self._show_message(self.tr("时间线加载失败。"))
        self.owner.runner.error_handler(failure)

    def _refresh(self) -> None:
        shown, total = self.model.rowCount(), self.model.total()
        if total == 0:
            self._show_message(self.tr("尚无记录：调解、工作记录、证据和状态变化会按时间显示在这里。"))
        elif shown == 0:
            self._show_message(self.tr("没有这一类的记录。"))
        else:
            self.stack.setCurrentWidget(self.view)
        if total == 0:
            self.count_label.clear()
        elif shown == total:
            self.count_label.setText(self.tr("共 {n} 条").format(n=f"{total:,}"))
        else:
            self.count_label.setText(self.tr("{shown} / {n} 条").format(
                shown=f"{shown:,}", n=f"{total:,}"))

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.stack.setCurrentWidget(self.message)

    # ------------------------------------------------------------ user actions

    def _on_filter(self, n: int) -> None:
        self.model.set_kinds(FILTERS[n][1])
        if self.model.timeline is not None:
            self._refresh()
        self.view.scrollToTop()

    def _on_order(self, n: int) -> None:
        self.model.set_newest_first(n == self.NEWEST_FIRST)
        self.view.scrollToTop()

    def _on_double_click(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        entry = self.model.entry(index.row())
        if entry.kind in OPENABLE:
            emit(self.open_requested, entry.kind, uuid.UUID(entry.ref))

    # ------------------------------------------------------------ for tests and readers

    def lines(self) -> list[str]:
        """The rows as a reader sees them, top to bottom."""
        return [self.model.data(self.model.index(r), Qt.ItemDataRole.AccessibleTextRole)
                for r in range(self.model.rowCount())]
