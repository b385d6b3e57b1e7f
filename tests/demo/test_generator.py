"""The demo-data generator: realistic, consistent with the rules, and deterministic."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import UTC, datetime

import pytest

from app.core.validation import check_phone, check_resident_id, check_uscc
from app.core.workflow import CaseStatus, Source
from app.demo.generator import StoreNotEmpty, generate_demo_data
from app.services import cases, clocks, queue
from app.services.reference import open_workstation
from app.store.database import open_store

REFERENCE_NOW = datetime(2026, 11, 20, 6, 30, tzinfo=UTC)  # a Friday, 14:30 in China


def fill(tmp_path, name="data", cases_=1500, seed=7, **kwargs):
    store = open_store(tmp_path / name)
    summary = generate_demo_data(store, cases_, seed=seed, now=REFERENCE_NOW, login="zhangmin",
                                 chunk_cases=500, workers=1, **kwargs)
    return store, summary


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    store, summary = fill(tmp_path_factory.mktemp("demo"))
    yield store, summary
    store.close()


def rows(store, sql):
    con = sqlite3.connect(store.path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def table_digest(store) -> str:
    digest = hashlib.sha256()
    for table in ("cases", "parties", "mediation_sessions", "notes", "follow_ups",
                  "clock_pauses", "audit_events", "case_tags", "mediators", "documents",
                  "sync_number_blocks"):
        for row in rows(store, f"SELECT * FROM {table} ORDER BY 1, 2"):
            digest.update(repr(row).encode())
    return digest.hexdigest()


def test_summary_counts_match_the_store(demo):
    store, summary = demo
    assert summary.cases == 1500
    for table, expected in (("cases", summary.cases), ("parties", summary.parties),
                            ("mediation_sessions", summary.sessions), ("notes", summary.notes),
                            ("follow_ups", summary.follow_ups),
                            ("clock_pauses", summary.pauses),
                            ("audit_events", summary.audit_events)):
        assert rows(store, f"SELECT count(*) FROM {table}")[0][0] == expected, table
    assert sum(summary.by_status.values()) == 1500
    assert summary.parties > summary.cases  # a complainant and, mostly, a respondent
    assert summary.sessions > 0 and summary.follow_ups > 0 and summary.pauses > 0


def test_every_status_and_channel_occurs(demo):
    store, summary = demo
    assert set(summary.by_status) == set(CaseStatus)
    channels = {r[0] for r in rows(store, "SELECT DISTINCT source FROM cases")}
    for source in (Source.HOTLINE_12315, Source.HOTLINE_12345, Source.WALK_IN, Source.PHONE,
                   Source.ONLINE):
        assert source.value in channels
    assert len({r[0] for r in rows(store, "SELECT DISTINCT category FROM cases")}) >= 10
    assert len({r[0] for r in rows(store, "SELECT DISTINCT region FROM cases")}) >= 10


def test_cases_spread_over_two_years_before_now(demo):
    store, _ = demo
    first, last = rows(store, "SELECT min(received_at), max(received_at) FROM cases")[0]
    assert first < "2024-12-31" and first >= "2024-11-19"
    assert last <= REFERENCE_NOW.strftime("%Y-%m-%d %H:%M:%S")


def test_identity_numbers_phones_and_credit_codes_are_valid(demo):
    store, _ = demo
    ids = rows(store, "SELECT id_number FROM parties WHERE id_type = 'resident_id'")
    codes = rows(store, "SELECT id_number FROM parties WHERE id_type = 'uscc'")
    phones = rows(store, "SELECT phone FROM parties WHERE phone != ''")
    assert ids and codes and phones
    assert all(check_resident_id(i).valid for (i,) in ids)
    assert all(check_uscc(c).valid for (c,) in codes)
    assert all(check_phone(p).valid for (p,) in phones)


def test_store_is_sound_and_back_in_wal_mode(demo):
    store, _ = demo
    assert rows(store, "PRAGMA foreign_key_check") == []
    assert rows(store, "PRAGMA integrity_check") == [("ok",)]
    assert rows(store, "PRAGMA journal_mode") == [("wal",)]
    # The indexes dropped for the load are back.
    names = {r[0] for r in rows(store, "SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"ix_cases_q_status_received", "ix_audit_events_case_at", "ix_parties_case_id"} <= names


def test_timestamps_follow_the_workflow(demo):
    store, _ = demo
    broken = rows(store, """
        SELECT count(*) FROM cases WHERE
          (status IN ('assigned', 'mediating') AND (assigned_at IS NULL OR mediator_id IS NULL))
          OR (status = 'mediating' AND mediation_started_at IS NULL)
          OR (status IN ('closed', 'followed_up', 'rated', 'rejected') AND closed_at IS NULL)
          OR (status IN ('received', 'accepted', 'assigned', 'mediating') AND closed_at IS NOT NULL)
          OR (accepted_at < received_at OR assigned_at < accepted_at
              OR closed_at < received_at OR followed_up_at < closed_at)
          OR (status = 'rejected' AND rejection_ground IS NULL)
          OR (outcome = 'terminated' AND termination_ground IS NULL)
    """)
    assert broken == [(0,)]


def test_audit_trail_tells_each_case_story(demo):
    store, _ = demo
    # Every case was registered, and each timestamp has its transition.
    assert rows(store, """SELECT count(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM
        audit_events a WHERE a.case_id = c.id AND a.action = 'create')""") == [(0,)]
    for column, action in (("accepted_at", "transition:accept"),
                            ("assigned_at", "transition:assign"),
                            ("mediation_started_at", "transition:start_mediation")):
        have = rows(store, f"SELECT count(*) FROM cases WHERE {column} IS NOT NULL")[0][0]
        events = rows(store, f"SELECT count(*) FROM audit_events WHERE action = '{action}'")[0][0]
        assert have == events > 0, action
    for (changes,) in rows(store, "SELECT changes FROM audit_events"):
        assert all(len(pair) == 2 for pair in json.loads(changes).values())


def test_open_cases_carry_the_deadline_the_services_compute(demo):
    store, _ = demo
    ws = open_workstation(store, login="zhangmin")
    ws.now = lambda: REFERENCE_NOW
    open_ids = rows(store, """SELECT id FROM cases WHERE status IN
        ('received','accepted','assigned','mediating') ORDER BY id LIMIT 40""")
    assert len(open_ids) >= 10
    from uuid import UUID

    for (hex_id,) in open_ids:
        detail = cases.get_case(ws, UUID(hex_id))
        stored = rows(store, f"SELECT next_deadline_on FROM cases WHERE id = '{hex_id}'")[0][0]
        outstanding = [d for d in detail.deadlines if d.met is None]
        expected = min(outstanding, key=lambda d: (d.ends_at, d.soft)).due if outstanding else None
        assert stored == (expected.isoformat() if expected else None)
    # A closed case keeps a deadline only for a notice it still owes.
    kinds = rows(store, """SELECT DISTINCT next_deadline_kind FROM cases
        WHERE next_deadline_on IS NOT NULL
          AND status NOT IN ('received','accepted','assigned','mediating')""")
    assert {k for (k,) in kinds} <= {"termination_notice", "report_notice"}
    # And every stored deadline is what the services compute (nothing left to rewrite).
    summary, _ = clocks.recompute_open_clocks(ws)
    assert summary.checked > len(open_ids) and summary.changed == 0


def test_the_services_read_demo_cases(demo):
    store, _ = demo
    ws = open_workstation(store, login="zhangmin")
    page = queue.fetch_cases(ws, queue.QueueQuery(view=queue.QueueView.MEDIATING), 0, 5).rows
    assert len(page) == 5
    detail = cases.get_case(ws, page[0].id)
    assert detail.parties and detail.parties[0].name == page[0].complainant_name
    history = cases.case_history(ws, page[0].id)
    assert [e.action for e in history][:1] == ["create"]
    # The signed-in user is one of the office's mediators and has cases of their own.
    mine = rows(store, """SELECT count(*) FROM cases c JOIN mediators m ON m.id = c.mediator_id
        WHERE m.login = 'zhangmin'""")[0][0]
    assert mine > 0


def test_same_seed_same_store_other_seed_other_store(tmp_path, demo):
    store, _ = demo
    again, _ = fill(tmp_path, "again")
    other, _ = fill(tmp_path, "other", seed=8)
    try:
        assert table_digest(again) == table_digest(store)
        assert table_digest(other) != table_digest(store)
    finally:
        again.close()
        other.close()


@pytest.mark.slow
def test_worker_processes_build_the_same_rows(tmp_path, demo):
    store, _ = demo
    parallel = open_store(tmp_path / "parallel")
    try:
        generate_demo_data(parallel, 1500, seed=7, now=REFERENCE_NOW, login="zhangmin",
                           chunk_cases=500, workers=2)
        assert table_digest(parallel) == table_digest(store)
    finally:
        parallel.close()


def test_refuses_a_store_that_already_has_cases(demo):
    store, _ = demo
    before = rows(store, "SELECT count(*), max(modified_at) FROM cases")
    with pytest.raises(StoreNotEmpty):
        generate_demo_data(store, 10, now=REFERENCE_NOW)
    assert rows(store, "SELECT count(*), max(modified_at) FROM cases") == before


def test_a_failed_load_leaves_the_store_empty(tmp_path):
    store = open_store(tmp_path / "data")
    calls = []

    def stop_midway(done, total):
        calls.append(done)
        if len(calls) == 2:
            raise KeyboardInterrupt

    try:
        with pytest.raises(KeyboardInterrupt):
            generate_demo_data(store, 1500, now=REFERENCE_NOW, chunk_cases=500, workers=1,
                               progress=stop_midway)
        assert rows(store, "SELECT count(*) FROM cases") == [(0,)]
        assert rows(store, "SELECT count(*) FROM audit_events WHERE case_id IS NOT NULL") == [(0,)]
        names = {r[0] for r in rows(store, "SELECT name FROM sqlite_master WHERE type='index'")}
        assert "ix_cases_q_status_received" in names
        # And the store still takes a fill.
        assert generate_demo_data(store, 20, now=REFERENCE_NOW).cases == 20
    finally:
        store.close()


def test_zero_cases_is_refused(tmp_path):
    store = open_store(tmp_path / "data")
    try:
        with pytest.raises(ValueError):
            generate_demo_data(store, 0)
    finally:
        store.close()


def test_open_cases_carry_no_closing_words_and_complaints_name_a_respondent(demo):
    store, _ = demo
    # A reopened case carries the reason it was reopened, nothing of its earlier close.
    assert rows(store, """SELECT count(*) FROM cases WHERE status IN
        ('received','accepted','assigned','mediating')
        AND ((status_reason != '' AND reopened_at IS NULL) OR outcome IS NOT NULL
             OR rejection_ground IS NOT NULL)""") == [(0,)]
    assert rows(store, """SELECT count(*) FROM cases WHERE kind = 'complaint'
        AND respondent_name = ''""") == [(0,)]


def test_a_big_load_leaves_the_search_index_to_a_rebuild(tmp_path, demo):
    from app.services import search

    demo_store, _ = demo
    assert search.index_state(demo_store).complete  # small loads index as they go
    store, _ = fill(tmp_path, "unindexed", cases_=600, search_index=False)
    try:
        assert not search.index_state(store).complete
        assert search.rebuild_search_index(store) == 600
        assert search.index_state(store).complete
        name, = rows(store, "SELECT complainant_name FROM cases LIMIT 1")[0]
        with store.unit_of_work() as session:
            assert search.find_cases(session, name).case_ids
    finally:
        store.close()
