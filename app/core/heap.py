"""The cyclic garbage collector kept off a heap that only grows (issue 15: the import).

A collection of the oldest generation walks every container object the process holds.
While an import holds a 100,000-row file and makes cases from it, each such walk goes
over millions of objects that cannot be garbage, and unpickling a worker's rows set off
one walk after another: a third of the import's time went to the collector. Inside
``quiet_collector()`` the objects alive at its start are left out of collections
(``gc.freeze``) and the youngest generation is collected less often; cycles made in
the block are still collected. Blocks may nest and may run in several threads.
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
