"""The first sync's bulk path (app/sync/first_sync.py): the audit chain it links, the
indexes it makes after the load, and a store left halfway that still works."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.services import cases
from app.services.audit_verify import verify_store
from app.services.dto import PartyInput
from app.store import bulk
from app.store.database import open_store
from app.store.models import AuditEvent, Case, CaseTag, LocalMeta
from app.store.models.stats_summary import StatsDirty
from app.sync import first_sync
from tests.conftest import complaint_form
from tests.support.stores import copy_migrated_store


def _intake(desk, n: int, name: str = "李秀英") -> None:
    form = complaint_form(
        source_ticket=f"13101152026030201{n:02d}",
        complainant=PartyInput(role="applicant", party_type="person", name=name,
                               phone="138 0013 5678", address="上海市浦东新区张杨路500号"),
        tags=("预付式消费", f"标签{n % 3}"))
    case_id, _ = cases.intake_work_order(desk.ws, form)
    cases.update_case(desk.ws, case_id, {"title": f"改过的标题{n}", "description": None})


def _schema(raw) -> set[tuple[str, str, str]]:
    """Every index and trigger of a store, as (type, name, sql)."""
    return set(raw.execute("SELECT type, name, sql FROM sqlite_master "
                           "WHERE type IN ('index', 'trigger') AND sql IS NOT NULL"))


def _fresh_schema(tmp_path) -> set[tuple[str, str, str]]:
    store = open_store(copy_migrated_store(tmp_path / "fresh"))
    try:
        with store.engine.connect() as conn:
            return _schema(conn.connection.driver_connection)
    finally:
        store.close()


def _store_schema(desk) -> set[tuple[str, str, str]]:
    with desk.store.engine.connect() as conn:
        return _schema(conn.connection.driver_connection)


@pytest.fixture
def every_load_defers(monkeypatch):
    """A test's few rows are a bulk load too: the indexes wait as they would for 100,000."""
    monkeypatch.setattr(bulk.DeferredIndexes, "smallest", 0)


def test_a_first_sync_links_every_audit_row_into_the_store_chain(desks):
    a = desks("mdt_zhangmin")
    for n in range(4):
        # A name beyond the BMP, a NULL among the changes: the body is made as the store
        # will give it back, wherever it is made.
        _intake(a, n, name="𠮷野家" if n == 2 else "李秀英")
    a.sync()
    b = desks("mdt_wangfang")
    with b.store.sessions() as s:
        events = s.scalar(select(func.count()).select_from(AuditEvent))
    report = verify_store(b.store)
    assert report.intact, report.broken
    assert report.rows == events >= 8  # a's intakes and edits, chained here
    # A later first sync of the same office on a third desk links the same way.
    c = desks("mdt_wangfang")
    assert verify_store(c.store).intact


def test_a_first_sync_makes_every_index_again_and_the_stats_marks(desks, tmp_path,
                                                                   every_load_defers):
    a = desks("mdt_zhangmin")
    for n in range(6):
        _intake(a, n)
    a.sync()
    b = desks("mdt_wangfang")
    assert _store_schema(b) == _fresh_schema(tmp_path)
    with b.store.sessions() as s:
        assert s.get(LocalMeta, bulk.DEFERRED_LOAD_KEY) is None
        assert s.scalar(select(func.count()).select_from(Case)) == 6
        tags = set(s.execute(select(CaseTag.tag)).scalars())
        dirty = s.scalar(select(func.count()).select_from(StatsDirty))
    assert tags == {"预付式消费", "标签0", "标签1", "标签2"}
    assert dirty > 0  # the synced cases' days are marked for the statistics


