"""Central databases (an SQLite file and a real PostgreSQL server) and workstations
linked to them, for the sync tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from app.services import central_admin
from app.services import sync as sync_service
from app.services.context import Workstation
from app.store.database import STORE_FILENAME, Store, open_store
from app.store.models import Office
from app.sync.central import CentralConfig, secure_database
from app.sync.client import SyncClient
from tests.support.stores import copy_migrated_store, copy_sqlite_central

PASSWORD = "Sync-test-密码-1"
# Logins are cluster-wide in PostgreSQL: a prefix keeps ours apart on a shared server.
USERS = {
    "mdt_zhangmin": ("张敏", "PD01", "mediator"),
    "mdt_lisi": ("李思", "PD01", "supervisor"),
    "mdt_wangfang": ("王芳", "PD01", "mediator"),
    "mdt_zhaolei": ("赵磊", "PD02", "mediator"),
}


def build_central(admin_url: str) -> None:
    engine = central_admin.connect_admin(admin_url)
    try:
        central_admin.init_central(engine)
        central_admin.add_office(engine, code="PD01", name="陆家嘴市场监管所",
                                 committee_name="陆家嘴消费纠纷人民调解委员会",
                                 number_prefix="浦消调")
        central_admin.add_office(engine, code="PD02", name="花木市场监管所",
                                 committee_name="花木消费纠纷人民调解委员会",
                                 number_prefix="浦花调")
        for login, (name, office, role) in USERS.items():
            central_admin.add_user(engine, login=login, name=name, office=office, role=role,
                                   password=PASSWORD)
    finally:
        engine.dispose()


@dataclass
class Central:
    kind: str
    admin_url: str
    engines: list[Engine] = field(default_factory=list)
    copies: list[str] = field(default_factory=list)

    def config(self, login: str) -> tuple[CentralConfig, str | None]:
        if self.kind == "sqlite":
            return CentralConfig(self.admin_url), None
        url = self.admin_url.split("://", 1)[1].split("@", 1)[1]
        return CentralConfig(f"postgresql://{login}@{url}", sslmode="disable"), PASSWORD

    def admin(self) -> Engine:
        engine = central_admin.connect_admin(self.admin_url)
        self.engines.append(engine)
        return engine

    def backup(self) -> None:
        """Take a copy of the whole central database (as a nightly backup would)."""
        self._copy(restore=False)

    def restore(self) -> None:
        """Put the copy back: everything accepted since is gone centrally."""
        self._copy(restore=True)

    def _copy(self, *, restore: bool) -> None:
        for engine in self.engines:
            engine.dispose()
        if self.kind == "sqlite":
            import sqlite3

            live = self.admin_url.removeprefix("sqlite:///")
            copy = live + ".backup"
            src, dst = (copy, live) if restore else (live, copy)
            a, b = sqlite3.connect(src), sqlite3.connect(dst)
            a.backup(b)
            a.close(), b.close()
            return
        from psycopg import sql
        from sqlalchemy.engine import make_url

        from tests.support.pgserver import admin_connect, drop_database

        url = make_url(self.admin_url)
        live, copy = url.database, f"{url.database}_bak"
        server = url.set(database="postgres").render_as_string(hide_password=False)
        src, dst = (copy, live) if restore else (live, copy)
        drop_database(server, dst)
        with admin_connect(server) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE datname = %s AND pid <> pg_backend_pid()", (src,))
            conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(dst), sql.Identifier(src)))
        self.copies.append(copy)

    def office_id(self, code: str) -> uuid.UUID:
        with self.admin().connect() as conn:
            return conn.execute(select(Office.id).where(Office.code == code)).scalar_one()


def _sqlite_central(tmp_path: Path) -> str:
    return copy_sqlite_central(tmp_path / "central" / "central.sqlite", build_central)


def _pg_copy(request) -> Iterator[Central]:
    """A fresh copy of the session's central template on the test PostgreSQL server."""
    from tests.support.pgserver import drop_database

    templates = request.getfixturevalue("pg_templates")
    db, url = templates.clone("mdt_central", build_central)
    c = Central("postgresql", url)
    # A copy made from a template carries no database-level rights (like a restore):
    # what `central init` / `central restored` would apply again.
    with c.admin().begin() as conn:
        secure_database(conn)
    yield c
    for engine in c.engines:
        engine.dispose()
    for name in {db, *c.copies}:
        drop_database(templates.server.admin_url, name)


