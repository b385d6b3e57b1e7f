"""Session records, addenda, notes, evidence, office phrases and clauses travel through
the sync engine with no code of their own, and a finished record cannot be changed
centrally."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select

from app.core.phrases import PhraseKind
from app.core.sessions import SessionResult
from app.services import cases, clauses, evidence, notes, sessions
from app.services import sync as sync_service
from app.services.clauses import ClauseInput
from app.store.models import AuditEvent, MediationSession, Phrase
from tests.conftest import complaint_form
from tests.support.documents import ready_agreement

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def _finished_session(desk, case_id) -> uuid.UUID:
    draft, _ = sessions.start_draft(desk.ws, case_id, "视频")
    content = draft.content.with_statement("李秀英", "要求退还剩余预付款。")
    content = replace(content, proposals="建议退还2400元。", result=SessionResult.AGREED.value)
    sessions.finish_session(desk.ws, draft.id, content)
    return draft.id


def test_records_notes_evidence_and_phrases_reach_the_other_workstation(desks, tmp_path):
    a, b = desks("mdt_zhangmin"), desks("mdt_wangfang")
    case_id, _ = cases.intake_work_order(a.ws, complaint_form())
    session_id = _finished_session(a, case_id)
    sessions.add_addendum(a.ws, session_id, "更正：金额为2500元。")
    receipt = tmp_path / "收据.png"
    receipt.write_bytes(PNG)
    evidence.attach_file(a.ws, case_id, receipt)
    sessions.save_phrase(a.ws, sessions.PhraseInput(
        PhraseKind.PHRASE, "会员卡冻结", "经核实，会员卡已被冻结。", category="预付式消费"))
    notes.add_note(a.ws, case_id, "申请人下午不方便接电话。")
    callback = a.ws.now().replace(microsecond=0) + timedelta(days=1)
    notes.log_contact(a.ws, case_id, channel="phone", contact_with="李秀英",
                      result="no_answer", text="未接通", callback_at=callback)
    draft, _ = sessions.start_draft(a.ws, case_id)  # a draft stays on its workstation
    report = a.sync()
    assert report.rejected == 0
    b.sync()

    (record,) = sessions.case_sessions(b.ws, case_id).sessions
    assert record.id == session_id and record.mode == "视频"
    assert record.proposals == "建议退还2400元。"
    assert [x.text for x in record.addenda] == ["更正：金额为2500元。"]
    assert sessions.case_sessions(b.ws, case_id).drafts == ()
    assert [(n.kind, n.text, n.result) for n in notes.list_notes(b.ws, case_id)] == [
        ("contact", "未接通", "no_answer"), ("note", "申请人下午不方便接电话。", "")]
    assert [c.case_id for c in notes.due_callbacks(b.ws, now=callback)] == [case_id]
    (kept,) = evidence.list_evidence(b.ws, case_id)
    assert kept.filename == "收据.png" and kept.size == len(PNG)
    assert any(p.title == "会员卡冻结" and not p.builtin
               for p in sessions.phrase_book(b.ws, "预付式消费", PhraseKind.PHRASE))
    # b edits the phrase, a sees the change
    (mine,) = [p for p in sessions.phrase_book(b.ws, "预付式消费", PhraseKind.PHRASE)
               if not p.builtin]
    sessions.save_phrase(b.ws, sessions.PhraseInput(
        PhraseKind.PHRASE, "会员卡冻结", "经核实，会员卡已被商家冻结。",
        category="预付式消费"), uuid.UUID(mine.key))
    b.sync()
    a.sync()
    (mine,) = [p for p in sessions.phrase_book(a.ws, "预付式消费", PhraseKind.PHRASE)
               if not p.builtin]
    assert mine.body == "经核实，会员卡已被商家冻结。"


def test_an_office_clause_reaches_its_office_and_no_other(desks):
    a, b, other = desks("mdt_zhangmin"), desks("mdt_wangfang"), desks("mdt_zhaolei")
    clause_id, _ = clauses.save_clause(a.ws, ClauseInput(
        "分期退款", "{payer}于{deadline}前分两期向{payee}退还{amount}。"))
    assert a.sync().rejected == 0
    b.sync()
    other.sync()
    (got,) = clauses.office_clauses(b.ws)
    assert (got.id, got.title) == (clause_id, "分期退款")
    assert got.blanks == ("payer", "payee", "amount", "deadline")
    assert clauses.office_clauses(other.ws) == []
    # Changed on b, seen on a; deleted on a, gone from b's library too.
    clauses.save_clause(b.ws, ClauseInput("分期退款", "{payer}分两期向{payee}退还{amount}。"),
                        clause_id)
    assert b.sync().rejected == 0
    a.sync()
    (got,) = clauses.office_clauses(a.ws)
    assert got.text == "{payer}分两期向{payee}退还{amount}。" and got.version == 2
    clauses.delete_clause(a.ws, clause_id)
    assert a.sync().rejected == 0
    b.sync()
    other.sync()
    assert clauses.office_clauses(b.ws) == []
    # Each step audited, and the office's record travels with the clause; another
    # office's workstation holds neither the row nor its record.
    with b.store.sessions() as s:
        actions = sorted(s.scalars(select(AuditEvent.action).where(
            AuditEvent.entity_id == clause_id)))
    assert actions == ["create", "delete", "update"]
    with other.store.sessions() as s:
        assert s.get(Phrase, clause_id) is None
        assert s.scalars(select(AuditEvent).where(AuditEvent.entity_id == clause_id)).all() == []


def test_a_finished_record_changed_behind_the_apps_back_is_refused_centrally(desks):
    a = desks("mdt_zhangmin")
    case_id, _ = cases.intake_work_order(a.ws, complaint_form())
    session_id = _finished_session(a, case_id)
    a.sync()
    # Someone edits the local store by hand, around the app's services; the local trigger
    # stops content changes, so they try the one column it lets move, and a version bump.
    with a.store.unit_of_work() as s:
        row = s.get(MediationSession, session_id)
        row.modified_by = "someone"
        row.version += 1
    report = a.sync()
    assert report.rejected == 1
    (item,) = sync_service.list_attention(a.ws)
    assert item.row_id == session_id and item.reason_code == "permission"
    with a.central.admin().connect() as conn:
        central = conn.execute(select(MediationSession.modified_by, MediationSession.version)
                               .where(MediationSession.id == session_id)).one()
    assert central.version == 1 and central.modified_by != "someone"


def _issued_agreement(desk, case_id) -> uuid.UUID:
    from app.services import documents

    doc_id = ready_agreement(desk.ws, case_id)
    documents.finalize(desk.ws, doc_id)
    return doc_id


def test_documents_issued_on_two_workstations_offline_never_share_a_number(desks):
    from app.services import documents

    a, b = desks("mdt_zhangmin"), desks("mdt_wangfang")
    case_id, _ = cases.intake_work_order(a.ws, complaint_form())
    a.sync()
    b.sync()  # both hold a block of numbers now; from here on neither is online
    first = _issued_agreement(a, case_id)
    second = _issued_agreement(b, case_id)
    numbers = {documents.get_document(a.ws, first).number,
               documents.get_document(b.ws, second).number}
    assert len(numbers) == 2 and all(n.startswith("（20") for n in numbers)
    a.sync()
    b.sync()
    a.sync()
    # Each sees the other's, final, with its PDF fetched and checked against its hash.
    theirs = documents.get_document(a.ws, second)
    assert theirs.state.value == "final" and theirs.number in numbers
    assert documents.render(a.ws, second)[:5] == b"%PDF-"
    assert sync_service.files_of(a.store).has(theirs.pdf_sha256)
