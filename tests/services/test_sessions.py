"""Session records: drafts, finishing, immutability, addenda, phrases and templates."""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.core.phrases import PhraseKind
from app.core.sessions import (
    Participant,
    SessionContent,
    SessionMode,
    SessionResult,
    Statement,
    TextField,
    Timer,
)
from app.core.workflow import CaseStatus
from app.services import cases, sessions
from app.services.errors import FieldProblem, ValidationFailed
from app.store.models import AuditEvent, MediationSession, Phrase, SessionDraft, SyncOutbox
from app.sync import capture
from tests.conftest import FIXED_NOW, complaint_form
from tests.services.test_cases import add_mediator


@pytest.fixture
def captured(ws):
    """Changes go to the outbox, as on a workstation linked to a central database."""
    capture.install(ws.store.sessions)
    yield
    capture.uninstall(ws.store.sessions)


@pytest.fixture
def case_id(ws):
    case_id, _ = cases.intake_work_order(ws, complaint_form())
    cases.accept(ws, case_id)
    cases.assign(ws, case_id, add_mediator(ws))
    return case_id


def filled(content: SessionContent) -> SessionContent:
    content = content.with_statement("李秀英", "门店关门，剩余课时没法上，要求退3200元。")
    content = content.with_statement("上海悦动健身管理有限公司", "愿意退一部分。")
    return replace(content, proposals="建议退还2400元。", responses="双方同意。",
                   result=SessionResult.AGREED.value)


def test_starting_a_session_brings_the_parties_and_starts_the_mediation(ws, case_id):
    draft, changes = sessions.start_draft(ws, case_id, SessionMode.VIDEO.value)
    assert changes.sessions and case_id in changes.case_ids
    assert [p.name for p in draft.content.participants] == ["李秀英", "上海悦动健身管理有限公司"]
    assert [p.role for p in draft.content.participants] == ["applicant", "respondent"]
    assert draft.content.mode == "视频"
    assert draft.content.timer.running_since == FIXED_NOW
    assert draft.open
    assert cases.get_case(ws, case_id).status == CaseStatus.MEDIATING


def test_a_draft_is_saved_and_read_back_exactly(ws, case_id):
    draft, _ = sessions.start_draft(ws, case_id)
    content = filled(draft.content)
    content = replace(content, place="张江市场监管所调解室", evidence="发票、聊天记录<截图>&",
                      participants=(*content.participants, Participant("王律师", "代理人")),
                      next_step_on=date(2026, 3, 9), timer=Timer(125, None))
    assert sessions.save_draft(ws, draft.id, content, revision=1)
    again = sessions.load_draft(ws, draft.id)
    assert again.content == content
    assert again.revision == 1


def test_an_older_save_never_overwrites_a_newer_one(ws, case_id):
    draft, _ = sessions.start_draft(ws, case_id)
    newer = replace(draft.content, proposals="第二稿")
    assert sessions.save_draft(ws, draft.id, newer, revision=5)
    assert not sessions.save_draft(ws, draft.id, replace(newer, proposals="第一稿"), revision=4)
    assert sessions.load_draft(ws, draft.id).content.proposals == "第二稿"


def test_drafts_stay_on_the_workstation(ws, case_id, captured):
    draft, _ = sessions.start_draft(ws, case_id)
    sessions.save_draft(ws, draft.id, filled(draft.content), revision=1)
    with ws.store.unit_of_work() as s:
        tables = set(s.scalars(select(SyncOutbox.table_name)))
    assert "session_drafts" not in tables


def test_finishing_makes_an_audited_record_with_the_drafts_id(ws, case_id, captured):
    draft, _ = sessions.start_draft(ws, case_id, SessionMode.PHONE.value)
    later = FIXED_NOW + timedelta(minutes=42)
    ws.now = lambda: later
    changes = sessions.finish_session(ws, draft.id, filled(draft.content))
    assert changes.sessions and changes.history
    record = sessions.case_sessions(ws, case_id)
    assert record.drafts == ()
    (done,) = record.sessions
    assert done.id == draft.id
    assert done.finalized_at == later and done.ended_at == later
    assert done.duration_seconds == 42 * 60
    assert done.statements == (Statement("李秀英", "门店关门，剩余课时没法上，要求退3200元。"),
                               Statement("上海悦动健身管理有限公司", "愿意退一部分。"))
    assert done.result == "agreed"
    with ws.store.unit_of_work() as s:
        actions = [e.action for e in s.scalars(select(AuditEvent).where(
            AuditEvent.entity == "mediation_sessions"))]
        outbox = list(s.scalars(select(SyncOutbox).where(
            SyncOutbox.table_name == "mediation_sessions")))
    assert actions == ["create"]
    assert [o.op for o in outbox] == ["insert"]
    # Finishing again (a retried click) writes nothing more.
    sessions.finish_session(ws, draft.id, filled(draft.content))
    assert len(sessions.case_sessions(ws, case_id).sessions) == 1


