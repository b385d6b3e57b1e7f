"""Benchmark: the supervisor's figures for a year (DESIGN.md: < 1 s on 1,000,000 cases
in the local store; issue 15).

    .venv/bin/python bench/stats.py                 # a 100,000-case demo store in .bench-stores/
    .venv/bin/python bench/stats.py --store DIR     # an existing store (a data folder)
    .venv/bin/python bench/stats.py --cases 1000000

Prints, for the store's busiest year: every KPI (and the period before), every
breakdown and the monthly trend beside last year, each part's time, and the total
against the budget (best of 3, warm).

Not done yet: the central PostgreSQL run with 5,000,000 cases of 10 offices (budgets:
one office's year < 1 s, the district's < 3 s).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BUDGET_S = 1.0  # at 1,000,000 cases
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
    parser.add_argument("--cases", type=int, default=100_000)
    args = parser.parse_args()
    folder = args.store or ensure_store(ROOT / ".bench-stores" / str(args.cases), args.cases)

    from sqlalchemy import func, select

    from app.core.stats import Granularity, StatsRange, StatsScope
    from app.services import stats
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
        parts = {
            "KPIs (this period and the one before)": lambda c: (
                stats.kpis(c, year, scope, now=ws.now()),
                stats.kpis(c, year.previous(), scope, now=ws.now())),
            **{f"breakdown {d.value}": (lambda c, d=d: stats.breakdown(
                c, d, year, scope, now=ws.now())) for d in stats.BREAKDOWNS},
            "trend by month beside last year": lambda c: stats.trend(
                c, year, scope, Granularity.MONTH, now=ws.now()),
        }
        print(f"{total:,} cases; the year {year.start:%Y} ({folder})")
        best: dict[str, float] = {}
        for _ in range(REPEATS):
            with store.unit_of_work() as session:
                conn = session.connection()
                for name, part in parts.items():
                    started = time.perf_counter()
                    part(conn)
                    took = time.perf_counter() - started
                    best[name] = min(best.get(name, took), took)
        for name, took in best.items():
            print(f"  {name:<42} {took * 1000:8.0f} ms")
        whole = sum(best.values())
        scaled = whole * 1_000_000 / max(total, 1)
        print(f"all figures for a year: {whole:.2f} s on {total:,} cases "
              f"(≈ {scaled:.1f} s scaled linearly to 1,000,000; budget {BUDGET_S:.1f} s "
              f"at 1,000,000) {'OK' if total >= 1_000_000 and whole < BUDGET_S else ''}")
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
