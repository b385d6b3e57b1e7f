"""The case table's view: column widths from the font, SQL sorting by header click, row
selection and the selected case's id.

Rows are chosen several at a time (Ctrl / Shift click, Shift+arrows) for what acts on a
selection (建立群体纠纷…); the case pane shows the current row's case, the one the user
last clicked or moved to."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.queue import QueueFilter, QueueView
from app.ui import text_size
from app.ui.qtcompat import emit
from app.ui.queue.queue_model import CASE_ID_ROLE, Column, QueueModel

# Sample text per column: wide enough for typical content at any font size or scaling.
_WIDTH_SAMPLES = {
    Column.TICKET: "TRANSFER-20260301-0000481",
    Column.RECEIVED: "2026-03-01 09:30",
    Column.COMPLAINANT: "欧阳秀英",
    Column.RESPONDENT: "上海悦动健身管理有限公司",
    Column.CATEGORY: "预付式消费",
    Column.SOURCE: "12315",
    Column.STATUS: "不予受理",
    # A due callback comes first, in bold (queue_model._callback_cell), then the deadline
    # with both its marks: the whole of it fits (it was cut off at 1366 wide).
    Column.DEADLINE: "待回电 昨天 19:57 · 调解：剩 35 个工作日（暂定）（规则未核实）",
    Column.TAGS: "预付式消费、群体性",
    Column.MEDIATOR: "欧阳秀英",
    Column.GROUP: "悦动健身预付卡退费",
}


class EmptyQueue(QFrame):
    """What an empty store's queue shows instead of a blank table: how to start."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("emptyQueue")
        layout = QVBoxLayout(self)
        self.heading = QLabel(self.tr("还没有工单"))
        self.heading.setObjectName("emptyQueueHeading")
        text_size.emphasise(self.heading, 1.3)  # follows a change of 字号 at once
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text = QLabel(self.tr(
            "接到来电或来访时用“新建工单”（Ctrl+N）登记；12315、12345 平台导出的工单表格用"
            "“导入工单”一次导入。\n想先看看效果：“打开演示数据”另开一个窗口，演示工单与本机的"
            "工单分开存放。"))
        self.text.setObjectName("emptyQueueText")
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.new_button = QPushButton(self.tr("新建工单"))
        self.new_button.setObjectName("emptyQueueNewCase")
        self.import_button = QPushButton(self.tr("导入工单…"))
        self.import_button.setObjectName("emptyQueueImport")
        self.demo_button = QPushButton(self.tr("打开演示数据"))
        self.demo_button.setObjectName("emptyQueueDemo")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.demo_button)
        buttons.addStretch(1)
        layout.addStretch(1)
        layout.addWidget(self.heading)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.hide()