def test_statements_of_people_who_did_not_take_part_are_left_out(ws, case_id):
    draft, _ = sessions.start_draft(ws, case_id)
    content = filled(draft.content)
    content = replace(content, participants=content.participants[:1])
    sessions.finish_session(ws, draft.id, content)
    (done,) = sessions.case_sessions(ws, case_id).sessions
    assert [s.name for s in done.statements] == ["李秀英"]


def test_finishing_lists_every_missing_part(ws, case_id):
    draft, _ = sessions.start_draft(ws, case_id)
    empty = replace(draft.content, participants=(), result="")
    with pytest.raises(ValidationFailed) as caught:
        sessions.finish_session(ws, draft.id, empty)
    assert caught.value.problems == {"participants": FieldProblem.REQUIRED,
                                     "result": FieldProblem.REQUIRED,
                                     "statements": FieldProblem.REQUIRED}
    next_step = replace(filled(draft.content), result=SessionResult.NEXT_STEP.value)
    with pytest.raises(ValidationFailed) as caught:
        sessions.finish_session(ws, draft.id, next_step)
    assert caught.value.problems == {"next_step_on": FieldProblem.REQUIRED}
    yesterday = replace(next_step, next_step_on=date(2026, 3, 1))
    with pytest.raises(ValidationFailed) as caught:
        sessions.finish_session(ws, draft.id, yesterday)
    assert caught.value.problems == {"next_step_on": FieldProblem.INVALID_DATE}
    # Nothing was written and the draft is still there.
    assert sessions.load_draft(ws, draft.id).id == draft.id
    assert sessions.case_sessions(ws, case_id).sessions == ()


def test_a_finished_record_cannot_be_changed_even_by_hand(ws, case_id):
    draft, _ = sessions.start_draft(ws, case_id)
    sessions.finish_session(ws, draft.id, filled(draft.content))
    with pytest.raises(sessions.SessionFinished):
        sessions.load_draft(ws, draft.id)
    # The store itself refuses (a trigger), whatever code tries it.
    con = sqlite3.connect(ws.store.path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="cannot be changed"):
            con.execute("UPDATE mediation_sessions SET proposals = 'changed' WHERE id = ?",
                        (draft.id.hex,))
        con.execute("UPDATE mediation_sessions SET modified_by = 'sync' WHERE id = ?",
                    (draft.id.hex,))  # bookkeeping may move
    finally:
        con.close()
    (done,) = sessions.case_sessions(ws, case_id).sessions
    assert done.proposals == "建议退还2400元。"


def test_addenda_are_dated_audited_and_leave_the_record_as_it_was(ws, case_id):
    draft, _ = sessions.start_draft(ws, case_id)
    sessions.finish_session(ws, draft.id, filled(draft.content))
    ws.now = lambda: FIXED_NOW + timedelta(days=1)
    sessions.add_addendum(ws, draft.id, "更正：被申请人同意退还的金额为2500元。")
    ws.now = lambda: FIXED_NOW + timedelta(days=2)
    (done,) = sessions.case_sessions(ws, case_id).sessions
    # An addendum to an addendum is filed against the record itself.
    sessions.add_addendum(ws, done.addenda[0].id, "补充：申请人已确认收款账户。")
    (done,) = sessions.case_sessions(ws, case_id).sessions
    assert done.proposals == "建议退还2400元。"
    assert [(a.at, a.text) for a in done.addenda] == [
        (FIXED_NOW + timedelta(days=1), "更正：被申请人同意退还的金额为2500元。"),
        (FIXED_NOW + timedelta(days=2), "补充：申请人已确认收款账户。")]
    assert all(a.author == "zhangmin" for a in done.addenda)
    with ws.store.unit_of_work() as s:
        events = list(s.scalars(select(AuditEvent).where(AuditEvent.action == "addendum")))
        rows = list(s.scalars(select(MediationSession).where(
            MediationSession.addendum_to == draft.id)))
    assert [e.entity_id for e in events] == [draft.id, draft.id]
    assert len(rows) == 2 and all(r.finalized_at is not None for r in rows)
    with pytest.raises(ValidationFailed):
        sessions.add_addendum(ws, draft.id, "   ")


