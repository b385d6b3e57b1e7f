"""Rows written in bulk, as the ORM would write them (issue 15: the work-order import).

A service that writes thousands of rows in one transaction builds each row as a dict of
column values, completes it with the column defaults the ORM would apply at a flush
(``complete``), and inserts the lot with one executemany per table (``insert_rows``).
The same completed dicts can make the ORM objects of a single write (``Case(**row)``),
so one builder serves both paths and they cannot drift apart.

``Row`` lets code written against a model object (the clocks, the search document,
``audit.snapshot``) read such a dict by attribute.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Connection, Dialect, Table, insert


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
    would give it at a flush (called, for callables such as uuid4), else None."""
    row = Row(values)
    for name, default, called in _defaults(table):
        if name not in row:
            row[name] = default(None) if called else default
    return row


@cache
def _insert_plan(table: Table, dialect: Dialect
                 ) -> tuple[str, tuple[str, ...], tuple[tuple[int, Any], ...]]:
    """The driver's INSERT of every column (its SQL, the column names in order) and the
    bind processor of each column that has one (what SQLAlchemy does to a value on its
    way in: a UUID to its text, an instant to naive UTC text, JSON to its text …)."""
    names = tuple(c.name for c in table.columns)
    quoted = ", ".join(f'"{n}"' for n in names)
    sql = (f"INSERT INTO {table.name} ({quoted}) "
           f"VALUES ({', '.join('?' for _ in names)})")
    processors = (c.type.dialect_impl(dialect).bind_processor(dialect) for c in table.columns)
    return sql, names, tuple((i, p) for i, p in enumerate(processors) if p is not None)


def insert_rows(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """One executemany of completed rows (every row with every column). On SQLite the
    values go through the columns' own bind processors straight to the driver: the
    same text in the store as an ORM flush or a Core insert writes, without
    SQLAlchemy's per-row bookkeeping (most of the time of a bulk write)."""
    if not rows:
        return
    if conn.dialect.paramstyle != "qmark":
        conn.execute(insert(table), list(rows))
        return
    sql, names, processed = _insert_plan(table, conn.dialect)
    params = []
    for row in rows:
        values = [row[name] for name in names]
        for i, process in processed:
            values[i] = process(values[i])
        params.append(tuple(values))
    conn.exec_driver_sql(sql, params)


def last_rowid(conn: Connection, table: Table) -> int:
    """The highest rowid of a SQLite table (0 when empty): rows inserted after this
    reading have higher ones."""
    return int(conn.exec_driver_sql(f"SELECT coalesce(max(rowid), 0) FROM {table.name}")
               .scalar_one())


def batched(items: Iterable[Any], size: int) -> Iterable[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch

