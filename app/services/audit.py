"""Writing audit events in the same transaction as the change they describe."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from app.store.models import AuditEvent


def _plain(value: Any) -> Any:
    """JSON-safe form of a column value for the changes record."""
    if value.__class__ is str:  # most are
        return value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def apply_changes(obj: Any, values: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Set attributes on obj; return {field: [old, new]} for those that really changed."""
    changes: dict[str, list[Any]] = {}
    for field, new in values.items():
        old = getattr(obj, field)
        if old != new:
            changes[field] = [_plain(old), _plain(new)]
            setattr(obj, field, new)
    return changes


def snapshot(obj: Any, fields: list[str]) -> dict[str, list[Any]]:
    """The changes record of a created row (a model object, or a row's column values as
    a dict): every field from None."""
    values = obj if isinstance(obj, dict) else {f: getattr(obj, f) for f in fields}
    return {f: [None, _plain(values[f])] for f in fields if values[f] not in (None, "")}


def created(values: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The changes record of something created, in its own terms: every value from None
    (instants in UTC, as snapshot gives them)."""
    return {name: [None, _plain(v.astimezone(UTC) if isinstance(v, datetime) else v)]
            for name, v in values.items() if v not in (None, "")}


def event_values(
    *,
    actor: str,
    entity: str,
    entity_id: uuid.UUID,
    action: str,
    changes: Mapping[str, list[Any]] | None = None,
    case_id: uuid.UUID | None = None,
    office_id: uuid.UUID | None = None,
    reason: str = "",
    at: datetime,
) -> dict[str, Any]:
    """The column values of an audit event (``record`` writes them through the session;
    a bulk writer completes and inserts them itself)."""
    return dict(
        at=at,
        actor=actor,
        office_id=office_id,
        case_id=case_id,
        entity=entity,
        entity_id=entity_id,
        action=action,
        changes=dict(changes or {}),
        reason=reason,
        modified_at=at,
        modified_by=actor,
    )


def record(session: Session, **event: Any) -> AuditEvent:
    """An audit event (``event_values``'s keywords) added to ``session``'s transaction."""
    row = AuditEvent(**event_values(**event))
    session.add(row)
    return row
