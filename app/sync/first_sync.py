"""The first sync of a workstation: every row of its office, as fast as the wire allows.

Its storage-form reading and writing (``Reader``, ``write_rows``, ``stored_from_plain``)
serve every sync path: the resync, the pull and the push's acknowledgement too.

The central database hands rows over already in the form SQLite stores them (UUIDs as
32 hex digits, UTC times as text, booleans as 0/1, JSON as text), so they go into the
empty store through plain ``executemany`` without per-value conversion in Python. Cases
come in pages, each with everything under them (parties, sessions, notes ...), one
local transaction per page together with the position: a first sync that is interrupted
resumes from the last page it kept.
"""

from __future__ import annotations

import json
import queue
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import JSON, Boolean, Connection, Date, Engine, Table, Uuid
from sqlalchemy.exc import DBAPIError

from app.store import audit_chain
from app.store.base import UtcDateTime, json_text
from app.sync.tables import SERVER_STAMPED, Scope, SyncedTable, synced_tables

CASE_PAGE = 5000
TABLE_PAGE = 20000
FETCH_CHUNK = 500

# The reader's planner settings, for its own transaction. The row-level security policy
# of the tables under cases (migration 0003: EXISTS … cases … office_id = md_office())
# is planned as a hash of every case of the office whenever that hash fits in work_mem:
# at a district's million cases 0.6 s for each page, against 20 ms probing the case
# index row by row. A small work_mem rules the hash out (nothing the reader asks for
# sorts or hashes on its own), and JIT compiling costs more than these queries save.
PLANNER_SETTINGS = ("SELECT pg_catalog.set_config('work_mem', '1MB', true), "
                    "pg_catalog.set_config('jit', 'off', true)")


def _pg_expr(table: Table, name: str) -> str:
    kind = table.c[name].type
    col = f'"{name}"'
    if isinstance(kind, Uuid):
        return f"encode(uuid_send({col}), 'hex')"  # half the time of replace(::text)
    if isinstance(kind, UtcDateTime):
        return f"to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
    if isinstance(kind, Date):
        return f"{col}::text"
    if isinstance(kind, Boolean):
        return f"{col}::int"
    if isinstance(kind, JSON):
        return f"{col}::text"
    return col


