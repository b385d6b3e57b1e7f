"""Summaries of the supervisor's figures (issue 15, "Budgets"): per-day sums of the
same SQL facts the figures count (app/services/case_facts.py), so that a year's figures
add up a few thousand summary rows instead of evaluating every case.

Derived and local, like case_tags and the hot-words index: never synced (no
SyncedMixin). Kept exact lazily: a trigger on ``cases`` (migration 0019) only marks the
(office, day) of a changed case's receipt, closing and acceptance as dirty in
``stats_dirty``; app/services/stats_summary.py recomputes those days before it answers
from the summaries, or counts a dirty day from ``cases`` itself.

Days are China dates as day numbers (``date.toordinal()``). A case without a mediator
is summed under NO_MEDIATOR (the nil UUID), so that every key column is NOT NULL.
"""

from __future__ import annotations

import uuid

from sqlalchemy import BigInteger, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.store.base import Base

NO_MEDIATOR = uuid.UUID(int=0)
# A case's instants whose China days stats_dirty marks when the case is written (the
# triggers of migration 0019; app/store/bulk.DeferredStatsMarks for a bulk load).
DIRTY_DAY_COLUMNS = ("received_at", "closed_at", "accepted_at")

# The figures a day's cases sum to, by cohort (the (Kpi, RatePart) each one is:
# app/services/stats_summary.py MEASURES). The repeat complainants are not a daily sum.
RECEIVED_MEASURES = ("received", "response_24h_d", "response_24h_n", "dispatch_2h_d",
                     "dispatch_2h_n", "completion_d", "completion_n", "multi_channel")
CLOSED_MEASURES = ("closed", "rejected", "on_time_d", "on_time_n", "success_d", "success_n",
                   "satisfaction_d", "satisfaction_n", "recovered_fen", "referrals")
ACCEPTED_MEASURES = ("accepted",)
MEASURES = RECEIVED_MEASURES + CLOSED_MEASURES + ACCEPTED_MEASURES


class StatsDirty(Base):
    """An office's day whose summaries are out of date (or not built yet)."""

    __tablename__ = "stats_dirty"

    office_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    day: Mapped[int] = mapped_column(Integer, primary_key=True)


class StatsDaily(Base):
    """One office's, mediator's, day's figures of one cohort (received / closed /
    accepted on that day); the measures of the other cohorts are 0."""

    __tablename__ = "stats_daily"
    __table_args__ = (Index("ix_stats_daily_day", "day", "office_id"),)

    office_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    day: Mapped[int] = mapped_column(Integer, primary_key=True)
    cohort: Mapped[str] = mapped_column(String(8), primary_key=True)
    mediator_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    received: Mapped[int] = mapped_column(Integer, default=0)
    response_24h_d: Mapped[int] = mapped_column(Integer, default=0)
    response_24h_n: Mapped[int] = mapped_column(Integer, default=0)
    dispatch_2h_d: Mapped[int] = mapped_column(Integer, default=0)
    dispatch_2h_n: Mapped[int] = mapped_column(Integer, default=0)
    completion_d: Mapped[int] = mapped_column(Integer, default=0)
    completion_n: Mapped[int] = mapped_column(Integer, default=0)
    multi_channel: Mapped[int] = mapped_column(Integer, default=0)
    closed: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    on_time_d: Mapped[int] = mapped_column(Integer, default=0)
    on_time_n: Mapped[int] = mapped_column(Integer, default=0)
    success_d: Mapped[int] = mapped_column(Integer, default=0)
    success_n: Mapped[int] = mapped_column(Integer, default=0)
    satisfaction_d: Mapped[int] = mapped_column(Integer, default=0)
    satisfaction_n: Mapped[int] = mapped_column(Integer, default=0)
    recovered_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    referrals: Mapped[int] = mapped_column(Integer, default=0)
    accepted: Mapped[int] = mapped_column(Integer, default=0)


class StatsDailyBy(Base):
    """The cases received on an office's day (counted once) by one breakdown's key:
    how many, how many of them are closed, the money recovered for them. The
    respondent businesses are per month instead (StatsMonthlyBy)."""

    __tablename__ = "stats_daily_by"
    __table_args__ = (Index("ix_stats_daily_by_dim_day", "dimension", "day", "office_id"),)

    office_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    day: Mapped[int] = mapped_column(Integer, primary_key=True)
    dimension: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    received: Mapped[int] = mapped_column(Integer, default=0)
    closed: Mapped[int] = mapped_column(Integer, default=0)
    recovered_fen: Mapped[int] = mapped_column(BigInteger, default=0)


class StatsMonthlyBy(Base):
    """The respondent businesses of an office's cases received in a month (``month``:
    the ordinal of its first day): too many per day for a daily sum to be shorter
    than the cases. ``name`` is the greatest name a business's cases give it."""

    __tablename__ = "stats_monthly_by"
    __table_args__ = (Index("ix_stats_monthly_by_month", "month", "office_id"),)

    office_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    received: Mapped[int] = mapped_column(Integer, default=0)
    closed: Mapped[int] = mapped_column(Integer, default=0)
    recovered_fen: Mapped[int] = mapped_column(BigInteger, default=0)


class StatsRepeatCase(Base):
    """The live, not-linked cases with a complainant phone that two or more such cases
    of the store share: the only cases a repeat complainant can be among, so that the
    figure groups these few rows instead of every case of the range."""

    __tablename__ = "stats_repeat_cases"
    __table_args__ = (Index("ix_stats_repeat_cases_day", "day", "office_id"),
                      Index("ix_stats_repeat_cases_phone", "phone"))

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    office_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    mediator_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    day: Mapped[int] = mapped_column(Integer)
    phone: Mapped[str] = mapped_column(String(32))
