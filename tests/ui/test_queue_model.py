"""The queue's table model passes Qt's model checks, empty and filled."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.core.deadlines import DueStatus
from app.services import queue
from app.ui.operations.queue import load_queue
from app.ui.queue.queue_model import DUE_STATUS_ROLE, Column, QueueModel
from app.ui.queue.status_views import STATUS_VIEWS, view_by_key
from app.ui.tasks import TaskState


def page(ws, key="all"):
    return load_queue((ws, view_by_key(key), 200), TaskState(lambda done, total: None))


def test_empty_model(qtmodeltester):
    qtmodeltester.check(QueueModel())


def test_filled_model_and_its_updates(qtmodeltester, ws, seeded):
    model = QueueModel()
    model.set_rows(page(ws).rows)
    qtmodeltester.check(model)
    assert model.rowCount() == 3 and model.columnCount() == len(Column)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in Column]
    assert headers[:3] == ["工单号", "状态", "下一期限"]
    # Deadlines as of the fixed test clock, 2026-03-02: the 7-working-day acceptance
    # decision for the work order received on 2026-03-01 is due 2026-03-10.
    first = model.index(0, Column.DEADLINE)
    assert first.data() == "剩 6 个工作日"
    assert DueStatus(first.data(DUE_STATUS_ROLE)) is DueStatus.ON_TRACK
    rows = page(ws, "received").rows
    model.replace_row(rows[0])
    model.remove_case(seeded.second)
    assert model.rowCount() == 2
    qtmodeltester.check(model)


def test_status_views_count_what_they_list(ws, seeded):
    counts = queue.count_by_status(ws)
    for view in STATUS_VIEWS:
        assert len(page(ws, view.key).rows) == view.count(counts), view.key