def test_an_interrupted_first_sync_leaves_a_store_that_works(desks, tmp_path, monkeypatch,
                                                             every_load_defers):
    a = desks("mdt_zhangmin")
    for n in range(12):
        _intake(a, n)
    a.sync()
    b = desks("mdt_wangfang", first_sync=False)
    monkeypatch.setattr(first_sync, "CASE_PAGE", 5)
    monkeypatch.setattr(first_sync, "TABLE_PAGE", 5)
    real_pages = first_sync.pages

    def drop_after_a_case_page(reader, state):
        case_pages = 0
        for batch, after in real_pages(reader, state):
            case_pages += "cases" in batch
            if case_pages == 2:
                raise ConnectionError("network dropped")
            yield batch, after

    monkeypatch.setattr(first_sync, "pages", drop_after_a_case_page)
    with pytest.raises(ConnectionError):
        b.client.snapshot()
    fresh = _fresh_schema(tmp_path)
    with b.store.sessions() as s:
        assert s.get(LocalMeta, bulk.DEFERRED_LOAD_KEY) is not None
        assert 0 < s.scalar(select(func.count()).select_from(Case)) < 12
    assert _store_schema(b) < fresh  # some indexes wait for the end of the load
    # The mediator closes the program before the network comes back and opens it again:
    # the store has every index, and its cases are found by them.
    b.close()
    b.store = open_store(b.path)
    assert _store_schema(b) == fresh
    with b.store.sessions() as s:
        assert s.get(LocalMeta, bulk.DEFERRED_LOAD_KEY) is None
    # The network is back: the first sync resumes and finishes, every index in place.
    monkeypatch.setattr(first_sync, "pages", real_pages)
    from app.services import sync as sync_service

    b.client = sync_service.make_client(b.store, b.engine)
    b.sync()
    assert _store_schema(b) == fresh
    with b.store.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 12
        assert s.get(LocalMeta, bulk.DEFERRED_LOAD_KEY) is None
    assert verify_store(b.store).intact


def test_an_error_of_the_reader_reaches_the_sync_and_stops_the_reader(desks, monkeypatch):
    a = desks("mdt_zhangmin")
    _intake(a, 1)
    a.sync()
    b = desks("mdt_wangfang", first_sync=False)
    read: list[str] = []

    def failing(reader, state):
        read.append("first")
        yield {"offices": []}, {**state, "table": 0, "last": None}
        raise ConnectionResetError("the server closed the connection")

    monkeypatch.setattr(first_sync, "pages", failing)
    with pytest.raises(ConnectionResetError):
        b.client.snapshot()
    assert read == ["first"]
    with b.store.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 0


def test_a_resync_takes_the_same_path_page_by_page_and_resumes(desks, monkeypatch):
    from app.sync import client as client_mod
    from app.sync.central import new_epoch

    a = desks("mdt_zhangmin")
    for n in range(5):
        _intake(a, n)
    a.sync()
    b = desks("mdt_wangfang")
    with b.store.sessions() as s:
        ids = sorted(s.scalars(select(Case.id)))
    cases.update_case(b.ws, ids[0], {"request": "离线时写的请求"})  # not sent yet
    cases.update_case(a.ws, ids[1], {"title": "中心这期间的修改"})
    a.sync()
    new_epoch(a.central.admin())  # the central database was restored from a backup
    real = first_sync.table_pages
    read: list[str] = []

    def drop_after_four_pages(reader, state, limit):
        for n, (batch, after) in enumerate(real(reader, state, limit)):
            if n == 4:
                raise ConnectionError("network dropped")
            read.append(next(iter(batch)))
            yield batch, after

    monkeypatch.setattr(first_sync, "table_pages", drop_after_four_pages)
    with pytest.raises(ConnectionError):
        b.client.snapshot(reason=client_mod.ResyncReason.EPOCH, page_size=3)
    assert len(read) == 4
    monkeypatch.setattr(first_sync, "table_pages", real)
    report = b.sync()  # resumes the resync where it stopped, then pushes and pulls
    assert report.resync == client_mod.ResyncReason.EPOCH
    with b.store.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 5
        assert s.get(Case, ids[0]).request == "离线时写的请求"
        assert s.get(Case, ids[1]).title == "中心这期间的修改"
    assert verify_store(b.store).intact
    a.sync()
    with a.store.sessions() as s:
        assert s.get(Case, ids[0]).request == "离线时写的请求"


def test_a_bulk_load_leaves_the_wal_to_its_thread_and_the_connections_as_they_were(tmp_path):
    from app.sync.local import BackgroundCheckpoints, apply_transaction

    store = open_store(copy_migrated_store(tmp_path / "desk"))
    try:
        size = (store.path).stat().st_size
        with BackgroundCheckpoints(store.engine) as checkpoints:
            for _page in range(3):
                with apply_transaction(store.engine, durable=False) as conn:
                    conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS filler (x)")
                    conn.connection.driver_connection.executemany(
                        "INSERT INTO filler VALUES (?)", [("页" * 500,)] * 2000)
                    assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1
                    assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
                checkpoints.committed()
        # The thread copied the pages into the store file; the commits did not.
        assert store.path.stat().st_size > size + 3 * 2000 * 1500
        # Every pooled connection is back to the store's own settings: a later edit is
        # durable again and checkpoints as usual.
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        store.close()


