"""Benchmark: central import of a standalone office's store (DESIGN.md: a 1,000,000-case
store in < 120 s; issue 18, item 3).

    .venv/bin/python bench/central_import.py                     # 1,000,000 cases, 3 runs
    .venv/bin/python bench/central_import.py --cases 100000 --runs 1
    .venv/bin/python bench/central_import.py --compare /tmp/wt-import   # before/after
    .venv/bin/python bench/central_import.py --cases 10000 --store .bench-stores/10000-pd-bench \\
        --base .bench-stores/100000      # into a central holding another office already

Each run imports the demo store (.bench-stores/<N>, built by bench/sync.py's demo_store
if missing) into a fresh central database (a copy of one made by `central init`) on a
PostgreSQL cluster of its own in .bench-stores/pg-import (or the server
MEDIATION_DESK_BENCH_PG names), in a child process, and drops the database after it.
Printed per run: the whole import, its split (per table, change log, indexes and checks,
ANALYZE; and the time spent in PL/pgSQL triggers, from pg_stat_user_functions), rows/s
and the child's peak memory; then min–median–max per checkout against the budget.

``--compare DIR`` runs DIR's import (an older checkout, e.g. a git worktree) alternately
with this one's, in the same run, so both see the same machine. ``--base DIR`` imports
that store into the template first: the central database then already holds another
office's cases (the two stores must be of different offices).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# bench/queue.py would shadow the standard library's queue module.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]

BUDGET_S = 120.0  # at 1,000,000 cases
DEFAULT_CASES = 1_000_000


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# ------------------------------------------------------------------ the child: one import


def child(checkout: Path, url: str, store_dir: Path) -> None:
    """One import with ``checkout``'s code; prints a JSON line with its figures."""
    sys.path.insert(0, str(checkout))
    from app.services import central_admin
    from app.services import central_import as ci
    from app.store.database import open_store

    timings: dict[str, float] = {}

    def timed(owner, name: str, label) -> None:
        original = getattr(owner, name, None)
        if original is None:
            return

        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                key = label(args)
                timings[key] = timings.get(key, 0.0) + time.perf_counter() - started

        setattr(owner, name, wrapper)

    # An import that does not split its time itself (an older checkout): time its parts
    # from outside.
    if "phases" not in ci.ImportReport.__dataclass_fields__:
        timed(ci._PostgresWriter, "rows", lambda a: f"rows {a[1]}")
        timed(ci._PostgresWriter, "changes", lambda a: "change log (COPY)")
        timed(ci, "_analyze", lambda a: "ANALYZE")

    engine = central_admin.connect_admin(url)
    store = open_store(store_dir, upgrade=False)
    try:
        started = time.perf_counter()
        report = ci.import_store(engine, store)
        wall = time.perf_counter() - started
    finally:
        store.close()
        engine.dispose()
    phases = dict(getattr(report, "phases", None) or timings)
    peak = 0.0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            peak = int(line.split()[1]) / 1024
    print(json.dumps({"seconds": wall, "rows": report.total_rows, "changes": report.changes,
                      "phases": phases, "peak_mb": peak}))


# ------------------------------------------------------------------ the parent


def template(cluster, name: str, base: Path | None) -> None:
    """A central database made by `central init` (and holding ``base``'s office)."""
    from app.services import central_admin
    from app.services.central_import import import_store
    from app.store.database import open_store
    from tests.support.pgserver import create_database, drop_database

    drop_database(cluster.admin_url, name)
    create_database(cluster.admin_url, name)
    engine = central_admin.connect_admin(cluster.database_url(name))
    try:
        central_admin.init_central(engine)
        if base is not None:
            say(f"importing the base store {base} into the template …")
            store = open_store(base, upgrade=False)
            try:
                say("  " + str(import_store(engine, store)).replace("\n", "\n  "))
            finally:
                store.close()
    finally:
        engine.dispose()


def trigger_seconds(url: str) -> dict[str, float]:
    """Time spent in PL/pgSQL functions (the triggers) during the run, by function."""
    import psycopg

    from tests.support.pgserver import conninfo

    with psycopg.connect(conninfo(url)) as conn:
        rows = conn.execute("SELECT funcname, total_time / 1000.0 FROM "
                            "pg_stat_user_functions WHERE total_time > 100 "
                            "ORDER BY total_time DESC").fetchall()
    return {name: seconds for name, seconds in rows}


def wal(cluster) -> dict[str, float]:
    """The cluster's write-ahead log so far (the run's is the difference)."""
    from tests.support.pgserver import admin_connect

    with admin_connect(cluster.admin_url) as conn:
        row = conn.execute("SELECT wal_bytes, wal_fpi, wal_buffers_full, wal_write, wal_sync, "
                           "(SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter) "
                           "FROM pg_stat_wal").fetchone()
    return dict(zip(("bytes", "fpi", "buffers_full", "writes", "syncs", "checkpoints"),
                    (float(v) for v in row), strict=True))


