"""One row of a work-order export at a time (issue 15, item 1): the options and layout
an import runs with, a row as intake would take it (``check_row``) with its report, and
the work done for every row of a big file in worker processes (``check_chunk`` for the
report, ``build_chunk`` for the rows written) — pure Python, which one process would do
one row after another on one core (app.core.parallel).

app.services.work_order_import runs the import as a whole: the file, the layout, the
store and its transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from app.core import validation
from app.core.hot_words import Segmenter, default_segmenter
from app.core.parties import IdType, PartyRole, PartyType
from app.core.timeutil import CHINA_TZ
from app.core.work_order_import import (
    ConvertedRow,
    ImportField,
    RowProblem,
    ValueProblem,
    convert_rows,
)
from app.core.workflow import CaseKind, Source, Track
from app.services.bulk_intake import BuiltCases, build_case
from app.services.cases import CheckedIntake, IntakeBasis, check_intake, new_case_rows
from app.services.context import Actor, Workstation
from app.services.dto import IntakeForm, PartyInput
from app.services.errors import FieldProblem
from app.services.search import search_document
from app.services.warnings import KeywordHits
from app.store.models import Office


class ImportMode(StrEnum):
    WHOLE_FILE = "whole_file"  # nothing is imported when any row cannot be
    VALID_ROWS = "valid_rows"  # the rows that can be, the others reported


@dataclass(frozen=True)
class SheetLayout:
    sheet: str
    header_row: int  # 0-based index of the header in the sheet's rows
    headers: tuple[str, ...]  # as the file writes them, cleaned
    mapping: Mapping[int, ImportField]  # column index → field
    mapping_name: str = ""  # the saved mapping used, if one was

    def column_of(self, field: ImportField) -> int | None:
        return next((c for c, f in self.mapping.items() if f is field), None)


@dataclass(frozen=True)
class ImportOptions:
    source: Source = Source.HOTLINE_12315  # the file's channel; a 来源渠道 column overrides
    track: Track | None = None  # None: 12315 → market complaint, else the office's default
    kind: CaseKind = CaseKind.COMPLAINT
    mode: ImportMode = ImportMode.WHOLE_FILE
    # New cases against one respondent (credit code, else name) that make or join a
    # group dispute (群体性纠纷) when there are this many; 0: none (issue 17).
    group_threshold: int = 0

    def track_for(self, ws: Workstation) -> Track:
        """12315 orders are market-regulation complaints; another channel's follow the
        track the user chose, else the office's usual one."""
        if self.track is not None:
            return self.track
        if self.source == Source.HOTLINE_12315:
            return Track.MARKET_COMPLAINT
        with ws.store.unit_of_work() as session:
            office = session.get(Office, ws.actor.office_id)
            try:
                return Track(office.default_track) if office else Track.MARKET_COMPLAINT
            except ValueError:
                return Track.MARKET_COMPLAINT


@dataclass(frozen=True, slots=True)
class ReportRow:
    row: int  # as the spreadsheet numbers it
    column: str  # the column's header ("" for the row as a whole)
    field: ImportField | None
    problem: ValueProblem
    blocking: bool  # the row is not imported (else the value was dropped or replaced)


class RowKey(NamedTuple):
    """What the writer decides on for a row that can be imported: whether its ticket
    is in the store, and what it may be linked to as 多头诉求."""

    ticket: str  # "" when the row has none (a walk-in) or it was a repeat
    phone: str
    business: str
    received_at: datetime
    # What a re-import compares (tracked_values, in TRACKED_FIELDS' order: a tuple holds
    # a re-import's 100,000 in 25 MB less than dicts), kept for a ticket the store had
    # when the file was checked (None for the others: a first import keeps none).
    tracked: tuple[str, ...] | None


class PreparedRow(NamedTuple):
    # A tuple: the workers send back 100,000 of them, which unpickle five times faster
    # than as slotted dataclasses.
    row: int
    problems: tuple[ReportRow, ...]
    key: RowKey | None  # None: the row cannot be imported
    checked: CheckedIntake | None = None  # kept only for a preview

    @property
    def ok(self) -> bool:
        return self.key is not None


