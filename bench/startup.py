"""Benchmark: cold start — process start to the queue's first rows, and where it goes.

    .venv/bin/python bench/startup.py                    # 1,000 and 1,000,000 cases, 5 runs
    .venv/bin/python bench/startup.py --runs 3 --sizes 1000
    .venv/bin/python bench/startup.py --compare /tmp/startup-before
                                       # that checkout's app and this one's, run alternately

Each run is a fresh GUI process (offscreen) that starts the workstation as the
``mediation-desk --data-dir STORE`` script does (``app.cli.main``) and is timed from the
parent's spawn until the queue shows rows: the readiness signal of bench/queue.py
(``window.queue_loaded`` with rows in the model, then one processEvents to paint).
The process marks each step of run_gui by wrapping its module-level functions as soon
as app.ui.app has loaded (the app is not changed): interpreter start; imports with the
command line; QApplication; log, settings and fonts; store open with its checks;
sign-in; window built (the first query starts there, in a worker); shown; rows;
painted. A second process per run runs under ``-X importtime``: its import times by
top-level package and by step. That instrument slows every import, so read its figures
as shares, the plain runs for time.

Budgets (DESIGN.md): rows < 1.0 s after start on 1,000,000 cases, and < 1.5× the time on
1,000 cases. Demo stores are those of bench/queue.py (made by it when missing).
"""

from __future__ import annotations

# Kept to what the interpreter has loaded anyway: the child imports this module first,
# and anything more would be counted as the app's.
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OPEN_BUDGET_S = 1.0
OPEN_RATIO_BUDGET = 1.5
PHASE = "startup-phase: "  # stderr lines between -X importtime's, naming the step

# Steps in order: the name of each mark and what the time up to it is spent on.
STEPS = (
    ("interpreter", "interpreter start"),
    ("imports", "imports, command line"),
    ("application", "command line + QApplication"),
    ("setup", "log, settings, fonts, temp folder"),
    ("store", "store open (with its checks)"),
    ("workstation", "sync mode, sign-in"),
    ("window", "main window built (query starts)"),
    ("shown", "window shown"),
    ("rows", "waiting for the first rows"),
    ("painted", "rows painted"),
)


# ------------------------------------------------------------------ the child process


def child(started: float, entered: float, data_dir: str) -> None:
    """In the fresh process (see BOOT): start the workstation, mark each step."""
    marks: dict[str, float] = {"interpreter": entered}

    def mark(name: str) -> None:
        marks[name] = time.time()
        os.write(2, f"{PHASE}{name}\n".encode())

    os.write(2, f"{PHASE}interpreter\n".encode())
    settings_dir = os.environ["STARTUP_BENCH_SETTINGS"]
    query: list[float] = []
    result: dict = {}

    def after(fn, name: str):
        def wrapped(*args, **kwargs):
            value = fn(*args, **kwargs)
            mark(name)
            return value
        return wrapped

    def before(fn, name: str):
        def wrapped(*args, **kwargs):
            mark(name)
            return fn(*args, **kwargs)
        return wrapped

    def patch(gui) -> None:
        """Mark run_gui's steps, as soon as app.ui.app has loaded (before it runs)."""
        from PySide6.QtCore import QSettings, QTimer
        from PySide6.QtWidgets import QApplication

        for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
            QSettings.setPath(fmt, QSettings.Scope.UserScope, settings_dir)
        gui.run_gui = before(gui.run_gui, "imports")
        gui.application = after(gui.application, "application")
        gui.open_for_gui = after(before(gui.open_for_gui, "setup"), "store")
        gui.open_for_mode = after(gui.open_for_mode, "workstation")
        gui.MainWindow = after(gui.MainWindow, "window")

        # The first query's own time in its worker (a renamed function is not timed).
        queue_model = sys.modules.get("app.ui.queue.queue_model")
        open_queue = getattr(queue_model, "open_queue", None)
        if open_queue is not None:
            def timed_open_queue(*args, **kwargs):
                t = time.time()
                try:
                    return open_queue(*args, **kwargs)
                finally:
                    if not query:
                        query.extend((t, time.time()))
            queue_model.open_queue = timed_open_queue

        check_store_later = gui.check_store_later

        def shown_then_wait(window, runner, store) -> None:
            # run_gui calls this right after window.show(), before its event loop.
            mark("shown")
            check_store_later(window, runner, store)
            model = window.model
            timeout = int(os.environ.get("STARTUP_BENCH_TIMEOUT_MS", 120_000))
            ok = gui.wait_for(
                window.queue_loaded,
                lambda: model.rowCount() > 0 and not getattr(model, "_opening", False),
                timeout_ms=timeout)
            mark("rows")
            QApplication.processEvents()  # paint the rows
            mark("painted")
            cpu = os.times()
            result.update(cpu=cpu.user + cpu.system, ok=ok, rows=model.rowCount(), app_file=gui.__file__,
                          modules=sorted(sys.modules))
            QTimer.singleShot(0, window.close)  # then run_gui closes down as after a quit

        gui.check_store_later = shown_then_wait

    sys.meta_path.insert(0, PatchAfterLoad("app.ui.app", patch))
    from app.cli import main  # what the `mediation-desk` script runs

    code = main(["--data-dir", data_dir])
    import json

    result.update(code=code, started=started,
                  marks={name: t - started for name, t in marks.items()},
                  query=[t - started for t in query])
    print(json.dumps(result), flush=True)


