"""A group session travels like any office row (issue 17, item 3): recorded on one desk
for a group's members, it reaches a colleague's desk with every member's own record —
in the case's sessions, its timeline and its printed 调解记录 there."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import func, select

from app.core.documents import DocumentKind
from app.core.group_sessions import Attendance, MemberAttendance
from app.services import documents, group_sessions, groups, sessions, timeline
from app.services.groups import GroupInput
from app.services.timeline import EntryKind
from app.store.models import GroupSession, MediationSession
from tests.services.test_group_sessions import content
from tests.sync.test_warnings_sync import take_in


def test_a_group_session_reaches_another_desk_with_its_member_records(desks):
    a, b = desks("mdt_zhangmin"), desks("mdt_wangfang")
    ids = [take_in(a, phone=f"1380000030{i}") for i in range(3)]
    gid, _ = groups.create_group(a.ws, GroupInput("悦动健身预付卡退费"), ids)
    assert a.sync().rejected == 0
    b.sync()
    done = group_sessions.record_group_session(a.ws, gid, content(), [
        MemberAttendance(ids[0], Attendance.ATTENDED),
        MemberAttendance(ids[1], Attendance.REPRESENTED),
        MemberAttendance(ids[2], Attendance.ABSENT, "要求一次性退清。")])
    assert a.sync().rejected == 0
    assert b.sync().rejected == 0

    [listed] = group_sessions.list_group_sessions(b.ws, gid)
    assert (listed.id, listed.members, listed.attended, listed.represented, listed.absent) \
        == (done.id, 3, 1, 1, 1)
    for case_id, attendance in zip(ids, (Attendance.ATTENDED, Attendance.REPRESENTED,
                                         Attendance.ABSENT), strict=True):
        [record] = sessions.case_sessions(b.ws, case_id).sessions
        assert (record.group_session_id, record.group_title, record.attendance) == (
            done.id, "悦动健身预付卡退费", attendance)
        [entry] = [e for e in timeline.case_timeline(b.ws, case_id).entries
                   if e.kind is EntryKind.SESSION]
        assert entry.summary.group_title == "悦动健身预付卡退费"
    doc, _ = documents.create_draft(b.ws, ids[2], DocumentKind.SESSION_RECORD)
    text = "".join("".join(p.extract_text().split())
                   for p in PdfReader(io.BytesIO(documents.render(b.ws, doc))).pages)
    assert "悦动健身预付卡退费" in text and "要求一次性退清。" in text
    with a.central.admin().connect() as conn:
        assert conn.scalar(select(func.count()).select_from(GroupSession)) == 1
        assert conn.scalar(select(func.count()).select_from(MediationSession).where(
            MediationSession.group_session_id == done.id)) == 3
