"""Documents of a case: drafts from the case, finalising (number, hashes, PDF kept),
immutability, void, new versions, signing and the 司法确认 window, numbering under
concurrency, every kind rendered and read back."""

from __future__ import annotations

import io
import re
import sqlite3
import threading
from dataclasses import replace
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import update

from app.core.documents import DocumentKind, DocumentState, content_hash
from app.core.sessions import SessionResult
from app.core.workflow import Outcome, TerminationGround, Track
from app.services import cases, documents, evidence, sessions
from app.services import sync as sync_service
from app.services.reference import open_workstation
from app.store.models import Office
from tests.conftest import FIXED_NOW, complaint_form
from tests.services.test_cases import add_mediator
from tests.support.documents import dated


def text_of(pdf: bytes) -> str:
    """The pages' text without white space (a phrase may wrap, a title is spaced)."""
    return "".join("".join(page.extract_text().split())
                   for page in PdfReader(io.BytesIO(pdf)).pages)


def _case(ws, track: Track) -> object:
    with ws.store.unit_of_work() as s:
        s.execute(update(Office).values(number_prefix="浦消调",
                                        committee_name="张江镇人民调解委员会"))
    case_id, _ = cases.intake_work_order(ws, complaint_form(track=track))
    cases.accept(ws, case_id)
    cases.assign(ws, case_id, add_mediator(ws))
    return case_id


@pytest.fixture
def case_id(ws):
    """A 12315 complaint mediated by the bureau (its paper: 调解书, the bureau's seal)."""
    return _case(ws, Track.MARKET_COMPLAINT)


@pytest.fixture
def pm_case_id(ws):
    """A people's-mediation case (人民调解协议书, 司法确认)."""
    return _case(ws, Track.PEOPLES_MEDIATION)


def agreement(ws, case_id, **fields):
    doc_id, _ = documents.create_draft(ws, case_id, DocumentKind.AGREEMENT)
    clauses = dated(documents.get_document(ws, doc_id).fields["clauses"], "2026年3月9日")
    documents.update_draft(ws, doc_id, {"performance": "2026年3月9日前银行转账。",
                                        "clauses": clauses, **fields})
    return doc_id


def test_a_new_agreement_is_filled_from_the_case(ws, case_id):
    doc_id, changes = documents.create_draft(ws, case_id, DocumentKind.AGREEMENT)
    doc = documents.get_document(ws, doc_id)
    assert doc.state is DocumentState.DRAFT and doc.number == ""
    assert [p["name"] for p in doc.fields["parties"]] == ["李秀英", "上海悦动健身管理有限公司"]
    assert doc.fields["facts"].startswith("预付健身卡5000元")
    assert doc.fields["disputes"] == "退还剩余预付款3200元"
    # The refund's amount is a value, typed once; its deadline a blank still to fill.
    assert doc.fields["clauses"][0] == {
        "text": "上海悦动健身管理有限公司于____前向李秀英退还{amount}。", "amount": "3200"}
    assert doc.fields["mediator"] == "王建国" and doc.fields["copies"] == 3
    assert doc.missing == ("clauses", "performance")
    text = text_of(documents.render(ws, doc_id))
    assert "调解书" in text and "人民调解" not in text and "草稿" in text and "李秀英" in text
    assert "退还人民币3,200.00元（大写：人民币叁仟贰佰元整）" in text
    assert "本调解书所涉金额：人民币3,200.00元" in text


def test_finalising_numbers_hashes_and_keeps_the_pdf(ws, case_id):
    doc_id = agreement(ws, case_id)
    documents.finalize(ws, doc_id)
    doc = documents.get_document(ws, doc_id)
    assert doc.state is DocumentState.FINAL
    assert doc.number == "（2026）浦消调字第0001号"
    assert doc.content_sha256 == content_hash(
        {"kind": "agreement", "number": doc.number, "fields": doc.fields})
    pdf = documents.render(ws, doc_id)  # the stored bytes, checked against their hash
    assert sync_service.files_of(ws.store).has(doc.pdf_sha256)
    text = text_of(pdf)
    assert doc.number in text and doc.content_sha256[:16] in text
    assert "草稿" not in text
    # The issued PDF is in the case file, so it travels with the case.
    (issued,) = evidence.list_evidence(ws, case_id)
    assert (issued.filename, issued.sha256) == (
        "调解书（2026）浦消调字第0001号.pdf", doc.pdf_sha256)


