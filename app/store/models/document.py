"""Documents (文书): agreements, records and notices, each version a row."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, SmallInteger, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.store.base import Base, SyncedMixin, UtcDateTime

# What a final document says. Once a document leaves draft these never change (a trigger
# on the store and on PostgreSQL); its state (to signed or void), signing date, scan and
# void reason still may.
FINAL_CONTENT_COLUMNS = ("case_id", "office_id", "kind", "number", "number_year",
                         "number_seq", "fields", "pdf_sha256", "content_sha256", "version_no",
                         "supersedes_id", "finalized_at")


class Document(SyncedMixin, Base):
    __tablename__ = "documents"
    __table_args__ = (Index("ix_documents_number", "office_id", "number_year", "number_seq"),)

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    office_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offices.id"))
    kind: Mapped[str] = mapped_column(String(32))
    number: Mapped[str] = mapped_column(String(64), default="")  # （2026）浦消调字第0123号
    number_year: Mapped[int | None] = mapped_column(SmallInteger)
    number_seq: Mapped[int | None] = mapped_column(Integer)
    fields: Mapped[Any] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), default="draft")  # draft|final|signed|void
    pdf_sha256: Mapped[str] = mapped_column(String(64), default="")
    version_no: Mapped[int] = mapped_column(Integer, default=1)
    supersedes_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("documents.id"))
    finalized_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    signed_on: Mapped[date | None] = mapped_column(Date)
    # What the QR code on a final copy carries (app.core.documents.content_hash).
    content_sha256: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # The scan of the signed paper (an evidence attachment of the case).
    scan_attachment_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    void_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
