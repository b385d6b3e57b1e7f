"""The first sync of a workstation: every row of its office, as fast as the wire allows.

The central database hands rows over already in the form SQLite stores them (UUIDs as
32 hex digits, UTC times as text, booleans as 0/1, JSON as text), so they go into the
empty store through plain ``executemany`` without per-value conversion in Python. Cases
come in pages, each with everything under them (parties, sessions, notes ...), one
local transaction per page together with the position: a first sync that is interrupted
resumes from the last page it kept.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from sqlalchemy import JSON, Boolean, Connection, Date, Table, Uuid

from app.store import audit_chain
from app.store.base import UtcDateTime
from app.sync.tables import Scope, SyncedTable, synced_tables

CASE_PAGE = 5000
TABLE_PAGE = 20000


def _pg_expr(table: Table, name: str) -> str:
    kind = table.c[name].type
    col = f'"{name}"'
    if isinstance(kind, Uuid):
        return f"replace({col}::text, '-', '')"
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

    def _columns(self, st: SyncedTable) -> str:
        if self.pg:
            return ", ".join(_pg_expr(st.table, c) for c in st.columns)
        return ", ".join(f'"{c}"' for c in st.columns)

    def _param(self, name: str, cast: str = "") -> str:
        if self.pg:
            return f"CAST(%({name})s AS {cast})" if cast else f"%({name})s"
        return f":{name}"

    def _fetch(self, sql: str, params: dict[str, Any]) -> list[tuple]:
        cursor = self.conn.connection.driver_connection.cursor()
        try:
            cursor.execute(sql, params)
            return cursor.fetchall()
        finally:
            cursor.close()

    def page(self, st: SyncedTable, after: str | None, limit: int) -> list[tuple]:
        """A page of a table that is not under cases, in key order."""
        where = ["1 = 1"]
        params: dict[str, Any] = {"n": limit}
        if st.scope == Scope.OFFICE:
            where.append(f"(office_id = {self._param('o', 'uuid')} OR office_id IS NULL)")
            params["o"] = str(self.office) if self.pg else self.office.hex
        if after is not None:
            where.append(f"id > {self._param('after', 'uuid')}")
            params["after"] = str(uuid.UUID(after)) if self.pg else after
        sql = (f"SELECT {self._columns(st)} FROM {st.name} WHERE {' AND '.join(where)} "
               f"ORDER BY id LIMIT {self._param('n')}")
        return self._fetch(sql, params)

    def children(self, st: SyncedTable, case_ids: list[str]) -> list[tuple]:
        """Every row under these cases (hex ids)."""
        if not case_ids:
            return []
        if self.pg:
            sql = (f"SELECT {self._columns(st)} FROM {st.name} "
                   f"WHERE case_id = ANY(CAST(%(ids)s AS uuid[]))")
            return self._fetch(sql, {"ids": [str(uuid.UUID(h)) for h in case_ids]})
        rows: list[tuple] = []
        for start in range(0, len(case_ids), 900):
            chunk = case_ids[start:start + 900]
            marks = ", ".join(f":i{n}" for n in range(len(chunk)))
            sql = f"SELECT {self._columns(st)} FROM {st.name} WHERE case_id IN ({marks})"
            rows += self._fetch(sql, {f"i{n}": h for n, h in enumerate(chunk)})
        return rows


def write_rows(conn: Connection, st: SyncedTable, rows: list[tuple],
               held: set[str]) -> list[str]:
    """Insert rows in storage form (newer versions only); returns the hex ids written.
    Rows with local changes not yet sent are left alone."""
    key = st.columns.index("id")
    if held:
        rows = [r for r in rows if r[key] not in held]
    if not rows:
        return []
    cols = ", ".join(f'"{c}"' for c in st.columns)
    marks = ", ".join("?" for _ in st.columns)
    sets = ", ".join(f'"{c}" = excluded."{c}"' for c in st.columns if c != "id")
    raw = conn.connection.driver_connection
    if st.name == "audit_events":
        # Audit rows are never changed: one already here keeps what it holds; a new one
        # is linked into the store's chain as it is written.
        audit_chain.insert_new(raw, st.columns, rows)
    else:
        raw.executemany(f"INSERT INTO {st.name} ({cols}) VALUES ({marks}) ON CONFLICT(id) DO "
                        f"UPDATE SET {sets} WHERE {st.name}.version < excluded.version", rows)
    return [r[key] for r in rows]


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
            state = {**state, "last": page[-1][key]}
        state["done"] += sum(len(v) for v in batch.values())
        yield batch, state
