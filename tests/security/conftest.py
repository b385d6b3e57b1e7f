"""The attack suite: each test acts as a mediator login with psql would, against the
PostgreSQL server the test run starts, and asserts the attack fails."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from tests.support.pgserver import conninfo
from tests.sync.conftest import PASSWORD, _pg_copy, desk_maker


@pytest.fixture
def pg_central(request):
    yield from _pg_copy(request)


@pytest.fixture
def pg_desks(pg_central, tmp_path):
    yield from desk_maker(pg_central, tmp_path)


@pytest.fixture
def psql(pg_central) -> Iterator:
    """psql(login): an autocommit connection as that login, closed after the test."""
    opened: list[psycopg.Connection] = []

    def connect(login: str = "mdt_zhaolei", *, autocommit: bool = True) -> psycopg.Connection:
        conn = psycopg.connect(conninfo(pg_central.admin_url, user=login, password=PASSWORD),
                               autocommit=autocommit)
        opened.append(conn)
        return conn

    yield connect
    for conn in opened:
        conn.close()


@pytest.fixture
def superuser(pg_central) -> Iterator[psycopg.Connection]:
    conn = psycopg.connect(conninfo(pg_central.admin_url), autocommit=True)
    yield conn
    conn.close()
