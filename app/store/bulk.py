"""Rows written in bulk, as the ORM would write them (issue 15: the work-order import).

A service that writes thousands of rows in one transaction builds each row as a dict of
column values, completes it with the column defaults the ORM would apply at a flush
(``complete``), turns it into what the driver takes (``insert_plan(table).stored``) and
inserts the lot with one executemany per table.
The same completed dicts can make the ORM objects of a single write (``Case(**row)``),
so one builder serves both paths and they cannot drift apart.

``Row`` lets code written against a model object (the clocks, the search document,
``audit.snapshot``) read such a dict by attribute.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Collection, Mapping
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Boolean, Date, Table, Uuid
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite

from app.store.base import UtcDateTime, json_text, sqlite_china_day
from app.store.models.stats_summary import DIRTY_DAY_COLUMNS


class Row(dict):
    """A row's column values, readable as attributes (``row.received_at``)."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


@cache
def _defaults(table: Table) -> tuple[tuple[str, Any, bool], ...]:
    """(column name, default, whether it is called) for every column of the table."""
    out = []
    for column in table.columns:
        default = column.default
        if default is None:
            out.append((column.name, None, False))
        elif default.is_callable:
            out.append((column.name, default.arg, True))
        elif default.is_scalar:
            out.append((column.name, default.arg, False))
        else:  # a SQL expression or sequence: not something these writers use
            raise ValueError(f"{table.name}.{column.name}: a default made in SQL")
    return tuple(out)


def complete(table: Table, values: Mapping[str, Any]) -> Row:
    """Every column of the table: the value given, else the Python default the ORM
    would give it at a flush (called, for callables such as new_id), else None."""
    row = Row(values)
    for name, default, called in _defaults(table):
        if name not in row:
            row[name] = default(None) if called else default
    return row


class InsertPlan:
    """How one table's completed rows go to the driver: the INSERT of every column and
    each column's bind processor (what SQLAlchemy does to a value on its way in: a UUID
    to its text, an instant to naive UTC text, JSON to its text …). ``stored`` gives the
    same values an ORM flush or a Core insert would send, without SQLAlchemy's per-row
    bookkeeping (most of the time of a bulk write). The commonest types get a processor
    of their own, one call instead of three (tests/store/test_bulk.py holds them to
    SQLAlchemy's)."""

    def __init__(self, table: Table) -> None:
        dialect = _sqlite_dialect()
        self.table = table
        self.names = tuple(c.name for c in table.columns)
        quoted = ", ".join(f'"{n}"' for n in self.names)
        self.sql = (f"INSERT INTO {table.name} ({quoted}) "
                    f"VALUES ({', '.join('?' for _ in self.names)})")
        processed = []
        for i, column in enumerate(table.columns):
            own = _OWN_PROCESSORS.get(type(column.type))
            if own is not None:
                processed.append((i, own))
                continue
            process = column.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                processed.append((i, process))
        self.processed = tuple(processed)

    def stored(self, row: Mapping[str, Any]) -> list[Any]:
        values = [row[name] for name in self.names]
        for i, process in self.processed:
            values[i] = process(values[i])
        return values


def _utc_text(value: datetime | None) -> str | None:
    """UtcDateTime's value as SQLite keeps it: naive UTC, to the microsecond."""
    if value is None:
        return None
    # A bulk write stamps the same instant (its ``now``) on most of its rows: the text of
    # the last instants made is kept by the object's identity (hashing an aware datetime
    # costs about what making the text does). The entry holds the object, so its id
    # cannot be another's while it is kept.
    kept = _UTC_TEXTS.get(id(value))
    if kept is not None and kept[0] is value:
        return kept[1]
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    text = value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    if len(_UTC_TEXTS) >= 8:
        _UTC_TEXTS.clear()
    _UTC_TEXTS[id(value)] = (value, text)
    return text


_UTC_TEXTS: dict[int, tuple[datetime, str]] = {}


