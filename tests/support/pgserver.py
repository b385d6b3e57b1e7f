"""A real PostgreSQL server for tests: a throwaway cluster we start, or one given by URL.

MEDIATION_DESK_TEST_PG=postgresql+psycopg://postgres:pw@host:5432/postgres names a superuser
URL of a server to use instead; then nothing is started. Without it the PostgreSQL server
binaries must be installed (Debian: apt-get install postgresql): a missing server is an error,
never a skip, so CI cannot go green without having run these tests.
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL, make_url

ENV_URL = "MEDIATION_DESK_TEST_PG"
ENV_BINDIR = "MEDIATION_DESK_PG_BINDIR"  # optional: pick one of several installed versions
DIR_PREFIX = "mediation-desk-pg-"
DRIVER = "postgresql+psycopg"
TOOLS = ("initdb", "pg_ctl", "postgres")

# Durability off: a test cluster is thrown away, and fsync is most of PostgreSQL's write cost.
SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "128MB",
    "max_connections": "200",
    "listen_addresses": "'127.0.0.1'",
    "logging_collector": "off",
    "log_min_messages": "warning",
}

_INSTALL_HINT = (
    "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found: not via "
    f"`pg_config --bindir`, not on PATH, not in /usr/lib/postgresql/*/bin. Install them "
    "(Debian/Ubuntu: `apt-get install postgresql`, or run `scripts/setup test`), or set "
    f"{ENV_URL} to a superuser URL such as "
    "postgresql+psycopg://postgres:secret@127.0.0.1:5432/postgres."
)


def find_bindir() -> Path | None:
    """The directory holding initdb, pg_ctl and postgres, or None when there is none."""

    def complete(d: Path) -> bool:
        return all((d / t).is_file() and os.access(d / t, os.X_OK) for t in TOOLS)

    candidates: list[Path] = []
    if os.environ.get(ENV_BINDIR):
        candidates.append(Path(os.environ[ENV_BINDIR]))
    if shutil.which("pg_config"):
        # libpq-dev ships pg_config without the server, so its bindir may lack initdb.
        r = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        if r.returncode == 0 and r.stdout.strip():
            candidates.append(Path(r.stdout.strip()))
    on_path = shutil.which("initdb")
    if on_path:
        candidates += [Path(on_path).parent, Path(on_path).resolve().parent]

    def version(d: str) -> tuple[int, ...]:
        return tuple(int(x) for x in re.findall(r"\d+", Path(d).parent.name)) or (0,)

    candidates += [Path(d) for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version,
                                           reverse=True)]
    return next((d for d in candidates if complete(d)), None)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def unique_suffix() -> str:
    """A short lowercase token for database and role names: roles are cluster-wide, and an
    external server outlives one test run, so names must not repeat across runs either."""
    return uuid.uuid4().hex[:12]


def to_url(url: str | URL) -> URL:
    """A SQLAlchemy URL with our driver, whichever postgres spelling it was given in."""
    u = make_url(url) if isinstance(url, str) else url
    if u.get_backend_name() not in ("postgresql", "postgres"):
        raise ValueError(f"not a PostgreSQL URL: {u.render_as_string(hide_password=True)}")
    return u.set(drivername=DRIVER)


def url_string(url: URL) -> str:
    return url.render_as_string(hide_password=False)


def with_login(url: str | URL, user: str | None = None, password: str | None = None,
               database: str | None = None) -> str:
    """The same server as `url`, as another user and/or in another database."""
    u = to_url(url)
    if user is not None:
        u = u.set(username=user, password=password)
    if database is not None:
        u = u.set(database=database)
    return url_string(u)


def conninfo(url: str | URL, **overrides) -> str:
    """A libpq connection string for psycopg.connect() from a SQLAlchemy URL."""
    u = to_url(url)
    params = dict(u.query)
    params.update(host=u.host, port=u.port, user=u.username, password=u.password,
                  dbname=u.database or "postgres", connect_timeout=10)
    params.update(overrides)
    return psycopg.conninfo.make_conninfo(**{k: v for k, v in params.items() if v is not None})


def admin_connect(admin_url: str | URL, database: str | None = None) -> psycopg.Connection:
    """An autocommit superuser connection (CREATE/DROP DATABASE cannot run in a transaction)."""
    kw = {"dbname": database} if database else {}
    return psycopg.connect(conninfo(admin_url, **kw), autocommit=True)


def create_database(admin_url: str | URL, name: str, template: str | None = None) -> str:
    """Creates database `name` (a copy of `template` if given) and returns its URL."""
    stmt = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        stmt += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
    with admin_connect(admin_url) as conn:
        deadline = time.monotonic() + 15
        while True:
            if template:
                # A template must have no sessions; a builder's pooled engine may linger.
                _terminate(conn, template)
            try:
                conn.execute(stmt)
                break
            except psycopg.errors.ObjectInUse:
                # A terminated backend takes a moment to leave; anything else is a real error.
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
    return with_login(admin_url, database=name)


def drop_database(admin_url: str | URL, name: str) -> None:
    """Drops database `name` if it exists, ending any sessions still connected to it."""
    with admin_connect(admin_url) as conn:
        # A template refuses DROP until it is a plain database again.
        conn.execute("UPDATE pg_database SET datistemplate = false WHERE datname = %s", (name,))
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))


def create_login_role(admin_url: str | URL, name: str, password: str) -> None:
    """A role that logs in with a password (roles are cluster-wide: use unique_suffix())."""
    with admin_connect(admin_url) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
            sql.Identifier(name), sql.Literal(password)))


def _terminate(conn: psycopg.Connection, database: str) -> None:
    conn.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> pg_backend_pid()", (database,))


class PgServer:
    """A PostgreSQL server for one test session: ours (start/stop) or an external one."""

    def __init__(self) -> None:
        self.host = "127.0.0.1"
        self.port = 0
        self.user = "postgres"
        self.password = secrets.token_urlsafe(16)
        self.external = False
        self.workdir: Path | None = None
        self.bindir: Path | None = None
        self.startup_seconds = 0.0
        self._run_as: tuple[int, int] | None = None
        self._url: URL | None = None

    # --- construction ------------------------------------------------------------------

    @classmethod
    def from_env_or_start(cls, timeout: float = 60.0) -> PgServer:
        """The server named by MEDIATION_DESK_TEST_PG, else a new throwaway one."""
        url = os.environ.get(ENV_URL, "").strip()
        return cls.from_url(url) if url else cls().start(timeout)

    @classmethod
    def from_url(cls, url: str) -> PgServer:
        server = cls()
        u = to_url(url)
        server.external = True
        server.host, server.port = u.host or "localhost", u.port or 5432
        server.user, server.password = u.username or "postgres", u.password or ""
        server._url = u.set(database=u.database or "postgres")
        with admin_connect(server._url) as conn:  # fail now, with the URL in the message
            if not conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
                                ).fetchone()[0]:
                raise RuntimeError(f"{ENV_URL} must name a superuser, not {server.user!r}")
        return server

    @property
    def admin_url(self) -> str:
        """The superuser URL (SQLAlchemy, postgresql+psycopg) of the `postgres` database."""
        if self._url is None:
            raise RuntimeError("PgServer is not started")
        return url_string(self._url)

    def url(self, database: str = "postgres", user: str | None = None,
            password: str | None = None) -> str:
        return with_login(self.admin_url, user=user, password=password, database=database)

    # --- our own cluster ---------------------------------------------------------------

    def start(self, timeout: float = 60.0) -> PgServer:
        t0 = time.monotonic()
        self.bindir = find_bindir()
        if self.bindir is None:
            raise RuntimeError(_INSTALL_HINT)
        self._run_as = _unprivileged_ids() if os.geteuid() == 0 else None
        base = _base_dir(self._run_as is not None)
        _sweep_leftovers(base)
        self.workdir = Path(tempfile.mkdtemp(prefix=DIR_PREFIX, dir=base))
        atexit.register(self.stop)  # registered before anything can leave a server behind
        (self.workdir / "owner.pid").write_text(str(os.getpid()))
        for sub in ("data", "sock"):
            (self.workdir / sub).mkdir(mode=0o700)
        pwfile = self.workdir / "pwfile"
        pwfile.write_text(self.password + "\n")
        if self._run_as:
            for p in (self.workdir, self.workdir / "data", self.workdir / "sock", pwfile):
                os.chown(p, *self._run_as)

        self._run("initdb", "-D", str(self.workdir / "data"), "-U", self.user,
                  f"--pwfile={pwfile}", "--auth-local=trust", "--auth-host=scram-sha-256",
                  "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions")
        pwfile.unlink()

        # A free port can be taken between our probe and the server's bind: try a few.
        for attempt in range(3):
            self.port = free_port(self.host)
            self._write_settings()
            r = self._run("pg_ctl", "start", "-D", str(self.workdir / "data"), "-w",
                          "-t", str(int(timeout)), "-l", str(self.log_path), check=False)
            if r.returncode == 0:
                break
            if "could not bind" not in self.log_tail() or attempt == 2:
                raise RuntimeError(
                    f"PostgreSQL did not start (pg_ctl exit {r.returncode}).\n{r.stdout}"
                    f"{r.stderr}\n--- server log tail ({self.log_path}) ---\n{self.log_tail()}")
        self._url = URL.create(DRIVER, username=self.user, password=self.password,
                               host=self.host, port=self.port, database="postgres")
        self._wait_ready(t0 + timeout)
        self.startup_seconds = time.monotonic() - t0
        return self

    @property
    def log_path(self) -> Path:
        assert self.workdir is not None
        return self.workdir / "server.log"

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def stop(self) -> None:
        """Stops our cluster at once (no checkpoint) and removes its files; idempotent."""
        if self.external or self.workdir is None:
            return
        workdir, self.workdir = self.workdir, None
        atexit.unregister(self.stop)
        try:
            if (workdir / "data" / "postmaster.pid").exists():
                self._run("pg_ctl", "stop", "-D", str(workdir / "data"), "-m", "immediate",
                          "-w", "-t", "20", check=False, cwd=workdir)
        finally:
            # If pg_ctl failed, signal the postmaster ourselves: once its directory is gone,
            # no later sweep could find it.
            _kill_postmaster(workdir / "data")
            shutil.rmtree(workdir, ignore_errors=True)
            self._url = None

    def __enter__(self) -> PgServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _write_settings(self) -> None:
        assert self.workdir is not None
        settings = dict(SETTINGS, port=str(self.port),
                        unix_socket_directories=f"'{self.workdir / 'sock'}'")
        # postgresql.auto.conf is read last, so a rewrite there wins over initdb's defaults.
        auto = self.workdir / "data" / "postgresql.auto.conf"
        auto.write_text("".join(f"{k} = {v}\n" for k, v in settings.items()))
        if self._run_as:
            os.chown(auto, *self._run_as)

    def _run(self, tool: str, *args: str, check: bool = True,
             cwd: Path | None = None) -> subprocess.CompletedProcess:
        cwd = cwd or self.workdir
        assert self.bindir is not None and cwd is not None
        # Our PG* variables (PGPORT, PGDATA, ...) must not steer the test cluster.
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(LC_ALL="C", LANG="C")
        kw: dict = {}
        if self._run_as:  # initdb and pg_ctl refuse to run as root
            kw = dict(user=self._run_as[0], group=self._run_as[1], extra_groups=[])
            env["HOME"] = str(cwd)
        r = subprocess.run([str(self.bindir / tool), *args], capture_output=True, text=True,
                           env=env, cwd=cwd, stdin=subprocess.DEVNULL, **kw)
        if check and r.returncode != 0:
            raise RuntimeError(f"{tool} failed (exit {r.returncode}):\n{r.stdout}{r.stderr}")
        return r

    def _wait_ready(self, deadline: float) -> None:
        # pg_ctl -w saw the server up; this also proves a password login over TCP works.
        while True:
            try:
                with admin_connect(self.admin_url) as conn:
                    conn.execute("SELECT 1")
                return
            except psycopg.OperationalError as e:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"PostgreSQL on {self.host}:{self.port} refused the superuser login: "
                        f"{e}\n--- server log tail ({self.log_path}) ---\n{self.log_tail()}"
                    ) from e
                time.sleep(0.1)


def _unprivileged_ids() -> tuple[int, int]:
    try:
        pw = pwd.getpwnam("nobody")
    except KeyError:
        raise RuntimeError("running as root, and there is no `nobody` user to run "
                           "PostgreSQL as (initdb refuses root)") from None
    return pw.pw_uid, pw.pw_gid


def _base_dir(as_other_user: bool) -> Path:
    """Where our cluster directories go; `nobody` must be able to reach it."""
    base = Path(tempfile.gettempdir())
    if as_other_user and not all(p.stat().st_mode & stat.S_IXOTH for p in [base, *base.parents]):
        base = Path("/tmp")
    return base


def _sweep_leftovers(base: Path) -> None:
    """Removes cluster directories of earlier runs that died without stopping their server."""
    for d in base.glob(DIR_PREFIX + "*"):
        try:
            owner = int((d / "owner.pid").read_text())
        except (OSError, ValueError):
            # Still being created by another run, or a crash before owner.pid: age decides.
            if time.time() - d.stat().st_mtime < 3600:
                continue
            owner = 0
        if owner and _alive(owner):
            continue
        _kill_postmaster(d / "data")
        shutil.rmtree(d, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _kill_postmaster(datadir: Path) -> None:
    try:
        pid = int((datadir / "postmaster.pid").read_text().split("\n", 1)[0])
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return
    # Only a postmaster of this very directory: the pid may since have gone to something else.
    if str(datadir).encode() in cmdline:
        try:
            os.kill(pid, signal.SIGQUIT)  # PostgreSQL's immediate shutdown
        except OSError:
            return
        for _ in range(100):
            if not _alive(pid) or _zombie(pid):
                break
            time.sleep(0.05)


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False
