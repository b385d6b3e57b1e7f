"""A group's refunds (issue 17, items 4–5): the plan's formula gives each member an
amount, payments are recorded in each case's history, overdue members show in a list,
and the group's progress adds up."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.core.groups import (
    GroupErrorCode,
    MemberFacts,
    PerformanceState,
    RefundBasis,
    RefundFormula,
)
from app.services import cases, group_payments, groups
from app.services.errors import ValidationFailed
from app.services.group_payments import RefundPlan
from app.services.groups import GroupInput, NotAMember
from app.store.models import AuditEvent, GroupPayment
from tests.conftest import FIXED_NOW, complaint_form

TODAY = date(2026, 3, 2)  # FIXED_NOW's China date


def _group(ws, n=3):
    ids = [cases.intake_work_order(ws, complaint_form(source_ticket=f"P{i:03d}"))[0]
           for i in range(n)]
    gid, _ = groups.create_group(ws, GroupInput("悦动健身预付卡退费"), ids)
    return gid, ids


def test_the_formula_gives_each_member_their_amount_and_names_those_it_cannot(ws):
    gid, ids = _group(ws)
    group_payments.set_refund_plan(ws, gid, RefundPlan(
        RefundFormula(RefundBasis.BALANCE_SHARE, share_percent=Decimal("80")),
        due_on=date(2026, 3, 31), undertaking="三十日内退还预付余额的百分之八十"))
    amounts, problems = group_payments.set_member_facts(ws, gid, {
        ids[0]: MemberFacts(prepaid_balance_fen=320_000),
        ids[1]: MemberFacts(prepaid_balance_fen=12_345),
        ids[2]: MemberFacts(unused_sessions=5),  # no balance: the formula cannot say
    })
    assert amounts == {ids[0]: 256_000, ids[1]: 9_876}  # 98.76 (80 % of 123.45)
    assert problems[ids[2]].code is GroupErrorCode.FACT_MISSING
    rows = group_payments.performances(ws, gid, TODAY)
    assert [(r.case_id, r.performance.agreed_fen, r.performance.due_on) for r in rows] == [
        (ids[0], 256_000, date(2026, 3, 31)), (ids[1], 9_876, date(2026, 3, 31))]
    with ws.store.unit_of_work() as session:
        actions = [e.action for e in session.scalars(select(AuditEvent).where(
            AuditEvent.case_id == ids[0], AuditEvent.entity == "group_members"))]
    assert actions == ["add", "refund_amount"]


def test_payments_make_a_member_paid_and_late_ones_overdue(ws):
    gid, ids = _group(ws)
    group_payments.set_refund_plan(ws, gid, RefundPlan(
        RefundFormula(RefundBasis.FIXED, fixed_fen=100_000), due_on=date(2026, 2, 27)))
    group_payments.set_member_facts(ws, gid, {i: MemberFacts() for i in ids})
    group_payments.record_payment(ws, gid, ids[0], paid_on=date(2026, 2, 20),
                                  amount_fen=100_000)
    group_payments.record_payment(ws, gid, ids[1], paid_on=date(2026, 2, 25),
                                  amount_fen=40_000, note="第一笔")
    states = {r.case_id: r.state for r in group_payments.performances(ws, gid, TODAY)}
    assert states == {ids[0]: PerformanceState.PAID, ids[1]: PerformanceState.OVERDUE,
                      ids[2]: PerformanceState.OVERDUE}
    late = group_payments.overdue(ws, TODAY)
    assert {r.case_id for r in late} == {ids[1], ids[2]}
    progress = group_payments.progress(ws, gid, TODAY)
    assert (progress.paid_fen, progress.agreed_fen, progress.settled, progress.members,
            progress.overdue) == (140_000, 300_000, 1, 3, 2)
    # before the due date nobody is late
    assert group_payments.overdue(ws, date(2026, 2, 27)) == []


@pytest.mark.parametrize("amount, paid_on, field", [
    (0, TODAY, "amount"), (-5, TODAY, "amount"), (100, date(2026, 3, 3), "paid_on")])
def test_a_wrong_payment_is_refused_and_nothing_recorded(ws, amount, paid_on, field):
    gid, ids = _group(ws, 1)
    with pytest.raises(ValidationFailed) as caught:
        group_payments.record_payment(ws, gid, ids[0], paid_on=paid_on, amount_fen=amount)
    assert field in caught.value.problems
    assert group_payments.performances(ws, gid, TODAY) == []
    with ws.store.unit_of_work() as session:
        assert session.scalars(select(GroupPayment)).all() == []
    assert FIXED_NOW.date() == TODAY  # the fixture's day is the one the check uses


def test_a_payment_to_someone_outside_the_group_is_refused(ws):
    gid, ids = _group(ws, 1)
    with pytest.raises(NotAMember):
        group_payments.record_payment(ws, gid, uuid.uuid4(), paid_on=TODAY, amount_fen=100)
    groups.remove_members(ws, gid, ids)
    with pytest.raises(NotAMember):
        group_payments.record_payment(ws, gid, ids[0], paid_on=TODAY, amount_fen=100)


def test_the_refund_list_reads_back_from_its_workbook_and_its_pdf(ws, tmp_path):
    """退款清单 (issue 17, item 4): each member's refund, paid and left, with totals, as
    .xlsx and PDF; no phone number on a list handed on."""
    from openpyxl import load_workbook

    from tests.documents.pdfcheck import pages

    gid, ids = _group(ws)
    group_payments.set_refund_plan(ws, gid, RefundPlan(
        RefundFormula(RefundBasis.SESSIONS, unit_price_fen=12_850), due_on=date(2026, 2, 27)))
    group_payments.set_member_facts(ws, gid, {ids[0]: MemberFacts(unused_sessions=10),
                                              ids[1]: MemberFacts(unused_sessions=3),
                                              ids[2]: MemberFacts(unused_sessions=0)})
    group_payments.record_payment(ws, gid, ids[0], paid_on=date(2026, 2, 20),
                                  amount_fen=100_000)
    book = group_payments.write_refund_list(ws, gid, tmp_path / "退款清单.xlsx", TODAY)
    rows = list(load_workbook(book, read_only=True)["退款清单"].iter_rows(values_only=True))
    heading = " ".join(str(r[0]) for r in rows[:3])
    assert "悦动健身预付卡退费" in heading
    assert "共 3 人，应退合计 1,670.50 元，已退合计 1,000.00 元，未退合计 670.50 元" in heading
    detail = [r for r in rows if r and isinstance(r[0], int)]
    assert [(r[1], float(r[3]), float(r[4]), float(r[5]), r[7]) for r in detail] == [
        ("P000", 1285.0, 1000.0, 285.0, "逾期"), ("P001", 385.5, 0.0, 385.5, "逾期"),
        ("P002", 0.0, 0.0, 0.0, "已履行")]
    [total] = [r for r in rows if r and r[0] == "合计"]
    assert (float(total[3]), float(total[4]), float(total[5])) == (1670.5, 1000.0, 670.5)
    pdf = group_payments.write_refund_list(ws, gid, tmp_path / "退款清单.pdf", TODAY)
    text = "".join(pages(pdf.read_bytes()))
    for words in ("退款清单", "悦动健身预付卡退费", "P000", "1,285.00", "285.00", "逾期",
                  "1,670.50元"):
        assert words.replace(" ", "") in text.replace(" ", ""), words
    assert "13800135678" not in text  # no phone on a list handed on


def test_the_businesss_refund_list_is_matched_to_members_and_the_rest_reported(ws, tmp_path):
    """The business's list (issue 17, item 5): rows matched by ticket, by name and phone,
    or by a name only one member has; unknown people, a name two members share, a wrong
    amount and the same payment twice are reported, not recorded; importing the same
    list again records nothing."""
    from openpyxl import Workbook

    from app.services.dto import PartyInput
    from app.services.group_payments import PaymentProblem

    def person(name, phone):
        return PartyInput(role="applicant", party_type="person", name=name, phone=phone,
                          address="上海市浦东新区张杨路500号")

    people = [("李秀英", "13800000001"), ("王芳", "13800000002"), ("张伟", "13800000003"),
              ("张伟", "13800000004")]
    ids = [cases.intake_work_order(ws, complaint_form(source_ticket=f"T{i}",
                                                      complainant=person(*p)))[0]
           for i, p in enumerate(people)]
    gid, _ = groups.create_group(ws, GroupInput("悦动健身预付卡退费"), ids)
    book = Workbook()
    sheet = book.active
    sheet.append(["上海悦动健身管理有限公司退款明细"])  # a title above the header
    sheet.append(["序号", "工单号", "姓名", "手机号", "退款金额（元）", "退款日期"])
    sheet.append([1, "T0", "李秀英", "", "1,200.00", "2026-02-20"])
    sheet.append([2, "", "王芳", 13800000002, 800, "2026/2/21"])
    sheet.append([3, "", "张伟", 13800000004, "¥500.50", "2026年2月22日"])
    sheet.append([4, "", "张伟", "", 300, "2026-02-22"])  # two members are 张伟
    sheet.append([5, "", "赵六", 13900000000, 100, "2026-02-22"])  # nobody
    sheet.append([6, "T0", "李秀英", "", "一千", "2026-02-23"])  # not an amount
    sheet.append([7, "T0", "李秀英", "", "1200", "2026-02-20"])  # row 3 again
    sheet.append([])
    path = tmp_path / "退款明细.xlsx"
    book.save(path)
    first = group_payments.import_payments(ws, gid, path)
    assert (first.recorded, first.total_fen) == (3, 120_000 + 80_000 + 50_050)
    assert [(row, problem) for row, problem, _ in first.problems] == [
        (6, PaymentProblem.AMBIGUOUS), (7, PaymentProblem.NO_MEMBER),
        (8, PaymentProblem.BAD_AMOUNT), (9, PaymentProblem.DUPLICATE)]
    with ws.store.unit_of_work() as session:
        paid = {p.case_id: (p.paid_on, p.amount_fen, p.source)
                for p in session.scalars(select(GroupPayment))}
    assert paid == {ids[0]: (date(2026, 2, 20), 120_000, "import"),
                    ids[1]: (date(2026, 2, 21), 80_000, "import"),
                    ids[3]: (date(2026, 2, 22), 50_050, "import")}
    again = group_payments.import_payments(ws, gid, path)
    assert again.recorded == 0
    assert [(row, p) for row, p, _ in again.problems if p is PaymentProblem.DUPLICATE] == [
        (3, PaymentProblem.DUPLICATE), (4, PaymentProblem.DUPLICATE),
        (5, PaymentProblem.DUPLICATE), (9, PaymentProblem.DUPLICATE)]


def test_a_refund_list_that_is_no_list_records_nothing_and_says_why(ws, tmp_path):
    from app.services.group_payments import PaymentProblem
    from app.services.work_order_files import WorkOrderFileError
    from tests.support.work_order_exports import write_export

    gid, _ = _group(ws, 1)
    broken = tmp_path / "坏文件.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(WorkOrderFileError):
        group_payments.import_payments(ws, gid, broken)
    # a work-order export is a table, but not a refund list: no amount column
    result = group_payments.import_payments(ws, gid, write_export(tmp_path / "工单.xlsx"))
    assert (result.recorded, [p for _, p, _ in result.problems]) == (
        0, [PaymentProblem.NO_HEADER])
    with ws.store.unit_of_work() as session:
        assert session.scalars(select(GroupPayment)).all() == []


def test_a_mediators_refund_list_masks_names_and_every_export_is_audited(ws, tmp_path):
    """The case list's rule for the refund list too: a role that may not take personal
    data out gets 李** ; whoever writes it, the export is in the group's history."""
    import dataclasses

    from openpyxl import load_workbook

    from app.core.users import UserRole
    from app.store.models import AuditEvent

    gid, ids = _group(ws, 1)
    group_payments.set_refund_plan(ws, gid, RefundPlan(
        RefundFormula(RefundBasis.FIXED, fixed_fen=10_000), due_on=date(2026, 3, 31)))
    group_payments.set_member_facts(ws, gid, {ids[0]: MemberFacts()})
    mediator = dataclasses.replace(ws, actor=dataclasses.replace(ws.actor,
                                                                 role=UserRole.MEDIATOR))
    book = group_payments.write_refund_list(mediator, gid, tmp_path / "清单.xlsx", TODAY)
    names = [r[2] for r in load_workbook(book, read_only=True).active.iter_rows(values_only=True)
             if r and isinstance(r[0], int)]
    assert names == ["李**"]
    group_payments.write_refund_list(ws, gid, tmp_path / "清单.pdf", TODAY)
    with ws.store.unit_of_work() as session:
        events = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "export:refund_list")).all()
    assert {(e.changes["masked"][1], e.changes["file"][1]) for e in events} == {
        (True, "清单.xlsx"), (False, "清单.pdf")}


