"""Cycles holding Qt objects are freed on the GUI thread, never in a worker thread."""

from __future__ import annotations

import gc
import threading

from app.ui import gc_guard


class Cycle:
    freed_on: list[int] = []

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        Cycle.freed_on.append(threading.get_ident())


def test_cycles_are_freed_by_the_gui_thread_timer_not_by_a_worker(qtbot, qapp):
    guard = gc_guard.install(qapp)
    assert not gc.isenabled() and guard.timer.isActive()
    gc.collect()  # whatever earlier tests left: the cycles below start in generation 0
    Cycle.freed_on.clear()
    for _ in range(50):
        Cycle()

    kept = []

    def worker():  # allocates far past the thresholds that would start a collection
        kept.append([[] for _ in range(100_000)])

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert Cycle.freed_on == []
    guard.check()  # what the timer does, on this (the GUI) thread
    assert len(Cycle.freed_on) == 50
    assert set(Cycle.freed_on) == {threading.get_ident()}
    assert guard is gc_guard.install(qapp)  # one per application
