"""Audit events: who changed what, when, from which value to which. Insert-only.

Tamper evidence (issue 11): every row is linked into two hash chains.
- chain_seq/chain_hash: this store's own chain, computed when the row is written into
  the store (app/store/audit_chain.py); local only, never synced.
- office_seq/office_hash: the central database's chain per office, computed by a
  PostgreSQL trigger in commit order; pulled down with the row.
Centrally a login's actor and time are stamped by the server; what the workstation
claimed is kept beside them in client_actor/client_at.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String, Text, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from app.store.base import (
    APPEND_ONLY_TABLES,
    LOCAL_ONLY_COLUMNS,
    Base,
    SyncedMixin,
    UtcDateTime,
    utcnow,
)


class AuditEvent(SyncedMixin, Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_case_at", "case_id", "at"),
        # Partial: each chain's positions only where that chain is kept (the store's
        # locally, the offices' centrally).
        Index("ix_audit_events_chain", "chain_seq", unique=True,
              sqlite_where=text("chain_seq IS NOT NULL"),
              postgresql_where=text("chain_seq IS NOT NULL")),
        Index("ix_audit_events_office_chain", "office_id", "office_seq", unique=True,
              sqlite_where=text("office_seq IS NOT NULL"),
              postgresql_where=text("office_seq IS NOT NULL")),
    )

    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    office_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    case_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    entity: Mapped[str] = mapped_column(String(32))  # table name
    entity_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    action: Mapped[str] = mapped_column(String(32))  # create|update|transition:accept|reveal_id|...
    changes: Mapped[Any] = mapped_column(JSON, default=dict)  # field -> [old, new]
    reason: Mapped[str] = mapped_column(Text, default="")
    # What the workstation said when the server stamped actor and at (None: not stamped).
    client_actor: Mapped[str | None] = mapped_column(String(64))
    client_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The central chain of the row's office (set by the central database only).
    office_seq: Mapped[int | None] = mapped_column(BigInteger)
    office_hash: Mapped[str | None] = mapped_column(String(64))
    # This store's chain (local only).
    chain_seq: Mapped[int | None] = mapped_column(Integer)
    chain_hash: Mapped[str | None] = mapped_column(String(64))


APPEND_ONLY_TABLES.add(AuditEvent.__tablename__)
LOCAL_ONLY_COLUMNS[AuditEvent.__tablename__] = frozenset({"chain_seq", "chain_hash"})
