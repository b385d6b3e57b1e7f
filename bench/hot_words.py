"""Benchmark: hot words (issue 15 budget: a month of a 1,000,000-case store < 1 s once the
incremental index is current), and the catch-up that makes the index.

    .venv/bin/python bench/hot_words.py                  # the 1,000,000-case demo store
    .venv/bin/python bench/hot_words.py --cases 100000   # another size (made if missing)
    .venv/bin/python bench/hot_words.py --cases 100000 --again   # index dropped, made anew
    .venv/bin/python bench/hot_words.py --cases 100000 --central  # on PostgreSQL (as bench/sync.py)

On the demo store of bench/queue.py (.bench-stores/<cases>; a store made before the index
is upgraded on opening and has none) the catch-up segments every case not yet indexed,
as the workstation does in the background, and prints cases/s and the index's size. Then
the hot words of the last whole month and of the last year are asked for the office,
one mediator and 我 (the demo's signed-in mediator), each the median of 5 runs, and the
cases behind the top word; each against the budget.

With ``--central`` the store is imported once into a PostgreSQL database of bench/sync.py's
cluster (.bench-stores/pg), the administrator's catch-up fills the central index, and the
district's and one office's hot words are timed there.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(ROOT))

BUDGET_S = 1.0  # a month's hot words, any scope


def _timed(fn, runs: int = 5):
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def main() -> int:
    from sqlalchemy import func, select, text

    from app.core.timeutil import china_date
    from app.services import hot_words
    from app.services.hot_words import HotWordScope
    from app.services.reference import open_workstation
    from app.store.database import open_store
    from app.store.models import Case, CaseWordDoc
    from bench.memory import peak_rss_mb

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--again", action="store_true",
                        help="drop the index first and time the whole catch-up")
    parser.add_argument("--central", action="store_true",
                        help="on a PostgreSQL central database holding the store")
    args = parser.parse_args()
    if args.central:
        return central(args)
    folder = ROOT / ".bench-stores" / str(args.cases)
    if not (folder / "store.sqlite").exists():
        from app.demo.generator import generate_demo_data

        print(f"making a demo store of {args.cases:,} cases in {folder} …", file=sys.stderr)
        store = open_store(folder)
        generate_demo_data(store, args.cases)
        store.close()
    t = time.perf_counter()
    store = open_store(folder)
    print(f"store opened (and upgraded if older) in {time.perf_counter() - t:.1f} s")
    over = 0
    try:
        if args.again:
            with store.engine.begin() as conn:
                conn.execute(text("DELETE FROM case_words"))
                conn.execute(text("DELETE FROM case_word_docs"))
        state = hot_words.index_state(store)
        print(f"index: {state.indexed:,} of {state.cases:,} live cases segmented")
        if not state.complete:
            t = time.perf_counter()
            done = hot_words.catch_up(store)
            seconds = time.perf_counter() - t
            print(f"catch-up: {done.cases:,} cases, {done.words:,} words in {seconds:.1f} s "
                  f"({done.cases / seconds:,.0f} cases/s, {done.words / seconds:,.0f} rows/s)"
                  f" — 1,000,000 cases at this rate: {1_000_000 / done.cases * seconds:.0f} s")
            t = time.perf_counter()
            again = hot_words.catch_up(store)
            print(f"catch-up when current: {again.cases} cases in "
                  f"{time.perf_counter() - t:.2f} s")
        with store.engine.connect() as conn:
            pages = conn.execute(text(
                "SELECT sum(pgsize) FROM dbstat WHERE name IN ('case_words', "
                "'ix_case_words_day_word', 'case_word_docs', 'uq_case_word_docs_case_id', "
                "'ix_case_word_docs_lexicon')")).scalar()
            rows = conn.execute(text("SELECT count(*) FROM case_words")).scalar_one()
            print(f"index size: {rows:,} word rows, {(pages or 0) / 2**20:,.0f} MB")
            newest = conn.execute(select(func.max(Case.received_at))).scalar_one()
            top_mediator = conn.execute(
                select(Case.mediator_id).where(Case.mediator_id.is_not(None))
                .group_by(Case.mediator_id).order_by(func.count().desc()).limit(1)).scalar()
            assert conn.execute(select(func.count()).select_from(CaseWordDoc)).scalar_one()
        last_day = china_date(newest).replace(day=1) - timedelta(days=1)
        month = (last_day.replace(day=1), last_day)
        year = (date(last_day.year - 1, last_day.month, 1) + timedelta(days=31), last_day)
        year = (year[0].replace(day=1), last_day)
        ws = open_workstation(store)
        scopes = (("office", HotWordScope.everything()),
                  ("one mediator", HotWordScope.mediator(top_mediator)),
                  ("我", HotWordScope.me(ws)))
        for label, (first, last) in (("month", month), ("year", year)):
            for name, scope in scopes:
                seconds, words = _timed(lambda f=first, la=last, s=scope:
                                        hot_words.hot_words(store, f, la, s))
                budgeted = label == "month"
                over += budgeted and seconds >= BUDGET_S
                top = ", ".join(f"{w.word} {w.cases}/{w.previous}" for w in words[:5])
                print(f"hot words, {label} {first}..{last}, {name:12} {seconds * 1000:7.0f} ms"
                      f"{'  budget 1 s ' + ('ok' if seconds < BUDGET_S else 'OVER') if budgeted else ''}"
                      f"  [{top}]")
        word = hot_words.hot_words(store, *month)[0].word
        seconds, ids = _timed(lambda: hot_words.cases_with_word(store, word, *month))
        print(f"cases behind {word!r} in the month: {len(ids):,} in {seconds * 1000:.0f} ms")
    finally:
        store.close()
    print(f"peak RSS {peak_rss_mb():.0f} MB")
    return 1 if over else 0


def central(args) -> int:
    from sqlalchemy import func, select, text

    from app.core.timeutil import china_date
    from app.services import central_admin, hot_words
    from app.services.hot_words import HotWordScope
    from app.store.models import Case
    from bench.sync import BenchCluster, central_database, demo_store

    cluster = BenchCluster().start()
    over = 0
    try:
        url = central_database(cluster, f"hotwords_{args.cases}", [demo_store(args.cases)])
        engine = central_admin.connect_admin(url)
        try:
            if args.again:
                with engine.begin() as conn:
                    conn.execute(text("TRUNCATE case_words, case_word_docs"))
            t = time.perf_counter()
            done = hot_words.catch_up(engine)
            seconds = time.perf_counter() - t
            if done.cases:
                print(f"central catch-up: {done.cases:,} cases, {done.words:,} words in "
                      f"{seconds:.1f} s ({done.cases / seconds:,.0f} cases/s)")
            with engine.begin() as conn:
                conn.execute(text("ANALYZE case_words; ANALYZE case_word_docs"))
                newest = conn.execute(select(func.max(Case.received_at))).scalar_one()
                office = conn.execute(select(Case.office_id).limit(1)).scalar_one()
            last_day = china_date(newest).replace(day=1) - timedelta(days=1)
            month = (last_day.replace(day=1), last_day)
            year = (date(last_day.year - 1, last_day.month, 1) + timedelta(days=31), last_day)
            year = (year[0].replace(day=1), last_day)
            for label, period in (("month", month), ("year", year)):
                for name, scope in (("district", HotWordScope.everything()),
                                    ("one office", HotWordScope.office(office))):
                    seconds, words = _timed(lambda p=period, s=scope:
                                            hot_words.hot_words(engine, *p, s))
                    budgeted = label == "month"
                    over += budgeted and seconds >= BUDGET_S
                    top = ", ".join(f"{w.word} {w.cases}/{w.previous}" for w in words[:3])
                    print(f"central hot words, {label} {period[0]}..{period[1]}, {name:10} "
                          f"{seconds * 1000:7.0f} ms  [{top}]")
        finally:
            engine.dispose()
    finally:
        cluster.stop()
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
