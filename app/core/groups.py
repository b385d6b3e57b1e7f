"""Group disputes (群体性纠纷, issue 17): hundreds of complaints against one business,
handled as one and settled case by case. The rules here hold whatever the store:

- a refund formula (退费方案) and what it gives a member: unused sessions × the unit
  price, a share of the prepaid balance, or a fixed sum, in fen, rounded half up once;
- which members of a batch an action may touch (the case workflow decides, member by
  member), and why the others are left as they are;
- the agreements' consecutive numbers;
- a member's performance (履行): what was agreed, by when, what was paid and when.
"""

from __future__ import annotations

import uuid
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Generic, TypeVar

from app.core.errors import TransitionError
from app.core.workflow import Action, CaseState, check_allowed

Key = TypeVar("Key", bound=Hashable)

# The namespace of member ids (member_id); never change it: ids already stored use it.
_MEMBER_NAMESPACE = uuid.UUID("6f1c1c5e-8a4e-4d0b-9a57-2f1e0c9d1b17")
# What a percentage may hold: 0 < p ≤ 100, to two places (a share of 33.33 %).
_PERCENT_STEP = Decimal("0.01")


def member_id(group_id: uuid.UUID, case_id: uuid.UUID) -> uuid.UUID:
    """A group member's id, the same on every desk that adds this case to this group."""
    return uuid.uuid5(_MEMBER_NAMESPACE, f"{group_id.hex}:{case_id.hex}")


class GroupStatus(StrEnum):
    OPEN = "open"  # 处理中: members are taken in, called, mediated
    SETTLING = "settling"  # 履行中: agreements signed, refunds being paid
    CLOSED = "closed"  # 已结束


class GroupOrigin(StrEnum):
    """How the group was made (kept for the supervisor's figures and the audit)."""

    WARNING = "warning"  # from an early warning (N complaints against one business)
    SELECTION = "selection"  # cases chosen in the queue
    IMPORT = "import"  # by rule at import: same respondent credit code or name


class RefundBasis(StrEnum):
    SESSIONS = "sessions"  # 未使用课时（次数）× 单价
    BALANCE_SHARE = "balance_share"  # 预付余额 × 比例
    FIXED = "fixed"  # 每人固定金额


class GroupErrorCode(StrEnum):
    FORMULA_INVALID = "formula_invalid"  # a unit price, share or sum out of range
    FACT_MISSING = "fact_missing"  # the member's unused sessions / balance not known
    FACT_INVALID = "fact_invalid"  # a negative count or balance
    NUMBER_INVALID = "number_invalid"  # an agreement number's first or count


class GroupError(ValueError):
    def __init__(self, code: GroupErrorCode, detail: str = "") -> None:
        super().__init__(f"{code.value}: {detail}" if detail else code.value)
        self.code, self.detail = code, detail


@dataclass(frozen=True)
class RefundFormula:
    """The group agreement's refund formula; amounts in fen."""

    basis: RefundBasis
    unit_price_fen: int = 0  # SESSIONS: the price of one unused session
    share_percent: Decimal = Decimal(0)  # BALANCE_SHARE: the share of the balance, in %
    fixed_fen: int = 0  # FIXED: the sum each member gets

    def __post_init__(self) -> None:
        match self.basis:
            case RefundBasis.SESSIONS:
                ok = self.unit_price_fen > 0
            case RefundBasis.BALANCE_SHARE:
                share = Decimal(self.share_percent)
                ok = (0 < share <= 100 and share == share.quantize(_PERCENT_STEP))
            case RefundBasis.FIXED:
                ok = self.fixed_fen > 0
        if not ok:
            raise GroupError(GroupErrorCode.FORMULA_INVALID, self.basis.value)


@dataclass(frozen=True)
class MemberFacts:
    """What the formula needs of one member (from the business's records or the card)."""

    unused_sessions: int | None = None
    prepaid_balance_fen: int | None = None


