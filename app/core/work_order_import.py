"""Reading work orders exported by the 12315 and 12345 platforms (issue 15): which column
is which from its Chinese header, where the header row is under the title rows above
it, and each cell's value as the store wants it.

Real exports are messy: a title and a date range above the header, headers with stray
spaces or a trailing ``*``, Excel date serials beside text dates in several formats,
full-width digits, HTML fragments in the text, and 18-digit ID numbers that Excel kept as
numbers (rounded past 15 digits: such a value is refused, never stored). This module
is pure: the file readers and the import service use it.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum


class ImportField(StrEnum):
    """What a column holds, in the order the mapping form offers them."""

    TICKET = "ticket"
    RECEIVED_AT = "received_at"
    COMPLAINANT = "complainant"
    PHONE = "phone"
    ID_NUMBER = "id_number"
    ADDRESS = "address"
    RESPONDENT = "respondent"
    CONTENT = "content"
    REQUEST = "request"
    CATEGORY = "category"
    REGION = "region"
    CHANNEL = "channel"


class ValueProblem(StrEnum):
    BAD_DATE = "bad_date"  # not a date any export writes
    ROUNDED = "rounded"  # a long number (ID, ticket) Excel kept as a number: digits lost
    BAD_NUMBER = "bad_number"
    DUPLICATE = "duplicate"  # the same ticket earlier in the same file
    # What intake refuses or an import drops (app/services/work_order_import.py):
    MISSING = "missing"  # intake needs it (a complaint's phone, respondent, description …)
    BAD_PHONE = "bad_phone"  # not a mobile, landline or 400/800 number
    BAD_ID = "bad_id"  # an ID number whose check digit or birth date is wrong: dropped
    TOO_LONG = "too_long"
    IN_FUTURE = "in_future"  # received after now: a wrong date
    UNKNOWN_CHANNEL = "unknown_channel"  # a 来源渠道 no source matches: the file's is used
    INVALID = "invalid"  # refused by intake for another reason


class ImportValueError(ValueError):
    def __init__(self, problem: ValueProblem, value: object) -> None:
        super().__init__(f"{problem.value}: {value!r}")
        self.problem, self.value = problem, value


# The headers each platform's exports use, most specific first.
ALIASES: Mapping[ImportField, tuple[str, ...]] = {
    ImportField.TICKET: ("工单编号", "工单号", "投诉编号", "诉求编号", "编号"),
    ImportField.RECEIVED_AT: ("来电时间", "受理时间", "登记时间", "投诉时间", "来电日期",
                              "诉求时间", "接收时间"),
    ImportField.COMPLAINANT: ("诉求人", "投诉人", "来电人", "反映人", "投诉人姓名", "姓名"),
    ImportField.PHONE: ("联系电话", "来电号码", "手机号码", "联系方式", "电话"),
    ImportField.ID_NUMBER: ("身份证号码", "身份证号", "证件号码"),
    ImportField.ADDRESS: ("联系地址", "投诉人地址", "通讯地址", "地址"),
    ImportField.RESPONDENT: ("被投诉单位", "被诉主体", "被投诉人", "被反映单位", "涉事企业",
                             "被投诉方"),
    ImportField.CONTENT: ("诉求内容", "投诉内容", "反映内容", "问题描述", "来电内容"),
    ImportField.REQUEST: ("诉求", "投诉请求", "诉求要求"),
    ImportField.CATEGORY: ("问题分类", "诉求分类", "投诉分类", "类别"),
    ImportField.REGION: ("所属街镇", "街镇", "所属区域", "属地"),
    ImportField.CHANNEL: ("来源渠道", "渠道", "来源"),
}

_HTML_TAG = re.compile(r"<[^>]{0,200}>")


_HALFWIDTH = {code: code - 0xFEE0 for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B),
                                                *range(0xFF41, 0xFF5B))}
_HALFWIDTH[0x3000] = 0x20  # the ideographic space
# Found first: translate looks every character up in the table, ten times the cost of
# this search, and most cells have nothing to translate.
_HAS_FULLWIDTH = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_HALFWIDTH)) + "]")


def to_halfwidth(text: str) -> str:
    """Full-width digits, letters and punctuation of ASCII to their plain forms (the
    Chinese full-width punctuation of prose stays as it is)."""
    return text.translate(_HALFWIDTH) if _HAS_FULLWIDTH.search(text) else text


def clean_text(value: object) -> str:
    """A cell as text: no HTML tags or entities, plain digits and letters, one space for
    any run of white space, nothing at either end."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if "<" in text or "&" in text:
        text = html.unescape(_HTML_TAG.sub(" ", text))
    return " ".join(to_halfwidth(text).split())  # what \s+ matches, found in C


