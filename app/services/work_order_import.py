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

from app.core import heap
from app.core.errors import UserFacingError
from app.core.ids import new_id
from app.core.parallel import ordered_map, start_workers
from app.core.parties import PartyRole
from app.core.timeutil import CHINA_TZ
from app.core.users import Permission, may
from app.core.validation import mask_id
from app.core.work_order_import import (
    ImportField,
    clean_text,
    convert_rows,
    file_tickets,
    find_header_row,
    guess_mapping,
    normalise_header,
    repeated_tickets,
)
from app.core.workflow import kinds_for_track
from app.services import audit, groups
from app.services import warnings as early_warnings
from app.services.bulk_intake import write_built
from app.services.cases import (
    CheckedIntake,
    IntakeBasis,
    apply_case_update,
    apply_party_update,
)
from app.services.context import Workstation
from app.services.dto import Changes
from app.services.duplicates import DUPLICATE_WINDOW
from app.services.work_order_files import Sheet, read_sheets
from app.services.work_order_rows import (  # noqa: F401  (the import's own words, re-exported)
    BUILD_CHUNK,
    CHECK_CHUNK,
    BuildItem,
    ImportMode,
    ImportOptions,
    PreparedRow,
    ReportRow,
    RowJob,
    RowKey,
    RowWorker,
    SheetLayout,
    build_chunk,
    check_chunk,
    load_worker,
    recorded_values,
    row_key,
    source_of_channel,
    tracked_of,
    tracked_values,
)
from app.store.bulk import DeferredIndexes, DeferredStatsMarks
from app.store.models import Case, ImportedValues, LocalMeta, OfficeSetting, Party
from app.sync import capture