@pytest.fixture(params=["sqlite", "postgresql"])
def central(request, tmp_path) -> Iterator[Central]:
    if request.param == "postgresql":
        yield from _pg_copy(request)
        return
    c = Central("sqlite", _sqlite_central(tmp_path))
    yield c
    for engine in c.engines:
        engine.dispose()


@pytest.fixture
def pg_central(request) -> Iterator[Central]:
    """PostgreSQL only: row-level security, watermarks, connection cuts."""
    yield from _pg_copy(request)


class Desk:
    """One workstation linked to the central database as one login."""

    def __init__(self, central: Central, login: str, path: Path, *, first_sync: bool = True,
                 config: CentralConfig | None = None, password: str | None = None) -> None:
        self.central = central
        self.login = login
        self.path = path
        if not (path / STORE_FILENAME).exists():  # a new desk, not a restart
            copy_migrated_store(path)
        self.store: Store = open_store(path)
        cfg, pw = central.config(login)
        self.config = config or cfg
        self.engine = sync_service.connect(self.config, password or pw)
        sync_service.link_central(self.store, self.config, self.engine, login=login)
        self.client: SyncClient = sync_service.make_client(self.store, self.engine)
        self.ws: Workstation | None = None
        if first_sync:
            self.sync()

    def sync(self):
        report = self.client.sync()
        if self.ws is None:
            self.ws = sync_service.open_linked_workstation(self.store)
        return report

    def close(self) -> None:
        self.engine.dispose()
        self.store.close()


# The desks of the running test, for the failure report below.
LIVE_DESKS: list[Desk] = []


def desk_maker(central: Central, folder: Path) -> Iterator:
    """Yields make(login, **kwargs) -> Desk; closes every desk made afterwards."""
    made: list[Desk] = []

    def make(login: str = "mdt_zhangmin", **kwargs) -> Desk:
        desk = Desk(central, login, folder / f"desk{len(made)}-{login}", **kwargs)
        made.append(desk)
        LIVE_DESKS.append(desk)
        return desk

    yield make
    for desk in made:
        desk.close()
    LIVE_DESKS.clear()


def sync_state(desks: list[Desk]) -> str:
    """Each desk's cursor and outbox, and the central change log's tail: what a failed
    sync test needs to be understood from CI output alone."""
    from app.store.models import LocalMeta, SyncChange, SyncOutbox

    lines = []
    for desk in desks:
        try:
            with desk.store.sessions() as s:
                meta = {m.key: m.value for m in s.scalars(select(LocalMeta))}
                outbox = [(o.seq, o.table_name, o.row_id.hex[:8], o.op, sorted(o.values))
                          for o in s.scalars(select(SyncOutbox))]
            lines.append(f"desk {desk.login} client={meta.get('sync.client_id')} "
                         f"cursor={meta.get('sync.cursor')} outbox={outbox}")
        except Exception as exc:  # the report must not hide the failure
            lines.append(f"desk {desk.login}: {exc!r}")
    if desks:
        try:
            with desks[0].central.admin().connect() as conn:
                rows = conn.execute(select(SyncChange).order_by(SyncChange.seq.desc())
                                    .limit(40)).all()
            for r in reversed(rows):
                lines.append(f"  change seq={r.seq} txid={r.txid} {r.table_name} "
                             f"{r.row_id.hex[:8]} v{r.version} {r.op} "
                             f"client={r.client_id.hex[:8] if r.client_id else None}")
        except Exception as exc:
            lines.append(f"central: {exc!r}")
    return "\n".join(lines)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed and LIVE_DESKS:
        report.sections.append(("sync state", sync_state(LIVE_DESKS)))


@pytest.fixture
def desks(central, tmp_path) -> Iterator:
    yield from desk_maker(central, tmp_path)