def normalise_header(text: object) -> str:
    """A header as compared: no spaces, no ``*`` or colon marks, NFKC."""
    plain = unicodedata.normalize("NFKC", clean_text(text))
    return re.sub(r"[\s*:：（）()]", "", plain)


def guess_mapping(headers: Sequence[object]) -> dict[int, ImportField]:
    """Column index → field, by the headers: an exact alias first, then a header that
    contains one (工单编号（12345）). Each field once, each column once."""
    names = [normalise_header(h) for h in headers]
    found: dict[int, ImportField] = {}
    taken: set[ImportField] = set()
    for exact in (True, False):
        for field, aliases in ALIASES.items():
            if field in taken:
                continue
            for alias in aliases:
                column = next((i for i, n in enumerate(names) if i not in found and n and (
                    n == alias if exact else alias in n)), None)
                if column is not None:
                    found[column] = field
                    taken.add(field)
                    break
    return dict(sorted(found.items()))


def find_header_row(rows: Iterable[Sequence[object]], scan: int = 15) -> int | None:
    """The index of the row that names the most fields (the title and date-range rows an
    export puts above it name none); None when no row names two."""
    best, best_count = None, 1
    for index, row in enumerate(rows):
        if index >= scan:
            break
        count = len(guess_mapping(row))
        if count > best_count:
            best, best_count = index, count
    return best


# Excel's serial day 0 (the 1900 system, after its phantom 1900-02-29).
_EXCEL_EPOCH = datetime(1899, 12, 30)
_DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]+(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2})(?:\.\d+)?秒?)?)?$")


def parse_received(value: object) -> datetime:
    """When a work order came in, as the export wrote it, in China time (naive): a date or
    datetime cell, an Excel serial (46086.38), or text — 2026/3/5 9:07,
    2026-03-05 09:07:00, 2026年3月5日, full-width digits. ImportValueError otherwise."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000 <= value <= 80000:  # 1954 … 2119: a plausible serial day
            return _EXCEL_EPOCH + timedelta(days=float(value))
        raise ImportValueError(ValueProblem.BAD_DATE, value)
    text = clean_text(value)
    match = _DATE_TEXT.match(text)
    if not match:
        raise ImportValueError(ValueProblem.BAD_DATE, value)
    y, mo, d, h, mi, s = (int(g) if g else 0 for g in match.groups())
    try:
        return datetime(y, mo, d, h, mi, s)
    except ValueError:
        raise ImportValueError(ValueProblem.BAD_DATE, value) from None


def id_number(value: object) -> str:
    """An ID number as written. A number cell is refused: Excel keeps 15 significant
    digits, so an 18-digit ID stored as a number has lost its last ones, and a rounded
    ID must never be stored."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ImportValueError(ValueProblem.ROUNDED, value)
    return clean_text(value).replace(" ", "").upper()


def ticket_text(value: object) -> str:
    """A work order's number as written; one of more than 15 digits kept as a number has
    lost its last digits (and would match another ticket): refused."""
    if isinstance(value, float | int) and not isinstance(value, bool) and abs(value) >= 1e15:
        raise ImportValueError(ValueProblem.ROUNDED, value)
    return clean_text(value).replace(" ", "")


