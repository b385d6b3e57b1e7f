"""The import's bulk writer (issue 15, budgets): the same work orders written in bulk
and taken in one by one through intake leave the same store — case columns and clocks,
parties, tags, audit events in an intact chain, sync outbox entries, search hits and
hot words — only the ids differ."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime

import pytest

from app.core.hot_words import default_segmenter
from app.core.workflow import CaseKind, Source, Track
from app.services import cases, queue, search
from app.services.audit_verify import verify_store
from app.services.bulk_intake import BuiltCases, build_case, write_built
from app.services.cases import IntakeBasis, intake_problems, new_case_rows
from app.services.dto import PartyInput
from app.services.reference import open_workstation
from app.services.work_order_import import ImportOptions, layout, open_file, run_import
from app.store.database import open_store
from app.sync import capture
from tests.conftest import FIXED_NOW, complaint_form
from tests.support.stores import copy_migrated_store
from tests.support.work_order_exports import plain_rows, write_export


def _forms():
    """Work orders of several shapes: tags and an amount, an ID number, no respondent
    (an inquiry), a report (confidential), another track, a received date in the
    2026-04-15 rules' time, a ticket-less walk-in."""
    return [
        complaint_form(),
        complaint_form(source_ticket="1310115202603020002", tags=(), amount_claimed="",
                       complainant=PartyInput(role="applicant", party_type="person",
                                              name="王 五", phone="021-58881234",
                                              id_type="resident_id",
                                              id_number="11010519491231002X")),
        complaint_form(source_ticket="Q3", kind=CaseKind.INQUIRY, respondent=None,
                       description="咨询预付卡退费流程", request="", tags=("咨询",)),
        complaint_form(source_ticket="R4", kind=CaseKind.REPORT, source=Source.HOTLINE_12345,
                       description="举报某超市销售过期食品", category="食品安全"),
        complaint_form(source_ticket="P5", track=Track.PEOPLES_MEDIATION,
                       source=Source.WALK_IN, description="邻里装修噪音纠纷，要求赔偿",
                       category="邻里纠纷", tags=()),
        complaint_form(source_ticket="", source=Source.WALK_IN,
                       received_at=datetime(2026, 3, 1, 23, 59, tzinfo=UTC),
                       description="空调不制冷，商家拒绝维修", category="家用电器"),
    ]


@pytest.fixture
def other(tmp_path):
    """A second store like the ``ws`` one, the same user and clock."""
    store = open_store(copy_migrated_store(tmp_path / "other"))
    workstation = open_workstation(store, login="zhangmin")
    workstation.now = lambda: FIXED_NOW
    yield workstation
    store.close()


def _intake(ws, forms):
    for form in forms:
        cases.intake_work_order(ws, form)


def _bulk(ws, forms, batch=4):
    """The forms built and written as an import does, ``batch`` cases a write."""
    segmenter = default_segmenter()
    captured = capture.is_installed(ws.store.sessions)
    with ws.store.unit_of_work() as session:
        basis = IntakeBasis.of(ws, session, ws.now())
        pending = BuiltCases(segmenter.fingerprint)
        for i, form in enumerate(forms):
            checked, problems = intake_problems(ws, form)
            assert not problems
            build_case(pending, new_case_rows(ws.actor, checked, basis), segmenter,
                       captured=captured)
            if (i + 1) % batch == 0:
                write_built(session, pending)
                pending = BuiltCases(segmenter.fingerprint)
        write_built(session, pending)


def _raw(ws, sql):
    con = ws.store.connect_raw()
    try:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def _key(ws):
    """Each case's id → a key both stores share (the ticket, or for a generated one the
    description)."""
    return {r["id"]: (r["source_ticket"] if r["source"] != "walk_in" or r["source_ticket"]
                      .startswith("P") else r["description"])
            for r in _raw(ws, "SELECT id, source, source_ticket, description FROM cases")}


# Ids, each store's own office and the outbox's own bookkeeping differ by nature.
_IDS = ("id", "case_id", "entity_id", "office_id")


def _ids_out(row, drop=(*_IDS, "row_id", "mutation_id", "seq", "chain_hash", "chain_seq",
                         "created_at")):
    return {k: v for k, v in row.items() if k not in drop}


