"""Follow-up visits (回访) after a case is closed."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.store.base import Base, SyncedMixin, UtcDateTime


class FollowUp(SyncedMixin, Base):
    __tablename__ = "follow_ups"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    followed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    by: Mapped[str] = mapped_column(String(64), default="")
    method: Mapped[str] = mapped_column(String(16), default="phone")
    performance: Mapped[str] = mapped_column(String(16), default="")  # performed|partial|not_performed
    satisfaction: Mapped[str] = mapped_column(String(16), default="")  # 非常满意/满意/一般/不满意 codes
    note: Mapped[str] = mapped_column(Text, default="")
