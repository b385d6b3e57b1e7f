"""Cold start (issue 18): the workstation's first window loads none of the large packages
only other features need; each loads on that feature's first use (bench/startup.py
measures the start).

Each test starts a fresh interpreter: in this process everything is loaded already.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from app.services import store_keys
from app.services.reference import open_workstation
from app.store.database import open_store
from tests.ui.conftest import seed_cases

ROOT = Path(__file__).resolve().parents[1]

# Loaded where they are used, never by the window's imports: package → who uses it.
LAZY = {
    "reportlab": "documents: a PDF is made",
    "pypdf": "dossier, pdf_join: a dossier is bound",
    "fontTools": "documents/fonts: a PDF is made",
    "PIL": "dossier pictures, previews",
    "pypinyin": "the filter bar's order (a worker), login suggestions, search",
    "keyring": "services/credentials: a password or store key is looked up",
    "stdnum": "core/validation: the first ID or credit-code check",
    "multiprocessing": "core/parallel: a map starts worker processes",
    "cryptography": "store/keyfile, filecrypt: an encrypted store",
    "filetype": "core/evidence: a file is first looked at",
    "openpyxl": "documents/spreadsheets: a workbook is written",
    "python_calamine": "services/work_order_files: a workbook is read",
    "rjieba": "core/hot_words: the first case segmented",
    "pyqtgraph": "ui/stats/charts: the first chart",
    "numpy": "under pyqtgraph",
    "psycopg": "the central database",
    "alembic": "store/migrate: a store is upgraded",
    "pypdfium2": "preview workers",
}


def loaded_in_fresh_process(code: str, *args: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         cwd=ROOT, timeout=120, env=None)
    assert out.returncode == 0, out.stderr[-3000:]
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


# What `mediation-desk` imports before its window opens: the command line, then the GUI.
WINDOW_IMPORTS = "import json, sys, app.cli.command, app.ui.app; print(json.dumps(list(sys.modules)))"

# Texts modules that register the words of their errors (messages.register_explainer)
# for windows that load on first use, raising those errors only once loaded.
EXPLAINED_LATER = {
    "app.ui.stats.stats_texts": "the statistics window",
    "app.ui.groups.agreement_texts": "the group dispute window's agreements",
}


def test_the_window_imports_none_of_the_lazy_packages():
    modules = loaded_in_fresh_process(WINDOW_IMPORTS)
    assert {m.split(".")[0] for m in modules} & LAZY.keys() == set()
    assert "concurrent.futures.process" not in modules


def test_the_words_of_every_error_are_registered_when_the_window_opens():
    """An explainer is registered by importing its texts module: a dialog made lazy must
    not take the words of errors raised elsewhere with it (NotPermitted's are in
    users_texts, beside the users dialog)."""
    registering = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for path in (ROOT / "app" / "ui").rglob("*.py")
        if "register_explainer(" in path.read_text(encoding="utf-8")
        and path.name != "messages.py"}
    modules = loaded_in_fresh_process(WINDOW_IMPORTS)
    assert registering - modules == EXPLAINED_LATER.keys()


# Started as the `mediation-desk` script does, up to the queue's first rows on screen.
FIRST_ROWS = """
import json, sys
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication
from app.ui import app as gui

for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
    QSettings.setPath(fmt, QSettings.Scope.UserScope, sys.argv[2])
seen = {}

def at_first_rows(window, runner, store):
    model = window.model
    seen["rows"] = gui.wait_for(window.queue_loaded, lambda: model.rowCount() > 0,
                                timeout_ms=60_000)
    QApplication.processEvents()
    seen["modules"] = list(sys.modules)
    QTimer.singleShot(0, window.close)

gui.check_store_later = at_first_rows
# The hot words' catch-up starts once the window has settled, in a worker, and loads the
# word segmenter: after the start, not part of it (it raced the modules' listing).
from app.ui.hot_words_index import HotWordsIndex
HotWordsIndex.start = lambda self: None
from app.cli import main
assert main(["--data-dir", sys.argv[1]]) == 0 and seen["rows"]
print(json.dumps(seen["modules"]))
"""


def test_the_window_shows_its_first_rows_without_them(tmp_path):
    folder = tmp_path / "data"
    store = open_store(folder)
    try:
        seed_cases(open_workstation(store, login="zhangmin"))
        store_keys.mark_demo(store)  # opens without asking to encrypt it
    finally:
        store.close()
    modules = loaded_in_fresh_process(FIRST_ROWS, str(folder), str(tmp_path / "settings"))
    # The filter bar's options are sorted by pinyin in a worker beside the first query.
    allowed = {"pypinyin"}
    assert {m.split(".")[0] for m in modules} & LAZY.keys() - allowed == set()