class Reader:
    """Reads central rows in SQLite's storage form, straight from the driver's cursor
    (a page at a time with fetchall: no per-row work in SQLAlchemy)."""

    def __init__(self, conn: Connection, office_id: uuid.UUID) -> None:
        self.conn = conn
        self.pg = conn.dialect.name == "postgresql"
        self.office = office_id
        self._planned = False  # PLANNER_SETTINGS made in the current transaction

    def _select(self, st: SyncedTable, rest: str) -> str:
        """SELECT the table's columns in storage form ``rest`` (WHERE …, ORDER BY …)."""
        if not self.pg:
            names = ", ".join(f'"{c}"' for c in st.columns)
            return f"SELECT {names} FROM {st.name} {rest}"
        exprs = ", ".join(_pg_expr(st.table, c) for c in st.columns)
        if st.name != "audit_events":
            return f"SELECT {exprs} FROM {st.name} {rest}"
        # Each row's chain body too, made by the server (write_rows takes it off), from
        # the columns as the inner query gives them: written into the body's expression
        # they would be computed three times over (a third of the page's server time).
        named = ", ".join(f'{_pg_expr(st.table, c)} AS "{c}"' for c in st.columns)
        body = audit_chain.body_pg_sql({c: f's."{c}"' for c in st.columns})
        limit = "" if " LIMIT " in rest else " OFFSET 0"  # either keeps the query apart
        return f"SELECT s.*, {body} FROM (SELECT {named} FROM {st.name} {rest}{limit}) AS s"

    def _param(self, name: str, cast: str = "") -> str:
        if self.pg:
            return f"CAST(%({name})s AS {cast})" if cast else f"%({name})s"
        return f":{name}"

    def _fetch(self, sql: str, params: dict[str, Any]) -> list[tuple]:
        dialect = self.conn.dialect
        cursor = self.conn.connection.driver_connection.cursor()
        try:
            if self.pg and not self._planned:
                cursor.execute(PLANNER_SETTINGS)
                self._planned = True
            cursor.execute(sql, params)
            # A few hundred rows at a time: the driver holds the GIL while it makes a
            # batch of rows, and the writer (which needs it for every row it binds)
            # waits that long; a page in one go held it for a fifth of a second.
            rows: list[tuple] = []
            while chunk := cursor.fetchmany(FETCH_CHUNK):
                rows += chunk
            return rows
        except dialect.loaded_dbapi.Error as exc:
            # Raised as SQLAlchemy raises a driver's error, so a dropped connection
            # reads as one (offline, retried later) wherever the sync is called from.
            lost = dialect.is_disconnect(exc, self.conn.connection.dbapi_connection, cursor)
            if lost:
                self.conn.invalidate(exc)
            raise DBAPIError.instance(sql, params, exc, dialect.loaded_dbapi.Error,
                                      connection_invalidated=lost) from exc
        finally:
            cursor.close()

    def end_transaction(self) -> None:
        """Roll back the reader's transaction (it holds none between pages)."""
        self.conn.rollback()
        self._planned = False

    def page(self, st: SyncedTable, after: str | None, limit: int) -> list[tuple]:
        """A page of a table in key order (of a table under cases: the rows under this
        office's cases, for a resync that reads every table by its own keys)."""
        where = ["1 = 1"]
        params: dict[str, Any] = {"n": limit}
        if st.scope in (Scope.OFFICE, Scope.CASE):
            params["o"] = str(self.office) if self.pg else self.office.hex
        if st.scope == Scope.OFFICE:
            where.append(f"(office_id = {self._param('o', 'uuid')} OR office_id IS NULL)")
        elif st.scope == Scope.CASE:
            where.append(f"case_id IN (SELECT id FROM cases WHERE office_id = "
                         f"{self._param('o', 'uuid')})")
        if after is not None:
            where.append(f"id > {self._param('after', 'uuid')}")
            params["after"] = str(uuid.UUID(after)) if self.pg else after
        # The table's own id (an inner query names its storage form id as well).
        sql = self._select(st, f"WHERE {' AND '.join(where)} "
                               f"ORDER BY {st.name}.id LIMIT {self._param('n')}")
        return self._fetch(sql, params)

    def children(self, st: SyncedTable, case_ids: list[str]) -> list[tuple]:
        """Every row under these cases (hex ids)."""
        return self.where_in(st, "case_id", case_ids)

    def by_ids(self, st: SyncedTable, ids: list[str]) -> list[tuple]:
        """Rows by their ids (hex): what a pull fetches."""
        return self.where_in(st, "id", ids)

    def where_in(self, st: SyncedTable, column: str, ids: list[str]) -> list[tuple]:
        if not ids:
            return []
        if self.pg:
            # PostgreSQL reads a UUID from its 32 hex digits as well: no conversion. The
            # array goes as its text (hex digits need no quoting): the driver would dump
            # thousands of list items one by one, holding the GIL the writer needs.
            sql = self._select(st, f"WHERE {column} = ANY(CAST(%(ids)s AS uuid[]))")
            return self._fetch(sql, {"ids": "{" + ",".join(ids) + "}"})
        rows: list[tuple] = []
        for start in range(0, len(ids), 900):
            chunk = ids[start:start + 900]
            marks = ", ".join(f":i{n}" for n in range(len(chunk)))
            sql = self._select(st, f"WHERE {column} IN ({marks})")
            rows += self._fetch(sql, {f"i{n}": h for n, h in enumerate(chunk)})
        return rows


def stored_from_plain(st: SyncedTable, row: dict[str, Any]) -> tuple:
    """A row as the central database answers a push (plain, as JSON carries it) in
    storage form, for write_rows."""
    return tuple(conv(row[c]) if row[c] is not None else None
                 for c, conv in zip(st.columns, _plain_to_stored(st.name), strict=True))


