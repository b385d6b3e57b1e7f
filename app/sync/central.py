"""Connecting to the central database: PostgreSQL for an office or a district, or an
SQLite file for a standalone office. The same migrations build both.

A connection is described without its password (CentralConfig); the password comes
from the OS keyring or the user, and is never written to a file or a log.
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import unquote, unquote_plus

from sqlalchemy import Connection, Engine, create_engine, event, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from app.core.errors import UserFacingError
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
    TLS_UNAVAILABLE = "tls_unavailable"  # encryption required, the server offers none


class CentralError(UserFacingError):
    def __init__(self, code: CentralErrorCode, detail: str = "") -> None:
        self.code = code
        self.detail = detail
        super().__init__(f"{code.value}: {detail}" if detail else code.value)


# The hosts where an unencrypted connection never leaves this computer.
LOCAL_HOSTS = frozenset({"", "localhost", "127.0.0.1", "::1", "[::1]"})
SECRET_PARAMS = frozenset({"password"})
_KEY_VALUE = re.compile(r"^\s*[A-Za-z_][A-Za-z0-9_]*\s*=")
_HOST_PART = re.compile(r"^[A-Za-z0-9.\-_%:\[\],]*$")
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*=\s*")


def split_password(text: str) -> tuple[str, str | None]:
    """A connection address with every password taken out, and the password it held.

    Every path that keeps or shows an address calls this first, so a password typed
    inline goes to the keyring (or is asked again), never to the store, its backups,
    the settings, the output or a log. Understands postgresql[+driver]://user:pw@host/db
    (percent-encoded or not, even with '@' or '/' left unencoded in the password),
    ?password=… and a libpq key/value string (host=… password=…), which becomes a URL.
    """
    text = text.strip()
    if "://" not in text and _KEY_VALUE.match(text):
        return _key_value_to_url(text)
    scheme, sep, rest = text.partition("://")
    if not sep:
        return text, None
    password = None
    userinfo, rest = _split_userinfo(rest)
    user = userinfo
    if userinfo is not None and ":" in userinfo:
        user, _, encoded = userinfo.partition(":")
        password = unquote(encoded)
    head, qmark, query = rest.partition("?")
    if qmark:
        kept = []
        for pair in query.split("&"):
            key, _, value = pair.partition("=")
            if unquote_plus(key).strip().lower() in SECRET_PARAMS:
                password = password if password is not None else unquote_plus(value)
            else:
                kept.append(pair)
        rest = head + ("?" + "&".join(kept) if kept else "")
    clean = f"{scheme}://" + (f"{user}@" if user is not None else "") + rest
    return clean, password or None


def _split_userinfo(rest: str) -> tuple[str | None, str]:
    """(user[:password] or None, host…): the userinfo ends at the last '@' after which a
    host follows and before which a login (no '/', '?' or '@') starts."""
    at = len(rest)
    while (at := rest.rfind("@", 0, at)) >= 0:
        userinfo, after = rest[:at], rest[at + 1:]
        login = userinfo.partition(":")[0]
        host = re.split(r"[/?]", after, maxsplit=1)[0]
        if not re.search(r"[/?@]", login) and _HOST_PART.match(host):
            return userinfo, after
    return None, rest


def _key_value_to_url(text: str) -> tuple[str, str | None]:
    """host=db port=5432 dbname=mediation user=zhangmin password=… → a postgresql URL."""
    try:
        params = _parse_key_value(text)
    except ValueError:
        # Never echo the text: it may hold the password.
        raise CentralError(CentralErrorCode.BAD_URL,
                           "not a key=value connection string") from None
    password = params.pop("password", None)
    host = params.pop("host", "") or params.pop("hostaddr", "")
    port = params.pop("port", "")
    if port and not port.isdigit():
        raise CentralError(CentralErrorCode.BAD_URL, "the port is not a number")
    query = {k: v for k, v in params.items() if k not in ("dbname", "user")}
    if host.startswith("/"):  # a Unix socket folder
        query["host"], host = host, ""
    url = URL.create("postgresql", username=params.get("user") or None, host=host or None,
                     port=int(port) if port.isdigit() else None,
                     database=params.get("dbname") or None, query=query)
    return url.render_as_string(hide_password=False), password or None


def _parse_key_value(text: str) -> dict[str, str]:
    """libpq's key = value syntax: values bare or in single quotes with \\ escapes."""
    params: dict[str, str] = {}
    i, n = 0, len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            return params
        match = _KEY.match(text, i)
        if not match:
            raise ValueError("bad key")
        key, i = match.group(1), match.end()
        value = []
        if i < n and text[i] == "'":
            i += 1
            while i < n and text[i] != "'":
                if text[i] == "\\" and i + 1 < n:
                    i += 1
                value.append(text[i])
                i += 1
            if i >= n:
                raise ValueError("unterminated quote")
            i += 1
        else:
            while i < n and not text[i].isspace():
                if text[i] == "\\" and i + 1 < n:
                    i += 1
                value.append(text[i])
                i += 1
        params[key] = "".join(value)