def _picture(ws):
    """The store as a user (and sync) sees it, ids replaced by each case's key; values
    as stored (the text SQLite holds)."""
    key = _key(ws)
    case_rows = {}
    for r in _raw(ws, "SELECT * FROM cases"):
        values = _ids_out(r)
        if not r["source_ticket"] or r["source_ticket"].startswith("WALK_IN-"):
            values["source_ticket"] = values["source_ticket"][:-6]  # its random suffix
        if r["linked_case_id"]:
            values["linked_case_id"] = key[r["linked_case_id"]]
        case_rows[key[r["id"]]] = values
    party_ids = {}
    parties = {}
    for r in _raw(ws, "SELECT * FROM parties"):
        party_ids[r["id"]] = (key[r["case_id"]], r["sort_order"])
        parties[(key[r["case_id"]], r["sort_order"])] = _ids_out(r)
    tags = sorted((key[r["case_id"]], r["tag"]) for r in _raw(ws, "SELECT * FROM case_tags"))
    events = {}
    for r in _raw(ws, "SELECT * FROM audit_events ORDER BY chain_seq"):
        if r["entity"] == "warning":
            # Intake checks the warning rules case by case, an import once per file
            # (run_import): the same warnings, raised in other steps.
            continue
        changes = json.loads(r["changes"])
        if "source_ticket" in changes and changes["source_ticket"][1] not in key.values():
            changes["source_ticket"][1] = changes["source_ticket"][1][:-6]
        values = {**_ids_out(r), "changes": changes}
        events.setdefault(key.get(r["case_id"]), []).append(values)  # None: the import's own
    outbox = Counter()
    for r in _raw(ws, "SELECT table_name, op, \"values\", base FROM sync_outbox"):
        values = {k: v for k, v in json.loads(r["values"]).items()
                  if k not in _IDS}
        if r["table_name"] == "warnings" or values.get("entity") == "warning":
            continue  # raised case by case at intake, once per file by an import
        if r["table_name"] == "cases" and values["source_ticket"] not in key.values():
            values["source_ticket"] = values["source_ticket"][:-6]
        if values.get("linked_case_id"):
            values["linked_case_id"] = key[values["linked_case_id"]]
        if r["table_name"] == "audit_events":
            changes = values["changes"]
            if "source_ticket" in changes and changes["source_ticket"][1] not in key.values():
                changes["source_ticket"][1] = changes["source_ticket"][1][:-6]
        outbox[(r["table_name"], r["op"], r["base"], json.dumps(values, sort_keys=True))] += 1
    words = sorted((key[r["case_id"]], r["word"], r["day"]) for r in _raw(
        ws, "SELECT d.case_id, w.word, w.day FROM case_words w JOIN case_word_docs d "
            "ON d.doc = w.doc"))
    searches = {}
    for text in ("悦动", "李秀英", "lixiuying", "5678", "过期食品", "噪音", "1310115202603020002",
                 "空调", "预付"):
        with ws.store.unit_of_work() as session:
            found = search.find_cases(session, text)
        searches[text] = sorted(key[i.hex] for i in found.case_ids)
    return case_rows, parties, tags, events, outbox, words, searches


@pytest.mark.parametrize("linked", [False, True], ids=["standalone", "linked"])
def test_bulk_writes_what_intake_writes(ws, other, linked):
    if linked:  # a store linked to the central database captures changes for sync
        capture.install(ws.store.sessions)
        capture.install(other.store.sessions)
    _intake(ws, _forms())
    _bulk(other, _forms())
    one, two = _picture(ws), _picture(other)
    for name, a, b in zip(("cases", "parties", "tags", "audit", "outbox", "words", "search"),
                          one, two, strict=True):
        assert a == b, name
    case_rows, parties, tags, events, outbox, words, searches = two
    assert len(case_rows) == 6 and len(parties) == 11 and tags
    assert case_rows["1310115202603020001"]["next_deadline_on"]  # clocks as intake
    assert [e["action"] for e in events["1310115202603020001"]] == ["create"] * 3
    assert sum((Counter({t: n}) for (t, *_), n in outbox.items()), Counter()) == (
        {"cases": 6, "parties": 11, "audit_events": 17} if linked else {})
    assert words and searches["悦动"]
    assert verify_store(other.store).intact


def test_chain_stays_intact_after_an_import_then_an_intake(ws, tmp_path, monkeypatch):
    from app.services import work_order_import

    monkeypatch.setattr(work_order_import, "BUILD_CHUNK", 7)  # several chunks: workers
    capture.install(ws.store.sessions)
    cases.intake_work_order(ws, complaint_form(source_ticket="BEFORE"))
    file = open_file(write_export(tmp_path / "e.xlsx", plain_rows(30)))
    summary = run_import(ws, file, layout(ws, file), ImportOptions())
    assert summary.created == 30
    cases.intake_work_order(ws, complaint_form(source_ticket="AFTER"))
    report = verify_store(ws.store)
    assert report.intact and report.rows == 3 + 30 * 3 + 1 + 3
    outbox = Counter(r["table_name"] for r in _raw(ws, "SELECT table_name FROM sync_outbox"))
    assert outbox == {"cases": 32, "parties": 64, "audit_events": 3 + 90 + 1 + 3}
    # the cases the import made are found like any other
    assert queue.search_outcome(ws, "诉求内容第17条").matched == 1


