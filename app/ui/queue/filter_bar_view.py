"""Above the queue: the one search box and the filters (status, category, channel, tag,
region, received dates). Emits what the user asked for; the window runs the query."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields, replace
from datetime import date

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QMouseEvent
from PySide6.QtWidgets import (
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.workflow import CaseStatus, Source
from app.services.queue import FilterOptions, QueueFilter
from app.ui import messages
from app.ui.qtcompat import emit
from app.ui.queue.flow_layout import FlowLayout

SEARCH_DELAY_MS = 300  # typing pauses this long before the search runs
_NO_DATE = QDate(2000, 1, 1)  # the date edits' minimum, shown as 不限


class _StayOpenMenu(QMenu):
    """A menu of check boxes that stays open while the user ticks several."""

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        action = self.activeAction()
        if action is not None and action.isCheckable() and action.isEnabled():
            action.trigger()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        action = self.activeAction()
        if (event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and action is not None and action.isCheckable()):
            action.trigger()
            return
        super().keyPressEvent(event)


class MultiSelectButton(QToolButton):
    """A button with a menu of options to tick; none ticked means "any"."""

    changed = Signal()

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setMenu(_StayOpenMenu(self))
        # The arrow goes in the text: Fusion's own indicator sits on top of it.
        self.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0px; }")
        self._actions: dict[str, QAction] = {}
        self._clear_action: QAction | None = None
        self._update_text()

    def set_options(self, options: Sequence[tuple[str, str]]) -> None:
        """(value, text) pairs; the ticked values that are still offered stay ticked."""
        ticked = self.selected()
        menu = self.menu()
        menu.clear()
        self._actions.clear()
        self._clear_action = menu.addAction(self.tr("不限"))
        self._clear_action.triggered.connect(self.clear)
        menu.addSeparator()
        for value, text in options:
            action = menu.addAction(text)
            action.setCheckable(True)
            action.setChecked(value in ticked)
            action.setData(value)
            action.toggled.connect(self._on_toggled)
            self._actions[value] = action
        self.setEnabled(bool(options))
        self._update_text()

    def options(self) -> list[str]:
        return list(self._actions)

    def selected(self) -> frozenset[str]:
        return frozenset(v for v, a in self._actions.items() if a.isChecked())

    def set_selected(self, values: Iterable[str]) -> None:
        wanted = set(values)
        changed = False
        for value, action in self._actions.items():
            if action.isChecked() != (value in wanted):
                action.blockSignals(True)
                action.setChecked(value in wanted)
                action.blockSignals(False)
                changed = True
        self._update_text()
        if changed:
            emit(self.changed)

    def clear(self) -> None:
        self.set_selected(())

    def _on_toggled(self, _checked: bool) -> None:
        self._update_text()
        emit(self.changed)

    def _update_text(self) -> None:
        ticked = [a.text() for a in self._actions.values() if a.isChecked()]
        if not ticked:
            self.setText(f"{self.title} ▾")
            self.setToolTip(self.tr("{title}：不限").format(title=self.title))
        elif len(ticked) == 1:
            self.setText(f"{self.title}：{ticked[0]} ▾")
            self.setToolTip(f"{self.title}：{ticked[0]}")
        else:
            self.setText(self.tr("{title}（{n} 项）▾").format(title=self.title, n=len(ticked)))
            self.setToolTip(f"{self.title}：" + "、".join(ticked))
        font = self.font()
        font.setBold(bool(ticked))
        self.setFont(font)


class _DateEdit(QDateEdit):
    """A date or 不限 (the minimum date)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setMinimumDate(_NO_DATE)
        self.setSpecialValueText(self.tr("不限"))
        self.setDate(_NO_DATE)
        fm = self.fontMetrics()
        self.setMinimumWidth(fm.horizontalAdvance("2026-12-31") + fm.height() * 2 + 8)
        self.setMaximumWidth(self.minimumWidth() + fm.height())

    def value(self) -> date | None:
        d = self.date()
        return None if d == _NO_DATE else date(d.year(), d.month(), d.day())

    def set_value(self, value: date | None) -> None:
        self.setDate(_NO_DATE if value is None else QDate(value.year, value.month, value.day))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.value():
            self.set_value(None)  # back to 不限
            return
        super().keyPressEvent(event)


class SearchBox(QLineEdit):
    """Esc clears it; Enter searches at once."""

    escaped = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            emit(self.escaped)
            return
        super().keyPressEvent(event)


