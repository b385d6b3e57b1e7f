"""The store's audit chain is walked at start, in the background: the window does not
wait for it, and a broken chain is said plainly."""

from __future__ import annotations

import sqlite3

from PySide6.QtWidgets import QMessageBox, QPlainTextEdit

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


def test_a_central_copy_that_differs_is_listed_to_be_noted_not_resent(qtbot):
    import uuid
    from datetime import UTC, datetime

    from app.services.sync import AttentionView
    from app.ui.sync.conflicts_view import AttentionPage

    page = AttentionPage()
    qtbot.addWidget(page)
    page.resize(900, 500)
    page.set_items([AttentionView(
        uuid.uuid4(), "audit_events", uuid.uuid4(), None, "compare",
        {"changes": {"local": {"title": ["旧", "新"]}, "central": {}},
         "at": {"local": "2026-12-03T01:00:00+00:00", "central": "2026-12-02T01:00:00+00:00"}},
        "audit_mismatch",
        "", datetime(2026, 12, 3, 1, 0, tzinfo=UTC))])
    page.show()
    assert page.reason_label.text() == (
        "同步后核对：中心数据库中的这条操作记录与本机写入的不一致（可能被改动过）")
    assert not page.resend_button.isVisible()
    shown = page.findChild(QPlainTextEdit).toPlainText()
    assert "变更内容\n  本机：标题：旧、新\n  中心：（空）" in shown
    assert "时间\n  本机：2026-12-03 09:00\n  中心：2026-12-02 09:00" in shown
    assert page.dismiss_button.isVisibleTo(page)
