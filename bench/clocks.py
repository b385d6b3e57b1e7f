"""Benchmark: every open case's clocks recomputed after a calendar change (issue 13:
1,000,000 cases < 60 s).

    .venv/bin/python bench/clocks.py                 # the 1,000,000-case demo store
    .venv/bin/python bench/clocks.py --cases 100000  # another size (made if missing)

On the demo store of bench/queue.py (.bench-stores/<cases>) the administrator makes a
working day three weeks ahead a holiday, as a new notice would, and every open case is
recomputed; then the change is taken back and recomputed again, leaving the store as
it was. Prints open cases, changed cases, seconds and cases/s against the budget.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(ROOT))

BUDGET_S_PER_MILLION = 60.0


def main() -> int:
    from app.core.timeutil import china_today
    from app.core.users import UserRole
    from app.services import calendar_admin, clocks
    from app.services.reference import open_workstation
    from app.store.database import open_store
    from bench.memory import peak_rss_mb

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    args = parser.parse_args()
    folder = ROOT / ".bench-stores" / str(args.cases)
    if not (folder / "store.sqlite").exists():
        from app.demo.generator import generate_demo_data

        print(f"making a demo store of {args.cases:,} cases in {folder} …", file=sys.stderr)
        store = open_store(folder)
        generate_demo_data(store, args.cases)
        store.close()
    started = time.perf_counter()
    store = open_store(folder)
    # The demo store signs in a mediator; the calendar is the administrator's to change.
    ws = open_workstation(store)
    ws.actor = replace(ws.actor, role=UserRole.ADMIN)
    print(f"store opened in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    day = china_today(ws.now()) + timedelta(days=21)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    year = calendar_admin.year(ws, day.year)
    if year is None:
        print(f"the store has no calendar for {day.year}", file=sys.stderr)
        return 2
    budget = BUDGET_S_PER_MILLION * args.cases / 1_000_000
    over = 0
    try:
        for label, changed_year in ((f"{day} made a holiday", replace(
                year, holidays=year.holidays | {day})), ("taken back", year)):
            calendar_admin.save_year(ws, changed_year)
            t = time.perf_counter()
            summary, _ = clocks.recompute_open_clocks(ws)
            seconds = time.perf_counter() - t
            over += seconds >= budget
            print(f"{label:28} {summary.checked:>9,} open cases, {summary.changed:>8,} changed "
                  f"in {seconds:6.1f} s ({summary.checked / seconds:,.0f} cases/s); "
                  f"budget {budget:.0f} s {'ok' if seconds < budget else 'OVER'}")
    finally:
        store.close()
    print(f"peak RSS {peak_rss_mb():.0f} MB")
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
