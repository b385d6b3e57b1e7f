"""A session record being written: the editor's whole state, saved as the mediator
types. Local to this workstation and never synced: a draft becomes a synced
``MediationSession`` (with the draft's id) when it is finished."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.store.base import Base, UtcDateTime


class SessionDraft(Base):
    __tablename__ = "session_drafts"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    # No foreign key: a case that leaves the office is purged, its drafts stay readable.
    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    author: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # How many saves: a late save never overwrites a newer one.
    revision: Mapped[int] = mapped_column(Integer, default=0)
    # The editor window was open when last saved: reopened at the next start.
    open: Mapped[bool] = mapped_column(Boolean, default=False)
    content: Mapped[Any] = mapped_column(JSON, default=dict)