def _utc_text(value: str) -> str:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(" ", "microseconds")


def _same(value: Any) -> Any:
    return value


def _uuid_hex(value: Any) -> str:
    return uuid.UUID(str(value)).hex


@cache
def _plain_to_stored(table_name: str) -> tuple:
    """Each column's conversion from plain to storage form."""
    st = synced_tables()[table_name]
    found = []
    for c in st.columns:
        kind = st.table.c[c].type
        if isinstance(kind, UtcDateTime):
            found.append(_utc_text)
        elif isinstance(kind, Boolean):
            found.append(int)
        elif isinstance(kind, JSON):
            found.append(json_text)
        elif isinstance(kind, Uuid):
            found.append(_uuid_hex)
        else:  # text, numbers, dates (ISO text either way)
            found.append(_same)
    return tuple(found)


def write_rows(conn: Connection, st: SyncedTable, rows: list[tuple],
               held: set[str], *, force: bool = False) -> list[str]:
    """Insert rows in storage form (newer versions only; with ``force``, as a resync
    takes them: whatever their version); returns the hex ids written. Rows with local
    changes not yet sent (``held``) are left alone."""
    key = st.columns.index("id")
    if held:
        rows = [r for r in rows if r[key] not in held]
    if not rows:
        return []
    raw = conn.connection.driver_connection
    if st.name == "audit_events":
        _write_audit(raw, st, rows, force=force)
    else:
        cols = ", ".join(f'"{c}"' for c in st.columns)
        marks = ", ".join("?" for _ in st.columns)
        sets = ", ".join(f'"{c}" = excluded."{c}"' for c in st.columns if c != "id")
        newer = "" if force else f" WHERE {st.name}.version < excluded.version"
        raw.executemany(f"INSERT INTO {st.name} ({cols}) VALUES ({marks}) ON CONFLICT(id) DO "
                        f"UPDATE SET {sets}{newer}", rows)
    return [r[key] for r in rows]


def _write_audit(raw: Any, st: SyncedTable, rows: list[tuple], *, force: bool) -> None:
    """Audit rows keep what they hold: a new one is linked into the store's chain as it
    is written; one the store has already takes only the server's stamps (newer ones;
    with ``force`` any), and only where they keep its actor and the workstation's own
    time, so the chain holds (app/store/audit_chain: the chain covers the content the
    store first held)."""
    width = len(st.columns)
    key = st.columns.index("id")
    # On PostgreSQL each row ends with its chain body, made by the server.
    had = audit_chain.insert_new(raw, st.columns, rows, with_bodies=len(rows[0]) > width)
    if had:
        sets = ", ".join(f'"{c}" = :{c}' for c in SERVER_STAMPED["audit_events"])
        newer = "" if force else " AND version < :version"
        raw.executemany(
            f"UPDATE audit_events SET {sets} WHERE id = :id AND actor = :actor "
            "AND coalesce(client_actor, actor) = coalesce(:client_actor, :actor) "
            f"AND coalesce(client_at, at) = coalesce(:client_at, :at){newer}",
            [dict(zip(st.columns, r[:width], strict=True)) for r in rows if r[key] in had])


def local_rows(raw: Any, st: SyncedTable, lower: str | None, upper: str | None
               ) -> dict[str, tuple]:
    """The store's rows of the key range (lower, upper] in storage form, by hex id."""
    where, params = [], []
    if lower is not None:
        where.append("id > ?")
        params.append(lower)
    if upper is not None:
        where.append("id <= ?")
        params.append(upper)
    cols = ", ".join(f'"{c}"' for c in st.columns)
    key = st.columns.index("id")
    found = raw.execute(f"SELECT {cols} FROM {st.name} WHERE {' AND '.join(where) or '1 = 1'}",
                        params).fetchall()
    return {r[key]: r for r in found}


