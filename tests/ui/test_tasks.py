"""The task runner: results and failures come back on the GUI thread, none is lost;
a write's Changes are announced once, app-wide."""

from __future__ import annotations

import threading
import uuid

from PySide6.QtCore import QObject

from app.services.dto import Changes
from app.ui.tasks import Lane, LatestOnly, SyncTaskRunner, TaskCancelled, TaskRunner


def test_result_and_progress_arrive_on_the_gui_thread(qtbot):
    runner = TaskRunner()
    gui = threading.get_ident()
    seen: dict = {"progress": []}

    def work(state):
        for i in range(1, 4):
            state.report_progress(i, 3)
        return threading.get_ident()

    def done(worker_thread: int) -> None:
        seen["worker"] = worker_thread
        seen["callback"] = threading.get_ident()

    task = runner.task(None, work).success(done) \
        .progress(lambda d, t: seen["progress"].append((d, t))).run()
    with qtbot.waitSignal(task.finished, timeout=5000):
        pass
    assert seen["worker"] != gui and seen["callback"] == gui
    assert seen["progress"][-1] == (3, 3)
    assert runner.shutdown()


def test_a_failure_reaches_the_error_handler_and_a_cancel_does_not(qtbot):
    failures = []
    runner = TaskRunner(error_handler=failures.append)

    def boom():
        raise RuntimeError("disk on fire")

    def cancelled(state):
        state.cancel()
        state.raise_if_cancelled()

    with qtbot.waitSignal(runner.query(None, boom).run().failed, timeout=5000):
        pass
    with qtbot.waitSignal(runner.task(None, cancelled).run().failed, timeout=5000) as blocker:
        pass
    assert isinstance(blocker.args[0].error, TaskCancelled)
    assert [type(f.error) for f in failures] == [RuntimeError]
    assert "disk on fire" in failures[0].traceback
    assert failures[0].task_name.endswith("boom")  # what the log names
    assert runner.shutdown()


def test_writes_run_one_at_a_time_in_order(qtbot):
    runner = TaskRunner()
    order: list[int] = []
    tasks = [runner.op(None, lambda n=n: order.append(n)).run() for n in range(20)]
    qtbot.waitUntil(lambda: all(t.done for t in tasks), timeout=5000)
    assert order == list(range(20))
    assert runner.shutdown()


def test_the_sync_runner_has_called_back_when_run_returns():
    got: list[int] = []
    SyncTaskRunner().query(None, lambda: 21 * 2).success(got.append).run()
    assert got == [42]


def test_a_write_announces_its_changes_once_and_a_read_does_not():
    runner = SyncTaskRunner()
    case_id = uuid.uuid4()
    heard: list = []
    runner.events.changed.connect(heard.append)
    runner.events.case_changed.connect(lambda ids: heard.append(ids))
    changes = Changes(case_ids=frozenset({case_id}))
    runner.query(None, lambda: changes).run()
    assert heard == []
    runner.op(None, lambda: (uuid.uuid4(), changes)).run()  # a (value, Changes) pair
    assert heard == [changes, frozenset({case_id})]


def test_a_write_announces_its_changes_even_when_the_asker_is_gone():
    runner = SyncTaskRunner()
    asker = QObject()
    heard: list = []
    runner.events.changed.connect(heard.append)
    called: list = []
    op = runner.op(asker, lambda: Changes(case_created=True)).success(called.append)
    import shiboken6

    shiboken6.delete(asker)
    op.run()
    assert called == [] and heard == [Changes(case_created=True)]


def test_a_late_answer_to_an_older_read_is_dropped(qtbot):
    runner = TaskRunner()
    owner = QObject()
    reads = LatestOnly(runner, owner)
    release_first = threading.Event()
    shown: list[str] = []

    def slow() -> str:
        release_first.wait(10)
        return "old case"

    first = reads.query(slow).success(shown.append).run()
    with qtbot.waitSignal(reads.query(lambda: "new case").success(shown.append).run().finished,
                          timeout=5_000):
        pass
    assert first.cancelled  # told to stop: a newer read was asked for
    release_first.set()
    qtbot.waitUntil(lambda: not runner.busy, timeout=5_000)
    assert shown == ["new case"]  # the old case's answer came later and was not shown
    failures: list = []
    reads.query(lambda: "x").success(shown.append).failure(failures.append).run()
    reads.forget()
    qtbot.waitUntil(lambda: not runner.busy, timeout=5_000)
    assert shown == ["new case"] and failures == []
    assert runner.shutdown()


def test_lanes_keep_long_reads_off_the_read_pool(qtbot):
    runner = TaskRunner()
    lanes: list[Lane] = []

    class Spy(TaskRunner):
        def _submit(self, task, lane):
            lanes.append(lane)
            super()._submit(task, lane)

    spy = Spy()
    spy.task(None, lambda state: None, lane=Lane.BACKGROUND).run()
    spy.op(None, lambda: None).run()
    spy.query(None, lambda: None).run()
    qtbot.waitUntil(lambda: not spy.busy, timeout=5_000)
    assert lanes == [Lane.BACKGROUND, Lane.WRITE, Lane.READ]
    assert spy.shutdown() and runner.shutdown()