def test_a_final_document_does_not_change(ws, case_id):
    doc_id = agreement(ws, case_id)
    documents.finalize(ws, doc_id)
    with pytest.raises(documents.DocumentRefused) as refused:
        documents.update_draft(ws, doc_id, {"facts": "改过的事实"})
    assert refused.value.problem == documents.DocumentProblem.NOT_DRAFT
    con = sqlite3.connect(ws.store.path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="new version"):
            con.execute("UPDATE documents SET fields = '{}' WHERE id = ?", (doc_id.hex,))
    finally:
        con.close()
    assert documents.get_document(ws, doc_id).fields["facts"].startswith("预付健身卡")


def test_missing_fields_are_listed_before_anything_is_numbered(ws, case_id):
    doc_id, _ = documents.create_draft(ws, case_id, DocumentKind.AGREEMENT)
    documents.update_draft(ws, doc_id, {"clauses": ["  "], "facts": ""})
    with pytest.raises(documents.DocumentRefused) as refused:
        documents.finalize(ws, doc_id)
    assert refused.value.problem == documents.DocumentProblem.MISSING_FIELDS
    assert refused.value.detail == ["facts", "clauses", "performance"]
    later = agreement(ws, case_id)
    documents.finalize(ws, later)
    assert documents.get_document(ws, later).number.endswith("第0001号")  # none spent


def test_a_voided_number_is_never_issued_again_and_versions_keep_the_old(ws, case_id):
    first = agreement(ws, case_id)
    documents.finalize(ws, first)
    documents.void(ws, first, "当事人信息有误")
    voided = documents.get_document(ws, first)
    assert voided.state is DocumentState.VOID and voided.number.endswith("第0001号")
    assert voided.void_reason == "当事人信息有误"
    second, _ = documents.new_version(ws, first)
    documents.update_draft(ws, second, {"facts": "更正后的事实。"})
    documents.finalize(ws, second)
    new = documents.get_document(ws, second)
    assert new.number.endswith("第0002号")
    assert (new.version_no, new.supersedes_id) == (2, first)
    assert "更正后的事实" in text_of(documents.render(ws, second))
    assert "预付健身卡" in text_of(documents.render(ws, first))  # the old stays readable


def test_signing_starts_the_thirty_day_window(ws, pm_case_id):
    case_id = pm_case_id
    doc_id = agreement(ws, case_id)
    with pytest.raises(documents.DocumentRefused):
        documents.sign(ws, doc_id, date(2026, 3, 10))  # a draft cannot be signed
    documents.finalize(ws, doc_id)
    documents.sign(ws, doc_id, date(2026, 3, 10))
    doc = documents.get_document(ws, doc_id)
    assert doc.state is DocumentState.SIGNED and doc.signed_on == date(2026, 3, 10)
    assert doc.confirmation_deadline == date(2026, 4, 9)


@pytest.mark.parametrize(("signed", "due", "provisional"), [
    (date(2026, 10, 1), date(2026, 11, 2), False),  # day 30 is Saturday 10-31: Monday
    (date(2026, 12, 2), date(2027, 1, 4), True),  # 1 January is a holiday in every year
])
def test_one_confirmation_window_for_documents_and_deadlines(ws, pm_case_id, signed, due,
                                                              provisional):
    """The document, the case's 司法确认 view and the clocks give one answer, provisional
    when the calendar is (issue 14, item 6)."""
    from app.core.deadlines import judicial_confirmation_deadline
    from app.services.reference import calendar
    from app.store.models import Case

    case_id = pm_case_id
    doc_id = agreement(ws, case_id)
    documents.finalize(ws, doc_id)
    documents.sign(ws, doc_id, signed)
    doc = documents.get_document(ws, doc_id)
    assert (doc.confirmation_deadline, doc.confirmation_provisional) == (due, provisional)
    with ws.store.unit_of_work() as session:
        clock = judicial_confirmation_deadline(signed, calendar(ws, session))
        assert session.get(Case, case_id).confirmation_due_on == due  # the 司法确认 view
    assert (clock.due, clock.provisional) == (due, provisional)

