"""Three-way merge of one pushed change against the central row, field by field.

For each field the client changed: if the central value is still the base the client
started from, the client's value is taken; if both sides made the same change there is
nothing to do; otherwise it is a conflict and the central value stands until a person
chooses. Fields the client did not change are never touched, so a client can never
blank a column it does not know about. Values are compared in their JSON form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.sync.tables import Merge, SyncedTable


@dataclass(frozen=True)
class FieldConflict:
    field: str
    base: Any
    local: Any
    server: Any


@dataclass
class MergeResult:
    updates: dict[str, Any] = field(default_factory=dict)
    conflicts: list[FieldConflict] = field(default_factory=list)


def _as_set(value: Any) -> list[str]:
    return [part for part in str(value or "").split(",") if part]


def union_merge(base: Any, local: Any, server: Any) -> str:
    """Comma-joined sets: what either side added is in, what either side removed is out.
    Keeps the server's order and appends local additions."""
    b, lo, s = _as_set(base), _as_set(local), _as_set(server)
    removed = (set(b) - set(lo)) | (set(b) - set(s))
    merged = [t for t in s if t not in removed]
    merged += [t for t in lo if t not in removed and t not in merged]
    return ",".join(merged)


def _as_time(value: Any) -> Any:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def merge_fields(st: SyncedTable, base: dict[str, Any], local: dict[str, Any],
                 server: dict[str, Any]) -> MergeResult:
    result = MergeResult()
    for name, mine in local.items():
        if name not in st.table.c:
            continue  # a column this central database does not have (newer client)
        theirs = server.get(name)
        policy = st.policy(name)
        if policy == Merge.LATEST:
            if mine != theirs:
                result.updates[name] = mine
            continue
        if policy == Merge.EARLIEST:
            earliest = min((v for v in (mine, theirs) if v is not None), default=None,
                           key=_as_time)
            if earliest != theirs:
                result.updates[name] = earliest
            continue
        if mine == theirs:
            continue
        was = base.get(name)
        if theirs == was:
            result.updates[name] = mine
        elif policy == Merge.UNION:
            merged = union_merge(was, mine, theirs)
            if merged != theirs:
                result.updates[name] = merged
        else:
            result.conflicts.append(FieldConflict(name, was, mine, theirs))
    return result


def changed_since(base: dict[str, Any], server: dict[str, Any], ignore: set[str]) -> list[str]:
    """Fields whose central value differs from the base the client saw."""
    return [name for name, was in base.items()
            if name not in ignore and name in server and server[name] != was]