class QueueTable(QTableView):
    """Emits ``case_selected`` with the current case's id (None when nothing is
    selected, or while the selected row's page is on its way). An empty store's queue
    says how to start (``new_case_requested`` / ``import_requested`` /
    ``demo_requested``). A right click asks for the selection's menu
    (``menu_requested`` with the global position)."""

    case_selected = Signal(object)
    menu_requested = Signal(QPoint)
    new_case_requested = Signal()
    import_requested = Signal()
    demo_requested = Signal()

    def __init__(self, model: QueueModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("queueView")
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(
            lambda pos: emit(self.menu_requested, self.viewport().mapToGlobal(pos)))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # Per item: with a million rows, pixel scrolling makes the bar too fine to drag.
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        self.setCornerButtonEnabled(False)
        self.setAccessibleName(self.tr("案件列表"))
        self.setTabKeyNavigation(False)  # Tab goes on to the case; arrows move in the list
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setObjectName("queueHeader")
        header.setAccessibleName(self.tr("列标题（点击排序）"))
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        header.setSortIndicatorShown(True)
        header.setMinimumSectionSize(self.fontMetrics().horizontalAdvance("渠道") + 16)
        self.apply_default_widths()
        self._emitted: uuid.UUID | None = None
        self.selectionModel().selectionChanged.connect(self._on_selection_changed)
        # After a reset the window puts the selection back (or says there is none).
        model.modelReset.connect(self._forget)
        model.dataChanged.connect(self._on_data_changed)
        self.empty_state = EmptyQueue(self.viewport())
        self.empty_state.new_button.clicked.connect(self.new_case_requested)
        self.empty_state.import_button.clicked.connect(self.import_requested)
        self.empty_state.demo_button.clicked.connect(self.demo_requested)
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved):
            signal.connect(self.update_empty_state)

    def apply_default_widths(self) -> None:
        fm = self.fontMetrics()
        pad = fm.horizontalAdvance("m") * 2
        self.verticalHeader().setDefaultSectionSize(round(fm.height() * 1.9))
        bold = self.font()
        bold.setBold(True)
        bold_metrics = QFontMetrics(bold)
        for column, sample in _WIDTH_SAMPLES.items():
            metrics = bold_metrics if column is Column.DEADLINE else fm
            self.setColumnWidth(column, metrics.horizontalAdvance(sample) + pad)

    def show_sort(self, column: Column, descending: bool) -> None:
        """Put the header's sort arrow on ``column`` (the model already sorts so)."""
        self.setSortingEnabled(False)
        self.horizontalHeader().setSortIndicator(
            column, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder)
        self.setSortingEnabled(True)

    def queue_model(self) -> QueueModel:
        model = self.model()
        assert isinstance(model, QueueModel)
        return model

    def selected_row(self) -> int | None:
        """The row the case pane follows: the current row while it is selected, else
        the first selected (a Ctrl-click took the current one out)."""
        selection = self.selectionModel()
        current = selection.currentIndex()
        if current.isValid() and selection.isRowSelected(current.row(), QModelIndex()):
            return current.row()
        rows = selection.selectedRows()
        return min(r.row() for r in rows) if rows else None

    def selected_case_id(self) -> uuid.UUID | None:
        row = self.selected_row()
        return self.model().index(row, 0).data(CASE_ID_ROLE) if row is not None else None

    def selected_case_ids(self) -> list[uuid.UUID]:
        """Every selected case whose row is loaded, in the list's order."""
        model = self.queue_model()
        rows = sorted(r.row() for r in self.selectionModel().selectedRows())
        return [case_id for r in rows if (case_id := model.case_id(r)) is not None]

    def selected_tickets(self) -> dict[uuid.UUID, str]:
        """The selected cases' tickets, by id (to name them in a message)."""
        model = self.queue_model()
        out = {}
        for index in self.selectionModel().selectedRows():
            case_id = model.case_id(index.row())
            if case_id is not None:
                out[case_id] = model.index(index.row(), Column.TICKET).data() or ""
        return out

    def select_case(self, case_id: uuid.UUID | None) -> bool:
        row = self.queue_model().row_of(case_id)
        if row is None:
            return False
        self.select_row(row)
        return True

    def select_row(self, row: int) -> None:
        """This row alone (selectRow would toggle it while Ctrl is held: Ctrl+J)."""
        if 0 <= row < self.queue_model().rowCount():
            index = self.model().index(row, 0)
            flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect
                     | QItemSelectionModel.SelectionFlag.Rows)
            self.selectionModel().setCurrentIndex(index, flags)
            self.scrollTo(index)

    def step(self, delta: int) -> None:
        """Select the next (+1) or previous (-1) case."""
        current = self.selected_row()
        count = self.queue_model().rowCount()
        if count == 0:
            return
        target = 0 if current is None else min(max(current + delta, 0), count - 1)
        self.select_row(target)

    def update_empty_state(self, *_args: object) -> None:
        """Shown when the whole queue, unfiltered and unsearched, has no case."""
        model = self.queue_model()
        query = model.query
        empty = (model.rowCount() == 0 and query is not None and not query.search
                 and query.filter == QueueFilter() and query.view is QueueView.ALL)
        self.empty_state.setVisible(empty)
        if empty:
            self._place_empty_state()

    def _place_empty_state(self) -> None:
        self.empty_state.setGeometry(self.viewport().rect())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_empty_state()

    def _forget(self) -> None:
        self._emitted = None

    def _announce(self) -> None:
        case_id = self.selected_case_id()
        if case_id != self._emitted:
            self._emitted = case_id
            emit(self.case_selected, case_id)

    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._announce()

    def _on_data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex,
                         _roles: list[int] | None = None) -> None:
        row = self.selected_row()
        if row is not None and top_left.row() <= row <= bottom_right.row():
            self._announce()  # the selected row's page arrived
