"""Rebuilding the search index (issue 18): tokenised in worker processes or here, the
index finds what the one the services kept current found; a failure or a cancel leaves
the index as it was."""

from __future__ import annotations

import shutil
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from app.core import parallel
from app.demo.generator import generate_demo_data
from app.services import cases, search, search_documents, store_keys
from app.services.dto import PartyInput
from app.services.reference import open_workstation
from app.store.database import open_store
from tests.conftest import complaint_form
from tests.support.memory_keyring import use_memory_keyring

NOW = datetime(2026, 11, 20, 6, 30, tzinfo=UTC)

QUERIES = ("欧阳娜娜", "娜娜", "欧", "oynn", "ouyangnana", "扫地", "扫地机器人", "充电",
           "退费", "预付", "司马懿", "潜水", "诸葛亮", "zgl")


def _person(name: str, phone: str) -> PartyInput:
    return PartyInput(role="applicant", party_type="person", name=name, phone=phone)


def _raw(store, sql: str, *params) -> list[tuple]:
    con = store.connect_raw()
    try:
        rows = con.execute(sql, params).fetchall()
        con.commit()
        return rows
    finally:
        con.close()


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A store of demo cases and three of ours, its index kept current by the services;
    then, behind the index's back, one case deleted and one given a control character."""
    folder = tmp_path_factory.mktemp("rebuild") / "data"
    store = open_store(folder)
    try:
        generate_demo_data(store, 300, seed=5, now=NOW, login="zhangmin", chunk_cases=100,
                           workers=1)
        ws = open_workstation(store, login="zhangmin")
        ws.now = lambda: NOW
        ids = {}
        for n, (name, description) in enumerate((
                ("欧阳娜娜", "购买的扫地机器人无法充电"),
                ("司马懿", "潜水装备漏气"),
                ("诸葛亮", "羽扇破损"))):
            ids[name], _ = cases.intake_work_order(ws, complaint_form(
                source_ticket=f"REBUILD-{n}", received_at=NOW - timedelta(hours=n + 1),
                complainant=_person(name, f"1391234567{n}"), description=description))
        # A tombstone that arrived without the index being told, and text holding the
        # character the rebuild joins fields with.
        _raw(store, "UPDATE cases SET deleted = true WHERE id = ?", ids["司马懿"].hex)
        _raw(store, "UPDATE cases SET description = ? WHERE id = ?", "甲\x1f乙丙",
             ids["诸葛亮"].hex)
    finally:
        store.close()
    return folder, ids


