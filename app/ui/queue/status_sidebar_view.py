"""The sidebar: the queue's views with their live counts."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from app.services.queue import QueueView
from app.ui.qtcompat import emit
from app.ui.queue.queue_views import SIDEBAR_VIEWS, sidebar_view, view_tooltip

VIEW_ROLE = Qt.ItemDataRole.UserRole + 100  # the QueueView value (str)
COUNT_ROLE = Qt.ItemDataRole.UserRole + 101
URGENT_ROLE = Qt.ItemDataRole.UserRole + 102

URGENT_COLOUR = QColor("#b42318")
# Counts that follow the clock (待回电, 今日到期) go stale while the window stays open.
REFRESH_MS = 60_000


def count_text(count: int | None) -> str:
    return "" if count is None else f"{count:,}"


class _CountDelegate(QStyledItemDelegate):
    """Draws the view's name on the left and its count, quieter, on the right (in the
    alarm colour for a non-empty 今日到期 / 已超期)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        label = opt.text
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        pad = opt.fontMetrics.horizontalAdvance("m")
        rect = opt.rect.adjusted(pad, 0, -pad, 0)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        group = (QPalette.ColorGroup.Active if opt.state & QStyle.StateFlag.State_Active
                 else QPalette.ColorGroup.Inactive)
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.save()
        painter.setFont(opt.font)
        painter.setPen(opt.palette.color(group, text_role))
        painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, label)
        count = index.data(COUNT_ROLE)
        if not selected:
            urgent = bool(index.data(URGENT_ROLE)) and bool(count)
            painter.setPen(URGENT_COLOUR if urgent else
                           opt.palette.color(group, QPalette.ColorRole.PlaceholderText))
        painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                         count_text(count))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        fm = option.fontMetrics
        label = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        width = fm.horizontalAdvance(label) + fm.horizontalAdvance("m" * 3 + "0,000,000")
        return QSize(width, round(fm.height() * 2.1))


class StatusSidebar(QListWidget):
    """Emits ``view_selected`` (a QueueView) when the user picks a view, and
    ``refresh_wanted`` once a minute: a callback falls due, a day ends, and the counts
    should be read again (the window connects it to its count refresh)."""

    view_selected = Signal(object)
    refresh_wanted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusSidebar")
        self.setItemDelegate(_CountDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setUniformItemSizes(True)
        self.setAccessibleName(self.tr("案件视图"))
        self._items: dict[QueueView, QListWidgetItem] = {}
        for view in SIDEBAR_VIEWS:
            item = QListWidgetItem(view.title(), self)
            item.setData(VIEW_ROLE, view.view.value)
            item.setData(URGENT_ROLE, view.urgent)
            item.setToolTip(view_tooltip(view.view))
            self._items[view.view] = item
        self.currentItemChanged.connect(self._on_current_changed)
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(REFRESH_MS)
        self.refresh_timer.timeout.connect(lambda: emit(self.refresh_wanted))
        self.refresh_timer.start()

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        width = max(self.sizeHintForColumn(0), 0) + 2 * self.frameWidth() + 8
        return QSize(width, hint.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(self.sizeHint().width(), super().minimumSizeHint().height())

    def select_view(self, view: QueueView) -> None:
        self.setCurrentItem(self._items[view])

    def current_view(self) -> QueueView | None:
        item = self.currentItem()
        return QueueView(item.data(VIEW_ROLE)) if item is not None else None

    def set_counts(self, counts: Mapping[QueueView, int]) -> None:
        for view, item in self._items.items():
            n = counts.get(view)
            item.setData(COUNT_ROLE, n)
            tip = view_tooltip(view)
            if n is not None:
                tip = self.tr("{tip}：{count} 件").format(tip=tip, count=count_text(n))
            item.setToolTip(tip)

    def view_count(self, view: QueueView) -> int | None:
        return self._items[view].data(COUNT_ROLE)

    def count_shown(self, view: QueueView) -> str:
        """The count as the user reads it next to the view's name."""
        return count_text(self._items[view].data(COUNT_ROLE))

    def title_of(self, view: QueueView) -> str:
        return sidebar_view(view).title()

    def _on_current_changed(self, current: QListWidgetItem | None, _previous) -> None:
        if current is not None:
            emit(self.view_selected, QueueView(current.data(VIEW_ROLE)))
