"""Early warnings (预警): one row per office, rule and subject, grown as cases arrive."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.store.base import Base, SyncedMixin, UtcDateTime
from app.store.models.case import Case


class EarlyWarning(SyncedMixin, Base):
    """The id is derived from (office, rule, subject_key) (app/core/warnings.warning_id),
    so two workstations raising the same warning offline make the same row; the central
    database merges a second insert of it into the first (app/sync/push.py)."""

    __tablename__ = "warnings"
    __table_args__ = (Index("ix_warnings_office_grown", "office_id", "last_grown_at"),)

    office_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offices.id"))
    rule: Mapped[str] = mapped_column(String(24))  # app.core.warnings.WarningRule
    # What the warning is about, as compared (uscc:…, name:…, a hashed phone …) and as
    # shown (the business's name, a masked phone, a keyword).
    subject_key: Mapped[str] = mapped_column(String(160))
    subject: Mapped[str] = mapped_column(String(200), default="")
    # The cases it rests on: hex ids, sorted, comma-joined (merged by union in sync).
    case_ids: Mapped[str] = mapped_column(Text, default="")
    # What the rule saw: keywords matched, category, sources … (for the words shown).
    detail: Mapped[Any] = mapped_column(JSON, default=dict)
    # The rule's N and D when it fired (None for rules without them).
    threshold: Mapped[int | None] = mapped_column(Integer)
    window_days: Mapped[int | None] = mapped_column(Integer)
    first_fired_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_grown_at: Mapped[datetime] = mapped_column(UtcDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    acknowledged_by: Mapped[str] = mapped_column(String(64), default="")
    ack_note: Mapped[str] = mapped_column(Text, default="")
    # How many cases it rested on when acknowledged: more since means it grew.
    acked_count: Mapped[int | None] = mapped_column(Integer)


# The cases linked to another as one dispute (多头/重复诉求): the multi-channel rule reads
# the cases linking to a batch of new ones. Partial: most cases link to none. Declared
# here, with the warnings that need it (migration 0017).
Index("ix_cases_linked", Case.linked_case_id,
      sqlite_where=Case.linked_case_id.is_not(None),
      postgresql_where=Case.linked_case_id.is_not(None))
