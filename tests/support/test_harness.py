"""Self-tests of the PostgreSQL test server, its fixtures and the cutting TCP proxy."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest

from tests.support.pg_fixtures import pg_template
from tests.support.pgserver import (
    PgServer,
    conninfo,
    create_login_role,
    unique_suffix,
    with_login,
)
from tests.support.tcp_proxy import TcpProxy


def _build_template(url: str) -> None:
    # Left open on purpose: cloning must end the builder's lingering sessions itself.
    conn = psycopg.connect(conninfo(url), autocommit=True)
    conn.execute("CREATE TABLE marker (id int PRIMARY KEY, note text)")
    conn.execute("INSERT INTO marker VALUES (1, 'from the template')")
    _build_template.lingering = conn
    _build_template.calls += 1


_build_template.calls = 0
pg_marked = pg_template("md_harness_tmpl", _build_template)


@pytest.fixture
def proxy(pg_server: PgServer):
    with TcpProxy(pg_server.host, pg_server.port) as p:
        yield p


def _via(proxy: TcpProxy, url: str, **kw) -> psycopg.Connection:
    return psycopg.connect(conninfo(url, host=proxy.host, port=proxy.port, connect_timeout=3),
                           autocommit=True, **kw)


def test_server_logs_in_roles_with_passwords_over_tcp(pg_server, pg_database):
    role, password = f"clerk_{unique_suffix()}", "s3cret-" + unique_suffix()
    create_login_role(pg_server.admin_url, role, password)
    with psycopg.connect(conninfo(with_login(pg_database, role, password))) as conn:
        row = conn.execute("SELECT current_user, inet_server_addr() IS NOT NULL").fetchone()
    assert row == (role, True)  # a TCP login, not the unix socket
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(conninfo(with_login(pg_database, role, "wrong")))


def test_databases_are_fresh_and_dropped(pg_server, pg_database):
    with psycopg.connect(conninfo(pg_database)) as conn:
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
                            ).fetchone() == (0,)
        assert conn.execute("SHOW fsync").fetchone() == ("off",)


@pytest.mark.parametrize("run", [1, 2])
def test_template_copies_are_built_once_and_independent(pg_marked, run):
    with psycopg.connect(conninfo(pg_marked), autocommit=True) as conn:
        assert conn.execute("SELECT note FROM marker").fetchall() == [("from the template",)]
        conn.execute("INSERT INTO marker VALUES (%s, 'this copy only')", (run + 1,))
        assert conn.execute("SELECT count(*) FROM marker").fetchone() == (2,)
    assert _build_template.calls == 1


def test_proxy_forwards_and_cut_all_breaks_the_connection(pg_database, proxy):
    with _via(proxy, pg_database) as conn:
        assert conn.execute("SELECT 41 + 1").fetchone() == (42,)
        assert proxy.cut_all() == 1
        with pytest.raises(psycopg.OperationalError):
            conn.execute("SELECT 1")
    s = proxy.stats
    assert (s.accepted, s.cut, s.active) == (1, 1, 0)
    assert s.bytes_to_server > 0 and s.bytes_to_client > 0
    with _via(proxy, pg_database) as again:  # the proxy itself goes on
        assert again.execute("SELECT 1").fetchone() == (1,)


def test_refusal_stops_new_connections_only(pg_database, proxy):
    with _via(proxy, pg_database) as open_conn:
        proxy.set_refuse(True)
        with pytest.raises(psycopg.OperationalError):
            _via(proxy, pg_database)
        assert open_conn.execute("SELECT 1").fetchone() == (1,)
        proxy.set_refuse(False)
        with _via(proxy, pg_database) as conn:
            assert conn.execute("SELECT 2").fetchone() == (2,)
    assert proxy.stats.refused >= 1


def test_network_down_cuts_and_refuses(pg_database, proxy):
    with _via(proxy, pg_database) as conn:
        proxy.network_down()
        with pytest.raises(psycopg.OperationalError):
            conn.execute("SELECT 1")
        with pytest.raises(psycopg.OperationalError):
            _via(proxy, pg_database)
    proxy.network_up()
    with _via(proxy, pg_database) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_cut_after_breaks_a_large_result_midway(pg_database, proxy):
    with _via(proxy, pg_database) as conn:
        before = proxy.stats.bytes_to_client
        proxy.cut_after(bytes_to_client=200_000)
        with pytest.raises(psycopg.OperationalError):
            conn.execute("SELECT repeat('x', 1000000)").fetchone()
    s = proxy.stats
    assert s.bytes_to_client - before == 200_000
    assert s.cut == 1 and not proxy.armed


def test_cut_after_breaks_a_large_upload_midway(pg_database, proxy):
    with psycopg.connect(conninfo(pg_database), autocommit=True) as direct:
        direct.execute("CREATE TABLE blob (b text)")
    # The cut shows either in the INSERT or, when libpq is still sending it, in the
    # COMMIT on leaving the block ("another command is already in progress"): both
    # are the broken upload.
    with pytest.raises(psycopg.OperationalError):
        with _via(proxy, pg_database) as conn:
            proxy.cut_after(bytes_to_server=100_000)
            conn.execute("INSERT INTO blob VALUES (%s)", ("y" * 1_000_000,))
    with psycopg.connect(conninfo(pg_database)) as direct:
        assert direct.execute("SELECT count(*) FROM blob").fetchone() == (0,)


def test_stall_holds_traffic_until_released(pg_database, proxy):
    with _via(proxy, pg_database) as conn:
        proxy.set_stall(True)
        result: list = []
        t = threading.Thread(target=lambda: result.append(conn.execute("SELECT 7").fetchone()))
        t.start()
        time.sleep(0.3)
        assert result == []
        proxy.set_stall(False)
        t.join(timeout=5)
        assert result == [(7,)]


def test_proxy_close_leaves_no_thread():
    before = threading.active_count()
    with TcpProxy("127.0.0.1", 9) as p:
        assert threading.active_count() == before + 1
        assert p.stats.accepted == 0
    assert threading.active_count() == before


def test_missing_postgresql_is_an_error_that_says_how_to_install(monkeypatch):
    monkeypatch.setattr("tests.support.pgserver.find_bindir", lambda: None)
    monkeypatch.delenv("MEDIATION_DESK_TEST_PG", raising=False)
    with pytest.raises(RuntimeError, match="apt-get install postgresql"):
        PgServer.from_env_or_start()


def test_an_external_server_is_used_as_given_and_never_stopped(pg_server, monkeypatch):
    monkeypatch.setenv("MEDIATION_DESK_TEST_PG",
                       pg_server.admin_url.replace("postgresql+psycopg", "postgresql"))
    external = PgServer.from_env_or_start()
    assert external.external and external.admin_url == pg_server.admin_url
    external.stop()
    with psycopg.connect(conninfo(pg_server.admin_url)) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
