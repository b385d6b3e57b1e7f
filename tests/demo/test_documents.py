"""Documents in a demo store: agreements, notices and follow-up records on the cases that
would have them, numbered like real ones, with an audit trail, printable on first open,
and never a number a later real finalisation repeats."""

from __future__ import annotations

import io
import re
import sqlite3
import uuid
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from app.core.clauses import amount_problems
from app.core.documents import DocumentState, content_hash, missing_fields
from app.core.timeutil import china_date
from app.core.workflow import Track
from app.demo.generator import DEMO_OFFICE, DEMO_USER_NAME, generate_demo_data
from app.documents.typography import chinese_date
from app.services import cases, documents
from app.services.audit_verify import verify_store
from app.services.reference import open_workstation
from app.store.database import open_store
from tests.support.documents import ready_agreement
from tests.test_cli import run

REFERENCE_NOW = datetime(2026, 11, 20, 6, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo-docs")
    store = open_store(folder)
    summary = generate_demo_data(store, 400, seed=5, now=REFERENCE_NOW, login="zhangmin",
                                 chunk_cases=150, workers=1)
    yield store, summary
    store.close()


def rows(store, sql, *args):
    con = sqlite3.connect(store.path)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def workstation(store):
    ws = open_workstation(store, login="zhangmin")
    ws.now = lambda: REFERENCE_NOW
    return ws


def pdf_text(pdf: bytes) -> str:
    return "".join("".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)


def test_every_kind_and_state_occurs(demo):
    store, summary = demo
    have = set(rows(store, "SELECT kind, state FROM documents"))
    assert {("agreement", "draft"), ("agreement", "final"), ("agreement", "signed"),
            ("agreement", "void"), ("oral-agreement", "final"), ("termination", "final"),
            ("rejection", "final"), ("follow-up", "final")} <= have
    assert summary.documents == rows(store, "SELECT count(*) FROM documents")[0][0]
    # A realistic share of the cases, not every one.
    assert 0.2 * summary.cases < summary.documents < 0.8 * summary.cases


def test_documents_sit_on_the_cases_whose_state_has_them(demo):
    store, _ = demo
    wrong = rows(store, """SELECT d.kind, d.state, c.status, c.outcome FROM documents d
        JOIN cases c ON c.id = d.case_id WHERE NOT (
          (d.kind IN ('agreement', 'oral-agreement') AND d.state != 'draft'
             AND c.outcome = 'settled' AND c.status IN ('closed', 'followed_up', 'rated'))
          OR (d.kind = 'agreement' AND d.state = 'draft' AND c.status = 'mediating')
          OR (d.kind = 'termination' AND c.outcome = 'terminated')
          OR (d.kind = 'rejection' AND c.status = 'rejected')
          OR (d.kind = 'follow-up' AND c.followed_up_at IS NOT NULL))""")
    assert wrong == []
    # Oral agreements are people's mediation; finals were made while the case was open
    # and notices after it closed.
    assert rows(store, """SELECT DISTINCT c.track FROM documents d JOIN cases c
        ON c.id = d.case_id WHERE d.kind = 'oral-agreement'""") == [("peoples_mediation",)]
    assert rows(store, """SELECT count(*) FROM documents d JOIN cases c ON c.id = d.case_id
        WHERE (d.kind = 'agreement' AND d.finalized_at > c.closed_at)
           OR (d.kind IN ('termination', 'rejection') AND d.finalized_at < c.closed_at)
           OR d.finalized_at > ?""", REFERENCE_NOW.strftime("%Y-%m-%d %H:%M:%S")) == [(0,)]


def test_numbers_are_unique_per_office_and_year_and_follow_the_finalisation_order(demo):
    store, _ = demo
    numbered = rows(store, """SELECT office_id, number_year, number_seq, number FROM documents
        WHERE number_seq IS NOT NULL ORDER BY number_year, finalized_at""")
    assert len({(o, y, s) for o, y, s, _ in numbered}) == len(numbered)
    by_year: dict[int, list[int]] = {}
    for _, year, seq, number in numbered:
        assert number == f"（{year}）{DEMO_OFFICE['number_prefix']}字第{seq:04d}号"
        by_year.setdefault(year, []).append(seq)
    for seqs in by_year.values():
        assert seqs == list(range(1, len(seqs) + 1))
    # Drafts have none; a follow-up record carries its standing agreement's number.
    assert rows(store, "SELECT count(*) FROM documents WHERE state = 'draft' AND number != ''") \
        == [(0,)]
    assert rows(store, """SELECT count(*) FROM documents f JOIN documents a
        ON a.case_id = f.case_id AND a.kind = 'agreement' AND a.state IN ('final', 'signed')
        WHERE f.kind = 'follow-up' AND f.number != a.number""") == [(0,)]


def test_a_voided_agreement_keeps_its_number_and_its_replacement_has_another(demo):
    store, _ = demo
    pairs = rows(store, """SELECT v.number, v.void_reason, n.number, n.version_no, n.state
        FROM documents n JOIN documents v ON v.id = n.supersedes_id""")
    assert pairs
    for old_number, reason, new_number, version_no, state in pairs:
        assert old_number and new_number and old_number != new_number
        assert reason and version_no == 2 and state in ("final", "signed")


def test_final_documents_pass_the_checks_a_real_finalisation_makes(demo):
    store, _ = demo
    ws = workstation(store)
    for (case_hex,) in rows(store, "SELECT DISTINCT case_id FROM documents LIMIT 60"):
        for doc in documents.list_documents(ws, uuid.UUID(case_hex)):
            if doc.state is DocumentState.DRAFT:
                continue
            assert missing_fields(doc.kind, doc.fields, doc.track) == []
            # Figures and capitals say one sum (a real finalisation refuses otherwise).
            assert amount_problems(doc.fields.get("clauses", []),
                                   doc.fields.get("amounts", [])) == []
            assert doc.content_sha256 == content_hash(
                {"kind": doc.kind.value, "number": doc.number, "fields": doc.fields})
            assert doc.finalized_at is not None and doc.pdf_sha256 == ""
            if doc.state is DocumentState.SIGNED:
                peoples = cases.get_case(ws, doc.case_id).track is Track.PEOPLES_MEDIATION
                assert doc.signed_on and (doc.confirmation_deadline is not None) is peoples
    # Some drafts are complete, others still have the blanks a new draft starts with.
    drafts = [documents.get_document(ws, uuid.UUID(i)) for (i,) in rows(
        store, "SELECT id FROM documents WHERE state = 'draft'")]
    assert any(d.missing for d in drafts) or len(drafts) < 3


def test_signed_agreements_open_the_judicial_confirmation_window(demo):
    """People's mediation agreements only: a bureau's 调解书 has no 司法确认 window."""
    store, _ = demo
    assert rows(store, """SELECT count(*) FROM documents d JOIN cases c ON c.id = d.case_id
        WHERE d.kind = 'agreement' AND d.state = 'signed' AND c.track = 'peoples_mediation'
          AND (c.confirmation_due_on IS NULL OR c.confirmation_due_on <= d.signed_on)""") \
        == [(0,)]
    assert rows(store, """SELECT count(*) FROM cases WHERE track = 'market_complaint'
        AND confirmation_due_on IS NOT NULL""") == [(0,)]
    assert rows(store, """SELECT count(*) FROM documents d JOIN cases c ON c.id = d.case_id
        WHERE d.kind = 'agreement' AND d.state = 'signed' AND c.track = 'peoples_mediation'""") \
        != [(0,)]


def test_documents_have_the_audit_trail_of_real_ones(demo):
    store, _ = demo
    ws = workstation(store)
    assert verify_store(store).intact
    for action, where in (("create", "supersedes_id IS NULL"),
                          ("new_version", "supersedes_id IS NOT NULL"),
                          ("finalize", "finalized_at IS NOT NULL"),
                          ("sign", "state = 'signed'"), ("void", "state = 'void'")):
        have = rows(store, f"SELECT count(*) FROM documents WHERE {where}")[0][0]
        events = rows(store, "SELECT count(*) FROM audit_events WHERE entity = 'documents' "
                             "AND action = ?", action)[0][0]
        assert have == events > 0, action
    case_hex, number = rows(store, """SELECT case_id, number FROM documents
        WHERE kind = 'agreement' AND state = 'signed' LIMIT 1""")[0]
    history = cases.case_history(ws, uuid.UUID(case_hex))
    finalize = next(e for e in history if e.entity == "documents" and e.action == "finalize")
    assert finalize.changes["number"] == [None, number]
    order = [e.action for e in history if e.entity == "documents"]
    assert order.index("create") < order.index("finalize") < order.index("sign")


def test_a_final_demo_document_cannot_be_changed(demo):
    store, _ = demo
    con = sqlite3.connect(store.path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="final document"):
            con.execute("UPDATE documents SET fields = '{}' WHERE state = 'signed'")
    finally:
        con.close()


def test_a_real_finalisation_takes_the_next_number(demo):
    store, _ = demo
    ws = workstation(store)
    last = rows(store, "SELECT max(number_seq) FROM documents WHERE number_year = 2026")[0][0]
    case_hex = rows(store, """SELECT c.id FROM cases c WHERE c.status = 'mediating'
        AND c.mediator_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM documents d
        WHERE d.case_id = c.id) LIMIT 1""")[0][0]
    doc_id = ready_agreement(ws, uuid.UUID(case_hex))
    documents.finalize(ws, doc_id)
    assert documents.get_document(ws, doc_id).number == f"（2026）浦消调字第{last + 1:04d}号"
    assert rows(store, """SELECT count(*) FROM (SELECT number FROM documents
        WHERE number_seq IS NOT NULL GROUP BY number HAVING count(*) > 1)""") == [(0,)]


def test_opening_a_demo_agreement_renders_it_from_its_frozen_fields(demo):
    store, _ = demo
    ws = workstation(store)
    for track, issuer in (("peoples_mediation", DEMO_OFFICE["committee_name"]),
                          ("market_complaint", DEMO_OFFICE["name"])):
        doc_hex, number = rows(store, """SELECT d.id, d.number FROM documents d JOIN cases c
            ON c.id = d.case_id WHERE d.kind = 'agreement' AND d.state = 'signed'
            AND c.track = ? LIMIT 1""", track)[0]
        doc = documents.get_document(ws, uuid.UUID(doc_hex))
        text = pdf_text(documents.render(ws, doc.id))
        # Issued in the name of the body whose law the case follows.
        assert issuer in text and number in text, track
        for party in doc.fields["parties"]:
            assert party["name"] in text
        assert doc.fields["mediator"] in text and "草稿" not in text


def test_a_demo_notice_prints_the_day_it_was_issued(demo):
    store, _ = demo
    ws = workstation(store)
    doc_hex, finalized = rows(store, """SELECT id, finalized_at FROM documents
        WHERE kind = 'termination' AND finalized_at < '2026-06-01' LIMIT 1""")[0]
    text = pdf_text(documents.render(ws, uuid.UUID(doc_hex)))
    issued = china_date(datetime.fromisoformat(finalized).replace(tzinfo=UTC))
    assert "终止调解告知书" in text and chinese_date(issued) in text
    assert chinese_date(china_date(REFERENCE_NOW)) not in text
    # A category such as 劳务纠纷 is not said twice ("…之间的劳务纠纷纠纷").
    doc_hex, = rows(store, """SELECT id FROM documents WHERE kind = 'termination'
        AND json_extract(fields, '$.dispute') LIKE '%纠纷' LIMIT 1""")[0]
    text = pdf_text(documents.render(ws, uuid.UUID(doc_hex)))
    assert "纠纷纠纷" not in text and "纠纷，" in text


def test_an_altered_final_row_is_refused_not_printed(tmp_path):
    store = open_store(tmp_path / "data")
    try:
        generate_demo_data(store, 150, seed=3, now=REFERENCE_NOW, login="zhangmin",
                           workers=1)
        doc_hex = rows(store, "SELECT id FROM documents WHERE state = 'signed' LIMIT 1")[0][0]
        con = sqlite3.connect(store.path)
        with con:  # behind the services' back, trigger and all
            con.execute("DROP TRIGGER documents_final_immutable")
            con.execute("UPDATE documents SET fields = json_set(fields, '$.copies', 9) "
                        "WHERE id = ?", (doc_hex,))
        con.close()
        ws = workstation(store)
        with pytest.raises(documents.DocumentRefused) as refused:
            documents.render(ws, uuid.UUID(doc_hex))
        assert refused.value.problem == documents.DocumentProblem.CONTENT_MISMATCH
    finally:
        store.close()


def test_the_office_and_the_user_have_real_names(demo):
    store, _ = demo
    assert rows(store, "SELECT name, committee_name, number_prefix FROM offices") == [
        (DEMO_OFFICE["name"], DEMO_OFFICE["committee_name"], DEMO_OFFICE["number_prefix"])]
    assert rows(store, "SELECT name FROM mediators WHERE login = 'zhangmin'") == [
        (DEMO_USER_NAME,)]


@pytest.mark.slow
def test_render_agreement_on_a_demo_case_from_the_command_line(demo, tmp_path):
    store, _ = demo
    ticket, number, applicant, respondent, track = rows(store, """SELECT c.source_ticket,
        d.number, c.complainant_name, c.respondent_name, c.track FROM documents d JOIN cases c
        ON c.id = d.case_id WHERE d.kind = 'agreement' AND d.state = 'signed'
        AND d.supersedes_id IS NOT NULL LIMIT 1""")[0]
    out = tmp_path / "协议书.pdf"
    result = run("render", "agreement", "--case", ticket, "--out", str(out), "--data-dir",
                 str(store.path.parent))
    assert result.returncode == 0, result.stderr
    text = pdf_text(out.read_bytes())
    # The standing version (2), not the voided one.
    issuer = DEMO_OFFICE["committee_name" if track == "peoples_mediation" else "name"]
    assert re.search(re.escape(number), text) and issuer in text
    assert applicant in text and respondent in text