def test_numbers_stay_unique_when_several_finalise_at_once(ws, case_id):
    drafts = [agreement(ws, case_id) for _ in range(8)]
    errors = []

    def finish(doc_id):
        try:
            mine = open_workstation(ws.store, login=ws.actor.login)
            mine.now = lambda: FIXED_NOW
            documents.finalize(mine, doc_id)
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=finish, args=(d,)) for d in drafts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(documents.get_document(ws, d).number for d in drafts)
    assert numbers == [f"（2026）浦消调字第{n:04d}号" for n in range(1, 9)]


LATIN = re.compile(r"[A-Za-z]{2,}")
LINE_START = re.compile(r"^[，。、；：？！）》」』]", re.M)

# What each track's paper says (issue 14, item 4): title, who signs, which seal, what is
# printed about 司法确认, and that a bureau tells both sides of a termination.
TRACK_PAPER = {
    Track.PEOPLES_MEDIATION: {
        DocumentKind.AGREEMENT: (("人民调解协议书", "申请人：李秀英", "被申请人：上海悦动",
                                  "申请人（签名盖章或按指印）", "被申请人（盖章）",
                                  "法定代表人或委托代理人（签名）", "人民调解员（签名）",
                                  "人民调解委员会留存一份", "（人民调解委员会印）",
                                  "三十日内共同向人民法院申请司法确认"),
                                 ("调解书编号", "投诉人", "（印章）", "调解人员")),
        DocumentKind.SESSION_RECORD: (("人民调解记录", "门店关门，要求退款。",
                                       "人民调解员（签名）"), ("调解人员",)),
        DocumentKind.ORAL_AGREEMENT: (("口头协议", "李秀英", "当场退还现金500元"), ()),
        DocumentKind.TERMINATION: (("终止调解告知书", "李秀英：", "本委员会已于2026年3月2日受理",
                                    "人民调解员（签名）", "（人民调解委员会印）"),
                                   ("投诉", "本所")),
        DocumentKind.FOLLOW_UP: (("人民调解回访记录", "已收到退款", "（2026）浦消调字第0001号",
                                  "满意"), ()),
    },
    Track.MARKET_COMPLAINT: {
        DocumentKind.AGREEMENT: (("调解书", "投诉人：李秀英", "被投诉人：上海悦动",
                                  "投诉人（签字）", "被投诉人（盖章）",
                                  "法定代表人或委托代理人（签字）", "调解人员（签名）",
                                  "本调解书一式三份", "留存一份归档", "（印章）"),
                                 ("人民调解", "司法确认", "申请人")),
        DocumentKind.SESSION_RECORD: (("调解记录", "门店关门，要求退款。", "调解人员（签名）"),
                                      ("人民调解",)),
        DocumentKind.TERMINATION: (("终止调解告知书", "李秀英、上海悦动健身管理有限公司：",
                                    "本所已于2026年3月2日受理投诉", "双方可以依法",
                                    "（印章）"),
                                   ("人民调解员", "本委员会", "调解委员会印")),
        DocumentKind.FOLLOW_UP: (("回访记录", "已收到退款", "（2026）浦消调字第0001号"),
                                 ("人民调解",)),
    },
}