class PatchAfterLoad:
    """An import finder that lets the others find one module, and patches the module
    once it has run: the start is not changed otherwise, nor its order."""

    def __init__(self, name: str, patch) -> None:
        self.name, self.patch = name, patch

    def find_spec(self, fullname: str, path, target=None):
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        from importlib.util import find_spec

        spec = find_spec(fullname)
        exec_module = spec.loader.exec_module

        def exec_and_patch(module) -> None:
            exec_module(module)
            self.patch(module)

        spec.loader.exec_module = exec_and_patch
        return spec


# The child's first lines: the clock read before anything is imported; the rest of this
# file from its compiled copy (compileall, as for the app), not compiled again each run.
BOOT = """\
import time; entered = time.time()
import sys
from importlib.util import spec_from_file_location, module_from_spec
spec = spec_from_file_location("startup_bench", sys.argv[1])
bench = module_from_spec(spec); spec.loader.exec_module(bench)
bench.child(float(sys.argv[2]), entered, sys.argv[3])
"""


# ------------------------------------------------------------------ the parent


def run_once(tree: str, data_dir, importtime: bool) -> dict:
    import json
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory(prefix="startup-bench-") as scratch:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
               "STARTUP_BENCH_SETTINGS": os.path.join(scratch, "settings"),
               "MEDIATION_DESK_LOG_DIR": os.path.join(scratch, "log"),
               "TMPDIR": scratch}
        args = [sys.executable, *(["-X", "importtime"] if importtime else []), "-c", BOOT,
                os.path.abspath(__file__)]
        started = time.time()
        # The measured tree is the working directory: it comes first on sys.path ('').
        proc = subprocess.run([*args, repr(started), str(data_dir)], cwd=tree, env=env,
                              capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-5000:])
        raise SystemExit(f"the GUI process failed ({proc.returncode})")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    if not result.get("ok"):
        raise SystemExit(f"the queue did not show rows in {data_dir}")
    if not os.path.realpath(result["app_file"]).startswith(os.path.realpath(tree) + os.sep):
        raise SystemExit(f"the child ran {result['app_file']}, not the app of {tree}")
    if importtime:
        result["imports"] = import_split(proc.stderr)
    return result


def package_of(module: str) -> str:
    """Where an import's time is counted: app by layer, Qt as one, the rest by top name."""
    top = module.split(".")[0]
    if top == "app":
        return ".".join(module.split(".")[:2])
    if top in ("PySide6", "shiboken6", "shibokensupport"):
        return "PySide6"
    if top in ("jieba", "rjieba"):
        return "jieba/rjieba"
    if top in sys.stdlib_module_names or top.startswith("_"):
        return "stdlib"
    return top


def import_split(stderr: str) -> dict:
    """Self time (ms) of each import up to the painted rows, by package and by step."""
    by_package: dict[str, float] = {}
    by_step: dict[str, float] = {}
    step = "interpreter"
    for line in stderr.splitlines():
        if line.startswith(PHASE):
            name = line[len(PHASE):]
            if name == "painted":
                break
            # Time spent after a mark belongs to the next step: named when it comes.
            step = next_step(name)
            continue
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _cumulative, module = line.split(":", 1)[1].split("|")
        ms = int(self_us) / 1000
        by_package[package_of(module.strip())] = by_package.get(package_of(module.strip()),
                                                                0) + ms
        by_step[step] = by_step.get(step, 0) + ms
    return {"package": by_package, "step": by_step}


