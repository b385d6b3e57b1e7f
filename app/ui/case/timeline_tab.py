"""时间线: everything that happened on a case, in time order — sessions and their
addenda, notes, contacts, evidence, status changes, clock pauses and follow-ups.

A one-column table view over ``TimelineModel`` (a list model) with rows of fixed
height and a delegate that paints them (a coloured label for the kind, when and who,
then one line of what happened), so ten thousand rows cost what the visible ones cost.
A table, not a QListView: a list view lays out every row on each reset and resize,
asking the model for each row's index (20,000 calls into Python for 10,000 rows, 35–120
ms on the reference machine); a table's fixed-height rows need no per-row work. Filters (全部 / 调解 / 笔记与联系 / 证据 / 状态) and the order
(newest at the top by default) work on the rows already read.

The timeline is read off the GUI thread when the tab is on screen, and again after each
reload of the case while it is; every read has a generation number, and a read of an
older case that arrives late is dropped. Double-clicking a session, addendum or
evidence row emits ``open_requested(kind, ref_id)``.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.services.dto import CaseDetail
from app.services.timeline import EntryKind, Timeline
from app.ui.case.sections import note_label
from app.ui.case.timeline_model import (
    KIND_ROLE,
    LABEL_ROLE,
    SUMMARY_ROLE,
    WHEN_ROLE,
    WHO_ROLE,
    TimelineModel,
)
from app.ui.case.timeline_texts import FILTERS, filter_label
from app.ui.operations.timeline import load_timeline
from app.ui.qtcompat import emit
from app.ui.tasks import Task, TaskFailure

if TYPE_CHECKING:
    from app.ui.case.case_view import CaseView

# The kind's label: (text, background).
KIND_COLOURS: dict[str, tuple[str, str]] = {
    EntryKind.SESSION: ("#1d4ed8", "#dbeafe"),
    EntryKind.ADDENDUM: ("#6d28d9", "#ede9fe"),
    EntryKind.NOTE: ("#374151", "#e5e7eb"),
    EntryKind.CONTACT: ("#0f766e", "#ccfbf1"),
    EntryKind.EVIDENCE: ("#a16207", "#fef3c7"),
    EntryKind.STATUS: ("#15803d", "#dcfce7"),
    EntryKind.FOLLOW_UP: ("#0369a1", "#e0f2fe"),
    EntryKind.PAUSE: ("#b91c1c", "#fee2e2"),
}
MUTED = "#667085"
RULE = "#eaecf0"
# Rows a double-click opens elsewhere (the case view decides where).
OPENABLE = frozenset({EntryKind.SESSION, EntryKind.ADDENDUM, EntryKind.EVIDENCE})

Index = QModelIndex | QPersistentModelIndex


class TimelineDelegate(QStyledItemDelegate):
    """Two lines of fixed height: [label] when · who / what happened (elided)."""

    PAD = 6

    def _label_font(self, font: QFont) -> QFont:
        small = QFont(font)
        small.setPointSizeF(font.pointSizeF() * 0.9)
        small.setBold(True)
        return small

    def _label_width(self, font: QFont) -> int:
        fm = QFontMetrics(self._label_font(font))
        return fm.horizontalAdvance("笔记") + 2 * self.PAD

    def row_height(self, font: QFont) -> int:
        return 2 * QFontMetrics(font).height() + 3 * self.PAD

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return QSize(max(option.rect.width(), 200), self.row_height(option.font))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        painter.save()
        try:
            if style is not None:
                style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter,
                                    widget)
            selected = bool(opt.state & QStyle.StateFlag.State_Selected)
            rect = opt.rect
            pad = self.PAD
            fm = QFontMetrics(opt.font)
            line = fm.height()

            # The kind's coloured label.
            label_font = self._label_font(opt.font)
            fg, bg = KIND_COLOURS.get(index.data(KIND_ROLE), ("#374151", "#e5e7eb"))
            label_rect = QRect(rect.left() + pad, rect.top() + pad,
                               self._label_width(opt.font), line + 2)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(bg))
            painter.drawRoundedRect(label_rect, 4, 4)
            painter.setFont(label_font)
            painter.setPen(QColor(fg))
            painter.drawText(label_rect, Qt.AlignmentFlag.AlignCenter, index.data(LABEL_ROLE))

            text_left = label_rect.right() + pad + 2
            width = max(0, rect.right() - pad - text_left)
            group = (QPalette.ColorGroup.Normal if opt.state & QStyle.StateFlag.State_Enabled
                     else QPalette.ColorGroup.Disabled)
            strong = opt.palette.color(group, QPalette.ColorRole.HighlightedText if selected
                                       else QPalette.ColorRole.Text)
            # When and who, muted.
            painter.setFont(opt.font)
            painter.setPen(strong if selected else QColor(MUTED))
            head = f"{index.data(WHEN_ROLE)}　{index.data(WHO_ROLE)}"
            painter.drawText(QRect(text_left, rect.top() + pad, width, line + 2),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             fm.elidedText(head, Qt.TextElideMode.ElideRight, width))
            # What happened.
            painter.setPen(strong)
            summary = fm.elidedText(index.data(SUMMARY_ROLE), Qt.TextElideMode.ElideRight, width)
            painter.drawText(QRect(text_left, rect.top() + 2 * pad + line, width, line),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, summary)
            if not selected:
                painter.setPen(QColor(RULE))
                painter.drawLine(rect.left() + pad, rect.bottom(), rect.right() - pad,
                                 rect.bottom())
        finally:
            painter.restore()


class TimelineTab(QWidget):
    loaded = Signal(object)  # uuid.UUID: the case whose timeline is on screen, freshly read
    open_requested = Signal(object, object)  # EntryKind, uuid.UUID of the row

    NEWEST_FIRST, OLDEST_FIRST = range(2)

    def __init__(self, owner: CaseView) -> None:
        super().__init__()
        self.owner = owner
        self.case: CaseDetail | None = None
        self._generation = 0
        self._stale = False
        self._task: Task | None = None

        self.model = TimelineModel(self)
        self.view = QTableView()
        self.view.setObjectName("timelineList")
        self.view.setModel(self.model)
        delegate = TimelineDelegate(self.view)
        self.view.setItemDelegate(delegate)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.setTabKeyNavigation(False)
        self.view.horizontalHeader().hide()
        self.view.horizontalHeader().setStretchLastSection(True)
        rows = self.view.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        height = delegate.row_height(self.view.font())
        rows.setMinimumSectionSize(min(height, rows.minimumSectionSize()))
        rows.setDefaultSectionSize(height)
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
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.setSpacing(4)
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
        bar.addStretch(1)
        self.count_label = QLabel()
        self.count_label.setObjectName("timelineCount")
        self.count_label.setStyleSheet(f"color: {MUTED};")
        bar.addWidget(self.count_label)
        bar.addSpacing(8)
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
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)
        self._show_message(self.tr("正在加载时间线…"))

    # ------------------------------------------------------------ the case view's API

    def show_case(self, case: CaseDetail) -> None:
        """Called by the case view whenever the case is (re)loaded."""
        another = self.case is None or self.case.id != case.id
        self.case = case
        self._stale = True
        if another:
            self._generation += 1  # whatever an older case's read brings is dropped
            self.model.set_timeline(None)
            self.count_label.clear()
            self._show_message(self.tr("正在加载时间线…"))
        if self.isVisible():
            self.reload()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # rows as high as two lines of the font
            delegate = self.view.itemDelegate()
            assert isinstance(delegate, TimelineDelegate)
            self.view.verticalHeader().setDefaultSectionSize(
                delegate.row_height(self.view.font()))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale and self.case is not None:
            self.reload()

    def reload(self) -> None:
        """Read the case's timeline again (off the GUI thread)."""
        if self.case is None:
            return
        self._stale = False
        self._generation += 1
        generation = self._generation
        if self._task is not None:
            self._task.cancel()  # not started yet: it stops before reading
        self._task = self.owner.runner.run(
            load_timeline, (self.owner.ws, self.case.id), context=self, name="timeline.load",
            on_done=lambda timeline: self._loaded(timeline, generation),
            on_failed=lambda failure: self._failed(failure, generation))

    # ------------------------------------------------------------ results

    def _current(self, generation: int) -> bool:
        return generation == self._generation and self.case is not None

    def _loaded(self, timeline: Timeline, generation: int) -> None:
        if not self._current(generation) or timeline.case_id != self.case.id:
            return
        self._task = None
        self.model.set_timeline(timeline)
        self._refresh()
        emit(self.loaded, timeline.case_id)

    def _failed(self, failure: TaskFailure, generation: int) -> None:
        if not self._current(generation):
            return
        self._task = None
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
            self.count_label.setText(self.tr("显示 {shown} 条，共 {n} 条").format(
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
        return [self.model.data(self.model.index(r)) for r in range(self.model.rowCount())]