@pytest.mark.parametrize("track", list(Track), ids=lambda t: t.value)
def test_every_kind_renders_by_its_tracks_law_and_reads_back(ws, track):
    with ws.store.unit_of_work() as s:
        s.execute(update(Office).values(name="上海市浦东新区市场监督管理局张江市场监督管理所",
                                        number_prefix="浦消调",
                                        committee_name="张江镇人民调解委员会"
                                        if track is Track.PEOPLES_MEDIATION else ""))
    case_id, _ = cases.intake_work_order(ws, complaint_form(track=track))
    cases.accept(ws, case_id)
    cases.assign(ws, case_id, add_mediator(ws))
    draft, _ = sessions.start_draft(ws, case_id, "电话")
    content = draft.content.with_statement("李秀英", "门店关门，要求退款。")
    sessions.finish_session(ws, draft.id, replace(
        content, proposals="建议退还2400元。", result=SessionResult.AGREED.value))
    doc_id = agreement(ws, case_id)
    documents.finalize(ws, doc_id)
    documents.sign(ws, doc_id, date(2026, 3, 3))
    pm = track is Track.PEOPLES_MEDIATION
    cases.close(ws, case_id, Outcome.TERMINATED, termination_ground=(
        TerminationGround.PM_PARTY_WITHDRAWS if pm else TerminationGround.MC_WITHDRAWN_OR_SETTLED))
    cases.record_follow_up(ws, case_id, satisfaction="satisfied", performance="performed",
                           note="已收到退款。", followed_at=FIXED_NOW + timedelta(days=7))
    if pm:
        oral, _ = documents.create_draft(ws, case_id, DocumentKind.ORAL_AGREEMENT)
        documents.update_draft(ws, oral, {"clauses": ["当场退还现金500元。"]})
    else:  # 人民调解法 第二十八条 has no counterpart for a bureau
        with pytest.raises(documents.DocumentRefused):
            documents.create_draft(ws, case_id, DocumentKind.ORAL_AGREEMENT)
    for kind, (present, absent) in TRACK_PAPER[track].items():
        pages = [page.extract_text() for page in PdfReader(io.BytesIO(
            documents.render_for_case(ws, case_id, kind))).pages]
        text = "".join("".join(p.split()) for p in pages)
        for word in present:
            assert word in text, (track, kind, word)
        for word in absent:
            assert word not in text, (track, kind, word)
        assert "未核实" not in text and "据报道" not in text
        words = LATIN.findall(re.sub(r"校验码：[0-9a-f]+", "", text))
        assert not words, (track, kind, words)
        assert not any(LINE_START.search(p) for p in pages), (track, kind)
    confirmation = documents.get_document(ws, doc_id).confirmation_deadline
    assert (confirmation is not None) is pm  # 司法确认 is people's mediation's
    other, _ = documents.create_draft(ws, case_id, DocumentKind.TERMINATION)
    documents.finalize(ws, other)
    dossier_id, _ = documents.create_draft(ws, case_id, DocumentKind.DOSSIER)
    pdf = documents.render(ws, dossier_id)
    text = text_of(pdf)
    assert "调解卷宗" in text and "卷内目录" in text
    assert ("人民调解协议书" if pm else "调解书") in text
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 4


def test_a_draft_can_be_thrown_away_but_not_a_final(ws, case_id):
    draft, _ = documents.create_draft(ws, case_id, DocumentKind.TERMINATION)
    documents.discard_draft(ws, draft)
    assert documents.list_documents(ws, case_id) == []
    final = agreement(ws, case_id)
    documents.finalize(ws, final)
    with pytest.raises(documents.DocumentRefused):
        documents.discard_draft(ws, final)


def test_bad_amounts_are_refused_before_printing(ws, case_id):
    doc_id = agreement(ws, case_id, clauses=[{"text": "被申请人向申请人支付{amount}。",
                                              "amount": "-100"}])
    with pytest.raises(documents.DocumentRefused) as refused:
        documents.render(ws, doc_id)
    assert refused.value.problem == documents.DocumentProblem.NEGATIVE_AMOUNT


def test_a_signed_agreement_comes_up_in_the_queue_in_its_last_week(ws, pm_case_id):
    from app.services import queue

    case_id = pm_case_id
    doc_id = agreement(ws, case_id)
    documents.finalize(ws, doc_id)
    confirmation = queue.QueueQuery(view=queue.QueueView.CONFIRMATION)
    assert queue.count_cases(ws, confirmation) == 0
    documents.sign(ws, doc_id, date(2026, 3, 2))  # last day 2026-04-01
    ws.now = lambda: FIXED_NOW + timedelta(days=20)  # 2026-03-22: more than a week left
    assert queue.count_cases(ws, confirmation) == 0
    ws.now = lambda: FIXED_NOW + timedelta(days=25)  # 2026-03-27: five days left
    assert queue.view_counts(ws)[queue.QueueView.CONFIRMATION] == 1
    page = queue.fetch_cases(ws, confirmation, 0, 10)
    assert [row.id for row in page.rows] == [case_id]
    ws.now = lambda: FIXED_NOW + timedelta(days=31)  # the window has closed
    assert queue.count_cases(ws, confirmation) == 0
    ws.now = lambda: FIXED_NOW + timedelta(days=25)
    documents.void(ws, doc_id, "协议无效，重新协商")
    assert queue.count_cases(ws, confirmation) == 0
