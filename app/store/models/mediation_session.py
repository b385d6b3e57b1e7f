"""Mediation sessions (调解记录): one contact between the mediator and the parties."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.store.base import APPEND_ONLY_TABLES, Base, SyncedMixin, UtcDateTime


class MediationSession(SyncedMixin, Base):
    __tablename__ = "mediation_sessions"
    __table_args__ = (Index("ix_mediation_sessions_case_started", "case_id", "started_at"),
                      Index("ix_mediation_sessions_group_session", "group_session_id"))

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    mode: Mapped[str] = mapped_column(String(16))  # 电话 视频 微信 现场 居家 上门
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    place: Mapped[str] = mapped_column(String(255), default="")
    # [{"name", "role", "party_id"}]; older rows hold plain names (see services.sessions)
    participants: Mapped[Any] = mapped_column(JSON, default=list)
    # [{"name", "text"}] in the order spoken; older rows hold {name: text}
    statements: Mapped[Any] = mapped_column(JSON, default=dict)
    evidence: Mapped[str] = mapped_column(Text, default="")
    proposals: Mapped[str] = mapped_column(Text, default="")
    responses: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(String(16), default="")  # agreed|partial|none|next_step
    next_step: Mapped[str] = mapped_column(Text, default="")
    next_step_on: Mapped[date | None] = mapped_column(Date)
    author: Mapped[str] = mapped_column(String(64), default="")
    # A finished session is immutable; corrections are addenda rows pointing at it.
    finalized_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    addendum_to: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("mediation_sessions.id"))
    addendum_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Time the timer ran (a session paused for a break is shorter than ended - started).
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    # A member's record of a group session (group_sessions; issue 17 item 3): how this
    # member took part (app.core.group_sessions.Attendance; "" on an ordinary record)
    # and their own position where it differs from the group's. No foreign key: adding
    # one would rebuild this, the largest append-only table, on every desk (SQLite);
    # centrally a trigger holds it to a group session of the case's office (0021).
    group_session_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    attendance: Mapped[str] = mapped_column(String(16), default="", server_default="")
    position: Mapped[str] = mapped_column(Text, default="", server_default="")


APPEND_ONLY_TABLES.add(MediationSession.__tablename__)
