"""Issue 11, item 12 in the window: a store too large to check before it opens is
checked in the background and damage is shown naming pages and tables; the
unexpected-error message claims no log that does not exist."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtWidgets import QMessageBox
from sqlalchemy import text

from app.services.reference import open_workstation
from app.store import database
from app.store.database import STORE_FILENAME, open_store
from app.ui import messages
from app.ui.app import check_store_later
from app.ui.main_window import MainWindow
from tests.ui.conftest import seed_cases

ROOT = Path(__file__).resolve().parents[2]


def _store_with_damaged_audit_trail(folder: Path) -> int:
    store = open_store(folder)
    seed_cases(open_workstation(store, login="zhangmin"))
    with store.engine.begin() as con:
        con.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    store.close()
    path = folder / STORE_FILENAME
    con = sqlite3.connect(path)
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'audit_events'"
                       ).fetchone()[0]
    size = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    with path.open("r+b") as fh:
        fh.seek((root - 1) * size)
        fh.write(bytes((i * 13 + 5) % 251 for i in range(size)))
    return root


def test_damage_found_after_the_window_shows_is_named(qtbot, runner, tmp_path, monkeypatch):
    root = _store_with_damaged_audit_trail(tmp_path / "data")
    monkeypatch.setattr(database, "QUICK_CHECK_INLINE_BYTES", 0)  # as a 6 GB store
    store = open_store(tmp_path / "data")
    assert store.check_pending
    window = MainWindow(open_workstation(store, login="zhangmin"), runner,
                        store_path=store.path, remember=False)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.settled, timeout=10_000):
        window.show()
    check_store_later(window, runner, store)

    def warning() -> QMessageBox | None:
        return window.findChild(QMessageBox, "storeDamageWarning")

    qtbot.waitUntil(lambda: warning() is not None and warning().isVisible(), timeout=20_000)
    words = warning().text()
    assert f"第 {root} 页" in words
    assert "操作记录" in words  # the audit_events table, in words
    assert "backups" in words
    window.grab().save(str(tmp_path / "damage.png"))
    warning().close()
    window.close()
    store.close()


def test_a_sound_store_shows_no_warning(qtbot, runner, tmp_path, monkeypatch):
    store = open_store(tmp_path / "data")
    seed_cases(open_workstation(store, login="zhangmin"))
    store.close()
    monkeypatch.setattr(database, "QUICK_CHECK_INLINE_BYTES", 0)
    store = open_store(tmp_path / "data")
    window = MainWindow(open_workstation(store, login="zhangmin"), runner,
                        store_path=store.path, remember=False)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.settled, timeout=10_000):
        window.show()
    check_store_later(window, runner, store)
    qtbot.waitUntil(lambda: not runner.busy, timeout=20_000)
    assert window.findChild(QMessageBox, "storeDamageWarning") is None
    window.close()
    store.close()


def test_the_unexpected_error_message_points_at_a_log_that_holds_the_error(
        qtbot, tmp_path, monkeypatch):
    import logging

    from app.services import logs
    from app.ui.tasks import TaskRunner

    words = messages.error_text(RuntimeError("boom"))
    assert "详细信息已写入日志" in words and "帮助 → 关于" in words
    assert "重试" in words and "管理员" in words  # what the user can do
    # The claim is true: an unexpected failure is in the log with its traceback.
    monkeypatch.setenv(logs.LOG_DIR_ENV, str(tmp_path / "logs"))
    root = logging.getLogger()
    handlers = list(root.handlers)
    path = logs.setup_logging()
    runner = TaskRunner()
    failures = []

    def boom():
        raise RuntimeError("boom in a task")

    try:
        runner.query(None, boom).failure(failures.append).run()
        qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    finally:
        runner.shutdown()
        for handler in root.handlers[:]:
            if handler not in handlers:
                handler.flush()
                root.removeHandler(handler)
                handler.close()
    logged = path.read_text(encoding="utf-8")
    assert "failed" in logged and "RuntimeError: boom in a task" in logged


def test_store_refusals_say_what_happened_and_no_more():
    from app.store.errors import StoreError, StoreErrorCode

    path = Path("/data/store.sqlite")
    new = messages.store_error_text(StoreError(StoreErrorCode.MIGRATION_FAILED, path))
    assert "备份" not in new  # a new store had nothing to back up
    upgraded = messages.store_error_text(StoreError(
        StoreErrorCode.MIGRATION_FAILED, path, backup=path.parent / "backups" / "b.sqlite"))
    assert "已备份" in upgraded
    backup = messages.store_error_text(StoreError(StoreErrorCode.BACKUP_FAILED, path))
    assert "未做任何修改" in backup and "没有升级" in backup and "磁盘空间" in backup
    corrupt = messages.store_error_text(StoreError(StoreErrorCode.CORRUPT, path,
                                                   pages=(355, 356)))
    assert "第 355、356 页" in corrupt
