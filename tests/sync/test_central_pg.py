"""What only a real PostgreSQL server shows: transactions committing out of order,
row-level security against hand-written SQL, connections cut mid-push and mid-pull,
number blocks reserved concurrently."""

from __future__ import annotations

import threading
import uuid

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from app.services import cases
from app.store.models import Case, Party, SyncChange, SyncMutation
from app.sync.central import CentralConfig
from app.sync.numbers import reserve_block
from app.sync.push import Pusher, push_batch
from tests.conftest import complaint_form
from tests.support.pgserver import conninfo
from tests.support.tcp_proxy import TcpProxy
from tests.sync.conftest import PASSWORD, desk_maker


@pytest.fixture
def pg_desks(pg_central, tmp_path):
    yield from desk_maker(pg_central, tmp_path)


def _case(desk, case_id):
    with desk.store.sessions() as s:
        return s.get(Case, case_id)


def _intake(desk, n: int = 1) -> uuid.UUID:
    case_id, _ = cases.intake_work_order(desk.ws, complaint_form(
        source_ticket=f"13101152026030203{n:02d}"))
    return case_id


def _count(central, model, *where) -> int:
    with central.admin().connect() as conn:
        return conn.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


@pytest.mark.slow
def test_a_push_committing_after_a_later_one_is_not_skipped_by_a_pull(pg_desks):
    a, b, reader = pg_desks("mdt_zhangmin"), pg_desks("mdt_wangfang"), pg_desks("mdt_lisi")
    first, second = _intake(a, 1), _intake(b, 2)
    a.sync(), b.sync(), reader.sync()
    cases.update_case(a.ws, first, {"title": "先开始、后提交"})
    cases.update_case(b.ws, second, {"title": "后开始、先提交"})
    # a's push takes its transaction id first and holds the transaction open ...
    # (its case edit only: audit rows of one office are chained in commit order, so a
    # push carrying them makes the office's next push wait instead of overtaking it)
    held = a.engine.connect()
    tx = held.begin()
    push_batch(held, Pusher(a.client.client_id, a.login, a.client.office_id),
               [m for m in a.client._outbox(100) if m.table_name != "audit_events"])
    # ... while b's push starts later and commits first.
    b.sync()
    reader.sync()
    # A cursor by sequence would now have passed a's change for good. The watermark
    # holds the reader back instead: b's change waits too, nothing is skipped.
    assert _case(reader, second).title != "后开始、先提交"
    tx.commit()
    held.close()
    reader.sync()
    assert _case(reader, first).title == "先开始、后提交"
    assert _case(reader, second).title == "后开始、先提交"
    a.sync()  # a's retry finds its stored results: no second application
    assert _count(a.central, SyncChange, SyncChange.row_id == first,
                  SyncChange.table_name == "cases") == \
        _count(a.central, SyncMutation, SyncMutation.row_id == first,
               SyncMutation.table_name == "cases")


