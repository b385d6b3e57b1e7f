"""The 卷宗 of a case, per track: every item in filing order with page numbers that point
at the right pages, the forms made from the case in the track's words, the case's files
as pages (or listed with why not), 归档 refused while an item is missing without a
reason, and the queue's 待归档."""

from __future__ import annotations

import io
import re
import uuid
from dataclasses import replace
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm
from sqlalchemy import func, select, update

from app.core.documents import DocumentKind, DocumentState
from app.core.dossier import FILED_STATUSES, DossierItem, ItemState
from app.core.sessions import SessionResult
from app.core.workflow import CaseKind, Outcome, Source, TerminationGround, Track
from app.documents.typography import LEFT, TEXT_W
from app.services import cases, documents, dossier, evidence, queue, sessions
from app.store.models import LIVE, TO_ARCHIVE, Case, Office
from tests.conftest import FIXED_NOW, complaint_form
from tests.documents.pdfcheck import pages, squeeze
from tests.services.test_cases import add_mediator
from tests.services.test_evidence import pdf_bytes, png_bytes
from tests.support.documents import dated

PM, MC = Track.PEOPLES_MEDIATION, Track.MARKET_COMPLAINT


@pytest.fixture
def office(ws):
    with ws.store.unit_of_work() as s:
        s.execute(update(Office).values(number_prefix="浦消调",
                                        committee_name="张江镇人民调解委员会",
                                        name="浦东新区市场监督管理局张江市场监督管理所"))
    return add_mediator(ws)


def attach(ws, case_id, tmp_path, name: str, content: bytes, description: str = ""):
    path = tmp_path / f"{uuid.uuid4().hex[:6]}-{name}"
    path.write_bytes(content)
    return evidence.attach_file(ws, case_id, path, description=description).evidence.id


def closed_case(ws, tmp_path, mediator, track: Track, *, follow_up: bool = True,
                ticket: str = "") -> uuid.UUID:
    """A complaint settled by a signed agreement (with its scan), after one recorded
    session; an ID card picture and a receipt PDF attached; followed up (with its
    record made final) unless ``follow_up`` is False."""
    source = Source.WALK_IN if track is PM else Source.HOTLINE_12315
    case_id, _ = cases.intake_work_order(ws, complaint_form(
        track=track, source=source, source_ticket=ticket or f"T{uuid.uuid4().hex[:8]}"))
    cases.accept(ws, case_id)
    cases.assign(ws, case_id, mediator)
    cases.start_mediation(ws, case_id)
    draft, _ = sessions.start_draft(ws, case_id, "现场")
    content = draft.content.with_statement("李秀英", "门店关门，要求退款。")
    sessions.finish_session(ws, draft.id, replace(
        content, proposals="建议退还2400元。", result=SessionResult.AGREED.value))
    record, _ = documents.create_draft(ws, case_id, DocumentKind.SESSION_RECORD)
    documents.finalize(ws, record)
    attach(ws, case_id, tmp_path, "id.png", png_bytes(600, 380), "申请人身份证")
    attach(ws, case_id, tmp_path, "order.pdf", pdf_bytes("Order page one"), "购卡合同")
    agreement, _ = documents.create_draft(ws, case_id, DocumentKind.AGREEMENT)
    fields = documents.get_document(ws, agreement).fields
    documents.update_draft(ws, agreement, {
        "clauses": dated(fields["clauses"], "2026年3月9日"),
        "performance": "银行转账。", "mediator": "王建国"})
    documents.finalize(ws, agreement)
    scan = attach(ws, case_id, tmp_path, "signed.png", png_bytes(420, 600),
                  "签署后的调解文书扫描件")
    documents.sign(ws, agreement, date(2026, 3, 3), scan_attachment_id=scan)
    cases.close(ws, case_id, Outcome.SETTLED)
    if follow_up:
        cases.record_follow_up(ws, case_id, satisfaction="satisfied", performance="performed",
                               note="已收到退款。", followed_at=FIXED_NOW + timedelta(days=7))
        visit, _ = documents.create_draft(ws, case_id, DocumentKind.FOLLOW_UP)
        documents.finalize(ws, visit)
    return case_id


def new_dossier(ws, case_id, **fields) -> uuid.UUID:
    doc_id, _ = documents.create_draft(ws, case_id, DocumentKind.DOSSIER)
    documents.update_draft(ws, doc_id, {
        "rights_notice": {"on": "2026-03-02", "method": "当面告知"}, **fields})
    return doc_id


