"""Parties (当事人) to a case."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Date, ForeignKey, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.parties import PartyRole, PartyType
from app.store.base import Base, EnumText, SyncedMixin


class Party(SyncedMixin, Base):
    __tablename__ = "parties"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    role: Mapped[PartyRole] = mapped_column(EnumText(PartyRole, 16))
    party_type: Mapped[PartyType] = mapped_column(EnumText(PartyType, 16))
    name: Mapped[str] = mapped_column(String(120))
    sex: Mapped[str] = mapped_column(String(1), default="")
    ethnicity: Mapped[str] = mapped_column(String(16), default="")
    birth_date: Mapped[date | None] = mapped_column(Date)
    occupation: Mapped[str] = mapped_column(String(64), default="")
    # Sensitive (PIPL): only collected when the case needs it; masked on screen.
    # An IdType value, or "" when no ID was recorded (so not an EnumText column).
    id_type: Mapped[str] = mapped_column(String(16), default="")
    id_number: Mapped[str] = mapped_column(String(64), default="", index=True)
    phone: Mapped[str] = mapped_column(String(32), default="")
    address: Mapped[str] = mapped_column(String(255), default="")
    employer: Mapped[str] = mapped_column(String(120), default="")
    representative: Mapped[str] = mapped_column(String(64), default="")  # a business signs through one
    sort_order: Mapped[int] = mapped_column(SmallInteger, default=0)
