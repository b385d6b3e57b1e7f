"""Connecting to the central database: PostgreSQL for an office or a district, or an
SQLite file for a standalone office. The same migrations build both.

A connection is described without its password (CentralConfig); the password comes
from the OS keyring or the user, and is never written to a file or a log.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from app.store import migrate
from app.store.models import CentralMeta

EPOCH_KEY = "epoch"
LOG_FLOOR_KEY = "log_floor"  # "txid:seq" below which the change log was pruned
RETENTION_KEY = "retention_days"
DEFAULT_RETENTION_DAYS = 365
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
# Above any xid or seq: the watermark of a central database without concurrent writers.
NO_WATERMARK = 2**62


class CentralErrorCode(StrEnum):
    BAD_URL = "bad_url"
    UNREACHABLE = "unreachable"
    AUTH_FAILED = "auth_failed"
    NOT_INITIALISED = "not_initialised"
    SCHEMA_MISMATCH = "schema_mismatch"
    NOT_A_USER = "not_a_user"


class CentralError(Exception):
    def __init__(self, code: CentralErrorCode, detail: str = "") -> None:
        self.code = code
        self.detail = detail
        super().__init__(f"{code.value}: {detail}" if detail else code.value)


@dataclass(frozen=True)
class CentralConfig:
    """Where the central database is and who logs in; never the password."""

    url: str  # e.g. postgresql://zhangmin@db.example.cn:5432/mediation, sqlite:////srv/central.sqlite
    sslmode: str = "prefer"
    sslrootcert: str = ""

    @property
    def parsed(self) -> URL:
        try:
            url = make_url(self.url)
        except ArgumentError as exc:
            raise CentralError(CentralErrorCode.BAD_URL, str(exc)) from exc
        if url.get_backend_name() == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        elif url.get_backend_name() != "sqlite":
            raise CentralError(CentralErrorCode.BAD_URL, f"unsupported database: {url.drivername}")
        return url

    @property
    def is_postgresql(self) -> bool:
        return self.parsed.get_backend_name() == "postgresql"

    @property
    def login(self) -> str:
        return self.parsed.username or ""

    @property
    def needs_password(self) -> bool:
        return self.is_postgresql

    def keyring_account(self) -> str:
        """The keyring entry's user name: login@host:port/database."""
        url = self.parsed
        return f"{url.username}@{url.host or 'localhost'}:{url.port or 5432}/{url.database}"

    def display(self) -> str:
        return self.parsed.render_as_string(hide_password=True)

    def with_url_password(self) -> tuple[CentralConfig, str | None]:
        """A URL given with a password inline: the config without it, and the password."""
        url = self.parsed
        if url.password is None:
            return self, None
        clean = url.set(password=None).render_as_string(hide_password=False)
        return CentralConfig(clean, self.sslmode, self.sslrootcert), str(url.password)


def _sqlite_central_engine(url: URL) -> Engine:
    engine = create_engine(url, connect_args={"timeout": 30}, pool_size=4, max_overflow=4)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we say BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        # Writers take the lock at BEGIN: two pushes queue instead of deadlocking, and
        # change-log rows commit in sequence order.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def make_engine(config: CentralConfig, password: str | None = None, *,
                connect_timeout: int = 8) -> Engine:
    url = config.parsed
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        return _sqlite_central_engine(url)
    if password is not None:
        url = url.set(password=password)
    connect_args: dict[str, Any] = {
        "connect_timeout": connect_timeout,
        "application_name": "mediation-desk",
        "sslmode": config.sslmode or "prefer",
        # A dropped network is noticed in seconds, not after the kernel's two hours.
        "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5,
        "keepalives_count": 3,
        # A client that hangs mid-transaction must not hold back every pull for long.
        "options": "-c idle_in_transaction_session_timeout=120000 -c lock_timeout=30000",
    }
    if config.sslrootcert:
        connect_args["sslrootcert"] = config.sslrootcert
    return create_engine(url, connect_args=connect_args, pool_pre_ping=True, pool_size=2,
                         max_overflow=2, pool_recycle=600)


def is_postgresql(conn: Connection | Engine) -> bool:
    return conn.dialect.name == "postgresql"


def watermark(conn: Connection) -> int:
    """Every transaction with an id below this is finished: its changes are final."""
    if is_postgresql(conn):
        return int(conn.execute(text(
            "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")).scalar_one())
    return NO_WATERMARK


def next_txid(conn: Connection) -> int:
    """The id the next transaction will get (PostgreSQL), or the next change's seq."""
    if is_postgresql(conn):
        return int(conn.execute(text(
            "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint")).scalar_one())
    return int(conn.execute(text("SELECT coalesce(max(seq), 0) + 1 FROM sync_changes"))
               .scalar_one())


def meta(conn: Connection, key: str) -> str | None:
    return conn.execute(select(CentralMeta.value).where(CentralMeta.key == key)).scalar()


def set_meta(conn: Connection, key: str, value: str) -> None:
    if conn.execute(select(CentralMeta.key).where(CentralMeta.key == key)).first():
        conn.execute(CentralMeta.__table__.update().where(CentralMeta.key == key)
                     .values(value=value))
    else:
        conn.execute(CentralMeta.__table__.insert().values(key=key, value=value))


def upgrade_schema(engine: Engine) -> None:
    """Create or upgrade the central schema (and on PostgreSQL its roles and policies)
    to this program's head revision, then give it an epoch if it has none."""
    migrate.upgrade(engine)
    with engine.begin() as conn:
        secure_database(conn)
        if meta(conn, EPOCH_KEY) is None:
            set_meta(conn, EPOCH_KEY, uuid.uuid4().hex)
        if meta(conn, RETENTION_KEY) is None:
            set_meta(conn, RETENTION_KEY, str(DEFAULT_RETENTION_DAYS))


def secure_database(conn: Connection) -> None:
    """Rights that belong to the database itself, which neither a copy made with
    CREATE DATABASE … TEMPLATE nor a plain pg_dump restore carries over: no temporary
    objects for logins (a temporary table could shadow a real one)."""
    if not is_postgresql(conn):
        return
    conn.execute(text("""DO $$ BEGIN
        EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
        EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM md_mediator, md_supervisor',
                       current_database());
      END $$"""))


def schema_revision(conn: Connection) -> str | None:
    try:
        with conn.begin_nested():
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:
        return None


def new_epoch(engine: Engine) -> str:
    """After a restore from backup: clients resync, keeping their unsent changes."""
    epoch = uuid.uuid4().hex
    with engine.begin() as conn:
        secure_database(conn)
        set_meta(conn, EPOCH_KEY, epoch)
    return epoch
