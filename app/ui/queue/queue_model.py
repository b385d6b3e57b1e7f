"""The case table: a QAbstractTableModel over rows loaded by a worker.

This foundation holds one page of rows (newest first); the full queue replaces the row
list with ids plus a lazy, id-keyed row cache and SQL-side sorting. ``data()`` never
reads the database: everything it shows is in the row already.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from enum import IntEnum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from app.core.deadlines import DueStatus
from app.ui import formatting, messages
from app.ui.operations.queue import QueueRow
from app.ui.qtcompat import emit


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
    MEDIATOR = 8


CASE_ID_ROLE = Qt.ItemDataRole.UserRole + 100
DUE_STATUS_ROLE = Qt.ItemDataRole.UserRole + 101  # DueStatus value (a str enum reaches Qt as str)
SORT_ROLE = Qt.ItemDataRole.UserRole + 102

# Calm colours that stay readable on white and on the alternate row colour.
DUE_COLOURS = {
    DueStatus.OVERDUE: QColor("#b42318"),
    DueStatus.DUE_TODAY: QColor("#b54708"),
    DueStatus.DUE_SOON: QColor("#93370d"),
    DueStatus.PAUSED: QColor("#667085"),
}

Index = QModelIndex | QPersistentModelIndex


class QueueModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[QueueRow] = []
        self._bold = QFont()
        self._bold.setBold(True)

    # ------------------------------------------------------------ Qt interface

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if 0 <= section < len(Column):
            return self.column_title(Column(section))
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
            Column.MEDIATOR: self.tr("承办人"),
        }
        return titles[column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        column = Column(index.column())
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
        if role == SORT_ROLE:
            return self._sort_key(row, column)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

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
            case Column.MEDIATOR:
                return s.mediator_name
        return ""

    def _tooltip(self, row: QueueRow, column: Column) -> str | None:
        if column is Column.DEADLINE and row.badge:
            return row.badge.tooltip
        if column is Column.STATUS and row.summary.paused:
            return self.tr("计时已中止")
        if column in (Column.RESPONDENT, Column.COMPLAINANT, Column.CATEGORY):
            return self._text(row, column) or None
        return None

    @staticmethod
    def _sort_key(row: QueueRow, column: Column) -> object:
        s = row.summary
        if column is Column.RECEIVED:
            return s.received_at.timestamp()
        if column is Column.DEADLINE:
            return s.next_deadline_on.toordinal() if s.next_deadline_on else 10**7
        return QueueModel._text(row, column)

    # ------------------------------------------------------------ updates

    def set_rows(self, rows: Iterable[QueueRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> tuple[QueueRow, ...]:
        return tuple(self._rows)

    def row_of(self, case_id: uuid.UUID) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.id == case_id), None)

    def case_id(self, row: int) -> uuid.UUID | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def replace_row(self, row: QueueRow) -> None:
        """Show a changed case in place."""
        i = self.row_of(row.id)
        if i is None:
            return
        self._rows[i] = row
        emit(self.dataChanged, self.index(i, 0), self.index(i, len(Column) - 1))

    def insert_row(self, row: QueueRow) -> None:
        """Add a case where it belongs in newest-first order."""
        received = row.summary.received_at
        i = next((n for n, r in enumerate(self._rows) if r.summary.received_at < received),
                 len(self._rows))
        self.beginInsertRows(QModelIndex(), i, i)
        self._rows.insert(i, row)
        self.endInsertRows()

    def remove_case(self, case_id: uuid.UUID) -> None:
        i = self.row_of(case_id)
        if i is None:
            return
        self.beginRemoveRows(QModelIndex(), i, i)
        del self._rows[i]
        self.endRemoveRows()
