"""Amounts in an agreement are values typed once (issue 14, item 2): the clause, its
capitals, the 所涉金额 line and the hashed content come from the value; finalising
refuses any figures and capitals that disagree; the first clause follows the dispute."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from app.core.documents import DocumentKind
from app.core.workflow import Track
from app.services import cases, documents
from tests.conftest import complaint_form
from tests.services.test_cases import add_mediator
from tests.support.documents import dated


def _text(pdf: bytes) -> str:
    return "".join("".join((p.extract_text() or "").split())
                   for p in PdfReader(io.BytesIO(pdf)).pages)


def _draft(ws, **form):
    case_id, _ = cases.intake_work_order(ws, complaint_form(**form))
    cases.accept(ws, case_id)
    cases.assign(ws, case_id, add_mediator(ws))
    doc_id, _ = documents.create_draft(ws, case_id, DocumentKind.AGREEMENT)
    fields = documents.get_document(ws, doc_id).fields
    documents.update_draft(ws, doc_id, {"clauses": dated(fields["clauses"], "2026年3月9日"),
                                        "performance": "银行转账。"})
    return doc_id


def test_the_amount_typed_once_is_the_one_in_words_the_total_and_the_hash(ws):
    doc_id = _draft(ws)
    clauses = documents.get_document(ws, doc_id).fields["clauses"]
    clauses[0] = {**clauses[0], "amount": "2200"}  # the mediator types 2,200 once
    documents.update_draft(ws, doc_id, {"clauses": clauses})
    documents.finalize(ws, doc_id)
    text = _text(documents.render(ws, doc_id))
    assert "退还人民币2,200.00元（大写：人民币贰仟贰佰元整）" in text
    assert "所涉金额：人民币2,200.00元（大写：人民币贰仟贰佰元整）" in text
    assert "3,200" not in text and "叁仟贰佰" not in text


@pytest.mark.parametrize("clause", [
    # the figure edited inside the text, its capitals left as they were
    "被投诉人退还人民币2,200.00元（大写：人民币贰仟肆佰元整）。",
    # a value without its place in the text
    {"text": "被投诉人退还剩余预付款。", "amount": "2400"},
])
def test_finalising_refuses_figures_and_capitals_that_disagree(ws, clause):
    doc_id = _draft(ws)
    documents.update_draft(ws, doc_id, {"clauses": [clause]})
    with pytest.raises(documents.DocumentRefused) as refused:
        documents.finalize(ws, doc_id)
    assert refused.value.problem == documents.DocumentProblem.AMOUNT_MISMATCH
    assert refused.value.detail == [1]
    assert documents.get_document(ws, doc_id).number == ""  # nothing issued


def test_an_old_draft_whose_total_names_a_sum_no_clause_has_is_refused(ws):
    doc_id = _draft(ws)
    documents.update_draft(ws, doc_id, {
        "clauses": ["被投诉人退还人民币2,200.00元（大写：人民币贰仟贰佰元整）。"],
        "amounts": ["2400"]})  # ¥2,200 in the clause, ¥2,400 beside it
    with pytest.raises(documents.DocumentRefused) as refused:
        documents.finalize(ws, doc_id)
    assert refused.value.problem == documents.DocumentProblem.AMOUNT_MISMATCH


@pytest.mark.parametrize(("category", "track", "words"), [
    ("预付式消费", Track.MARKET_COMPLAINT, "退还{amount}"),
    ("邻里纠纷（漏水）", Track.PEOPLES_MEDIATION, "支付赔偿金{amount}"),
    ("装修服务", Track.MARKET_COMPLAINT, "完成服务"),
])
def test_the_first_clause_follows_the_dispute(ws, category, track, words):
    case_id, _ = cases.intake_work_order(ws, complaint_form(category=category, track=track))
    doc_id, _ = documents.create_draft(ws, case_id, DocumentKind.AGREEMENT)
    first = documents.get_document(ws, doc_id).fields["clauses"][0]
    text = first["text"] if isinstance(first, dict) else first
    assert words in text