def one_run(cluster, checkout: Path, store_dir: Path, tmpl: str, run: int) -> dict:
    from app.sync import central as central_db
    from tests.support.pgserver import create_database, drop_database

    name = f"md_import_run_{os.getpid()}_{run}"
    create_database(cluster.admin_url, name, template=tmpl)
    url = cluster.database_url(name)
    try:
        from app.services import central_admin

        engine = central_admin.connect_admin(url)
        try:
            with engine.begin() as conn:  # as `central init` would on a copy
                central_db.secure_database(conn)
        finally:
            engine.dispose()
        wal_before = wal(cluster)
        out = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child",
                              str(checkout), url, str(store_dir)],
                             capture_output=True, text=True, cwd=checkout, check=False)
        if out.returncode != 0:
            raise SystemExit(f"the import with {checkout} failed:\n{out.stderr[-4000:]}")
        result = json.loads(out.stdout.strip().splitlines()[-1])
        result["triggers"] = trigger_seconds(url)
        result["wal"] = {k: v - wal_before[k] for k, v in wal(cluster).items()}
        return result
    finally:
        drop_database(cluster.admin_url, name)


def show(label: str, r: dict) -> None:
    rate = (r["rows"] + r["changes"]) / r["seconds"]
    print(f"  {label}: {r['seconds']:7.1f} s  {r['rows']:,} rows + {r['changes']:,} log "
          f"entries ({rate:,.0f} /s)  peak {r['peak_mb']:.0f} MB")
    for phase, seconds in sorted(r["phases"].items(), key=lambda kv: -kv[1]):
        if seconds >= 0.05:
            print(f"      {phase:<40} {seconds:7.1f} s")
    w = r["wal"]
    print(f"      write-ahead log: {w['bytes'] / 2**30:.1f} GiB ({w['fpi']:,.0f} full pages), "
          f"{w['syncs']:,.0f} syncs, {w['buffers_full']:,.0f} times its buffers were full, "
          f"{w['checkpoints']:.0f} checkpoints")
    triggers = ", ".join(f"{k} {v:.1f} s" for k, v in r["triggers"].items())
    if triggers:
        print(f"      in PL/pgSQL functions: {triggers}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=DEFAULT_CASES)
    parser.add_argument("--store", type=Path, help="the store's data folder (instead of "
                        ".bench-stores/<cases>)")
    parser.add_argument("--base", type=Path, help="a store of another office imported "
                        "into the central database first")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--compare", type=Path, help="an older checkout, run alternately")
    parser.add_argument("--child", nargs=3, metavar=("CHECKOUT", "URL", "STORE"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), args.child[1], Path(args.child[2]))
        return 0

    sys.path.insert(0, str(ROOT))
    import bench.sync as bench_sync

    store_dir = args.store
    if store_dir is None:
        partial = bench_sync.CACHE / f"{args.cases}.partial"
        if partial.exists():
            raise SystemExit(f"{partial} is being built (or was left by a killed build): "
                             "wait for it, or remove it")
        store_dir = bench_sync.demo_store(args.cases)
    # A cluster of its own: other benchmarks keep theirs (.bench-stores/pg) undisturbed.
    bench_sync.PG_DIR = bench_sync.CACHE / "pg-import"
    bench_sync.PG_SETTINGS = dict(bench_sync.PG_SETTINGS, track_functions="'pl'")
    checkouts = {"after": ROOT}
    if args.compare:
        checkouts = {"before": args.compare.resolve(), **checkouts}
    cluster = bench_sync.BenchCluster().start()
    tmpl = f"md_import_template_{os.getpid()}"
    from tests.support.pgserver import drop_database

    results: dict[str, list[dict]] = {label: [] for label in checkouts}
    try:
        template(cluster, tmpl, args.base)
        print(f"central import of {store_dir} (budget {BUDGET_S:.0f} s at 1,000,000 cases)"
              + (f" into a central database holding {args.base}" if args.base else ""))
        for run in range(args.runs):
            # Alternating, and the other way round every second run.
            order = list(checkouts.items())
            for label, checkout in order if run % 2 == 0 else order[::-1]:
                say(f"run {run + 1}/{args.runs}: {label} ({checkout}) …")
                r = one_run(cluster, checkout, store_dir, tmpl, run)
                results[label].append(r)
                show(f"run {run + 1} {label}", r)
                sys.stdout.flush()
    finally:
        drop_database(cluster.admin_url, tmpl)
        cluster.stop()
    print("summary (min – median – max):")
    for label, rs in results.items():
        if not rs:
            continue
        secs = sorted(r["seconds"] for r in rs)
        rate = statistics.median((r["rows"] + r["changes"]) / r["seconds"] for r in rs)
        scaled = statistics.median(secs) * 1_000_000 / max(args.cases, 1)
        print(f"  {label:<7} {secs[0]:7.1f} – {statistics.median(secs):7.1f} – {secs[-1]:7.1f} s"
              f"  {rate:,.0f} rows+entries/s  peak {max(r['peak_mb'] for r in rs):.0f} MB"
              f"  (≈ {scaled:.0f} s per 1,000,000 cases; budget {BUDGET_S:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
