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
session's time zone set to UTC for the transaction. An SQLite central stores values
exactly as a store does, so rows are inserted as they are read (executemany).

A second import of the same store is refused (its cases are there already); so is a
store that is itself linked to a central database.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
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

    def rows(self, table: str, columns: tuple[str, ...], chunks: Iterable[list[tuple]],
             step: Callable[[int], None]) -> int:
        raise NotImplementedError

    def changes(self, table: str, chunks: Iterable[list[tuple]],
                step: Callable[[int], None]) -> int:
        """Change-log entries from (office hex, row id hex, version) rows."""
        raise NotImplementedError


class _PostgresWriter(_Writer):
    def __init__(self, conn: Connection, actor: str) -> None:
        super().__init__(conn, actor)
        # The store's timestamps are naive UTC text: read them as UTC.
        conn.exec_driver_sql("SET LOCAL TimeZone = 'UTC'")
        self.dbapi = conn.connection.driver_connection

    def _copy(self, sql: str, chunks: Iterable[list[tuple]], step: Callable[[int], None],
              shape: Callable[[tuple], tuple] | None = None) -> int:
        count = 0
        with self.dbapi.cursor() as cur, cur.copy(sql) as copy:
            write = copy.write_row
            for chunk in chunks:
                if shape is None:
                    for row in chunk:
                        write(row)
                else:
                    for row in chunk:
                        write(shape(row))
                count += len(chunk)
                step(len(chunk))
        return count

    def rows(self, table, columns, chunks, step):
        cols = ", ".join(f'"{c}"' for c in columns)
        return self._copy(f'COPY "{table}" ({cols}) FROM STDIN', chunks, step)

    def changes(self, table, chunks, step):
        # txid and seq take their defaults: this transaction's id, the next sequence.
        tail = (table, "upsert", self.actor, self.at.isoformat())
        return self._copy("COPY sync_changes (office_id, row_id, version, table_name, op, "
                          "actor, at) FROM STDIN", chunks, step, lambda r: r + tail)


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

    def changes(self, table, chunks, step):
        # As SQLAlchemy stores an aware datetime in SQLite: naive UTC text.
        at = self.at.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        sql = ("INSERT INTO sync_changes (office_id, row_id, version, table_name, op, actor, "
               "at, txid) VALUES (?, ?, ?, ?, 'upsert', ?, ?, 0)")
        count = 0
        for chunk in chunks:
            self.conn.exec_driver_sql(sql, [(*r, table, self.actor, at) for r in chunk])
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
            report = _import(engine, src, actor, progress, report)
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


def _import(engine: Engine, src: sqlite3.Connection, actor: str,
            progress: ImportProgress | None, report: ImportReport) -> ImportReport:
    pg = central_db.is_postgresql(engine)
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
            for source in sources:
                name = source.st.name
                report.rows[name] = writer.rows(name, source.st.columns,
                                                _read(src, source.rows_sql), step)
                report.skipped[name] = len(plan.skip.get(name, ()))
                report.changes += writer.changes(name, _read(src, source.log_sql), step)
            _number_counters(conn, src, plan)
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
    with engine.connect() as conn:
        for table in [*report.rows, "sync_changes"]:
            conn.exec_driver_sql(f'ANALYZE "{table}"')
        conn.commit()