def _indexes(ws):
    """The indexes and triggers a bulk load drops for a while (DeferredIndexes,
    DeferredStatsMarks)."""
    return sorted((r["name"], r["sql"]) for r in _raw(
        ws, "SELECT name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
            "AND sql IS NOT NULL"))


def test_worker_processes_write_what_this_process_writes(ws, other, tmp_path, monkeypatch):
    """A big file is checked and made into cases in worker processes, chunk by chunk,
    with the indexes made again after a load that doubles the store: the store is the
    one a single process leaves (a repeated ticket, a link between two rows, an ID
    number and the search index included)."""
    from app.core.warnings import WarningRule
    from app.services import warnings as early_warnings
    from app.services import work_order_import
    from app.store.base import sqlite_china_day
    from app.store.bulk import DeferredIndexes

    rows = plain_rows(40)
    rows[7][0] = rows[3][0]  # a ticket twice in the file
    rows[12][3], rows[12][6] = rows[11][3], rows[11][6]  # 多头: same phone and business
    rows[20][7] = "老板跑路了，预付卡里还有三千元"  # the keywords, found by the builder
    rows[33][7] = "门店人去楼空，跑路"
    path = write_export(tmp_path / "big.xlsx", rows)
    indexes_before = _indexes(ws)
    for workstation, workers in ((ws, 1), (other, 2)):
        capture.install(workstation.store.sessions)
        cases.intake_work_order(workstation, complaint_form(source_ticket="BEFORE"))
        file = open_file(path)
        found = layout(workstation, file)
        with monkeypatch.context() as patch:
            patch.setattr(work_order_import, "CHECK_CHUNK", 9)
            patch.setattr(work_order_import, "BUILD_CHUNK", 6)
            patch.setattr(DeferredIndexes, "smallest", 1)
            prepared = work_order_import.prepare(workstation, file, found, ImportOptions(),
                                                 workers=workers)
            summary = run_import(workstation, file, found, ImportOptions(mode="valid_rows"),
                                 prepared=prepared, workers=workers)
        assert (summary.created, summary.linked, summary.not_imported) == (39, 1, 1)
        assert [p.problem for p in summary.report] == ["duplicate"]
        keyword = [w for w in early_warnings.list_warnings(workstation)
                   if w.rule is WarningRule.KEYWORD]
        assert sorted((w.count, tuple(w.detail["keywords"])) for w in keyword) == [
            (1, ("跑路",)), (1, ("跑路", "预付卡"))]
        # the figures' summaries know every imported case's day is out of date
        received = {(r["office_id"], r["day"]) for r in _raw(
            workstation, f"SELECT office_id, {sqlite_china_day('received_at')} AS day FROM cases")}
        dirty = {(r["office_id"], r["day"]) for r in _raw(
            workstation, "SELECT office_id, day FROM stats_dirty")}
        assert len(received) > 5 and received <= dirty
    assert _picture(ws) == _picture(other)
    assert _indexes(other) == _indexes(ws) == indexes_before
    assert verify_store(other.store).intact


def test_a_cancelled_load_keeps_every_index(ws, tmp_path, monkeypatch):
    from app.services import work_order_import
    from app.services.work_order_import import ImportRefusal, WorkOrderImportError
    from app.store.bulk import DeferredIndexes

    before = _indexes(ws)
    monkeypatch.setattr(work_order_import, "BUILD_CHUNK", 5)
    monkeypatch.setattr(DeferredIndexes, "smallest", 1)
    file = open_file(write_export(tmp_path / "e.xlsx", plain_rows(20)))
    seen = []
    with pytest.raises(WorkOrderImportError) as caught:
        run_import(ws, file, layout(ws, file), ImportOptions(), workers=1,
                   progress=lambda done, total: seen.append(done),
                   cancelled=lambda: len(seen) >= 3)
    assert caught.value.refusal is ImportRefusal.CANCELLED
    assert _indexes(ws) == before
    assert _raw(ws, "SELECT count(*) AS n FROM cases") == [{"n": 0}]
