"""Issue 17, item 5: overdue refunds in the queue — the 退款逾期 view lists the group
members whose agreed refund is not all paid once their due date has passed (China
time; paid on the due date is in time), and 待回访 keeps a member already followed up
while their refund is overdue."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.core.groups import MemberFacts, RefundBasis, RefundFormula, member_id
from app.core.workflow import Outcome
from app.services import cases, group_payments, groups, queue
from app.services.group_payments import RefundPlan
from app.services.groups import GroupInput, refund_overdue_cases
from app.services.queue import QueueQuery, QueueView
from app.store.models import GroupMember
from tests.conftest import complaint_form

TODAY = date(2026, 3, 2)  # FIXED_NOW's China date
DUE = date(2026, 2, 27)  # the group's last day to pay (a Friday)
FULL = 100_000


def _members(ws, n: int) -> tuple:
    ids = [cases.intake_work_order(ws, complaint_form(source_ticket=f"R{i:03d}"))[0]
           for i in range(n)]
    gid, _ = groups.create_group(ws, GroupInput("悦动健身预付卡退费"), ids)
    return gid, ids


def _listed(ws, view: QueueView) -> set:
    page = queue.fetch_cases(ws, QueueQuery(view=view), 0, 100)
    return {r.id for r in page.rows}


def _close(ws, case_id) -> None:
    cases.accept(ws, case_id)
    cases.assign(ws, case_id, ws.actor.mediator_id)
    cases.start_mediation(ws, case_id)
    cases.close(ws, case_id, Outcome.SETTLED, amount_recovered="1000")


def _follow_up(ws, case_id) -> None:
    cases.record_follow_up(ws, case_id, satisfaction="satisfied", performance="partial",
                           note="尚未全部退款")


def _group_with_every_kind_of_member(ws):
    """paid / partly paid / unpaid / paid in full on the due day / own later date /
    no amount agreed."""
    gid, ids = _members(ws, 6)
    paid, part, unpaid, on_the_day, later, no_amount = ids
    # The amounts are set before the group has a date: those members have none of their
    # own, and the group's date set afterwards is theirs.
    group_payments.set_refund_plan(ws, gid, RefundPlan(
        RefundFormula(RefundBasis.FIXED, fixed_fen=FULL), due_on=None))
    group_payments.set_member_facts(ws, gid, {i: MemberFacts() for i in ids[:5]})
    with ws.store.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(GroupMember).where(
            GroupMember.due_on.is_not(None))) == 0
        session.get(GroupMember, member_id(gid, later)).due_on = date(2026, 3, 10)
    group_payments.set_refund_plan(ws, gid, RefundPlan(
        RefundFormula(RefundBasis.FIXED, fixed_fen=FULL), due_on=DUE))
    group_payments.record_payment(ws, gid, paid, paid_on=date(2026, 2, 20), amount_fen=FULL)
    group_payments.record_payment(ws, gid, part, paid_on=date(2026, 2, 25), amount_fen=40_000)
    group_payments.record_payment(ws, gid, on_the_day, paid_on=DUE, amount_fen=60_000)
    group_payments.record_payment(ws, gid, on_the_day, paid_on=DUE, amount_fen=40_000)
    return gid, ids


def test_the_view_lists_the_members_unpaid_after_their_due_date(ws):
    gid, ids = _group_with_every_kind_of_member(ws)
    paid, part, unpaid, on_the_day, later, no_amount = ids
    other = cases.intake_work_order(ws, complaint_form(source_ticket="X001"))[0]

    assert _listed(ws, QueueView.REFUND_OVERDUE) == {part, unpaid}
    assert queue.view_counts(ws)[QueueView.REFUND_OVERDUE] == 2
    assert queue.count_cases(ws, QueueQuery(view=QueueView.REFUND_OVERDUE)) == 2
    # The group page and the refund list say the same of each member.
    overdue = {r.case_id for r in group_payments.overdue(ws, TODAY)}
    assert overdue == {part, unpaid}
    assert other not in _listed(ws, QueueView.REFUND_OVERDUE)

    def late_on(day: date) -> set:
        with ws.store.unit_of_work() as session:
            return set(session.scalars(refund_overdue_cases(ws.actor.office_id, day)))

    assert late_on(DUE) == set()  # the due day itself: nobody is late yet
    assert late_on(date(2026, 2, 28)) == {part, unpaid}
    assert late_on(date(2026, 3, 11)) == {part, unpaid, later}

    # The rest is paid: off the list.
    group_payments.record_payment(ws, gid, part, paid_on=TODAY, amount_fen=60_000)
    assert _listed(ws, QueueView.REFUND_OVERDUE) == {unpaid}
    # A member who leaves the group leaves the list too.
    groups.remove_members(ws, gid, [unpaid])
    assert queue.view_counts(ws)[QueueView.REFUND_OVERDUE] == 0


def test_a_member_followed_up_whose_refund_is_overdue_is_still_to_follow_up(ws):
    gid, ids = _group_with_every_kind_of_member(ws)
    paid, part, unpaid, on_the_day, later, no_amount = ids
    for case_id in (paid, part, unpaid, later):
        _close(ws, case_id)
    assert _listed(ws, QueueView.TO_FOLLOW_UP) == {paid, part, unpaid, later}
    for case_id in (paid, part, later):
        _follow_up(ws, case_id)
    # Followed up: paid and not yet due leave the list; partly paid and overdue stays
    # (another call is needed); unpaid was never followed up and is there anyway.
    assert _listed(ws, QueueView.TO_FOLLOW_UP) == {part, unpaid}
    counts = queue.view_counts(ws)
    assert counts[QueueView.TO_FOLLOW_UP] == 2
    assert queue.count_cases(ws, QueueQuery(view=QueueView.TO_FOLLOW_UP)) == 2
    assert counts[QueueView.REFUND_OVERDUE] == 2
    cases.rate(ws, part, "dissatisfied")
    assert _listed(ws, QueueView.TO_FOLLOW_UP) == {part, unpaid}  # rated, still owed
    group_payments.record_payment(ws, gid, part, paid_on=TODAY, amount_fen=60_000)
    assert _listed(ws, QueueView.TO_FOLLOW_UP) == {unpaid}
    assert queue.view_counts(ws)[QueueView.TO_FOLLOW_UP] == 1
