"""文件 → 导出案件清单: the list the queue shows goes to .xlsx in the background."""

from __future__ import annotations

from openpyxl import load_workbook
from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.services.queue import QueueView


def _done_box(window):
    return window.findChild(QMessageBox, "exportDone")


def test_the_queue_view_as_shown_is_exported(qtbot, window, tmp_path, monkeypatch):
    target = tmp_path / "清单"  # no suffix typed: .xlsx is added
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.queue.sidebar.select_view(QueueView.TO_ACCEPT)
    qtbot.waitUntil(lambda: not window.loading, timeout=10_000)
    shown = window.queue.model.rowCount()
    assert shown == 2  # the two 待受理 cases of the seeded store, not the accepted one

    window.export_list_action.trigger()
    qtbot.waitUntil(lambda: _done_box(window) is not None and _done_box(window).isVisible(),
                    timeout=10_000)
    box = _done_box(window)
    assert "已导出 2 件案件" in box.text()
    rows = list(load_workbook(tmp_path / "清单.xlsx")["案件清单"].iter_rows(values_only=True))
    assert len(rows) == 1 + shown
    assert {r[11] for r in rows[1:]} == {"待受理"}
    box.accept()
