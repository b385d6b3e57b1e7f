"""Follow-up visits (回访) after a case is closed."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.follow_ups import FollowUpMethod, Performance, Satisfaction
from app.store.base import Base, EnumText, SyncedMixin, UtcDateTime


class FollowUp(SyncedMixin, Base):
    __tablename__ = "follow_ups"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    followed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    by: Mapped[str] = mapped_column(String(64), default="")
    method: Mapped[FollowUpMethod] = mapped_column(EnumText(FollowUpMethod, 16),
                                                   default=FollowUpMethod.PHONE)
    performance: Mapped[Performance] = mapped_column(EnumText(Performance, 16))
    satisfaction: Mapped[Satisfaction] = mapped_column(EnumText(Satisfaction, 16))
    note: Mapped[str] = mapped_column(Text, default="")
