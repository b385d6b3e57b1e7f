"""Benchmark: sync against PostgreSQL (DESIGN.md budgets).

    .venv/bin/python bench/sync.py                 # everything; caches under .bench-stores/
    .venv/bin/python bench/sync.py --only a,c      # some parts
    MEDIATION_DESK_BENCH_PG=postgresql://postgres:pw@host/postgres .venv/bin/python bench/sync.py

a. initial sync of 100,000 cases (a fresh workstation, empty to synced; progress;
   ``--initial-runs`` of them, each followed by a resync of the same store as after a
   central restore; an interrupted first sync resumed; ``--initial-cases N`` for another
   size, 1000000 for a district workstation on the 1M central database; ``--compare DIR``
   runs another checkout's first sync alternately, for a before/after figure);
b. incremental sync of 100 changes (workstation A edits 100 cases and pushes, B pulls)
   against central databases of 10,000 and of 1,010,000 cases;
c. an empty pull at both sizes, and the plan of the change-log query;
d. the local cost of change capture (a case edit with and without its outbox entry).

``--encryption on`` runs the workstations on encrypted (SQLCipher) stores, ``both``
runs every part with plain and with encrypted workstation stores and prints the two
side by side with the ratio (DESIGN.md: ≤ 1.3×). ``--skip-1m`` leaves out the
1,010,000-case central database (its build takes long).

The central databases are built once (demo data + central import) in a PostgreSQL
cluster kept in .bench-stores/pg (started for the run, stopped after it), or on the
server MEDIATION_DESK_BENCH_PG names (a superuser URL). The benchmarked workstations
belong to office PD-BENCH (10,000 cases) in both central databases; in the large one
the other 1,000,000 cases belong to office PD-ZJ. What is measured is that the size of
the central database does not slow an office's incremental sync (a workstation of a
million-case office would first need a million-case first sync).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# bench/queue.py would shadow the standard library's queue module: keep bench/ off the
# path, the project root on it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(ROOT))

from bench.memory import peak_rss_mb  # noqa: E402

CACHE = ROOT / ".bench-stores"
PG_DIR = CACHE / "pg"
ENV_URL = "MEDIATION_DESK_BENCH_PG"
PASSWORD = "Bench-sync-密码-1"
SMALL_OFFICE = "PD-BENCH"
BIG_OFFICE = "PD-ZJ"  # the demo generator's office
USERS = {"mdt_bench_a": SMALL_OFFICE, "mdt_bench_b": SMALL_OFFICE, "mdt_bench_zj": BIG_OFFICE}

INITIAL_BUDGET_S = 20.0
INCREMENTAL_BUDGET_S = 0.2
INITIAL_RUNS = 3  # full first syncs of part a (--initial-runs)
RATIO_BUDGET = 1.5
INITIAL_CASES = 100_000  # the office of part a (--initial-cases)
EMPTY_PULL_BUDGET_MS = 50.0
CAPTURE_RATIO_BUDGET = 2.0
EDITS = 100
REPEATS = 3
ENCRYPTION_RATIO_BUDGET = 1.3
# The workstation stores' key (a bench constant; None: plain stores). Set by main().
STORE_KEY: bytes | None = None


def bench_key() -> bytes:
    import hashlib

    return hashlib.sha256(b"bench sync workstation").digest()

# The cluster's settings: durable (fsync on, as a server is run), sized for bulk loads.
PG_SETTINGS = {
    "shared_buffers": "512MB",
    "max_wal_size": "8GB",
    "checkpoint_timeout": "30min",
    "maintenance_work_mem": "256MB",
    "work_mem": "16MB",
    "max_connections": "100",
    "listen_addresses": "'127.0.0.1'",
    "logging_collector": "off",
    "log_min_messages": "warning",
}


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# ------------------------------------------------------------------ the PostgreSQL cluster


class BenchCluster:
    """A cluster kept in .bench-stores/pg between runs (as tests/support/pgserver.py
    starts one: as `nobody` when we are root), or an external server."""

    def __init__(self) -> None:
        self.admin_url = ""
        self.external = False
        self.bindir: Path | None = None
        self.run_as: tuple[int, int] | None = None

    def start(self) -> BenchCluster:
        from tests.support.pgserver import _unprivileged_ids, find_bindir, free_port

        url = os.environ.get(ENV_URL, "").strip()
        if url:
            self.external = True
            self.admin_url = url.replace("postgresql://", "postgresql+psycopg://", 1)
            return self
        self.bindir = find_bindir()
        if self.bindir is None:
            raise SystemExit(f"no PostgreSQL server binaries; install them or set {ENV_URL}")
        self.run_as = _unprivileged_ids() if os.geteuid() == 0 else None
        data = PG_DIR / "data"
        password_file = PG_DIR / "password"
        if not (data / "PG_VERSION").exists():
            say(f"creating the benchmark's PostgreSQL cluster in {data} …")
            shutil.rmtree(PG_DIR, ignore_errors=True)
            (PG_DIR / "sock").mkdir(parents=True)
            password_file.write_text(secrets.token_urlsafe(16))
            pwfile = PG_DIR / "pwfile"
            pwfile.write_text(password_file.read_text() + "\n")
            self._own(PG_DIR, PG_DIR / "sock", pwfile)
            self._run("initdb", "-D", str(data), "-U", "postgres", f"--pwfile={pwfile}",
                      "--auth-local=trust", "--auth-host=scram-sha-256", "--encoding=UTF8",
                      "--locale=C", "--no-instructions")
            pwfile.unlink()
        auto = data / "postgresql.auto.conf"
        self._join()
        if (data / "postmaster.pid").exists():
            if self._others() and self._running():
                # Another benchmark runs on it now: share the cluster, and leave it to
                # the last one to stop it.
                port = int(auto.read_text().split("port = ")[1].split()[0])
                self.admin_url = self._url(port, password_file.read_text())
                return self
            # left running by a killed run
            self._run("pg_ctl", "stop", "-D", str(data), "-m", "fast", "-w", check=False)
        port = free_port()
        settings = dict(PG_SETTINGS, port=str(port),
                        unix_socket_directories=f"'{PG_DIR / 'sock'}'")
        auto.write_text("".join(f"{k} = {v}\n" for k, v in settings.items()))
        self._own(auto)
        self._run("pg_ctl", "start", "-D", str(data), "-w", "-t", "120",
                  "-l", str(PG_DIR / "server.log"))
        self.admin_url = self._url(port, password_file.read_text())
        return self

    @staticmethod
    def _url(port: int, password: str) -> str:
        from sqlalchemy.engine import URL

        return URL.create("postgresql+psycopg", username="postgres", password=password,
                          host="127.0.0.1", port=port, database="postgres").render_as_string(
                              hide_password=False)

    # Benchmarks running at once share the cluster: each one present leaves its pid in
    # PG_DIR/users; the last to leave stops the server.

    def _join(self) -> None:
        (PG_DIR / "users").mkdir(exist_ok=True)
        (PG_DIR / "users" / str(os.getpid())).touch()

    def _others(self) -> list[int]:
        alive = []
        for mark in (PG_DIR / "users").glob("*"):
            pid = int(mark.name)
            if pid == os.getpid():
                continue
            try:
                os.kill(pid, 0)
                alive.append(pid)
            except ProcessLookupError:
                mark.unlink(missing_ok=True)
        return alive

    def _running(self) -> bool:
        return self._run("pg_ctl", "status", "-D", str(PG_DIR / "data"), check=False) == 0

    def stop(self) -> None:
        if self.external or self.bindir is None:
            return
        (PG_DIR / "users" / str(os.getpid())).unlink(missing_ok=True)
        if not self._others():
            self._run("pg_ctl", "stop", "-D", str(PG_DIR / "data"), "-m", "fast", "-w",
                      check=False)

    def _own(self, *paths: Path) -> None:
        if self.run_as:
            for p in paths:
                os.chown(p, *self.run_as)

    def _run(self, tool: str, *args: str, check: bool = True) -> int:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(LC_ALL="C", LANG="C")
        kw: dict = {}
        if self.run_as:
            kw = dict(user=self.run_as[0], group=self.run_as[1], extra_groups=[])
            env["HOME"] = str(PG_DIR)
        r = subprocess.run([str(self.bindir / tool), *args], capture_output=True, text=True,
                           env=env, cwd=PG_DIR, stdin=subprocess.DEVNULL, **kw)
        if check and r.returncode != 0:
            raise SystemExit(f"{tool} failed: {r.stdout}{r.stderr}")
        return r.returncode

    def database_url(self, name: str, login: str | None = None) -> str:
        from sqlalchemy.engine import make_url

        url = make_url(self.admin_url).set(database=name)
        if login:
            url = url.set(username=login, password=None, drivername="postgresql")
        return url.render_as_string(hide_password=False)


# ------------------------------------------------------------------ stores and centrals


def demo_store(cases: int, *, seed: int = 1, office: str | None = None) -> Path:
    """A cached demo store (bench/queue.py's layout: .bench-stores/<cases>)."""
    from app.demo.generator import generate_demo_data
    from app.store.database import open_store

    folder = CACHE / (str(cases) if office is None else f"{cases}-{office.lower()}")
    if not (folder / "store.sqlite").exists():
        say(f"making a demo store of {cases:,} cases in {folder} …")
        started = time.perf_counter()
        work = folder.with_name(folder.name + ".partial")
        shutil.rmtree(work, ignore_errors=True)
        store = open_store(work)
        try:
            generate_demo_data(store, cases, seed=seed)
        finally:
            store.close()
        if office is not None:
            # Another office, with its own users: the second office of a central database.
            con = sqlite3.connect(work / "store.sqlite")
            with con:
                con.execute("UPDATE offices SET code = ?, name = name || '（基准）'", (office,))
                con.execute("UPDATE mediators SET login = login || '_bench'")
            con.close()
        work.rename(folder)
        say(f"  made in {time.perf_counter() - started:.0f} s")
    return folder


def central_database(cluster: BenchCluster, name: str, stores: list[Path]) -> str:
    """A central database holding the stores (built once: init, import, users)."""
    from sqlalchemy import text

    from app.services import central_admin
    from app.services.central_import import import_store
    from app.store.database import open_store
    from app.store.migrate import head_revision
    from app.sync import central as central_db
    from tests.support.pgserver import admin_connect, create_database, drop_database

    with admin_connect(cluster.admin_url) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                              (name,)).fetchone()
    url = cluster.database_url(name)
    if exists:
        engine = central_admin.connect_admin(url)
        try:
            with engine.connect() as conn:
                revision = central_db.schema_revision(conn)
                ready = revision is not None and central_db.meta(conn, "bench.ready") == "yes"
            if ready and revision != head_revision():
                central_admin.init_central(engine)  # a cache built before a migration
        finally:
            engine.dispose()
        if ready:
            return url
        drop_database(cluster.admin_url, name)
    create_database(cluster.admin_url, name)
    engine = central_admin.connect_admin(url)
    try:
        central_admin.init_central(engine)
        for folder in stores:
            store = open_store(folder, upgrade=False)  # read only: never upgrade a cache
            try:
                def progress(done: int, total: int, last: list[float] = [0.0]) -> None:  # noqa: B006
                    if time.perf_counter() - last[0] > 15:
                        last[0] = time.perf_counter()
                        say(f"    {done / total:4.0%} of {total:,} rows and log entries")

                say(f"importing {folder} into {name} …")
                report = import_store(engine, store, progress=progress)
            finally:
                store.close()
            say("  " + str(report).replace("\n", "\n  "))
        for login, office in USERS.items():
            with engine.connect() as conn:
                known = conn.execute(text("SELECT 1 FROM mediators WHERE login = :l"),
                                     {"l": login}).first()
                there = conn.execute(text("SELECT 1 FROM offices WHERE code = :c"),
                                     {"c": office}).first()
            if there and not known:
                central_admin.add_user(engine, login=login, name=login, office=office,
                                       role="mediator", password=PASSWORD)
        with engine.begin() as conn:
            central_db.set_meta(conn, "bench.ready", "yes")
    finally:
        engine.dispose()
    return url


