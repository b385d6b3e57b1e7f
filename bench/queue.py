"""Benchmark: the case queue on 1,000 and 1,000,000 demo cases (DESIGN.md budgets).

    .venv/bin/python bench/queue.py                  # both sizes, stores cached in .bench-stores/
    .venv/bin/python bench/queue.py --store DIR      # one existing store (a data folder)
    .venv/bin/python bench/queue.py --encryption both --sizes 1000 100000
                                                     # plain and SQLCipher side by side

With ``--encryption on`` or ``both`` each plain demo store gets an encrypted twin
(``<size>-encrypted``: the same rows through ``sqlcipher_export``, keyed with a raw
256-bit key as the workstation keys it); ``both`` prints every figure for the two
and the ratio encrypted / plain (DESIGN.md: ≤ 1.3×).

For each store a fresh GUI process (offscreen) is timed from its start to the queue
on screen with its first page of rows; the same process then sorts by several columns,
filters and searches through the window's own model and filter bar (a worker call and
the table reset, as a click does), and reports its own peak RSS (VmHWM: not the
parent's, see bench/memory.py). Missing demo stores are
made first (1,000,000 cases take 2-3 minutes).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# This file is named like the standard library's queue module: keep its folder off the
# path (multiprocessing imports ``queue``), the project root on it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(ROOT))

from bench.memory import peak_rss_mb  # noqa: E402

OPEN_BUDGET_S = 1.5
OPEN_RATIO_BUDGET = 1.5
SORT_FILTER_BUDGET_MS = 200
SEARCH_BUDGET_MS = 150
RSS_BUDGET_MB = 400
REPEATS = 3


# ------------------------------------------------------------------ stores


def ensure_store(folder: Path, cases: int) -> Path:
    from app.demo.generator import generate_demo_data
    from app.services.search import index_state, rebuild_search_index
    from app.store.database import open_store

    if not (folder / "store.sqlite").exists():
        print(f"making a demo store of {cases:,} cases in {folder} …", file=sys.stderr,
              flush=True)
        started = time.perf_counter()
        store = open_store(folder)
        try:
            generate_demo_data(store, cases, seed=1)
        finally:
            store.close()
        print(f"  made in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    # A big demo store leaves its search index to the workstation's first open; the
    # benchmark measures a store in use, so build it here (and say how long it took).
    store = open_store(folder)
    try:
        if not index_state(store).complete:
            started = time.perf_counter()
            rebuild_search_index(store)
            print(f"  search index built in {time.perf_counter() - started:.0f} s",
                  file=sys.stderr)
    finally:
        store.close()
    return folder


BENCH_KEY_ENV = "MEDIATION_DESK_BENCH_STORE_KEY"
# Try another SQLCipher page size than the app's (the twin is made and opened with it).
PAGE_SIZE_ENV = "MEDIATION_DESK_BENCH_CIPHER_PAGE_SIZE"


def _page_size_override() -> str:
    from app.store import cipher

    size = os.environ.get(PAGE_SIZE_ENV)
    if size:
        cipher.CIPHER_PAGE_SIZE = int(size)
        return f"-p{size}"
    return ""
ENCRYPTION_RATIO_BUDGET = 1.3


def encrypted_twin(plain: Path) -> tuple[Path, bytes]:
    """The plain store's rows in an encrypted store beside it (made once), and its key.
    The key is a bench constant derived from the folder name: these are demo stores."""
    import hashlib

    from app.store import cipher, keyfile

    folder = plain.with_name(plain.name + "-encrypted" + _page_size_override())
    key = hashlib.sha256(b"bench " + plain.name.encode()).digest()
    if not (folder / "store.sqlite").exists():
        print(f"encrypting a copy of {plain} into {folder} …", file=sys.stderr, flush=True)
        started = time.perf_counter()
        work = folder.with_name(folder.name + ".partial")
        if work.exists():
            import shutil

            shutil.rmtree(work)
        work.mkdir(parents=True)
        cipher.export_encrypted(plain / "store.sqlite", work / "store.sqlite", key)
        keyfile.write_keyfile(work, keyfile.make_keyfile(key, keyfile.new_recovery_code()))
        work.rename(folder)
        print(f"  encrypted in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return folder, key


def search_targets(store_file: Path) -> dict[str, str]:
    """Query texts of each kind, taken from the newest case whose complainant has an ID
    number and a mobile phone."""
    from pypinyin import Style, lazy_pinyin

    con = sqlite3.connect(store_file)
    try:
        row = con.execute("""
            SELECT c.source_ticket, c.complainant_name, c.complainant_phone, p.id_number
            FROM cases c JOIN parties p ON p.case_id = c.id AND p.role = 'applicant'
            WHERE c.deleted = false AND p.id_type = 'resident_id'
              AND length(c.complainant_phone) = 11
            ORDER BY c.received_at DESC LIMIT 1""").fetchone()
    finally:
        con.close()
    ticket, name, phone, id_number = row
    return {
        "1-char Chinese (张)": "张",
        "2-char Chinese name": name[:2],
        "2-char word (退费)": "退费",
        "pinyin initials": "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)),
        "full pinyin": "".join(lazy_pinyin(name)),
        "phone, last four": phone[-4:],
        "phone, whole": phone,
        "ticket number": ticket,
        "ID number": id_number,
        "name + word": f"{name} 退费",
    }


# ------------------------------------------------------------------ the GUI process


def child(data_dir: Path, started: float, targets: dict[str, str]) -> dict:
    """Runs in the fresh process: open the window, time what a user does."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings

    from app.services.queue import QueueFilter, QueueQuery, QueueView, SortKey
    from app.services.reference import open_workstation
    from app.store.database import open_store
    from app.ui.app import application, install_cjk_font, wait_for
    from app.ui.main_window import MainWindow
    from app.ui.settings import upgrade_settings
    from app.ui.tasks import TaskRunner

    settings_dir = tempfile.mkdtemp(prefix="bench-settings-")
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, settings_dir)
    app = application()
    upgrade_settings()
    install_cjk_font(app)
    key = os.environ.get(BENCH_KEY_ENV)
    _page_size_override()
    store = open_store(data_dir, key=bytes.fromhex(key) if key else None)
    ws = open_workstation(store)  # the store's own user, as the app signs in
    runner = TaskRunner()
    window = MainWindow(ws, runner, store_path=store.path, remember=False)
    window.show()
    model = window.model
    shown = wait_for(window.queue_loaded, lambda: model.rowCount() > 0 and not model._opening,
                     timeout_ms=120_000)
    app.processEvents()  # paint the rows
    open_s = time.time() - started
    assert shown, "the queue did not load"
    first_view = window.sidebar.current_view()
    wait_for(window.settled, lambda: not window.loading, timeout_ms=120_000)
    result: dict = {"open_s": open_s, "first_view": first_view.value if first_view else "",
                    "rows_first_view": model.rowCount()}

    def timed(act, repeats: int = REPEATS, before=None) -> float:
        """Median ms from the request to the table showing the new rows (``before``
        runs, untimed, ahead of each)."""
        times = []
        for _ in range(repeats):
            if before is not None:
                before()
            t = time.perf_counter()
            act()
            ok = wait_for(model.loaded, lambda: not model._opening, timeout_ms=60_000)
            app.processEvents()
            times.append((time.perf_counter() - t) * 1000)
            assert ok, "a query did not finish"
        return statistics.median(times)

    window.sidebar.select_view(QueueView.ALL)
    wait_for(model.loaded, lambda: not model._opening, timeout_ms=60_000)
    result["rows_all"] = model.rowCount()
    base = QueueQuery(view=QueueView.ALL)

    def resorted(query: QueueQuery) -> None:
        """The other direction shown first (not timed): each timed query is a header
        click, another order than the one shown, not the same query again (a refresh)."""
        model.set_query(replace(query, descending=not query.descending))
        wait_for(model.loaded, lambda: not model._opening, timeout_ms=60_000)
        app.processEvents()

    sorts = {}
    for key in (SortKey.RECEIVED, SortKey.DEADLINE, SortKey.COMPLAINANT, SortKey.STATUS,
                SortKey.CATEGORY, SortKey.MEDIATOR):
        for descending in (False, True):
            query = QueueQuery(view=QueueView.ALL, sort=key, descending=descending)
            sorts[f"sort {key.value} {'desc' if descending else 'asc'}"] = timed(
                lambda q=query: model.set_query(q), before=lambda q=query: resorted(q))
    model.set_query(base)
    wait_for(model.loaded, lambda: not model._opening, timeout_ms=60_000)

    # A page deep in the list, as dragging the scroll bar to the middle asks for it.
    middle = model.rowCount() // 2
    deep = []
    for n in range(REPEATS):
        row = middle + n * 1000
        t = time.perf_counter()
        model.index(row, 0).data()
        wait_for(model.page_loaded,
                 lambda row=row: model.index(row, 0).data() != "…", timeout_ms=60_000)
        deep.append((time.perf_counter() - t) * 1000)
    sorts["page in the middle (received)"] = statistics.median(deep)

    # The page at the middle row of each sort once the query's anchors are in (a model
    # without anchors reads it by OFFSET), and how long after the first page they came.
    deep_pages = {}
    for key in (SortKey.RECEIVED, SortKey.DEADLINE, SortKey.COMPLAINANT, SortKey.STATUS,
                SortKey.CATEGORY, SortKey.MEDIATOR):
        for descending in (False, True):
            label = f"{key.value} {'desc' if descending else 'asc'}"
            times, anchored = [], []
            for n in range(REPEATS):
                t = time.perf_counter()
                model.set_query(QueueQuery(view=QueueView.ALL, sort=key,
                                           descending=descending))
                wait_for(model.loaded, lambda: not model._opening, timeout_ms=60_000)
                if hasattr(model, "anchored"):
                    wait_for(model.anchors_loaded, lambda: model.anchored, timeout_ms=60_000)
                    anchored.append((time.perf_counter() - t) * 1000)
                row = model.rowCount() // 2 + n * 1000
                t = time.perf_counter()
                model.index(row, 0).data()
                wait_for(model.page_loaded,
                         lambda row=row: model.index(row, 0).data() != "…", timeout_ms=60_000)
                times.append((time.perf_counter() - t) * 1000)
            deep_pages[f"page in the middle ({label})"] = statistics.median(times)
            if anchored:
                deep_pages[f"  open → anchors in ({label})"] = statistics.median(anchored)
    model.set_query(base)
    wait_for(model.loaded, lambda: not model._opening, timeout_ms=60_000)

    bar = window.filter_bar
    filters = {}
    filters["view 已超期"] = timed(lambda: model.set_query(
        QueueQuery(view=QueueView.OVERDUE)))
    filters["view 我的待办"] = timed(lambda: model.set_query(QueueQuery(view=QueueView.MINE)))
    model.set_query(base)
    wait_for(model.loaded, lambda: not model._opening, timeout_ms=60_000)
    filters["status 调解中"] = timed(lambda: (bar.status_button.clear(),
                                           bar.status_button.set_selected({"mediating"})))
    category = bar.category_button.options()[0] if bar.category_button.options() else ""
    filters[f"+ category {category}"] = timed(lambda: (
        bar.category_button.clear(), bar.category_button.set_selected({category})))
    tag = bar.tag_button.options()[0] if bar.tag_button.options() else ""
    filters[f"+ tag {tag}"] = timed(lambda: (
        bar.tag_button.clear(), bar.tag_button.set_selected({tag})))
    # The most common tag, with the status and category, then with the category alone.
    common = common_tag(store)
    filters[f"+ tag {common} (common)"] = timed(lambda: (
        bar.tag_button.clear(), bar.tag_button.set_selected({common})))
    bar.clear()
    wait_for(model.loaded, lambda: not model._opening, timeout_ms=60_000)
    for name in (common, tag):
        only = QueueFilter(categories=frozenset({category}), tags=frozenset({name}))
        filters[f"category {category} + tag {name}"] = timed(
            lambda only=only: model.set_query(QueueQuery(filter=only)))
    wait_for(model.loaded, lambda: not model._opening, timeout_ms=60_000)
    region = bar.region_button.options()[0] if bar.region_button.options() else ""
    filters[f"region {region}"] = timed(lambda: (
        bar.region_button.clear(), bar.region_button.set_selected({region})))
    bar.clear()
    wait_for(model.loaded, lambda: not model._opening, timeout_ms=60_000)
    march = QueueFilter(received_from=date(2026, 3, 1), received_to=date(2026, 3, 31))
    filters["received in March 2026"] = timed(lambda: model.set_query(QueueQuery(filter=march)))
    bar.clear()
    wait_for(model.loaded, lambda: not model._opening, timeout_ms=60_000)

    searches = {}
    for kind, text in targets.items():
        def search(text=text):
            bar._last_search = ""  # the same text again counts as a new search
            bar.search(text)
        ms = timed(search)
        searches[f"{kind}: {text}"] = (ms, model.rowCount(),
                                       bool(model.search_outcome and model.search_outcome.more))
    bar.clear()
    wait_for(model.loaded, lambda: not model._opening, timeout_ms=60_000)

    result.update(sorts=sorts, deep_pages=deep_pages, filters=filters, searches=searches,
                  encrypted=store.encrypted,
                  held_rows=model.held_rows(),
                  rss_mb=peak_rss_mb())
    window.close()
    runner.shutdown()
    store.close()
    return result


