"""Clock pauses, deadline rule sets and the working-day calendar, all held as data."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.store.base import Base, SyncedMixin, UtcDateTime


class ClockPause(SyncedMixin, Base):
    """A pause for inspection/appraisal (暂行办法 Art 20) or recusal (Art 19)."""

    __tablename__ = "clock_pauses"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    reason: Mapped[str] = mapped_column(String(16))
    started_on: Mapped[date] = mapped_column(Date)
    expected_end: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")


class DeadlineRuleSet(SyncedMixin, Base):
    """A set of statutory clocks, chosen by the date a work order was received."""

    __tablename__ = "deadline_rule_sets"

    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    track: Mapped[str] = mapped_column(String(24))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    confirmed: Mapped[bool] = mapped_column(Boolean, default=True)  # 已核实
    rules: Mapped[Any] = mapped_column(JSON)
    # code -> {"text", "basis"}: the grounds of this period, as its notices print them.
    rejection_grounds: Mapped[Any] = mapped_column(JSON, default=dict,
                                                   server_default=text("'{}'"))
    termination_grounds: Mapped[Any] = mapped_column(JSON, default=dict,
                                                     server_default=text("'{}'"))
    # Who checked the values against the governing text, and when ("" / None: shipped).
    verified_by: Mapped[str] = mapped_column(String(64), default="", server_default="")
    verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CalendarYearRow(SyncedMixin, Base):
    """One year of the State Council's holiday notice: days off and adjusted working days."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, unique=True)
    source: Mapped[str] = mapped_column(String(32))  # chinesecalendar|admin
    revision: Mapped[int] = mapped_column(Integer, default=1)
    holidays: Mapped[Any] = mapped_column(JSON)  # ISO dates
    adjusted_workdays: Mapped[Any] = mapped_column(JSON)  # ISO dates (调休上班日)
    names: Mapped[Any] = mapped_column(JSON, default=dict)  # ISO date -> holiday name
