"""The cyclic garbage collector kept off a heap that only grows (issue 15: the import).

A collection of the oldest generation walks every container object the process holds.
While an import holds a 100,000-row file and makes cases from it, each such walk goes
over millions of objects that cannot be garbage, and unpickling a worker's rows set off
one walk after another: a third of the import's time went to the collector. Inside
``quiet_collector()`` the objects alive at its start are left out of collections
(``gc.freeze``) and the youngest generation is collected less often; cycles made in
the block are still collected. Blocks may nest and may run in several threads.

A start is the same story in small: its 750-odd modules made some 120,000 objects that
live as long as the process, and two full collections and dozens of younger ones walked
them while they loaded (0.1-0.3 s of a workstation's one-second start). The command
line pauses the collector while they load (``pause_while_loading``) and gives it back
before its command runs (``loaded``); the workstation also leaves what was loaded out
of later collections for good (``keep=True``).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_YOUNG_THRESHOLD = 50_000  # allocations between collections of the youngest generation
_lock = threading.Lock()
_depth = 0
_saved: tuple[int, ...] = ()
_paused_from: bool | None = None  # while a start loads: whether collection was on before


def freeze_now() -> None:
    """Leave every object alive now out of future collections (a worker process, once
    its modules and context are loaded: they live as long as it works for this map).
    What an earlier call froze is looked at again first, so a context let go is freed."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def quiet_for_good() -> None:
    """Collect the youngest generation seldom from now on (a worker process, which only
    ever makes rows of a map: a tenth of its time went to the collector)."""
    gc.set_threshold(max(gc.get_threshold()[0], _YOUNG_THRESHOLD), *gc.get_threshold()[1:])


def pause_while_loading() -> None:
    """No automatic collections until ``loaded`` (the modules of a start load)."""
    global _paused_from
    if _paused_from is None:
        _paused_from = gc.isenabled()
        gc.disable()


def loaded(*, keep: bool = False) -> None:
    """The modules are loaded: collection as it was before ``pause_while_loading`` (a
    no-op without one). ``keep``: leave every object alive now out of collections for
    good (a process that stays up with them: the workstation)."""
    global _paused_from
    if _paused_from is None:
        return
    if keep:
        gc.freeze()
    if _paused_from:
        gc.enable()
    _paused_from = None


@contextmanager
def quiet_collector() -> Iterator[None]:
    global _depth, _saved
    with _lock:
        _depth += 1
        if _depth == 1:
            _saved = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(max(_saved[0], _YOUNG_THRESHOLD), *_saved[1:])
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.unfreeze()
                gc.set_threshold(*_saved)
