"""The case (案件/工单) and its derived tag index."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql import text

from app.core.follow_ups import Satisfaction
from app.store.base import Base, EnumText, SyncedMixin, UtcDateTime

# The condition of the queue's partial indexes; queries must say it in these words.
LIVE = text("deleted = false")
# 待归档: closed complaints whose 卷宗 is not final yet (app/core/dossier.py FILED_STATUSES);
# the queue says it in these words so that the partial index ix_cases_to_archive, which
# holds exactly these cases, answers it. "+status" (SQLite, where the queue runs): the
# status is tested, never looked up in the status indexes, which would read the table
# row of every closed case.
_ARCHIVE_DUE = ("archived_on IS NULL AND kind = 'complaint' "
                "AND {status} IN ('closed', 'followed_up', 'rated')")
TO_ARCHIVE = text(_ARCHIVE_DUE.format(status="+status"))


class Case(SyncedMixin, Base):
    __tablename__ = "cases"
    __table_args__ = (
        # The queue sorts and filters in SQL. Its indexes are partial (live cases only),
        # so counts and first pages read the index alone.
        *(
            Index(f"ix_cases_q_{name}", *columns, sqlite_where=LIVE, postgresql_where=LIVE)
            for name, columns in (
                ("received", ("received_at",)),
                ("complainant", ("complainant_name",)),
                ("respondent", ("respondent_name",)),
                ("tags", ("tags",)),
                ("deadline", ("next_deadline_on", "received_at")),
                # A category with other filters (statuses, channels, regions, tags) is
                # answered from this index alone, counted and paged in order of receipt
                # (migration 0022: it replaced a filters index and category_received).
                ("category", ("category", "received_at", "status", "source", "region",
                              "tags")),
                ("status_received", ("status", "received_at")),
                ("source_received", ("source", "received_at")),
                ("region_received", ("region", "received_at")),
                # One index for both the mediator sort (by received within a mediator)
                # and 我的待办 (status read from the index, no table lookups).
                ("mediator_received", ("mediator_id", "received_at", "status")),
                ("status_mediator", ("status", "mediator_id")),  # 我的待办: open and mine
                # Issue 15, the figures: cases closed (or accepted) in a period.
                ("closed", ("closed_at",)),
                ("accepted", ("accepted_at",)),
            )
        ),
        # Lookups for search and duplicate detection, tombstones included.
        Index("ix_cases_source_ticket", "source_ticket"),
        # Row-level security and the first sync read an office's cases in key order.
        Index("ix_cases_office", "office_id", "id"),
        Index("ix_cases_complainant_phone", "complainant_phone"),
        Index("ix_cases_complainant_phone_tail", "complainant_phone_tail"),
        # 待回电: only cases with a promised callback are in it.
        Index("ix_cases_callback_due", "callback_due_at", "mediator_id",
              sqlite_where=text("callback_due_at IS NOT NULL"),
              postgresql_where=text("callback_due_at IS NOT NULL")),
        # 司法确认: only cases with a signed agreement whose window is open are in it.
        Index("ix_cases_confirmation_due", "confirmation_due_on", "mediator_id",
              sqlite_where=text("confirmation_due_on IS NOT NULL"),
              postgresql_where=text("confirmation_due_on IS NOT NULL")),
        # 待归档: only live closed complaints without a final 卷宗 are in these. The first
        # gives pages in order of receipt; the second holds every column the condition
        # names, so a count reads it alone (with the sort key in it, pages would sort).
        *(
            Index(name, *columns,
                  sqlite_where=text("deleted = false AND " + _ARCHIVE_DUE.format(
                      status="+status")),
                  postgresql_where=text("deleted = false AND " + _ARCHIVE_DUE.format(
                      status="status")))
            for name, columns in (
                ("ix_cases_to_archive", ("received_at",)),
                ("ix_cases_to_archive_count", ("status", "kind", "archived_on", "deleted")),
            )
        ),
    )

    office_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offices.id"))
    track: Mapped[str] = mapped_column(String(24))
    kind: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    source_ticket: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str | None] = mapped_column(String(16))
    urgency: Mapped[int] = mapped_column(SmallInteger, default=0)  # 0 normal, 1 urgent, 2 very urgent

    category: Mapped[str] = mapped_column(String(32), default="")
    issue_type: Mapped[str] = mapped_column(String(32), default="")
    region: Mapped[str] = mapped_column(String(32), default="")
    # Canonical tag list, comma-joined; case_tags is the derived index for filtering.
    tags: Mapped[str] = mapped_column(String(255), default="")

    title: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    request: Mapped[str] = mapped_column(Text, default="")
    # Money in fen (分): exact on SQLite, which has no true decimal type.
    amount_claimed_fen: Mapped[int | None] = mapped_column(BigInteger)
    amount_recovered_fen: Mapped[int | None] = mapped_column(BigInteger)

    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    assigned_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    mediation_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    followed_up_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    first_contact_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The last reopening (重新办理): the clocks that restart count from it.
    reopened_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    mediator_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("mediators.id"))

    # Denormalised from parties for the queue and search; parties stay the source of truth.
    complainant_name: Mapped[str] = mapped_column(String(64), default="")
    complainant_phone: Mapped[str] = mapped_column(String(32), default="")
    complainant_phone_tail: Mapped[str] = mapped_column(String(4), default="")
    respondent_name: Mapped[str] = mapped_column(String(120), default="")
    respondent_uscc: Mapped[str] = mapped_column(String(18), default="")

    # Clocks: the rule set is chosen once, by the date the work order was received.
    rule_set_code: Mapped[str] = mapped_column(String(64), default="")
    next_deadline_on: Mapped[date | None] = mapped_column(Date)
    next_deadline_kind: Mapped[str] = mapped_column(String(32), default="")
    deadline_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    # The callback promised in the latest contact-log entry (derived from notes).
    callback_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The last day to apply for 司法确认 of the signed agreement (derived from documents).
    confirmation_due_on: Mapped[date | None] = mapped_column(Date)
    # The day the case's 卷宗 was made final (归档); None until then (derived from documents).
    archived_on: Mapped[date | None] = mapped_column(Date)
    # When the clock that completing the case answers (the mediation clock, a report's
    # verification, a committee's target) runs out, pauses and reopening counted as its
    # clocks count them; None for a case without one (an inquiry). Derived by the clocks
    # (app/services/clocks.py clock_values), so the figures tell a case closed on time
    # from one closed late in SQL (app/services/stats.py).
    completion_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    rejection_ground: Mapped[str | None] = mapped_column(String(48))
    termination_ground: Mapped[str | None] = mapped_column(String(48))
    status_reason: Mapped[str] = mapped_column(Text, default="")
    satisfaction: Mapped[Satisfaction | None] = mapped_column(EnumText(Satisfaction, 16))

    linked_case_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # 多头/重复诉求 link
    reporter_confidential: Mapped[bool] = mapped_column(Boolean, default=False)


class CaseTag(Base):
    """Derived from Case.tags by the services; rebuilt locally, never synced."""

    __tablename__ = "case_tags"
    __table_args__ = (Index("ix_case_tags_tag_case", "tag", "case_id"),)

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(32), primary_key=True)


class CaseSearchKey(Base):
    """Local search index bookkeeping (not synced): the integer key a case has in the
    full-text table ``case_search`` (SQLite FTS5, created by migration 0002). Keys are
    handed out in order of receipt, so the highest keys are the newest cases."""

    __tablename__ = "case_search_keys"

    search_key: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), unique=True
    )
