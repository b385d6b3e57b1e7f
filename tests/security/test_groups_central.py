"""Group disputes on the central database (issue 17, item 6): a group and its members
sync to the office's other desks; a colleague in another office with psql can neither
read them nor put another office's case into a group or pay against it."""

from __future__ import annotations

import psycopg
import pytest

from app.services import cases, groups
from app.services.groups import GroupInput
from tests.conftest import complaint_form


def _group(desk, n=2):
    ids = [cases.intake_work_order(desk.ws, complaint_form(
        source_ticket=f"Q{i}", received_at=desk.ws.now()))[0] for i in range(n)]
    gid, made = groups.create_group(desk.ws, GroupInput("悦动健身预付卡退费"), ids)
    assert made.done == tuple(ids)
    assert desk.sync().rejected == 0
    return gid, ids


def test_a_group_reaches_the_offices_other_desks(pg_desks):
    a, b = pg_desks("mdt_zhangmin"), pg_desks("mdt_wangfang")
    gid, ids = _group(a)
    b.sync()
    [seen] = groups.list_groups(b.ws)
    assert (seen.id, seen.title, seen.members) == (gid, "悦动健身预付卡退费", 2)
    assert groups.groups_of(b.ws, ids) == {i: "悦动健身预付卡退费" for i in ids}


def test_another_office_cannot_read_join_or_pay_against_our_group(pg_desks, psql, superuser):
    a = pg_desks("mdt_zhangmin")
    gid, ids = _group(a)
    other = psql("mdt_zhaolei")
    for table in ("dispute_groups", "group_members"):
        assert other.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
    moved = other.execute("UPDATE dispute_groups SET title = '伪造' WHERE id = %s", (gid,))
    assert moved.rowcount == 0
    office = superuser.execute("SELECT office_id FROM dispute_groups WHERE id = %s",
                               (gid,)).fetchone()[0]
    with pytest.raises(psycopg.errors.InsufficientPrivilege):  # row-level security
        other.execute(
            "INSERT INTO group_members (id, office_id, group_id, case_id, representative, "
            "individual, agreement_number, version, modified_at, modified_by, deleted) "
            "VALUES (gen_random_uuid(), %s, %s, %s, false, false, '', 1, now(), 'x', false)",
            (office, gid, ids[0]))
    # Their own office's group, with our case in it: refused by the row check.
    theirs = other.execute("SELECT md_office()").fetchone()[0]
    other.execute(
        "INSERT INTO dispute_groups (id, office_id, title, respondent_name, respondent_uscc, "
        "status, origin, representatives, notes, undertaking, refund_basis, agreement_prefix, "
        "version, modified_at, modified_by, deleted) VALUES (gen_random_uuid(), %s, '他们的', "
        "'', '', 'open', 'selection', '[]', '', '', '', '', 1, now(), 'x', false) RETURNING id",
        (theirs,))
    their_group = other.execute("SELECT id FROM dispute_groups").fetchone()[0]
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="group member"):
        other.execute(
            "INSERT INTO group_members (id, office_id, group_id, case_id, representative, "
            "individual, agreement_number, version, modified_at, modified_by, deleted) "
            "VALUES (gen_random_uuid(), %s, %s, %s, false, false, '', 1, now(), 'x', false)",
            (theirs, their_group, ids[0]))
    our_member = superuser.execute("SELECT id FROM group_members WHERE case_id = %s",
                                   (ids[0],)).fetchone()[0]
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="payment"):
        other.execute(
            "INSERT INTO group_payments (id, office_id, member_id, case_id, paid_on, amount_fen, "
            "source, note, version, modified_at, modified_by, deleted) VALUES "
            "(gen_random_uuid(), %s, %s, %s, current_date, 100, 'manual', '', 1, now(), 'x', "
            "false)", (theirs, our_member, ids[0]))
    assert superuser.execute("SELECT count(*) FROM group_members").fetchone()[0] == 2
    assert superuser.execute("SELECT count(*) FROM group_payments").fetchone()[0] == 0