def common_tag(store) -> str:
    """The tag most cases carry."""
    from sqlalchemy import func, select

    from app.store.models import CaseTag

    with store.unit_of_work() as session:
        return session.scalar(select(CaseTag.tag).group_by(CaseTag.tag)
                              .order_by(func.count().desc()).limit(1))


def run_child(data_dir: Path, key: bytes | None = None,
              targets_from: Path | None = None) -> dict:
    targets = search_targets((targets_from or data_dir) / "store.sqlite")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop(BENCH_KEY_ENV, None)
    if key is not None:
        env[BENCH_KEY_ENV] = key.hex()
    started = time.time()
    proc = subprocess.run(
        [sys.executable, __file__, "--child", str(data_dir), "--started", repr(started),
         "--targets", json.dumps(targets, ensure_ascii=False)],
        capture_output=True, text=True, env=env,
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"the GUI process failed ({proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------ report


def mark(ok: bool) -> str:
    return "ok" if ok else "OVER"


def report(results: dict[str, dict]) -> int:
    over = 0
    names = list(results)
    print()
    print(f"{'':44}" + "".join(f"{n:>16}" for n in names) + "   budget")
    def line(label: str, values: list[float], budget: float | None, unit: str,
             fmt: str = "{:.0f}") -> None:
        nonlocal over
        cells = "".join(f"{(fmt.format(v) + ' ' + unit):>16}" for v in values)
        verdict = ""
        if budget is not None:
            ok = values[-1] < budget
            over += not ok
            verdict = f"   < {budget:g} {unit}  {mark(ok)} (largest store)"
        print(f"{label[:44]:44}{cells}{verdict}")

    line("open: process start → queue with rows", [r["open_s"] for r in results.values()],
         OPEN_BUDGET_S, "s", "{:.2f}")
    if len(results) > 1:
        ratio = results[names[-1]]["open_s"] / results[names[0]]["open_s"]
        ok = ratio < OPEN_RATIO_BUDGET
        over += not ok
        print(f"{'  open, largest / smallest':44}{ratio:>16.2f}   < {OPEN_RATIO_BUDGET}  {mark(ok)}")
    print(f"{'  first view (rows)':44}" + "".join(
        f"{r['first_view'] + ' ' + format(r['rows_first_view'], ','):>16}"
        for r in results.values()))
    print("sort (view 全部, median of 3)")
    for key in results[names[0]]["sorts"]:
        line("  " + key, [r["sorts"][key] for r in results.values()],
             SORT_FILTER_BUDGET_MS, "ms")
    if all("deep_pages" in r for r in results.values()):
        print("the middle row of each sort, anchors in (median of 3)")
        for key in results[names[0]]["deep_pages"]:
            line("  " + key, [r["deep_pages"][key] for r in results.values()],
                 None if "anchors in" in key else SORT_FILTER_BUDGET_MS, "ms")
    print("filter")
    for n, key in enumerate(results[names[0]]["filters"]):
        values = [list(r["filters"].values())[n] for r in results.values()]
        line("  " + key, values, SORT_FILTER_BUDGET_MS, "ms")
    print("search (count + first page, as the search box does)")
    for n, key in enumerate(results[names[0]]["searches"]):
        values = [list(r["searches"].values())[n][0] for r in results.values()]
        found = list(results[names[-1]]["searches"].values())[n]
        line(f"  {key.split(':')[0]} ({found[1]}{'+' if found[2] else ''} found)", values,
             SEARCH_BUDGET_MS, "ms")
    line("peak RSS of the GUI process", [r["rss_mb"] for r in results.values()],
         RSS_BUDGET_MB, "MB")
    print(f"{'  rows held by the model':44}" + "".join(
        f"{r['held_rows']:>16,}" for r in results.values()))
    print()
    print("all within budget" if not over else f"{over} figure(s) over budget")
    return 0 if not over else 1


def flat(result: dict) -> dict[str, float]:
    """Every timed figure of one run, by label."""
    out = {"open: process start → queue with rows (ms)": result["open_s"] * 1000}
    out.update({f"sort: {k}": v for k, v in result["sorts"].items()})
    out.update({f"deep: {k.strip()}": v for k, v in result.get("deep_pages", {}).items()})
    out.update({f"filter: {k}": v for k, v in result["filters"].items()})
    out.update({f"search: {k.split(':')[0]}": v[0] for k, v in result["searches"].items()})
    return out


def report_encryption(pairs: dict[str, tuple[dict, dict]]) -> int:
    """Plain and encrypted side by side per store size, with the ratio."""
    over = 0
    print()
    print("encrypted (SQLCipher 4, raw key) vs plain, per store size; ms")
    header = f"{'':46}" + "".join(f"{n + ' plain':>20}{'encrypted':>11}{'ratio':>7}"
                                  for n in pairs)
    print(header)
    labels = list(flat(next(iter(pairs.values()))[0]))
    worst: dict[str, float] = {}
    for label in labels:
        cells = ""
        for name, (plain, enc) in pairs.items():
            a, b = flat(plain).get(label), flat(enc).get(label)
            if a is None or b is None:
                cells += f"{'':>38}"
                continue
            ratio = b / a if a > 0.5 else 1.0  # sub-millisecond figures: noise
            worst[name] = max(worst.get(name, 0), ratio)
            cells += f"{a:>20.0f}{b:>11.0f}{ratio:>7.2f}"
        print(f"{label[:46]:46}{cells}")
    rss = "".join(f"{p['rss_mb']:>20.0f}{e['rss_mb']:>11.0f}{e['rss_mb'] / p['rss_mb']:>7.2f}"
                  for p, e in pairs.values())
    print(f"{'peak RSS of the GUI process (MB)':46}{rss}")
    for name, (plain, enc) in pairs.items():
        total_p = sum(flat(plain).values())
        total_e = sum(flat(enc).values())
        ratio = total_e / total_p
        ok = ratio <= ENCRYPTION_RATIO_BUDGET
        over += not ok
        open_ratio = enc["open_s"] / plain["open_s"]
        print(f"{name}: open {open_ratio:.2f}×, all figures summed {ratio:.2f}× "
              f"(≤ {ENCRYPTION_RATIO_BUDGET}×: {mark(ok)}); worst single figure "
              f"{worst.get(name, 0):.2f}×")
    print()
    return over


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, action="append",
                        help="an existing data folder to measure (repeatable)")
    parser.add_argument("--cache", type=Path, default=ROOT / ".bench-stores",
                        help="where the demo stores are kept")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 1_000_000])
    parser.add_argument("--encryption", choices=("off", "on", "both"), default="off",
                        help="measure plain stores, their encrypted twins, or both")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--started", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--targets", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = child(args.child, args.started, json.loads(args.targets))
        print(json.dumps(result, ensure_ascii=False))
        return 0

    # An installed workstation starts from compiled bytecode (pip compiles on install);
    # a checkout run with PYTHONDONTWRITEBYTECODE would compile every module at each
    # start instead. Compile once, as an install does.
    compileall.compile_dir(ROOT / "app", quiet=1)
    if args.store:
        folders = [ensure_store(folder, 0) for folder in args.store]
    else:
        folders = [ensure_store(args.cache / str(n), n) for n in args.sizes]
    results = {}
    encrypted = {}
    for folder in folders:
        con = sqlite3.connect(folder / "store.sqlite")
        try:
            cases = con.execute("SELECT count(*) FROM cases").fetchone()[0]
        finally:
            con.close()
        if args.encryption != "on":
            run_child(folder)  # once to warm the OS file cache, as a second start of the day
            print(f"measuring {folder} ({cases:,} cases) …", file=sys.stderr, flush=True)
            results[f"{cases:,} cases"] = run_child(folder)
        if args.encryption != "off":
            twin, key = encrypted_twin(folder)
            run_child(twin, key, targets_from=folder)
            print(f"measuring {twin} ({cases:,} cases, encrypted) …", file=sys.stderr,
                  flush=True)
            encrypted[f"{cases:,} cases"] = run_child(twin, key, targets_from=folder)
    if args.encryption == "on":
        return report(encrypted)
    over = report(results)
    if args.encryption == "both":
        over += report_encryption({n: (results[n], encrypted[n]) for n in results})
    return over


if __name__ == "__main__":
    raise SystemExit(main())
