"""Benchmark: the demo-data generator on a fresh store (issue: 1,000,000 cases < 180 s).

    .venv/bin/python bench/demo_data.py [--cases 1000000] [--workers N] [--keep DIR]

Prints cases/s and rows/s, where the time went, and the store's size, against the
budget. The store goes to a temporary folder unless --keep names one (the queue
benchmark reuses such a store).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

# bench/queue.py would shadow the standard library's queue module: keep bench/ off the
# path, the project root on it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.demo.generator import generate_demo_data  # noqa: E402
from app.store.database import open_store  # noqa: E402

BUDGET_SECONDS = 180.0  # for 1,000,000 cases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=None,
                        help="processes building rows (default: one per core, up to 4)")
    parser.add_argument("--keep", type=Path, help="write the store here and keep it")
    args = parser.parse_args()

    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-demo-"))
    if args.keep and (folder / "store.sqlite").exists():
        print(f"{folder} already holds a store; pick an empty folder", file=sys.stderr)
        return 2
    started = time.perf_counter()
    store = open_store(folder)
    try:
        summary = generate_demo_data(store, args.cases, seed=args.seed, workers=args.workers)
    finally:
        store.close()
    seconds = time.perf_counter() - started
    size = sum(f.stat().st_size for f in folder.iterdir() if f.is_file())

    budget = BUDGET_SECONDS * args.cases / 1_000_000
    print(f"demo data: {summary.cases:,} cases, {summary.rows:,} rows "
          f"(parties {summary.parties:,}, sessions {summary.sessions:,}, notes {summary.notes:,}, "
          f"follow-ups {summary.follow_ups:,}, pauses {summary.pauses:,}, "
          f"documents {summary.documents:,}, "
          f"audit events {summary.audit_events:,})")
    print(f"  total       {seconds:8.1f} s   budget {budget:.0f} s "
          f"({'within' if seconds < budget else 'OVER'} budget)")
    print(f"  throughput  {summary.cases / seconds:10,.0f} cases/s  "
          f"{summary.rows / seconds:10,.0f} rows/s")
    for phase, spent in summary.phase_seconds.items():
        print(f"  {phase:<28} {spent:7.1f} s")
    print(f"  store size  {size / 2**20:8.0f} MiB in {folder}")
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return 0 if seconds < budget else 1


if __name__ == "__main__":
    raise SystemExit(main())