def test_row_level_security_holds_against_hand_written_sql(pg_desks, pg_central):
    a = pg_desks("mdt_zhangmin")
    case_id = _intake(a)
    a.sync()
    other = psycopg.connect(conninfo(pg_central.admin_url, user="mdt_zhaolei",
                                     password=PASSWORD), autocommit=True)
    mine = psycopg.connect(conninfo(pg_central.admin_url, user="mdt_zhangmin",
                                    password=PASSWORD), autocommit=True)
    try:
        # Another office's mediator sees none of PD01's cases, parties, audit or changes.
        for table in ("cases", "parties", "audit_events", "sync_conflicts"):
            assert other.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
        assert other.execute("SELECT count(*) FROM sync_changes WHERE office_id <> md_office()"
                             ).fetchone()[0] == 0
        # ... cannot change them (the update finds no row) ...
        cur = other.execute("UPDATE cases SET title = 'x' WHERE id = %s", (case_id,))
        assert cur.rowcount == 0
        # ... nor put rows into them, copies of PD01's rows with new ids.
        with psycopg.connect(conninfo(pg_central.admin_url), autocommit=True) as admin:
            case_json = admin.execute("SELECT row_to_json(c)::jsonb || jsonb_build_object("
                                      "'id', gen_random_uuid()) FROM cases c").fetchone()[0]
            party_json = admin.execute("SELECT row_to_json(p)::jsonb || jsonb_build_object("
                                       "'id', gen_random_uuid()) FROM parties p LIMIT 1"
                                       ).fetchone()[0]
        for table, row in (("cases", case_json), ("parties", party_json)):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                other.execute(f"INSERT INTO {table} SELECT * FROM "
                              f"jsonb_populate_record(NULL::{table}, %s)",
                              (psycopg.types.json.Jsonb(row),))
        # The audit trail is insert-only, even in one's own office.
        assert mine.execute("SELECT count(*) FROM audit_events").fetchone()[0] > 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            mine.execute("UPDATE audit_events SET reason = '改写'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            mine.execute("DELETE FROM audit_events")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            mine.execute("DELETE FROM cases")
        # Reference data is read-only to logins.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            mine.execute("UPDATE calendar_years SET revision = revision + 1")
        # A mediator cannot move a case into another office.
        pd02 = pg_central.office_id("PD02")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            mine.execute("UPDATE cases SET office_id = %s WHERE id = %s", (pd02, case_id))
    finally:
        other.close()
        mine.close()


def test_a_wrong_password_is_refused(pg_central, tmp_path):
    from app.services import sync as sync_service
    from app.sync.central import CentralError, CentralErrorCode

    config, _ = pg_central.config("mdt_zhangmin")
    with pytest.raises(CentralError) as err:
        sync_service.connect(config, "not-the-password")
    assert err.value.code == CentralErrorCode.AUTH_FAILED


def _proxied(desk_factory, pg_central, proxy, login):
    url = make_url(pg_central.admin_url)
    config = CentralConfig(f"postgresql://{login}@127.0.0.1:{proxy.port}/{url.database}",
                           sslmode="disable")
    return desk_factory(login, config=config, password=PASSWORD)


@pytest.mark.slow
def test_connections_cut_mid_push_and_mid_pull_apply_every_change_exactly_once(
        pg_desks, pg_central):
    with TcpProxy("127.0.0.1", make_url(pg_central.admin_url).port) as proxy:
        a = _proxied(pg_desks, pg_central, proxy, "mdt_zhangmin")
        b = _proxied(pg_desks, pg_central, proxy, "mdt_wangfang")
        ids = [_intake(a, n) for n in range(12)]
        for n, case_id in enumerate(ids):
            cases.update_case(a.ws, case_id, {"title": f"第{n}件"})
        pending = a.client.pending_count()
        # Cut the push at growing byte counts until one gets through: the cuts land
        # in different places (between batches, inside one, around the central commit).
        cuts = 0
        for step in range(1, 200):
            proxy.cut_after(bytes_to_server=int(2000 * 1.25 ** step))
            try:
                a.client.push()
                break
            except Exception:
                cuts += 1
        proxy.disarm()
        a.sync()
        assert cuts >= 3
        assert a.client.pending_count() == 0
        assert _count(pg_central, SyncMutation) == pending
        assert _count(pg_central, Case) == 12 and _count(pg_central, Party) == 24
        # Now the pull: cut the answers to b part-way, repeatedly.
        pulls_cut = 0
        for step in range(1, 200):
            proxy.cut_after(bytes_to_client=int(3000 * 1.3 ** step))
            try:
                b.client.pull(page_size=20)
                break
            except Exception:
                pulls_cut += 1
        proxy.disarm()
        b.sync()
        assert pulls_cut >= 2
        for n, case_id in enumerate(ids):
            assert _case(b, case_id).title == f"第{n}件"


def test_an_unreachable_central_database_leaves_the_work_queued(pg_desks, pg_central):
    with TcpProxy("127.0.0.1", make_url(pg_central.admin_url).port) as proxy:
        a = _proxied(pg_desks, pg_central, proxy, "mdt_zhangmin")
        proxy.network_down()
        case_id = _intake(a)  # working offline is normal
        with pytest.raises(OperationalError):
            a.sync()
        assert a.client.pending_count() > 0
        proxy.network_up()
        a.sync()
        assert a.client.pending_count() == 0
        assert _count(pg_central, Case, Case.id == case_id) == 1


def test_number_blocks_reserved_concurrently_never_overlap(pg_central):
    office = pg_central.office_id("PD01")
    engines = [pg_central.admin() for _ in range(6)]
    blocks, errors = [], []

    def reserve(engine):
        try:
            for _ in range(5):
                blocks.append(reserve_block(engine, office_id=office, year=2026,
                                            client_id=uuid.uuid4(), actor="t", size=7))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=reserve, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    numbers = [n for b in blocks for n in range(b.first_seq, b.last_seq + 1)]
    assert len(numbers) == len(set(numbers)) == 6 * 5 * 7
    assert min(numbers) == 1 and max(numbers) == 210


def test_a_typed_password_is_kept_in_the_keyring_only_once_it_worked(pg_desks, pg_central):
    from app.services import credentials
    from app.services.central_link import CentralLink
    from app.sync.central import CentralError
    from tests.support.memory_keyring import use_memory_keyring

    desk = pg_desks("mdt_zhangmin")
    config, _ = pg_central.config("mdt_zhangmin")
    with use_memory_keyring():
        link = CentralLink(desk.store, config)
        link.set_password("mistyped", remember=True)
        with pytest.raises(CentralError):
            link.client()
        assert credentials.get_password(config) is None  # a wrong one is never kept
        link.set_password(PASSWORD, remember=True)
        link.client().sync()
        assert credentials.get_password(config) == PASSWORD
        link.close()
