"""Search index rebuild: DESIGN budget, 1,000,000 cases < 30 s (issue 18, item 4).

    .venv/bin/python bench/search_index.py [--sizes 1000 1000000] [--runs 3] [--before]
        [--workers N] [--store DIR ...]

Rebuilds the index of each demo store ``.bench-stores/<size>`` (bench/queue.py makes
them; this bench never does) in a fresh process per run, as the workstation does at its
first open, the workers' start included, and prints the seconds, cases/s, the peak RSS
of that process and of its workers. With ``--before`` the sequential rebuild that this
one replaced (kept below, for this bench only) runs too, in turn with the new one, in
the same run. After each rebuild the search box's text queries are timed on the index
it made (``find_cases``, DESIGN budget < 50 ms), and the two indexes' hits compared.

Rebuilding a store's index in place leaves the same index, so other benches may keep
using the store; a run cut short rolls back.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Not bench/ itself: its queue.py would shadow the standard library's (the workers need it).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(ROOT))

from bench.memory import children_peak_rss_mb, peak_rss_mb  # noqa: E402

STORES = ROOT / ".bench-stores"
BUDGET_1M_S = 30.0
SEARCH_BUDGET_MS = 50.0
SEARCH_REPEATS = 5


# ------------------------------------------------------------------ the rebuild replaced


def old_search_document(complainant_name: str, respondent_name: str, title: str,
                        description: str, request: str) -> tuple[str, str]:
    """search.search_document before issue 18 (the same documents, made more slowly)."""
    from app.core.search_text import name_tokens, text_tokens

    names = f"{name_tokens(complainant_name)} {respondent_name} {text_tokens(respondent_name)}"
    body_text = description if title and title in description else f"{title} {description}"
    body = text_tokens(f"{body_text} {request}")
    return (" ".join(dict.fromkeys(names.split())), " ".join(dict.fromkeys(body.split())))


def sequential_rebuild(store) -> int:
    """The rebuild as it was before issue 18: tokenised in this process, 20,000 cases at
    a time, the index merging as it grows, then optimized."""
    from app.services.search import SEARCH_TABLE_DDL

    search_document = old_search_document
    con = store.connect_raw(isolation_level=None)
    try:
        con.execute("PRAGMA busy_timeout=5000")
        con.execute("BEGIN IMMEDIATE")
        try:
            con.execute("DROP TABLE case_search")
            con.execute(SEARCH_TABLE_DDL)
            con.execute("DELETE FROM case_search_keys")
            con.execute("""INSERT INTO case_search_keys (search_key, case_id)
                           SELECT row_number() OVER (ORDER BY rowid), id FROM cases
                           WHERE deleted = false ORDER BY rowid""")
            total = con.execute("SELECT count(*) FROM case_search_keys").fetchone()[0]
            done = 0
            cursor = con.execute("""SELECT complainant_name, respondent_name, title,
                    description, request FROM cases WHERE deleted = false ORDER BY rowid""")
            while rows := cursor.fetchmany(20_000):
                con.executemany("INSERT INTO case_search (rowid, names, body) VALUES (?, ?, ?)",
                                [(done + i + 1, *search_document(*fields))
                                 for i, fields in enumerate(rows)])
                done += len(rows)
            con.execute("INSERT INTO case_search (case_search) VALUES ('optimize')")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        con.close()
    return total


# ------------------------------------------------------------------ one run, in a child


def search_queries(store_file: Path) -> dict[str, str]:
    """Text queries of each kind the search box takes, from the newest case's names."""
    import sqlite3

    from pypinyin import Style, lazy_pinyin

    con = sqlite3.connect(f"file:{store_file}?mode=ro", uri=True)
    try:
        name, = con.execute("""SELECT complainant_name FROM cases
            WHERE deleted = false AND length(complainant_name) >= 2
            ORDER BY rowid DESC LIMIT 1""").fetchone()
        # Not every case names a business (a 1M store's newest did not: an empty query).
        business, = con.execute("""SELECT respondent_name FROM cases
            WHERE deleted = false AND length(respondent_name) >= 4
            ORDER BY rowid DESC LIMIT 1""").fetchone()
    finally:
        con.close()
    return {
        "1-char Chinese": "张",
        "2-char name": name[:2],
        "2-char word": "退费",
        "3+-char words": "预付卡",
        "pinyin initials": "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)),
        "full pinyin": "".join(lazy_pinyin(name)),
        "business": business[:4],
        "name + word": f"{name} 退费",
    }


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def workers_cpu_s() -> float:
    """The CPU seconds of this process's living worker processes (0 without /proc)."""
    me, ticks, total = str(os.getpid()), os.sysconf("SC_CLK_TCK"), 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if fields[1] == me and b"spawn_main" in (stat.parent / "cmdline").read_bytes():
                total += (int(fields[11]) + int(fields[12])) / ticks
        except (OSError, IndexError):
            continue
    return total