def initial_database() -> str:
    if INITIAL_CASES == 1_000_000:
        return "md_bench_1m"  # its office PD-ZJ: the million-case demo store
    return "md_bench_100k" if INITIAL_CASES == 100_000 else f"md_bench_initial_{INITIAL_CASES}"


def build(cluster: BenchCluster, parts: set[str], *, skip_1m: bool = False) -> dict[str, str]:
    """The central databases the chosen parts need: {size label: database name}."""
    names = {}
    if "a" in parts:
        stores = [demo_store(INITIAL_CASES)]
        if INITIAL_CASES == 1_000_000:  # the central database of parts b and c
            stores.insert(0, demo_store(10_000, seed=2, office=SMALL_OFFICE))
        central_database(cluster, initial_database(), stores)
    if parts & {"b", "c", "d"}:
        small = demo_store(10_000, seed=2, office=SMALL_OFFICE)
        central_database(cluster, "md_bench_10k", [small])
        names["10k"] = "md_bench_10k"
        if parts & {"b", "c"} and not skip_1m:
            central_database(cluster, "md_bench_1m", [small, demo_store(1_000_000)])
            names["1m"] = "md_bench_1m"
    return names


# ------------------------------------------------------------------ workstations


class Desk:
    """A workstation store linked to a central database as one login."""

    def __init__(self, url: str, login: str, folder: Path) -> None:
        from app.services import sync as sync_service
        from app.store.database import open_store
        from app.sync.central import CentralConfig

        if STORE_KEY is not None and not (folder / "store-key.json").exists():
            from app.store import keyfile

            folder.mkdir(parents=True, exist_ok=True)  # an encrypted store has its key file
            keyfile.write_keyfile(folder, keyfile.make_keyfile(STORE_KEY,
                                                               keyfile.new_recovery_code()))
        self.store = open_store(folder, key=STORE_KEY, create_encrypted=STORE_KEY is not None)
        config = CentralConfig(url, sslmode="prefer")
        self.engine = sync_service.connect(config, PASSWORD)
        sync_service.link_central(self.store, config, self.engine, login=login)
        self.client = sync_service.make_client(self.store, self.engine)
        self.ws = None

    def first_sync(self) -> float:
        from app.services import sync as sync_service

        started = time.perf_counter()
        self.client.sync()
        seconds = time.perf_counter() - started
        self.ws = sync_service.open_linked_workstation(self.store)
        return seconds

    def close(self) -> None:
        self.engine.dispose()
        self.store.close()


