"""A group's agreements travel like any document (issue 17, items 4 and 6): issued on
the lead mediator's desk, they reach a colleague's desk with their numbers, and print
there the same, checked against the content hash their QR code carries."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader
from sqlalchemy import func, select

from app.core.documents import DocumentKind
from app.core.groups import MemberFacts, RefundBasis, RefundFormula
from app.core.workflow import Action
from app.services import batches, documents, group_agreements, group_payments, groups
from app.services.batches import BatchRequest
from app.services.group_payments import RefundPlan
from app.services.groups import GroupInput
from app.store.models import Document
from tests.sync.test_warnings_sync import take_in

PREFIX = "浦市监调〔2026〕群7-"


def test_agreements_issued_on_one_desk_print_the_same_on_another(desks):
    a, b = desks("mdt_zhangmin"), desks("mdt_wangfang")
    ids = [take_in(a, phone=f"1380000030{i}") for i in range(3)]
    gid, _ = groups.create_group(a.ws, GroupInput(
        "悦动健身预付卡退费", "上海悦动健身管理有限公司", lead_mediator_id=a.ws.actor.mediator_id),
        ids)
    batches.run_batch(a.ws, ids, BatchRequest(Action.ACCEPT))
    group_payments.set_refund_plan(a.ws, gid, RefundPlan(
        RefundFormula(RefundBasis.FIXED, fixed_fen=88_800), due_on=date(2026, 4, 30),
        agreement_prefix=PREFIX))
    group_payments.set_member_facts(a.ws, gid, {i: MemberFacts() for i in ids})
    run = group_agreements.draw_up(a.ws, gid, workers=1)
    assert [x.number for x in run.issued] == [f"{PREFIX}000{n}" for n in (1, 2, 3)]
    here = {x.case_id: documents.render(a.ws, x.document_id) for x in run.issued}
    assert a.sync().rejected == 0
    b.sync()
    with a.central.admin().connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Document).where(
            Document.number.like(f"{PREFIX}%"))) == 3
    assert [(x.case_id, x.number) for x in group_agreements.issued_agreements(b.ws, gid)] \
        == [(x.case_id, x.number) for x in run.issued]
    for case_id, pdf in here.items():
        [doc] = [d for d in documents.list_documents(b.ws, case_id)
                 if d.kind is DocumentKind.AGREEMENT]
        there = documents.render(b.ws, doc.id)
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(there)).pages)
        assert doc.number in "".join(text.split())
        assert "".join(text.split()) == "".join(
            "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
