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
from app.documents.spreadsheets import Column, Table, write_workbook
from app.services import work_order_words
from app.services.work_order_import import ReportRow

_WIDTHS = (8, 18, 14, 60)


def write_report(report: Iterable[ReportRow], out: Path | str, *,
                 field_words: Callable[[ImportField | None], str] = work_order_words.field_words,
                 problem_words: Callable[[ValueProblem], str] = work_order_words.problem_words,
                 headers: tuple[str, str, str, str] = work_order_words.REPORT_HEADERS,
                 imported_anyway: str = work_order_words.ROW_IMPORTED_ANYWAY) -> int:
    """Write the report; returns the number of lines of problems written."""
    def words(item: ReportRow) -> str:
        said = problem_words(item.problem)
        return said if item.blocking else said + imported_anyway

    rows = [(item.row, item.column, field_words(item.field), words(item))
            for item in sorted(report, key=lambda r: (r.row, r.column))]
    columns = [Column(title, width, wrap=index == 3)
               for index, (title, width) in enumerate(zip(headers, _WIDTHS, strict=True))]
    return write_workbook(Path(out), [Table("导入问题", columns, rows)])