class Interrupted(Exception):
    pass


def child_initial(url: str, folder: Path, interrupt_at: float | None) -> dict:
    """In a fresh process: a workstation's first sync (or its resumption)."""
    from sqlalchemy import func, select

    from app.store.models import Case, LocalMeta
    from app.sync.client import SNAPSHOT_KEY

    started = time.perf_counter()
    desk = Desk(url, "mdt_bench_zj", folder)
    opened = time.perf_counter() - started
    with desk.store.sessions() as s:
        saved = s.get(LocalMeta, SNAPSHOT_KEY)
        resumed_from = json.loads(saved.value)["done"] if saved else 0
    calls: list[tuple[str, int, int | None]] = []

    def progress(p) -> None:
        calls.append((p.phase, p.done, p.total))
        if interrupt_at and p.phase == "snapshot" and p.total and p.done >= interrupt_at * p.total:
            raise Interrupted

    t = time.perf_counter()
    interrupted = False
    try:
        desk.client.sync(progress)
    except Interrupted:
        interrupted = True
    seconds = time.perf_counter() - t
    with desk.store.sessions() as s:
        cases = s.scalar(select(func.count()).select_from(Case))
    snapshot = [c for c in calls if c[0] == "snapshot"]
    desk.close()
    return {"open_link_s": opened, "sync_s": seconds, "interrupted": interrupted,
            "resumed_from": resumed_from, "done": snapshot[-1][1] if snapshot else 0,
            "total": snapshot[-1][2] if snapshot else 0, "progress_calls": len(calls),
            "snapshot_calls": len(snapshot),
            "monotonic": all(a[1] <= b[1] for a, b in zip(snapshot, snapshot[1:], strict=False)),
            "cases": cases, "rss_mb": peak_rss_mb(), "encrypted": desk.store.encrypted}