def test_the_refund_plan_reads_back_and_none_before_one_is_set(ws):
    gid, _ = _group(ws, 1)
    assert group_payments.refund_plan(ws, gid) is None
    plan = RefundPlan(RefundFormula(RefundBasis.BALANCE_SHARE, share_percent=Decimal("33.33")),
                      date(2026, 4, 30), "经营者承诺退还", "浦市监调〔2026〕群3-")
    group_payments.set_refund_plan(ws, gid, plan)
    assert group_payments.refund_plan(ws, gid) == plan


def test_a_member_on_their_own_track_leaves_the_groups_amount_and_comes_back(ws):
    from app.services.group_payments import IndividualRefused
    from app.store.models import GroupMember

    gid, ids = _group(ws, 2)
    group_payments.set_refund_plan(ws, gid, RefundPlan(
        RefundFormula(RefundBasis.SESSIONS, unit_price_fen=10_000), date(2026, 3, 31)))
    group_payments.set_member_facts(ws, gid, {ids[0]: MemberFacts(unused_sessions=3),
                                              ids[1]: MemberFacts(unused_sessions=1)})
    changes = group_payments.set_individual(ws, gid, ids[0], True)
    assert changes.case_ids == frozenset({ids[0]}) and changes.history
    rows = {m.case_id: m for m in groups.members_of(ws, gid)}
    assert rows[ids[0]].individual and rows[ids[0]].agreed_fen is None
    assert group_payments.progress(ws, gid, TODAY).agreed_fen == 10_000  # only the other
    with ws.store.unit_of_work() as session:
        [event] = session.scalars(select(AuditEvent).where(
            AuditEvent.case_id == ids[0], AuditEvent.action == "individual")).all()
        assert event.changes["individual"] == [False, True]
    assert group_payments.set_individual(ws, gid, ids[0], True) == group_payments.Changes()
    group_payments.set_individual(ws, gid, ids[0], False)
    rows = {m.case_id: m for m in groups.members_of(ws, gid)}
    assert not rows[ids[0]].individual and rows[ids[0]].agreed_fen == 30_000
    with ws.store.unit_of_work() as session:  # the group agreement issued to them
        session.get(GroupMember, groups.member_id(gid, ids[1])).agreement_number = "群3-0001"
    with pytest.raises(IndividualRefused):
        group_payments.set_individual(ws, gid, ids[1], True)


