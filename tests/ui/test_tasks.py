"""The task runner: results and failures come back on the GUI thread, none is lost."""

from __future__ import annotations

import threading

from app.ui.tasks import SyncTaskRunner, TaskCancelled, TaskRunner


def test_result_and_progress_arrive_on_the_gui_thread(qtbot):
    runner = TaskRunner()
    gui = threading.get_ident()
    seen: dict = {"progress": []}

    def work(n, state):
        for i in range(1, n + 1):
            state.report_progress(i, n)
        return threading.get_ident()

    def done(worker_thread):
        seen["worker"] = worker_thread
        seen["callback"] = threading.get_ident()

    task = runner.run(work, 3, on_done=done,
                      on_progress=lambda d, t: seen["progress"].append((d, t)))
    with qtbot.waitSignal(task.finished, timeout=5000):
        pass
    assert seen["worker"] != gui and seen["callback"] == gui
    assert seen["progress"][-1] == (3, 3)
    assert runner.shutdown()


def test_a_failure_reaches_the_error_handler_and_a_cancel_does_not(qtbot):
    failures = []
    runner = TaskRunner(error_handler=failures.append)

    def boom(_args, _state):
        raise RuntimeError("disk on fire")

    def cancelled(_args, state):
        state.cancel()
        state.raise_if_cancelled()

    with qtbot.waitSignal(runner.run(boom).failed, timeout=5000):
        pass
    with qtbot.waitSignal(runner.run(cancelled).failed, timeout=5000) as blocker:
        pass
    assert isinstance(blocker.args[0].error, TaskCancelled)
    assert [type(f.error) for f in failures] == [RuntimeError]
    assert "disk on fire" in failures[0].traceback
    assert runner.shutdown()


def test_writes_run_one_at_a_time_in_order(qtbot):
    runner = TaskRunner()
    order: list[int] = []
    tasks = [runner.write(lambda n, _s: order.append(n), n) for n in range(20)]
    qtbot.waitUntil(lambda: all(t.done for t in tasks), timeout=5000)
    assert order == list(range(20))
    assert runner.shutdown()


def test_the_sync_runner_has_called_back_when_run_returns():
    got = []
    SyncTaskRunner().run(lambda x, _s: x * 2, 21, on_done=got.append)
    assert got == [42]


def test_a_late_answer_to_an_older_read_is_dropped(qtbot):
    from PySide6.QtCore import QObject

    from app.ui.tasks import LatestOnly

    runner = TaskRunner()
    owner = QObject()
    reads = LatestOnly(runner, owner)
    release_first = threading.Event()
    shown = []

    def slow(value, state):
        release_first.wait(10)
        return value

    def quick(value, state):
        return value

    reads.run(slow, "old case", on_done=shown.append, name="slow")
    with qtbot.waitSignal(reads.run(quick, "new case", on_done=shown.append,
                                    name="quick").finished, timeout=5_000):
        pass
    release_first.set()
    qtbot.waitUntil(lambda: not runner.busy, timeout=5_000)
    assert shown == ["new case"]  # the old case's answer came later and was not shown
    failures = []
    reads.run(quick, "x", on_done=shown.append, on_failed=failures.append, name="again")
    reads.forget()
    qtbot.waitUntil(lambda: not runner.busy, timeout=5_000)
    assert shown == ["new case"] and failures == []
    assert runner.shutdown()