def run_child(url: str, folder: Path, interrupt_at: float | None = None, *,
              root: Path = ROOT, may_fail: bool = False) -> dict:
    """A workstation's sync in a fresh process, of this checkout or of another one
    (``root``: ``--compare``). ``may_fail``: a failure is reported, not fatal."""
    args = [sys.executable, str(root / "bench" / "sync.py"), "--child", url, str(folder)]
    if interrupt_at:
        args += ["--interrupt", str(interrupt_at)]
    if STORE_KEY is not None:
        args += ["--key", STORE_KEY.hex()]
    proc = subprocess.run(args, capture_output=True, text=True, cwd=root)
    if proc.returncode != 0:
        if may_fail:
            errors = [line for line in proc.stderr.splitlines() if "Error:" in line]
            return {"failed": errors[-1][:160] if errors else f"exit {proc.returncode}"}
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"the workstation process failed ({proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------ the measurements


def stale_epoch(folder: Path) -> None:
    """Make a synced workstation resync on its next sync, as after a restore of the
    central database from a backup (its epoch no longer the central one)."""
    from app.store import cipher

    con = cipher.connect(folder / "store.sqlite", STORE_KEY)
    with con:
        con.execute("UPDATE local_meta SET value = 'before-the-restore' "
                    "WHERE key = 'sync.epoch'")
    con.close()


