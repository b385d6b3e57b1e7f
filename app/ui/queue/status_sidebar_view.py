"""The sidebar: the status views with their live counts."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QPainter, QPalette
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

from app.core.workflow import CaseStatus
from app.ui.qtcompat import emit
from app.ui.queue.status_views import STATUS_VIEWS, StatusView

VIEW_KEY_ROLE = Qt.ItemDataRole.UserRole + 100
COUNT_ROLE = Qt.ItemDataRole.UserRole + 101


def count_text(count: int | None) -> str:
    return "" if count is None else f"{count:,}"


class _CountDelegate(QStyledItemDelegate):
    """Draws the view's name on the left and its count, quieter, on the right."""

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
        if not selected:
            painter.setPen(opt.palette.color(group, QPalette.ColorRole.PlaceholderText))
        painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                         count_text(index.data(COUNT_ROLE)))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        fm = option.fontMetrics
        label = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        width = fm.horizontalAdvance(label) + fm.horizontalAdvance("m" * 3 + "000,000")
        return QSize(width, round(fm.height() * 2.1))


class StatusSidebar(QListWidget):
    """Emits ``view_selected`` when the user picks a status view."""

    view_selected = Signal(object)  # StatusView

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusSidebar")
        self.setItemDelegate(_CountDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setUniformItemSizes(True)
        self.setAccessibleName(self.tr("案件状态"))
        self._items: dict[str, QListWidgetItem] = {}
        for view in STATUS_VIEWS:
            item = QListWidgetItem(view.title(), self)
            item.setData(VIEW_KEY_ROLE, view.key)
            self._items[view.key] = item
        self.currentItemChanged.connect(self._on_current_changed)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        width = max(self.sizeHintForColumn(0), 0) + 2 * self.frameWidth() + 8
        return QSize(width, hint.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(self.sizeHint().width(), super().minimumSizeHint().height())

    def select_view(self, key: str) -> None:
        item = self._items.get(key) or self._items[STATUS_VIEWS[0].key]
        self.setCurrentItem(item)

    def current_view(self) -> StatusView:
        item = self.currentItem()
        key = item.data(VIEW_KEY_ROLE) if item else STATUS_VIEWS[0].key
        return next(v for v in STATUS_VIEWS if v.key == key)

    def set_counts(self, counts: Mapping[CaseStatus, int]) -> None:
        for view in STATUS_VIEWS:
            item = self._items[view.key]
            n = view.count(counts)
            item.setData(COUNT_ROLE, n)
            item.setToolTip(self.tr("{view}：{count} 件").format(view=view.title(),
                                                                 count=count_text(n)))

    def count_shown(self, key: str) -> str:
        """The count as the user reads it next to the view's name."""
        return count_text(self._items[key].data(COUNT_ROLE))

    def _on_current_changed(self, current: QListWidgetItem | None, _previous) -> None:
        if current is not None:
            emit(self.view_selected, self.current_view())