@pytest.fixture
def ws(template, tmp_path):
    folder, _ = template
    (tmp_path / "data").mkdir()
    shutil.copy(folder / "store.sqlite", tmp_path / "data" / "store.sqlite")
    store = open_store(tmp_path / "data")
    workstation = open_workstation(store, login="zhangmin")
    workstation.now = lambda: NOW
    yield workstation
    store.close()


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of 40 cases in windows of 4: several windows, and workers at work."""
    monkeypatch.setattr(search, "REBUILD_CHUNK", 40)
    monkeypatch.setattr(search, "REBUILD_WINDOW", 4)
    yield
    parallel.stop_idle_workers()


def found(ws, query: str) -> list[uuid.UUID]:
    with ws.store.unit_of_work() as session:
        return list(search.find_cases(session, query).case_ids)


def index_tables(store) -> tuple[list[tuple], list[tuple]]:
    return (_raw(store, "SELECT search_key, case_id FROM case_search_keys ORDER BY 1"),
            _raw(store, "SELECT rowid, names, body FROM case_search ORDER BY rowid"))


def live_cases(store) -> list[tuple]:
    return _raw(store, """SELECT id, complainant_name, respondent_name, title, description,
                          request FROM cases WHERE deleted = false ORDER BY rowid""")


@pytest.mark.parametrize("workers", [1, 2])
def test_the_rebuilt_index_finds_what_the_kept_one_found(ws, template, small_chunks, workers):
    ids = template[1]
    before = {q: found(ws, q) for q in QUERIES}
    # The index was not told of the deletion nor of the new text.
    assert ids["司马懿"] in before["司马懿"] and found(ws, "乙丙") == []

    indexed = search.rebuild_search_index(ws.store, workers=workers)

    live = live_cases(ws.store)
    assert indexed == len(live) == 302
    after = {q: found(ws, q) for q in QUERIES}
    for query in QUERIES:
        expected = [i for i in before[query] if i != ids["司马懿"]]
        assert after[query] == expected, query
    assert after["欧阳娜娜"] == after["oynn"] == after["ouyangnana"] == [ids["欧阳娜娜"]]
    assert ids["欧阳娜娜"] in after["扫地"] and ids["欧阳娜娜"] in after["欧"]
    assert after["司马懿"] == after["潜水"] == []
    assert after["诸葛亮"] == after["zgl"] == [ids["诸葛亮"]]
    assert found(ws, "乙丙") == [ids["诸葛亮"]]  # the text with the control character
    assert len(after["退费"]) > 10
    # Keys 1, 2, 3 … in the order the cases were stored, each holding that case's document.
    keys, documents = index_tables(ws.store)
    assert keys == [(n + 1, row[0]) for n, row in enumerate(live)]
    assert documents == [(n + 1, *search.search_document(*row[1:]))
                         for n, row in enumerate(live)]


def test_workers_and_this_process_make_the_same_index(ws, small_chunks):
    search.rebuild_search_index(ws.store, workers=2)
    with_workers = index_tables(ws.store)
    search.rebuild_search_index(ws.store, workers=1)
    assert index_tables(ws.store) == with_workers


def test_progress_counts_up_to_the_total(ws, small_chunks):
    seen: list[tuple[int, int]] = []
    total = search.rebuild_search_index(ws.store, lambda done, of: seen.append((done, of)))
    assert seen[-1] == (total, total) == (302, 302)
    assert [d for d, _ in seen] == sorted({d for d, _ in seen})
    assert len(seen) == 8  # a report per chunk of 40


def test_a_failure_leaves_the_index_as_it_was(ws, template, small_chunks):
    before = index_tables(ws.store)

    def progress(done: int, total: int) -> None:
        if done > 100:
            raise OSError("disk full")

    with pytest.raises(OSError):
        search.rebuild_search_index(ws.store, progress, workers=2)
    assert index_tables(ws.store) == before
    assert found(ws, "司马懿") == [template[1]["司马懿"]]  # still the old index
    assert search.index_state(ws.store).indexed == 303


def test_a_cancel_leaves_the_index_as_it_was(ws, template, small_chunks):
    before = index_tables(ws.store)
    asked = []

    def cancelled() -> bool:
        asked.append(True)
        return len(asked) == 3

    with pytest.raises(search.RebuildCancelled):
        search.rebuild_search_index(ws.store, cancelled=cancelled, workers=2)
    assert len(asked) == 3
    assert index_tables(ws.store) == before
    assert found(ws, "司马懿") == [template[1]["司马懿"]]


def test_cases_taken_in_after_a_rebuild_are_found(ws, small_chunks):
    search.rebuild_search_index(ws.store)
    for n in range(6):  # enough new segments for the index to merge them again
        case_id, _ = cases.intake_work_order(ws, complaint_form(
            source_ticket=f"AFTER-{n}", complainant=_person("上官婉儿", f"1381234567{n}")))
    assert found(ws, "上官婉儿")[0] == case_id
    assert len(found(ws, "sgwe")) == 6
    assert search.index_state(ws.store).complete


def test_a_failure_while_tokenising_leaves_the_index_as_it_was(ws, small_chunks, monkeypatch):
    before = index_tables(ws.store)
    made = []

    def failing(context, chunk):
        if len(made) == 2:
            raise ValueError("a chunk the tokeniser cannot take")
        made.append(chunk)
        return search_documents.tokenise_chunk(context, chunk)

    monkeypatch.setattr(search, "tokenise_chunk", failing)  # in this process: workers=1
    with pytest.raises(ValueError, match="cannot take"):
        search.rebuild_search_index(ws.store, workers=1)
    assert index_tables(ws.store) == before


def test_an_encrypted_store_is_rebuilt_with_workers(tmp_path, small_chunks):
    with use_memory_keyring():
        store, _ = store_keys.create_encrypted_store(tmp_path)
        try:
            generate_demo_data(store, 150, seed=3, workers=1)
            workstation = open_workstation(store, login="zhangmin")
            name = live_cases(store)[-1][1]
            before = found(workstation, name)
            assert search.rebuild_search_index(store, workers=2) == 150
            assert found(workstation, name) == before != []
            assert index_tables(store)[1] == [(n + 1, *search.search_document(*row[1:]))
                                              for n, row in enumerate(live_cases(store))]
        finally:
            store.close()


def test_a_store_without_cases_gets_an_empty_index(store):
    assert search.rebuild_search_index(store) == 0
    assert index_tables(store) == ([], [])
    assert search.index_state(store).complete