def initial_sync(cluster: BenchCluster, work: Path, *, runs: int, compare: Path | None,
                 interrupt: bool) -> dict:
    """Full first syncs (alternately of this checkout and of ``compare``), each followed
    by a resync of the same store; then one first sync interrupted halfway and resumed."""
    url = cluster.database_url(initial_database(), "mdt_bench_zj")
    say(f"a. initial sync of the {INITIAL_CASES:,}-case office …")
    fulls, before, resyncs, resyncs_before = [], [], [], []
    for n in range(runs):
        folder = work / f"initial-{n}"
        full = run_child(url, folder)
        say(f"   first sync {full['sync_s']:.1f} s")
        fulls.append(full)
        stale_epoch(folder)
        resyncs.append(run_child(url, folder))
        say(f"   resync {resyncs[-1]['sync_s']:.1f} s")
        shutil.rmtree(folder, ignore_errors=True)
        if compare is not None:
            folder = work / f"compare-{n}"
            before.append(run_child(url, folder, root=compare))
            say(f"   first sync, {compare.name}: {before[-1]['sync_s']:.1f} s")
            stale_epoch(folder)
            resyncs_before.append(run_child(url, folder, root=compare, may_fail=True))
            say(f"   resync, {compare.name}: "
                f"{resyncs_before[-1].get('sync_s', resyncs_before[-1].get('failed'))}")
            shutil.rmtree(folder, ignore_errors=True)
    result = {"fulls": fulls, "resyncs": resyncs, "before": before,
              "resyncs_before": resyncs_before, "compare": str(compare) if compare else None}
    if interrupt:
        first = run_child(url, work / "interrupted", interrupt_at=0.5)
        second = run_child(url, work / "interrupted")
        downloaded = first["done"] + (second["done"] - second["resumed_from"])
        result.update(first=first, second=second,
                      redownloaded=downloaded - second["total"])
    return result


def spread(values: list[float], fmt: str = "{:.1f}") -> str:
    """min–median–max of a few runs (one value as it is)."""
    if len(values) == 1:
        return fmt.format(values[0])
    return "–".join(fmt.format(v) for v in (min(values), statistics.median(values),
                                             max(values)))


