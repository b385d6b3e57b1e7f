"""Which tables travel, how each is scoped to an office, and how its fields merge.

Everything here is read off the model metadata, so a table added later (with the
SyncedMixin columns) syncs without new sync code: a table with an office_id column is
scoped by it, one with a case_id by its case's office, and the rest is reference data
every office reads.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from typing import Any

from sqlalchemy import JSON, Boolean, Column, Date, Table, Uuid

import app.store.models  # noqa: F401  (registers every table)
from app.store.base import APPEND_ONLY_TABLES, LOCAL_ONLY_COLUMNS, Base, SyncedMixin, UtcDateTime


class Scope(StrEnum):
    OFFICE = "office"  # the row's own office_id
    CASE = "case"  # the office of the row's case
    GLOBAL = "global"  # reference data: every office


class Merge(StrEnum):
    MANUAL = "manual"  # both sides changed it differently: a conflict for a person
    UNION = "union"  # comma-joined sets (tags): both sides' additions and removals
    LATEST = "latest"  # derived or bookkeeping values: the last writer's value stands
    EARLIEST = "earliest"  # a first time (a warning first fired): the earlier stands


# Columns the engine manages itself; never sent as changes.
SYNC_COLUMNS = frozenset({"id", "version"})
# Bookkeeping every writer sets: the last writer's stands, never a conflict.
BOOKKEEPING = {"modified_at": "latest", "modified_by": "latest"}
# Columns of append-only rows that the central database sets itself when it takes a row
# in (the server's actor and time, the workstation's own kept beside them, the office
# chain). The only columns a workstation takes from the central copy of a row it holds
# already: the content it wrote stays as written, so its own audit chain holds.
SERVER_STAMPED: dict[str, tuple[str, ...]] = {
    "audit_events": ("actor", "at", "client_actor", "client_at", "office_seq",
                     "office_hash", "modified_by", "modified_at", "version"),
}

# Per-field policies that differ from MANUAL. Derived values (next deadline, the
# denormalised party columns) are recomputed by whoever writes, so the last writer's
# value is as right as any; tags merge as sets.
FIELD_POLICIES: dict[str, dict[str, Merge]] = {
    "cases": {
        "tags": Merge.UNION,
        "next_deadline_on": Merge.LATEST,
        "next_deadline_kind": Merge.LATEST,
        "deadline_provisional": Merge.LATEST,
        "complainant_phone_tail": Merge.LATEST,
        "callback_due_at": Merge.LATEST,
        "confirmation_due_on": Merge.LATEST,
        "archived_on": Merge.LATEST,
        "completion_due_at": Merge.LATEST,  # issue 15: derived by the clocks
    },
    # Two people settling the same conflict: both choices are in the history; the last
    # one stands rather than raising a conflict about a conflict.
    "sync_conflicts": {name: Merge.LATEST for name in (
        "status", "resolved_by", "resolved_at")},
    # Early warnings are derived from the cases by every desk: the cases a warning rests
    # on merge as a set, its first firing is the earliest, the rest is the last word
    # (two people acknowledging: both are in the history, the last note stands).
    "warnings": {
        "case_ids": Merge.UNION,
        "first_fired_at": Merge.EARLIEST,
        **{name: Merge.LATEST for name in (
            "subject", "detail", "threshold", "window_days", "last_grown_at",
            "acknowledged_at", "acknowledged_by", "ack_note", "acked_count")},
    },
}

# Tables whose row ids are derived from their content (app/core/warnings.warning_id,
# app/core/groups.member_id), so
# two workstations may insert the same row offline: the second insert is merged into the
# first, field by field (by the policies above), instead of refused on the key.
SHARED_ID_TABLES = frozenset({"warnings", "group_members"})


@dataclass(frozen=True)
class SyncedTable:
    name: str
    table: Table
    scope: Scope
    append_only: bool
    columns: tuple[str, ...]
    policies: dict[str, Merge] = field(default_factory=dict)

    def policy(self, column: str) -> Merge:
        if column in BOOKKEEPING:
            return Merge.LATEST
        return self.policies.get(column, Merge.MANUAL)

    @property
    def merged_columns(self) -> tuple[str, ...]:
        return tuple(c for c in self.columns if c not in SYNC_COLUMNS)


def _scope(table: Table) -> Scope:
    if "office_id" in table.c:
        return Scope.OFFICE
    if "case_id" in table.c:
        return Scope.CASE
    return Scope.GLOBAL


@cache
def synced_tables() -> dict[str, SyncedTable]:
    """Every synced table by name, parents before children (the order a first sync
    and a snapshot use)."""
    names = {
        mapper.local_table.name
        for mapper in Base.registry.mappers
        if issubclass(mapper.class_, SyncedMixin)
    }
    result: dict[str, SyncedTable] = {}
    for table in Base.metadata.sorted_tables:
        if table.name not in names:
            continue
        result[table.name] = SyncedTable(
            name=table.name,
            table=table,
            scope=_scope(table),
            append_only=table.name in APPEND_ONLY_TABLES,
            columns=tuple(c.name for c in table.columns
                          if c.name not in LOCAL_ONLY_COLUMNS.get(table.name, ())),
            policies=FIELD_POLICIES.get(table.name, {}),
        )
    return result


def synced_table(name: str) -> SyncedTable:
    try:
        return synced_tables()[name]
    except KeyError:
        raise KeyError(f"{name} is not a synced table") from None


# ---------------------------------------------------------------- values as JSON


def to_plain(column: Column, value: Any) -> Any:
    """A column value as JSON (outbox payloads, conflict records, push results)."""
    if value is None:
        return None
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def from_plain(column: Column, value: Any) -> Any:
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, Uuid):
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    if isinstance(kind, UtcDateTime):
        return value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return value if isinstance(value, date) else date.fromisoformat(value)
    if isinstance(kind, Boolean):
        return bool(value)
    if isinstance(kind, JSON):
        return value
    return value


def row_to_plain(st: SyncedTable, row: Any) -> dict[str, Any]:
    """A row (mapping or ORM object) as a JSON-able dict of every column."""
    get = row.__getitem__ if hasattr(row, "__getitem__") and not hasattr(row, "__table__") \
        else lambda name: getattr(row, name)
    return {name: to_plain(st.table.c[name], get(name)) for name in st.columns}


def row_from_plain(st: SyncedTable, values: dict[str, Any]) -> dict[str, Any]:
    return {name: from_plain(st.table.c[name], v) for name, v in values.items()
            if name in st.table.c}
