"""Tables of the sync engine (see app/sync/__init__.py for how they work together).

One model set serves both ends, so every store has every table; the central ones stay
empty in a workstation's store and the local ones in the central database.

Central database:
  sync_changes    the change log: one row per accepted change, ordered by (txid, seq)
  sync_mutations  every mutation a client pushed, with its result (exactly once)
  sync_conflicts  field conflicts and refused duplicates, synced to the office
  number_counters / number_blocks   document-number blocks reserved by clients
  blobs           attachment files by SHA-256
  central_meta    epoch and settings of the central database

Workstation:
  sync_outbox     local changes not yet accepted centrally, written with the change
  sync_attention  changes the central database refused, kept for a person to act on
  sync_number_blocks  the number blocks this workstation holds
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.core.ids import new_id
from app.store.base import Base, SyncedMixin, UtcDateTime, utcnow

# A 64-bit key that is SQLite's rowid there (so it autoincrements) and bigint elsewhere.
BigKey = BigInteger().with_variant(Integer(), "sqlite")


class SyncChange(Base):
    """One accepted change. ``txid`` is the writing transaction's id on PostgreSQL
    (pg_current_xact_id, set by a column default from migration 0003) and 0 on SQLite,
    whose writers are serialised anyway. ``office_id`` is the scope a client pulls by;
    NULL means every office (reference data). ``op`` is upsert, or remove when a row
    left an office (REMOVE is not DELETE: the row lives on elsewhere)."""

    __tablename__ = "sync_changes"
    __table_args__ = (Index("ix_sync_changes_scope", "office_id", "txid", "seq"),)

    seq: Mapped[int] = mapped_column(BigKey, primary_key=True, autoincrement=True)
    txid: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    office_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    table_name: Mapped[str] = mapped_column(String(48))
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    version: Mapped[int] = mapped_column(Integer)
    op: Mapped[str] = mapped_column(String(8), default="upsert")
    mutation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # The workstation whose push made it: it has the row already and skips fetching it.
    client_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    actor: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class SyncMutation(Base):
    """A pushed mutation and its result, committed with its effect: a retry finds it
    here and gets the stored result back instead of applying twice."""

    __tablename__ = "sync_mutations"
    __table_args__ = (Index("ix_sync_mutations_client", "client_id", "applied_at"),)

    mutation_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    client_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    actor: Mapped[str] = mapped_column(String(64))
    office_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    table_name: Mapped[str] = mapped_column(String(48))
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    status: Mapped[str] = mapped_column(String(16))  # applied|merged|conflict|rejected
    result: Mapped[Any] = mapped_column(JSON, default=dict)
    applied_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class SyncConflict(SyncedMixin, Base):
    """A change that could not be merged by itself. The central value stands until a
    person chooses; both values are kept here."""

    __tablename__ = "sync_conflicts"
    __table_args__ = (Index("ix_sync_conflicts_open", "office_id", "status"),
                      Index("ix_sync_conflicts_row", "table_name", "row_id"))

    office_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    case_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    table_name: Mapped[str] = mapped_column(String(48))
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    field: Mapped[str] = mapped_column(String(64), default="")
    # field | edit_deleted (edited a row deleted centrally) | delete_edited (deleted a
    # row edited centrally) | duplicate_ticket (a second case for one work order)
    kind: Mapped[str] = mapped_column(String(24), default="field")
    base_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    local_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    server_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    related_row_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    mutation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    raised_by: Mapped[str] = mapped_column(String(64), default="")
    raised_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open|kept_server|took_local|dismissed
    resolved_by: Mapped[str] = mapped_column(String(64), default="")
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class NumberCounter(Base):
    """The next unreserved document number per committee (office) and year."""

    __tablename__ = "number_counters"
    __table_args__ = (PrimaryKeyConstraint("office_id", "year"),)

    office_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    year: Mapped[int] = mapped_column(SmallInteger)
    next_seq: Mapped[int] = mapped_column(Integer, default=1)


class NumberBlock(Base):
    """A block of document numbers handed to one workstation; never handed out again."""

    __tablename__ = "number_blocks"
    __table_args__ = (UniqueConstraint("office_id", "year", "first_seq"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    office_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    year: Mapped[int] = mapped_column(SmallInteger)
    first_seq: Mapped[int] = mapped_column(Integer)
    last_seq: Mapped[int] = mapped_column(Integer)
    client_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    reserved_by: Mapped[str] = mapped_column(String(64), default="")
    reserved_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Blob(Base):
    """An attachment's bytes, stored once per content hash."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(64), default="")
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class BlobOffice(Base):
    """Which offices may read a file: one whose login uploaded the bytes (or whose case
    holds it since a move). Knowing a file's hash is not enough to read it."""

    __tablename__ = "blob_offices"
    __table_args__ = (PrimaryKeyConstraint("sha256", "office_id"),)

    sha256: Mapped[str] = mapped_column(String(64))
    office_id: Mapped[uuid.UUID] = mapped_column(Uuid)


class CentralMeta(Base):
    """Facts about a central database: its epoch (new after a restore), log retention."""

    __tablename__ = "central_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SyncOutbox(Base):
    """A local change waiting for the central database, written in the same transaction
    as the change itself. ``base`` holds each changed field's value before the change:
    the central database merges field by field against it."""

    __tablename__ = "sync_outbox"
    __table_args__ = (Index("ix_sync_outbox_row", "table_name", "row_id"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    mutation_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=new_id)
    table_name: Mapped[str] = mapped_column(String(48))
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    op: Mapped[str] = mapped_column(String(8))  # insert|update
    base: Mapped[Any] = mapped_column(JSON, default=dict)
    values: Mapped[Any] = mapped_column(JSON, default=dict)
    schema_revision: Mapped[str] = mapped_column(String(32), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")


class SyncAttention(Base):
    """A change the central database refused, with its reason. Never dropped: a person
    can edit and send it again, or dismiss it (which is audited)."""

    __tablename__ = "sync_attention"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    mutation_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    table_name: Mapped[str] = mapped_column(String(48))
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    case_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    op: Mapped[str] = mapped_column(String(8))
    base: Mapped[Any] = mapped_column(JSON, default=dict)
    values: Mapped[Any] = mapped_column(JSON, default=dict)
    reason_code: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open|requeued|dismissed


class SyncNumberBlock(Base):
    """A block of document numbers this workstation may issue, offline included."""

    __tablename__ = "sync_number_blocks"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    office_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offices.id"))
    year: Mapped[int] = mapped_column(SmallInteger)
    first_seq: Mapped[int] = mapped_column(Integer)
    last_seq: Mapped[int] = mapped_column(Integer)
    next_seq: Mapped[int] = mapped_column(Integer)


# Tables that exist for the engine itself and are never captured into the outbox.
SYNC_INTERNAL_TABLES = frozenset({
    "sync_changes", "sync_mutations", "number_counters", "number_blocks", "blobs", "blob_offices",
    "central_meta", "sync_outbox", "sync_attention", "sync_number_blocks",
})