def test_open_drafts_are_the_signed_in_mediators_open_ones(ws, case_id):
    first, _ = sessions.start_draft(ws, case_id)
    second, _ = sessions.start_draft(ws, case_id)
    sessions.set_draft_open(ws, second.id, False)
    assert [d.id for d in sessions.open_drafts(ws)] == [first.id]
    assert sessions.open_drafts(ws)[0].case_ticket == "1310115202603020001"
    sessions.discard_draft(ws, first.id)
    assert sessions.open_drafts(ws) == []
    assert [d.id for d in sessions.case_sessions(ws, case_id).drafts] == [second.id]


def test_old_records_with_names_only_are_read(ws, case_id):
    with ws.store.unit_of_work() as s:
        s.add(MediationSession(case_id=case_id, mode="电话", started_at=FIXED_NOW,
                               participants=["李秀英"], statements={"李秀英": "要求退款"},
                               result="none", author="zhangmin", finalized_at=FIXED_NOW))
    (old,) = sessions.case_sessions(ws, case_id).sessions
    assert old.participants == (Participant("李秀英"),)
    assert old.statements == (Statement("李秀英", "要求退款"),)


def test_the_phrase_book_has_builtins_for_the_category_and_the_offices_own(ws, captured):
    prepaid = sessions.phrase_book(ws, "预付式消费", PhraseKind.PHRASE)
    online = sessions.phrase_book(ws, "网络购物", PhraseKind.PHRASE)
    assert any("预付消费卡" in p.body for p in prepaid)
    assert not any("预付消费卡" in p.body for p in online)
    assert all(p.builtin for p in prepaid)
    phrase_id, changes = sessions.save_phrase(ws, sessions.PhraseInput(
        PhraseKind.PHRASE, "会员卡冻结", "经核实，会员卡已被冻结。", category="预付式消费",
        field=TextField.EVIDENCE.value))
    assert changes.phrases
    mine = [p for p in sessions.phrase_book(ws, "预付式消费", PhraseKind.PHRASE) if not p.builtin]
    assert [(p.title, p.body, p.field) for p in mine] == [
        ("会员卡冻结", "经核实，会员卡已被冻结。", "evidence")]
    assert all(p.builtin for p in sessions.phrase_book(ws, "网络购物", PhraseKind.PHRASE))
    sessions.save_phrase(ws, sessions.PhraseInput(
        PhraseKind.PHRASE, "会员卡冻结", "经核实，会员卡已被商家冻结。",
        category="预付式消费"), phrase_id)
    (mine,) = [p for p in sessions.phrase_book(ws, "预付式消费", PhraseKind.PHRASE)
               if not p.builtin]
    assert mine.body == "经核实，会员卡已被商家冻结。" and mine.version == 2
    sessions.delete_phrase(ws, phrase_id)
    assert all(p.builtin for p in sessions.phrase_book(ws, "预付式消费", PhraseKind.PHRASE))
    with ws.store.unit_of_work() as s:
        row = s.get(Phrase, phrase_id)
        ops = [o.op for o in s.scalars(select(SyncOutbox).where(
            SyncOutbox.table_name == "phrases"))]
    assert row.deleted  # a tombstone that syncs
    assert ops == ["insert", "update", "update"]


def test_templates_by_category_and_bad_input_refused(ws):
    titles = [t.title for t in sessions.phrase_book(ws, "预付式消费", PhraseKind.TEMPLATE)]
    assert "预付卡退费" in titles and "网购退货退款" not in titles
    template = next(t for t in sessions.phrase_book(ws, "预付式消费", PhraseKind.TEMPLATE)
                    if t.title == "预付卡退费")
    assert "预付款" in template.fields["proposals"]
    with pytest.raises(ValidationFailed) as caught:
        sessions.save_phrase(ws, sessions.PhraseInput(PhraseKind.TEMPLATE, "", fields={}))
    assert caught.value.problems == {"title": FieldProblem.REQUIRED,
                                     "fields": FieldProblem.REQUIRED}
    with pytest.raises(ValidationFailed) as caught:
        sessions.save_phrase(ws, sessions.PhraseInput(
            PhraseKind.TEMPLATE, "x", fields={"nonsense": "y"}))
    assert caught.value.problems == {"field": FieldProblem.INVALID_CHOICE}


def test_unknown_ids_are_reported(ws, case_id):
    with pytest.raises(sessions.SessionNotFound):
        sessions.load_draft(ws, uuid.uuid4())
    with pytest.raises(sessions.SessionNotFound):
        sessions.add_addendum(ws, uuid.uuid4(), "补充")
    with pytest.raises(ValidationFailed):
        sessions.start_draft(ws, case_id, "飞鸽传书")
    with ws.store.unit_of_work() as s:
        assert s.scalar(select(SessionDraft.id)) is None
