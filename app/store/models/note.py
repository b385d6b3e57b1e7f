"""Working notes, contact-log entries and clock records on a case (append-only).

A clock record (kind ``delivery`` or ``extension``) names the clock it answers in
``clock`` (a ClockKind value): a 送达 of a notice (``channel`` the method, ``contact_with``
the party told as a PartyRole value, ``created_at`` when) or an approved extension of a
time limit (``contact_with`` who approved it, ``text`` why, ``created_at`` when)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.store.base import APPEND_ONLY_TABLES, Base, SyncedMixin, UtcDateTime, utcnow


class Note(SyncedMixin, Base):
    __tablename__ = "notes"
    __table_args__ = (Index("ix_notes_case_created", "case_id", "created_at"),)

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="note")  # note|contact|delivery|extension
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    author: Mapped[str] = mapped_column(String(64), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    contact_result: Mapped[str] = mapped_column(String(16), default="")  # reached|no_answer|...
    callback_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    channel: Mapped[str] = mapped_column(String(16), default="", server_default="")  # phone|wechat|sms|visit
    contact_with: Mapped[str] = mapped_column(String(255), default="", server_default="")
    clock: Mapped[str] = mapped_column(String(32), default="", server_default="")


APPEND_ONLY_TABLES.add(Note.__tablename__)