def contents(pdf: bytes) -> list[tuple[str, str, str]]:
    """(文书名称, 页号, 备注) of each 目录 row, read by where each piece of text is drawn:
    a cell's text belongs to the column its x falls in, a row starts at its 序号."""
    starts = [LEFT + 16 * mm, LEFT + TEXT_W - 68 * mm, LEFT + TEXT_W - 46 * mm]
    rows: list[list[str]] = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        if "文书名称" not in squeeze(page.extract_text()):
            continue
        chunks: list[tuple[float, str]] = []

        def seen(text, cm, tm, _font, _size, chunks=chunks):
            if text.strip():
                chunks.append((cm[0] * tm[4] + cm[2] * tm[5] + cm[4], text.strip()))

        page.extract_text(visitor_text=seen)
        for x, text in chunks:
            if text in ("卷内目录", "序号", "文书名称", "页号", "备注") or "卷内目录" in text:
                continue
            column = sum(x >= s for s in starts)
            if column == 0:
                rows.append(["", "", ""])
            elif rows:
                rows[-1][column - 1] += text
    return [tuple(squeeze(c) for c in row) for row in rows]


def stamp(text: str) -> int:
    """The 卷内页号 stamped at the top right: drawn last, so the text's last number."""
    return int(re.search(r"(\d+)$", text).group(1))


def images_on(pdf: bytes, index: int) -> int:
    page = PdfReader(io.BytesIO(pdf)).pages[index]
    xobjects = page["/Resources"].get("/XObject") or {}
    return sum(1 for x in xobjects.values() if x.get_object().get("/Subtype") == "/Image")


EXPECTED = {
    PM: ["人民调解申请书", "人民调解当事人权利义务告知书", "当事人身份证明（申请人身份证）",
         "人民调解证据材料（购卡合同）", "人民调解记录", "人民调解协议书", "人民调解协议书签署件",
         "人民调解回访记录", "备考表"],
    MC: ["投诉登记表", "投诉调解权利义务告知书", "当事人身份证明（申请人身份证）",
         "证据材料（购卡合同）", "调解记录", "调解书", "调解书签署件",
         "回访记录", "备考表"],
}
# What opens each item's first page (a document's title is letter-spaced on paper).
OPENS = {"人民调解申请书": "人民调解申请书", "投诉登记表": "投诉登记表",
         "人民调解当事人权利义务告知书": "人民调解当事人权利义务告知书",
         "投诉调解权利义务告知书": "投诉调解权利义务告知书",
         "当事人身份证明（申请人身份证）": "当事人身份证明（申请人身份证）",
         "人民调解证据材料（购卡合同）": "Orderpageone", "证据材料（购卡合同）": "Orderpageone",
         "人民调解记录": "人民调解记录", "人民调解协议书": "人民调解协议书",
         "人民调解协议书签署件": "人民调解协议书签署件", "人民调解回访记录": "人民调解回访记录",
         "调解记录": "调解记录", "调解书": "调解书", "调解书签署件": "调解书签署件",
         "回访记录": "回访记录", "备考表": "备考表"}


@pytest.mark.parametrize("track", [PM, MC])
def test_the_dossier_holds_every_item_in_order_where_its_page_number_says(
        ws, office, tmp_path, track):
    case_id = closed_case(ws, tmp_path, office, track)
    doc_id = new_dossier(ws, case_id, remarks="原件另存档案室。")
    documents.finalize(ws, doc_id)
    pdf = documents.render(ws, doc_id)
    texts = pages(pdf)
    rows = contents(pdf)
    assert [r[0] for r in rows] == EXPECTED[track]
    front = next(i for i, t in enumerate(texts) if "文书名称" in t) + 1
    numbered = len(texts) - front
    assert [stamp(t) for t in texts[front:]] == list(range(1, numbered + 1))
    expected_first = 1
    for title, where, _ in rows:
        first, _, last = where.partition("-")
        first_page, last_page = int(first), int(last or first)
        assert first_page == expected_first, title  # items follow each other
        page = texts[front + first_page - 1]
        assert OPENS[title] in page, (title, page[:80])
        assert stamp(page) == first_page
        expected_first = last_page + 1
    assert expected_first - 1 == numbered  # the 备考表 is the last page
    # The pictures are pages: the ID card and the signed scan.
    signed = "人民调解协议书签署件" if track is PM else "调解书签署件"
    for title in ("当事人身份证明（申请人身份证）", signed):
        start = int(next(r[1] for r in rows if r[0] == title).partition("-")[0])
        assert images_on(pdf, front + start - 1) == 1
    note = texts[-1]
    assert f"本卷卷内材料共8件，连同本备考表共{numbered}页" in note and "原件另存档案室" in note


