"""Frozen values the services hand to the UI and the command line (never ORM objects)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from app.core.deadlines import ClockKind, Deadline
from app.core.follow_ups import FollowUpMethod, Performance, Satisfaction
from app.core.parties import PartyRole, PartyType
from app.core.workflow import (
    Action,
    CaseKind,
    CaseStatus,
    Outcome,
    RejectionGround,
    Source,
    TerminationGround,
    Track,
)


@dataclass(frozen=True)
class Changes:
    """What a service call changed, so views refresh only that (cf. Anki OpChanges)."""

    case_ids: frozenset[uuid.UUID] = frozenset()
    case_created: bool = False
    parties: bool = False
    history: bool = False
    follow_ups: bool = False
    reference: bool = False
    sessions: bool = False  # session records or drafts
    notes: bool = False  # working notes and the contact log
    evidence: bool = False  # attachments
    phrases: bool = False  # the office's templates and quick phrases
    clauses: bool = False  # the office's agreement clauses (条款库)
    queue: bool = False  # too many cases to list changed at once: lists and counts reload
    warnings: bool = False  # early warnings raised, grown or acknowledged (预警)


@dataclass(frozen=True, slots=True)  # slots: an import holds 100,000 of them
class PartyInput:
    role: PartyRole
    party_type: PartyType
    name: str
    phone: str = ""
    address: str = ""
    id_type: str = ""  # an IdType value; "" when no ID is recorded
    id_number: str = ""
    sex: str = ""
    ethnicity: str = ""
    birth_date: date | None = None
    occupation: str = ""
    employer: str = ""
    representative: str = ""


@dataclass(frozen=True, slots=True)
class IntakeForm:
    track: Track
    kind: CaseKind
    source: Source
    received_at: datetime
    complainant: PartyInput
    respondent: PartyInput | None
    description: str
    source_ticket: str = ""
    title: str = ""
    request: str = ""
    category: str = ""
    issue_type: str = ""
    region: str = ""
    tags: tuple[str, ...] = ()
    urgency: int = 0
    amount_claimed: str | Decimal | None = None
    reporter_confidential: bool = False
    link_to: uuid.UUID | None = None


@dataclass(frozen=True)
class PartyView:
    id: uuid.UUID
    role: PartyRole
    party_type: PartyType
    name: str
    phone: str
    phone_masked: str
    id_type: str
    id_number_masked: str
    has_id_number: bool
    address: str
    sex: str
    ethnicity: str
    birth_date: date | None
    occupation: str
    employer: str
    representative: str
    version: int


@dataclass(frozen=True)
class PauseView:
    id: uuid.UUID
    reason: str
    started_on: date
    expected_end: date | None
    ended_on: date | None
    note: str


@dataclass(frozen=True)
class NoticeView:
    """A notice the case's decision owes (终止调解, 举报处理结果): who must be told and who
    is still to be; ``due`` is its clock's last day (None without a clock)."""

    kind: ClockKind
    decided_at: datetime
    owed: tuple[PartyRole, ...]
    still_owed: tuple[PartyRole, ...]
    due: date | None = None


@dataclass(frozen=True)
class DeliveryView:
    """送达: who was told of which notice, how and when; ``by`` recorded it."""

    id: uuid.UUID
    notice: ClockKind
    to: PartyRole
    method: str  # a DeliveryMethod value
    delivered_at: datetime
    by: str
    note: str


@dataclass(frozen=True)
class ExtensionView:
    """An approved extension of a time limit: who approved it, when and why."""

    id: uuid.UUID
    clock: ClockKind
    approved_by: str
    approved_at: datetime
    reason: str
    recorded_by: str


@dataclass(frozen=True)
class FollowUpView:
    id: uuid.UUID
    followed_at: datetime
    by: str
    method: FollowUpMethod
    performance: Performance
    satisfaction: Satisfaction
    note: str


@dataclass(frozen=True)
class CaseSummary:
    id: uuid.UUID
    source_ticket: str
    received_at: datetime
    complainant_name: str
    respondent_name: str
    category: str
    source: Source
    status: CaseStatus
    next_deadline_on: date | None
    next_deadline_kind: str
    deadline_provisional: bool
    paused: bool
    tags: tuple[str, ...]
    mediator_name: str
    rules_confirmed: bool = True  # False: its rule set is not verified (shown with the date)


@dataclass(frozen=True)
class GroundOption:
    """A 不予受理 / 终止调解 ground as the case's rule set words it."""

    ground: RejectionGround | TerminationGround
    text: str
    basis: str  # "" where no text states it


@dataclass(frozen=True)
class CaseDetail:
    id: uuid.UUID
    version: int
    office_id: uuid.UUID
    track: Track
    kind: CaseKind
    source: Source
    source_ticket: str
    status: CaseStatus
    outcome: Outcome | None
    urgency: int
    title: str
    description: str
    request: str
    category: str
    issue_type: str
    region: str
    tags: tuple[str, ...]
    amount_claimed: Decimal | None
    amount_recovered: Decimal | None
    received_at: datetime
    accepted_at: datetime | None
    assigned_at: datetime | None
    closed_at: datetime | None
    mediator_id: uuid.UUID | None
    mediator_name: str
    rule_set_code: str
    rule_set_confirmed: bool
    rejection_ground: str | None
    termination_ground: str | None
    status_reason: str
    satisfaction: Satisfaction | None
    linked_case_id: uuid.UUID | None
    reporter_confidential: bool
    paused: bool
    deadlines: tuple[Deadline, ...]
    allowed_actions: tuple[Action, ...]
    parties: tuple[PartyView, ...] = ()
    pauses: tuple[PauseView, ...] = ()
    follow_ups: tuple[FollowUpView, ...] = ()
    rejection_grounds: tuple[GroundOption, ...] = ()  # of the case's rule set
    termination_grounds: tuple[GroundOption, ...] = ()
    reopened_at: datetime | None = None
    notices: tuple[NoticeView, ...] = ()  # of the decision that closed it
    deliveries: tuple[DeliveryView, ...] = ()  # every 送达 recorded, oldest first
    extensions: tuple[ExtensionView, ...] = ()
    # The report verification limit may still be extended (行政处罚程序规定 第十八条).
    verification_extendable: bool = False


@dataclass(frozen=True)
class AuditEntry:
    id: uuid.UUID
    at: datetime
    actor: str
    entity: str
    action: str
    changes: dict[str, Any] = field(default_factory=dict)
    reason: str = ""
