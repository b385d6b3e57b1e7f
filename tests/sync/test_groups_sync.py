"""Group disputes travel like any office row (issue 17, item 6): two desks adding the
same cases to a group offline make one member each, and batch actions on overlapping
members offline lose nothing and double nothing once both have synced."""

from __future__ import annotations

from sqlalchemy import func, select

from app.core.workflow import Action, CaseStatus
from app.services import batches, groups
from app.services.batches import BatchRequest
from app.services.groups import GroupInput
from app.store.models import AuditEvent, Case, GroupMember
from tests.sync.test_warnings_sync import take_in


def _statuses(desk, ids):
    with desk.ws.store.unit_of_work() as session:
        return [CaseStatus(session.get(Case, i).status) for i in ids]


def test_two_desks_adding_the_same_cases_offline_make_one_member_each(desks):
    a, b = desks("mdt_zhangmin"), desks("mdt_wangfang")
    ids = [take_in(a, phone=f"1380000010{i}") for i in range(4)]
    gid, _ = groups.create_group(a.ws, GroupInput("悦动健身预付卡退费"), ids[:2])
    assert a.sync().rejected == 0
    b.sync()
    # offline: both add case 2; a adds case 3 too
    assert groups.add_members(b.ws, gid, [ids[2]]).done == (ids[2],)
    assert groups.add_members(a.ws, gid, ids[2:]).done == (ids[2], ids[3])
    assert a.sync().rejected == 0
    report = b.sync()
    assert report.rejected == 0
    a.sync()
    for desk in (a, b):
        [group] = groups.list_groups(desk.ws)
        assert group.members == 4
        with desk.ws.store.unit_of_work() as session:
            assert session.scalar(select(func.count()).select_from(GroupMember)) == 4
    with a.central.admin().connect() as conn:
        assert conn.scalar(select(func.count()).select_from(GroupMember)) == 4


def test_batch_actions_on_overlapping_members_offline_lose_and_double_nothing(desks):
    a, b = desks("mdt_zhangmin"), desks("mdt_wangfang")
    ids = [take_in(a, phone=f"1380000020{i}") for i in range(4)]
    gid, _ = groups.create_group(a.ws, GroupInput("悦动健身预付卡退费"), ids)
    assert a.sync().rejected == 0
    b.sync()
    # offline: a accepts members 0–2, b accepts members 1–3
    assert batches.run_batch(a.ws, ids[:3], BatchRequest(Action.ACCEPT)).done == tuple(ids[:3])
    assert batches.run_batch(b.ws, ids[1:], BatchRequest(Action.ACCEPT)).done == tuple(ids[1:])
    assert a.sync().rejected == 0
    assert b.sync().rejected == 0
    a.sync()
    for desk in (a, b):
        assert _statuses(desk, ids) == [CaseStatus.ACCEPTED] * 4  # nothing lost
    with a.central.admin().connect() as conn:
        accepted = conn.execute(
            select(AuditEvent.case_id, func.count()).where(
                AuditEvent.action == "transition:accept").group_by(AuditEvent.case_id)).all()
    # each desk's own act is in the history once: the overlap twice, the rest once
    assert dict(accepted) == {ids[0]: 1, ids[1]: 2, ids[2]: 2, ids[3]: 1}