class FilterBar(QWidget):
    """``search_changed`` (the text, after a short pause in typing or at Enter) and
    ``filter_changed`` (a QueueFilter)."""

    search_changed = Signal(str)
    filter_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterBar")
        self.search_box = SearchBox()
        self.search_box.setObjectName("searchBox")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setPlaceholderText(self.tr(
            "搜索：姓名、拼音（zs / zhangsan）、电话或尾号、工单号、身份证号、投诉内容"))
        self.search_box.setAccessibleName(self.tr("搜索案件"))
        self._search_tip = self.tr(
            "按姓名或企业名称、拼音首字母或全拼、电话（整号或后四位）、工单号、"
            "身份证号或投诉内容中的词查找案件（Ctrl+F）。Esc 清除。")
        self.search_box.setToolTip(self._search_tip)
        self._last_search = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._search_now)
        self.search_box.textEdited.connect(lambda _text: self._timer.start())
        self.search_box.textChanged.connect(self._on_text_changed)
        self.search_box.returnPressed.connect(self._search_now)
        self.search_box.escaped.connect(self._search_now)

        self.status_button = MultiSelectButton(self.tr("状态"))
        self.status_button.setObjectName("statusFilter")
        self.status_button.set_options([(s.value, messages.status_text(s)) for s in CaseStatus])
        self.category_button = MultiSelectButton(self.tr("类别"))
        self.category_button.setObjectName("categoryFilter")
        self.source_button = MultiSelectButton(self.tr("渠道"))
        self.source_button.setObjectName("sourceFilter")
        self.source_button.set_options([(s.value, messages.source_text(s)) for s in Source])
        self.tag_button = MultiSelectButton(self.tr("标签"))
        self.tag_button.setObjectName("tagFilter")
        self.region_button = MultiSelectButton(self.tr("区域"))
        self.region_button.setObjectName("regionFilter")
        self.buttons = (self.status_button, self.category_button, self.source_button,
                        self.tag_button, self.region_button)
        self.date_from = _DateEdit()
        self.date_from.setObjectName("receivedFrom")
        self.date_from.setAccessibleName(self.tr("收到日期自"))
        self.date_to = _DateEdit()
        self.date_to.setObjectName("receivedTo")
        self.date_to.setAccessibleName(self.tr("收到日期至"))
        self.clear_button = QToolButton()
        self.clear_button.setObjectName("clearFilters")
        self.clear_button.setText(self.tr("清除筛选"))
        self.clear_button.setToolTip(self.tr("清除全部筛选条件和搜索（Ctrl+Shift+L）"))
        self.clear_button.clicked.connect(self.clear)
        # The cases behind a figure of 统计 (a drill-down): a removable chip that says
        # which figure, ANDed with whatever the user filters further.
        self._drill: QueueFilter | None = None
        self.drill_chip = QFrame()
        self.drill_chip.setObjectName("drillChip")
        self.drill_chip.setFrameShape(QFrame.Shape.StyledPanel)
        self.drill_label = QLabel()
        self.drill_label.setObjectName("drillLabel")
        drill_close = QToolButton()
        drill_close.setObjectName("drillClose")
        drill_close.setText("×")
        drill_close.setToolTip(self.tr("不再只看这些案件"))
        drill_close.setAccessibleName(self.tr("取消统计筛选"))
        drill_close.clicked.connect(self.clear_drill)
        chip_row = QHBoxLayout(self.drill_chip)
        chip_row.setContentsMargins(4, 0, 0, 0)
        chip_row.addWidget(self.drill_label)
        chip_row.addWidget(drill_close)
        self.drill_chip.hide()

        for button in self.buttons:
            button.changed.connect(self._on_filter_changed)
        self.date_from.dateChanged.connect(self._on_filter_changed)
        self.date_to.dateChanged.connect(self._on_filter_changed)

        # The search box with the clear button on one row; the filters below, wrapping
        # onto a second row when the pane is narrow.
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.drill_chip)
        top.addWidget(self.search_box, 1)
        top.addWidget(self.clear_button)
        filters = FlowLayout(spacing=self.fontMetrics().horizontalAdvance("m") // 2)
        for button in self.buttons:
            filters.addWidget(button)
        dates = QWidget()
        date_row = QHBoxLayout(dates)
        date_row.setContentsMargins(0, 0, 0, 0)
        date_row.addWidget(QLabel(self.tr("收到日期")))
        date_row.addWidget(self.date_from)
        date_row.addWidget(QLabel(self.tr("至")))
        date_row.addWidget(self.date_to)
        filters.addWidget(dates)
        layout = QVBoxLayout(self)
        margin = self.fontMetrics().horizontalAdvance("m") // 2
        layout.setContentsMargins(margin, margin, margin, margin)
        layout.addLayout(top)
        layout.addLayout(filters)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self._update_clear_button()

    # ------------------------------------------------------------ state

    def set_options(self, options: FilterOptions) -> None:
        for button, values in ((self.category_button, options.categories),
                               (self.tag_button, options.tags),
                               (self.region_button, options.regions)):
            ticked = button.selected()
            button.set_options([(v, v) for v in values])
            if button.selected() != ticked:  # a ticked value is no longer in use
                self._on_filter_changed()

    def current_filter(self) -> QueueFilter:
        own = self._own_filter()
        return own if self._drill is None else narrowed(self._drill, own)

    def set_drill(self, label: str, drill: QueueFilter) -> None:
        """Show only the cases behind a figure: the other filters and the search are
        cleared (so the list is the figure's), then changed as one."""
        self._drill = drill
        self.drill_label.setText(label)
        self.drill_chip.setToolTip(label)
        self.drill_chip.show()
        self.clear()

    def drill(self) -> QueueFilter | None:
        return self._drill

    def clear_drill(self) -> None:
        if self._drill is None:
            return
        self._drill = None
        self.drill_chip.hide()
        self._on_filter_changed()

    def _own_filter(self) -> QueueFilter:
        return QueueFilter(
            statuses=frozenset(CaseStatus(v) for v in self.status_button.selected()),
            categories=self.category_button.selected(),
            sources=frozenset(Source(v) for v in self.source_button.selected()),
            tags=self.tag_button.selected(),
            regions=self.region_button.selected(),
            received_from=self.date_from.value(),
            received_to=self.date_to.value(),
        )

    def search_text(self) -> str:
        return self.search_box.text().strip()

    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def set_search_enabled(self, enabled: bool, reason: str = "") -> None:
        """Off while the search index is being built, with ``reason`` as the tooltip."""
        self.search_box.setEnabled(enabled)
        self.search_box.setToolTip(self._search_tip if enabled else reason)
        if not enabled:
            self.search_box.setPlaceholderText(reason)
        else:
            self.search_box.setPlaceholderText(self.tr(
                "搜索：姓名、拼音（zs / zhangsan）、电话或尾号、工单号、身份证号、投诉内容"))

    def search(self, text: str) -> None:
        """Put ``text`` in the box and search now (as typing it and pressing Enter)."""
        self.search_box.setText(text)
        self._search_now()

    def clear(self) -> None:
        """Every filter back to 不限 and the search box empty, as one change (a figure's
        drill-down stays: its chip has its own ×)."""
        for widget in (*self.buttons, self.date_from, self.date_to):
            widget.blockSignals(True)
        for button in self.buttons:
            button.clear()
        self.date_from.set_value(None)
        self.date_to.set_value(None)
        for widget in (*self.buttons, self.date_from, self.date_to):
            widget.blockSignals(False)
        self._timer.stop()
        self._last_search = ""  # one query for the whole change, below
        self.search_box.clear()
        self._update_clear_button()
        emit(self.filter_changed, self.current_filter())

    def filters_active(self) -> bool:
        return self._own_filter() != QueueFilter()

    # ------------------------------------------------------------ events

    def _on_text_changed(self, text: str) -> None:
        self._update_clear_button()
        if not text:  # the clear button of the box
            self._search_now()

    def _search_now(self) -> None:
        self._timer.stop()
        text = self.search_text()
        if text != self._last_search:
            self._last_search = text
            emit(self.search_changed, text)

    def _on_filter_changed(self, *_args: object) -> None:
        self._update_clear_button()
        emit(self.filter_changed, self.current_filter())

    def _update_clear_button(self) -> None:
        self.clear_button.setEnabled(self.filters_active() or bool(self.search_box.text()))


def narrowed(base: QueueFilter, more: QueueFilter) -> QueueFilter:
    """Cases matching both: sets intersected where both name some, date ranges cut to
    their overlap, any other field set in ``more`` taken from it."""
    values = {}
    for f in fields(QueueFilter):
        a, b = getattr(base, f.name), getattr(more, f.name)
        if b == f.default or a == b:
            continue
        if a == f.default:
            values[f.name] = b
        elif isinstance(a, frozenset):
            values[f.name] = a & b if f.name != "facts" else a | b
        elif f.name.endswith("_from"):
            values[f.name] = max(a, b)
        elif f.name.endswith("_to"):
            values[f.name] = min(a, b)
        else:
            values[f.name] = b
    return replace(base, **values)


def clear_filters_shortcut() -> QKeySequence:
    return QKeySequence("Ctrl+Shift+L")