# Intake's field names → the column they come from.
_INTAKE_FIELD = {
    "source_ticket": ImportField.TICKET, "description": ImportField.CONTENT,
    "title": ImportField.CONTENT, "request": ImportField.REQUEST,
    "category": ImportField.CATEGORY, "region": ImportField.REGION,
    "received_at": ImportField.RECEIVED_AT, "complainant.name": ImportField.COMPLAINANT,
    "complainant.phone": ImportField.PHONE, "complainant.address": ImportField.ADDRESS,
    "complainant.id_number": ImportField.ID_NUMBER, "respondent.name": ImportField.RESPONDENT,
}


_FIELD_PROBLEM = {
    FieldProblem.REQUIRED: ValueProblem.MISSING, FieldProblem.INVALID_PHONE: ValueProblem.BAD_PHONE,
    FieldProblem.INVALID_ID: ValueProblem.BAD_ID, FieldProblem.TOO_LONG: ValueProblem.TOO_LONG,
    FieldProblem.INVALID_DATE: ValueProblem.BAD_DATE,
}

# Problems that drop a value but keep the row.
_NOT_BLOCKING = {(ImportField.ID_NUMBER, ValueProblem.ROUNDED),
                 (ImportField.ID_NUMBER, ValueProblem.BAD_ID),
                 (ImportField.CHANNEL, ValueProblem.UNKNOWN_CHANNEL)}

# How the 来源渠道 column names each channel.
_CHANNEL_WORDS: tuple[tuple[str, Source], ...] = (
    ("12315", Source.HOTLINE_12315), ("12345", Source.HOTLINE_12345),
    ("市场监管", Source.HOTLINE_12315), ("市民热线", Source.HOTLINE_12345),
    ("政务服务", Source.HOTLINE_12345), ("来访", Source.WALK_IN), ("现场", Source.WALK_IN),
    ("窗口", Source.WALK_IN), ("电话", Source.PHONE), ("来电", Source.PHONE),
    ("网络", Source.ONLINE), ("网上", Source.ONLINE), ("网站", Source.ONLINE),
    ("微信", Source.ONLINE), ("小程序", Source.ONLINE), ("在线", Source.ONLINE),
    ("转办", Source.TRANSFER), ("转交", Source.TRANSFER), ("移送", Source.TRANSFER),
)


def source_of_channel(text: str) -> Source | None:
    """The source a 来源渠道 cell names (12315平台, 12345市民热线, 来电, 微信 …)."""
    text = text.strip()
    try:
        return Source(text)
    except ValueError:
        pass
    return next((source for word, source in _CHANNEL_WORDS if word in text), None)


def report_row(current: SheetLayout, problem: RowProblem | tuple[int, ImportField | None,
            ValueProblem], blocking: bool | None = None) -> ReportRow:
    row, fld, what = ((problem.row, problem.field, problem.problem)
                      if isinstance(problem, RowProblem) else problem)
    column = current.column_of(fld) if fld is not None else None
    header = current.headers[column] if column is not None else ""
    if blocking is None:
        blocking = (fld, what) not in _NOT_BLOCKING
    return ReportRow(row, header, fld, what, blocking)


