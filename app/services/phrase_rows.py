"""Writing the office's rows of the ``phrases`` table (quick phrases, session templates,
agreement clauses): versioned for sync and audited in the same transaction, a deletion
kept as a tombstone so that it syncs too."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

from sqlalchemy.orm import Session

from app.core.ids import new_id
from app.services import audit, cases
from app.services.context import Workstation
from app.store.models import Phrase

ENTITY = "phrases"
# What a person wrote, as the audit trail records a new row.
_CONTENT = ["kind", "title", "category", "field", "body", "fields"]


def find(ws: Workstation, session: Session, row_id: uuid.UUID,
         kinds: Collection[str]) -> Phrase | None:
    """The office's live row of one of these kinds, or None."""
    row = session.get(Phrase, row_id)
    if row is None or row.deleted or row.office_id != ws.actor.office_id or row.kind not in kinds:
        return None
    return row


def add(ws: Workstation, session: Session, values: dict[str, Any]) -> Phrase:
    now = ws.now()
    row = Phrase(id=new_id(), office_id=ws.actor.office_id, sort_order=0,
                 created_by=ws.actor.login, version=1, modified_at=now,
                 modified_by=ws.actor.login, deleted=False, **values)
    session.add(row)
    audit.record(session, actor=ws.actor.login, entity=ENTITY, entity_id=row.id,
                 action="create", changes=audit.snapshot(row, _CONTENT),
                 office_id=row.office_id, at=now)
    return row


def change(ws: Workstation, session: Session, row: Phrase, values: dict[str, Any]) -> bool:
    """True when something really changed."""
    changes = audit.apply_changes(row, values)
    if not changes:
        return False
    now = ws.now()
    cases._touch(ws, row, now)
    audit.record(session, actor=ws.actor.login, entity=ENTITY, entity_id=row.id,
                 action="update", changes=changes, office_id=row.office_id, at=now)
    return True


def remove(ws: Workstation, session: Session, row: Phrase) -> None:
    if row.deleted:
        return
    now = ws.now()
    row.deleted = True  # a tombstone, so the deletion syncs
    cases._touch(ws, row, now)
    audit.record(session, actor=ws.actor.login, entity=ENTITY, entity_id=row.id,
                 action="delete", changes={"deleted": [False, True]},
                 office_id=row.office_id, at=now)