def differing(st: SyncedTable, page: list[tuple], local: dict[str, tuple]) -> list[tuple]:
    """The central rows that are not in the store as they are: a resync after a restore
    rewrites what changed, not every row of the office. Rows compare in storage form;
    JSON by value (the central database gives it back in its own spacing)."""
    width, key = len(st.columns), st.columns.index("id")
    json_at = [i for i, c in enumerate(st.columns) if isinstance(st.table.c[c].type, JSON)]
    out = []
    for row in page:
        mine = local.get(row[key])
        if mine is None:
            out.append(row)
            continue
        theirs = tuple(row[:width])
        if theirs == mine:
            continue
        if json_at and all(theirs[i] == mine[i] or (i in json_at and _same_json(theirs[i], mine[i]))
                           for i in range(width)):
            continue
        out.append(row)
    return out


def _same_json(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    try:
        return json.loads(a) == json.loads(b)
    except (TypeError, ValueError):
        return False


def plan() -> tuple[list[SyncedTable], list[SyncedTable]]:
    """(tables read by their own keys, parents first; tables read under case pages)."""
    tables = list(synced_tables().values())
    own = [st for st in tables if st.scope != Scope.CASE]
    under_cases = [st for st in tables if st.scope == Scope.CASE]
    return own, under_cases


def pages(reader: Reader, state: dict[str, Any]) -> Iterator[tuple[dict[str, list[tuple]], dict]]:
    """Yield (rows by table, the state after them) until everything is read."""
    own, under_cases = plan()
    while state["table"] < len(own):
        st = own[state["table"]]
        limit = CASE_PAGE if st.name == "cases" else TABLE_PAGE
        page = reader.page(st, state["last"], limit)
        batch = {st.name: page}
        key = st.columns.index("id")
        if st.name == "cases":
            ids = [r[key] for r in page]
            for child in under_cases:
                batch[child.name] = reader.children(child, ids)
        if len(page) < limit:
            state = {**state, "table": state["table"] + 1, "last": None}
        else:
            state = {**state, "last": max(r[key] for r in page)}
        state["done"] += sum(len(v) for v in batch.values())
        yield batch, state


def table_pages(reader: Reader, state: dict[str, Any], limit: int
                ) -> Iterator[tuple[dict[str, list[tuple]], dict]]:
    """A resync's pages: every table by its own keys, parents first, ``limit`` rows a
    page (what the workstation holds is compared with the central rows key range by key
    range: app/sync/client.py ``_resync``)."""
    tables = list(synced_tables().values())
    while state["table"] < len(tables):
        st = tables[state["table"]]
        page = reader.page(st, state["last"], limit)
        key = st.columns.index("id")
        if len(page) < limit:
            state = {**state, "table": state["table"] + 1, "last": None}
        else:
            state = {**state, "last": max(r[key] for r in page)}
        state["done"] += len(page)
        yield {st.name: page}, state


_END = object()


def read_ahead(central: Engine, office_id: uuid.UUID, state: dict[str, Any], *,
               page_size: int | None = None, depth: int = 2
               ) -> Iterator[tuple[dict[str, list[tuple]], dict]]:
    """``pages`` (with ``page_size``: ``table_pages``) read on a thread of its own, up
    to ``depth`` pages ahead of the caller:
    the central database answers the next page while this store writes the last one
    (the driver waits for the server without holding the GIL). An error of the reader
    is raised here; leaving the loop early stops the reader."""
    out: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                out.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            with central.connect() as conn:
                reader = Reader(conn, office_id)
                found = (pages(reader, dict(state)) if page_size is None
                         else table_pages(reader, dict(state), page_size))
                for item in found:
                    reader.end_transaction()
                    if not put(item):
                        return
            put(_END)
        except BaseException as exc:  # handed to the caller, who raises it
            put(exc)

    thread = threading.Thread(target=read, name="first-sync-reader", daemon=True)
    thread.start()
    try:
        while True:
            item = out.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()
