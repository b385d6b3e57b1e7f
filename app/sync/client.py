"""The workstation's side of sync: push the outbox, then pull what is new.

State lives in the store (local_meta), committed with the data it describes:
  sync.client_id   this workstation's id (never reused)
  sync.office_id   the office whose data this store holds
  sync.cursor      "txid:seq": everything at or below it has been applied
  sync.epoch       the central database's epoch when the cursor was taken
  sync.snapshot    progress of a first sync or a resync ("hi:table:last_id")
  sync.last_ok     when the last full sync finished (ISO time)
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    and_,
    delete,
    func,
    or_,
    select,
    text,
    tuple_,
    union_all,
)

from app.core.ids import new_id
from app.store.base import utcnow
from app.store.models import SyncAttention, SyncChange, SyncOutbox
from app.sync import central as central_db
from app.sync import first_sync
from app.sync.local import (
    BackgroundCheckpoints,
    RowsApplied,
    apply_transaction,
    get_meta,
    pending_ids,
    purge_rows,
    set_meta,
)
from app.sync.push import Mutation, Outcome, Pusher, Status, push_batch
from app.sync.tables import (
    Scope,
    SyncedTable,
    row_from_plain,
    synced_table,
    synced_tables,
    to_plain,
)

CLIENT_ID_KEY = "sync.client_id"
OFFICE_KEY = "sync.office_id"
CURSOR_KEY = "sync.cursor"
EPOCH_KEY = "sync.epoch"
SNAPSHOT_KEY = "sync.snapshot"
LAST_OK_KEY = "sync.last_ok"
# Audit rows pushed and not yet held against their central copies (JSON list of hex ids).
AUDIT_COMPARE_KEY = "audit.to_compare"
AUDIT_MISMATCH = "audit_mismatch"  # the attention list's reason code for a difference

PUSH_BATCH = 200
PULL_PAGE = 1000
SNAPSHOT_PAGE = 5000

# Named points where a test may kill the process (MEDIATION_DESK_CRASH_AT=name), to
# prove that a kill -9 at any of them loses nothing. Inert unless the variable is set.
CRASH_ENV = "MEDIATION_DESK_CRASH_AT"


def crash_point(name: str) -> None:
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


class ResyncReason(StrEnum):
    FIRST = "first"  # never synced
    EPOCH = "epoch"  # the central database was restored from a backup
    BEHIND = "behind"  # the central database is behind this workstation's cursor
    LOG_PRUNED = "log_pruned"  # offline longer than the change log is kept


@dataclass
class Progress:
    phase: str  # push|pull|snapshot
    done: int
    total: int | None = None
    table: str = ""


ProgressFn = Callable[[Progress], None]


@dataclass
class SyncReport:
    pushed: int = 0
    conflicts: int = 0
    rejected: int = 0
    pulled: int = 0
    resync: ResyncReason | None = None
    audit_differences: int = 0  # pushed audit rows the central copy does not match
    pulled_tables: set[str] = field(default_factory=set)  # tables with rows applied here
    finished_at: datetime | None = None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Cursor:
    txid: int
    seq: int

    @classmethod
    def parse(cls, text: str | None) -> Cursor | None:
        if not text:
            return None
        txid, seq = text.split(":")
        return cls(int(txid), int(seq))

    def __str__(self) -> str:
        return f"{self.txid}:{self.seq}"


class SyncClient:
    """Sync between one workstation store and one central database. Not thread-safe:
    one sync at a time (the caller's single-flight guard)."""

    def __init__(self, local: Engine, central: Engine, *, actor: str, office_id: uuid.UUID,
                 on_rows: RowsApplied | None = None, blob_store: Any = None) -> None:
        self.local = local
        self.central = central
        self.actor = actor
        self.office_id = office_id
        self.on_rows = on_rows
        self.blob_store = blob_store
        self._wanted_files: set[str] = set()
        self._files_checked = False  # once per run: files a previous run did not get
        self.pulled_tables: set[str] = set()  # this run's pull: tables with rows applied
        self.client_id = self._client_id()

    # ------------------------------------------------------------ identity

    def _client_id(self) -> uuid.UUID:
        with self.local.begin() as conn:
            value = get_meta(conn, CLIENT_ID_KEY)
            if value is None:
                value = uuid.uuid4().hex
                set_meta(conn, CLIENT_ID_KEY, value)
            office = get_meta(conn, OFFICE_KEY)
            if office is None:
                set_meta(conn, OFFICE_KEY, self.office_id.hex)
        return uuid.UUID(value)

    # ------------------------------------------------------------ the whole round

    def sync(self, progress: ProgressFn | None = None) -> SyncReport:
        """Push first, then pull (a first sync or resync when needed)."""
        report = SyncReport()
        self.check_schema()
        reason = self.resync_reason()
        if reason is not None:
            report.resync = reason
            report.pulled += self.snapshot(progress, reason=reason)
        self.push(report, progress)
        self.pulled_tables: set[str] = set()
        report.pulled += self.pull(progress)
        report.pulled_tables |= self.pulled_tables
        self.check_pushed_audit(report)
        self.fetch_files()
        self.top_up_numbers()
        report.finished_at = utcnow()
        with self.local.begin() as conn:
            set_meta(conn, LAST_OK_KEY, report.finished_at.isoformat())
        return report

    def fetch_files(self) -> int:
        """Download the attachment files the rows pulled so far name."""
        if self.blob_store is None:
            return 0
        if not self._files_checked:
            from app.store.models import Attachment

            with self.local.connect() as conn:
                self._wanted_files.update(conn.execute(
                    select(Attachment.sha256).distinct()).scalars())
            self._files_checked = True
        self._wanted_files = {h for h in self._wanted_files if not self.blob_store.has(h)}
        if not self._wanted_files:
            return 0
        from app.sync.blobs import download_missing

        fetched = download_missing(self.central, self.blob_store, sorted(self._wanted_files))
        self._wanted_files = {h for h in self._wanted_files if not self.blob_store.has(h)}
        return fetched

    def top_up_numbers(self, year: int | None = None) -> int:
        """Keep a block of document numbers for this year while online."""
        from app.core.timeutil import china_date
        from app.sync.numbers import top_up

        return top_up(self.local, self.central, office_id=self.office_id,
                      year=year or china_date(utcnow()).year, client_id=self.client_id,
                      actor=self.actor)

    def check_schema(self) -> None:
        """Both ends must speak the same schema: an older central database is upgraded by
        its administrator, an older workstation by installing the new version. Until
        then nothing is sent or taken, and the outbox waits."""
        from app.store import migrate

        with self.central.connect() as conn:
            revision = central_db.schema_revision(conn)
        if revision != migrate.head_revision():
            raise central_db.CentralError(central_db.CentralErrorCode.SCHEMA_MISMATCH,
                                          f"central {revision}, workstation "
                                          f"{migrate.head_revision()}")

    def pending_count(self) -> int:
        with self.local.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(SyncOutbox)).scalar_one())

    # ------------------------------------------------------------ push

    def _outbox(self, limit: int) -> list[Mutation]:
        with self.local.connect() as conn:
            rows = conn.execute(select(SyncOutbox).order_by(SyncOutbox.seq).limit(limit)).all()
        return [Mutation(r.mutation_id, r.table_name, r.row_id, r.op, r.base or {},
                         r.values or {}) for r in rows]

    def push(self, report: SyncReport | None = None, progress: ProgressFn | None = None) -> int:
        report = report if report is not None else SyncReport()
        pusher = Pusher(self.client_id, self.actor, self.office_id)
        total = self.pending_count()
        done = 0
        while True:
            batch = self._outbox(PUSH_BATCH)
            if not batch:
                return done
            if self.blob_store is not None:
                self._upload_blobs(batch)
            with self.central.begin() as conn:
                outcomes = push_batch(conn, pusher, batch)
                crash_point("push.before_commit")
            crash_point("push.after_commit")
            self._acknowledge(batch, outcomes)
            done += len(batch)
            report.pushed += sum(o.status != Status.REJECTED for o in outcomes)
            report.conflicts += sum(o.conflicts for o in outcomes)
            report.rejected += sum(o.status == Status.REJECTED for o in outcomes)
            if progress:
                progress(Progress("push", done, total))

    def _acknowledge(self, batch: list[Mutation], outcomes: list[Outcome]) -> None:
        """One local transaction: the entries leave the outbox, refusals go to the
        attention list, and rows with nothing else pending take the central state."""
        by_id = {m.mutation_id: m for m in batch}
        with apply_transaction(self.local) as conn:
            conn.execute(delete(SyncOutbox).where(SyncOutbox.mutation_id.in_(list(by_id))))
            fresh: dict[str, dict[uuid.UUID, dict[str, Any]]] = {}
            gone: dict[str, list[uuid.UUID]] = {}
            for outcome in outcomes:
                m = by_id[outcome.mutation_id]
                if outcome.status == Status.REJECTED:
                    self._attention(conn, m, outcome)
                st = synced_tables().get(m.table_name)
                if st is None:
                    continue
                if outcome.row is not None:
                    fresh.setdefault(st.name, {})[m.row_id] = outcome.row
                elif outcome.status == Status.REJECTED and m.op == "insert":
                    gone.setdefault(st.name, []).append(m.row_id)
            for name, rows in fresh.items():
                st = synced_table(name)
                still = pending_ids(conn, name, list(rows))
                kept = [r for rid, r in rows.items() if rid not in still]
                # Usually the central row is ours with a new version: derived tables
                # (tags, search index) only need redoing where the content moved, and
                # only the tables they derive from are compared.
                derived = name in getattr(self.on_rows, "tables", (name,))
                changed = (self._differing(conn, st, [row_from_plain(st, r) for r in kept])
                           if derived else [])
                first_sync.write_rows(conn, st, [first_sync.stored_from_plain(st, r)
                                                 for r in kept], set(), force=True)
                if derived:
                    self._rows_applied(conn, name, changed, False)
            pushed_audit = [m.row_id.hex for m in batch
                            if m.table_name == "audit_events" and m.op == "insert"
                            and m.row_id not in gone.get("audit_events", ())]
            if pushed_audit:
                waiting = json.loads(get_meta(conn, AUDIT_COMPARE_KEY) or "[]")
                set_meta(conn, AUDIT_COMPARE_KEY, json.dumps(waiting + pushed_audit))
            # A refused audit row stays: it is part of this store's chained trail (and
            # its values are in the attention list, from where it can be sent again).
            gone.pop("audit_events", None)
            for name, ids in gone.items():
                still = pending_ids(conn, name, ids)
                # A refused new row leaves the working copy (its values are in the
                # attention list, from where it can be sent again).
                purge_rows(conn, synced_table(name), [i for i in ids if i not in still])
                self._rows_applied(conn, name, ids, False)

    def check_pushed_audit(self, report: SyncReport | None = None) -> int:
        """Hold the audit rows pushed since the last check against their central
        copies; each difference goes to the attention list. Returns how many differ."""
        from app.sync.audit_check import compare

        with self.local.connect() as conn:
            waiting = json.loads(get_meta(conn, AUDIT_COMPARE_KEY) or "[]")
        if not waiting:
            return 0
        ids = [uuid.UUID(h) for h in dict.fromkeys(waiting)]
        with self.local.connect() as lconn, self.central.connect() as cconn:
            differences = compare(lconn, cconn, ids)
        now = utcnow()
        with self.local.begin() as conn:
            for d in differences:
                conn.execute(SyncAttention.__table__.insert().values(
                    id=new_id(), mutation_id=new_id(), table_name="audit_events",
                    row_id=d.row_id, case_id=d.case_id, op="compare", base={},
                    values=d.fields, reason_code=AUDIT_MISMATCH,
                    reason="the central copy of this audit row differs from what this "
                           "workstation wrote", created_at=now, status="open"))
            # Only what was read: rows pushed meanwhile by another sync stay listed.
            left = [h for h in json.loads(get_meta(conn, AUDIT_COMPARE_KEY) or "[]")
                    if h not in set(waiting)]
            set_meta(conn, AUDIT_COMPARE_KEY, json.dumps(left) if left else None)
        if report is not None:
            report.audit_differences += len(differences)
            if differences:
                report.notes.append(f"{len(differences)} audit rows differ centrally")
        return len(differences)

    @staticmethod
    def _differing(conn: Connection, st: SyncedTable, rows: list[dict[str, Any]]
                   ) -> list[uuid.UUID]:
        """Ids of rows whose content differs from the local copy (version aside)."""
        if not rows:
            return []
        local = {r["id"]: r for r in conn.execute(
            select(st.table).where(st.table.c.id.in_([r["id"] for r in rows]))).mappings()}
        ignore = {"version", "modified_at", "modified_by"}
        return [r["id"] for r in rows if r["id"] not in local or any(
            local[r["id"]][c] != v for c, v in r.items() if c not in ignore)]

    def _attention(self, conn: Connection, m: Mutation, outcome: Outcome) -> None:
        st = synced_tables().get(m.table_name)
        case_id = None
        if st is not None and st.name == "cases":
            case_id = m.row_id
        elif "case_id" in m.values:
            case_id = uuid.UUID(m.values["case_id"]) if m.values["case_id"] else None
        elif outcome.row and outcome.row.get("case_id"):
            case_id = uuid.UUID(outcome.row["case_id"])
        conn.execute(SyncAttention.__table__.insert().values(
            id=new_id(), mutation_id=m.mutation_id, table_name=m.table_name,
            row_id=m.row_id, case_id=case_id, op=m.op, base=m.base, values=m.values,
            reason_code=outcome.reason_code, reason=outcome.reason, created_at=utcnow(),
            status="open"))

    def _upload_blobs(self, batch: list[Mutation]) -> None:
        from app.sync.blobs import upload_missing

        hashes = [m.values.get("sha256") for m in batch
                  if m.table_name == "attachments" and m.op == "insert"]
        hashes = [h for h in hashes if h]
        if hashes:
            upload_missing(self.central, self.blob_store, hashes, actor=self.actor)

    def _write_table(self, conn: Connection, st: SyncedTable, rows: list[tuple],
                     held: set[str], *, initial: bool, force: bool = False) -> list[str]:
        """Central rows in storage form into the store (``first_sync.write_rows``), the
        files they name wanted, the derived tables kept in step; returns the hex ids
        written. (The first files fetch of a client also looks at every stored row.)"""
        written = first_sync.write_rows(conn, st, rows, held, force=force)
        if st.name == "attachments":
            key, sha = st.columns.index("id"), st.columns.index("sha256")
            self._wanted_files.update(r[sha] for r in rows if r[sha] and r[key] not in held)
        if st.name in getattr(self.on_rows, "tables", (st.name,)):
            self._rows_applied(conn, st.name, [uuid.UUID(h) for h in written], initial)
        return written

    def _rows_applied(self, conn: Connection, name: str, ids: list[uuid.UUID],
                      initial: bool) -> None:
        if self.on_rows is not None and ids:
            self.on_rows(conn, name, ids, initial)

    # ------------------------------------------------------------ pull

    def cursor(self) -> Cursor | None:
        with self.local.connect() as conn:
            return Cursor.parse(get_meta(conn, CURSOR_KEY))

    def resync_reason(self) -> ResyncReason | None:
        with self.local.connect() as lconn:
            cursor = Cursor.parse(get_meta(lconn, CURSOR_KEY))
            epoch = get_meta(lconn, EPOCH_KEY)
            snapshot = get_meta(lconn, SNAPSHOT_KEY)
        if snapshot is not None:
            return ResyncReason(json.loads(snapshot).get("reason", "first"))
        if cursor is None:
            return ResyncReason.FIRST
        with self.central.connect() as conn:
            central_epoch = central_db.meta(conn, central_db.EPOCH_KEY)
            floor = Cursor.parse(central_db.meta(conn, central_db.LOG_FLOOR_KEY))
            upcoming = central_db.next_txid(conn)
        if epoch != central_epoch:
            return ResyncReason.EPOCH
        if floor is not None and (cursor.txid, cursor.seq) < (floor.txid, floor.seq):
            return ResyncReason.LOG_PRUNED
        position = cursor.txid if central_db.is_postgresql(self.central) else cursor.seq
        if position > upcoming:
            return ResyncReason.BEHIND
        return None

    def _changes_page(self, conn: Connection, cursor: Cursor, hi: int, limit: int):
        c = SyncChange.__table__.c
        after = tuple_(c.txid, c.seq) > tuple_(cursor.txid, cursor.seq)
        # Two index range scans (this office, and reference data for all), merged.
        mine = (select(c.txid, c.seq, c.table_name, c.row_id, c.version, c.op, c.client_id)
                .where(c.office_id == self.office_id, after, c.txid < hi)
                .order_by(c.txid, c.seq).limit(limit))
        common = (select(c.txid, c.seq, c.table_name, c.row_id, c.version, c.op, c.client_id)
                  .where(c.office_id.is_(None), after, c.txid < hi)
                  .order_by(c.txid, c.seq).limit(limit))
        both = union_all(mine.subquery().select(), common.subquery().select()).subquery()
        return conn.execute(select(both).order_by(both.c.txid, both.c.seq).limit(limit)).all()

    def pull(self, progress: ProgressFn | None = None, *, page_size: int = PULL_PAGE) -> int:
        """Apply every central change newer than the cursor, a page per local
        transaction (the cursor moves with the data). Returns rows applied."""
        applied = 0
        while True:
            cursor = self.cursor() or Cursor(0, 0)
            with self.central.connect() as conn:
                hi = central_db.watermark(conn)
                changes = self._changes_page(conn, cursor, hi, page_size)
                rows, removed = self._fetch_rows(conn, changes)
            drained = len(changes) < page_size
            if changes:
                last = changes[-1]
                new_cursor = Cursor(last.txid, last.seq)
            else:
                new_cursor = cursor
            if drained and central_db.is_postgresql(self.central):
                # Every transaction below hi is finished: nothing can appear there later.
                new_cursor = max(new_cursor, Cursor(hi, 0), key=lambda k: (k.txid, k.seq))
            crash_point("pull.before_apply")
            with apply_transaction(self.local) as lconn:
                applied += self._apply_page(lconn, rows, removed)
                crash_point("pull.mid_apply")
                self.pulled_tables |= {name for name, found in rows.items() if found}
                set_meta(lconn, CURSOR_KEY, str(new_cursor))
            if progress:
                progress(Progress("pull", applied))
            if drained:
                return applied

    def _fetch_rows(self, conn: Connection, changes) -> tuple[dict[str, list[tuple]], dict]:
        """The rows of a page of changes, in the store's storage form (as a first sync
        reads them), and the cases to take out (moved to another office)."""
        wanted: dict[str, set[uuid.UUID]] = {}
        removed: dict[str, set[uuid.UUID]] = {}
        for ch in changes:
            if ch.client_id == self.client_id and ch.op != "remove":
                continue  # our own push: its answer brought the row already
            if ch.op == "remove":
                if not self._really_moved(conn, ch.table_name, ch.row_id):
                    continue  # nothing is dropped on a change that cannot be verified
                removed.setdefault(ch.table_name, set()).add(ch.row_id)
                wanted.get(ch.table_name, set()).discard(ch.row_id)
            else:
                wanted.setdefault(ch.table_name, set()).add(ch.row_id)
                removed.get(ch.table_name, set()).discard(ch.row_id)
        reader = first_sync.Reader(conn, self.office_id)
        rows: dict[str, list[tuple]] = {}
        for name, ids in wanted.items():
            st = synced_tables().get(name)
            if st is None:
                continue  # a table this version does not know yet
            found = reader.by_ids(st, [i.hex for i in ids])
            rows[name] = [r for r in found if self._in_scope(r, st)]
        return rows, removed

    def _really_moved(self, conn: Connection, table_name: str, row_id: uuid.UUID) -> bool:
        """A `remove` is obeyed only for a case that the central database holds in
        another office now (a move), never on the change log's word alone."""
        if table_name != "cases":
            return False
        if central_db.is_postgresql(conn):
            return bool(conn.execute(text("SELECT public.md_case_moved(:id)"),
                                     {"id": row_id}).scalar())
        cases = synced_table("cases").table
        office = conn.execute(select(cases.c.office_id).where(cases.c.id == row_id)).first()
        return office is not None and office[0] != self.office_id

    def _in_scope(self, row: tuple, st: SyncedTable) -> bool:
        # Row-level security filters PostgreSQL; this also holds on an SQLite central.
        if st.scope == Scope.OFFICE:
            office = row[st.columns.index("office_id")]
            return office is None or office == self.office_id.hex
        return True

    def _apply_page(self, conn: Connection, rows: dict[str, list[tuple]],
                    removed: dict[str, set[uuid.UUID]]) -> int:
        count = 0
        for st in synced_tables().values():  # parents first
            batch = rows.get(st.name)
            if batch:
                key = st.columns.index("id")
                held = {i.hex for i in pending_ids(conn, st.name,
                                                   [uuid.UUID(r[key]) for r in batch])}
                count += len(self._write_table(conn, st, batch, held, initial=False))
        for name, ids in removed.items():
            st = synced_tables().get(name)
            if st is None or not ids:
                continue
            held = pending_ids(conn, name, list(ids))
            for m in held:
                self._held_on_removal(conn, st, m)
            purge_rows(conn, st, list(ids))
        return count

    def _held_on_removal(self, conn: Connection, st: SyncedTable, row_id: uuid.UUID) -> None:
        """Unsent changes to a case that left this office go to the attention list."""
        entries = conn.execute(select(SyncOutbox).where(
            SyncOutbox.table_name == st.name, SyncOutbox.row_id == row_id)).all()
        for e in entries:
            self._attention(conn, Mutation(e.mutation_id, e.table_name, e.row_id, e.op,
                                           e.base or {}, e.values or {}),
                            Outcome(e.mutation_id, Status.REJECTED, None, "moved",
                                    "the case moved to another office"))
        conn.execute(delete(SyncOutbox).where(SyncOutbox.table_name == st.name,
                                              SyncOutbox.row_id == row_id))

    # ------------------------------------------------------------ first sync, resync

    def snapshot(self, progress: ProgressFn | None = None, *,
                 reason: ResyncReason = ResyncReason.FIRST,
                 page_size: int = SNAPSHOT_PAGE) -> int:
        """Download every row of this office, table by table in key order, a page per
        local transaction with its position: an interrupted first sync resumes where it
        stopped. Unsent local changes stay in the outbox and are pushed afterwards
        against their original bases, so they merge or become conflicts."""
        with self.local.connect() as lconn:
            state = json.loads(get_meta(lconn, SNAPSHOT_KEY) or "null")
        if state is None:
            with self.central.connect() as conn:
                hi = central_db.watermark(conn)
                if not central_db.is_postgresql(conn):
                    hi = central_db.next_txid(conn) - 1  # seq of the last change
                epoch = central_db.meta(conn, central_db.EPOCH_KEY)
            state = {"hi": hi, "epoch": epoch, "table": 0, "last": None,
                     "reason": reason.value, "done": 0}
            with self.local.begin() as lconn:
                set_meta(lconn, SNAPSHOT_KEY, json.dumps(state))
        tables = list(synced_tables().values())
        with ThreadPoolExecutor(1, thread_name_prefix="snapshot-counts") as pool:
            # Counted once, beside the first pages' reading: they say how far along it
            # is, and a first sync which indexes wait until the end.
            counting: Future | None = None
            if state.get("total") is None:
                counting = pool.submit(self._snapshot_counts, tables)
            if state["reason"] == ResyncReason.FIRST.value:
                self._first_sync(state, counting, progress)
            else:
                self._take_counts(state, counting)
                self._resync(state, state["total"], progress, page_size)
        with self.local.begin() as lconn:
            cursor = Cursor(state["hi"], 0)
            if not central_db.is_postgresql(self.central):
                cursor = Cursor(0, state["hi"])
            set_meta(lconn, CURSOR_KEY, str(cursor))
            set_meta(lconn, EPOCH_KEY, state["epoch"])
            set_meta(lconn, SNAPSHOT_KEY, None)
        return state["done"]

    @staticmethod
    def _take_counts(state: dict[str, Any], counting: Future | None) -> None:
        if counting is not None:
            state["counts"] = counting.result()
            state["total"] = sum(state["counts"].values())

    def _first_sync(self, state: dict[str, Any], counting: Future | None,
                    progress: ProgressFn | None) -> None:
        """Into an empty store: rows in storage form, cases a page at a time with
        everything under them (app/sync/first_sync.py), read a page ahead on a thread
        of its own. The store's indexes that the load at least doubles wait until the
        end (app/store/bulk.defer_for_load), and the pages commit without waiting for
        the disk: a power cut may take back the last pages, never what they say of
        the position, so the sync resumes before them (a crash takes nothing back)."""
        from app.store import audit_chain, bulk

        reading = first_sync.read_ahead(self.central, self.office_id, state)
        try:
            # The reader starts on the first pages while the rows are counted.
            pages = itertools.chain([next(reading)], reading)
        except StopIteration:
            pages = iter(())
        try:
            self._take_counts(state, counting)
            with apply_transaction(self.local, durable=False) as lconn:
                counts = state.get("counts")
                if counts:
                    expected = {**counts, "case_tags": counts.get("cases", 0)}
                    # The chain's position stays indexed: each page of audit rows reads it.
                    bulk.defer_for_load(lconn.connection.driver_connection, expected,
                                        keep=(audit_chain.CHAIN_INDEX,))
            with BackgroundCheckpoints(self.local) as checkpoints:
                self._first_sync_pages(state, pages, progress, checkpoints)
        finally:
            reading.close()  # stops the reader if the writing stopped early
        with apply_transaction(self.local) as lconn:
            bulk.restore_deferred_load(lconn.connection.driver_connection)

    def _first_sync_pages(self, state: dict[str, Any],
                          pages: Iterator[tuple[dict[str, list[tuple]], dict]],
                          progress: ProgressFn | None,
                          checkpoints: BackgroundCheckpoints) -> None:
        tables = synced_tables()
        for batch, after in pages:
            # The reader's position, with what it does not carry (the counts).
            after = {**state, **after}
            with apply_transaction(self.local, durable=False) as lconn:
                for st in tables.values():
                    rows = batch.get(st.name)
                    if not rows:
                        continue
                    held = {i.hex for i in pending_ids(lconn, st.name)}
                    self._write_table(lconn, st, rows, held, initial=True)
                set_meta(lconn, SNAPSHOT_KEY, json.dumps(after))
            checkpoints.committed()
            state.update(after)
            if progress:
                progress(Progress("snapshot", state["done"], state.get("total"),
                                  next(iter(batch), "")))

    def _resync(self, state: dict[str, Any], total: int | None,
                progress: ProgressFn | None, page_size: int) -> None:
        """Into a store that holds rows already: every table by its own keys, in the
        first sync's storage form and read ahead the same way; the central state wins
        for rows not pending, even at a lower version (a restored database counts
        versions again), except where this store holds what the central database lacks
        (``_replay_what_central_lacks``)."""
        with BackgroundCheckpoints(self.local) as checkpoints:
            self._resync_pages(state, total, progress, page_size, checkpoints)

    def _resync_pages(self, state: dict[str, Any], total: int | None,
                      progress: ProgressFn | None, page_size: int,
                      checkpoints: BackgroundCheckpoints) -> None:
        tables = synced_tables()
        for batch, after in first_sync.read_ahead(self.central, self.office_id, state,
                                                  page_size=page_size):
            ((name, page),) = batch.items()
            st = tables[name]
            # The key range this page covers: to the table's end once it is short.
            lower = state["last"]
            upper = after["last"] if after["table"] == state["table"] else None
            with apply_transaction(self.local, durable=False) as lconn:
                local = first_sync.local_rows(lconn.connection.driver_connection, st,
                                              lower, upper)
                kept = self._replay_what_central_lacks(lconn, st, page, local)
                held = {i.hex for i in pending_ids(lconn, st.name)} | kept
                fresh = first_sync.differing(st, page, local)
                self._write_table(lconn, st, fresh, held, initial=True, force=True)
                set_meta(lconn, SNAPSHOT_KEY, json.dumps(after))
            checkpoints.committed()
            state.update(after)
            if progress:
                progress(Progress("snapshot", state["done"], total, st.name))

    def _replay_what_central_lacks(self, conn: Connection, st: SyncedTable,
                                   page: list[tuple], local_rows: dict[str, tuple]
                                   ) -> set[str]:
        """After a restore from backup the central database may lack rows, or newer
        versions of rows, that it once accepted from here. This workstation still has
        them: they go back to the outbox (inserts, or updates against the central
        values) instead of being overwritten. ``page``: the central rows (storage form)
        of a key range, ``local_rows`` the store's of the same range. Returns the hex
        ids to keep as they are here."""
        if not (st.scope == Scope.CASE or (st.scope == Scope.OFFICE
                                           and st.name not in ("mediators", "office_settings"))):
            return set()
        key, version = st.columns.index("id"), st.columns.index("version")
        local_versions = {i: r[version] for i, r in local_rows.items()}
        central_versions = {r[key]: r[version] for r in page}
        # Compared by version first, in the store's own terms; the few rows that may
        # differ are read as values, here and centrally.
        differing = [uuid.UUID(i) for i, v in local_versions.items()
                     if i not in central_versions or v > central_versions[i]]
        if not differing:
            return set()
        held = pending_ids(conn, st.name, differing)
        differing = [i for i in differing if i not in held]
        if not differing:
            return set()
        local = {r["id"]: dict(r) for r in conn.execute(
            select(st.table).where(st.table.c.id.in_(differing))).mappings()}
        there = [i for i in differing if i.hex in central_versions]
        central: dict[uuid.UUID, dict] = {}
        if there:
            with self.central.connect() as cconn:
                central = {r["id"]: dict(r) for r in cconn.execute(
                    select(st.table).where(st.table.c.id.in_(there))).mappings()}
        entries, keep_local = [], set()
        for row_id, row in local.items():
            theirs = central.get(row_id)
            mine = {c: to_plain(st.table.c[c], row[c]) for c in st.columns}
            if theirs is None:
                entries.append(("insert", row_id, {}, mine))
            elif row["version"] > theirs["version"]:
                theirs_plain = {c: to_plain(st.table.c[c], theirs[c]) for c in st.columns}
                changed = {c: v for c, v in mine.items()
                           if c not in ("id", "version") and v != theirs_plain[c]}
                if changed:
                    entries.append(("update", row_id, {c: theirs_plain[c] for c in changed},
                                    changed))
                    keep_local.add(row_id.hex)
        if entries:
            from app.store import migrate

            now = utcnow()
            conn.execute(SyncOutbox.__table__.insert(), [dict(
                mutation_id=new_id(), table_name=st.name, row_id=row_id, op=op,
                base=base, values=values, schema_revision=migrate.head_revision(),
                created_at=now, attempts=0, last_error="")
                for op, row_id, base, values in entries])
        return keep_local

    def _scope_filter(self, st: SyncedTable):
        if st.scope == Scope.OFFICE:
            return or_(st.table.c.office_id == self.office_id, st.table.c.office_id.is_(None))
        if st.scope == Scope.CASE:
            cases = synced_table("cases").table
            return st.table.c.case_id.in_(
                select(cases.c.id).where(cases.c.office_id == self.office_id))
        return and_(True)

    def _snapshot_counts(self, tables: list[SyncedTable]) -> dict[str, int]:
        """Rows to download by table, counted once so that progress can say how far
        along it is (and a first sync which indexes to make after the load)."""
        with self.central.connect() as conn:
            if central_db.is_postgresql(conn):
                # Compiling these scans costs PostgreSQL more than it saves.
                conn.exec_driver_sql("SELECT pg_catalog.set_config('jit', 'off', true)")
            return {st.name: int(conn.execute(select(func.count()).select_from(st.table)
                                              .where(self._scope_filter(st))).scalar_one())
                    for st in tables}
