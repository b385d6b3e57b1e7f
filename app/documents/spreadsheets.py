"""Workbooks an office hands on (issue 15): the case list, the daily and weekly tables,
the import report. Each sheet has a bold, frozen header row with a filter, Chinese
column names, widths that fit Chinese text, and money and dates as real cell values
(so a supervisor can sum and sort them in Excel or WPS).

Written with openpyxl's write-only mode: rows stream to disk, so a list of a hundred
thousand cases never sits in memory as cell objects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.core.timeutil import CHINA_TZ, as_aware
from app.documents.files import replaced_whole


@dataclass(frozen=True)
class Column:
    title: str
    width: float = 12  # in characters of the default font; a CJK character counts ~2
    money: bool = False  # a value in fen, shown as yuan with two decimals
    percent: bool = False  # a ratio 0..1 shown as a percentage
    wrap: bool = False  # long text (a problem's words) wraps within the column


@dataclass
class Table:
    title: str  # the sheet's name (≤ 31 characters, no []:*?/\)
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    # Lines above the header (a report's title and period); the header is frozen under them.
    heading: Sequence[str] = field(default_factory=tuple)


_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


def sheet_name(text: str) -> str:
    return text.translate(_FORBIDDEN)[:31] or "Sheet"


def _cell_value(value: Any, column: Column) -> Any:
    if value is None:
        return None
    if column.money and isinstance(value, int):
        return Decimal(value) / 100
    if isinstance(value, datetime):
        # Excel has no time zones: the China wall-clock time the office reads.
        return as_aware(value).astimezone(CHINA_TZ).replace(tzinfo=None)
    return value


def write_workbook(path: Path, tables: Sequence[Table], *,
                   on_row: Callable[[int], None] | None = None, every: int = 1000) -> int:
    """Write ``tables`` to ``path`` (replaced whole: a half-written file never stands
    under the name). Returns how many data rows were written. ``on_row`` is called every
    ``every`` rows with the count so far (progress; it may raise to cancel)."""
    from openpyxl import Workbook  # a large import, needed only when writing

    workbook = Workbook(write_only=True)
    try:
        written = _write_tables(workbook, tables, on_row, every)
    except BaseException:
        for sheet in workbook.worksheets:  # finish the temporary files before they go
            sheet.close()
        raise
    with replaced_whole(path) as partial:
        workbook.save(partial)
    return written


def _write_tables(workbook, tables: Sequence[Table], on_row, every: int) -> int:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE5F0")
    wrap = Alignment(vertical="center", wrap_text=True)
    wrap_top = Alignment(vertical="top", wrap_text=True)
    written = 0
    for table in tables:
        sheet = workbook.create_sheet(sheet_name(table.title))
        for index, column in enumerate(table.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        header_row = len(table.heading) + 1
        sheet.freeze_panes = f"A{header_row + 1}"
        last = get_column_letter(max(1, len(table.columns)))
        for line in table.heading:
            cell = WriteOnlyCell(sheet, value=line)
            cell.font = Font(bold=line == table.heading[0], size=14 if line == table.heading[0]
                             else 11)
            sheet.append([cell])
        header = []
        for column in table.columns:
            cell = WriteOnlyCell(sheet, value=column.title)
            cell.font, cell.fill, cell.alignment = bold, fill, wrap
            header.append(cell)
        sheet.append(header)
        formats = [_number_format(c) for c in table.columns]
        count = 0
        for row in table.rows:
            cells = []
            for value, column, fmt in zip(row, table.columns, formats, strict=False):
                value = _cell_value(value, column)
                if fmt and value is not None:
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = fmt
                    cells.append(cell)
                elif column.wrap and value is not None:
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.alignment = wrap_top
                    cells.append(cell)
                elif isinstance(value, datetime | date):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = ("yyyy-mm-dd hh:mm" if isinstance(value, datetime)
                                          else "yyyy-mm-dd")
                    cells.append(cell)
                else:
                    cells.append(value)
            sheet.append(cells)
            count += 1
            if on_row and count % every == 0:
                on_row(written + count)
        written += count
        if count:
            sheet.auto_filter.ref = f"A{header_row}:{last}{header_row + count}"
    return written


def _number_format(column: Column) -> str:
    if column.money:
        return "#,##0.00"
    if column.percent:
        return "0.0%"
    return ""
