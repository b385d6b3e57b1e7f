"""Opening a platform's export as sheets of cells (issue 15): .xlsx with openpyxl, which
reads what formatting tells (a merged title, a hidden sheet); .xls with calamine; .csv
in UTF-8 or GB18030. A merged range reads as its first cell's value in every cell it
covers. What is wrong with a file is said in a FileProblem, never a traceback.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from app.core.errors import UserFacingError

MAX_BYTES = 200 * 1024 * 1024  # a year of a district's orders is far less


class FileProblem(StrEnum):
    MISSING = "missing"
    TOO_LARGE = "too_large"
    NOT_A_TABLE = "not_a_table"  # not a kind of file the platforms export
    UNREADABLE = "unreadable"  # damaged, or protected by a password
    ENCODING = "encoding"  # a .csv neither UTF-8 nor GB18030
    EMPTY = "empty"


class WorkOrderFileError(UserFacingError):
    def __init__(self, problem: FileProblem, path: Path, detail: str = "") -> None:
        super().__init__(f"{problem.value}: {path.name} {detail}".strip())
        self.problem, self.path, self.detail = problem, path, detail


@dataclass(frozen=True)
class Sheet:
    name: str
    hidden: bool  # a platform's export often hides a sheet of codes
    rows: list[list[object]]


def read_sheets(path: Path) -> list[Sheet]:
    """Every sheet of the file, hidden ones marked; cells as the file holds them
    (datetime, float, str, None)."""
    path = Path(path)
    if not path.is_file():
        raise WorkOrderFileError(FileProblem.MISSING, path)
    if path.stat().st_size > MAX_BYTES:
        raise WorkOrderFileError(FileProblem.TOO_LARGE, path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        sheets = [_csv(path)]
    elif suffix in (".xlsx", ".xlsm"):
        sheets = _xlsx(path)
    elif suffix == ".xls":
        sheets = _xls(path)
    else:
        raise WorkOrderFileError(FileProblem.NOT_A_TABLE, path)
    if not any(any(c not in (None, "") for c in row) for s in sheets for row in s.rows):
        raise WorkOrderFileError(FileProblem.EMPTY, path)
    return sheets


def _csv(path: Path) -> Sheet:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise WorkOrderFileError(FileProblem.ENCODING, path)
    if "\x00" in text:
        raise WorkOrderFileError(FileProblem.NOT_A_TABLE, path)
    rows = [list(r) for r in csv.reader(io.StringIO(text))]
    return Sheet(path.stem, False, [[c or None for c in r] for r in rows])


def _xlsx(path: Path) -> list[Sheet]:
    from openpyxl import load_workbook  # a large import, needed only here

    try:
        book = load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise WorkOrderFileError(FileProblem.UNREADABLE, path, str(exc)[:80]) from exc
    sheets = []
    for ws in book.worksheets:
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        for merged in ws.merged_cells.ranges:
            first = ws.cell(merged.min_row, merged.min_col).value
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    if r - 1 < len(rows) and c - 1 < len(rows[r - 1]):
                        rows[r - 1][c - 1] = first
        sheets.append(Sheet(ws.title, ws.sheet_state != "visible", rows))
    book.close()
    return sheets


def _xls(path: Path) -> list[Sheet]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        sheets = []
        for meta in book.sheets_metadata:
            rows = book.get_sheet_by_name(meta.name).to_python()
            hidden = str(getattr(meta, "visible", "visible")).lower().endswith(
                ("hidden", "veryhidden"))
            sheets.append(Sheet(meta.name, hidden, [list(r) for r in rows]))
    except Exception as exc:  # calamine raises its own kinds for damaged files
        raise WorkOrderFileError(FileProblem.UNREADABLE, path, str(exc)[:80]) from exc
    return sheets