def _date_text(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _uuid_text(value: uuid.UUID | None) -> str | None:
    return None if value is None else value.hex


def _flag(value: bool | None) -> int | None:
    if value is None:
        return None
    if value not in (True, False):
        raise TypeError(f"Not a boolean value: {value!r}")
    return int(value)


# Column type → its processor here (the types' SQLAlchemy processors on SQLite made one).
_OWN_PROCESSORS: dict[type, Callable[[Any], Any]] = {
    UtcDateTime: _utc_text, Date: _date_text, Uuid: _uuid_text, Boolean: _flag,
}


@cache
def _sqlite_dialect() -> SQLiteDialect_pysqlite:
    # The store's driver (pysqlite; SQLCipher's processes values the same): a worker
    # process has no engine, so the plan makes the dialect itself.
    return SQLiteDialect_pysqlite(json_serializer=json_text)


@cache
def insert_plan(table: Table) -> InsertPlan:
    return InsertPlan(table)


class DeferredIndexes:
    """The secondary indexes of some tables, dropped for a bulk load and made again
    after it in the same transaction (a rollback brings them back as they were).

    Adding 100,000 rows to a table with twenty indexes updates each index 100,000 times
    in random places; making an index again sorts once. That pays when the load is at
    least as big as what the table holds (``worth_it``), never on a big store."""

    def __init__(self, raw: Any, tables: tuple[str, ...]) -> None:
        self.raw, self.tables = raw, tables
        self._dropped: list[tuple[str, str]] = []

    smallest = 1000  # rows: below this the indexes cost nothing worth saving

    def worth_it(self, new_rows: int, table: str) -> bool:
        held = self.raw.execute(f"SELECT coalesce(max(rowid), 0) FROM {table}").fetchone()[0]
        return new_rows >= max(held, self.smallest)

    def drop(self, *, keep: Collection[str] = ()) -> None:
        """Drop the indexes, but those named in ``keep`` (which the load reads)."""
        if not self.raw.in_transaction:
            # The driver opens a transaction only at the first row written; dropped
            # outside one, the indexes would stay dropped after a rollback.
            self.raw.execute("BEGIN IMMEDIATE")
        marks = ", ".join("?" for _ in self.tables)
        self._dropped = [(name, sql) for name, sql in self.raw.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({marks}) ORDER BY name", self.tables) if name not in keep]
        for name, _ in self._dropped:
            self.raw.execute(f'DROP INDEX "{name}"')

    def record(self) -> list[list[str]]:
        """What ``drop`` took away, as JSON keeps it (``from_record`` takes it back)."""
        return [list(i) for i in self._dropped]

    @classmethod
    def from_record(cls, raw: Any, record: list[list[str]]) -> DeferredIndexes:
        indexes = cls(raw, ())
        indexes._dropped = [(name, sql) for name, sql in record]
        return indexes

    def restore(self) -> None:
        if not self._dropped:
            return
        # Each index sorts the whole table: SQLite may sort with a helper thread (the
        # workers that made the rows are done by now).
        threads = self.raw.execute("PRAGMA threads").fetchone()[0]
        self.raw.execute(f"PRAGMA threads={max(threads, 2)}")
        try:
            for _, sql in self._dropped:
                self.raw.execute(sql)
        finally:
            self.raw.execute(f"PRAGMA threads={threads}")
        self._dropped = []


class DeferredStatsMarks:
    """The trigger that marks each new case's summary days dirty (stats_mark_insert,
    migration 0019), dropped for a bulk load; ``restore`` marks the loaded cases' days
    with one statement and makes the trigger again, in the same transaction.

    The trigger runs a small INSERT … SELECT for every row: a third of the time of
    inserting a case. One set-wise statement over the new rows does the same work once
    (tests/store/test_bulk.py holds the two to the same marks)."""

    trigger = "stats_mark_insert"

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self._sql: str | None = None
        self._after = 0  # the cases' last rowid before the load

    def drop(self) -> None:
        if not self.raw.in_transaction:
            self.raw.execute("BEGIN IMMEDIATE")  # see DeferredIndexes.drop
        found = self.raw.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                                 "AND name = ?", (self.trigger,)).fetchone()
        if found is None:
            return
        self._sql = found[0]
        self._after = self.raw.execute("SELECT coalesce(max(rowid), 0) FROM cases").fetchone()[0]
        self.raw.execute(f'DROP TRIGGER "{self.trigger}"')

    def record(self) -> dict[str, Any]:
        """What ``drop`` took away, as JSON keeps it (``from_record`` takes it back)."""
        return {"trigger": self._sql, "after": self._after}

    @classmethod
    def from_record(cls, raw: Any, record: Mapping[str, Any]) -> DeferredStatsMarks:
        marks = cls(raw)
        marks._sql, marks._after = record["trigger"], record["after"]
        return marks

    def restore(self) -> None:
        if self._sql is None:
            return
        days = " UNION ".join(
            f"SELECT office_id, {sqlite_china_day(c)} AS day FROM cases WHERE rowid > :after"
            for c in DIRTY_DAY_COLUMNS)
        self.raw.execute(
            f"INSERT INTO stats_dirty (office_id, day) SELECT office_id, day FROM ({days}) "
            "AS loaded WHERE day IS NOT NULL AND NOT EXISTS (SELECT 1 FROM stats_dirty s "
            "WHERE s.office_id = loaded.office_id AND s.day = loaded.day)",
            {"after": self._after})
        self.raw.execute(self._sql)
        self._sql = None


# A load that spans many transactions (a first sync: a page per transaction, resumable)
# keeps the indexes and the stats trigger dropped between them. What was dropped is
# written to local_meta in the transaction that drops it, so a process stopped halfway
# leaves a record that the next open of the store (or the load's own end) acts on.
DEFERRED_LOAD_KEY = "bulk.deferred_load"


def defer_for_load(raw: Any, expected: Mapping[str, int], *,
                   keep: Collection[str] = ()) -> bool:
    """In the caller's transaction: drop the secondary indexes of the tables that the
    load will at least double (``expected``: rows to come per table), but those in
    ``keep`` (which the load reads), and the stats trigger, and record them. A unique
    index dropped is a rule the load's source keeps already (the central database's);
    the store has it again at the load's end, or at its next open if the load stops
    halfway. Returns whether anything was dropped."""
    if raw.execute("SELECT 1 FROM local_meta WHERE key = ?", (DEFERRED_LOAD_KEY,)).fetchone():
        return True  # a load resumed: dropped by its first part
    tables = tuple(t for t, n in expected.items()
                   if DeferredIndexes(raw, (t,)).worth_it(n, t))
    if not tables:
        return False
    indexes = DeferredIndexes(raw, tables)
    indexes.drop(keep=keep)
    marks = DeferredStatsMarks(raw)
    if "cases" in tables:
        marks.drop()
    record = {"indexes": indexes.record(), **marks.record()}
    raw.execute("INSERT INTO local_meta (key, value) VALUES (?, ?)",
                (DEFERRED_LOAD_KEY, json.dumps(record)))
    return True


def restore_deferred_load(raw: Any) -> bool:
    """In the caller's transaction: make again what ``defer_for_load`` dropped (the stats
    marks of the loaded cases included). Returns whether there was anything."""
    found = raw.execute("SELECT value FROM local_meta WHERE key = ?",
                        (DEFERRED_LOAD_KEY,)).fetchone()
    if found is None:
        return False
    if not raw.in_transaction:
        raw.execute("BEGIN IMMEDIATE")  # see DeferredIndexes.drop
    record = json.loads(found[0])
    DeferredIndexes.from_record(raw, record["indexes"]).restore()
    DeferredStatsMarks.from_record(raw, record).restore()
    raw.execute("DELETE FROM local_meta WHERE key = ?", (DEFERRED_LOAD_KEY,))
    return True