def phone_text(value: object) -> str:
    """A phone as text: a number cell (13812345678.0) loses nothing below 15 digits."""
    if isinstance(value, float):
        if not value.is_integer():
            raise ImportValueError(ValueProblem.BAD_NUMBER, value)
        value = int(value)
    return clean_text(value)


@dataclass(frozen=True)
class RowProblem:
    row: int  # the sheet's row number as a spreadsheet shows it (from 1)
    field: ImportField | None  # None: the row as a whole
    problem: ValueProblem


@dataclass(frozen=True)
class ConvertedRow:
    row: int
    values: dict[ImportField, object]  # what can be stored; a refused value is left out
    problems: tuple[RowProblem, ...]


def row_ticket(cells: Sequence[object], mapping: Mapping[int, ImportField]) -> str:
    """The row's ticket as the import stores it ("" when it has none or it is refused)."""
    column = next((c for c, f in mapping.items() if f is ImportField.TICKET), None)
    if column is None or column >= len(cells) or cells[column] is None:
        return ""
    try:
        return ticket_text(cells[column])
    except ImportValueError:
        return ""


def file_tickets(rows: Sequence[Sequence[object]], header: int,
                 mapping: Mapping[int, ImportField]) -> tuple[frozenset[str], frozenset[int]]:
    """The file's tickets, and the indices of rows whose ticket an earlier row has
    already: each of those is reported and imported without it, never as a second
    copy. Known before the rows are converted, so they can be converted a chunk at a
    time, anywhere."""
    seen: set[str] = set()
    repeated = set()
    for index in range(header + 1, len(rows)):
        ticket = row_ticket(rows[index], mapping)
        if ticket:
            if ticket in seen:
                repeated.add(index)
            seen.add(ticket)
    return frozenset(seen), frozenset(repeated)


def repeated_tickets(rows: Sequence[Sequence[object]], header: int,
                     mapping: Mapping[int, ImportField]) -> frozenset[int]:
    """The indices of rows whose ticket an earlier row has (``file_tickets``)."""
    return file_tickets(rows, header, mapping)[1]


def convert_rows(rows: Sequence[Sequence[object]], header: int,
                 mapping: Mapping[int, ImportField], *,
                 repeated: frozenset[int] | None = None, offset: int = 0) -> list[ConvertedRow]:
    """The rows under the header as values, each problem named by row and column; blank
    rows skipped; a ticket seen earlier in the same file (``repeated``, else found here)
    is reported, not repeated. A chunk of a sheet is converted with ``header=-1`` and
    ``offset`` its first row's index in the sheet (rows are numbered as the sheet's)."""
    out: list[ConvertedRow] = []
    if repeated is None:
        repeated = repeated_tickets(rows, header, mapping)
    for at in range(header + 1, len(rows)):
        index = offset + at
        cells = rows[at]
        if not any(clean_text(c) for c in cells):
            continue  # a blank row between blocks
        number = index + 1
        values: dict[ImportField, object] = {}
        problems: list[RowProblem] = []
        for column, field in mapping.items():
            cell = cells[column] if column < len(cells) else None
            if cell is None or clean_text(cell) == "":
                continue
            try:
                values[field] = _value(field, cell)
            except ImportValueError as exc:
                problems.append(RowProblem(number, field, exc.problem))
        if index in repeated and values.get(ImportField.TICKET):
            problems.append(RowProblem(number, ImportField.TICKET, ValueProblem.DUPLICATE))
            values.pop(ImportField.TICKET)
        out.append(ConvertedRow(number, values, tuple(problems)))
    return out


def _value(field: ImportField, cell: object) -> object:
    if field is ImportField.RECEIVED_AT:
        return parse_received(cell)
    if field is ImportField.ID_NUMBER:
        return id_number(cell)
    if field is ImportField.TICKET:
        return ticket_text(cell)
    if field is ImportField.PHONE:
        return phone_text(cell)
    return clean_text(cell)
