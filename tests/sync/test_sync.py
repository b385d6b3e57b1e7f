"""Sync between workstations and a central database (SQLite file and PostgreSQL):
merges, conflicts, deletes, refusals, retries and resyncs."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select, update

from app.core.workflow import CaseStatus
from app.services import cases
from app.services import sync as sync_service
from app.services.sync import Choice
from app.store.models import (
    AuditEvent,
    Case,
    Party,
    SyncAttention,
    SyncChange,
    SyncConflict,
    SyncMutation,
    SyncOutbox,
)
from app.sync import client as client_mod
from app.sync.central import new_epoch
from tests.conftest import complaint_form


def _case(desk, case_id):
    with desk.store.sessions() as s:
        return s.get(Case, case_id)


def _central_count(central, model, *where) -> int:
    with central.admin().connect() as conn:
        return conn.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def _intake(desk, **overrides) -> uuid.UUID:
    case_id, _ = cases.intake_work_order(desk.ws, complaint_form(**overrides))
    return case_id


def test_a_change_and_its_outbox_entry_commit_together(desks):
    desk = desks()
    case_id = _intake(desk)
    with desk.store.sessions() as s:
        entries = s.scalars(select(SyncOutbox)).all()
    # the case, both parties and the audit event, each an insert with every column
    assert {(e.table_name, e.op) for e in entries} >= {("cases", "insert"),
                                                       ("parties", "insert"),
                                                       ("audit_events", "insert")}
    assert next(e for e in entries if e.table_name == "cases").values["source_ticket"] \
        == "1310115202603020001"
    with pytest.raises(RuntimeError), desk.store.unit_of_work() as s:
        s.get(Case, case_id).title = "不会保存"
        s.flush()
        raise RuntimeError("rolled back")
    assert desk.client.pending_count() == len(entries)


@pytest.mark.slow
def test_a_case_reaches_the_other_workstation_of_the_office_only(desks):
    a, b, other = desks("mdt_zhangmin"), desks("mdt_wangfang"), desks("mdt_zhaolei")
    case_id = _intake(a)
    report = a.sync()
    assert report.pushed >= 3 and report.rejected == 0
    b.sync()
    other.sync()
    assert _case(b, case_id).complainant_name == "李秀英"
    assert _case(other, case_id) is None
    assert a.client.pending_count() == 0


def test_edits_to_different_fields_merge_without_conflict(desks):
    a, b = desks("mdt_zhangmin"), desks("mdt_wangfang")
    case_id = _intake(a)
    a.sync(), b.sync()
    cases.update_case(a.ws, case_id, {"title": "健身卡退费"})
    cases.update_case(b.ws, case_id, {"request": "退还3000元"})
    a.sync(), b.sync(), a.sync()
    for desk in (a, b):
        case = _case(desk, case_id)
        assert (case.title, case.request) == ("健身卡退费", "退还3000元")
    assert _central_count(a.central, SyncConflict) == 0


def test_the_same_field_changed_twice_is_a_conflict_that_a_person_settles(desks):
    a, b = desks("mdt_zhangmin"), desks("mdt_wangfang")
    case_id = _intake(a)
    a.sync(), b.sync()
    cases.update_case(a.ws, case_id, {"title": "甲的标题"})
    cases.update_case(b.ws, case_id, {"title": "乙的标题"})
    a.sync()
    report = b.sync()
    assert report.conflicts == 1
    a.sync()
    # The central value stands meanwhile, on both workstations; nothing is lost.
    assert _case(a, case_id).title == _case(b, case_id).title == "甲的标题"
    [conflict] = sync_service.list_conflicts(a.ws)
    assert (conflict.field, conflict.local_value, conflict.server_value) == \
        ("title", "乙的标题", "甲的标题")
    assert sync_service.list_conflicts(b.ws)[0].id == conflict.id
    sync_service.resolve_conflict(b.ws, conflict.id, Choice.TAKE_MINE)
    b.sync(), a.sync()
    assert _case(a, case_id).title == _case(b, case_id).title == "乙的标题"
    assert sync_service.list_conflicts(a.ws) == []
    assert _central_count(a.central, SyncConflict, SyncConflict.status == "took_local") == 1


def test_tags_added_on_both_sides_are_united(desks):
    a, b = desks("mdt_zhangmin"), desks("mdt_wangfang")
    case_id = _intake(a, tags=("预付式消费",))
    a.sync(), b.sync()
    cases.update_case(a.ws, case_id, {"tags": ["预付式消费", "群体性"]})
    cases.update_case(b.ws, case_id, {"tags": ["预付式消费", "舆情"]})
    a.sync(), b.sync(), a.sync()
    assert set(_case(a, case_id).tags.split(",")) == {"预付式消费", "群体性", "舆情"}
    assert _case(b, case_id).tags == _case(a, case_id).tags


def test_a_lost_answer_after_the_central_commit_applies_nothing_twice(desks, monkeypatch):
    desk = desks()
    _intake(desk)
    pending = desk.client.pending_count()
    with desk.store.sessions() as s:
        case_entries = s.scalar(select(func.count()).select_from(SyncOutbox)
                                .where(SyncOutbox.table_name == "cases"))
    real = client_mod.SyncClient._acknowledge
    calls = []

    def lose_answer(self, batch, outcomes):
        calls.append(len(batch))
        if len(calls) == 1:
            raise ConnectionError("answer lost after the central commit")
        return real(self, batch, outcomes)

    monkeypatch.setattr(client_mod.SyncClient, "_acknowledge", lose_answer)
    with pytest.raises(ConnectionError):
        desk.sync()
    assert desk.client.pending_count() == pending  # nothing acknowledged locally
    desk.sync()  # the retry sends the same mutations again
    assert desk.client.pending_count() == 0
    central = desk.central
    assert _central_count(central, Case) == 1
    assert _central_count(central, Party) == 2
    assert _central_count(central, SyncMutation) == pending
    assert _central_count(central, AuditEvent, AuditEvent.entity == "cases") == 1
    assert _central_count(central, SyncChange, SyncChange.table_name == "cases") == case_entries


def _tombstone(desk, case_id):
    with desk.store.unit_of_work() as s:
        case = s.get(Case, case_id)
        case.deleted = True
        case.version += 1


def test_an_edit_of_a_case_deleted_centrally_is_a_conflict_not_a_loss(desks):
    a, b = desks("mdt_zhangmin"), desks("mdt_wangfang")
    case_id = _intake(a)
    a.sync(), b.sync()
    _tombstone(a, case_id)
    cases.update_case(b.ws, case_id, {"title": "删除之后的修改"})
    a.sync()
    b.sync()
    [conflict] = sync_service.list_conflicts(b.ws)
    assert conflict.kind == "edit_deleted"
    assert conflict.local_value["title"] == "删除之后的修改"
    assert _case(b, case_id).deleted  # the deletion stands until someone chooses
    sync_service.resolve_conflict(b.ws, conflict.id, Choice.TAKE_MINE)
    b.sync(), a.sync()
    for desk in (a, b):
        assert not _case(desk, case_id).deleted
        assert _case(desk, case_id).title == "删除之后的修改"


def test_an_edit_of_a_case_edited_then_deleted_centrally_shows_the_edit_it_would_replace(
        desks):
    # Found by the interleaving test: 甲 edits and syncs, 乙 edits the same field
    # unsynced, 甲 deletes; 乙 restoring the case with its edit replaced 甲's edit unseen.
    a, b = desks("mdt_zhangmin"), desks("mdt_wangfang")
    case_id = _intake(a)
    a.sync(), b.sync()
    cases.update_case(a.ws, case_id, {"title": "甲的标题", "request": "甲的诉求"})
    a.sync()
    cases.update_case(b.ws, case_id, {"title": "乙的标题"})
    _tombstone(a, case_id)
    a.sync()
    b.sync()
    [conflict] = sync_service.list_conflicts(b.ws)
    assert conflict.kind == "edit_deleted"
    # The central title before the deletion, which 乙's edit replaces; not the request,
    # which 乙 did not touch and keeps 甲's value when the case comes back.
    assert conflict.server_value == {"deleted": True, "title": "甲的标题"}
    sync_service.resolve_conflict(b.ws, conflict.id, Choice.TAKE_MINE)
    b.sync(), a.sync()
    for desk in (a, b):
        assert not _case(desk, case_id).deleted
        assert (_case(desk, case_id).title, _case(desk, case_id).request) == ("乙的标题",
                                                                            "甲的诉求")


def test_a_deletion_of_a_case_edited_centrally_is_a_conflict(desks):
    a, b = desks("mdt_zhangmin"), desks("mdt_wangfang")
    case_id = _intake(a)
    a.sync(), b.sync()
    cases.update_case(a.ws, case_id, {"title": "新标题"})
    _tombstone(b, case_id)
    a.sync(), b.sync()
    [conflict] = sync_service.list_conflicts(b.ws)
    assert conflict.kind == "delete_edited"
    assert conflict.server_value == {"title": "新标题"}
    assert not _case(b, case_id).deleted and _case(b, case_id).title == "新标题"


def test_deleting_on_both_sides_is_one_deletion(desks):
    a, b = desks("mdt_zhangmin"), desks("mdt_wangfang")
    case_id = _intake(a)
    a.sync(), b.sync()
    _tombstone(a, case_id)
    _tombstone(b, case_id)
    a.sync(), b.sync(), a.sync()
    assert _case(a, case_id).deleted and _case(b, case_id).deleted
    assert sync_service.list_conflicts(a.ws) == []


def test_one_work_order_taken_in_twice_offline_surfaces_as_a_conflict(desks):
    a, b = desks("mdt_zhangmin"), desks("mdt_wangfang")
    first = _intake(a)
    second = _intake(b)  # same 12315 ticket, typed in on another laptop
    a.sync()
    report = b.sync()
    assert report.conflicts == 1 and report.rejected == 0
    a.sync()
    [conflict] = sync_service.list_conflicts(a.ws)
    assert conflict.kind == "duplicate_ticket"
    assert {conflict.row_id, conflict.related_row_id} == {first, second}
    # Both copies are kept until a person decides they are one.
    assert not _case(a, first).deleted and not _case(a, second).deleted
    sync_service.resolve_conflict(a.ws, conflict.id, Choice.TAKE_MINE)
    a.sync(), b.sync()
    later = _case(b, conflict.row_id)
    assert later.deleted and later.linked_case_id == conflict.related_row_id


def test_a_supervisors_dispatch_reaches_the_mediators_queue(desks):
    mediator, supervisor = desks("mdt_zhangmin"), desks("mdt_lisi")
    case_id = _intake(supervisor)
    cases.accept(supervisor.ws, case_id)
    supervisor.sync()
    mediator.sync()
    cases.assign(supervisor.ws, case_id, mediator.ws.actor.mediator_id)
    supervisor.sync()
    mediator.sync()
    case = _case(mediator, case_id)
    assert case.mediator_id == mediator.ws.actor.mediator_id
    assert case.status == CaseStatus.ASSIGNED


def test_a_refused_change_goes_to_attention_and_does_not_block_the_rest(desks):
    a = desks("mdt_zhangmin")
    moved = _intake(a)
    kept = _intake(a, source_ticket="1310115202603020002")
    a.sync()
    cases.update_case(a.ws, moved, {"title": "搬走之前的修改"})
    cases.update_case(a.ws, kept, {"title": "照常同步"})
    # Meanwhile the district moves the first case to another office.
    other_office = a.central.office_id("PD02")
    with a.central.admin().begin() as conn:
        conn.execute(update(Case).where(Case.id == moved).values(office_id=other_office,
                                                                 version=Case.version + 1))
    report = a.sync()
    assert report.rejected == 1
    assert _case(a, kept).title == "照常同步"
    [item] = sync_service.list_attention(a.ws)
    assert item.row_id == moved and item.values["title"] == "搬走之前的修改"
    assert item.reason_code in ("not_found", "permission")
    assert a.client.pending_count() == 0


@pytest.mark.slow
def test_a_workstation_offline_for_many_changes_catches_up(desks):
    a, b = desks("mdt_zhangmin"), desks("mdt_wangfang")
    ids = [_intake(a, source_ticket=f"13101152026030200{n:02d}") for n in range(30)]
    a.sync(), b.sync()
    for n, case_id in enumerate(ids):  # b offline, working
        cases.update_case(b.ws, case_id, {"request": f"乙的请求{n}"})
    for n, case_id in enumerate(ids):  # a online, working
        cases.update_case(a.ws, case_id, {"title": f"甲的标题{n}"})
        a.sync()
    b.client.pull(page_size=7)  # small pages: the cursor moves page by page
    b.sync(), a.sync()
    for desk in (a, b):
        for n, case_id in enumerate(ids):
            case = _case(desk, case_id)
            assert (case.title, case.request) == (f"甲的标题{n}", f"乙的请求{n}")


def test_a_restored_central_database_makes_workstations_resync_keeping_unsent_changes(desks):
    a = desks("mdt_zhangmin")
    case_id = _intake(a)
    a.sync()
    cases.update_case(a.ws, case_id, {"title": "恢复备份前没发出的修改"})
    new_epoch(a.central.admin())
    report = a.sync()
    assert report.resync == client_mod.ResyncReason.EPOCH
    assert _case(a, case_id).title == "恢复备份前没发出的修改"
    b = desks("mdt_wangfang")
    assert _case(b, case_id).title == "恢复备份前没发出的修改"


def test_an_interrupted_first_sync_resumes_where_it_stopped(desks, monkeypatch):
    from app.sync import first_sync

    a = desks("mdt_zhangmin")
    for n in range(12):
        _intake(a, source_ticket=f"13101152026030201{n:02d}")
    a.sync()
    b = desks("mdt_wangfang", first_sync=False)
    monkeypatch.setattr(first_sync, "CASE_PAGE", 5)
    monkeypatch.setattr(first_sync, "TABLE_PAGE", 5)
    real_pages = first_sync.pages
    kept: list[dict] = []

    def drop_after_two_case_pages(reader, state):
        for batch, after in real_pages(reader, state):
            if "cases" in batch and sum(1 for k in kept if "cases" in k) == 2:
                raise ConnectionError("network dropped")
            kept.append(batch)
            yield batch, after

    monkeypatch.setattr(first_sync, "pages", drop_after_two_case_pages)
    with pytest.raises(ConnectionError):
        b.client.snapshot()
    with b.store.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 10  # two pages kept
    monkeypatch.setattr(first_sync, "pages", real_pages)
    fetched: list[int] = []

    def count(reader, state):
        for batch, after in real_pages(reader, state):
            fetched.append(len(batch.get("cases", [])))
            yield batch, after

    monkeypatch.setattr(first_sync, "pages", count)
    b.client.snapshot()
    assert sum(fetched) == 2  # resumed after the ten kept, not from the start
    b.sync()
    with b.store.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 12
        assert s.scalar(select(func.count()).select_from(Party)) == 24


def test_unknown_store_data_is_not_linked_by_accident(tmp_path, central):
    from app.services.reference import open_workstation
    from app.store.database import open_store

    store = open_store(tmp_path / "standalone")
    ws = open_workstation(store)
    cases.intake_work_order(ws, complaint_form())
    config, password = central.config("mdt_zhangmin")
    engine = sync_service.connect(config, password)
    with pytest.raises(sync_service.LinkError) as err:
        sync_service.link_central(store, config, engine, login="mdt_zhangmin")
    assert err.value.problem == sync_service.LinkProblem.STORE_HAS_DATA
    engine.dispose()
    store.close()


def test_attention_items_can_be_sent_again_or_dismissed(desks):
    a = desks("mdt_zhangmin")
    case_id = _intake(a)
    a.sync()
    cases.update_case(a.ws, case_id, {"title": "被拒绝的修改"})
    with a.store.unit_of_work() as s:  # a value the central database refuses
        s.execute(update(SyncOutbox).values(values={"title": None}, base={"title": ""}))
    assert a.sync().rejected == 1
    [item] = sync_service.list_attention(a.ws)
    sync_service.dismiss(a.ws, item.id, "标题不能为空")
    assert sync_service.list_attention(a.ws) == []
    with a.store.sessions() as s:
        assert s.scalar(select(SyncAttention.status)) == "dismissed"


def test_edits_pushed_together_each_keep_their_own_outcome(desks):
    from sqlalchemy import event

    a, b = desks("mdt_zhangmin"), desks("mdt_wangfang")
    ids = [_intake(a, source_ticket=f"13101152026030299{n:02d}") for n in range(6)]
    a.sync(), b.sync()
    cases.update_case(a.ws, ids[1], {"title": "甲先改的标题"})  # the base of 乙's edit moves
    _tombstone(a, ids[2])  # and this case is deleted centrally meanwhile
    a.sync()
    for n, case_id in enumerate(ids):
        cases.update_case(b.ws, case_id, {"title": f"乙的标题{n}", "request": f"乙的请求{n}"})
    statements: list[str] = []
    event.listen(b.engine, "before_cursor_execute",
                 lambda _c, _cur, sql, *_a: statements.append(sql))
    report = b.sync()
    a.sync()
    assert report.conflicts == 2
    for n, case_id in enumerate(ids):
        if n == 1:
            # The title stands as 甲 made it, 乙's is in the conflict; the request went in.
            assert (_case(a, case_id).title, _case(a, case_id).request) == \
                ("甲先改的标题", "乙的请求1")
        elif n == 2:
            assert _case(a, case_id).deleted  # 乙's edit waits in an edit_deleted conflict
        else:
            assert (_case(a, case_id).title, _case(a, case_id).request) == \
                (f"乙的标题{n}", f"乙的请求{n}")
            assert _case(b, case_id).version == _case(a, case_id).version
    if b.central.kind == "postgresql":
        # The edits whose base held went in by one statement, not one each.
        quick = [s for s in statements if s.lstrip().upper().startswith("UPDATE CASES")
                 and "JSONB_TO_RECORDSET" in s.upper()]
        assert len(quick) == 1


def test_a_pulled_edit_is_found_by_its_new_words_and_a_pulled_deletion_not_at_all(desks):
    from app.services import search

    a, b = desks("mdt_zhangmin"), desks("mdt_wangfang")
    edited = _intake(a, source_ticket="1310115202603028801", title="消费纠纷",
                     description="洗衣店损坏衣物")
    removed = _intake(a, source_ticket="1310115202603028802", title="消费纠纷",
                      description="理发店办卡退费")
    a.sync(), b.sync()
    with b.store.sessions() as s:
        assert search.find_cases(s, "洗衣店").case_ids == (edited,)
    cases.update_case(a.ws, edited, {"description": "宠物店寄养期间走失"})
    _tombstone(a, removed)
    a.sync(), b.sync()
    with b.store.sessions() as s:
        assert search.find_cases(s, "宠物店").case_ids == (edited,)
        assert search.find_cases(s, "洗衣店").case_ids == ()
        assert search.find_cases(s, "理发店").case_ids == ()
