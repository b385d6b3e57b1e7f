"""The case timeline: every kind of event of one case, merged in time order, read with
index range scans."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, insert, update

from app.core.workflow import Action, CaseStatus, Outcome, PauseReason, TerminationGround
from app.services import cases
from app.services.timeline import (
    AddendumSummary,
    ContactSummary,
    EntryKind,
    EvidenceSummary,
    FollowUpSummary,
    NoteSummary,
    PauseSummary,
    SessionSummary,
    StatusSummary,
    case_timeline,
)
from app.store.models import Attachment, MediationSession, Mediator, Note
from tests.conftest import complaint_form

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def synced(login: str, when: datetime) -> dict:
    return dict(id=uuid.uuid4(), version=1, modified_at=when, modified_by=login, deleted=False)


def add_session(ws, case_id, start, *, minutes=45, mode="电话", result="agreed",
                author="zhangmin", addendum_to=None, addendum_text="", finalized_at=None,
                participants=None, deleted=False) -> uuid.UUID:
    values = synced(author, start) | dict(
        case_id=case_id, mode=mode, started_at=start,
        ended_at=start + timedelta(minutes=minutes), result=result, author=author,
        finalized_at=finalized_at or start + timedelta(minutes=minutes),
        addendum_to=addendum_to, addendum_text=addendum_text,
        participants=participants if participants is not None else [
            {"name": "李秀英", "role": "applicant", "party_id": None}],
        deleted=deleted)
    with ws.store.unit_of_work() as s:
        s.execute(insert(MediationSession), [values])
    return values["id"]


def add_note(ws, case_id, when, text="与商家负责人沟通", *, kind="note", author="zhangmin",
             deleted=False, **extra) -> uuid.UUID:
    values = synced(author, when) | dict(case_id=case_id, kind=kind, created_at=when,
                                         author=author, text=text, deleted=deleted, **extra)
    with ws.store.unit_of_work() as s:
        s.execute(insert(Note), [values])
    return values["id"]


def add_attachment(ws, case_id, when, filename="发票.jpg", size=1_258_291, *,
                   author="zhangmin", deleted=False) -> uuid.UUID:
    values = synced(author, when) | dict(case_id=case_id, sha256="0" * 64, filename=filename,
                                         mime_type="image/jpeg", size=size, created_at=when,
                                         author=author, deleted=deleted)
    with ws.store.unit_of_work() as s:
        s.execute(insert(Attachment), [values])
    return values["id"]


def add_mediator(ws, name="王芳", login="wangfang") -> uuid.UUID:
    with ws.store.unit_of_work() as s:
        m = Mediator(office_id=ws.actor.office_id, name=name, login=login, modified_by="test")
        s.add(m)
        s.flush()
        return m.id


def at_time(ws, when: datetime) -> None:
    ws.now = lambda: when


@pytest.fixture
def case_id(ws):
    case_id, _ = cases.intake_work_order(ws, complaint_form())
    return case_id


def test_every_kind_is_merged_in_time_order(ws, case_id):
    colleague = add_mediator(ws)
    at_time(ws, at(10))
    cases.accept(ws, case_id)
    at_time(ws, at(20))
    cases.assign(ws, case_id, colleague)
    at_time(ws, at(30))
    cases.start_mediation(ws, case_id)
    add_note(ws, case_id, at(40), "当事人情绪激动，建议分开调解")
    add_note(ws, case_id, at(50), "", kind="contact", author="wangfang",
             contact_result="no_answer", channel="phone", contact_with="张三",
             callback_at=datetime(2026, 3, 3, 2, 0, tzinfo=UTC))
    session = add_session(ws, case_id, at(60), author="wangfang")
    add_attachment(ws, case_id, at(120))
    at_time(ws, at(130))
    cases.pause_clock(ws, case_id, PauseReason.APPRAISAL, expected_end=date(2026, 3, 20),
                      note="送鉴定")
    at_time(ws, at(140))
    cases.resume_clock(ws, case_id)
    add_session(ws, case_id, at(150), addendum_to=session, addendum_text="协议金额更正为3000元",
                finalized_at=at(150), author="wangfang")
    at_time(ws, at(160))
    cases.close(ws, case_id, Outcome.SETTLED, amount_recovered="3000")
    at_time(ws, at(170))
    cases.record_follow_up(ws, case_id, satisfaction="satisfied", performance="performed")

    timeline = case_timeline(ws, case_id)
    assert [(e.kind, e.at) for e in timeline.entries] == [
        (EntryKind.STATUS, at(10)), (EntryKind.STATUS, at(20)), (EntryKind.STATUS, at(30)),
        (EntryKind.NOTE, at(40)), (EntryKind.CONTACT, at(50)), (EntryKind.SESSION, at(60)),
        (EntryKind.EVIDENCE, at(120)), (EntryKind.PAUSE, at(130)), (EntryKind.PAUSE, at(140)),
        (EntryKind.ADDENDUM, at(150)), (EntryKind.STATUS, at(160)),
        (EntryKind.FOLLOW_UP, at(170)), (EntryKind.STATUS, at(170)),
    ]
    e = timeline.entries
    assert all(x.at.tzinfo is not None and x.at.utcoffset() == timedelta(0) for x in e)
    assert e[0].summary == StatusSummary(Action.ACCEPT, CaseStatus.RECEIVED, CaseStatus.ACCEPTED,
                                         None, None, "")
    assert e[1].summary.mediator_id == str(colleague)
    assert timeline.mediators[str(colleague)] == "王芳"
    assert e[3].summary == NoteSummary("当事人情绪激动，建议分开调解")
    assert e[4].summary == ContactSummary("phone", "张三", "no_answer",
                                          datetime(2026, 3, 3, 2, 0, tzinfo=UTC), "")
    assert e[4].actor == "wangfang" and timeline.people["wangfang"] == "王芳"
    assert e[5].summary == SessionSummary("电话", 45, "agreed", True)
    assert e[5].ref_id == session
    assert e[6].summary == EvidenceSummary("发票.jpg", "image/jpeg", 1_258_291)
    assert e[7].summary == PauseSummary(False, PauseReason.APPRAISAL, date(2026, 3, 20), None,
                                        "送鉴定")
    assert e[8].summary.resumed and e[8].summary.ended_on == date(2026, 3, 2)
    assert e[9].summary == AddendumSummary(session, at(60), "电话", "协议金额更正为3000元")
    assert e[10].summary.new_status is CaseStatus.CLOSED
    assert e[10].summary.outcome is Outcome.SETTLED
    assert e[11].summary == FollowUpSummary("phone", "performed", "satisfied", "")
    assert e[12].summary.action is Action.FOLLOW_UP
    assert timeline.people["zhangmin"] == ws.actor.name


def test_ties_are_broken_by_kind_then_id_the_same_on_every_read(ws, case_id):
    same = at(5)
    notes = sorted((add_note(ws, case_id, same, f"笔记{n}") for n in range(5)),
                   key=lambda i: i.bytes)
    evidence = add_attachment(ws, case_id, same)
    session = add_session(ws, case_id, same)
    first = case_timeline(ws, case_id).entries
    assert [e.ref_id for e in first] == [session, *notes, evidence]
    assert case_timeline(ws, case_id).entries == first


def test_an_addendum_is_its_own_entry_after_the_session_it_corrects(ws, case_id):
    session = add_session(ws, case_id, at(60), minutes=30)
    later = add_note(ws, case_id, at(100))
    # Written a day later: shown then, not folded into the session.
    addendum = add_session(ws, case_id, at(60), addendum_to=session,
                           addendum_text="补充：被申请人同意分两期付款",
                           finalized_at=at(60 + 24 * 60))
    # Dated as the session itself (a clock set wrong): still right after it.
    same_time = add_session(ws, case_id, at(60), addendum_to=session, addendum_text="更正姓名",
                            finalized_at=at(10))
    entries = case_timeline(ws, case_id).entries
    assert [e.ref_id for e in entries] == [session, same_time, later, addendum]
    assert [e.kind for e in entries] == [EntryKind.SESSION, EntryKind.ADDENDUM,
                                         EntryKind.NOTE, EntryKind.ADDENDUM]
    assert entries[3].at == at(60 + 24 * 60)
    assert entries[3].summary.session_id == session
    assert entries[3].summary.text == "补充：被申请人同意分两期付款"


def test_deleted_rows_and_other_cases_are_left_out(ws, case_id):
    other, _ = cases.intake_work_order(ws, complaint_form(source_ticket="1310115202603020002"))
    kept = add_note(ws, case_id, at(1))
    add_note(ws, case_id, at(2), deleted=True)
    add_session(ws, case_id, at(3), deleted=True)
    add_attachment(ws, case_id, at(4), deleted=True)
    add_note(ws, other, at(5))
    add_attachment(ws, other, at(6))
    at_time(ws, at(7))
    cases.accept(ws, other)
    assert [e.ref_id for e in case_timeline(ws, case_id).entries] == [kept]


def test_a_tombstoned_status_change_is_left_out(ws, case_id):
    from app.store.models import AuditEvent

    at_time(ws, at(1))
    cases.accept(ws, case_id)
    with ws.store.unit_of_work() as s:
        s.execute(update(AuditEvent).where(AuditEvent.case_id == case_id,
                                           AuditEvent.action == "transition:accept")
                  .values(deleted=True))
    assert case_timeline(ws, case_id).entries == ()


def test_status_changes_come_from_real_transitions_and_name_who_made_them(ws, case_id):
    colleague = add_mediator(ws)
    steps = [(cases.accept, ()), (cases.assign, (colleague,)), (cases.start_mediation, ())]
    for n, (fn, args) in enumerate(steps):
        at_time(ws, at(n))
        fn(ws, case_id, *args)
    at_time(ws, at(9))
    cases.close(ws, case_id, Outcome.TERMINATED, reason="被投诉方拒绝调解",
                termination_ground=TerminationGround.MC_WITHDRAWN_OR_SETTLED)
    entries = case_timeline(ws, case_id).entries
    assert [(e.summary.action, e.summary.old_status, e.summary.new_status) for e in entries] == [
        (Action.ACCEPT, CaseStatus.RECEIVED, CaseStatus.ACCEPTED),
        (Action.ASSIGN, CaseStatus.ACCEPTED, CaseStatus.ASSIGNED),
        (Action.START_MEDIATION, CaseStatus.ASSIGNED, CaseStatus.MEDIATING),
        (Action.CLOSE, CaseStatus.MEDIATING, CaseStatus.CLOSED),
    ]
    assert {e.actor for e in entries} == {"zhangmin"}
    assert entries[-1].summary.reason == "被投诉方拒绝调解"
    # The intake's own audit events (create) are history, not timeline.
    assert all(e.kind is EntryKind.STATUS for e in entries)


def test_kinds_keep_only_those_entries(ws, case_id):
    add_note(ws, case_id, at(1))
    contact = add_note(ws, case_id, at(2), kind="contact", contact_result="reached")
    add_session(ws, case_id, at(3))
    evidence = add_attachment(ws, case_id, at(4))
    at_time(ws, at(5))
    cases.accept(ws, case_id)
    entries = case_timeline(ws, case_id, kinds={EntryKind.CONTACT, EntryKind.EVIDENCE}).entries
    assert [e.ref_id for e in entries] == [contact, evidence]
    assert [e.kind for e in case_timeline(ws, case_id, kinds={EntryKind.STATUS}).entries] == [
        EntryKind.STATUS]


def _timeline_statements(ws, case_id) -> list[tuple[str, tuple]]:
    captured: list[tuple[str, tuple]] = []

    def grab(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    event.listen(ws.store.engine, "before_cursor_execute", grab)
    try:
        case_timeline(ws, case_id)
    finally:
        event.remove(ws.store.engine, "before_cursor_execute", grab)
    return captured


def test_each_table_is_read_through_its_case_index(ws, case_id):
    add_note(ws, case_id, at(1))
    captured = _timeline_statements(ws, case_id)
    raw = ws.store.engine.raw_connection()
    try:
        plans = {}
        for statement, parameters in captured:
            table = statement.split("FROM", 1)[1].split()[0]
            rows = raw.cursor().execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
            plans[table] = [r[-1] for r in rows]
    finally:
        raw.close()
    expected = {
        "mediation_sessions": "ix_mediation_sessions_case_started",
        "notes": "ix_notes_case_created",
        "attachments": "ix_attachments_case_created",
        "audit_events": "ix_audit_events_case_at",
        "follow_ups": "ix_follow_ups_case_id",
    }
    for table, index in expected.items():
        plan = plans[table]
        assert any(f"USING INDEX {index} (case_id=?" in step for step in plan), (table, plan)
        assert not any(step.startswith("SCAN") for step in plan), (table, plan)
    # The four time-indexed tables come back in index order: no sorting step.
    for table in ("mediation_sessions", "notes", "attachments", "audit_events"):
        assert not any("TEMP B-TREE" in step for step in plans[table]), (table, plans[table])
    # One query per table and one for the names, none per row.
    assert len(captured) == len(expected) + 1


def test_ten_thousand_events_make_ten_thousand_entries(ws, case_id):
    from app.store.models import AuditEvent

    rows: dict[type, list[dict]] = {MediationSession: [], Note: [], Attachment: [],
                                    AuditEvent: []}
    statuses = [s.value for s in CaseStatus]
    for n in range(10_000):
        when = at(n)
        base = synced("zhangmin", when)
        if n % 5 == 0:
            rows[MediationSession].append(base | dict(
                case_id=case_id, mode="微信", started_at=when, ended_at=when, result="next_step",
                author="zhangmin", finalized_at=when, addendum_to=None, addendum_text="",
                participants=[]))
        elif n % 5 in (1, 2):
            rows[Note].append(base | dict(case_id=case_id, kind="note" if n % 2 else "contact",
                                          created_at=when, author="zhangmin", text=f"第{n}条"))
        elif n % 5 == 3:
            rows[Attachment].append(base | dict(case_id=case_id, sha256="1" * 64,
                                                filename=f"{n}.pdf", size=n, created_at=when,
                                                author="zhangmin"))
        else:
            rows[AuditEvent].append(base | dict(
                at=when, actor="zhangmin", case_id=case_id, entity="cases", entity_id=case_id,
                action="transition:reopen", reason="",
                changes={"status": [statuses[n % 8], statuses[(n + 1) % 8]]}))
    with ws.store.unit_of_work() as s:
        for model, values in rows.items():
            s.execute(insert(model), values)
    entries = case_timeline(ws, case_id).entries
    assert len(entries) == 10_000
    assert [e.at for e in entries] == [at(n) for n in range(10_000)]
    assert entries[4].kind is EntryKind.STATUS and entries[3].kind is EntryKind.EVIDENCE
