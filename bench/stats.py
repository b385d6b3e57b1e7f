"""Benchmark: the supervisor's figures for a year (DESIGN.md: < 1 s on 1,000,000 cases
in the local store; issue 15).

    .venv/bin/python bench/stats.py                 # a 100,000-case demo store in .bench-stores/
    .venv/bin/python bench/stats.py --store DIR     # an existing store (a data folder)
    .venv/bin/python bench/stats.py --cases 1000000
    .venv/bin/python bench/stats.py --central       # the central PostgreSQL, 5,000,000 cases

Prints, for the store's busiest year: every KPI (and the period before), every
breakdown and the monthly trend beside last year, each part's time, and the total
against the budget (best of 3, warm).

With ``--central`` (bench/stats_central.py): a central PostgreSQL holding 5,000,000 cases of
10 offices, built once in .bench-stores/central-5m-pg (its build and summary times
printed); one office's year (as the administrator and as the office's supervisor through
row-level security) and the district's year, from the summaries and plain, against the
budgets (one office's year < 1 s, the district's < 3 s). ``--cases N`` there: another
size (a database of its own); ``--no-plain`` leaves the plain counts out.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# bench/queue.py would shadow the standard library's queue module.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(ROOT))

BUDGET_S = 1.0  # at 1,000,000 cases
TILES_BUDGET_S = 1.5
REPEATS = 3


def ensure_store(folder: Path, cases: int) -> Path:
    from app.demo.generator import generate_demo_data
    from app.store.database import open_store

    if not (folder / "store.sqlite").exists():
        print(f"making a demo store of {cases:,} cases in {folder} …", file=sys.stderr)
        store = open_store(folder)
        try:
            generate_demo_data(store, cases, seed=1)
        finally:
            store.close()
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path)
    parser.add_argument("--cases", type=int, default=None)
    parser.add_argument("--central", action="store_true",
                        help="on a central PostgreSQL (5,000,000 cases of 10 offices)")
    parser.add_argument("--runs", type=int, default=5, help="--central: timed runs")
    parser.add_argument("--plain-runs", type=int, default=3,
                        help="--central: timed runs of the plain counts")
    parser.add_argument("--no-plain", action="store_true")
    parser.add_argument("--summary-only", action="store_true",
                        help="leave out the plain queries (minutes at 1,000,000 cases)")
    args = parser.parse_args()
    if args.central:
        return central(args)
    args.cases = args.cases or 100_000
    folder = args.store or ensure_store(ROOT / ".bench-stores" / str(args.cases), args.cases)

    from sqlalchemy import func, select, text

    from app.core.stats import Granularity, StatsRange, StatsScope
    from app.services import dashboard, stats, stats_summary
    from app.services.reference import open_workstation
    from app.store.database import open_store
    from app.store.models import Case

    store = open_store(folder)
    try:
        ws = open_workstation(store)
        with store.unit_of_work() as session:
            total = session.scalar(select(func.count()).select_from(Case))
            newest = session.scalar(select(func.max(Case.received_at)))
        year = StatsRange.year(newest.year - 1 if newest.month < 7 else newest.year)
        scope = stats.desk_scope(ws, StatsScope.parse("office"))
        print(f"{total:,} cases; the year {year.start:%Y} ({folder})")
        started = time.perf_counter()
        built = stats_summary.catch_up(store)
        print(f"  building the summaries: {built:,} dirty office-days in "
              f"{time.perf_counter() - started:.1f} s (once; in the background after start)")

        def parts_of(kpis, breakdown, trend):
            return {
                "KPIs (this period and the one before)": lambda c: (
                    kpis(c, year, scope, now=ws.now()),
                    kpis(c, year.previous(), scope, now=ws.now())),
                **{f"breakdown {d.value}": (lambda c, d=d: breakdown(
                    c, d, year, scope, now=ws.now())) for d in stats.BREAKDOWNS},
                "trend by month beside last year": lambda c: trend(
                    c, year, scope, Granularity.MONTH, now=ws.now()),
            }

        ways = {"plain": parts_of(stats.plain_kpis, stats.plain_breakdown, stats.plain_trend),
                "summary": parts_of(stats.kpis, stats.breakdown, stats.trend)}
        if args.summary_only:
            del ways["plain"]
        best: dict[tuple[str, str], float] = {}
        for _ in range(REPEATS):
            for way, parts in ways.items():
                with store.unit_of_work() as session:
                    conn = session.connection()
                    for name, part in parts.items():
                        started = time.perf_counter()
                        part(conn)
                        took = time.perf_counter() - started
                        best[way, name] = min(best.get((way, name), took), took)
        print(f"  {'':<42} " + " ".join(f"{way:>9}" for way in ways))
        for name in ways["summary"]:
            print(f"  {name:<42} " + " ".join(f"{best[way, name] * 1000:6.0f} ms"
                                               for way in ways))
        for way in ways:
            whole = sum(t for (w, _), t in best.items() if w == way)
            scaled = whole * 1_000_000 / max(total, 1)
            print(f"all figures for a year, {way}: {whole:.2f} s on {total:,} cases "
                  f"(≈ {scaled:.2f} s scaled linearly to 1,000,000; budget {BUDGET_S:.1f} s "
                  f"at 1,000,000)")
        tiles = []
        for _ in range(REPEATS):
            with store.unit_of_work() as session:  # one changed case: its day is dirty
                session.execute(text("UPDATE cases SET amount_recovered_fen = "
                                     "coalesce(amount_recovered_fen, 0) WHERE id = "
                                     "(SELECT id FROM cases ORDER BY received_at DESC LIMIT 1)"))
            started = time.perf_counter()
            dashboard.tiles(ws, year, StatsScope.parse("office"))
            tiles.append(time.perf_counter() - started)
        print(f"dashboard open to first tiles (dashboard.tiles, one day dirty): "
              f"{min(tiles) * 1000:.0f} ms (budget {TILES_BUDGET_S:.1f} s at 1,000,000)")
    finally:
        store.close()
    return 0


def central(args) -> int:
    import bench.sync as bench_sync
    from bench import stats_central

    args.cases = args.cases or 5_000_000
    # Its own cluster (the 5,000,000 cases need room and settings of their own).
    bench_sync.PG_DIR = bench_sync.CACHE / os.environ.get("MEDIATION_DESK_BENCH_STATS_PG",
                                                          "central-5m-pg")
    # Less WAL kept than bench/sync.py's cluster: the load is one 5,000,000-row transaction.
    bench_sync.PG_SETTINGS = dict(bench_sync.PG_SETTINGS, max_wal_size="2GB")
    cluster = bench_sync.BenchCluster().start()
    try:
        return stats_central.run(cluster, args, bench_sync.say)
    finally:
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
