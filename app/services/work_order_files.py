"""Opening a platform's export as sheets of cells (issue 15): .xlsx and .xls with calamine,
which also reads what formatting tells (a merged title, a hidden sheet); .csv in UTF-8
or GB18030. A merged range reads as its first cell's value in every cell it
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
    if not zipfile.is_zipfile(path):
        raise WorkOrderFileError(FileProblem.UNREADABLE, path, "not a zip package")
    return _calamine(path)


def _xls(path: Path) -> list[Sheet]:
    return _calamine(path)


def _calamine(path: Path) -> list[Sheet]:
    """Every sheet by calamine (Rust): the values, merged ranges and visibility the
    wizard needs, at about ten times openpyxl's speed on a 100,000-row export
    (bench/import.py). A merged range reads as its first cell in every cell it covers."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        sheets = []
        for meta in book.sheets_metadata:
            if "chart" in str(meta.typ).lower():
                continue
            data = book.get_sheet_by_name(meta.name)
            rows = [[None if c == "" else c for c in r]
                    for r in data.to_python(skip_empty_area=False)]
            for (r0, c0), (r1, c1) in data.merged_cell_ranges or ():
                if r0 >= len(rows) or c0 >= len(rows[r0]):
                    continue
                first = rows[r0][c0]
                for r in range(r0, min(r1 + 1, len(rows))):
                    for c in range(c0, min(c1 + 1, len(rows[r]))):
                        rows[r][c] = first
            hidden = str(meta.visible).lower().endswith(("hidden", "veryhidden"))
            sheets.append(Sheet(meta.name, hidden, rows))
    except WorkOrderFileError:
        raise
    except Exception as exc:  # calamine raises its own kinds for damaged files
        raise WorkOrderFileError(FileProblem.UNREADABLE, path, str(exc)[:80]) from exc
    return sheets
