"""The report of an import's problems as an .xlsx workbook (issue 15): one line per
problem — 行号, 列, 字段, 问题 — the header frozen, the columns wide enough to read.

The words come from app/services/work_order_words.py unless the caller gives its own
(the wizard passes its translated ones), so the command line writes the same report
without Qt.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from app.core.work_order_import import ImportField, ValueProblem
from app.services import work_order_words
from app.services.work_order_import import ReportRow

_WIDTHS = (8, 18, 14, 60)


def write_report(report: Iterable[ReportRow], out: Path | str, *,
                 field_words: Callable[[ImportField | None], str] = work_order_words.field_words,
                 problem_words: Callable[[ValueProblem], str] = work_order_words.problem_words,
                 headers: tuple[str, str, str, str] = work_order_words.REPORT_HEADERS,
                 imported_anyway: str = work_order_words.ROW_IMPORTED_ANYWAY) -> int:
    """Write the report; returns the number of lines of problems written."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = "导入问题"
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE4EE")
    count = 0
    for item in sorted(report, key=lambda r: (r.row, r.column)):
        words = problem_words(item.problem)
        if not item.blocking:
            words += imported_anyway
        sheet.append([item.row, item.column, field_words(item.field), words])
        count += 1
    for index, width in enumerate(_WIDTHS, start=1):
        sheet.column_dimensions[chr(64 + index)].width = width
    for row in sheet.iter_rows(min_row=2, min_col=4, max_col=4):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:D{count + 1}"
    book.save(Path(out))
    return count