def test_the_peoples_mediation_forms_speak_its_words_and_name_the_parties(
        ws, office, tmp_path):
    case_id = closed_case(ws, tmp_path, office, PM)
    texts = pages(documents.render(ws, new_dossier(ws, case_id)))
    application = next(t for t in texts if "人民调解申请书" in t and "文书名称" not in t)
    for words in ("申请人：李秀英", "被申请人：上海悦动健身管理有限公司", "退还剩余预付款3200元",
                  "预付健身卡5000元", "现自愿申请人民调解委员会进行调解", "申请方式来访",
                  "收到日期二〇二六年三月一日"):
        assert words in application, words
    notice = "".join(t for t in texts if "权利义务告知书" in t and "文书名称" not in t)
    notice += texts[texts.index(next(t for t in texts if t.startswith("人民调解当事人权利")
                                     or "人民调解当事人权利义务告知书李秀英" in t)) + 1]
    for words in ("李秀英、上海悦动健身管理有限公司：", "（二）接受调解、拒绝调解或者要求终止调解",
                  "《人民调解法》第二十三条", "（一）如实陈述纠纷事实", "《人民调解法》第二十四条",
                  "告知方式当面告知", "告知时间二〇二六年三月二日", "张江镇人民调解委员会"):
        assert words in notice, words
    assert "投诉" not in notice and "市场监督管理" not in notice
    cover = texts[0]
    assert "人民调解员：王建国" in cover and "李秀英与上海悦动健身管理有限公司预付式消费纠纷" in cover


def test_a_complaints_forms_speak_its_words_and_name_the_parties(ws, office, tmp_path):
    case_id = closed_case(ws, tmp_path, office, MC, ticket="1310115202603020001")
    texts = pages(documents.render(ws, new_dossier(ws, case_id)))
    register = next(t for t in texts if "投诉登记表" in t and "文书名称" not in t)
    for words in ("工单编号1310115202603020001", "投诉渠道全国12315平台",
                  "收到日期二〇二六年三月一日", "受理日期二〇二六年三月二日",
                  "投诉人李秀英", "被投诉人上海悦动健身管理有限公司", "投诉请求退还剩余预付款3200元",
                  "争议事实预付健身卡5000元", "浦东新区市场监督管理局张江市场监督管理所"):
        assert words in register, words
    start = next(i for i, t in enumerate(texts)
                 if "投诉调解权利义务告知书" in t and "文书名称" not in t)
    notice = texts[start] + texts[start + 1]
    for words in ("李秀英、上海悦动健身管理有限公司：", "《市场监督管理投诉举报处理暂行办法》",
                  "经投诉人和被投诉人同意，采用调解的方式处理投诉", "（第十九条）",
                  "不计算在调解期限内", "制作调解书", "加盖市场监督管理部门印章",
                  "告知方式当面告知", "（印章）"):
        assert words in notice, words
    assert "人民调解委员会" not in notice and "人民调解法" not in notice
    assert "承办人：王建国" in texts[0]


def test_a_complaint_under_order_121_is_told_without_the_repealed_articles(
        ws, office, tmp_path):
    from datetime import UTC, datetime

    ws.now = lambda: datetime(2026, 4, 21, 2, 0, tzinfo=UTC)
    case_id, _ = cases.intake_work_order(ws, complaint_form(
        received_at=datetime(2026, 4, 20, 1, 0, tzinfo=UTC)))
    texts = pages(documents.render(ws, new_dossier(ws, case_id)))
    notice = "".join(t for t in texts if "投诉调解权利义务告知书" in t and "文书名称" not in t)
    assert "调解以投诉人和被投诉人双方同意为前提" in notice
    assert "暂行办法" not in notice and "第十六条" not in notice and "未核实" not in notice