def refund_fen(formula: RefundFormula, facts: MemberFacts) -> int:
    """The member's refund under ``formula``, in fen: a share is rounded half up to the
    fen once, at the end (¥0.005 → ¥0.01), never per step."""
    match formula.basis:
        case RefundBasis.FIXED:
            return formula.fixed_fen
        case RefundBasis.SESSIONS:
            count = _fact(facts.unused_sessions, "unused_sessions")
            return count * formula.unit_price_fen
        case RefundBasis.BALANCE_SHARE:
            balance = _fact(facts.prepaid_balance_fen, "prepaid_balance_fen")
            exact = Decimal(balance) * Decimal(formula.share_percent) / 100
            return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _fact(value: int | None, name: str) -> int:
    if value is None:
        raise GroupError(GroupErrorCode.FACT_MISSING, name)
    if value < 0:
        raise GroupError(GroupErrorCode.FACT_INVALID, name)
    return value


# ---------------------------------------------------------------- batches


@dataclass(frozen=True)
class BatchSplit(Generic[Key]):
    """A batch action's members: those it may act on now, and the rest with why (each
    left exactly as it is — never all-or-nothing)."""

    allowed: tuple[Key, ...]
    refused: Mapping[Key, TransitionError] = field(default_factory=dict)


def split_batch(action: Action, states: Mapping[Key, CaseState]) -> BatchSplit[Key]:
    """Members in input order; the workflow's own check decides for each."""
    allowed: list[Key] = []
    refused: dict[Key, TransitionError] = {}
    for key, state in states.items():
        try:
            check_allowed(state, action)
        except TransitionError as exc:
            refused[key] = exc
        else:
            allowed.append(key)
    return BatchSplit(tuple(allowed), refused)


# ---------------------------------------------------------------- agreement numbers


def agreement_numbers(prefix: str, first: int, count: int, *, width: int = 4) -> list[str]:
    """``count`` consecutive numbers from ``first``: 浦市监调〔2026〕群3-0001, -0002 …
    (zero-padded to ``width`` so they sort as they run)."""
    if first < 1 or count < 0:
        raise GroupError(GroupErrorCode.NUMBER_INVALID, f"{first}+{count}")
    return [f"{prefix}{n:0{width}d}" for n in range(first, first + count)]


# ---------------------------------------------------------------- performance (履行)


class PerformanceState(StrEnum):
    NOT_DUE = "not_due"  # 未到期: nothing or part paid, the due date not passed
    OVERDUE = "overdue"  # 逾期: not all paid and the due date passed
    PAID = "paid"  # 已履行: all paid (or more)


@dataclass(frozen=True)
class Payment:
    paid_on: date
    amount_fen: int


@dataclass(frozen=True)
class Performance:
    """One member's undertaking and what came of it. ``due_on``: the last day to pay
    (a payment on it is in time)."""

    agreed_fen: int
    due_on: date | None
    payments: tuple[Payment, ...] = ()

    @property
    def paid_fen(self) -> int:
        return sum(p.amount_fen for p in self.payments)

    @property
    def outstanding_fen(self) -> int:
        return max(0, self.agreed_fen - self.paid_fen)

    @property
    def last_paid_on(self) -> date | None:
        return max((p.paid_on for p in self.payments), default=None)

    def state(self, today: date) -> PerformanceState:
        if self.paid_fen >= self.agreed_fen:
            return PerformanceState.PAID
        if self.due_on is not None and today > self.due_on:
            return PerformanceState.OVERDUE
        return PerformanceState.NOT_DUE


@dataclass(frozen=True)
class GroupProgress:
    """The group's refunds so far: 已退款 ¥paid / ¥agreed, settled of members."""

    paid_fen: int
    agreed_fen: int
    settled: int  # members paid in full
    members: int  # members with an undertaking
    overdue: int


def group_progress(performances: Iterable[Performance], today: date) -> GroupProgress:
    paid = agreed = settled = members = overdue = 0
    for p in performances:
        members += 1
        agreed += p.agreed_fen
        paid += min(p.paid_fen, p.agreed_fen)  # an overpayment refunds no one else
        state = p.state(today)
        settled += state is PerformanceState.PAID
        overdue += state is PerformanceState.OVERDUE
    return GroupProgress(paid, agreed, settled, members, overdue)

