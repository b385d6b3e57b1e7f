"""Importing work orders from a platform's export (issue 15, item 1).

open_file → choose a sheet (hidden ones only when asked) → ``layout``: the header row
and the column mapping, guessed or a saved one → ``prepare``: every row as intake would
take it, with the report of its problems (row, column, field, problem) → ``preview`` of
the first rows as they will be stored → ``run_import`` in one transaction.

Each row becomes a case exactly as intake makes one (app.services.cases: the same
checks, rule set by receipt date, clocks, search index and audit events), written in
bulk a batch at a time (app.services.bulk_intake); a re-import reads what it compares
with plain queries and goes through the ORM only for the rows that changed. A ticket
already in the store is never made twice: the fields of the case that nobody edited
since the last import are updated, the others kept, and a row with nothing new is left
alone; what an import wrote is kept per case in ``imported_values`` (local). A work
order whose complainant phone and business match a case received within 30 days
(app.services.duplicates) is linked to it as a multi-channel duplicate (多头诉求).

``ImportMode.WHOLE_FILE`` imports nothing when any row cannot be taken;
``VALID_ROWS`` imports the rest and reports those. A cancel rolls the transaction back:
the store is as it was. One audit event records the import itself (who, file, counts).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.core import validation
from app.core.errors import UserFacingError
from app.core.parties import IdType, PartyRole, PartyType
from app.core.timeutil import CHINA_TZ
from app.core.users import Permission, may
from app.core.validation import mask_id
from app.core.work_order_import import (
    ConvertedRow,
    ImportField,
    RowProblem,
    ValueProblem,
    clean_text,
    convert_rows,
    find_header_row,
    guess_mapping,
    normalise_header,
)
from app.core.workflow import CaseKind, Source, Track, kinds_for_track
from app.services import audit
from app.services import warnings as early_warnings
from app.services.bulk_intake import BulkIntake
from app.services.cases import (
    CheckedIntake,
    IntakeBasis,
    apply_case_update,
    apply_party_update,
    intake_problems,
)
from app.services.context import Workstation
from app.services.dto import Changes, IntakeForm, PartyInput
from app.services.duplicates import DUPLICATE_WINDOW
from app.services.errors import FieldProblem
from app.services.work_order_files import Sheet, read_sheets
from app.store.bulk import Row
from app.store.models import Case, ImportedValues, LocalMeta, Office, OfficeSetting, Party

BATCH = 1000  # rows between flushes, progress reports and looks at the cancel flag
_CHUNK = 500  # values in one IN (…)
MAPPING_KEY_PREFIX = "import_mapping:"  # an office setting (synced) or local_meta key


class ImportMode(StrEnum):
    WHOLE_FILE = "whole_file"  # nothing is imported when any row cannot be
    VALID_ROWS = "valid_rows"  # the rows that can be, the others reported


class ImportRefusal(StrEnum):
    NO_SHEET = "no_sheet"  # --sheet names none of the file's sheets
    NO_HEADER = "no_header"  # no row names two known columns: not an export
    NO_ROWS = "no_rows"  # a header but nothing under it
    UNKNOWN_MAPPING = "unknown_mapping"  # --mapping names no saved mapping
    INVALID_ROWS = "invalid_rows"  # WHOLE_FILE and some rows cannot be imported
    NOTHING_VALID = "nothing_valid"  # not one row can be imported
    CANCELLED = "cancelled"  # the user stopped it: the store is as before
    BAD_OPTIONS = "bad_options"  # e.g. a kind the track does not have


class WorkOrderImportError(UserFacingError):
    def __init__(self, refusal: ImportRefusal, detail: str = "",
                 report: tuple[ReportRow, ...] = ()) -> None:
        super().__init__(f"{refusal.value} {detail}".strip())
        self.refusal, self.detail, self.report = refusal, detail, report


# ---------------------------------------------------------------- the file and its layout


@dataclass(frozen=True)
class WorkOrderFile:
    path: Path
    sheets: tuple[Sheet, ...]

    @property
    def name(self) -> str:
        return self.path.name

    def sheet(self, name: str | None = None) -> Sheet:
        """The named sheet; without a name the first visible one that has a header row
        (a platform's export often hides a sheet of codes before its data)."""
        if name is not None:
            for sheet in self.sheets:
                if sheet.name == name:
                    return sheet
            raise WorkOrderImportError(ImportRefusal.NO_SHEET, name)
        candidates = [s for s in self.sheets if not s.hidden] or list(self.sheets)
        for sheet in candidates:
            if find_header_row(sheet.rows) is not None:
                return sheet
        return candidates[0]


def open_file(path: Path | str) -> WorkOrderFile:
    """Read the export (WorkOrderFileError when it is none)."""
    path = Path(path)
    return WorkOrderFile(path, tuple(read_sheets(path)))


@dataclass(frozen=True)
class SheetLayout:
    sheet: str
    header_row: int  # 0-based index of the header in the sheet's rows
    headers: tuple[str, ...]  # as the file writes them, cleaned
    mapping: Mapping[int, ImportField]  # column index → field
    mapping_name: str = ""  # the saved mapping used, if one was

    def column_of(self, field: ImportField) -> int | None:
        return next((c for c, f in self.mapping.items() if f is field), None)


def layout(ws: Workstation, file: WorkOrderFile, sheet: str | None = None,
           mapping_name: str | None = None) -> SheetLayout:
    """The sheet's header row and mapping: the named saved mapping, else a saved one
    made for these headers, else guessed from the headers."""
    chosen = file.sheet(sheet)
    header = find_header_row(chosen.rows)
    if header is None:
        raise WorkOrderImportError(ImportRefusal.NO_HEADER, chosen.name)
    headers = tuple(clean_text(h) for h in chosen.rows[header])
    saved = saved_mappings(ws)
    if mapping_name:
        if mapping_name not in saved:
            raise WorkOrderImportError(ImportRefusal.UNKNOWN_MAPPING, mapping_name)
        return SheetLayout(chosen.name, header, headers,
                           _apply_saved(saved[mapping_name], headers), mapping_name)
    keys = {normalise_header(h) for h in headers if normalise_header(h)}
    for name, by_header in saved.items():
        if set(by_header) <= keys and by_header:
            return SheetLayout(chosen.name, header, headers, _apply_saved(by_header, headers),
                               name)
    return SheetLayout(chosen.name, header, headers, guess_mapping(headers))


def with_mapping(current: SheetLayout, mapping: Mapping[int, ImportField]) -> SheetLayout:
    """The layout with the user's corrections (each field in one column at most)."""
    seen: set[ImportField] = set()
    clean = {}
    for column, fld in sorted(mapping.items()):
        if fld not in seen and 0 <= column < len(current.headers):
            clean[column] = fld
            seen.add(fld)
    return replace(current, mapping=clean, mapping_name="")


def _apply_saved(by_header: Mapping[str, str], headers: Sequence[str]) -> dict[int, ImportField]:
    out: dict[int, ImportField] = {}
    for column, header in enumerate(headers):
        value = by_header.get(normalise_header(header))
        if value:
            try:
                out[column] = ImportField(value)
            except ValueError:  # saved by a newer version
                continue
    return out


# ---------------------------------------------------------------- saved mappings


def saved_mappings(ws: Workstation) -> dict[str, dict[str, str]]:
    """Name → {normalised header → field value}: the office's (synced) and this
    computer's own (saved by a user who may not change office settings)."""
    found: dict[str, dict[str, str]] = {}
    with ws.store.unit_of_work() as session:
        for key, value in session.execute(
                select(OfficeSetting.key, OfficeSetting.value).where(
                    OfficeSetting.office_id == ws.actor.office_id,
                    OfficeSetting.deleted.is_(False),
                    OfficeSetting.key.startswith(MAPPING_KEY_PREFIX, autoescape=True))):
            if isinstance(value, dict):
                found[key[len(MAPPING_KEY_PREFIX):]] = dict(value.get("columns", {}))
        for meta in session.scalars(select(LocalMeta).where(
                LocalMeta.key.startswith(MAPPING_KEY_PREFIX, autoescape=True))):
            try:
                found.setdefault(meta.key[len(MAPPING_KEY_PREFIX):],
                                 dict(json.loads(meta.value).get("columns", {})))
            except (ValueError, AttributeError):
                continue
    return dict(sorted(found.items()))


def save_mapping(ws: Workstation, name: str, current: SheetLayout) -> Changes:
    """Keep the layout's mapping under ``name`` for files with these headers: for the
    whole office (synced) when the user may configure dispatching, else on this computer."""
    name = " ".join(name.split())[:40]
    if not name:
        raise WorkOrderImportError(ImportRefusal.UNKNOWN_MAPPING, "")
    columns = {normalise_header(current.headers[c]): f.value for c, f in current.mapping.items()
               if normalise_header(current.headers[c])}
    value = {"columns": columns}
    key = MAPPING_KEY_PREFIX + name
    now = ws.now()
    with ws.store.unit_of_work() as session:
        if may(ws.actor.role, Permission.DISPATCH):
            row = session.scalars(select(OfficeSetting).where(
                OfficeSetting.office_id == ws.actor.office_id, OfficeSetting.key == key)).first()
            if row is None:
                session.add(OfficeSetting(id=uuid.uuid4(), office_id=ws.actor.office_id, key=key,
                                          value=value, version=1, modified_at=now,
                                          modified_by=ws.actor.login))
            elif row.value != value or row.deleted:
                row.value, row.deleted = value, False
                row.version += 1
                row.modified_at, row.modified_by = now, ws.actor.login
        else:
            meta = session.get(LocalMeta, key)
            if meta is None:
                session.add(LocalMeta(key=key, value=json.dumps(value, ensure_ascii=False)))
            else:
                meta.value = json.dumps(value, ensure_ascii=False)
    return Changes(reference=True)


# ---------------------------------------------------------------- options and rows


@dataclass(frozen=True)
class ImportOptions:
    source: Source = Source.HOTLINE_12315  # the file's channel; a 来源渠道 column overrides
    track: Track | None = None  # None: 12315 → market complaint, else the office's default
    kind: CaseKind = CaseKind.COMPLAINT
    mode: ImportMode = ImportMode.WHOLE_FILE

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


@dataclass(frozen=True, slots=True)
class PreparedRow:
    row: int
    checked: CheckedIntake | None  # None: the row cannot be imported
    problems: tuple[ReportRow, ...]

    @property
    def ok(self) -> bool:
        return self.checked is not None


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


@dataclass(frozen=True)
class Prepared:
    rows: tuple[PreparedRow, ...]
    report: tuple[ReportRow, ...]

    @property
    def valid(self) -> int:
        return sum(1 for r in self.rows if r.ok)

    @property
    def invalid(self) -> int:
        return sum(1 for r in self.rows if not r.ok)


def prepare(ws: Workstation, file: WorkOrderFile, current: SheetLayout,
            options: ImportOptions, *, limit: int | None = None) -> Prepared:
    """Every row (or the first ``limit``) as intake would take it, and what is wrong."""
    sheet = file.sheet(current.sheet)
    rows = sheet.rows
    if limit is not None:
        rows = rows[:current.header_row + 1 + limit]
    converted = convert_rows(rows, current.header_row, current.mapping)
    if not converted and limit is None:
        raise WorkOrderImportError(ImportRefusal.NO_ROWS, sheet.name)
    track = options.track_for(ws)
    if options.kind not in kinds_for_track(track):
        raise WorkOrderImportError(ImportRefusal.BAD_OPTIONS, f"{options.kind}/{track}")
    now = ws.now()
    out = [_prepare_row(ws, row, current, options, track, now) for row in converted]
    return Prepared(tuple(out), tuple(p for r in out for p in r.problems))


def _report(current: SheetLayout, problem: RowProblem | tuple[int, ImportField | None,
            ValueProblem], blocking: bool | None = None) -> ReportRow:
    row, fld, what = ((problem.row, problem.field, problem.problem)
                      if isinstance(problem, RowProblem) else problem)
    column = current.column_of(fld) if fld is not None else None
    header = current.headers[column] if column is not None else ""
    if blocking is None:
        blocking = (fld, what) not in _NOT_BLOCKING
    return ReportRow(row, header, fld, what, blocking)


def _prepare_row(ws: Workstation, row: ConvertedRow, current: SheetLayout,
                 options: ImportOptions, track: Track, now: datetime) -> PreparedRow:
    problems = [_report(current, p) for p in row.problems]
    v = row.values

    def text(fld: ImportField) -> str:
        value = v.get(fld)
        return value if isinstance(value, str) else ""

    source = options.source
    if text(ImportField.CHANNEL):
        found = source_of_channel(text(ImportField.CHANNEL))
        if found is None:
            problems.append(_report(current, (row.row, ImportField.CHANNEL,
                                              ValueProblem.UNKNOWN_CHANNEL)))
        else:
            source = found
    id_number = text(ImportField.ID_NUMBER)
    if id_number and not validation.check_resident_id(id_number).valid:
        problems.append(_report(current, (row.row, ImportField.ID_NUMBER, ValueProblem.BAD_ID)))
        id_number = ""  # never stored wrong; the row imports without it
    received = v.get(ImportField.RECEIVED_AT)
    received_at = None
    if isinstance(received, datetime):
        received_at = (received.replace(tzinfo=CHINA_TZ) if received.tzinfo is None
                       else received)
        if received_at > now:
            problems.append(_report(current, (row.row, ImportField.RECEIVED_AT,
                                              ValueProblem.IN_FUTURE)))
    elif not any(p.field is ImportField.RECEIVED_AT for p in problems):
        problems.append(_report(current, (row.row, ImportField.RECEIVED_AT,
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
    checked, field_problems = intake_problems(ws, form, now)
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
        problems.append(_report(current, (row.row, fld, problem), blocking=True))
    ok = not any(p.blocking for p in problems)
    return PreparedRow(row.row, checked if ok else None, tuple(problems))


# ---------------------------------------------------------------- preview


@dataclass(frozen=True)
class PreviewRow:
    row: int
    values: Mapping[ImportField, str]  # as the case will hold them, in words
    problems: tuple[ReportRow, ...]
    ok: bool


def preview(ws: Workstation, file: WorkOrderFile, current: SheetLayout,
            options: ImportOptions, n: int = 20) -> list[PreviewRow]:
    """The first ``n`` rows as they will be stored (the phone normalised, the time in
    China time, an ID that cannot be kept left out, an ID kept shown masked)."""
    out = []
    for row in prepare(ws, file, current, options, limit=n).rows:
        values: dict[ImportField, str] = {}
        if row.checked is not None:
            values = _stored_words(row.checked)
        out.append(PreviewRow(row.row, values, row.problems, row.ok))
    return out


def _stored_words(checked: CheckedIntake) -> dict[ImportField, str]:
    form = checked.form
    values = {ImportField.TICKET: checked.ticket,
              ImportField.RECEIVED_AT: f"{form.received_at.astimezone(CHINA_TZ):%Y-%m-%d %H:%M}",
              ImportField.CHANNEL: form.source.value}
    values.update(_tracked(checked))
    if checked.complainant.get("id_number"):
        # Kept, but shown masked like every ID number on screen (PIPL).
        values[ImportField.ID_NUMBER] = mask_id(checked.complainant["id_number"])
    return {k: v for k, v in values.items() if v}


def _tracked(checked: CheckedIntake) -> dict[ImportField, str]:
    """The values a re-import may update, as the case holds them."""
    form, c, r = checked.form, checked.complainant, checked.respondent
    return {
        ImportField.CONTENT: form.description.strip(),
        ImportField.REQUEST: form.request.strip(),
        ImportField.CATEGORY: form.category.strip(),
        ImportField.REGION: form.region.strip(),
        ImportField.COMPLAINANT: c["name"],
        ImportField.PHONE: c["phone"],
        ImportField.ADDRESS: c["address"],
        ImportField.RESPONDENT: r["name"] if r else "",
    }


_CASE_COLUMN = {ImportField.CONTENT: "description", ImportField.REQUEST: "request",
                ImportField.CATEGORY: "category", ImportField.REGION: "region"}
_APPLICANT_COLUMN = {ImportField.COMPLAINANT: "name", ImportField.PHONE: "phone",
                     ImportField.ADDRESS: "address"}


# ---------------------------------------------------------------- the import


@dataclass(frozen=True)
class ImportSummary:
    file_name: str
    created: int
    updated: int
    unchanged: int
    linked: int  # new cases linked to an existing one as 多头诉求
    problem_rows: int  # rows with a problem (imported or not)
    not_imported: int  # rows left out (VALID_ROWS)
    report: tuple[ReportRow, ...]
    changes: Changes = field(default_factory=Changes)
    warnings_raised: int = 0  # early warnings the imported cases raised
    warnings_grown: int = 0  # and those they added to


def run_import(ws: Workstation, file: WorkOrderFile, current: SheetLayout,
               options: ImportOptions, *,
               progress: Callable[[int, int], None] | None = None,
               cancelled: Callable[[], bool] | None = None,
               prepared: Prepared | None = None) -> ImportSummary:
    """Import the sheet in one transaction (see the module's words)."""
    prepared = prepared or prepare(ws, file, current, options)
    good = [r for r in prepared.rows if r.ok]
    if not good:
        raise WorkOrderImportError(ImportRefusal.NOTHING_VALID, file.name, prepared.report)
    if prepared.invalid and options.mode is ImportMode.WHOLE_FILE:
        raise WorkOrderImportError(ImportRefusal.INVALID_ROWS, str(prepared.invalid),
                                   prepared.report)
    total = len(good)
    now = ws.now()
    counts = {"created": 0, "updated": 0, "unchanged": 0, "linked": 0}
    mapped = set(current.mapping.values())
    with ws.store.unit_of_work() as session:
        writer = BulkIntake(ws, session, IntakeBasis.of(ws, session, now))
        created: list[uuid.UUID] = []
        for start in range(0, total, BATCH):
            if cancelled is not None and cancelled():
                raise WorkOrderImportError(ImportRefusal.CANCELLED)
            if progress is not None:
                progress(start, total)
            batch = [r.checked for r in good[start:start + BATCH]]
            known = _known_cases(session, [c.ticket for c in batch if c.ticket])
            links = _link_index(session, {c.complainant["phone"] for c in batch
                                          if c.ticket not in known and c.complainant["phone"]})
            for checked in batch:
                tracked = _tracked(checked)
                found = known.get(checked.ticket)
                if found is not None:
                    changed = (not found.unchanged_by(tracked, current, mapped)
                               and _reimport_case(ws, session, found.id, tracked, current, now))
                    counts["updated" if changed else "unchanged"] += 1
                    continue
                link = _find_link(links, checked)
                if link is not None:
                    checked = replace(checked, form=replace(checked.form, link_to=link))
                    counts["linked"] += 1
                case = writer.add(checked, imported=_recorded(tracked, current), imported_at=now)
                counts["created"] += 1
                _remember(links, case)
                # (a ticket twice in one file was refused by convert_rows: no lookup needed)
            created.extend(writer.flush())
        if cancelled is not None and cancelled():
            raise WorkOrderImportError(ImportRefusal.CANCELLED)
        # A crowd of complaints against one business arrives by import as often as by
        # phone: the early warnings look at the whole batch at once.
        warned = early_warnings.check_cases(ws, session, created)
        problem_rows = len({p.row for p in prepared.report})
        audit.record(
            session, actor=ws.actor.login, entity="work_order_imports",
            entity_id=uuid.uuid4(), action="import",
            changes={"file": [None, file.name], "sheet": [None, current.sheet],
                     **{k: [None, v] for k, v in counts.items()},
                     "problem_rows": [None, problem_rows],
                     "not_imported": [None, prepared.invalid]},
            office_id=ws.actor.office_id, at=now)
        if progress is not None:
            progress(total, total)
    return ImportSummary(file.name, counts["created"], counts["updated"], counts["unchanged"],
                         counts["linked"], problem_rows, prepared.invalid, prepared.report,
                         Changes(queue=True, history=True, case_created=counts["created"] > 0,
                                 warnings=warned.changed),
                         warnings_raised=warned.raised, warnings_grown=warned.grown)


def _chunks(values: Iterable[Any]) -> Iterable[list[Any]]:
    values = list(values)
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]


# Where each tracked field lives: (the row, its column).
_TARGET: dict[ImportField, tuple[str, str]] = {
    **{f: ("case", c) for f, c in _CASE_COLUMN.items()},
    **{f: ("applicant", c) for f, c in _APPLICANT_COLUMN.items()},
    ImportField.RESPONDENT: ("respondent", "name"),
}
Holding = dict[str, dict[str, str]]  # "case" / "applicant" / "respondent" → column → value


@dataclass(frozen=True)
class KnownCase:
    """A ticket the store holds: what a re-import compares, read without the ORM."""

    id: uuid.UUID
    holding: Holding  # the tracked columns as the case and its parties hold them now
    last: dict[str, str] | None  # what the last import wrote (None: never imported here)

    def unchanged_by(self, tracked: Mapping[ImportField, str], current: SheetLayout,
                     mapped: set[ImportField]) -> bool:
        """True when a re-import of this row would write nothing at all."""
        if self.last is None:
            return True
        if any(_updates(self.holding, self.last, tracked, mapped).values()):
            return False
        return {**self.last, **_recorded(tracked, current)} == self.last


def _known_cases(session, tickets: list[str]) -> dict[str, KnownCase]:
    """The live cases of these tickets (the first received, where a ticket has several),
    their tracked values and what the last import wrote: two queries per 500 tickets."""
    c, iv = Case.__table__, ImportedValues.__table__
    found: dict[str, KnownCase] = {}
    for chunk in _chunks(set(tickets)):
        for row in session.execute(
                select(c.c.id, c.c.source_ticket, c.c.description, c.c.request, c.c.category,
                       c.c.region, iv.c["values"])
                .outerjoin(iv, iv.c.case_id == c.c.id)
                .where(c.c.source_ticket.in_(chunk), c.c.deleted.is_(False))
                .order_by(c.c.received_at)):
            if row.source_ticket not in found:
                found[row.source_ticket] = KnownCase(
                    row.id, {"case": {"description": row.description, "request": row.request,
                                      "category": row.category, "region": row.region}},
                    dict(row[6]) if row[6] is not None else None)
    imported = [k.id for k in found.values() if k.last is not None]
    holdings = {k.id: k.holding for k in found.values()}
    p = Party.__table__
    for chunk in _chunks(imported):
        for row in session.execute(
                select(p.c.case_id, p.c.role, p.c.sort_order, p.c.name, p.c.phone, p.c.address)
                .where(p.c.case_id.in_(chunk), p.c.deleted.is_(False))
                .order_by(p.c.sort_order)):
            holding = holdings[row.case_id]
            if row.role == PartyRole.APPLICANT and row.sort_order == 0:
                holding.setdefault("applicant", {"name": row.name, "phone": row.phone,
                                                 "address": row.address})
            elif row.role == PartyRole.RESPONDENT:
                holding.setdefault("respondent", {"name": row.name})
    return found


def _parties(session, case_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, Party]]:
    """Each case's complainant (the first applicant) and respondent."""
    found: dict[uuid.UUID, dict[str, Party]] = {}
    for chunk in _chunks(case_ids):
        for party in session.scalars(select(Party).where(
                Party.case_id.in_(chunk), Party.deleted.is_(False)).order_by(Party.sort_order)):
            mine = found.setdefault(party.case_id, {})
            if party.role == PartyRole.APPLICANT and party.sort_order == 0:
                mine.setdefault("applicant", party)
            elif party.role == PartyRole.RESPONDENT:
                mine.setdefault("respondent", party)
    return found


def _recorded(tracked: Mapping[ImportField, str], current: SheetLayout) -> dict[str, str]:
    """What the import wrote: the mapped fields only (a column the file lacks wrote nothing)."""
    mapped = set(current.mapping.values())
    return {f.value: v for f, v in tracked.items() if f in mapped}


def _updates(holding: Holding, before: Mapping[str, str], tracked: Mapping[ImportField, str],
             mapped: set[ImportField]) -> Holding:
    """The values a re-import writes: each tracked field the file has anew whose stored
    value is still what the last import wrote (nobody edited it since)."""
    out: Holding = {"case": {}, "applicant": {}, "respondent": {}}
    for fld in mapped & set(tracked):
        new = tracked[fld]
        target, column = _TARGET[fld]
        values = holding.get(target)
        if values is None:
            continue
        now_value = values.get(column) or ""
        if now_value == new or not new:
            continue
        if before.get(fld.value) == now_value:  # as the import left it: nobody edited it
            out[target][column] = new
    return out


def _reimport_case(ws: Workstation, session, case_id: uuid.UUID,
                   tracked: Mapping[ImportField, str], current: SheetLayout,
                   now: datetime) -> bool:
    """Re-import one case that has something new, through the ORM (edits are few)."""
    case = session.get(Case, case_id)
    return _reimport(ws, session, case, _parties(session, [case_id]).get(case_id, {}),
                     session.get(ImportedValues, case_id), tracked, current, now)


def _reimport(ws: Workstation, session, case: Case, parties: dict[str, Party],
              last: ImportedValues | None, tracked: Mapping[ImportField, str],
              current: SheetLayout, now: datetime) -> bool:
    """Update the fields nobody edited since the last import; True when any changed.
    A case this computer never imported (typed in, or pulled from the office) was
    written by a person: kept as it is."""
    if last is None:
        return False
    before = dict(last.values)
    holding: Holding = {"case": {c: getattr(case, c) for c in _CASE_COLUMN.values()}}
    if "applicant" in parties:
        holding["applicant"] = {c: getattr(parties["applicant"], c)
                                for c in _APPLICANT_COLUMN.values()}
    if "respondent" in parties:
        holding["respondent"] = {"name": parties["respondent"].name}
    updates = _updates(holding, before, tracked, set(current.mapping.values()))
    changed = False
    reason = "import"
    if updates["case"] and apply_case_update(ws, session, case, updates["case"], now,
                                             reason=reason):
        changed = True
    for key in ("applicant", "respondent"):
        if updates[key] and apply_party_update(ws, session, case, parties[key], updates[key],
                                               now, reason=reason):
            changed = True
    recorded = {**before, **_recorded(tracked, current)}
    if recorded != before:
        last.values = recorded
        last.imported_at = now
    return changed


def _link_index(session, phones: set[str]) -> dict[str, list[tuple[str, datetime, uuid.UUID]]]:
    """Live cases by complainant phone: (business, received, id)."""
    index: dict[str, list[tuple[str, datetime, uuid.UUID]]] = {}
    for chunk in _chunks(phones):
        for phone, business, received, case_id in session.execute(
                select(Case.complainant_phone, Case.respondent_name, Case.received_at, Case.id)
                .where(Case.complainant_phone.in_(chunk), Case.deleted.is_(False))):
            index.setdefault(phone, []).append((business, received, case_id))
    return index


def _find_link(index, checked: CheckedIntake) -> uuid.UUID | None:
    """The newest case of the same complainant phone against the same business within
    30 days of this one's receipt (app.services.duplicates), if any."""
    phone = checked.complainant["phone"]
    business = checked.respondent["name"] if checked.respondent else ""
    if not phone or not business:
        return None
    received = checked.form.received_at
    best = None
    for other_business, other_received, case_id in index.get(phone, ()):
        if other_business == business and abs(other_received - received) <= DUPLICATE_WINDOW:
            if best is None or other_received > best[0]:
                best = (other_received, case_id)
    return best[1] if best else None


def _remember(index, case: Row) -> None:
    if case.complainant_phone and case.respondent_name:
        index.setdefault(case.complainant_phone, []).append(
            (case.respondent_name, case.received_at, case.id))
