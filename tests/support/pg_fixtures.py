"""pytest fixtures for tests against a real PostgreSQL server (see pgserver.py).

Register with `pytest_plugins = ["tests.support.pg_fixtures"]`. One server per test session;
each test gets its own database, empty (pg_database) or copied from a template built once per
session (pg_template). Roles are cluster-wide: name them with unique_suffix().
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from psycopg import sql

from tests.support.pgserver import (
    PgServer,
    admin_connect,
    create_database,
    drop_database,
    unique_suffix,
)

Builder = Callable[[str], object]

__all__ = ["pg_server", "pg_database", "pg_templates", "pg_template", "unique_suffix",
           "TemplateCache"]


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """The session's server: MEDIATION_DESK_TEST_PG, else one started here (fails, never
    skips, when PostgreSQL is not installed)."""
    server = PgServer.from_env_or_start()
    yield server
    server.stop()


@pytest.fixture
def pg_database(pg_server: PgServer) -> Iterator[str]:
    """A fresh empty database; yields its superuser URL (postgresql+psycopg)."""
    name = "mdt_" + unique_suffix()
    url = create_database(pg_server.admin_url, name)
    yield url
    drop_database(pg_server.admin_url, name)


class TemplateCache:
    """Template databases built once per session, and per-test copies of them."""

    def __init__(self, server: PgServer) -> None:
        self.server = server
        self._built: dict[str, BaseException | None] = {}

    def ensure(self, name: str, builder: Builder) -> str:
        """Builds template `name` with builder(url) unless this session already did."""
        if name not in self._built:
            admin = self.server.admin_url
            # An external server may hold a stale template from an earlier run: rebuild.
            drop_database(admin, name)
            try:
                builder(create_database(admin, name))
                with admin_connect(admin) as conn:
                    # No sessions may stay on a template; refusing new ones keeps it clean.
                    conn.execute(sql.SQL("ALTER DATABASE {} IS_TEMPLATE true "
                                         "ALLOW_CONNECTIONS false").format(sql.Identifier(name)))
                self._built[name] = None
            except BaseException as e:
                # Remembered, so every test using it fails fast instead of rebuilding.
                self._built[name] = e
                drop_database(admin, name)
                raise
        error = self._built[name]
        if error is not None:
            raise RuntimeError(f"template database {name!r} failed to build") from error
        return name

    def clone(self, name: str, builder: Builder) -> tuple[str, str]:
        """A new database copied from template `name`: (database name, superuser URL)."""
        self.ensure(name, builder)
        db = f"{name[:40]}_{unique_suffix()}"
        return db, create_database(self.server.admin_url, db, template=name)

    def drop_all(self) -> None:
        for name in self._built:
            drop_database(self.server.admin_url, name)
        self._built.clear()


@pytest.fixture(scope="session")
def pg_templates(pg_server: PgServer) -> Iterator[TemplateCache]:
    cache = TemplateCache(pg_server)
    yield cache
    cache.drop_all()


def pg_template(name: str, builder: Builder, *, fixture_name: str | None = None):
    """Makes a fixture that yields the URL of a fresh copy of template `name`.

    The template is built once per session by builder(superuser_url); the fixture's name is
    the variable it is assigned to in a conftest or test module, or `fixture_name`:

        pg_migrated = pg_template("md_migrated", run_migrations)

        def test_x(pg_migrated): ...   # pg_migrated is a URL string
    """

    @pytest.fixture(name=fixture_name)
    def _copy(pg_templates: TemplateCache) -> Iterator[str]:
        db, url = pg_templates.clone(name, builder)
        yield url
        drop_database(pg_templates.server.admin_url, db)

    return _copy