def test_filing_is_refused_naming_the_follow_up_until_a_reason_is_given(
        ws, office, tmp_path):
    case_id = closed_case(ws, tmp_path, office, PM, follow_up=False)
    doc_id = new_dossier(ws, case_id)
    with pytest.raises(dossier.DossierIncomplete) as refused:
        documents.finalize(ws, doc_id)
    assert refused.value.items == (DossierItem.FOLLOW_UP,)
    assert documents.get_document(ws, doc_id).state is DocumentState.DRAFT
    assert queue.count_cases(ws, queue.QueueQuery(view=queue.QueueView.TO_ARCHIVE)) == 1

    checklist = dossier.checklist(ws, doc_id)
    assert checklist.plan.check.state(DossierItem.FOLLOW_UP) is ItemState.MISSING
    reason = "当事人已迁居外地，多次电话未接通"
    documents.update_draft(ws, doc_id, {"missing_reasons": {"follow_up": reason}})
    assert dossier.checklist(ws, doc_id).plan.check.complete
    documents.finalize(ws, doc_id)
    pdf = documents.render(ws, doc_id)
    assert ("人民调解回访记录", "缺", reason) in contents(pdf)
    assert f"缺人民调解回访记录：{reason}。" in pages(pdf)[-1]
    assert queue.count_cases(ws, queue.QueueQuery(view=queue.QueueView.TO_ARCHIVE)) == 0


def test_a_file_that_cannot_be_read_is_listed_with_the_reason(ws, office, tmp_path):
    case_id = closed_case(ws, tmp_path, office, MC)
    # They pass the check at the door (their first bytes are a PDF's and a PNG's).
    attach(ws, case_id, tmp_path, "broken.pdf", b"%PDF-1.4\n" + b"\x00garbage" * 200,
           "损坏的发票")
    attach(ws, case_id, tmp_path, "broken.png", png_bytes(50, 50)[:60] + b"\x00" * 100,
           "损坏的照片")
    attach(ws, case_id, tmp_path, "call.mp3", b"ID3\x03\x00\x00\x00" + b"\x00" * 400,
           "通话录音")
    doc_id = new_dossier(ws, case_id)
    documents.finalize(ws, doc_id)
    pdf = documents.render(ws, doc_id)
    rows = contents(pdf)
    broken = "文件已损坏或格式无法识别，未装订入卷"
    assert ("证据材料（损坏的发票）", "—", broken) in rows
    assert ("证据材料（损坏的照片）", "—", broken) in rows
    assert ("证据材料（通话录音）", "—", "录音文件不能转为纸质页面，电子文件随案保存") in rows
    note = pages(pdf)[-1]
    assert "证据材料（通话录音）：录音文件不能转为纸质页面，电子文件随案保存。" in note
    assert "本卷卷内材料共8件" in note  # the three are listed, not counted


def test_the_mediator_places_a_file_and_keeps_one_out(ws, office, tmp_path):
    case_id = closed_case(ws, tmp_path, office, PM)
    photo = attach(ws, case_id, tmp_path, "x.png", png_bytes(30, 30), "退款到账截图")
    other = attach(ws, case_id, tmp_path, "y.png", png_bytes(31, 30), "无关照片")
    doc_id = new_dossier(ws, case_id)
    files = {f.attachment_id: f for f in dossier.checklist(ws, doc_id).plan.files}
    assert files[photo].item is DossierItem.RECEIPTS  # by its words
    assert files[other].item is DossierItem.EVIDENCE
    documents.update_draft(ws, doc_id, {"placement": {
        f"att:{photo.hex}": "evidence", f"att:{other.hex}": "exclude"}})
    files = {f.attachment_id: f for f in dossier.checklist(ws, doc_id).plan.files}
    assert files[photo].item is DossierItem.EVIDENCE
    assert files[other].item is None
    titles = [r[0] for r in contents(documents.render(ws, doc_id))]
    assert "人民调解证据材料（退款到账截图）" in titles
    assert not any("无关照片" in t for t in titles)


def test_issued_pdfs_are_in_once_as_documents_not_again_as_files(ws, office, tmp_path):
    case_id = closed_case(ws, tmp_path, office, PM)
    plan = dossier.checklist(ws, new_dossier(ws, case_id)).plan
    titles = [f.title for f in plan.files]
    assert titles.count("人民调解协议书") == 1 and "人民调解协议书签署件" in titles
    assert not any(f.title.endswith(".pdf）") or "文书定稿" in f.title for f in plan.files)


