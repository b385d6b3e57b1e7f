"""Offices (市场监管所 / 人民调解委员会), their mediators and per-office settings."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.users import UserRole
from app.store.base import Base, EnumText, SyncedMixin


class Office(SyncedMixin, Base):
    __tablename__ = "offices"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    # 人民调解委员会 name printed on documents, and the 编号 prefix: （2026）浦消调字第0123号
    committee_name: Mapped[str] = mapped_column(String(120), default="")
    number_prefix: Mapped[str] = mapped_column(String(16), default="")
    region: Mapped[str] = mapped_column(String(64), default="")
    default_track: Mapped[str] = mapped_column(String(24), default="market_complaint")
    # For notices to the parties: where the office is and how to reach it.
    address: Mapped[str] = mapped_column(String(200), default="", server_default="")
    phone: Mapped[str] = mapped_column(String(32), default="", server_default="")


class Mediator(SyncedMixin, Base):
    __tablename__ = "mediators"

    office_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offices.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    login: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[UserRole] = mapped_column(EnumText(UserRole, 16), default=UserRole.MEDIATOR)
    phone: Mapped[str] = mapped_column(String(32), default="")
    certificate_no: Mapped[str] = mapped_column(String(32), default="", server_default="")  # 调解员证号
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class OfficeSetting(SyncedMixin, Base):
    """Office configuration held as data, e.g. pledges ("2 hours to dispatch")."""

    __tablename__ = "office_settings"
    __table_args__ = (UniqueConstraint("office_id", "key"),)

    office_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offices.id"))
    key: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JSON)
