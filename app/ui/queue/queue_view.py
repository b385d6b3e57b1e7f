"""The case table's view: column widths from the font, row selection, the selected id."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QFrame, QHeaderView, QTableView, QWidget

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
    Column.DEADLINE: "已超期 12 个工作日（暂定）",
    Column.MEDIATOR: "欧阳秀英",
}


class QueueView(QTableView):
    """Emits ``case_selected`` with the selected case's id (None when nothing is)."""

    case_selected = Signal(object)

    def __init__(self, model: QueueModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("queueView")
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setCornerButtonEnabled(False)
        self.setAccessibleName(self.tr("案件列表"))
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(self.fontMetrics().horizontalAdvance("渠道") + 16)
        self.apply_default_widths()
        self.selectionModel().selectionChanged.connect(self._on_selection_changed)
        model.modelReset.connect(lambda: emit(self.case_selected, None))

    def apply_default_widths(self) -> None:
        fm = self.fontMetrics()
        pad = fm.horizontalAdvance("m") * 2
        self.verticalHeader().setDefaultSectionSize(round(fm.height() * 1.9))
        for column, sample in _WIDTH_SAMPLES.items():
            self.setColumnWidth(column, fm.horizontalAdvance(sample) + pad)

    def queue_model(self) -> QueueModel:
        model = self.model()
        assert isinstance(model, QueueModel)
        return model

    def selected_case_id(self) -> uuid.UUID | None:
        rows = self.selectionModel().selectedRows()
        return rows[0].data(CASE_ID_ROLE) if rows else None

    def select_case(self, case_id: uuid.UUID | None) -> bool:
        row = self.queue_model().row_of(case_id) if case_id else None
        if row is None:
            return False
        self.selectRow(row)
        self.scrollTo(self.model().index(row, 0))
        return True

    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        emit(self.case_selected, self.selected_case_id())