_CHUNK = 500  # values in one IN (…)
# Made again after an import that at least doubles the store (DeferredIndexes); not the
# audit trail's, which the chain's head is read from batch by batch.
_DEFERRED_INDEXES = ("cases", "parties", "case_words", "case_word_docs")
# A file this big holds more rows than one worker's chunk (an .xlsx row takes ~65 bytes).
_WORKERS_FROM_BYTES = 1 << 20
# New cases from which the store file takes the import's pages after its commit, not in
# it (Store.checkpoint_after): ~5.5 kB a case.
_CHECKPOINT_APART_FROM = 10_000
MAPPING_KEY_PREFIX = "import_mapping:"  # an office setting (synced) or local_meta key


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
    """Read the export (WorkOrderFileError when it is none). The worker processes that
    will check its rows start meanwhile, when it is big enough to need them."""
    path = Path(path)
    try:
        if path.stat().st_size >= _WORKERS_FROM_BYTES:
            start_workers(load_worker)
    except OSError:
        pass  # read_sheets says what is wrong with the file
    return WorkOrderFile(path, tuple(read_sheets(path)))


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
                session.add(OfficeSetting(id=new_id(), office_id=ws.actor.office_id, key=key,
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
class Prepared:
    rows: tuple[PreparedRow, ...]
    report: tuple[ReportRow, ...]
    repeated: frozenset[int] | None = None  # the whole file's (RowJob.repeated)

    @property
    def valid(self) -> int:
        return sum(1 for r in self.rows if r.ok)

    @property
    def invalid(self) -> int:
        return sum(1 for r in self.rows if not r.ok)


def prepare(ws: Workstation, file: WorkOrderFile, current: SheetLayout,
            options: ImportOptions, *, limit: int | None = None,
            workers: int | None = None) -> Prepared:
    """Every row (or the first ``limit``, kept with their checked values for a
    preview) as intake would take it, and what is wrong. A big file is checked in
    worker processes (``workers``: how many; default one per core)."""
    sheet = file.sheet(current.sheet)
    rows = sheet.rows
    if limit is not None:
        rows = rows[:current.header_row + 1 + limit]
    if limit is not None:
        worker = RowWorker(_job(ws, rows, current, options))
        out = []
        for row in convert_rows(rows, current.header_row, current.mapping,
                                repeated=worker.job.repeated):
            checked, problems = worker.check(row)
            out.append(PreparedRow(row.row, problems,
                                   row_key(checked) if checked is not None else None,
                                   checked))
    else:
        tickets, repeated = file_tickets(rows, current.header_row, current.mapping)
        job = replace(_job(ws, rows, current, options, repeated=repeated),
                      stored_tickets=_stored_tickets(ws, set(tickets)))
        chunks = [(start, rows[start:start + CHECK_CHUNK])
                  for start in range(current.header_row + 1, len(rows), CHECK_CHUNK)]
        with heap.quiet_collector():
            out = [row for done in ordered_map(check_chunk, RowWorker, (job,), chunks,
                                               workers=workers) for row in done]
        if not out:
            raise WorkOrderImportError(ImportRefusal.NO_ROWS, sheet.name)
        return Prepared(tuple(out), tuple(p for r in out for p in r.problems), repeated)
    return Prepared(tuple(out), tuple(p for r in out for p in r.problems))


def _job(ws: Workstation, rows: Sequence[Sequence[object]], current: SheetLayout,
         options: ImportOptions, now: datetime | None = None, *,
         repeated: frozenset[int] | None = None) -> RowJob:
    """``repeated``: the rows' repeated tickets where already found (else found here)."""
    track = options.track_for(ws)
    if options.kind not in kinds_for_track(track):
        raise WorkOrderImportError(ImportRefusal.BAD_OPTIONS, f"{options.kind}/{track}")
    if repeated is None:
        repeated = repeated_tickets(rows, current.header_row, current.mapping)
    return RowJob(current, options, track, now or ws.now(), repeated)


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
    values.update(tracked_values(checked))
    if checked.complainant.get("id_number"):
        # Kept, but shown masked like every ID number on screen (PIPL).
        values[ImportField.ID_NUMBER] = mask_id(checked.complainant["id_number"])
    return {k: v for k, v in values.items() if v}


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
    groups: int = 0  # group disputes the new cases made or joined (group_threshold)
    created_ids: tuple[str, ...] = ()  # the new cases' ids (32 hex digits)


def run_import(ws: Workstation, file: WorkOrderFile, current: SheetLayout,
               options: ImportOptions, *,
               progress: Callable[[int, int], None] | None = None,
               cancelled: Callable[[], bool] | None = None,
               prepared: Prepared | None = None,
               workers: int | None = None) -> ImportSummary:
    """Import the sheet in one transaction (see the module's words). The rows are made
    into cases in worker processes (``workers``: how many; default one per core) while
    this one writes."""
    prepared = prepared or prepare(ws, file, current, options, workers=workers)
    with heap.quiet_collector():
        summary = _run_import(ws, file, current, options, prepared, progress, cancelled,
                              workers)
    if options.group_threshold > 0 and summary.created_ids:
        # After the import's own transaction: a group is made like any other, audited.
        touched = groups.group_by_respondent(ws, summary.created_ids, options.group_threshold)
        summary = replace(summary, groups=len(touched))
    return summary


def _run_import(ws: Workstation, file: WorkOrderFile, current: SheetLayout,
                options: ImportOptions, prepared: Prepared,
                progress: Callable[[int, int], None] | None,
                cancelled: Callable[[], bool] | None, workers: int | None) -> ImportSummary:
    good = [r for r in prepared.rows if r.key is not None]
    if not good:
        raise WorkOrderImportError(ImportRefusal.NOTHING_VALID, file.name, prepared.report)
    if prepared.invalid and options.mode is ImportMode.WHOLE_FILE:
        raise WorkOrderImportError(ImportRefusal.INVALID_ROWS, str(prepared.invalid),
                                   prepared.report)
    total = len(good)
    now = ws.now()
    counts = {"created": 0, "updated": 0, "unchanged": 0, "linked": 0}
    mapped = set(current.mapping.values())
    rows = file.sheet(current.sheet).rows
    refused = 0
    with ws.store.unit_of_work() as session:
        unchanged, known = _known_cases(
            session, {r.key.ticket: r.key for r in good if r.key.ticket}, current)
        links = _link_index(session, {r.key.phone for r in good if r.key.phone
                                      and r.key.ticket not in unchanged
                                      and r.key.ticket not in known})
        # A ticket the store has: its fields nobody edited since are updated (the ORM:
        # they are few), before anything new is written.
        new_rows = []
        rules = early_warnings.rules_in(session, ws.actor.office_id)
        job = replace(_job(ws, rows, current, options, now, repeated=prepared.repeated),
                      actor=ws.actor, basis=IntakeBasis.of(ws, session, now),
                      captured=capture.is_installed(ws.store.sessions),
                      keywords=tuple(rules.keywords) if rules.keywords_on else ())
        hits = early_warnings.KeywordHits(job.keywords, {})
        for seen, r in enumerate(good):
            if seen % BUILD_CHUNK == 0 and cancelled is not None and cancelled():
                raise WorkOrderImportError(ImportRefusal.CANCELLED)
            if r.key.ticket in unchanged:
                counts["unchanged"] += 1
                continue
            found = known.get(r.key.ticket) if r.key.ticket else None
            if found is None:
                new_rows.append(r)
                continue
            tracked = tracked_of(r.key)
            if tracked is None:  # stored since the file was checked (a sync meanwhile)
                checked = RowWorker(job).check_cells(r.row - 1, rows[r.row - 1])
                tracked = tracked_values(checked) if checked is not None else {}
            changed = (not found.unchanged_by(tracked, current, mapped)
                       and _reimport_case(ws, session, found.id, tracked, current, now))
            counts["updated" if changed else "unchanged"] += 1
        items = []
        for r in new_rows:
            # The ids are given here, so a later row of the file can be linked to an
            # earlier one while the workers make both.
            case_id = new_id()
            link = _find_link(links, r.key)
            counts["linked"] += link is not None
            _remember(links, r.key, case_id)
            items.append(BuildItem(r.row - 1, rows[r.row - 1], case_id.hex,
                                   link.hex if link is not None else None))
        created: list[str] = []  # the new cases' ids as stored (32 hex digits)
        done = total - len(items)
        # The bar counts rows, and a fifth more for what follows the last one (the
        # indexes made again, the warnings check, the commit: seconds for a big file),
        # so it does not stand at 100 % while the import still works.
        work = total + len(items) // 5
        if progress is not None:
            progress(done, work)
        if items:
            chunks = [items[start:start + BUILD_CHUNK]
                      for start in range(0, len(items), BUILD_CHUNK)]
            built = ordered_map(build_chunk, RowWorker, (job,), chunks, workers=workers)
            raw = session.connection().connection.driver_connection
            indexes = DeferredIndexes(raw, _DEFERRED_INDEXES)
            if indexes.worth_it(len(items), "cases"):
                indexes.drop()
            marks = DeferredStatsMarks(raw)
            marks.drop()
            try:
                for chunk in built:
                    if cancelled is not None and cancelled():
                        raise WorkOrderImportError(ImportRefusal.CANCELLED)
                    write_built(session, chunk.new)
                    created += chunk.new.case_ids
                    hits.by_case.update(chunk.new.keyword_hits)
                    refused += chunk.refused
                    done += len(chunk.new) + chunk.refused
                    if progress is not None:
                        progress(done, work)
            finally:
                built.close()  # a cancel stops the workers
            indexes.restore()
            marks.restore()
            if len(items) >= _CHECKPOINT_APART_FROM:
                ws.store.checkpoint_after(session)
            if progress is not None:
                progress(total + (work - total) // 3, work)
            del chunks, built, chunk
        # What the writing held goes before the warnings read the year's cases.
        del items, new_rows, links, good
        counts["created"] = len(created)
        if cancelled is not None and cancelled():
            raise WorkOrderImportError(ImportRefusal.CANCELLED)
        # A crowd of complaints against one business arrives by import as often as by
        # phone: the early warnings look at the whole file at once.
        warned = early_warnings.check_cases(ws, session, created, hits)
        problem_rows = len({p.row for p in prepared.report})
        audit.record(
            session, actor=ws.actor.login, entity="work_order_imports",
            entity_id=new_id(), action="import",
            changes={"file": [None, file.name], "sheet": [None, current.sheet],
                     **{k: [None, v] for k, v in counts.items()},
                     "problem_rows": [None, problem_rows],
                     "not_imported": [None, prepared.invalid + refused]},
            office_id=ws.actor.office_id, at=now)
    if progress is not None:
        progress(work, work)
    return ImportSummary(file.name, counts["created"], counts["updated"], counts["unchanged"],
                         counts["linked"], problem_rows, prepared.invalid + refused,
                         prepared.report,
                         Changes(queue=True, history=True, case_created=counts["created"] > 0,
                                 warnings=warned.changed),
                         warnings_raised=warned.raised, warnings_grown=warned.grown,
                         created_ids=tuple(created))


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
        return {**self.last, **recorded_values(tracked, current)} == self.last


def _stored_tickets(ws: Workstation, tickets: set[str]) -> frozenset[str]:
    """Which of these tickets live cases have."""
    with ws.store.unit_of_work() as session:
        raw = session.connection().connection.driver_connection
        return frozenset(ticket for chunk in _chunks(tickets) for (ticket,) in raw.execute(
            "SELECT DISTINCT source_ticket FROM cases WHERE deleted = 0 AND "
            f"source_ticket IN ({', '.join('?' for _ in chunk)})", chunk))


def _known_cases(session, keys: Mapping[str, RowKey],
                 current: SheetLayout) -> tuple[set[str], dict[str, KnownCase]]:
    """The file's tickets that live cases have (the first received, where a ticket has
    several), compared as they are read: those a re-import leaves as they are, and the
    others with what a re-import compares (``keys``: each ticket's row key, whose tracked
    values may not have been kept). One query per 500 tickets, read with the
    driver and kept only where something may change: a re-import of 100,000 rows."""
    raw = session.connection().connection.driver_connection
    mapped = set(current.mapping.values())
    unchanged: set[str] = set()
    to_check: dict[str, KnownCase] = {}
    for chunk in _chunks(keys):
        marks = ", ".join("?" for _ in chunk)
        for (case_hex, ticket, description, request, category, region, last,
             a_name, a_phone, a_address, r_name) in raw.execute(
                "SELECT c.id, c.source_ticket, c.description, c.request, c.category, "
                "c.region, iv.\"values\", a.name, a.phone, a.address, "
                "(SELECT r.name FROM parties r WHERE r.case_id = c.id AND r.deleted = 0 "
                f"AND r.role = '{PartyRole.RESPONDENT.value}' ORDER BY r.sort_order LIMIT 1) "
                "FROM cases c LEFT JOIN imported_values iv ON iv.case_id = c.id "
                "LEFT JOIN parties a ON a.id = (SELECT p.id FROM parties p WHERE "
                f"p.case_id = c.id AND p.deleted = 0 AND p.role = '{PartyRole.APPLICANT.value}' "
                "AND p.sort_order = 0 LIMIT 1) "
                f"WHERE c.source_ticket IN ({marks}) AND c.deleted = 0 "
                "ORDER BY c.received_at", chunk):
            if ticket in unchanged or ticket in to_check:
                continue  # a later case of the same ticket
            holding: Holding = {"case": {"description": description, "request": request,
                                         "category": category, "region": region}}
            if a_name is not None:
                holding["applicant"] = {"name": a_name, "phone": a_phone, "address": a_address}
            if r_name is not None:
                holding["respondent"] = {"name": r_name}
            found = KnownCase(uuid.UUID(case_hex), holding,
                              json.loads(last) if last is not None else None)
            values = tracked_of(keys[ticket])
            if values is not None and found.unchanged_by(values, current, mapped):
                unchanged.add(ticket)
            else:
                to_check[ticket] = found
    return unchanged, to_check


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
    recorded = {**before, **recorded_values(tracked, current)}
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


def _find_link(index, key: RowKey) -> uuid.UUID | None:
    """The newest case of the same complainant phone against the same business within
    30 days of this one's receipt (app.services.duplicates), if any."""
    if not key.phone or not key.business:
        return None
    best = None
    for other_business, other_received, case_id in index.get(key.phone, ()):
        if (other_business == key.business
                and abs(other_received - key.received_at) <= DUPLICATE_WINDOW):
            if best is None or other_received > best[0]:
                best = (other_received, case_id)
    return best[1] if best else None


def _remember(index, key: RowKey, case_id: uuid.UUID) -> None:
    if key.phone and key.business:
        index.setdefault(key.phone, []).append((key.business, key.received_at, case_id))