def test_the_to_archive_view_lists_exactly_the_closed_complaints_without_a_final_file(
        ws, office, tmp_path):
    filed = closed_case(ws, tmp_path, office, PM)
    pending = closed_case(ws, tmp_path, office, MC)
    open_case, _ = cases.intake_work_order(ws, complaint_form(source_ticket="open"))
    inquiry, _ = cases.intake_work_order(ws, complaint_form(
        kind=CaseKind.INQUIRY, source_ticket="inquiry"))
    cases.close(ws, inquiry, Outcome.ANSWERED)
    terminated, _ = cases.intake_work_order(ws, complaint_form(source_ticket="terminated"))
    cases.accept(ws, terminated)
    cases.close(ws, terminated, Outcome.TERMINATED,
                termination_ground=TerminationGround.MC_WITHDRAWN_OR_SETTLED)
    doc_id = new_dossier(ws, filed)
    documents.finalize(ws, doc_id)

    view = queue.QueueQuery(view=queue.QueueView.TO_ARCHIVE)
    listed = {r.id for r in queue.fetch_cases(ws, view, 0, 50).rows}
    assert listed == {pending, terminated}
    assert queue.count_cases(ws, view) == 2 == queue.view_counts(ws)[queue.QueueView.TO_ARCHIVE]
    with ws.store.unit_of_work() as s:
        assert s.get(Case, filed).archived_on == date(2026, 3, 2)
    # A withdrawn file puts the case back on the list.
    documents.void(ws, doc_id, "目录有误，重新立卷")
    assert {r.id for r in queue.fetch_cases(ws, view, 0, 50).rows} == {
        filed, pending, terminated}
    assert open_case not in listed and inquiry not in listed


def test_the_to_archive_view_reads_its_partial_indexes(ws):
    conditions = [LIVE, *queue._view_conditions(ws, queue.QueueView.TO_ARCHIVE)]
    with ws.store.unit_of_work() as session:
        def plan(statement) -> str:
            compiled = statement.compile(session.get_bind())
            params = tuple(compiled.params[k] for k in compiled.positiontup or ())
            return " ".join(str(r) for r in session.connection().exec_driver_sql(
                "EXPLAIN QUERY PLAN " + compiled.string, params))
        count = plan(select(func.count()).select_from(Case).where(*conditions))
        page = plan(select(Case).where(*conditions).order_by(
            *queue._ordered_by(True, Case.received_at)).limit(100))
    assert "COVERING INDEX ix_cases_to_archive_count" in count
    assert "USING INDEX ix_cases_to_archive" in page and "TEMP B-TREE" not in page


def test_the_queue_condition_names_the_filed_statuses():
    statuses = set(re.findall(r"'(\w+)'", TO_ARCHIVE.text)) - {"complaint"}
    assert statuses == {s.value for s in FILED_STATUSES}


def test_a_store_upgraded_from_before_knows_its_filed_cases(tmp_path):
    from datetime import UTC, datetime

    from app.store import migrate
    from app.store.database import make_engine
    from app.store.models import Document

    engine = make_engine(tmp_path / "store.sqlite")
    migrate.upgrade(engine, "0011")
    office_id, filed, pending = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    stamp = dict(version=1, modified_at=FIXED_NOW, modified_by="old", deleted=False)
    case = dict(office_id=office_id, track=PM.value, kind="complaint", source="walk_in",
                source_ticket="", status="closed", outcome="settled",
                received_at=FIXED_NOW, **stamp)
    with engine.begin() as conn:  # as the previous version wrote them: no archived_on
        conn.execute(Office.__table__.insert().values(id=office_id, code="ZJ", name="张江所",
                                                      **stamp))
        conn.execute(Case.__table__.insert(), [dict(id=filed, **case),
                                               dict(id=pending, **case)])
        conn.execute(Document.__table__.insert().values(
            id=uuid.uuid4(), case_id=filed, office_id=office_id, kind="dossier",
            state="final", fields={}, finalized_at=datetime(2026, 3, 2, 17, 0, tzinfo=UTC),
            **stamp))
    migrate.upgrade(engine)
    with engine.connect() as conn:
        archived = dict(conn.execute(select(Case.id, Case.archived_on)).all())
    engine.dispose()
    # Finalised at 01:00 on 3 March, China time.
    assert archived == {filed: date(2026, 3, 3), pending: None}
