"""Moving a standalone office to a central database: copy its workstation store in.

`mediation-desk central import URL --from DATA_DIR` calls import_store(). Everything the
office has goes in, in one central transaction (a failure leaves the central database as
it was): its office and mediators, every case with everything under it, the audit trail
and the office's settings. Reference data (calendar years, deadline rule sets) goes in
only where the central database lacks it.

An office whose code the central database knows already is not added again: the
store's rows are filed under the central office (office_id rewritten), and mediators
whose login exists centrally likewise (cases' mediator_id rewritten). Every row written
gets its change-log entry, as push.log_change would write it, so workstations that are
already linked pull the imported cases.

On PostgreSQL the rows travel by COPY, read from the store with plain sqlite3 in rowid
order; the store's text values (32-hex UUIDs, naive-UTC timestamps, 0/1 booleans, JSON
text) are what PostgreSQL's text input takes, so they pass unconverted, with the
session's time zone set to UTC for the transaction. The change log is written on the
server (INSERT … SELECT over the rows the transaction inserted). Tables that are empty or
small against the load are loaded in bulk: indexes, foreign keys and the triggers whose
work is done another way are put back before commit, and the audit rows are staged
beside the load on a second connection, whose server makes each row's chain body while
this process links them into their office's chain (_PostgresWriter). An SQLite central
stores values exactly as a store does, so rows are inserted as they are read
(executemany).

A second import of the same store is refused (its cases are there already); so is a
store that is itself linked to a central database.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.exc import DBAPIError, IntegrityError

from app.services.central_admin import AdminError
from app.store import cipher, migrate
from app.store.cipher import DB_ERRORS
from app.store.database import SQLITE_MAGIC, Store
from app.store.models import (
    CalendarYearRow,
    Case,
    DeadlineRuleSet,
    Mediator,
    NumberCounter,
    Office,
    OfficeSetting,
)
from app.sync import central as central_db
from app.sync.tables import Scope, SyncedTable, synced_tables

ImportProgress = Callable[[int, int], None]

CHUNK = 20_000  # rows read from the store at a time (and the progress step)
SAMPLE = 500  # case ids looked up centrally, from each end of the store, to spot a re-import
DEFAULT_ACTOR = "central-import"


class ImportRefused(AdminError):
    """The import did not run (or was rolled back); the message says why (and
    ``chinese`` says it in Chinese)."""


class Note(NamedTuple):
    """Something the person who imported should know, in English and in Chinese."""

    english: str
    chinese: str


@dataclass
class ImportReport:
    central: str  # postgresql | sqlite
    offices: dict[str, str] = field(default_factory=dict)  # code -> "added" | "existing"
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows written
    skipped: dict[str, int] = field(default_factory=dict)  # table -> rows the central had
    changes: int = 0  # change-log entries written
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)  # where the seconds went
    notes: list[Note] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    def __str__(self) -> str:
        offices = ", ".join(f"{code} ({how})" for code, how in self.offices.items())
        lines = [f"imported into the {self.central} central database: office {offices}"]
        for table, count in self.rows.items():
            skipped = self.skipped.get(table, 0)
            extra = f"   ({skipped:,} there already)" if skipped else ""
            lines.append(f"  {table:<20} {count:>12,}{extra}")
        rate = self.total_rows / self.seconds if self.seconds else 0.0
        lines.append(f"  {'change-log entries':<20} {self.changes:>12,}")
        lines.append(f"{self.total_rows:,} rows in {self.seconds:.1f} s ({rate:,.0f} rows/s)")
        lines.extend(note.english for note in self.notes)
        return "\n".join(lines)


# ---------------------------------------------------------------- reading the store


def _open_source(path: Path, key: bytes | None = None) -> sqlite3.Connection:
    """The store, read-only, after checking it is one and is not itself a sync client."""
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise ImportRefused(f"cannot read the store {path}: {exc}",
                            f"无法读取数据文件 {path}：{exc}") from exc
    if header != SQLITE_MAGIC and key is None:
        raise ImportRefused(f"{path} is not a Mediation Desk store (not an SQLite database); "
                            "nothing was imported",
                            f"{path} 不是调解工作台的数据文件（不是 SQLite 数据库），未导入任何数据")
    con = cipher.connect(path, key if header != SQLITE_MAGIC else None, read_only=True)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "alembic_version" not in tables or "cases" not in tables:
            raise ImportRefused(f"{path} is not a Mediation Desk store (no Mediation Desk "
                                "tables); nothing was imported",
                                f"{path} 不是调解工作台的数据文件（其中没有调解工作台的数据表），"
                                "未导入任何数据")
        revision = con.execute("SELECT version_num FROM alembic_version").fetchone()
        if revision is None or not migrate.is_known_revision(revision[0]):
            raise ImportRefused(f"the store {path} was made by another version of Mediation "
                                f"Desk (schema {revision[0] if revision else 'none'}); "
                                "nothing was imported",
                                f"数据文件 {path} 由另一版本的调解工作台创建（结构版本 "
                                f"{revision[0] if revision else '无'}），未导入任何数据")
        if "local_meta" in tables:
            mode = con.execute("SELECT value FROM local_meta WHERE key = 'sync.mode'").fetchone()
            if mode and mode[0] == "central":
                raise ImportRefused(f"the store {path} is a workstation of a central database "
                                    "already; its data is there, nothing was imported",
                                    f"数据文件 {path} 所在的工作站已连接中心数据库，其数据已在"
                                    "中心数据库中；未导入任何数据")
        for st in synced_tables().values():
            if st.name not in tables:
                continue  # a table added after the store's version: it has no rows there
            have = {r[1] for r in con.execute(f'PRAGMA table_info("{st.name}")')}
            missing = [c for c in st.columns if c not in have]
            if missing:
                raise ImportRefused(f"the store {path} lacks {st.name}.{', '.join(missing)}: "
                                    "open it once with this version of Mediation Desk",
                                    f"数据文件 {path} 缺少 {st.name}.{', '.join(missing)}："
                                    "请先用这一版本的调解工作台打开它一次")
    except DB_ERRORS as exc:
        con.close()
        raise ImportRefused(f"the store {path} is damaged ({exc}); nothing was imported",
                            f"数据文件 {path} 已损坏（{exc}），未导入任何数据") from exc
    except BaseException:
        con.close()
        raise
    return con


def _hex(value: uuid.UUID) -> str:
    return value.hex


def _remap(column: str, mapping: dict[str, str]) -> str:
    """A column expression that rewrites ids (as the store's 32-hex text)."""
    if not mapping:
        return column
    whens = " ".join(f"WHEN '{old}' THEN '{new}'" for old, new in mapping.items())
    return f"(CASE {column} {whens} ELSE {column} END)"


@dataclass
class _Plan:
    """What to write: id rewrites and source rows to leave out, per table."""

    office_map: dict[str, str] = field(default_factory=dict)  # store office -> central
    mediator_map: dict[str, str] = field(default_factory=dict)
    skip: dict[str, set[str]] = field(default_factory=dict)  # table -> store ids left out
    offices: dict[str, str] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    case_offices: list[str] = field(default_factory=list)  # the store's, as written

    def reference_map(self, st: SyncedTable, column: str) -> dict[str, str]:
        for fk in st.table.c[column].foreign_keys:
            if fk.column.table.name == "offices":
                return self.office_map
            if fk.column.table.name == "mediators":
                return self.mediator_map
        if column == "office_id":  # audit_events, sync_conflicts: no foreign key
            return self.office_map
        return {}

    def moved(self) -> tuple[dict[str, str], dict[str, str]]:
        """Only the ids that change (mapping an id to itself rewrites nothing)."""
        return ({k: v for k, v in self.office_map.items() if k != v},
                {k: v for k, v in self.mediator_map.items() if k != v})


def _plan(conn: Connection, src: sqlite3.Connection) -> _Plan:
    plan = _Plan()
    central_offices = {o.code: o for o in conn.execute(select(Office.id, Office.code))}
    central_office_ids = {o.id.hex for o in central_offices.values()}
    for sid, code in src.execute("SELECT id, code FROM offices ORDER BY rowid"):
        found = central_offices.get(code)
        if found is not None:
            plan.office_map[sid] = found.id.hex
            plan.skip.setdefault("offices", set()).add(sid)
            plan.offices[code] = "existing"
        elif sid in central_office_ids:
            raise ImportRefused(f"the central database has an office with this store's office "
                                f"id but another code than {code}: nothing was imported",
                                f"中心数据库中有一个机构的 ID 与本数据文件的机构相同，代码却不是 "
                                f"{code}：未导入任何数据")
        else:
            plan.office_map[sid] = sid
            plan.offices[code] = "added"

    logins = {m.login: m for m in conn.execute(select(Mediator.id, Mediator.login,
                                                      Mediator.office_id))}
    mediator_ids = {m.id.hex for m in logins.values()}
    for sid, login, office in src.execute("SELECT id, login, office_id FROM mediators"):
        found = logins.get(login)
        if found is not None:
            plan.mediator_map[sid] = found.id.hex
            plan.skip.setdefault("mediators", set()).add(sid)
            if found.office_id.hex != plan.office_map.get(office, office):
                plan.notes.append(Note(
                    f"note: login {login} is a user of another office centrally; its cases "
                    "here now name that user",
                    f"注意：登录名 {login} 在中心数据库中是另一个机构的用户；本数据文件中记在该登录名"
                    "下的案件现在记在那位用户名下"))
        elif sid in mediator_ids:
            raise ImportRefused(f"the central database has a user with the id of this store's "
                                f"user {login} under another login: nothing was imported",
                                f"中心数据库中有一个用户的 ID 与本数据文件的用户 {login} 相同，"
                                "登录名却不同：未导入任何数据")

    years = set(conn.execute(select(CalendarYearRow.year)).scalars())
    plan.skip["calendar_years"] = {i for i, y in src.execute("SELECT id, year FROM calendar_years")
                                   if y in years}
    codes = set(conn.execute(select(DeadlineRuleSet.code)).scalars())
    plan.skip["deadline_rule_sets"] = {
        i for i, c in src.execute("SELECT id, code FROM deadline_rule_sets") if c in codes}

    # An existing office keeps its own settings; the store's fill in keys it lacks.
    existing = {uuid.UUID(v) for k, v in plan.office_map.items() if k in
                plan.skip.get("offices", set())}
    if existing:
        have = {(o.hex, k) for o, k in conn.execute(
            select(OfficeSetting.office_id, OfficeSetting.key)
            .where(OfficeSetting.office_id.in_(existing)))}
        plan.skip["office_settings"] = {
            i for i, o, k in src.execute("SELECT id, office_id, key FROM office_settings")
            if (plan.office_map.get(o, o), k) in have}
    return plan


def _already_imported(conn: Connection, src: sqlite3.Connection) -> tuple[int, int]:
    """(looked up, found): a sample of the store's cases and how many of them the central
    database holds."""
    ids = [r[0] for r in src.execute(
        f"SELECT id FROM (SELECT id FROM cases ORDER BY rowid LIMIT {SAMPLE}) "
        f"UNION SELECT id FROM (SELECT id FROM cases ORDER BY rowid DESC LIMIT {SAMPLE})")]
    if not ids:
        return 0, 0
    return len(ids), int(conn.execute(select(func.count()).select_from(Case).where(
        Case.id.in_([uuid.UUID(i) for i in ids]))).scalar_one())


@dataclass
class _Source:
    """The SELECTs that read one table's rows, and their change-log entries, from the
    store with the plan's rewrites applied."""

    st: SyncedTable
    rows_sql: str
    log_sql: str
    count_sql: str


def _sources(src: sqlite3.Connection, plan: _Plan) -> list[_Source]:
    offices, mediators = plan.moved()
    plan.office_map, plan.mediator_map = offices, mediators
    case_offices = [r[0] for r in src.execute("SELECT DISTINCT office_id FROM cases")]
    plan.case_offices = [offices.get(o, o) for o in case_offices]
    present = {r[0] for r in src.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    result = []
    for st in synced_tables().values():
        if st.name not in present:
            continue
        name = f'"{st.name}"'
        skip = plan.skip.get(st.name)
        where = ""
        if skip:
            where = " WHERE t.id NOT IN (" + ", ".join(f"'{i}'" for i in sorted(skip)) + ")"
        cols = ", ".join(_remap(f't."{c}"', plan.reference_map(st, c)) for c in st.columns)
        rows_sql = f"SELECT {cols} FROM {name} AS t{where} ORDER BY t.rowid"
        if st.scope == Scope.OFFICE:
            office = _remap("t.office_id", offices)
            log_sql = f"SELECT {office}, t.id, t.version FROM {name} AS t{where} ORDER BY t.rowid"
        elif st.scope == Scope.CASE and len(case_offices) == 1:
            office = f"'{offices.get(case_offices[0], case_offices[0])}'"
            log_sql = f"SELECT {office}, t.id, t.version FROM {name} AS t{where} ORDER BY t.rowid"
        elif st.scope == Scope.CASE:
            office = _remap("c.office_id", offices)
            log_sql = (f"SELECT {office}, t.id, t.version FROM {name} AS t "
                       f"LEFT JOIN cases AS c ON c.id = t.case_id{where} ORDER BY t.rowid")
        else:
            log_sql = f"SELECT NULL, t.id, t.version FROM {name} AS t{where} ORDER BY t.rowid"
        count_sql = f"SELECT count(*) FROM {name} AS t{where}"
        result.append(_Source(st, rows_sql, log_sql, count_sql))
    return result


def _read(src: sqlite3.Connection, sql: str) -> Iterator[list[tuple]]:
    cur = src.execute(sql)
    while True:
        chunk = cur.fetchmany(CHUNK)
        if not chunk:
            return
        yield chunk


# ---------------------------------------------------------------- writing centrally


class _Writer:
    def __init__(self, conn: Connection, actor: str) -> None:
        self.conn = conn
        self.actor = actor
        self.at = datetime.now(UTC)
        self.phases: dict[str, float] = {}

    def timed(self, phase: str, started: float) -> None:
        self.phases[phase] = self.phases.get(phase, 0.0) + time.perf_counter() - started

    def prepare(self, incoming: dict[str, int]) -> None:
        """Before the first row: ready the tables for ``incoming`` rows per table."""

    def rows(self, table: str, columns: tuple[str, ...], chunks: Iterable[list[tuple]],
             step: Callable[[int], None]) -> int:
        raise NotImplementedError

    def changes(self, source: _Source, src: sqlite3.Connection, office: str | None,
                step: Callable[[int], None]) -> int:
        """The change-log entries of the rows just written from ``source``; ``office``
        is the (central) office of every case-scoped row when the store has one."""
        raise NotImplementedError

    def start_audit_chain(self, engine: Engine, source: _Source,
                          reopen: Callable[[], sqlite3.Connection],
                          offices: list[str | None]) -> bool:
        """Whether the audit rows' chain is being computed beside the load (then they
        are written last)."""
        return False

    def finish(self, but: Iterable[str] = ()) -> None:
        """After the rows of every table (but those named), before commit."""

    def close(self) -> None:
        """After commit or rollback."""


# A table is loaded in bulk (below) when it takes at least this many rows and holds
# fewer than BULK_RATIO times as many as come in: a new office's central database,
# not a district's that other offices work in all day (their syncs would wait on the
# locks the bulk load holds to commit).
BULK_MIN_ROWS = 20_000
BULK_RATIO = 0.25
# The change log is written on the server by a scan of the table for the rows this
# transaction inserted, unless the table holds this many times more rows than come in
# (a small office into a district's database): then from the store, as (office, id,
# version) by COPY.
LOG_SCAN_RATIO = 4
# pg_advisory_xact_lock(class, office) of the audit chain (migration 0008's LOCK_CLASS).
AUDIT_LOCK_CLASS = 0x6D64_6175
# The office chain's link and what it covers: migration 0008's LINK and BODY (and
# app/sync/audit_check.py's), with the row's position given as {seq}.
_TS = "pg_catalog.to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
_AUDIT_BODY = ("pg_catalog.jsonb_build_array({seq}, s.id, s.office_id, s.case_id, s.entity, "
               "s.entity_id, s.action, s.changes::jsonb, s.reason, s.deleted, s.actor, "
               + _TS.format("s.at") + ", s.client_actor, " + _TS.format("s.client_at")
               + ")::text")
_AUDIT_GENESIS = "0" * 64


@dataclass
class _Bulk:
    """What a bulk load took away from one table, to put back before commit."""

    indexes: list[tuple[str, str]] = field(default_factory=list)  # (name, CREATE INDEX …)
    foreign_keys: list[tuple[str, str]] = field(default_factory=list)  # (name, definition)
    triggers: list[str] = field(default_factory=list)


class _PostgresWriter(_Writer):
    """COPY into the tables, the change log written on the server.

    A table that is empty or small against what comes in is loaded in bulk, inside the
    import's one transaction (so a failure rolls all of it back with the rows): its
    secondary indexes are dropped and built again after the load, its foreign keys
    dropped and added again (which checks every row at once), and the triggers that do
    nothing for an administrator's import, or whose work is done here for the whole
    load at once, are disabled and enabled again. Each is listed in _quiet_triggers
    with what stands in for it.
    """

    def __init__(self, conn: Connection, actor: str) -> None:
        super().__init__(conn, actor)
        # The store's timestamps are naive UTC text: read them as UTC.
        conn.exec_driver_sql("SET LOCAL TimeZone = 'UTC'")
        self.dbapi = conn.connection.driver_connection
        self.bulk: dict[str, _Bulk] = {}
        self.finished: set[str] = set()
        self.held: dict[str, int] = {}  # rows each table held before the import
        self.written: dict[str, int] = {}
        self.xid = ""
        self.txid = 0
        self.login = True
        self.admin = False
        self.temp = False
        self.stats_marks: str | None = None
        self.chain: tuple[Connection, ThreadPoolExecutor, Future] | None = None
        self.chain_heads: dict[str | None, tuple[int, str]] = {}

    def _sql(self, sql: str, params: tuple | dict | None = None) -> list[tuple]:
        with self.dbapi.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall() if cur.description else []

    # ------------------------------------------------------------ bulk mode

    def prepare(self, incoming: dict[str, int]) -> None:
        started = time.perf_counter()
        (self.login, self.admin, self.temp, self.xid, self.txid), = self._sql(
            "SELECT public.md_is_login(), public.md_is_admin(), "
            "pg_catalog.has_database_privilege(pg_catalog.current_database(), 'TEMPORARY'), "
            "pg_catalog.pg_current_xact_id()::xid::text, "
            "pg_catalog.pg_current_xact_id()::text::bigint")
        total = sum(incoming.values())
        for table, count in [*incoming.items(), ("sync_changes", total)]:
            if count == 0:
                continue
            self.held[table] = self._held(table, count * LOG_SCAN_RATIO + 1)
            if count >= BULK_MIN_ROWS and self.held[table] < count * BULK_RATIO:
                self.bulk[table] = self._take_apart(table)
        if self.bulk:
            # Index builds sort in memory where they can.
            self._sql("SELECT pg_catalog.set_config('maintenance_work_mem', '256MB', true) "
                      "WHERE pg_catalog.current_setting('maintenance_work_mem')::text "
                      "NOT LIKE '%GB' AND pg_catalog.pg_size_bytes("
                      "pg_catalog.current_setting('maintenance_work_mem')) < 268435456")
        self.timed("prepare (bulk load: indexes, keys, triggers off)", started)

    def _held(self, table: str, limit: int) -> int:
        """The rows a table holds, counted up to ``limit`` when the planner's estimate is
        missing (a table never analysed)."""
        (estimate,), = self._sql("SELECT reltuples::bigint FROM pg_catalog.pg_class "
                                 "WHERE oid = %s::regclass", (f'public."{table}"',))
        if estimate >= 0:
            return int(estimate)
        (held,), = self._sql(f'SELECT count(*) FROM (SELECT 1 FROM public."{table}" '
                             f"LIMIT {int(limit)}) AS t")
        return int(held)

    def _take_apart(self, table: str) -> _Bulk:
        bulk = _Bulk()
        rel = f'public."{table}"'
        # Secondary indexes (not those of a primary key, unique constraint or a foreign
        # key's target): built again after the load, which checks a unique one then.
        # Not those whose definition PostgreSQL would not read back as it shows it (an
        # IN list becomes `= ANY ((ARRAY[…])::text[])`, read back with other casts): they
        # stay, so every index reads as the migrations made it.
        bulk.indexes = [(name, ddl) for name, ddl in self._sql(
            "SELECT c.relname, pg_catalog.pg_get_indexdef(i.indexrelid) "
            "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND i.indisvalid "
            "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k "
            "                WHERE k.conindid = i.indexrelid) ORDER BY c.relname", (rel,))
            if "= ANY (" not in ddl]
        # Foreign keys, validated ones only: added again, they check every row in one
        # join instead of one lookup per row.
        bulk.foreign_keys = [(name, ddl) for name, ddl in self._sql(
            "SELECT conname, pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' AND convalidated "
            "ORDER BY conname", (rel,))]
        enabled = {name for name, in self._sql(
            "SELECT tgname FROM pg_catalog.pg_trigger WHERE tgrelid = %s::regclass "
            "AND NOT tgisinternal AND tgenabled = 'O'", (rel,))}
        bulk.triggers = [t for t in self._quiet_triggers(table) if t in enabled]
        for name, _ in bulk.indexes:
            self._sql(f'DROP INDEX public."{name}"')
        for name, _ in bulk.foreign_keys:
            self._sql(f'ALTER TABLE {rel} DROP CONSTRAINT "{name}"')
        for name in bulk.triggers:
            self._sql(f'ALTER TABLE {rel} DISABLE TRIGGER "{name}"')
        return bulk

    def _quiet_triggers(self, table: str) -> list[str]:
        """The triggers a bulk load may turn off, each because what it does is done
        another way (or is nothing) for this import."""
        names = []
        if not self.login:
            # Stamps modified_by with the login; for an administrator (not a login) it
            # leaves the row as written.
            names.append("md_stamp_modified_by")
        if table == "cases":
            if self.admin:
                # The dispatch rule lets an administrator assign cases to anyone.
                names.append("cases_dispatch")
            self.stats_marks = self._stats_marks()
            if self.stats_marks is not None:
                # Marks each case's days out of date for the statistics: done once for
                # the whole load in finish() with the trigger's own expression.
                names.append("stats_mark_insert")
        if table == "audit_events" and not self.login and self.temp:
            # Links each row into its office's chain: done for the whole load at once by
            # start_audit_chain, with the trigger's link, under the trigger's lock.
            names.append("md_audit_stamp")
        return names

    def _stats_marks(self) -> str | None:
        """The statement md_stats_mark runs for an inserted case, as a statement over
        the cases this transaction inserted; None when it is not as migration 0019 left
        it (the trigger then stays on)."""
        (body,), = self._sql("SELECT pg_catalog.pg_get_functiondef("
                             "'public.md_stats_mark()'::pg_catalog.regprocedure)")
        head = "IF TG_OP <> 'DELETE' THEN "
        start = body.find(head)
        end = body.find("; END IF;", start)
        stmt = body[start + len(head):end] if start >= 0 and end > start else ""
        prefix = "INSERT INTO public.stats_dirty (office_id, day) SELECT DISTINCT NEW.office_id, d FROM unnest("
        suffix = ") AS d WHERE d IS NOT NULL ON CONFLICT DO NOTHING"
        if not (stmt.startswith(prefix) and stmt.endswith(suffix)):
            return None
        days = stmt[len(prefix):-len(suffix)].replace("NEW.", "c.")
        if "NEW" in days or ";" in days:
            return None
        return ("INSERT INTO public.stats_dirty (office_id, day) SELECT DISTINCT c.office_id, d "
                f"FROM public.cases AS c, unnest({days}) AS d WHERE d IS NOT NULL "
                f"AND c.xmin = '{self.xid}'::xid ON CONFLICT DO NOTHING")

    def finish(self, but: Iterable[str] = ()) -> None:
        for table, bulk in self.bulk.items():
            if table in but or table in self.finished:
                continue
            self.finished.add(table)
            rel = f'public."{table}"'
            started = time.perf_counter()
            for _, ddl in bulk.indexes:
                self._sql(ddl)
            self.timed(f"indexes {table}", started)
            started = time.perf_counter()
            for name, ddl in bulk.foreign_keys:
                self._sql(f'ALTER TABLE {rel} ADD CONSTRAINT "{name}" {ddl}')
            self.timed(f"foreign keys {table}", started)
            if "stats_mark_insert" in bulk.triggers:
                started = time.perf_counter()
                self._sql(self.stats_marks or "")
                self.timed("statistics marks", started)
            for name in bulk.triggers:
                self._sql(f'ALTER TABLE {rel} ENABLE TRIGGER "{name}"')

    # ------------------------------------------------------------ rows

    def _copy(self, sql: str, chunks: Iterable[list[tuple]], step: Callable[[int], None],
              tail: tuple = ()) -> int:
        count = 0
        with self.dbapi.cursor() as cur, cur.copy(sql) as copy:
            write = copy.write_row
            for chunk in chunks:
                for row in chunk:
                    write(row + tail if tail else row)
                count += len(chunk)
                step(len(chunk))
        return count

    def changes(self, source, src, office, step):
        # Written on the server from the rows this transaction inserted (their xmin is
        # its id: no savepoint is open around the COPY). seq takes its default, the next
        # of the sequence, and txid this transaction's id, its default, read once.
        started = time.perf_counter()
        st = source.st
        if self.held.get(st.name, 0) > LOG_SCAN_RATIO * max(self.written.get(st.name, 0), 1):
            count = self._copy("COPY public.sync_changes (office_id, row_id, version, "
                               "table_name, op, actor, at, txid) FROM STDIN",
                               _read(src, source.log_sql), step,
                               (st.name, "upsert", self.actor, self.at.isoformat(), self.txid))
            self.timed("change log (from the store)", started)
            return count
        if st.scope == Scope.OFFICE:
            scope, join = "t.office_id", ""
        elif st.scope == Scope.CASE and office is not None:
            scope, join = "%(office)s::uuid", ""
        elif st.scope == Scope.CASE:
            scope, join = "c.office_id", " LEFT JOIN public.cases AS c ON c.id = t.case_id"
        else:
            scope, join = "NULL::uuid", ""
        params = {"table": st.name, "actor": self.actor, "at": self.at, "xid": self.xid,
                  "txid": self.txid}
        if "%(office)s" in scope:
            params["office"] = office
        with self.dbapi.cursor() as cur:
            cur.execute(
                "INSERT INTO public.sync_changes (office_id, row_id, version, table_name, op, "
                f"actor, at, txid) SELECT {scope}, t.id, t.version, %(table)s, 'upsert', "
                f"%(actor)s, %(at)s, %(txid)s::bigint "
                f'FROM public."{st.name}" AS t{join} WHERE t.xmin = %(xid)s::xid',
                params)
            count = cur.rowcount
        step(count)
        self.timed("change log", started)
        return count


    def rows(self, table, columns, chunks, step):
        started = time.perf_counter()
        cols = ", ".join(f'"{c}"' for c in columns)
        if table == "audit_events" and self.chain is not None:
            count = self._chained_audit_rows(columns, step)
        else:
            count = self._copy(f'COPY public."{table}" ({cols}) FROM STDIN', chunks, step)
        self.written[table] = count  # (the audit rows' too)
        self.timed(f"rows {table}", started)
        return count

    # ------------------------------------------------------------ the audit chain

    def start_audit_chain(self, engine: Engine, source: _Source,
                          reopen: Callable[[], sqlite3.Connection],
                          offices: list[str | None]) -> bool:
        """With md_audit_stamp off (prepare): link the store's audit rows into their
        offices' chains as the trigger does for an administrator (actor and time stay as
        written), for the whole load at once, on a second connection while this one
        loads the other tables. The second connection only stages and computes
        (temporary tables, its own session): the rows reach the database through this
        transaction (_chained_audit_rows).

        Under the trigger's per-office lock, held here to commit, and from the head the
        trigger would read, in the store's order, with its link (migration 0008)."""
        if "md_audit_stamp" not in self.bulk.get("audit_events", _Bulk()).triggers:
            return False
        started = time.perf_counter()
        heads = {}
        for office in sorted(offices, key=lambda o: o or ""):
            self._sql("SELECT pg_catalog.pg_advisory_xact_lock(%s, pg_catalog.hashtext(%s))",
                      (AUDIT_LOCK_CLASS, "" if office is None else str(uuid.UUID(office))))
            head = self._sql("SELECT office_seq, office_hash FROM public.audit_events "
                             "WHERE office_id IS NOT DISTINCT FROM %s::uuid "
                             "AND office_seq IS NOT NULL ORDER BY office_seq DESC LIMIT 1",
                             (office,))
            heads[office] = head[0] if head else (0, _AUDIT_GENESIS)
        # The helper cannot look at the table (this transaction holds it): its types.
        types = dict(self._sql(
            "SELECT attname, pg_catalog.format_type(atttypid, atttypmod) "
            "FROM pg_catalog.pg_attribute WHERE attrelid = 'public.audit_events'::regclass "
            "AND attnum > 0 AND NOT attisdropped"))
        helper = engine.connect()
        raw = helper.connection.driver_connection
        helper.detach()  # closed for good after: its temporary tables go with it
        raw.rollback()
        raw.autocommit = True  # never idle in a transaction while this one works
        pool = ThreadPoolExecutor(1, thread_name_prefix="audit-chain")
        self.helper_raw = raw
        self.chain_heads = heads
        self.chain = (helper, pool, pool.submit(_audit_chain, raw, reopen, source, types))
        self.timed("audit chain: heads", started)
        return True

    def _chained_audit_rows(self, columns, step) -> int:
        """The staged audit rows into audit_events, each office's numbered from its head
        and linked as migration 0008's LINK does: the helper's server makes each row's
        BODY (set-wise, in the store's order), this process hashes the links (one
        sequential SHA-256 each, which in SQL cost a function call per row) and passes
        the rows on with them, as they stream (COPY text in, COPY text out)."""
        helper, pool, future = self.chain
        started = time.perf_counter()
        while True:
            try:
                staged, beside = future.result(timeout=5)
                break
            except FuturesTimeout:
                self._sql("SELECT 1")  # this transaction is busy, not idle
        self.timed("audit chain: waiting for the staged rows", started)
        for phase, seconds in beside.items():  # on the second connection, meanwhile
            self.phases[f"(beside) {phase}"] = seconds
        started = time.perf_counter()
        kept = [c for c in columns if c not in ("office_seq", "office_hash")]
        target = ", ".join([*(f'"{c}"' for c in kept), "office_seq", "office_hash"])
        picked = ", ".join(f's."{c}"' for c in kept)
        body = _AUDIT_BODY.format(seq="s.seq")
        raw = self.helper_raw
        count = 0
        with self.dbapi.cursor() as in_cur, \
                in_cur.copy(f"COPY public.audit_events ({target}) FROM STDIN") as into:
            for office, (seq, link) in self.chain_heads.items():
                query = (f"SELECT {picked}, s.seq, {body} "
                         "FROM (SELECT t.*, %(seq)s::bigint + row_number() OVER (ORDER BY t.ord)"
                         "      AS seq FROM pg_temp.md_import_audit AS t "
                         "      WHERE t.office_id IS NOT DISTINCT FROM %(office)s::uuid) AS s")
                params = {"office": office, "seq": seq}
                with raw.cursor() as out_cur, \
                        out_cur.copy(f"COPY ({query}) TO STDOUT", params) as out:
                    count += _link_rows(out, into, link.encode())
        if count != staged:  # a row of an office the store does not hold
            raise RuntimeError(f"audit rows: {staged} read, {count} linked into a chain")
        step(count)
        self.timed("audit chain: linked and copied in", started)
        self.close()
        return count

    def close(self) -> None:
        if self.chain is not None:
            helper, pool, future = self.chain
            self.chain = None
            if not future.done():  # the import failed meanwhile: stop the computing
                self.helper_raw.cancel_safe()
            pool.shutdown(wait=True)
            helper.close()


def _audit_chain(raw, reopen: Callable[[], sqlite3.Connection], source: _Source,
                 types: dict[str, str]) -> tuple[int, dict[str, float]]:
    """On the helper connection: the store's audit rows into the temporary table
    md_import_audit, numbered (ord) in the store's order and indexed by office in that
    order, for _chained_audit_rows to link. Returns how many were staged."""
    columns = source.st.columns
    phases: dict[str, float] = {}
    started = time.perf_counter()
    src = reopen()
    try:
        raw.execute("SET TimeZone = 'UTC'")
        raw.execute("SET client_encoding = 'UTF8'")  # the bodies hashed as the server would
        defs = ", ".join(f'"{c}" {types[c]}' for c in columns)
        raw.execute(f"CREATE TEMPORARY TABLE md_import_audit ({defs}, "
                    "ord bigint GENERATED ALWAYS AS IDENTITY)")
        cols = ", ".join(f'"{c}"' for c in columns)
        with raw.cursor() as cur, cur.copy(f"COPY pg_temp.md_import_audit ({cols}) FROM STDIN"
                                            ) as copy:
            write = copy.write_row
            for chunk in _read(src, source.rows_sql):
                for row in chunk:
                    write(row)
    finally:
        src.close()
    phases["audit rows into a staging table"] = time.perf_counter() - started
    started = time.perf_counter()
    # Each office's rows taken in the store's order through an index, not sorted wide.
    raw.execute("CREATE INDEX ON pg_temp.md_import_audit (office_id, ord)")
    raw.execute("ANALYZE pg_temp.md_import_audit")
    (staged,), = raw.execute("SELECT count(*) FROM pg_temp.md_import_audit").fetchall()
    phases["audit rows indexed by office"] = time.perf_counter() - started
    return int(staged), phases


# COPY's text format writes a backslash, and these control characters, as escapes; a
# body (JSON text) holds no raw control character, so in practice only "\\" occurs.
_COPY_ESCAPES = {b"b": b"\b", b"f": b"\f", b"n": b"\n", b"r": b"\r", b"t": b"\t",
                 b"v": b"\v"}
_COPY_ESCAPE = re.compile(rb"\\(.)", re.DOTALL)


def _copy_text_value(field: bytes) -> bytes:
    """A value as COPY's text format gave it, unescaped."""
    if b"\\" not in field:
        return field
    return _COPY_ESCAPE.sub(lambda m: _COPY_ESCAPES.get(m.group(1), m.group(1)), field)


def _link_rows(out: Iterable[memoryview], into, link: bytes, batch: int = 2000) -> int:
    """Rows of COPY text whose last field is the chain BODY, linked from ``link``: each
    passed on with the body replaced by its link, sha256(previous link, "\\n", body) in
    hex (migration 0008's LINK). Returns how many."""
    count = 0
    pending: list[bytes] = []
    sha256 = hashlib.sha256
    for piece in out:  # a row per piece, ending in its newline (libpq's PQgetCopyData)
        line = bytes(piece)
        cut = line.rindex(b"\t")
        body = _copy_text_value(line[cut + 1:-1])
        link = sha256(link + b"\n" + body).hexdigest().encode()
        pending.append(line[:cut + 1] + link + b"\n")
        if len(pending) >= batch:
            into.write(b"".join(pending))
            count += len(pending)
            pending.clear()
    if pending:
        into.write(b"".join(pending))
        count += len(pending)
    return count


class _SqliteWriter(_Writer):
    def rows(self, table, columns, chunks, step):
        cols = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        sql = f'INSERT INTO "{table}" ({cols}) VALUES ({marks})'
        count = 0
        for chunk in chunks:
            self.conn.exec_driver_sql(sql, chunk)
            count += len(chunk)
            step(len(chunk))
        return count

    def changes(self, source, src, office, step):
        # As SQLAlchemy stores an aware datetime in SQLite: naive UTC text.
        at = self.at.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        sql = ("INSERT INTO sync_changes (office_id, row_id, version, table_name, op, actor, "
               "at, txid) VALUES (?, ?, ?, ?, 'upsert', ?, ?, 0)")
        count = 0
        for chunk in _read(src, source.log_sql):
            self.conn.exec_driver_sql(sql, [(*r, source.st.name, self.actor, at)
                                            for r in chunk])
            count += len(chunk)
            step(len(chunk))
        return count


def _number_counters(conn: Connection, src: sqlite3.Connection, plan: _Plan) -> None:
    """Numbers the office issued while standalone are never issued again centrally."""
    rows = src.execute("SELECT office_id, number_year, max(number_seq) FROM documents "
                       "WHERE number_seq IS NOT NULL AND number_year IS NOT NULL "
                       "GROUP BY office_id, number_year").fetchall()
    dialect = postgresql if central_db.is_postgresql(conn) else sqlite_dialect
    for office, year, top in rows:
        office_id = uuid.UUID(plan.office_map.get(office, office))
        stmt = dialect.insert(NumberCounter).values(office_id=office_id, year=year,
                                                    next_seq=top + 1)
        stmt = stmt.on_conflict_do_update(
            index_elements=["office_id", "year"],
            set_={"next_seq": func.max(NumberCounter.next_seq, stmt.excluded.next_seq)}
            if dialect is sqlite_dialect else
            {"next_seq": func.greatest(NumberCounter.next_seq, stmt.excluded.next_seq)})
        conn.execute(stmt)


def _require_schema(conn: Connection) -> None:
    revision = central_db.schema_revision(conn)
    if revision is None:
        raise ImportRefused("the central database has no Mediation Desk schema: run "
                            "`central init` first; nothing was imported",
                            "中心数据库还没有调解工作台的数据库结构：请先运行 `central init`；"
                            "未导入任何数据")
    if revision != migrate.head_revision():
        raise ImportRefused(f"the central database's schema is at {revision}, this program "
                            f"expects {migrate.head_revision()}: run `central init` to upgrade "
                            "it first; nothing was imported",
                            f"中心数据库的结构版本为 {revision}，本程序需要 "
                            f"{migrate.head_revision()}：请先运行 `central init` 升级；未导入任何数据")


# ---------------------------------------------------------------- the import


def import_store(engine: Engine, store: Store, *, actor: str = DEFAULT_ACTOR,
                 progress: ImportProgress | None = None) -> ImportReport:
    """Copy a standalone workstation's store into the central database, in one
    transaction. Raises ImportRefused (nothing imported) with the reason."""
    started = time.perf_counter()
    src = _open_source(Path(store.path), store.key)
    report = ImportReport(engine.dialect.name)
    try:
        with src:
            report = _import(engine, src, lambda: _open_source(Path(store.path), store.key),
                             actor, progress, report)
    except DB_ERRORS as exc:
        raise ImportRefused(f"the store {store.path} could not be read ({exc}); nothing "
                            "was imported",
                            f"无法读取数据文件 {store.path}（{exc}），未导入任何数据") from exc
    finally:
        src.close()
    report.seconds = time.perf_counter() - started
    if central_db.is_postgresql(engine):
        _analyze(engine, report)
    return report


def _import(engine: Engine, src: sqlite3.Connection, reopen: Callable[[], sqlite3.Connection],
            actor: str, progress: ImportProgress | None, report: ImportReport) -> ImportReport:
    pg = central_db.is_postgresql(engine)
    writer: _Writer | None = None
    try:
        with engine.begin() as conn:
            _require_schema(conn)
            looked, found = _already_imported(conn, src)
            if found:
                raise ImportRefused(
                    f"this store's cases are in the central database already ({found} of "
                    f"{looked} looked up): it "
                    "was imported before (or its cases came there by sync); nothing was "
                    "imported",
                    f"本数据文件的案件已在中心数据库中（抽查 {looked} 件，{found} 件已在）："
                    "它以前已导入过（或其案件已通过同步进入中心数据库）；未导入任何数据")
            plan = _plan(conn, src)
            report.offices, report.notes = plan.offices, plan.notes
            sources = _sources(src, plan)
            counts = {s.st.name: src.execute(s.count_sql).fetchone()[0] for s in sources}
            total = 2 * sum(counts.values())
            done = 0

            def step(n: int) -> None:
                nonlocal done
                done += n
                if progress is not None:
                    progress(done, total)

            if progress is not None:
                progress(0, total)
            writer = _PostgresWriter(conn, actor) if pg else _SqliteWriter(conn, actor)
            report.phases = writer.phases
            case_office = plan.case_offices[0] if len(plan.case_offices) == 1 else None
            writer.prepare(counts)
            audit = next((s for s in sources if s.st.name == "audit_events"), None)
            offices = [*{plan.office_map.get(o, o) for o, in src.execute(
                "SELECT id FROM offices")}, None]
            chained = audit is not None and writer.start_audit_chain(engine, audit, reopen,
                                                                     offices)
            if chained:
                sources = [s for s in sources if s is not audit] + [audit]
            for source in sources:
                name = source.st.name
                if source is audit and chained:
                    # While the chain is computed: the other tables' indexes and keys.
                    writer.finish(but=("audit_events", "sync_changes"))
                report.rows[name] = writer.rows(name, source.st.columns,
                                                _read(src, source.rows_sql), step)
                report.skipped[name] = len(plan.skip.get(name, ()))
                logged = writer.changes(source, src, case_office, step)
                if logged != report.rows[name]:  # every row written has its entry
                    raise RuntimeError(f"{name}: {report.rows[name]} rows written, "
                                       f"{logged} change-log entries")
                report.changes += logged
            _number_counters(conn, src, plan)
            writer.finish()
    except IntegrityError as exc:
        raise ImportRefused(
            "the central database refused a row (" + _first_line(exc) + "); some of this "
            "store's rows are there already or break a rule; nothing was imported",
            f"中心数据库拒绝了一行数据（{_first_line(exc)}）：本数据文件中有些数据已在中心数据库中，"
            "或不符合规则；未导入任何数据") from exc
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise
        raise ImportRefused(f"the central database refused the import ({_first_line(exc)}); "
                            "nothing was imported",
                            f"中心数据库拒绝了这次导入（{_first_line(exc)}），未导入任何数据") from exc
    except Exception as exc:
        if _is_psycopg_refusal(exc):
            why = str(exc).strip().splitlines()[0]
            raise ImportRefused(f"the central database refused the import ({why}); nothing "
                                "was imported",
                                f"中心数据库拒绝了这次导入（{why}），未导入任何数据") from exc
        raise
    finally:
        if writer is not None:
            writer.close()
    return report


def _is_psycopg_refusal(exc: BaseException) -> bool:
    """Errors raised inside COPY come from psycopg directly, not wrapped by SQLAlchemy."""
    try:
        import psycopg
    except ImportError:
        return False
    return isinstance(exc, psycopg.errors.IntegrityError | psycopg.errors.DataError)


def _first_line(exc: DBAPIError) -> str:
    return str(exc.orig or exc).strip().splitlines()[0]


def _analyze(engine: Engine, report: ImportReport) -> None:
    """Fresh planner statistics after a bulk load, so the first syncs get good plans."""
    started = time.perf_counter()

    def analyze(table: str) -> None:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'ANALYZE "{table}"')
            conn.commit()

    # Two at a time: each is one process on the server.
    with ThreadPoolExecutor(2, thread_name_prefix="analyze") as pool:
        list(pool.map(analyze, [*report.rows, "sync_changes"]))
    report.phases["ANALYZE"] = time.perf_counter() - started