def check_row(row: ConvertedRow, current: SheetLayout, options: ImportOptions, track: Track,
              now: datetime) -> tuple[CheckedIntake | None, tuple[ReportRow, ...]]:
    """A converted row as intake would take it (None when it cannot be imported) and
    what is wrong with it."""
    problems = [report_row(current, p) for p in row.problems]
    v = row.values

    def text(fld: ImportField) -> str:
        value = v.get(fld)
        return value if isinstance(value, str) else ""

    source = options.source
    if text(ImportField.CHANNEL):
        found = source_of_channel(text(ImportField.CHANNEL))
        if found is None:
            problems.append(report_row(current, (row.row, ImportField.CHANNEL,
                                              ValueProblem.UNKNOWN_CHANNEL)))
        else:
            source = found
    id_number = text(ImportField.ID_NUMBER)
    if id_number and not validation.check_resident_id(id_number).valid:
        problems.append(report_row(current, (row.row, ImportField.ID_NUMBER, ValueProblem.BAD_ID)))
        id_number = ""  # never stored wrong; the row imports without it
    received = v.get(ImportField.RECEIVED_AT)
    received_at = None
    if isinstance(received, datetime):
        received_at = (received.replace(tzinfo=CHINA_TZ) if received.tzinfo is None
                       else received)
        if received_at > now:
            problems.append(report_row(current, (row.row, ImportField.RECEIVED_AT,
                                              ValueProblem.IN_FUTURE)))
    elif not any(p.field is ImportField.RECEIVED_AT for p in problems):
        problems.append(report_row(current, (row.row, ImportField.RECEIVED_AT,
                                          ValueProblem.MISSING)))
    content = text(ImportField.CONTENT)
    form = IntakeForm(
        track=track, kind=options.kind, source=source,
        received_at=received_at or now,
        complainant=PartyInput(
            role=PartyRole.APPLICANT, party_type=PartyType.PERSON,
            name=text(ImportField.COMPLAINANT), phone=text(ImportField.PHONE),
            address=text(ImportField.ADDRESS),
            id_type=IdType.RESIDENT_ID.value if id_number else "", id_number=id_number),
        respondent=(PartyInput(role=PartyRole.RESPONDENT, party_type=PartyType.BUSINESS,
                               name=text(ImportField.RESPONDENT))
                    if text(ImportField.RESPONDENT) else None),
        description=content,
        source_ticket=text(ImportField.TICKET),
        title=content[:60],
        request=text(ImportField.REQUEST),
        category=text(ImportField.CATEGORY),
        region=text(ImportField.REGION),
    )
    checked, field_problems = check_intake(form, now)
    reported = {(p.field) for p in problems if p.blocking}
    for name, what in field_problems.items():
        fld = _INTAKE_FIELD.get(name)
        if fld is not None and fld in reported:
            continue  # already said: the cell could not be read
        if name == "title" and "description" in field_problems:
            continue
        problem = _FIELD_PROBLEM.get(what, ValueProblem.INVALID)
        if name == "received_at":
            continue  # said above, from the cell itself
        problems.append(report_row(current, (row.row, fld, problem), blocking=True))
    ok = not any(p.blocking for p in problems)
    return (checked if ok else None), tuple(problems)


TRACKED_FIELDS = (ImportField.CONTENT, ImportField.REQUEST, ImportField.CATEGORY,
                  ImportField.REGION, ImportField.COMPLAINANT, ImportField.PHONE,
                  ImportField.ADDRESS, ImportField.RESPONDENT)


def tracked_of(key: RowKey) -> dict[ImportField, str] | None:
    """A row key's tracked values by field (None: not kept)."""
    return dict(zip(TRACKED_FIELDS, key.tracked, strict=True)) if key.tracked is not None \
        else None


def tracked_values(checked: CheckedIntake) -> dict[ImportField, str]:
    """The values a re-import may update, as the case holds them."""
    return dict(zip(TRACKED_FIELDS, _tracked(checked), strict=True))


def _tracked(checked: CheckedIntake) -> tuple[str, ...]:
    """``tracked_values`` in TRACKED_FIELDS' order."""
    form, c, r = checked.form, checked.complainant, checked.respondent
    return (form.description.strip(), form.request.strip(), form.category.strip(),
            form.region.strip(), c["name"], c["phone"], c["address"], r["name"] if r else "")


def recorded_values(tracked: Mapping[ImportField, str], current: SheetLayout) -> dict[str, str]:
    """What the import wrote: the mapped fields only (a column the file lacks wrote nothing)."""
    mapped = set(current.mapping.values())
    return {f.value: v for f, v in tracked.items() if f in mapped}


# ---------------------------------------------------------------- in worker processes

CHECK_CHUNK = 4000  # rows a worker checks at a time
BUILD_CHUNK = 1000  # rows a worker makes into cases at a time (and the writer's batch)