def one_run(folder: Path, kind: str, workers: int | None) -> dict:
    from app.core import parallel
    from app.services.search import find_cases, rebuild_search_index
    from app.store.database import open_store

    store = open_store(folder)
    try:
        rss_open = peak_rss_mb()
        cpu_before = cpu_s()
        started = time.perf_counter()
        if kind == "new":
            cases = rebuild_search_index(store, workers=workers)
        else:
            cases = sequential_rebuild(store)
        seconds = time.perf_counter() - started
        cpu, cpu_workers = cpu_s() - cpu_before, workers_cpu_s()
        rss, workers_rss = peak_rss_mb(), children_peak_rss_mb()
        parallel.stop_idle_workers()
        searches = {}
        for label, query in search_queries(store.path).items():
            times = []
            for _ in range(SEARCH_REPEATS):
                with store.unit_of_work() as session:
                    t0 = time.perf_counter()
                    hits = find_cases(session, query)
                    times.append((time.perf_counter() - t0) * 1000)
            digest = hashlib.sha1(b"".join(i.bytes for i in hits.case_ids)).hexdigest()[:12]
            searches[label] = {"query": query, "first_ms": times[0],
                               "median_ms": statistics.median(times), "hits": len(hits.case_ids),
                               "more": hits.more, "digest": digest}
    finally:
        store.close()
    return {"kind": kind, "cases": cases, "seconds": seconds, "cpu_s": cpu,
            "workers_cpu_s": cpu_workers, "rss_open_mb": rss_open,
            "rss_mb": rss, "workers_rss_mb": workers_rss, "searches": searches}


def run_child(folder: Path, kind: str, workers: int | None) -> dict:
    command = [sys.executable, __file__, "--child", kind, "--store", str(folder)]
    if workers is not None:
        command += ["--workers", str(workers)]
    out = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


# ------------------------------------------------------------------ the report


def spread(values: list[float], fmt: str = "{:.1f}") -> str:
    return "–".join(fmt.format(v) for v in (min(values), statistics.median(values), max(values)))


def report(folder: Path, runs: dict[str, list[dict]]) -> None:
    size = runs["new"][0]["cases"]
    print(f"\n{folder}: {size:,} cases indexed (min–median–max of {len(runs['new'])} runs)")
    for kind, label in (("old", "before (sequential)"), ("new", "after (workers)")):
        if not runs.get(kind):
            continue
        rs = runs[kind]
        seconds = [r["seconds"] for r in rs]
        rate = [r["cases"] / r["seconds"] for r in rs]
        workers = [max(r["workers_rss_mb"], default=0.0) for r in rs]
        budget = f"  (budget {BUDGET_1M_S:.0f} s at 1M)" if size >= 1_000_000 else ""
        print(f"  {label:22} {spread(seconds, '{:.2f}')} s, "
              f"{spread(rate, '{:,.0f}')} cases/s{budget}")
        print(f"  {'':22} CPU {spread([r['cpu_s'] for r in rs])} s here, "
              f"{spread([r['workers_cpu_s'] for r in rs])} s in the workers "
              "(their start included)")
        print(f"  {'':22} peak RSS {spread([r['rss_mb'] for r in rs], '{:.0f}')} MB "
              f"(after opening the store {spread([r['rss_open_mb'] for r in rs], '{:.0f}')}),"
              f" workers {spread(workers, '{:.0f}')} MB each at most "
              f"({len(rs[-1]['workers_rss_mb'])} workers)")
    if runs.get("old"):
        old = statistics.median(r["seconds"] for r in runs["old"])
        new = statistics.median(r["seconds"] for r in runs["new"])
        print(f"  median before → after: {old:.2f} s → {new:.2f} s ({old / new:.1f}× faster)")
    print(f"  search on the rebuilt index, find_cases, median of {SEARCH_REPEATS} "
          f"(budget {SEARCH_BUDGET_MS:.0f} ms); worst run shown")
    kinds = [k for k in ("old", "new") if runs.get(k)]
    for label in runs["new"][0]["searches"]:
        cells = []
        for kind in kinds:
            found = [r["searches"][label] for r in runs[kind]]
            cells.append(f"{kind} {max(f['median_ms'] for f in found):6.1f} ms")
        last = runs["new"][-1]["searches"][label]
        same = ""
        if "old" in kinds:
            digests = {r["searches"][label]["digest"] for k in kinds for r in runs[k]}
            same = "  same hits" if len(digests) == 1 else "  HITS DIFFER"
        print(f"    {label:16} {last['query']!s:14} {', '.join(cells)}  "
              f"{last['hits']}{'+' if last['more'] else ''} hits{same}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before", action="store_true",
                        help="time the sequential rebuild too, in turn with the new one")
    parser.add_argument("--workers", type=int, default=None,
                        help="the rebuild's worker processes (default: one per core)")
    parser.add_argument("--child", choices=("new", "old"), help=argparse.SUPPRESS)
    parser.add_argument("--store", type=Path, action="append",
                        help="a store folder to use instead of the sizes' demo stores")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(one_run(args.store[0], args.child, args.workers)))
        return
    for folder in args.store or [STORES / str(size) for size in args.sizes]:
        if not (folder / "store.sqlite").exists():
            print(f"\n{folder}: no store (bench/queue.py makes the demo ones); skipped")
            continue
        runs: dict[str, list[dict]] = {"new": [], "old": []}
        for n in range(args.runs):
            # In turn, each first every other run: the machine's drift touches both.
            order = ["new"] + (["old"] if args.before else [])
            for kind in (order if n % 2 else order[::-1]):
                result = run_child(folder, kind, args.workers)
                runs[kind].append(result)
                print(f"  {folder.name} {kind} run {n + 1}: {result['seconds']:.2f} s",
                      file=sys.stderr, flush=True)
        report(folder, runs)


if __name__ == "__main__":
    main()