def default_sslmode(url: URL) -> str:
    """require for a server elsewhere; prefer when the database is on this computer
    (localhost, a loopback address or a Unix socket), where nothing crosses a network."""
    hosts = [url.host or ""]
    for key in ("host", "hostaddr"):  # libpq's own parameters name the server too
        given = url.query.get(key)
        if given:
            hosts += [h for value in (given if isinstance(given, tuple) else (given,))
                      for h in value.split(",")]
    return "prefer" if all(_is_local(h.strip()) for h in hosts) else "require"


def _is_local(host: str) -> bool:
    if host.lower() in LOCAL_HOSTS or host.startswith("/"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def stricter_sslmode(a: str, b: str) -> str:
    known = [m for m in (a, b) if m in SSL_MODES]
    return max(known, key=SSL_MODES.index) if known else ""


@dataclass(frozen=True)
class CentralConfig:
    """Where the central database is and who logs in; never the password.

    Build one from what a person typed with ``from_text``, which hands the password
    back separately. A password left in ``url`` is dropped on construction, so no
    config can carry one into the store, the settings or a message.
    """

    url: str  # e.g. postgresql://zhangmin@db.example.cn:5432/mediation, sqlite:////srv/central.sqlite
    sslmode: str = ""  # "": the default for the host (see default_sslmode)
    sslrootcert: str = ""

    def __post_init__(self) -> None:
        try:
            clean, _ = split_password(self.url)
        except CentralError:
            clean = ""  # unreadable: keep nothing of it (parsed says BAD_URL)
        if clean != self.url:
            object.__setattr__(self, "url", clean)

    @classmethod
    def from_text(cls, text: str, sslmode: str = "", sslrootcert: str = ""
                  ) -> tuple[CentralConfig, str | None]:
        """The config for an address as typed, and the password it held inline. An
        sslmode in the address counts too: the stricter of it and ``sslmode`` wins."""
        clean, password = split_password(text)
        try:
            url = make_url(clean)
        except (ArgumentError, ValueError):
            return cls(clean, sslmode, sslrootcert), password
        inline = url.query.get("sslmode")
        if isinstance(inline, str) and inline in SSL_MODES:
            sslmode = stricter_sslmode(sslmode, inline)
            url = url.difference_update_query(["sslmode"])
            clean = url.render_as_string(hide_password=False)
        rootcert = url.query.get("sslrootcert")
        if isinstance(rootcert, str) and not sslrootcert:
            sslrootcert = rootcert
            clean = url.difference_update_query(["sslrootcert"]).render_as_string(
                hide_password=False)
        return cls(clean, sslmode, sslrootcert), password

    @property
    def parsed(self) -> URL:
        try:
            url = make_url(self.url)
        except (ArgumentError, ValueError):
            # Not the text itself: a mistyped address may still hold a password.
            raise CentralError(CentralErrorCode.BAD_URL, "not a database URL") from None
        if url.get_backend_name() == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        elif url.get_backend_name() != "sqlite":
            raise CentralError(CentralErrorCode.BAD_URL, f"unsupported database: {url.drivername}")
        return url

    @property
    def is_postgresql(self) -> bool:
        return self.parsed.get_backend_name() == "postgresql"

    @property
    def effective_sslmode(self) -> str:
        """The TLS mode a connection uses: the chosen one, else the host's default."""
        return self.sslmode or default_sslmode(self.parsed)

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
        "sslmode": config.effective_sslmode,
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
