"""Group disputes (issue 17, item 1): a group made from a selection or a warning, cases
joining and leaving it, each change in the member case's own history."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from app.core.groups import GroupOrigin, GroupStatus, member_id
from app.services import cases, groups
from app.services import warnings as early_warnings
from app.services.groups import GroupInput, GroupInvalid, GroupNotFound, MemberRefusal
from app.store.models import AuditEvent, GroupMember
from tests.conftest import complaint_form


def _cases(ws, n: int, **form) -> list[uuid.UUID]:
    return [cases.intake_work_order(ws, complaint_form(source_ticket=f"G{i:04d}", **form))[0]
            for i in range(n)]


def _history(ws, case_id):
    with ws.store.unit_of_work() as session:
        return [(e.entity, e.action, e.changes) for e in session.scalars(
            select(AuditEvent).where(AuditEvent.case_id == case_id,
                                     AuditEvent.entity == "group_members"))]


def test_a_group_from_cases_chosen_in_the_queue(ws):
    ids = _cases(ws, 3)
    stranger = uuid.uuid4()
    gid, made = groups.create_group(ws, GroupInput("悦动健身预付卡退费", "上海悦动健身管理有限公司"),
                                    [*ids, ids[0], stranger])
    assert made.done == tuple(ids)  # once each, in the order chosen
    assert made.refused == {stranger: (MemberRefusal.NO_SUCH_CASE, "")}
    assert made.changes.case_ids == frozenset(ids) and made.changes.history
    [summary] = groups.list_groups(ws)
    assert (summary.id, summary.members, summary.open_members) == (gid, 3, 3)
    assert (summary.status, summary.origin) == (GroupStatus.OPEN, GroupOrigin.SELECTION)
    # each member case's own history says it joined, and which group
    assert _history(ws, ids[1]) == [("group_members", "add", {"group": [None,
                                                                       "悦动健身预付卡退费"]})]
    assert groups.groups_of(ws, ids) == {i: "悦动健身预付卡退费" for i in ids}


def test_a_case_another_group_holds_stays_there_and_says_which(ws):
    ids = _cases(ws, 3)
    first, _ = groups.create_group(ws, GroupInput("第一群体"), ids[:2])
    second, made = groups.create_group(ws, GroupInput("第二群体"), ids[1:])
    assert made.done == (ids[2],)
    assert made.refused == {ids[1]: (MemberRefusal.IN_ANOTHER_GROUP, "第一群体")}
    again = groups.add_members(ws, first, ids[:2])
    assert again.unchanged == tuple(ids[:2]) and not again.done
    assert groups.groups_of(ws, ids) == {ids[0]: "第一群体", ids[1]: "第一群体",
                                         ids[2]: "第二群体"}


def test_a_case_leaves_and_comes_back_as_the_same_member(ws):
    ids = _cases(ws, 2)
    gid, _ = groups.create_group(ws, GroupInput("群体"), ids)
    left = groups.remove_members(ws, gid, [ids[0], uuid.uuid4()])
    assert left.done == (ids[0],)
    assert list(left.refused.values()) == [(MemberRefusal.NOT_A_MEMBER, "")]
    assert groups.list_groups(ws)[0].members == 1
    # free to join another group now
    other, made = groups.create_group(ws, GroupInput("另一群体"), [ids[0]])
    assert made.done == (ids[0],)
    groups.remove_members(ws, other, [ids[0]])
    back = groups.add_members(ws, gid, [ids[0]])
    assert back.done == (ids[0],)
    with ws.store.unit_of_work() as session:
        rows = session.scalars(select(GroupMember).where(GroupMember.case_id == ids[0])).all()
        assert sorted((r.group_id, r.deleted) for r in rows) == sorted(
            [(gid, False), (other, True)])
        assert {r.id for r in rows} == {member_id(gid, ids[0]), member_id(other, ids[0])}
    assert [a for _, a, _ in _history(ws, ids[0])] == ["add", "remove", "add", "remove", "add"]


def test_a_group_made_from_an_early_warning_keeps_it(ws):
    ids = _cases(ws, 1, description="老板跑路了，门店关门")
    [warning] = early_warnings.list_warnings(ws)
    gid, _ = groups.create_group(ws, GroupInput("跑路预警", origin=GroupOrigin.WARNING,
                                                warning_id=warning.id), warning.case_ids)
    assert groups.list_groups(ws)[0].origin is GroupOrigin.WARNING
    assert groups.groups_of(ws, ids) == {ids[0]: "跑路预警"}
    with pytest.raises(GroupInvalid):
        groups.create_group(ws, GroupInput("x", warning_id=uuid.uuid4()))


@pytest.mark.parametrize("title", ["", "  ", "群" * 121])
def test_a_group_needs_a_title(ws, title):
    with pytest.raises(GroupInvalid) as caught:
        groups.create_group(ws, GroupInput(title))
    assert caught.value.field == "title"


def test_an_unknown_group_is_refused(ws):
    with pytest.raises(GroupNotFound):
        groups.add_members(ws, uuid.uuid4(), [])


def test_the_queue_shows_each_members_group_and_lists_the_members_in_a_view(ws):
    from app.services import queue
    from app.services.queue import QueueQuery, QueueView

    ids = _cases(ws, 4)
    gid, _ = groups.create_group(ws, GroupInput("悦动健身预付卡退费"), ids[:3])
    groups.remove_members(ws, gid, [ids[2]])
    page = queue.fetch_cases(ws, QueueQuery(view=QueueView.ALL), 0, 10)
    titles = {r.id: r.group_title for r in page.rows}
    assert titles == {ids[0]: "悦动健身预付卡退费", ids[1]: "悦动健身预付卡退费",
                      ids[2]: "", ids[3]: ""}
    members = queue.fetch_cases(ws, QueueQuery(view=QueueView.IN_GROUPS), 0, 10)
    assert {r.id for r in members.rows} == {ids[0], ids[1]}
    assert queue.view_counts(ws)[QueueView.IN_GROUPS] == 2
    assert queue.case_summary(ws, ids[0]).group_title == "悦动健身预付卡退费"


def test_an_import_makes_a_group_of_a_businesss_many_complaints(ws, tmp_path):
    """The rule at import: a respondent with the threshold's number of new cases makes a
    group (origin IMPORT); a later import's cases against it join that group; fewer
    cases make none."""
    from app.services.work_order_import import ImportOptions, layout, open_file, run_import
    from tests.support.work_order_exports import plain_rows, write_export

    rows = plain_rows(12)
    for row in rows[:5]:
        row[6] = "上海悦动健身管理有限公司"
    for row in rows[5:7]:
        row[6] = "上海某某餐饮店"  # two: under the threshold
    file = open_file(write_export(tmp_path / "a.xlsx", rows))
    summary = run_import(ws, file, layout(ws, file),
                         ImportOptions(mode="valid_rows", group_threshold=3), workers=1)
    assert summary.created == 12 and summary.groups == 1
    [group] = groups.list_groups(ws)
    assert (group.title, group.respondent_name, group.origin, group.members) == (
        "上海悦动健身管理有限公司群体纠纷", "上海悦动健身管理有限公司", GroupOrigin.IMPORT, 5)
    more = plain_rows(3, start=100)
    for row in more:
        row[6] = "上海悦动健身管理有限公司"
    file = open_file(write_export(tmp_path / "b.xlsx", more))
    later = run_import(ws, file, layout(ws, file),
                       ImportOptions(mode="valid_rows", group_threshold=3), workers=1)
    assert later.groups == 1
    [group] = groups.list_groups(ws)
    assert group.members == 8
    # without the option, nothing is grouped
    file = open_file(write_export(tmp_path / "c.xlsx", plain_rows(4, start=200)))
    assert run_import(ws, file, layout(ws, file), ImportOptions(mode="valid_rows"),
                      workers=1).groups == 0


# ---------------------------------------------------------------- particulars, reassign


def _group_history(ws, gid):
    with ws.store.unit_of_work() as session:
        return [(e.action, e.changes) for e in session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "dispute_groups",
                                     AuditEvent.entity_id == gid).order_by(AuditEvent.at))]


def test_a_groups_particulars_are_edited_audited_and_its_representatives_marked(ws):
    from app.services.groups import GroupParticulars, Representative

    ids = _cases(ws, 3)
    gid, _ = groups.create_group(ws, GroupInput("悦动健身"), ids)
    before = groups.group_detail(ws, gid)
    me = cases.list_mediators(ws)[0][0]
    changes = groups.update_group(ws, gid, GroupParticulars(
        " 悦动健身预付卡退费 ", "上海悦动健身管理有限公司", "91310115MA1K4LXK21", me,
        (Representative("李秀英", "13800135678", ids[1]), Representative("王强", "")),
        GroupStatus.SETTLING, "经营者承诺月底前退款"), expected_version=before.version)
    assert changes.case_ids == frozenset({ids[1]}) and changes.history
    detail = groups.group_detail(ws, gid)
    p = detail.particulars
    assert (p.title, p.respondent_uscc, p.lead_mediator_id, p.status, p.notes) == (
        "悦动健身预付卡退费", "91310115MA1K4LXK21", me, GroupStatus.SETTLING, "经营者承诺月底前退款")
    assert p.representatives == (Representative("李秀英", "13800135678", ids[1]),
                                 Representative("王强", "", None))
    assert detail.status is GroupStatus.SETTLING
    assert [m.representative for m in groups.members_of(ws, gid)] == [False, True, False]
    [(action, audited)] = [h for h in _group_history(ws, gid) if h[0] == "edit"]
    assert audited["status"] == ["open", "settling"] and "notes" in audited
    assert [a for _, a, _ in _history(ws, ids[1])] == ["add", "representative"]
    # the same again changes nothing; an old version is refused
    assert groups.update_group(ws, gid, p) == groups.Changes()
    with pytest.raises(groups.GroupChanged):
        groups.update_group(ws, gid, p, expected_version=before.version)


@pytest.mark.parametrize(("field", "change"), [
    ("title", {"title": ""}),
    ("respondent_name", {"respondent_name": "公" * 121}),
    ("respondent_uscc", {"respondent_uscc": "91310115MA1K4LXK22"}),  # check digit
    ("lead_mediator_id", {"lead_mediator_id": uuid.uuid4()}),
    ("status", {"status": "gone"}),
    ("notes", {"notes": "字" * 2001}),
    ("representatives", {"representatives": (groups.Representative(""),)}),
    ("representatives", {"representatives": (groups.Representative("张三", "", uuid.uuid4()),)}),
])
def test_a_wrong_particular_is_refused_and_nothing_changes(ws, field, change):
    from dataclasses import replace

    ids = _cases(ws, 1)
    gid, _ = groups.create_group(ws, GroupInput("悦动健身"), ids)
    p = groups.group_detail(ws, gid).particulars
    with pytest.raises(GroupInvalid) as caught:
        groups.update_group(ws, gid, replace(p, **change))
    assert caught.value.field == field
    assert groups.group_detail(ws, gid).particulars == p


def test_the_case_page_finds_its_group(ws):
    ids = _cases(ws, 3)
    gid, _ = groups.create_group(ws, GroupInput("悦动健身预付卡退费"), ids[:2])
    assert groups.group_of_case(ws, ids[0]) == groups.CaseGroup(gid, "悦动健身预付卡退费", 2)
    assert groups.group_of_case(ws, ids[2]) is None


def test_a_supervisor_reassigns_a_whole_group_and_a_mediator_may_not(ws):
    from dataclasses import replace

    from app.core.errors import TransitionError
    from app.core.users import UserRole
    from app.core.workflow import Action
    from app.services import batches
    from app.services.batches import BatchRequest
    from app.services.errors import NotPermitted
    from app.store.models import Case, Mediator

    ids = _cases(ws, 4)
    gid, _ = groups.create_group(ws, GroupInput("悦动健身预付卡退费"), ids)
    batches.run_batch(ws, ids[:3], BatchRequest(Action.ACCEPT))  # ids[3] not accepted
    with ws.store.unit_of_work() as session:
        person = Mediator(office_id=ws.actor.office_id, name="王芳", login="wangfang",
                          role=UserRole.MEDIATOR, modified_by="test")
        session.add(person)
        session.flush()
        wang = person.id
    mediator = replace(ws, actor=replace(ws.actor, role=UserRole.MEDIATOR))
    with pytest.raises(NotPermitted):
        groups.reassign_group(mediator, gid, wang)
    assert groups.group_detail(ws, gid).lead_mediator == ""  # nothing changed
    ws.actor = replace(ws.actor, role=UserRole.SUPERVISOR)
    cases.assign(ws, ids[0], wang)  # already theirs: not asked again
    result = groups.reassign_group(ws, gid, wang)
    assert result.done == (ids[1], ids[2])
    assert isinstance(result.refused[ids[3]], TransitionError)  # not accepted yet
    assert result.undoable and result.changes.history
    assert groups.group_detail(ws, gid).lead_mediator == "王芳"
    with ws.store.unit_of_work() as session:
        assert [session.get(Case, i).mediator_id for i in ids] == [wang, wang, wang, None]
    assert [a for a, _ in _group_history(ws, gid)] == ["create", "reassign"]


def test_a_selections_most_common_respondent_names_the_new_group(ws):
    ids = _cases(ws, 3)
    other = cases.intake_work_order(ws, complaint_form(
        source_ticket="X1", respondent=complaint_form().respondent.__class__(
            role="respondent", party_type="business", name="上海某某餐饮店")))[0]
    found = groups.common_respondent(ws, [other, *ids])
    assert (found.name, found.cases) == ("上海悦动健身管理有限公司", 3)
    assert groups.common_respondent(ws, [uuid.uuid4()]) is None
