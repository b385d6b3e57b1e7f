"""Working notes and contact-log entries on a case (append-only)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.store.base import APPEND_ONLY_TABLES, Base, SyncedMixin, UtcDateTime, utcnow


class Note(SyncedMixin, Base):
    __tablename__ = "notes"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="note")  # note|contact
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    author: Mapped[str] = mapped_column(String(64), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    contact_result: Mapped[str] = mapped_column(String(16), default="")  # reached|no_answer|...
    callback_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


APPEND_ONLY_TABLES.add(Note.__tablename__)
