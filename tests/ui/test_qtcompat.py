"""The app's own signal traffic leaves the interpreter's count of True/False alone
(PySide6 6.12 on Python 3.11 drops one per Python-side emit; see app/ui/qtcompat.py)."""

from __future__ import annotations

import gc
import sys
import uuid

from app.services.dto import Changes
from app.ui.events import EventBridge
from app.ui.tasks import SyncTaskRunner


def test_tasks_and_events_do_not_leak_bool_references(qapp):
    runner = SyncTaskRunner()
    bridge = EventBridge()
    bridge.case_changed.connect(lambda ids: None)
    changes = Changes(case_ids=frozenset({uuid.uuid4()}), case_created=True)

    def work(n, state):
        state.report_progress(n, 10)
        return n

    def traffic():
        for n in range(300):
            runner.task(None, lambda state, n=n: work(n, state)).success(lambda _r: None) \
                .progress(lambda d, t: None).run()
            bridge.publish(changes)

    traffic()  # warm-up: caches, first-use allocations
    gc.collect()
    gc.disable()  # no unrelated garbage (holding True/False) freed while counting
    try:
        before = sys.getrefcount(True), sys.getrefcount(False)
        traffic()  # about 1,500 emits: would take True's count down by as many
        after = sys.getrefcount(True), sys.getrefcount(False)
    finally:
        gc.enable()
    assert after[0] >= before[0] - 10 and after[1] >= before[1] - 10, (before, after)


def test_void_calls_leave_the_count_of_none_alone(qapp):
    """The installed binding is not the one that drops a reference to None per void call
    (PySide6 6.12.0): a day of timer ticks would abort the app."""
    from PySide6.QtWidgets import QLabel

    from app.ui import qtcompat

    label = QLabel()
    gc.collect()
    gc.disable()
    try:
        before = sys.getrefcount(None)
        for n in range(2000):
            label.setText(str(n))
            label.update()
        after = sys.getrefcount(None)
    finally:
        gc.enable()
    assert not qtcompat.VOID_CALLS_DROP_NONE
    assert after >= before - 20, (before, after)
