"""Read-only lists of rows in a dialog (warnings, group disputes): one row per thing,
chosen whole, its id kept on the first cell."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

ID_ROLE = Qt.ItemDataRole.UserRole + 100


def row_item(text: str, value: object = None) -> QTableWidgetItem:
    """A cell to read and select, its whole text in the tooltip; ``value``: the row's id."""
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    item.setToolTip(text)
    if value is not None:
        item.setData(ID_ROLE, value)
    return item


def row_table(name: str, columns: list[str] | tuple[str, ...], stretch: int) -> QTableWidget:
    """A table chosen a row at a time; column ``stretch`` takes the room left. Tab goes
    on past it (the arrows move inside)."""
    table = QTableWidget(0, len(columns))
    table.setObjectName(name)
    table.setTabKeyNavigation(False)
    table.setHorizontalHeaderLabels(list(columns))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table
