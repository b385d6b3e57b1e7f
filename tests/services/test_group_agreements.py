"""Agreements by the hundred (issue 17, item 4): the group agreement made into each
member's own 调解协议书 — name, amount in figures and capitals, consecutive numbers —
issued in their own case, read back from the PDFs; members who cannot have one are
named and left as they are; a cancel issues nothing; one print job with each member's
copies."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.core.documents import DocumentKind, DocumentState
from app.core.groups import MemberFacts, RefundBasis, RefundFormula
from app.core.money import format_amount, to_capitals
from app.core.users import UserRole
from app.core.workflow import Action
from app.services import batches, cases, documents, group_agreements, group_payments, groups
from app.services.batches import BatchRequest
from app.services.context import Actor
from app.services.group_agreements import AgreementProblem, GroupAgreementRefused, MemberSkip
from app.services.group_payments import RefundPlan
from app.services.groups import GroupInput
from app.store.models import Attachment, AuditEvent, Document, GroupMember, Mediator
from tests.conftest import PartyInput, complaint_form

PREFIX = "浦市监调〔2026〕群3-"
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎"


def _names(n: int) -> list[str]:
    return [f"{SURNAMES[i % len(SURNAMES)]}{'一二三四五六七八九十'[i // len(SURNAMES)]}会员"
            for i in range(n)]


def _group(ws, n: int, *, accept: bool = True):
    names = _names(n)
    ids = [cases.intake_work_order(ws, complaint_form(
        source_ticket=f"Q{i:04d}", complainant=PartyInput(
            role="applicant", party_type="person", name=names[i], phone="138 0013 5678",
            address="上海市浦东新区张杨路500号")))[0] for i in range(n)]
    with ws.store.unit_of_work() as session:
        session.get(Mediator, ws.actor.mediator_id).name = "王建国"
    gid, _ = groups.create_group(ws, GroupInput(
        "悦动健身预付卡退费", "上海悦动健身管理有限公司",
        lead_mediator_id=ws.actor.mediator_id), ids)
    if accept:
        batches.run_batch(ws, ids, BatchRequest(Action.ACCEPT))
    group_payments.set_refund_plan(ws, gid, RefundPlan(
        RefundFormula(RefundBasis.SESSIONS, unit_price_fen=12_850), due_on=date(2026, 4, 30),
        undertaking="被投诉人承认因经营困难停止营业，承诺按本方案退还会员未使用课时的费用。",
        agreement_prefix=PREFIX))
    # unused sessions 1..n: member i is owed (i + 1) × ¥128.50
    group_payments.set_member_facts(ws, gid, {
        case_id: MemberFacts(unused_sessions=i + 1) for i, case_id in enumerate(ids)})
    return gid, ids, names


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.slow
def test_fifty_members_each_get_their_own_numbered_agreement_read_back(ws):
    gid, ids, names = _group(ws, 50)
    seen = []
    run = group_agreements.draw_up(ws, gid, progress=lambda done, total: seen.append(
        (done, total)), workers=2)
    assert run.skipped == {}
    assert [a.case_id for a in run.issued] == ids  # in the order the complaints came
    assert [a.number for a in run.issued] == [f"{PREFIX}{n:04d}" for n in range(1, 51)]
    assert seen[0] == (0, 50) and seen[-1] == (50, 50)
    for i, agreement in enumerate(run.issued):
        [doc] = [d for d in documents.list_documents(ws, ids[i])
                 if d.kind is DocumentKind.AGREEMENT]
        assert (doc.number, doc.state) == (agreement.number, DocumentState.FINAL)
        text = _flat(_text(documents.render(ws, doc.id)))
        amount = Decimal(12_850 * (i + 1)) / 100
        assert names[i] in text and "上海悦动健身管理有限公司" in text
        assert agreement.number in text
        assert f"人民币{format_amount(amount)}元" in text
        assert f"（大写：{to_capitals(amount)}）" in text
        assert f"按未使用课时（次数）{i + 1}次、每次128.50元计算" in text
        assert "承诺按本方案退还会员未使用课时的费用" in text and "王建国" in text
        # no other member's name is on this one
        assert not any(other in text for other in names if other != names[i])
    with ws.store.unit_of_work() as session:
        member_numbers = {case_id: number for case_id, number in session.execute(
            select(GroupMember.case_id, GroupMember.agreement_number))}
        filed = session.scalar(select(Attachment.filename).where(
            Attachment.case_id == ids[7]))
        history = [e.action for e in session.scalars(select(AuditEvent).where(
            AuditEvent.case_id == ids[7], AuditEvent.entity == "documents"))]
    assert member_numbers[ids[7]] == f"{PREFIX}0008"
    assert filed.endswith(f"{PREFIX}0008.pdf") and history == ["finalize"]


def test_members_who_cannot_have_one_are_named_and_left_alone(ws):
    gid, ids, _names_ = _group(ws, 5)
    outsider = cases.intake_work_order(ws, complaint_form(source_ticket="Q9999"))[0]
    groups.add_members(ws, gid, [outsider])  # joined later: neither accepted nor owed
    with ws.store.unit_of_work() as s:
        s.scalars(select(GroupMember).where(GroupMember.case_id == ids[1])).one() \
            .individual = True
        s.scalars(select(GroupMember).where(GroupMember.case_id == ids[2])).one() \
            .agreed_fen = None
    run = group_agreements.draw_up(ws, gid, workers=1)
    assert [a.case_id for a in run.issued] == [ids[0], ids[3], ids[4]]
    assert [a.number for a in run.issued] == [f"{PREFIX}0001", f"{PREFIX}0002",
                                              f"{PREFIX}0003"]
    assert run.skipped == {ids[1]: MemberSkip.INDIVIDUAL, ids[2]: MemberSkip.NO_AMOUNT,
                           outsider: MemberSkip.NOT_IN_MEDIATION}
    for case_id in (ids[1], ids[2], outsider):
        assert documents.list_documents(ws, case_id) == []
    # a second run issues only to those who got none, continuing the numbers
    with ws.store.unit_of_work() as s:
        s.scalars(select(GroupMember).where(GroupMember.case_id == ids[2])).one() \
            .agreed_fen = 30_000
    again = group_agreements.draw_up(ws, gid, workers=1)
    assert [(a.case_id, a.number) for a in again.issued] == [(ids[2], f"{PREFIX}0004")]
    assert again.skipped[ids[0]] is MemberSkip.HAS_AGREEMENT


def test_a_cancel_issues_nothing_and_takes_no_number(ws):
    gid, ids, _names_ = _group(ws, 20)
    with pytest.raises(GroupAgreementRefused) as refused:
        group_agreements.draw_up(ws, gid, workers=1,
                                 cancelled=lambda: True)
    assert refused.value.problem is AgreementProblem.CANCELLED
    with ws.store.unit_of_work() as session:
        assert session.scalar(select(Document.id).limit(1)) is None
        assert set(session.scalars(select(GroupMember.agreement_number))) == {""}
    run = group_agreements.draw_up(ws, gid, workers=1)
    assert run.issued[0].number == f"{PREFIX}0001"


def test_no_plan_or_no_prefix_is_refused_before_anything(ws):
    ids = [cases.intake_work_order(ws, complaint_form(source_ticket=f"R{i}"))[0]
           for i in range(2)]
    gid, _ = groups.create_group(ws, GroupInput("无方案"), ids)
    with pytest.raises(GroupAgreementRefused) as refused:
        group_agreements.draw_up(ws, gid)
    assert refused.value.problem is AgreementProblem.NO_PLAN
    group_payments.set_refund_plan(ws, gid, RefundPlan(
        RefundFormula(RefundBasis.FIXED, fixed_fen=10_000), due_on=None))
    with pytest.raises(GroupAgreementRefused) as refused:
        group_agreements.draw_up(ws, gid)
    assert refused.value.problem is AgreementProblem.NO_PREFIX


def test_one_print_job_holds_each_members_copies(ws, tmp_path):
    gid, ids, names = _group(ws, 4)
    run = group_agreements.draw_up(ws, gid, workers=1)
    copies = [a.copies for a in run.issued]
    assert copies == [3] * 4  # 投诉人, 被投诉人 and the bureau's file
    pages_each = len(PdfReader(io.BytesIO(documents.render(ws, run.issued[0].document_id)))
                     .pages)
    out = tmp_path / "群体协议打印.pdf"
    pages = group_agreements.write_print_job(ws, gid, out)
    reader = PdfReader(out)
    assert pages == len(reader.pages) == sum(copies) * pages_each
    first_pages = [_flat(reader.pages[n].extract_text())
                   for n in range(0, len(reader.pages), pages_each)]
    # collated: member 1's three copies, then member 2's …
    for n, text in enumerate(first_pages):
        assert names[n // 3] in text and f"{PREFIX}{n // 3 + 1:04d}" in text
    # every member's particulars left in one file: recorded with who and how many
    with ws.store.unit_of_work() as session:
        [event] = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "export:agreements"))
        assert (event.actor, event.entity_id) == (ws.actor.login, gid)
        assert event.changes["agreements"] == [None, 4]


def test_the_specimen_is_a_draft_of_what_members_will_get(ws):
    gid, ids, names = _group(ws, 3)
    text = _flat(_text(group_agreements.specimen(ws, gid)))
    assert names[0] in text and "草稿" in text
    assert f"（大写：{to_capitals(Decimal('128.50'))}）" in text
    with ws.store.unit_of_work() as session:
        assert session.scalar(select(Document.id).limit(1)) is None


def test_only_the_lead_mediator_or_a_dispatcher_draws_them_up(ws):
    gid, ids, _names_ = _group(ws, 2)
    with ws.store.unit_of_work() as session:
        colleague = Mediator(office_id=ws.actor.office_id, name="李秀英", login="lixiuying",
                             role=UserRole.MEDIATOR, modified_by="test")
        session.add(colleague)
        session.flush()
        actor = Actor(colleague.login, colleague.name, colleague.id, colleague.office_id,
                      UserRole.MEDIATOR)
    other = dataclasses.replace(ws, actor=actor)
    with pytest.raises(GroupAgreementRefused) as refused:
        group_agreements.draw_up(other, gid, workers=1)
    assert refused.value.problem is AgreementProblem.NOT_LEAD
    assert group_agreements.issued_agreements(ws, gid) == []


def test_a_member_changed_while_the_others_are_laid_out_gets_what_their_rows_say(ws):
    gid, ids, names = _group(ws, 3)

    def meanwhile(done, total):
        if done == 0:  # laying out has begun: the store is not locked, a desk writes
            group_payments.set_member_facts(ws, gid, {ids[1]: MemberFacts(unused_sessions=9)})

    run = group_agreements.draw_up(ws, gid, progress=meanwhile, workers=1)
    assert [a.amount_fen for a in run.issued] == [12_850, 9 * 12_850, 3 * 12_850]
    text = _flat(_text(documents.render(ws, run.issued[1].document_id)))
    assert f"（大写：{to_capitals(Decimal('1156.50'))}）" in text and names[1] in text


def test_two_groups_may_not_number_with_one_prefix(ws):
    gid, ids, _names_ = _group(ws, 2)
    other = cases.intake_work_order(ws, complaint_form(source_ticket="Z1"))[0]
    second, _ = groups.create_group(ws, GroupInput("另一家健身房"), [other])
    group_payments.set_refund_plan(ws, second, RefundPlan(
        RefundFormula(RefundBasis.FIXED, fixed_fen=10_000), due_on=None,
        agreement_prefix=PREFIX))
    with pytest.raises(GroupAgreementRefused) as refused:
        group_agreements.draw_up(ws, second)
    assert (refused.value.problem, refused.value.detail) == (AgreementProblem.PREFIX_TAKEN,
                                                            "悦动健身预付卡退费")


def test_a_print_job_stopped_halfway_leaves_no_file(ws, tmp_path):
    gid, ids, _names_ = _group(ws, 3)
    group_agreements.draw_up(ws, gid, workers=1)
    out = tmp_path / "print" / "打印.pdf"
    out.parent.mkdir()
    asked = []
    with pytest.raises(GroupAgreementRefused) as refused:
        group_agreements.write_print_job(ws, gid, out, cancelled=lambda: asked.append(1)
                                         or len(asked) > 2)
    assert refused.value.problem is AgreementProblem.CANCELLED
    assert list(out.parent.iterdir()) == []  # neither the file nor a part of it


def test_a_voided_agreement_frees_the_member_but_never_its_number(ws):
    gid, ids, names = _group(ws, 3)
    run = group_agreements.draw_up(ws, gid, workers=1)
    documents.void(ws, run.issued[1].document_id, "投诉人对金额有异议")
    with ws.store.unit_of_work() as session:
        member = session.scalars(select(GroupMember).where(GroupMember.case_id == ids[1])).one()
        assert member.agreement_number == ""
    # drawn up again: only that member, with the next number (0002 stays void)
    again = group_agreements.draw_up(ws, gid, workers=1)
    assert [(a.case_id, a.number) for a in again.issued] == [(ids[1], f"{PREFIX}0004")]
    assert [a.number for a in group_agreements.issued_agreements(ws, gid)] == [
        f"{PREFIX}0001", f"{PREFIX}0003", f"{PREFIX}0004"]
    # or, voided again, the member may leave the group agreement for their own
    documents.void(ws, again.issued[0].document_id, "投诉人要求单独调解")
    group_payments.set_individual(ws, gid, ids[1], True)
    assert group_agreements.draw_up(ws, gid, workers=1).skipped[ids[1]] is MemberSkip.INDIVIDUAL
