"""Declarative base, naming convention and the columns every synced table carries."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, DateTime, Integer, MetaData, String, TypeDecorator, Uuid
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.expression import FunctionElement

from app.core.ids import new_id

# Fixed from the first migration so constraint names are stable across SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Stores UTC; hands back aware UTC datetimes (SQLite drops the offset otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class EnumText(TypeDecorator[Any]):
    """A StrEnum kept as its value in a VARCHAR and read back as the member.

    Every write goes through the enum, so a legacy spelling the enum still accepts (its
    ``_missing_``) is stored canonically, whether it comes from a service, a pull or a
    push from an older workstation. A value this version does not know (written by a
    newer one and synced here) is kept and read back as plain text rather than failing
    the whole row; the UI shows such a value as it is."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[StrEnum], length: int) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: Any, dialect) -> str | None:
        if value is None:
            return None
        try:
            return self.enum(value).value
        except ValueError:
            return str(value)

    def process_result_value(self, value: str | None, dialect) -> Any:
        if value is None:
            return None
        try:
            return self.enum(value)
        except ValueError:
            return value


def json_text(value: Any) -> str:
    """A JSON column's value as the store keeps it: Chinese as itself, not as \\u escapes
    (half the bytes of an audit event's or an import's values on disk). One encoder for
    every value: ``json.dumps`` with an option makes a new one each call."""
    return _ENCODER.encode(value)


_ENCODER = json.JSONEncoder(ensure_ascii=False)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class SyncedMixin:
    """Columns the sync engine needs on every table that travels to the central database."""

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    modified_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    modified_by: Mapped[str] = mapped_column(String(64), default="", nullable=False)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)


# Tables whose rows are only ever inserted (never updated in place); sync needs no merge for them.
APPEND_ONLY_TABLES: set[str] = set()
# Columns of synced tables that belong to one store and never travel (the store's own
# audit chain): table name -> column names.
LOCAL_ONLY_COLUMNS: dict[str, frozenset[str]] = {}


def is_model_table(name: str) -> bool:
    """False for the tables migrations make by hand: the FTS5 search table and its
    shadow tables (case_search, case_search_data, ...). Autogenerate skips them."""
    return not (name.startswith("case_search") and name != "case_search_keys")


class china_day(FunctionElement[int]):
    """The China day number (``date.toordinal()``) of a stored UTC instant."""

    type = Integer()
    inherit_cache = True


def sqlite_china_day(column: str) -> str:
    """china_day in SQLite's SQL, for a column holding a stored UTC instant."""
    # Read off the stored text ('YYYY-MM-DD HH:MM:SS.ffffff', UTC): julianday() rounds
    # to the millisecond, which would move 23:59:59.9996 into the next day.
    return (f"(CAST(julianday(substr({column}, 1, 10)) - 1721424.5 AS INTEGER) "
            f"+ (substr({column}, 12, 2) >= '16'))")


@compiles(china_day, "sqlite")
def _china_day_sqlite(element: china_day, compiler, **kw) -> str:
    (column,) = (compiler.process(c, **kw) for c in element.clauses)
    return sqlite_china_day(column)


@compiles(china_day)
def _china_day_default(element: china_day, compiler, **kw) -> str:
    (column,) = (compiler.process(c, **kw) for c in element.clauses)
    return (f"((({column} AT TIME ZONE 'UTC') + INTERVAL '8 hours')::date "
            f"- DATE '0001-01-01' + 1)")
