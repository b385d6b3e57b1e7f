"""Group sessions on the central database (issue 17, item 3): the group's record and its
member records reach the office's other desks; a login of another office with psql can
neither read them, nor hold a session for our group, nor point a record of its own at
our group session; and nobody changes a recorded group session."""

from __future__ import annotations

import psycopg
import pytest

from app.core.group_sessions import Attendance, MemberAttendance
from app.services import cases, group_sessions, sessions
from tests.conftest import complaint_form
from tests.security.test_groups_central import _group
from tests.services.test_group_sessions import content


def _recorded(desk):
    gid, ids = _group(desk)
    done = group_sessions.record_group_session(desk.ws, gid, content(), [
        MemberAttendance(ids[0], Attendance.ATTENDED),
        MemberAttendance(ids[1], Attendance.ABSENT, "要求一次性退清。")])
    assert desk.sync().rejected == 0
    return gid, ids, done.id


def test_a_group_session_reaches_the_offices_other_desks(pg_desks):
    a, b = pg_desks("mdt_zhangmin"), pg_desks("mdt_wangfang")
    gid, ids, gsid = _recorded(a)
    b.sync()
    [listed] = group_sessions.list_group_sessions(b.ws, gid)
    assert (listed.id, listed.members, listed.attended, listed.absent) == (gsid, 2, 1, 1)
    [record] = sessions.case_sessions(b.ws, ids[1]).sessions
    assert (record.group_title, record.attendance, record.position) == (
        "悦动健身预付卡退费", Attendance.ABSENT, "要求一次性退清。")


def test_another_office_cannot_read_forge_or_point_at_our_group_session(pg_desks, psql,
                                                                        superuser):
    a = pg_desks("mdt_zhangmin")
    gid, ids, gsid = _recorded(a)
    other = psql("mdt_zhaolei")
    assert other.execute("SELECT count(*) FROM group_sessions").fetchone()[0] == 0
    theirs = other.execute("SELECT md_office()").fetchone()[0]
    columns = ("id, office_id, group_id, mode, started_at, place, business_representative, "
               "complainant_representatives, proposals, responses, result, next_step, "
               "author, version, modified_at, modified_by, deleted")
    values = ("gen_random_uuid(), %s, %s, '现场', now(), '', '伪造', '[]', '', '', 'agreed', "
              "'', 'x', 1, now(), 'x', false")
    # our group, their office: the row check refuses it
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="group session"):
        other.execute(f"INSERT INTO group_sessions ({columns}) VALUES ({values})",
                      (theirs, gid))
    # their own case's record pointing at our group session: refused at commit (the
    # check is deferred: a push writes each table's new rows at its end)
    c = pg_desks("mdt_zhaolei")
    their_case = cases.intake_work_order(c.ws, complaint_form(
        source_ticket="Z1", received_at=c.ws.now()))[0]
    assert c.sync().rejected == 0
    other.execute("BEGIN")
    other.execute(
        "INSERT INTO mediation_sessions (id, case_id, mode, started_at, place, "
        "participants, statements, evidence, proposals, responses, result, next_step, "
        "author, addendum_text, group_session_id, attendance, position, version, "
        "modified_at, modified_by, deleted) VALUES (gen_random_uuid(), %s, '现场', now(), "
        "'', '[]', '[]', '', '', '', '', '', 'x', '', %s, 'attended', '', 1, now(), 'x', "
        "false)", (their_case, gsid))
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="group session"):
        other.execute("COMMIT")
    # a colleague in our office may add, never change, a recorded group session
    ours = psql("mdt_wangfang")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        ours.execute("UPDATE group_sessions SET proposals = '改过' WHERE id = %s", (gsid,))
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        ours.execute("UPDATE mediation_sessions SET position = '改过' "
                     "WHERE group_session_id = %s", (gsid,))
    assert superuser.execute("SELECT count(*) FROM group_sessions").fetchone()[0] == 1
    assert superuser.execute(
        "SELECT count(*) FROM mediation_sessions WHERE group_session_id = %s",
        (gsid,)).fetchone()[0] == 2
