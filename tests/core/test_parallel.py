"""Worker processes: results in order, each map with its own context, the workers kept
for the next map and stopped when idle, and a cancel, an error or a dead worker leaving
the next map working."""

from __future__ import annotations

import gc
import os
import signal
import time

import pytest

from app.core import parallel


class Context:
    def __init__(self, factor: int) -> None:
        self.factor = factor


def times(context: Context, item: int) -> tuple[int, int]:
    return item * context.factor, os.getpid()


def fails_on_three(context: Context, item: int) -> int:
    if item == 3:
        raise ValueError("three")
    return item


def collector_threshold(context: Context, item: int) -> tuple[int, int]:
    return gc.get_threshold()[0], os.getpid()


def remember_started() -> None:
    global started_here
    started_here = True


def started(context: Context, item: int) -> tuple[bool, int]:
    return globals().get("started_here", False), os.getpid()


def slow(context: Context, item: int) -> int:
    time.sleep(0.05)
    return item


@pytest.fixture(autouse=True)
def _no_kept_workers():
    parallel.stop_idle_workers()
    yield
    parallel.stop_idle_workers()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A stopped worker may linger as a zombie until reaped; it no longer runs.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_results_in_order_and_each_map_with_its_own_context_on_the_same_workers():
    first = list(parallel.ordered_map(times, Context, (2,), range(20), workers=2))
    second = list(parallel.ordered_map(times, Context, (3,), range(20), workers=2))
    assert [v for v, _ in first] == [i * 2 for i in range(20)]
    assert [v for v, _ in second] == [i * 3 for i in range(20)]
    workers = {pid for _, pid in first}
    assert os.getpid() not in workers and len(workers) <= 2
    # The second map was served by the workers the first one left waiting.
    assert {pid for _, pid in second} <= workers


def test_workers_started_ahead_serve_the_next_map_having_loaded_what_they_were_told():
    parallel.start_workers(remember_started, workers=2)
    found = list(parallel.ordered_map(started, Context, (1,), range(8), workers=2))
    # Every chunk ran in a worker that had run the loader before it (not in this process).
    assert all(loaded for loaded, _ in found)
    assert os.getpid() not in {pid for _, pid in found}
    assert not globals().get("started_here", False)


def test_starting_workers_ahead_does_nothing_with_one_worker():
    parallel.start_workers(remember_started, workers=1)
    assert not globals().get("started_here", False)
    assert not parallel._pools._idle


def test_one_worker_runs_here_with_the_same_results():
    here = list(parallel.ordered_map(times, Context, (5,), range(10), workers=1))
    assert [v for v, _ in here] == [i * 5 for i in range(10)]
    assert {pid for _, pid in here} == {os.getpid()}


def test_a_cancel_and_an_error_leave_the_workers_for_the_next_map():
    results = parallel.ordered_map(slow, Context, (1,), range(50), workers=2)
    assert [next(results) for _ in range(3)] == [0, 1, 2]
    results.close()  # the user's 取消
    with pytest.raises(ValueError, match="three"):
        list(parallel.ordered_map(fails_on_three, Context, (1,), range(10), workers=2))
    after = list(parallel.ordered_map(times, Context, (1,), range(10), workers=2))
    assert [v for v, _ in after] == list(range(10))


def test_idle_workers_are_stopped_after_a_while(monkeypatch):
    monkeypatch.setattr(parallel, "KEEP_IDLE_S", 0.2)
    pids = {pid for _, pid in parallel.ordered_map(times, Context, (1,), range(10),
                                                   workers=2)}
    assert any(_alive(pid) for pid in pids)
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in pids)


def test_a_worker_killed_while_waiting_does_not_break_the_next_map():
    pids = {pid for _, pid in parallel.ordered_map(times, Context, (1,), range(10),
                                                   workers=2)}
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.5)  # the pool notices its workers are gone
    after = list(parallel.ordered_map(times, Context, (7,), range(10), workers=2))
    assert [v for v, _ in after] == [i * 7 for i in range(10)]
    assert not ({pid for _, pid in after} & pids)


def test_a_worker_collects_its_youngest_objects_seldom_and_the_caller_is_left_as_it_was():
    before = gc.get_threshold()
    found = list(parallel.ordered_map(collector_threshold, Context, (1,), range(8), workers=2))
    assert {pid for _, pid in found} != {os.getpid()}
    assert all(threshold >= 50_000 for threshold, _ in found)
    assert gc.get_threshold() == before
