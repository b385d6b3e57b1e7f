"""Group disputes' rules (issue 17): refund formulas, batches split by the workflow,
consecutive agreement numbers, members' performance and the group's progress."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.core.errors import TransitionErrorCode
from app.core.groups import (
    GroupError,
    GroupErrorCode,
    MemberFacts,
    Payment,
    Performance,
    PerformanceState,
    RefundBasis,
    RefundFormula,
    agreement_numbers,
    group_progress,
    refund_fen,
    split_batch,
)
from app.core.workflow import Action, CaseKind, CaseState, CaseStatus, Track


def test_unused_sessions_times_the_unit_price():
    formula = RefundFormula(RefundBasis.SESSIONS, unit_price_fen=12_850)  # ¥128.50 a session
    assert refund_fen(formula, MemberFacts(unused_sessions=23)) == 295_550
    assert refund_fen(formula, MemberFacts(unused_sessions=0)) == 0


def test_a_share_of_the_balance_is_rounded_half_up_once():
    third = RefundFormula(RefundBasis.BALANCE_SHARE, share_percent=Decimal("33.33"))
    # 100.05 yuan × 33.33 % = 33.346665 → ¥33.35 (half up at the fen, once)
    assert refund_fen(third, MemberFacts(prepaid_balance_fen=10_005)) == 3_335
    half = RefundFormula(RefundBasis.BALANCE_SHARE, share_percent=Decimal("50"))
    assert refund_fen(half, MemberFacts(prepaid_balance_fen=1)) == 1  # ¥0.005 → ¥0.01
    assert refund_fen(half, MemberFacts(prepaid_balance_fen=320_000)) == 160_000
    whole = RefundFormula(RefundBasis.BALANCE_SHARE, share_percent=Decimal(100))
    assert refund_fen(whole, MemberFacts(prepaid_balance_fen=499_999)) == 499_999


def test_a_fixed_sum_is_the_same_for_everyone():
    formula = RefundFormula(RefundBasis.FIXED, fixed_fen=50_000)
    assert refund_fen(formula, MemberFacts()) == 50_000


@pytest.mark.parametrize("formula", [
    dict(basis=RefundBasis.SESSIONS, unit_price_fen=0),
    dict(basis=RefundBasis.BALANCE_SHARE, share_percent=Decimal("0")),
    dict(basis=RefundBasis.BALANCE_SHARE, share_percent=Decimal("100.01")),
    dict(basis=RefundBasis.BALANCE_SHARE, share_percent=Decimal("12.345")),
    dict(basis=RefundBasis.FIXED, fixed_fen=-1),
])
def test_a_formula_out_of_range_is_refused(formula):
    with pytest.raises(GroupError) as caught:
        RefundFormula(**formula)
    assert caught.value.code is GroupErrorCode.FORMULA_INVALID


def test_a_member_without_the_fact_the_formula_needs_is_named_not_guessed():
    sessions = RefundFormula(RefundBasis.SESSIONS, unit_price_fen=100)
    with pytest.raises(GroupError) as caught:
        refund_fen(sessions, MemberFacts(prepaid_balance_fen=500))
    assert (caught.value.code, caught.value.detail) == (GroupErrorCode.FACT_MISSING,
                                                         "unused_sessions")
    with pytest.raises(GroupError) as caught:
        refund_fen(sessions, MemberFacts(unused_sessions=-2))
    assert caught.value.code is GroupErrorCode.FACT_INVALID


def _state(status: CaseStatus, **kw) -> CaseState:
    return CaseState(Track.MARKET_COMPLAINT, CaseKind.COMPLAINT, status, **kw)


def test_a_batch_acts_on_the_members_the_workflow_allows_and_names_the_rest():
    states = {"A": _state(CaseStatus.RECEIVED), "B": _state(CaseStatus.ACCEPTED),
              "C": _state(CaseStatus.RECEIVED), "D": _state(CaseStatus.CLOSED)}
    split = split_batch(Action.ACCEPT, states)
    assert split.allowed == ("A", "C")
    assert set(split.refused) == {"B", "D"}
    assert all(e.code is TransitionErrorCode.NOT_ALLOWED for e in split.refused.values())

    paused = {"A": _state(CaseStatus.MEDIATING, paused=True), "B": _state(CaseStatus.MEDIATING)}
    assert split_batch(Action.PAUSE, paused).allowed == ("B",)
    closing = split_batch(Action.CLOSE, paused)
    assert closing.allowed == ("B",)
    assert closing.refused["A"].code is TransitionErrorCode.PAUSED


def test_agreement_numbers_run_on_without_gaps_and_sort_as_they_run():
    numbers = agreement_numbers("浦市监调〔2026〕群3-", 998, 5)
    assert numbers == [f"浦市监调〔2026〕群3-{n:04d}" for n in range(998, 1003)]
    assert numbers == sorted(numbers)
    assert agreement_numbers("X", 1, 0) == []
    with pytest.raises(GroupError):
        agreement_numbers("X", 0, 3)


def test_a_members_performance_is_due_then_overdue_until_paid_in_full():
    due = date(2026, 12, 31)
    nothing = Performance(300_000, due)
    assert nothing.state(date(2026, 12, 31)) is PerformanceState.NOT_DUE  # on the day: in time
    assert nothing.state(date(2027, 1, 1)) is PerformanceState.OVERDUE
    part = Performance(300_000, due, (Payment(date(2026, 12, 1), 100_000),))
    assert (part.paid_fen, part.outstanding_fen) == (100_000, 200_000)
    assert part.state(date(2027, 1, 4)) is PerformanceState.OVERDUE
    whole = Performance(300_000, due, (Payment(date(2026, 12, 1), 100_000),
                                       Payment(date(2027, 1, 5), 200_000)))
    assert whole.state(date(2027, 2, 1)) is PerformanceState.PAID
    assert whole.last_paid_on == date(2027, 1, 5) and whole.outstanding_fen == 0


def test_the_groups_progress_counts_money_members_and_overdue():
    today = date(2027, 1, 10)
    progress = group_progress([
        Performance(300_000, date(2027, 1, 31), (Payment(date(2027, 1, 2), 300_000),)),
        Performance(200_000, date(2027, 1, 5), (Payment(date(2027, 1, 2), 50_000),)),
        Performance(100_000, date(2027, 1, 31)),
        Performance(50_000, date(2027, 1, 31), (Payment(date(2027, 1, 2), 80_000),)),
    ], today)
    # an overpayment counts up to what was agreed: it refunds no one else
    assert (progress.paid_fen, progress.agreed_fen) == (300_000 + 50_000 + 50_000, 650_000)
    assert (progress.settled, progress.members, progress.overdue) == (2, 4, 1)
