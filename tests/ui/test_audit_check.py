"""The store's audit chain is walked at start, in the background: the window does not
wait for it, and a broken chain is said plainly."""

from __future__ import annotations

import sqlite3

from PySide6.QtWidgets import QMessageBox

from app.ui.main_window import MainWindow


def _open(qtbot, ws, runner) -> MainWindow:
    w = MainWindow(ws, runner, store_path=ws.store.path, remember=False)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.settled, timeout=10_000):
        w.show()
    return w


def test_an_intact_chain_shows_nothing(qtbot, ws, seeded, runner):
    window = _open(qtbot, ws, runner)
    qtbot.waitUntil(lambda: window.audit_report is not None, timeout=10_000)
    assert window.audit_report.intact and window.audit_report.rows > 0
    assert not window.audit_label.isVisible()
    assert window.current_message is None


def test_an_edited_audit_row_is_warned_about_in_chinese(qtbot, ws, seeded, runner):
    with sqlite3.connect(ws.store.path) as raw:
        raw.execute("UPDATE audit_events SET actor = 'someone' WHERE chain_seq = 2")
    window = _open(qtbot, ws, runner)
    qtbot.waitUntil(lambda: window.audit_report is not None, timeout=10_000)
    assert window.audit_report.broken.seq == 2
    assert window.audit_label.isVisible()
    assert window.audit_label.text() == "⚠ 操作记录校验未通过"
    box = window.current_message
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert "第 2 条操作记录" in box.text() and "被改动过" in box.text()
    box.close()
