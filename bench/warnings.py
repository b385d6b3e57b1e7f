"""Benchmark: early warnings (预警) checked for a batch of work orders, as an import of
thousands of them checks them in its own transaction (issue 15 item 4).

    .venv/bin/python bench/warnings.py                  # the 100,000-case demo store
    .venv/bin/python bench/warnings.py --cases 30000 --batch 5000

On the demo store of bench/queue.py (.bench-stores/<cases>, made if missing) the newest
``--batch`` cases are checked against every rule at once, then one case (an intake).
Each runs in a transaction that is rolled back, so the store is left as it was. Prints
seconds, statements and warnings against the budget (a goal, never a test): the
import's 100,000 rows take < 20 s in all, so checking 10,000 of them < 2 s.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(ROOT))

BUDGET_S_PER_10K = 2.0


def main() -> int:
    from sqlalchemy import event, select

    from app.core.timeutil import utcnow
    from app.core.users import UserRole
    from app.services import warnings
    from app.services.reference import open_workstation
    from app.store.database import open_store
    from app.store.models import Case
    from bench.memory import peak_rss_mb

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=10_000)
    args = parser.parse_args()
    folder = ROOT / ".bench-stores" / str(args.cases)
    if not (folder / "store.sqlite").exists():
        from app.demo.generator import generate_demo_data

        print(f"making a demo store of {args.cases:,} cases in {folder} …", file=sys.stderr)
        store = open_store(folder)
        generate_demo_data(store, args.cases)
        store.close()
    store = open_store(folder)
    ws = open_workstation(store)
    ws.actor = replace(ws.actor, role=UserRole.ADMIN)
    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute",
                 lambda _c, _cur, statement, *_a: statements.append(statement))
    over = 0
    try:
        with store.sessions() as session:
            newest = session.scalars(select(Case.id).where(
                Case.office_id == ws.actor.office_id, Case.deleted.is_(False))
                .order_by(Case.received_at.desc()).limit(args.batch)).all()
        # The demo's newest work orders are "now" for the rules' windows.
        with store.sessions() as session:
            latest = session.scalar(select(Case.received_at).order_by(
                Case.received_at.desc()).limit(1)) or utcnow()
        ws.now = lambda: latest
        for label, ids, budget in (
                (f"a batch of {len(newest):,}", newest, BUDGET_S_PER_10K * len(newest) / 10_000),
                ("one intake", newest[:1], 0.05)):
            session = store.sessions()
            try:
                with session.begin():
                    statements.clear()
                    t = time.perf_counter()
                    result = warnings.check_cases(ws, session, ids)
                    seconds = time.perf_counter() - t
                    session.rollback()
            finally:
                session.close()
            over += seconds >= budget
            print(f"{label:22} {seconds:7.3f} s, {len(statements):4} statements, "
                  f"{result.raised:5} warnings raised; budget {budget:.2f} s "
                  f"{'ok' if seconds < budget else 'OVER'}")
    finally:
        store.close()
    print(f"peak RSS {peak_rss_mb():.0f} MB")
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