def incremental(cluster: BenchCluster, db: str, work: Path) -> dict:
    """A edits 100 cases and pushes; B pulls. Then empty pulls, and the query plan."""
    from sqlalchemy import event, select

    from app.services import cases as case_service
    from app.store.models import Case

    say(f"b/c. workstations A and B of {SMALL_OFFICE} on {db} (first syncs) …")
    url_a = cluster.database_url(db, "mdt_bench_a")
    url_b = cluster.database_url(db, "mdt_bench_b")
    a = Desk(url_a, "mdt_bench_a", work / f"{db}-a")
    b = Desk(url_b, "mdt_bench_b", work / f"{db}-b")
    try:
        firsts = [a.first_sync(), b.first_sync()]
        with a.store.sessions() as s:
            ids = list(s.scalars(select(Case.id).where(Case.deleted.is_(False))
                                 .order_by(Case.id).limit(EDITS * 7)))[::7][:EDITS]
        rounds = []
        for r in range(REPEATS):
            for n, case_id in enumerate(ids):
                case_service.update_case(a.ws, case_id, {"title": f"基准修改 第{r}轮 {n}"})
            t0 = time.perf_counter()
            pushed = a.client.push()
            t1 = time.perf_counter()
            pulled = b.client.pull()
            t2 = time.perf_counter()
            rounds.append({"push": t1 - t0, "pull": t2 - t1, "pushed": pushed, "pulled": pulled})
        with b.store.sessions() as s:
            arrived = s.scalar(select(Case.title).where(Case.id == ids[-1]))
        assert arrived == f"基准修改 第{REPEATS - 1}轮 {EDITS - 1}", arrived

        empties = []
        for _ in range(15):
            t = time.perf_counter()
            b.client.pull()
            empties.append((time.perf_counter() - t) * 1000)
        rounds_ms = []
        for _ in range(5):
            t = time.perf_counter()
            b.client.sync()
            rounds_ms.append((time.perf_counter() - t) * 1000)

        captured: list[tuple[str, object]] = []

        def grab(_conn, _cursor, statement, parameters, _context, _many):
            if "sync_changes" in statement and "UNION ALL" in statement:
                captured.append((statement, parameters))

        event.listen(b.engine, "before_cursor_execute", grab)
        b.client.pull()
        event.remove(b.engine, "before_cursor_execute", grab)
        statement, parameters = captured[-1]
        with b.engine.connect() as conn:
            plan = [r[0] for r in conn.exec_driver_sql(
                "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + statement, parameters)]
        with b.engine.connect() as conn:
            central_cases = conn.exec_driver_sql("SELECT reltuples::bigint FROM pg_class "
                                                 "WHERE relname = 'cases'").scalar()
        result = {"first_syncs": firsts, "rounds": rounds, "empty_ms": empties,
                  "empty_round_ms": rounds_ms, "plan": plan, "central_cases": central_cases}
        if db == "md_bench_10k":
            result["capture"] = capture_cost(a)
        return result
    finally:
        a.close()
        b.close()


def capture_cost(desk: Desk, writes: int = 200) -> dict:
    """d. A case edit with its outbox entry, and the same edit with capture off."""
    from sqlalchemy import select

    from app.services import cases as case_service
    from app.store.models import Case
    from app.sync import capture

    say("d. change capture on a workstation store …")
    with desk.store.sessions() as s:
        ids = list(s.scalars(select(Case.id).where(Case.deleted.is_(False))
                             .order_by(Case.id.desc()).limit(writes)))
    on, off = [], []
    for n, case_id in enumerate(ids):
        capturing = n % 2 == 0  # alternate, so both see the same store and cache
        if capturing:
            capture.install(desk.store.sessions)
        else:
            capture.uninstall(desk.store.sessions)
        t = time.perf_counter()
        case_service.update_case(desk.ws, case_id, {"request": f"基准请求 {n}"})
        (on if capturing else off).append((time.perf_counter() - t) * 1000)
    capture.install(desk.store.sessions)
    return {"on_ms": statistics.median(on), "off_ms": statistics.median(off)}


# ------------------------------------------------------------------ report


class Table:
    def __init__(self) -> None:
        self.over = 0

    def line(self, label: str, value: str, budget: str = "", ok: bool | None = None) -> None:
        verdict = "" if ok is None else ("ok" if ok else "OVER")
        self.over += ok is False
        print(f"  {label:<52}{value:>16}   {budget:<14}{verdict}")


def report(results: dict) -> int:
    t = Table()
    print()
    if "a" in results:
        a = results["a"]
        fulls, resyncs = a["fulls"], a["resyncs"]
        full = fulls[0]
        seconds = [f["sync_s"] for f in fulls]
        print(f"a. initial sync, {INITIAL_CASES:,}-case office ({full['total']:,} rows), "
              f"PostgreSQL; {len(fulls)} run(s), min–median–max")
        t.line("empty store → synced", f"{spread(seconds)} s", f"< {INITIAL_BUDGET_S:g} s",
               statistics.median(seconds) < INITIAL_BUDGET_S)
        t.line("  rows/s", spread([f["total"] / f["sync_s"] for f in fulls], "{:,.0f}"),
               "≥ 60,000")
        if a["before"]:
            older = [f["sync_s"] for f in a["before"]]
            t.line(f"  the same, {Path(a['compare']).name} (alternately)", f"{spread(older)} s")
            t.line("    rows/s", spread([f["total"] / f["sync_s"] for f in a["before"]],
                                        "{:,.0f}"))
        t.line("  open + link a new store (before it)", f"{full['open_link_s']:.1f} s")
        t.line("  cases on the workstation", f"{full['cases']:,}")
        t.line("  progress reports (snapshot), increasing",
               f"{full['snapshot_calls']} {'yes' if full['monotonic'] else 'NO'}", "with progress",
               full["snapshot_calls"] > 2 and full["monotonic"])
        t.line("  peak RSS of the workstation process", spread([f["rss_mb"] for f in fulls],
                                                               "{:.0f}") + " MB")
        t.line("resync of the synced store (as after a central restore)",
               f"{spread([r['sync_s'] for r in resyncs])} s", f"< {INITIAL_BUDGET_S:g} s",
               statistics.median(r["sync_s"] for r in resyncs) < INITIAL_BUDGET_S)
        t.line("  cases on the workstation after it", f"{resyncs[0]['cases']:,}",
               f"{full['cases']:,}", resyncs[0]["cases"] == full["cases"])
        if a.get("resyncs_before"):
            done = [r["sync_s"] for r in a["resyncs_before"] if "sync_s" in r]
            failed = [r["failed"] for r in a["resyncs_before"] if "failed" in r]
            t.line(f"  the same, {Path(a['compare']).name} (alternately)",
                   f"{spread(done)} s" if done else "failed")
            for why in dict.fromkeys(failed):
                print(f"    {len(failed)} of {len(a['resyncs_before'])} failed: {why}")
        if "first" in a:
            first, second = a["first"], a["second"]
            t.line("interrupted at", f"{first['done']:,} rows")
            t.line("  after", f"{first['sync_s']:.1f} s")
            t.line("  resumed (a new process) and finished in", f"{second['sync_s']:.1f} s")
            extra = first["sync_s"] + second["sync_s"] - statistics.median(seconds)
            t.line("  extra time over an uninterrupted sync", f"{extra:+.1f} s")
            t.line("  rows downloaded twice", f"{a['redownloaded']:,}", "0",
                   a["redownloaded"] == 0)
            t.line("  cases on the workstation", f"{second['cases']:,}", f"{full['cases']:,}",
                   second["cases"] == full["cases"])
    sizes = [k for k in ("md_bench_10k", "md_bench_1m") if k in results]
    if sizes:
        print(f"\nb. incremental sync of {EDITS} case edits, office {SMALL_OFFICE} "
              f"(A pushes, B pulls; median of {REPEATS})")
        totals = {}
        for db in sizes:
            r = results[db]
            label = f"{r['central_cases']:,}-case central"
            push = statistics.median(x["push"] for x in r["rounds"])
            pull = statistics.median(x["pull"] for x in r["rounds"])
            totals[db] = push + pull
            print(f"  {label}: first syncs of A and B {r['first_syncs'][0]:.1f} s, "
                  f"{r['first_syncs'][1]:.1f} s; pushed {r['rounds'][-1]['pushed']} "
                  f"mutations, pulled {r['rounds'][-1]['pulled']} rows")
            t.line(f"  push ({label})", f"{push * 1000:.0f} ms")
            t.line(f"  pull ({label})", f"{pull * 1000:.0f} ms")
            t.line(f"  push + pull ({label})", f"{(push + pull) * 1000:.0f} ms",
                   f"< {INCREMENTAL_BUDGET_S * 1000:g} ms", push + pull < INCREMENTAL_BUDGET_S)
        if len(sizes) == 2:
            ratio = totals["md_bench_1m"] / totals["md_bench_10k"]
            t.line("  ratio 1M / 10k", f"{ratio:.2f}", f"< {RATIO_BUDGET}", ratio < RATIO_BUDGET)
        print("\nc. empty pull (nothing new; median of 15), and a whole empty sync round")
        empties = {}
        for db in sizes:
            r = results[db]
            label = f"{r['central_cases']:,}-case central"
            empties[db] = statistics.median(r["empty_ms"])
            t.line(f"  empty pull ({label})", f"{empties[db]:.1f} ms",
                   f"< {EMPTY_PULL_BUDGET_MS:g} ms", empties[db] < EMPTY_PULL_BUDGET_MS)
            t.line(f"  empty sync() round ({label})",
                   f"{statistics.median(r['empty_round_ms']):.1f} ms")
        if len(sizes) == 2:
            ratio = empties["md_bench_1m"] / empties["md_bench_10k"]
            t.line("  ratio 1M / 10k", f"{ratio:.2f}", f"< {RATIO_BUDGET}", ratio < RATIO_BUDGET)
        db = sizes[-1]
        print(f"\n  EXPLAIN ANALYZE of the change-log page (SyncClient._changes_page), "
              f"{results[db]['central_cases']:,}-case central, as B:")
        for row in results[db]["plan"]:
            print("    " + row)
    if "md_bench_10k" in results and "capture" in results["md_bench_10k"]:
        c = results["md_bench_10k"]["capture"]
        print("\nd. local write cost: a case edit (update_case), median of 100 each")
        t.line("  with capture (outbox entry)", f"{c['on_ms']:.2f} ms")
        t.line("  without capture", f"{c['off_ms']:.2f} ms")
        ratio = c["on_ms"] / c["off_ms"]
        t.line("  ratio", f"{ratio:.2f}", f"≤ {CAPTURE_RATIO_BUDGET:g}",
               ratio <= CAPTURE_RATIO_BUDGET)
    print()
    if sizes:
        print(f"(the 1M central holds {SMALL_OFFICE}'s 10,000 cases and {BIG_OFFICE}'s "
              "1,000,000; A and B belong to the small office, whose first sync the bench can "
              "afford)")
    print("all within budget" if not t.over else f"{t.over} figure(s) over budget")
    return 0 if not t.over else 1


def encryption_figures(results: dict) -> dict[str, float]:
    """The timed figures of one run (ms), by label, for the side-by-side table."""
    out: dict[str, float] = {}
    if "a" in results:
        fulls = results["a"]["fulls"]
        out[f"a. initial sync, {INITIAL_CASES:,}-case office"] = 1000 * statistics.median(
            f["sync_s"] for f in fulls)
        out["a. open + link a new store"] = fulls[0]["open_link_s"] * 1000
    for db in ("md_bench_10k", "md_bench_1m"):
        if db not in results:
            continue
        r = results[db]
        size = "10k" if db.endswith("10k") else "1M"
        out[f"b. push 100 edits ({size} central)"] = 1000 * statistics.median(
            x["push"] for x in r["rounds"])
        out[f"b. pull 100 edits ({size} central)"] = 1000 * statistics.median(
            x["pull"] for x in r["rounds"])
        out[f"c. empty pull ({size} central)"] = statistics.median(r["empty_ms"])
        out[f"c. empty sync() round ({size} central)"] = statistics.median(r["empty_round_ms"])
        if "capture" in r:
            out["d. case edit with capture"] = r["capture"]["on_ms"]
            out["d. case edit without capture"] = r["capture"]["off_ms"]
    return out


def report_encryption(plain: dict, encrypted: dict) -> int:
    a, b = encryption_figures(plain), encryption_figures(encrypted)
    print("\nworkstation store encrypted (SQLCipher 4, raw key) vs plain; ms")
    print(f"{'':44}{'plain':>12}{'encrypted':>12}{'ratio':>8}")
    for label in a:
        if label in b:
            ratio = b[label] / a[label] if a[label] > 0 else 1.0
            print(f"{label[:44]:44}{a[label]:>12.1f}{b[label]:>12.1f}{ratio:>8.2f}")
    total = sum(b[k] for k in a if k in b) / sum(a[k] for k in a if k in b)
    ok = total <= ENCRYPTION_RATIO_BUDGET
    print(f"{'all figures summed':44}{'':>24}{total:>8.2f}   ≤ {ENCRYPTION_RATIO_BUDGET}  "
          f"{'ok' if ok else 'OVER'}")
    return 0 if ok else 1


def run_all(cluster: BenchCluster, names: dict[str, str], parts: set[str], work: Path,
            args: argparse.Namespace) -> dict:
    results: dict = {}
    work.mkdir(parents=True, exist_ok=True)
    if "a" in parts:
        results["a"] = initial_sync(cluster, work, runs=args.initial_runs,
                                    compare=args.compare, interrupt=not args.no_interrupt)
    for label in ("10k", "1m"):
        if label in names:
            results[names[label]] = incremental(cluster, names[label], work)
    return results


def main() -> int:
    global STORE_KEY, INITIAL_CASES
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="a,b,c,d", help="parts to run, e.g. a,c")
    parser.add_argument("--encryption", choices=("off", "on", "both"), default="off",
                        help="plain workstation stores, encrypted ones, or both side by side")
    parser.add_argument("--skip-1m", action="store_true",
                        help="leave out the 1,010,000-case central database")
    parser.add_argument("--initial-cases", type=int, default=INITIAL_CASES, metavar="N",
                        help="cases of the office whose first sync part a measures "
                        f"(default {INITIAL_CASES:,}; its budget is for that size)")
    parser.add_argument("--initial-runs", type=int, default=INITIAL_RUNS, metavar="N",
                        help="full first syncs of part a, each followed by a resync "
                        f"(default {INITIAL_RUNS}: min–median–max)")
    parser.add_argument("--compare", type=Path, default=None, metavar="DIR",
                        help="another checkout (e.g. a git worktree of an older commit, with "
                        ".venv and .bench-stores linked in): part a runs its first sync "
                        "alternately with this one's")
    parser.add_argument("--no-interrupt", action="store_true",
                        help="leave out part a's interrupted and resumed first sync")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--interrupt", type=float, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--key", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        STORE_KEY = bytes.fromhex(args.key) if args.key else None
        result = child_initial(args.child[0], Path(args.child[1]), args.interrupt)
        print(json.dumps(result))
        return 0

    INITIAL_CASES = args.initial_cases
    parts = {p.strip() for p in args.only.split(",") if p.strip()}
    CACHE.mkdir(exist_ok=True)
    cluster = BenchCluster().start()
    work = Path(tempfile.mkdtemp(prefix="sync-bench-", dir=CACHE))
    runs: dict[str, dict] = {}
    try:
        names = build(cluster, parts, skip_1m=args.skip_1m)
        modes = {"off": [False], "on": [True], "both": [False, True]}[args.encryption]
        for encrypted in modes:
            STORE_KEY = bench_key() if encrypted else None
            label = "encrypted" if encrypted else "plain"
            say(f"--- workstation stores {label} ---")
            runs[label] = run_all(cluster, names, parts, work / label, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        cluster.stop()
    over = 0
    for label, results in runs.items():
        if len(runs) > 1:
            print(f"\n=== workstation stores {label} ===")
        over += report(results)
    if len(runs) == 2:
        over += report_encryption(runs["plain"], runs["encrypted"])
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
