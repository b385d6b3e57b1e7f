"""Group disputes (群体性纠纷, issue 17): a group of cases against one business, its
members and the refunds paid to them. All three sync like any office table; each member
case keeps its own ticket, clocks and audit trail.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.store.base import Base, SyncedMixin


class DisputeGroup(SyncedMixin, Base):
    __tablename__ = "dispute_groups"
    __table_args__ = (Index("ix_dispute_groups_office_status", "office_id", "status"),)

    office_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offices.id"))
    title: Mapped[str] = mapped_column(String(120))
    respondent_name: Mapped[str] = mapped_column(String(120), default="")
    respondent_uscc: Mapped[str] = mapped_column(String(18), default="")
    lead_mediator_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("mediators.id"))
    status: Mapped[str] = mapped_column(String(16))  # app.core.groups.GroupStatus
    origin: Mapped[str] = mapped_column(String(16))  # app.core.groups.GroupOrigin
    warning_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # the warning it was made from
    # The complainants' representatives: [{"name", "phone", "case_id"}] (a representative
    # is usually one of the members; a phone is kept as entered, masked when shown).
    representatives: Mapped[Any] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    # The group agreement: the business's undertaking and the refund formula
    # (app.core.groups.RefundFormula; "" until agreed). The share is in hundredths of a
    # percent (3333 = 33.33 %), so it is exact in every database.
    undertaking: Mapped[str] = mapped_column(Text, default="")
    refund_basis: Mapped[str] = mapped_column(String(16), default="")
    unit_price_fen: Mapped[int | None] = mapped_column(BigInteger)
    share_basis_points: Mapped[int | None] = mapped_column(Integer)
    fixed_fen: Mapped[int | None] = mapped_column(BigInteger)
    refund_due_on: Mapped[date | None] = mapped_column(Date)  # a member's, unless their own
    agreement_prefix: Mapped[str] = mapped_column(String(64), default="")


class GroupMember(SyncedMixin, Base):
    """A case in a group. Its id is made of the group and the case
    (app/core/groups.member_id), so two desks adding the same case to a group offline
    make one row, which sync merges."""

    __tablename__ = "group_members"
    __table_args__ = (Index("ix_group_members_group", "group_id"),
                      Index("ix_group_members_case", "case_id"))

    office_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offices.id"))
    group_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dispute_groups.id"))
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    representative: Mapped[bool] = mapped_column(Boolean, default=False)
    # Disagrees with the group agreement: mediated and settled on their own.
    individual: Mapped[bool] = mapped_column(Boolean, default=False)
    # What the refund formula needs of this member, and what was agreed.
    unused_sessions: Mapped[int | None] = mapped_column(Integer)
    prepaid_balance_fen: Mapped[int | None] = mapped_column(BigInteger)
    agreed_fen: Mapped[int | None] = mapped_column(BigInteger)
    due_on: Mapped[date | None] = mapped_column(Date)
    agreement_number: Mapped[str] = mapped_column(String(80), default="")


class GroupPayment(SyncedMixin, Base):
    """A refund paid to a member (履行), entered by hand or from the business's list."""

    __tablename__ = "group_payments"
    __table_args__ = (Index("ix_group_payments_member", "member_id"),)

    office_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offices.id"))
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("group_members.id"))
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    paid_on: Mapped[date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(16), default="manual")  # manual / import
    note: Mapped[str] = mapped_column(Text, default="")