def test_a_failed_read_of_rows_surfaces_as_the_database_error_and_loses_nothing(
        desks, monkeypatch):
    """The storage-form reads use the driver directly; their errors still come as
    SQLAlchemy's, so a dropped connection reads as offline wherever sync is called."""
    from sqlalchemy.exc import DBAPIError

    a = desks("mdt_zhangmin")
    _intake(a, 1)
    a.sync()
    b = desks("mdt_wangfang")
    with b.store.sessions() as s:
        [case_id] = s.scalars(select(Case.id))
    cases.update_case(a.ws, case_id, {"title": "网络断开时的修改"})
    a.sync()
    cursor = b.client.cursor()
    real = first_sync.Reader._select
    monkeypatch.setattr(first_sync.Reader, "_select",
                        lambda self, st, rest: f"SELECT no_such_column FROM {st.name} {rest}")
    with pytest.raises(DBAPIError):
        b.client.pull()
    assert b.client.cursor() == cursor  # nothing applied, nothing skipped
    monkeypatch.setattr(first_sync.Reader, "_select", real)
    b.client.pull()
    with b.store.sessions() as s:
        assert s.get(Case, case_id).title == "网络断开时的修改"


def test_the_reader_probes_the_office_cases_instead_of_hashing_all_of_them(
        pg_central, tmp_path, monkeypatch):
    """The policy on the tables under cases (EXISTS … cases … of my office) is planned as
    a hash of every case of the office when the server's work_mem holds it: 0.6 s a
    page at a district's million cases. The reader's own settings rule that plan out,
    for its transaction only."""
    from sqlalchemy import text

    from tests.sync.conftest import desk_maker

    desks = desk_maker(pg_central, tmp_path)
    desk = next(desks)("mdt_zhangmin")
    _intake(desk, 1)
    desk.sync()
    with pg_central.admin().begin() as conn:  # 60,000 more cases of the office, quickly
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text(
            "CREATE TEMPORARY TABLE more ON COMMIT DROP AS "
            "SELECT gen_random_uuid() AS id, c.id AS model FROM cases c, "
            "generate_series(1, 60000)"))
        # (Each record made once, in LATERAL: (f(…)).* would call f once per column.)
        conn.execute(text(
            "INSERT INTO cases SELECT r.* FROM cases c JOIN more m ON m.model = c.id, "
            "LATERAL jsonb_populate_record(NULL::cases, to_jsonb(c) || jsonb_build_object("
            "'id', m.id, 'case_no', m.id::text, 'source_ticket', m.id::text)) AS r"))
        conn.execute(text(
            "INSERT INTO parties SELECT r.* FROM parties p JOIN more m ON m.model = p.case_id, "
            "LATERAL jsonb_populate_record(NULL::parties, to_jsonb(p) || jsonb_build_object("
            "'id', gen_random_uuid(), 'case_id', m.id)) AS r"))
        conn.execute(text("ANALYZE cases"))
        conn.execute(text("ANALYZE parties"))
    parties = first_sync.synced_tables()["parties"]
    plans: list[str] = []
    real_fetch = first_sync.Reader._fetch

    def explain(self, sql, params):
        plans.append("\n".join(r[0] for r in real_fetch(self, "EXPLAIN " + sql, params)))
        return []

    monkeypatch.setattr(first_sync.Reader, "_fetch", explain)
    with desk.engine.connect() as conn:
        conn.execute(text("SET work_mem = '256MB'"))  # a district server's setting
        conn.commit()
        with conn.begin():
            ids = [i.hex for i in conn.execute(text("SELECT id FROM cases LIMIT 5000"))
                   .scalars()]
            office = conn.execute(text("SELECT md_office()")).scalar()
        reader = first_sync.Reader(conn, office)
        reader.children(parties, ids)
        assert conn.execute(text("SELECT current_setting('work_mem'), "
                                 "current_setting('jit')")).one() == ("1MB", "off")
        reader.end_transaction()
        # The settings were the transaction's: the pooled connection keeps its own.
        assert conn.execute(text("SELECT current_setting('work_mem')")).scalar() == "256MB"
        conn.rollback()
        unplanned = first_sync.Reader(conn, office)
        unplanned._planned = True  # as before: the server's settings alone
        unplanned.children(parties, ids)
    assert "hashed SubPlan" in plans[1]  # the plan the settings rule out
    assert "SubPlan" in plans[0] and "hashed SubPlan" not in plans[0]
