"""Issue 17, item 5: the groups' refund progress on the supervisor's dashboard — per live
group, in the dashboard's scope, 已退款 ¥X / ¥Y, settled of members and overdue, in one
grouped query; figures checked against sums worked out by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from app.core.groups import GroupStatus, MemberFacts, RefundBasis, RefundFormula
from app.core.stats import ScopeKind, StatsScope
from app.services import cases, dashboard, group_payments, groups, stats
from app.services.group_payments import RefundPlan
from app.services.groups import GroupInput
from tests.conftest import complaint_form

DUE = date(2026, 2, 27)  # FIXED_NOW's China date is 2026-03-02


def _group(ws, title: str, prefix: str, n: int):
    ids = [cases.intake_work_order(ws, complaint_form(source_ticket=f"{prefix}{i:03d}"))[0]
           for i in range(n)]
    gid, _ = groups.create_group(ws, GroupInput(title), ids)
    return gid, ids


def _progress(ws, kind=ScopeKind.OFFICE):
    return {r.title: r for r in dashboard.group_progress(
        ws, stats.desk_scope(ws, StatsScope(kind)))}


def test_each_groups_refunds_so_far_as_worked_out_by_hand(ws):
    gym, g = _group(ws, "悦动健身预付卡退费", "G", 5)
    school, s = _group(ws, "小天鹅培训退费", "S", 3)
    done, d = _group(ws, "已结束的群体", "D", 2)
    # The gym: ¥1,000 each by 2026-02-27; the fifth member settles on their own (no
    # amount under the group's formula).
    group_payments.set_refund_plan(ws, gym, RefundPlan(
        RefundFormula(RefundBasis.FIXED, fixed_fen=100_000), due_on=DUE))
    group_payments.set_member_facts(ws, gym, {i: MemberFacts() for i in g})
    payments = [(g[0], DUE, 100_000),           # in full on the due day: settled
                  (g[1], date(2026, 2, 20), 30_000),  # part: overdue, ¥300 counted
                  (g[3], date(2026, 2, 21), 60_000),
                  (g[3], date(2026, 3, 1), 60_000)]   # ¥1,200: settled, counted ¥1,000
    for case_id, day, fen in payments:
        group_payments.record_payment(ws, gym, case_id, paid_on=day, amount_fen=fen)
    group_payments.set_individual(ws, gym, g[4], True)
    # The school: ¥500 per unused session, due 2026-03-31 (nobody late yet).
    group_payments.set_refund_plan(ws, school, RefundPlan(
        RefundFormula(RefundBasis.SESSIONS, unit_price_fen=50_000), due_on=date(2026, 3, 31)))
    group_payments.set_member_facts(ws, school, {s[0]: MemberFacts(unused_sessions=2),
                                                 s[1]: MemberFacts(unused_sessions=4)})
    group_payments.record_payment(ws, school, s[1], paid_on=date(2026, 3, 1),
                                  amount_fen=80_000)
    # A closed group is not on the dashboard.
    detail = groups.group_detail(ws, done)
    groups.update_group(ws, done, replace(detail.particulars, status=GroupStatus.CLOSED),
                        expected_version=detail.version)

    rows = _progress(ws)
    assert list(rows) == ["悦动健身预付卡退费", "小天鹅培训退费"]  # the overdue first
    gym_row = rows["悦动健身预付卡退费"]
    # members 5, 4 with an amount: agreed 4 × 1,000; paid 1,000 + 300 + 0 + 1,000 (capped)
    assert (gym_row.members, gym_row.with_amount, gym_row.agreed_fen, gym_row.paid_fen,
            gym_row.settled, gym_row.overdue) == (5, 4, 400_000, 230_000, 2, 2)
    assert gym_row.group_id == gym
    school_row = rows["小天鹅培训退费"]
    # 3 members, 2 with an amount: 2 × 500 + 4 × 500 = 3,000; paid 800, nobody late
    assert (school_row.members, school_row.with_amount, school_row.agreed_fen,
            school_row.paid_fen, school_row.settled, school_row.overdue) == (
        3, 2, 300_000, 80_000, 0, 0)
    # The group page's own progress (app/core/groups.group_progress) says the same.
    page = group_payments.progress(ws, gym)
    assert (page.paid_fen, page.agreed_fen, page.settled, page.members, page.overdue) == (
        gym_row.paid_fen, gym_row.agreed_fen, gym_row.settled, gym_row.with_amount,
        gym_row.overdue)


def test_a_mediators_scope_counts_their_own_members(ws):
    gym, g = _group(ws, "悦动健身预付卡退费", "G", 3)
    group_payments.set_refund_plan(ws, gym, RefundPlan(
        RefundFormula(RefundBasis.FIXED, fixed_fen=100_000), due_on=DUE))
    group_payments.set_member_facts(ws, gym, {i: MemberFacts() for i in g})
    for case_id in g[:2]:
        cases.accept(ws, case_id)
        cases.assign(ws, case_id, ws.actor.mediator_id)
    group_payments.record_payment(ws, gym, g[0], paid_on=DUE, amount_fen=100_000)
    mine = _progress(ws, ScopeKind.ME)["悦动健身预付卡退费"]
    assert (mine.members, mine.agreed_fen, mine.paid_fen, mine.settled, mine.overdue) == (
        2, 200_000, 100_000, 1, 1)
    office = _progress(ws)["悦动健身预付卡退费"]
    assert (office.members, office.overdue) == (3, 2)


def test_no_groups_no_rows(ws):
    assert dashboard.group_progress(ws, stats.desk_scope(ws, StatsScope(ScopeKind.OFFICE))) \
        == ()