def next_step(name: str) -> str:
    names = [n for n, _label in STEPS]
    return names[min(names.index(name) + 1, len(names) - 1)]


def durations(result: dict) -> dict[str, float]:
    """Seconds of each step (from the mark before it), the total, and the query."""
    out = {}
    previous = 0.0
    for name, _label in STEPS:
        t = result["marks"].get(name)
        if t is not None:
            out[name] = t - previous
            previous = t
    out["total"] = result["marks"]["painted"]
    out["cpu"] = result.get("cpu", float("nan"))
    if result["query"]:
        start, end = result["query"]
        out["query"] = end - start
        out["query_from_start"] = end
    return out


def spread(values: list[float], scale: float = 1.0, fmt: str = "{:.2f}") -> str:
    import statistics

    if not values:
        return "–"
    values = [v * scale for v in values]
    return "–".join(fmt.format(v) for v in (min(values), statistics.median(values),
                                             max(values)))


def median(values: list[float]) -> float:
    import statistics

    return statistics.median(values) if values else float("nan")


def report(runs: dict[tuple[str, str], list[dict]], timed: dict[tuple[str, str], list[dict]],
           columns: list[tuple[str, str]], names: dict[str, str]) -> int:
    """Steps in ms, totals in s: min–median–max per column (a tree and a store)."""
    width = 22
    over = 0
    head = "".join(f"{names[tree] + ' ' + size:>{width}}" for tree, size in columns)
    print()
    print(f"cold start, {len(next(iter(runs.values())))} fresh processes each: "
          f"min–median–max")
    print(f"{'step (ms, from the mark before)':40}{head}")
    steps = {col: [durations(r) for r in runs[col]] for col in columns}
    for name, label in STEPS:
        cells = "".join(f"{spread([d[name] for d in steps[col] if name in d], 1000, '{:.0f}'):>{width}}"
                        for col in columns)
        print(f"  {label:38}{cells}")
    cells = "".join(f"{spread([d['query'] for d in steps[col] if 'query' in d], 1000, '{:.0f}'):>{width}}"
                    for col in columns)
    print(f"  {'(first query, in its worker)':38}{cells}")
    cells = "".join(f"{spread([d['total'] for d in steps[col]]):>{width}}" for col in columns)
    print(f"{'open: process start → rows painted (s)':40}{cells}")
    # CPU time is less swayed by other processes on a shared machine than wall time.
    cells = "".join(f"{spread([d['cpu'] for d in steps[col]]):>{width}}" for col in columns)
    print(f"{'  CPU time of the process by then (s)':40}{cells}")

    sizes = sorted({size for _tree, size in columns}, key=lambda s: int(s.replace(",", "")))
    trees = list(dict.fromkeys(tree for tree, _size in columns))
    largest, smallest = sizes[-1], sizes[0]
    for tree in trees:
        total = median([d["total"] for d in steps[(tree, largest)]])
        ok = total < OPEN_BUDGET_S
        line = f"{names[tree] + ': ' if names[tree] else ''}{largest} cases {total:.2f} s " \
               f"(median) < {OPEN_BUDGET_S} s {'ok' if ok else 'OVER'}"
        if tree == trees[-1]:
            over += not ok
        if len(sizes) > 1:
            ratio = total / median([d["total"] for d in steps[(tree, smallest)]])
            ok = ratio < OPEN_RATIO_BUDGET
            if tree == trees[-1]:
                over += not ok
            line += f"; {largest} / {smallest}: {ratio:.2f}× < {OPEN_RATIO_BUDGET}× " \
                    f"{'ok' if ok else 'OVER'}"
        print(line)
    if len(trees) == 2:
        for size in sizes:
            a = median([d["total"] for d in steps[(trees[0], size)]])
            b = median([d["total"] for d in steps[(trees[1], size)]])
            cpu_a = median([d["cpu"] for d in steps[(trees[0], size)]])
            cpu_b = median([d["cpu"] for d in steps[(trees[1], size)]])
            print(f"{size} cases: {names[trees[0]]} {a:.2f} s → {names[trees[1]]} {b:.2f} s "
                  f"(medians, {b - a:+.2f} s); CPU {cpu_a:.2f} s → {cpu_b:.2f} s")

    if not any(r["imports"]["package"] for col in columns for r in timed[col]):
        print()
        print("all within budget" if not over else f"{over} figure(s) over budget")
        return 0 if not over else 1
    print()
    print("imports under -X importtime (ms of self time, inflated by the instrument: shares)")
    print(f"{'by step':40}{head}")
    for name, label in STEPS:
        values = [[r["imports"]["step"].get(name, 0.0) for r in timed[col]] for col in columns]
        if not any(any(v) for v in values):
            continue
        cells = "".join(f"{spread(v, 1, '{:.0f}'):>{width}}" for v in values)
        print(f"  {label:38}{cells}")
    print(f"{'by package (medians over 10 ms)':40}{head}")
    packages: dict[str, float] = {}
    for col in columns:
        for r in timed[col]:
            for package, ms in r["imports"]["package"].items():
                packages[package] = max(packages.get(package, 0.0), ms)
    named = ("PySide6", "sqlalchemy", "reportlab", "openpyxl", "pyqtgraph", "numpy",
             "pypinyin", "jieba/rjieba", "pypdf", "fontTools", "PIL", "keyring",
             "cryptography", "psycopg", "python_calamine", "alembic")
    shown = [p for p, ms in sorted(packages.items(), key=lambda kv: -kv[1])
             if ms >= 10 or p in named]
    for package in shown:
        cells = "".join(
            f"{median([r['imports']['package'].get(package, 0.0) for r in timed[col]]):>{width}.0f}"
            for col in columns)
        print(f"  {package:38}{cells}")
    cells = "".join(f"{median([sum(r['imports']['package'].values()) for r in timed[col]]):>{width}.0f}"
                    for col in columns)
    print(f"  {'all imports':38}{cells}")
    cells = "".join(f"{median([len(r['modules']) for r in runs[col]]):>{width}.0f}"
                    for col in columns)
    print(f"{'modules loaded at the first rows':40}{cells}")
    print()
    print("all within budget" if not over else f"{over} figure(s) over budget")
    return 0 if not over else 1