@dataclass(frozen=True)
class RowJob:
    """What every chunk of one import shares (sent to each worker once)."""

    current: SheetLayout
    options: ImportOptions
    track: Track
    now: datetime
    repeated: frozenset[int]  # rows whose ticket an earlier row has (repeated_tickets)
    actor: Actor | None = None  # building: who takes the cases in
    basis: IntakeBasis | None = None
    captured: bool = False  # the store records its changes for sync
    stored_tickets: frozenset[str] = frozenset()  # the file's tickets the store has
    keywords: tuple[str, ...] = ()  # building: the warning rules' keywords to look for


def load_worker() -> None:
    """What a worker loads before its first chunk (``parallel.start_workers``): this
    module's imports, the word lists and pinyin's dictionaries."""
    default_segmenter()
    search_document("王", "", "", "", "")


class RowWorker:
    """A worker's side of one import (app.core.parallel makes one per worker)."""

    def __init__(self, job: RowJob) -> None:
        self.job = job
        self._segmenter: Segmenter | None = None

    @property
    def segmenter(self) -> Segmenter:
        if self._segmenter is None:
            self._segmenter = default_segmenter()
        return self._segmenter

    def convert(self, index: int, cells: Sequence[object]) -> ConvertedRow | None:
        job = self.job
        found = convert_rows([cells], -1, job.current.mapping, repeated=job.repeated,
                             offset=index)
        return found[0] if found else None

    def check_cells(self, index: int, cells: Sequence[object]) -> CheckedIntake | None:
        """The row at ``index`` of the sheet as intake would take it (None: it cannot be)."""
        row = self.convert(index, cells)
        return self.check(row)[0] if row is not None else None

    def check(self, row: ConvertedRow) -> tuple[CheckedIntake | None, tuple[ReportRow, ...]]:
        job = self.job
        return check_row(row, job.current, job.options, job.track, job.now)


def row_key(checked: CheckedIntake, stored: frozenset[str] | None = None) -> RowKey:
    """``stored``: the tickets in the store (None: keep every row's tracked values)."""
    keep = stored is None or checked.ticket in stored
    return RowKey(checked.ticket, checked.complainant["phone"],
                  checked.respondent["name"] if checked.respondent else "",
                  checked.form.received_at,
                  _tracked(checked) if keep else None)


def check_chunk(worker: RowWorker, chunk: tuple[int, Sequence[Sequence[object]]]
                ) -> list[PreparedRow]:
    """The rows of a chunk (its first row's index in the sheet, its rows) checked."""
    start, rows = chunk
    out = []
    for at, cells in enumerate(rows):
        row = worker.convert(start + at, cells)
        if row is not None:
            checked, problems = worker.check(row)
            out.append(PreparedRow(row.row, problems,
                                   row_key(checked, worker.job.stored_tickets)
                                   if checked is not None else None))
    return out


class BuildItem(NamedTuple):
    index: int  # in the sheet
    cells: Sequence[object]
    # The case's id and the case it is a multi-channel duplicate of, as 32 hex digits
    # (a UUID object pickles three times slower, both ways).
    case_id: str
    link_to: str | None


@dataclass(slots=True)
class BuiltChunk:
    new: BuiltCases
    refused: int  # rows that no longer pass (none unless the file changed)


def build_chunk(worker: RowWorker, items: Sequence[BuildItem]) -> BuiltChunk:
    """Rows that passed the check made into new cases (the writer inserts them)."""
    job = worker.job
    assert job.actor is not None and job.basis is not None
    out = BuiltChunk(BuiltCases(worker.segmenter.fingerprint), 0)
    for item in items:
        checked = worker.check_cells(item.index, item.cells)
        if checked is None:
            out.refused += 1
            continue
        tracked = tracked_values(checked)
        if item.link_to is not None:
            checked = replace(checked, form=replace(checked.form,
                                                    link_to=uuid.UUID(item.link_to)))
        rows = new_case_rows(job.actor, checked, job.basis, case_id=uuid.UUID(item.case_id))
        build_case(out.new, rows, worker.segmenter, captured=job.captured,
                   imported=recorded_values(tracked, job.current), imported_at=job.now)
        if job.keywords:
            case = rows.case
            words = KeywordHits.find(job.keywords, case["title"], case["description"],
                                     case["request"])
            if words:
                out.new.keyword_hits[case["id"].hex] = words
    return out