def test_the_member_list_says_what_is_due_and_overdue(ws):
    gid, ids = _group(ws, 3)
    group_payments.set_refund_plan(ws, gid, RefundPlan(
        RefundFormula(RefundBasis.FIXED, fixed_fen=50_000), date(2026, 3, 1)))
    group_payments.set_member_facts(ws, gid, {i: MemberFacts() for i in ids[:2]})
    group_payments.record_payment(ws, gid, ids[0], paid_on=TODAY, amount_fen=50_000)
    rows = groups.members_of(ws, gid, TODAY)
    assert [(r.agreed_fen, r.paid_fen, r.due_on, r.state) for r in rows] == [
        (50_000, 50_000, date(2026, 3, 1), PerformanceState.PAID),
        (50_000, 0, date(2026, 3, 1), PerformanceState.OVERDUE),
        (None, 0, None, None)]
    assert rows[0].phone == "13800135678"


def test_a_member_on_their_own_track_is_followed_by_their_own_terms(ws):
    from app.services.group_payments import NotIndividual

    gid, ids = _group(ws)
    group_payments.set_refund_plan(ws, gid, RefundPlan(
        RefundFormula(RefundBasis.FIXED, fixed_fen=100_000), due_on=date(2026, 3, 31)))
    group_payments.set_member_facts(ws, gid, {i: MemberFacts() for i in ids})
    with pytest.raises(NotIndividual):  # under the formula: theirs comes from it
        group_payments.set_own_terms(ws, gid, ids[0], agreed_fen=50_000, due_on=None)
    group_payments.set_individual(ws, gid, ids[1], True)
    group_payments.set_own_terms(ws, gid, ids[1], agreed_fen=150_000, due_on=date(2026, 2, 28))
    with pytest.raises(ValidationFailed):
        group_payments.set_own_terms(ws, gid, ids[1], agreed_fen=-1, due_on=None)
    [late] = group_payments.overdue(ws, TODAY)
    assert (late.case_id, late.individual, late.performance.agreed_fen,
            late.performance.due_on) == (ids[1], True, 150_000, date(2026, 2, 28))
    with ws.store.unit_of_work() as session:
        actions = [e.action for e in session.scalars(select(AuditEvent).where(
            AuditEvent.case_id == ids[1], AuditEvent.entity == "group_members"))]
    assert actions[-1] == "own_terms"


