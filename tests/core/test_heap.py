"""The collector kept off the import's long-lived heap, and given back as it was."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest

from app.core import heap


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


def _cycle() -> weakref.ref:
    a, b = Node(), Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def test_objects_alive_before_the_block_are_left_out_and_given_back_after():
    gc.unfreeze()
    threshold = gc.get_threshold()
    held = [Node() for _ in range(100)]
    with heap.quiet_collector():
        assert gc.get_freeze_count() >= len(held)
        assert gc.get_threshold()[0] >= 50_000
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == threshold


def test_cycles_made_in_the_block_are_still_collected():
    with heap.quiet_collector():
        dead = _cycle()
        gc.collect()
        assert dead() is None


def test_blocks_nest_across_threads_and_the_last_one_out_restores():
    threshold = gc.get_threshold()
    inside, leave = threading.Event(), threading.Event()

    def other() -> None:
        with heap.quiet_collector():
            inside.set()
            leave.wait(5)

    thread = threading.Thread(target=other)
    with heap.quiet_collector():
        thread.start()
        assert inside.wait(5)
    # The other thread's block is still open: the collector stays quiet for it.
    assert gc.get_threshold()[0] >= 50_000
    leave.set()
    thread.join(5)
    assert gc.get_threshold() == threshold
    assert gc.get_freeze_count() == 0



@pytest.fixture
def collecting():
    """Automatic collection on (a GUI test earlier in the session may have turned it off,
    app/ui/gc_guard.py), and as it was afterwards."""
    was = gc.isenabled()
    gc.enable()
    gc.unfreeze()
    yield
    gc.unfreeze()
    if not was:
        gc.disable()


def test_a_start_pauses_the_collector_while_it_loads_and_gives_it_back(collecting):
    heap.pause_while_loading()
    assert not gc.isenabled()
    heap.loaded()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    heap.loaded()  # without a pause: nothing
    assert gc.isenabled()


def test_the_workstation_keeps_what_it_loaded_out_of_collections(collecting):
    held = [Node() for _ in range(100)]
    heap.pause_while_loading()
    heap.loaded(keep=True)
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(held)
    dead = _cycle()  # made after: still collected
    gc.collect()
    assert dead() is None


def test_the_command_line_gives_the_collector_back_when_its_command_fails(collecting):
    from app.cli import main

    with pytest.raises(SystemExit):
        main(["no-such-command"])
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
