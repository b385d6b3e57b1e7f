"""One mediation, many records (issue 17 item 3): a group session recorded for a group's
members appears in each member case's 调解记录 and timeline — and on its printed record —
with that member's attendance and position; one transaction, cancel writes nothing."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.core.documents import DocumentKind
from app.core.group_sessions import (
    Attendance,
    GroupSessionContent,
    MemberAttendance,
    RepresentativeAtSession,
)
from app.core.sessions import SessionResult
from app.core.workflow import CaseStatus
from app.services import cases, documents, group_sessions, groups, sessions, timeline
from app.services.batches import BatchCancelled
from app.services.errors import FieldProblem, ValidationFailed
from app.services.groups import GroupInput, MemberRefusal
from app.services.timeline import EntryKind
from app.store.models import AuditEvent, GroupSession, MediationSession
from tests.conftest import complaint_form
from tests.services.test_cases import add_mediator

HELD = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 China time


def member_cases(ws, n=3, *, names=("李秀英", "王芳", "赵磊")):
    ids = []
    for i in range(n):
        form = complaint_form(source_ticket=f"G{i:04d}")
        name = names[i % len(names)] + (str(i) if i >= len(names) else "")
        form = replace(form, complainant=replace(form.complainant, name=name))
        ids.append(cases.intake_work_order(ws, form)[0])
    gid, made = groups.create_group(ws, GroupInput("悦动健身预付卡退费",
                                                   respondent_name="上海悦动健身管理有限公司"), ids)
    assert made.done == tuple(ids)
    return gid, ids


def content(**overrides) -> GroupSessionContent:
    values = dict(
        mode="现场", started_at=HELD, ended_at=HELD + timedelta(minutes=90),
        place="张江镇人民调解委员会调解室", business_representative="周强（悦动健身法定代表人）",
        complainant_representatives=(RepresentativeAtSession("李秀英"),
                                     RepresentativeAtSession("陈刚")),
        proposals="经营者按未消费课时退费，分三期在4月30日前付清。",
        responses="经营者同意；投诉人代表同意。", result=SessionResult.AGREED.value)
    values.update(overrides)
    return GroupSessionContent(**values)


def test_a_group_session_appears_in_each_member_case_with_their_attendance_and_position(ws):
    gid, ids = member_cases(ws)
    members = [MemberAttendance(ids[0], Attendance.ATTENDED),
               MemberAttendance(ids[1], Attendance.REPRESENTED),
               MemberAttendance(ids[2], Attendance.ABSENT, "不同意分期，要求一次性退清。")]
    seen = []
    done = group_sessions.record_group_session(ws, gid, content(), members,
                                               progress=lambda d, t: seen.append((d, t)))
    assert done.recorded == tuple(ids) and done.skipped == {}
    assert done.changes.sessions and done.changes.case_ids == frozenset(ids)
    assert seen[-1] == (3, 3)

    expected = {ids[0]: (Attendance.ATTENDED, ""), ids[1]: (Attendance.REPRESENTED, ""),
                ids[2]: (Attendance.ABSENT, "不同意分期，要求一次性退清。")}
    for case_id, (attendance, position) in expected.items():
        [record] = sessions.case_sessions(ws, case_id).sessions
        assert record.group_session_id == done.id and record.group_id == gid
        assert record.group_title == "悦动健身预付卡退费"
        assert (record.attendance, record.position) == (attendance, position)
        assert record.proposals.startswith("经营者按未消费课时退费")
        assert record.result == SessionResult.AGREED and record.finalized_at is not None
        assert record.duration_seconds == 90 * 60
        names = [p.name for p in record.participants]
        assert names[:3] == ["周强（悦动健身法定代表人）", "李秀英", "陈刚"]
        # the timeline says it was the group's session, and how this member took part
        [entry] = [e for e in timeline.case_timeline(ws, case_id).entries
                   if e.kind is EntryKind.SESSION]
        assert entry.summary.group_title == "悦动健身预付卡退费"
        assert entry.summary.attendance == attendance
    # 王芳 attended only through the representatives: not listed as taking part herself
    [wang] = sessions.case_sessions(ws, ids[1]).sessions
    assert "王芳" not in [p.name for p in wang.participants]

    [listed] = group_sessions.list_group_sessions(ws, gid)
    assert (listed.id, listed.members, listed.attended, listed.represented, listed.absent) \
        == (done.id, 3, 1, 1, 1)
    assert listed.content.business_representative == "周强（悦动健身法定代表人）"
    # each member's record is in its own history; the group's record in the group's
    with ws.store.unit_of_work() as s:
        audited = s.execute(select(AuditEvent.case_id, AuditEvent.changes).where(
            AuditEvent.entity == "mediation_sessions")).all()
        assert sorted(c for c, _ in audited) == sorted(ids)
        assert all(ch["group"] == [None, "悦动健身预付卡退费"] for _, ch in audited)
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.entity == "group_sessions")) == 1


def test_the_members_printed_record_names_the_representatives_and_their_position(ws):
    gid, ids = member_cases(ws)
    done = group_sessions.record_group_session(ws, gid, content(), [
        MemberAttendance(ids[0], Attendance.ATTENDED),
        MemberAttendance(ids[2], Attendance.REPRESENTED, "要求一次性退清。")])
    assert done.recorded == (ids[0], ids[2])
    doc, _ = documents.create_draft(ws, ids[2], DocumentKind.SESSION_RECORD)
    text = "".join("".join(p.extract_text().split())
                   for p in PdfReader(io.BytesIO(documents.render(ws, doc))).pages)
    for words in ("群体调解", "悦动健身预付卡退费", "周强（悦动健身法定代表人）（经营者代表）",
                  "陈刚（投诉人代表）", "本人参加情况", "由代表参加",
                  "本人意见（与群体意见不同之处）：要求一次性退清。",
                  "经营者按未消费课时退费"):
        assert words in text, words
    doc, _ = documents.create_draft(ws, ids[0], DocumentKind.SESSION_RECORD)
    text = "".join("".join(p.extract_text().split())
                   for p in PdfReader(io.BytesIO(documents.render(ws, doc))).pages)
    # 李秀英 is a representative herself: listed once, as such
    assert "本人参加情况本人参加" in text and "李秀英（投诉人代表）" in text
    assert "本人意见" not in text


def test_an_assigned_member_starts_mediation_others_keep_their_status(ws):
    gid, ids = member_cases(ws, 2)
    mediator = add_mediator(ws)
    cases.accept(ws, ids[0])
    cases.assign(ws, ids[0], mediator)
    done = group_sessions.record_group_session(ws, gid, content(), [
        MemberAttendance(i, Attendance.REPRESENTED) for i in ids])
    assert done.changes.queue
    assert cases.get_case(ws, ids[0]).status == CaseStatus.MEDIATING
    assert cases.get_case(ws, ids[1]).status == CaseStatus.RECEIVED


def test_a_case_no_longer_in_the_group_is_left_out_and_named(ws):
    gid, ids = member_cases(ws)
    groups.remove_members(ws, gid, [ids[1]])
    done = group_sessions.record_group_session(ws, gid, content(), [
        MemberAttendance(i, Attendance.ATTENDED) for i in ids])
    assert done.recorded == (ids[0], ids[2])
    assert done.skipped == {ids[1]: MemberRefusal.NOT_A_MEMBER}
    assert sessions.case_sessions(ws, ids[1]).sessions == ()


def test_what_is_wrong_is_named_before_anything_is_written(ws):
    gid, ids = member_cases(ws, 1)
    with pytest.raises(ValidationFailed) as raised:
        group_sessions.record_group_session(
            ws, gid, content(business_representative=" ", result="", proposals="",
                             responses="", ended_at=HELD - timedelta(minutes=1)), [])
    assert raised.value.problems == {
        "business_representative": FieldProblem.REQUIRED, "result": FieldProblem.REQUIRED,
        "statements": FieldProblem.REQUIRED, "ended_at": FieldProblem.INVALID_DATE,
        "members": FieldProblem.REQUIRED}
    with ws.store.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(GroupSession)) == 0


def test_a_cancel_part_way_through_thousands_writes_nothing(ws):
    gid, ids = member_cases(ws, 120)
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 2  # after two chunks of 50 were written in the transaction

    with pytest.raises(BatchCancelled):
        group_sessions.record_group_session(
            ws, gid, content(), [MemberAttendance(i, Attendance.REPRESENTED) for i in ids],
            cancelled=cancelled)
    with ws.store.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(GroupSession)) == 0
        assert s.scalar(select(func.count()).select_from(MediationSession)) == 0
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.entity.in_(("group_sessions", "mediation_sessions")))) == 0
    assert group_sessions.list_group_sessions(ws, gid) == []


def test_a_finished_member_record_cannot_be_changed_in_the_store(ws):
    gid, ids = member_cases(ws, 1)
    group_sessions.record_group_session(ws, gid, content(), [
        MemberAttendance(ids[0], Attendance.ABSENT, "要求一次性退清。")])
    with pytest.raises(Exception, match="cannot be changed"), \
            ws.store.unit_of_work() as s:
        row = s.scalars(select(MediationSession)).one()
        row.position = "改过的意见"
    with pytest.raises(Exception, match="cannot be changed"), \
            ws.store.unit_of_work() as s:
        s.scalars(select(GroupSession)).one().proposals = "改过的方案"