def test_a_new_plan_counts_every_member_again_in_one_go(ws):
    """The plan changed (formula or date): each member under it is counted again in the
    same transaction — not one settling on their own, nor one whose agreement is issued."""
    gid, ids = _group(ws, 4)
    group_payments.set_refund_plan(ws, gid, RefundPlan(
        RefundFormula(RefundBasis.SESSIONS, unit_price_fen=10_000), due_on=date(2026, 3, 31)))
    group_payments.set_member_facts(ws, gid, {ids[0]: MemberFacts(unused_sessions=3),
                                              ids[1]: MemberFacts(unused_sessions=5),
                                              ids[3]: MemberFacts(unused_sessions=1)})
    group_payments.set_individual(ws, gid, ids[3], True)
    group_payments.set_own_terms(ws, gid, ids[3], agreed_fen=77_700, due_on=date(2026, 5, 1))
    saved = group_payments.set_refund_plan(ws, gid, RefundPlan(
        RefundFormula(RefundBasis.SESSIONS, unit_price_fen=12_000), due_on=date(2026, 4, 30)),
        everyone=True)  # as 退费方案… saves it
    assert saved.missing == 1  # ids[2]: no sessions known
    assert saved.changes.case_ids == frozenset(ids[:3])  # ids[2]: the date, no amount yet
    rows = {r.case_id: r.performance for r in group_payments.performances(ws, gid, TODAY)}
    assert (rows[ids[0]].agreed_fen, rows[ids[0]].due_on) == (36_000, date(2026, 4, 30))
    assert (rows[ids[1]].agreed_fen, rows[ids[1]].due_on) == (60_000, date(2026, 4, 30))
    assert ids[2] not in rows  # nothing agreed until their sessions are known
    assert (rows[ids[3]].agreed_fen, rows[ids[3]].due_on) == (77_700, date(2026, 5, 1))
