"""Grounds and the law a notice cites come from the case's own rule set, chosen by its
receipt date (issue 14, item 1): no hedge on paper, no repealed measures after
2026-04-15, no Order 121 ground before it, and a notice citing unverified rules is issued
only on the mediator's recorded word."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.core.documents import DocumentKind
from app.core.workflow import Outcome, RejectionGround, TerminationGround, Track
from app.services import cases, documents, rule_admin
from app.services.errors import FieldProblem, ValidationFailed
from app.store.models import AuditEvent
from tests.conftest import FIXED_NOW, complaint_form
from tests.services.test_cases import add_mediator

BEFORE_121 = datetime(2026, 3, 1, 1, 30, tzinfo=UTC)
AFTER_121 = datetime(2026, 5, 4, 1, 30, tzinfo=UTC)


def _text(pdf: bytes) -> str:
    return "".join("".join((p.extract_text() or "").split())
                   for p in PdfReader(io.BytesIO(pdf)).pages)


def _case(ws, received: datetime, track: Track = Track.MARKET_COMPLAINT, ticket: str = ""):
    ws.now = lambda: received + timedelta(hours=2)
    case_id, _ = cases.intake_work_order(ws, complaint_form(
        track=track, received_at=received,
        source_ticket=ticket or f"13101152026{received:%m%d}{int(track is Track.PEOPLES_MEDIATION)}"))
    return case_id


def _notice(ws, case_id, kind: DocumentKind, *, ack: bool = False) -> str:
    doc_id, _ = documents.create_draft(ws, case_id, kind)
    documents.update_draft(ws, doc_id, {"mediator": "王建国"})
    documents.finalize(ws, doc_id, rules_unverified_ack=ack)
    return _text(documents.render(ws, doc_id))


@pytest.mark.parametrize(("received", "offered", "law", "absent"), [
    (BEFORE_121, False, "《市场监督管理投诉举报处理暂行办法》第十五条第（一）项", "投诉举报处理办法》的"),
    (AFTER_121, True, "根据《市场监督管理投诉举报处理办法》的规定", "暂行办法"),
])
def test_the_rules_of_the_receipt_date_decide_the_grounds_and_the_law_cited(
        ws, received, offered, law, absent):
    case_id = _case(ws, received)
    detail = cases.get_case(ws, case_id)
    grounds = {o.ground for o in detail.rejection_grounds}
    assert (RejectionGround.MC_FALSE_MATERIALS in grounds) is offered
    assert RejectionGround.MC_OUT_OF_SCOPE in grounds
    if not offered:  # an Order 121 ground on a case received under the 暂行办法
        with pytest.raises(ValidationFailed) as refused:
            cases.reject(ws, case_id, RejectionGround.MC_FALSE_MATERIALS)
        assert refused.value.problems == {"rejection_ground": FieldProblem.NOT_IN_RULES}
    cases.reject(ws, case_id, RejectionGround.MC_OUT_OF_SCOPE)
    text = _notice(ws, case_id, DocumentKind.REJECTION, ack=offered)
    assert law in text and absent not in text
    for hedge in ("未核实", "据报道", "待核实"):
        assert hedge not in text


def test_a_notice_citing_unverified_rules_needs_the_mediators_recorded_word(ws):
    case_id = _case(ws, AFTER_121)
    cases.reject(ws, case_id, RejectionGround.MC_FALSE_MATERIALS)
    doc_id, _ = documents.create_draft(ws, case_id, DocumentKind.REJECTION)
    with pytest.raises(documents.DocumentRefused) as refused:
        documents.finalize(ws, doc_id)
    assert refused.value.problem == documents.DocumentProblem.RULES_UNVERIFIED
    assert documents.get_document(ws, doc_id).number == ""  # nothing issued
    documents.finalize(ws, doc_id, rules_unverified_ack=True)
    text = _text(documents.render(ws, doc_id))
    assert "经审查，提供虚假材料，根据《市场监督管理投诉举报处理办法》的规定，决定不予受理" in text
    with ws.store.unit_of_work() as s:
        event = s.scalars(select(AuditEvent).where(
            AuditEvent.entity_id == doc_id, AuditEvent.action == "finalize")).one()
    assert event.changes["rules_unverified"] == [None, "samr-order121-2026"]


def test_once_verified_with_its_article_the_notice_cites_it_without_asking(ws):
    views = {v.code: v for v in rule_admin.rule_sets(ws)}
    order121 = views["samr-order121-2026"]
    key = ("rejection", RejectionGround.MC_FALSE_MATERIALS.value)
    with pytest.raises(rule_admin.RuleEditRefused) as refused:  # a hedge never goes on paper
        rule_admin.save_rule_set(ws, order121.code, limits={}, citations={}, confirmed=True,
                                 grounds={key: ("提供虚假材料", "第十六条（据报道，未核实）")})
    assert refused.value.problem == "ground_hedged"
    rule_admin.save_rule_set(ws, order121.code, limits={}, citations={}, confirmed=True,
                             grounds={key: ("提供虚假材料",
                                            "《市场监督管理投诉举报处理办法》第十六条第（一）项")})
    case_id = _case(ws, AFTER_121)
    cases.reject(ws, case_id, RejectionGround.MC_FALSE_MATERIALS)
    text = _notice(ws, case_id, DocumentKind.REJECTION)  # verified: no question asked
    assert "根据《市场监督管理投诉举报处理办法》第十六条第（一）项的规定" in text


def test_a_rejection_on_other_grounds_cites_the_rejection_rule_not_the_termination_one(ws):
    """mc_other is both a rejection and a termination ground: each prints its own law."""
    case_id = _case(ws, BEFORE_121)
    cases.reject(ws, case_id, RejectionGround.MC_OTHER, "经核实，被投诉人已注销。")
    text = _notice(ws, case_id, DocumentKind.REJECTION)
    assert "法律、法规、规章规定不予受理的其他情形" in text and "第十五条第（六）项" in text
    assert "终止调解" not in text


def test_peoples_mediation_cites_the_law_where_there_is_one_and_nothing_where_not(ws):
    case_id = _case(ws, BEFORE_121, Track.PEOPLES_MEDIATION)
    cases.accept(ws, case_id)
    cases.assign(ws, case_id, add_mediator(ws))
    cases.close(ws, case_id, Outcome.TERMINATED,
                termination_ground=TerminationGround.PM_PARTY_WITHDRAWS)
    text = _notice(ws, case_id, DocumentKind.TERMINATION)
    assert "根据《中华人民共和国人民调解法》第二十三条第（二）项的规定，决定终止调解" in text
    other = _case(ws, BEFORE_121 + timedelta(days=1), Track.PEOPLES_MEDIATION)
    cases.reject(ws, other, RejectionGround.PM_OTHER, "双方均在外地。")
    text = _notice(ws, other, DocumentKind.REJECTION)
    assert "经审查，其他不宜受理的情形，决定不予受理" in text and "根据" not in text
    assert "投诉" not in text and "申请调解" in text  # people's mediation: an application


def test_the_time_limit_ground_waits_for_the_time_limit(ws):
    case_id = _case(ws, BEFORE_121)
    cases.accept(ws, case_id)
    cases.assign(ws, case_id, add_mediator(ws))
    with pytest.raises(ValidationFailed) as refused:
        cases.close(ws, case_id, Outcome.TERMINATED,
                    termination_ground=TerminationGround.MC_TIME_LIMIT_EXPIRED)
    assert refused.value.problems == {"termination_ground": FieldProblem.TOO_EARLY}
    ws.now = lambda: FIXED_NOW + timedelta(days=90)  # 45 working days have run
    cases.close(ws, case_id, Outcome.TERMINATED,
                termination_ground=TerminationGround.MC_TIME_LIMIT_EXPIRED)
    assert cases.get_case(ws, case_id).status.value == "closed"


def test_the_queue_says_which_cases_run_on_unverified_rules(ws):
    """Issue 14, item 10: a deadline computed from rules nobody verified says so."""
    from app.services import queue

    before = _case(ws, BEFORE_121)
    after = _case(ws, AFTER_121)
    rows = {r.id: r for r in queue.fetch_cases(ws, queue.QueueQuery(), 0, 10).rows}
    assert rows[before].rules_confirmed and not rows[after].rules_confirmed
    assert not queue.case_summary(ws, after).rules_confirmed