def main() -> int:
    import argparse
    import compileall
    import sqlite3
    from pathlib import Path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per figure")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 1_000_000])
    parser.add_argument("--cache", type=Path, default=Path(ROOT) / ".bench-stores",
                        help="where the demo stores are kept")
    parser.add_argument("--tree", type=Path, default=Path(ROOT),
                        help="the checkout whose app is measured (default: this one)")
    parser.add_argument("--compare", type=Path,
                        help="another checkout (before a change), measured alternately")
    parser.add_argument("--no-importtime", action="store_true",
                        help="skip the -X importtime processes")
    args = parser.parse_args()

    trees = [str(t.resolve()) for t in ([args.compare] if args.compare else []) + [args.tree]]
    names = {trees[0]: "before", trees[-1]: "after"} if args.compare else {trees[0]: ""}
    # An installed workstation starts from compiled bytecode, as bench/queue.py says.
    for tree in trees:
        compileall.compile_dir(Path(tree) / "app", quiet=1)
    compileall.compile_file(__file__, quiet=1)

    stores = []
    for size in args.sizes:
        folder = args.cache / str(size)
        if not (folder / "store.sqlite").exists():
            sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
            sys.path.insert(0, ROOT)
            from bench.queue import ensure_store

            ensure_store(folder, size)
        con = sqlite3.connect(f"file:{folder / 'store.sqlite'}?mode=ro", uri=True)
        try:
            cases = con.execute("SELECT count(*) FROM cases").fetchone()[0]
        finally:
            con.close()
        stores.append((f"{cases:,}", folder))

    columns = [(tree, label) for label, _folder in stores for tree in trees]
    runs: dict = {col: [] for col in columns}
    timed: dict = {col: [] for col in columns}
    for _label, folder in stores:
        for tree in trees:  # warm the OS file cache, as a second start of the day
            run_once(tree, folder, importtime=False)
    for n in range(args.runs):
        print(f"run {n + 1} of {args.runs} …", file=sys.stderr, flush=True)
        for label, folder in stores:
            order = trees if n % 2 == 0 else trees[::-1]  # neither side always first
            for tree in order:
                runs[(tree, label)].append(run_once(tree, folder, importtime=False))
            if not args.no_importtime:
                for tree in order:
                    timed[(tree, label)].append(run_once(tree, folder, importtime=True))
    if args.no_importtime:
        timed = {col: [{"imports": {"package": {}, "step": {}}}] for col in columns}
    return report(runs, timed, columns, names)


if __name__ == "__main__":
    raise SystemExit(main())
