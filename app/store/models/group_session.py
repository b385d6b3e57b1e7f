"""A group mediation session (群体调解, issue 17 item 3): one meeting of the business's
representative with the complainants' representatives about a whole group. The record
is the group's; each member case it was recorded for gets its own finished 调解记录
(mediation_sessions, pointing here by ``group_session_id``) with that member's
attendance and position. Append-only, like every session record.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.store.base import APPEND_ONLY_TABLES, Base, SyncedMixin, UtcDateTime


class GroupSession(SyncedMixin, Base):
    __tablename__ = "group_sessions"
    __table_args__ = (Index("ix_group_sessions_group_started", "group_id", "started_at"),)

    office_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offices.id"))
    group_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dispute_groups.id"))
    mode: Mapped[str] = mapped_column(String(16))  # app.core.sessions.SessionMode
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    place: Mapped[str] = mapped_column(String(255), default="")
    business_representative: Mapped[str] = mapped_column(String(120), default="")
    # [{"name", "case_id"}]: a representative is usually a member (case_id as hex).
    complainant_representatives: Mapped[Any] = mapped_column(JSON, default=list)
    proposals: Mapped[str] = mapped_column(Text, default="")
    responses: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(String(16), default="")  # SessionResult
    next_step: Mapped[str] = mapped_column(Text, default="")
    next_step_on: Mapped[date | None] = mapped_column(Date)
    author: Mapped[str] = mapped_column(String(64), default="")
    finalized_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


APPEND_ONLY_TABLES.add(GroupSession.__tablename__)
