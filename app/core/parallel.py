"""Pure-Python work spread over worker processes, results in order (the demo loader's
rows, an import's rows): the GIL lets one process use one core, so the other cores
build the next chunks while the caller writes the last.

``ordered_map(task, context, items)`` yields ``task(context, item)`` for each item in
the items' order. ``context`` is made once per worker and map
(``make_context(*context_args)``), so what every chunk needs (a calendar, rule sets, a
segmenter) is made once; its arguments travel pickled once per map beside each item.
Workers are spawned, never forked: the caller may be a GUI with threads of its own, and
a frozen build (packaging/entry.py calls ``freeze_support``) starts them the same way.
A spawned worker takes about a second to load its modules, so the workers of a finished
map are kept for the next one for ``KEEP_IDLE_S`` (an import checks its file, then
writes it, and a re-import follows) and then stopped.
With one worker, or few items, everything runs here, in order: the results are the
same either way.
"""

from __future__ import annotations

import atexit
import os
import pickle
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING, Any

from app.core import heap

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

# multiprocessing and the process pool (~20 ms) are imported where a map starts workers:
# the window's start imports this module (the search index) without running one.

KEEP_IDLE_S = 60.0  # seconds a finished map's workers wait for the next map

# In a worker: the context of the map it last worked for.
_worker_context: Any = None
_worker_token: str = ""


def _run_in_worker(task: Callable[[Any, Any], Any], make_context: Callable[..., Any],
                   token: str, context_args: bytes, item: Any) -> Any:
    global _worker_context, _worker_token
    if token != _worker_token:
        _worker_context = None  # the last map's goes first
        _worker_context = make_context(*pickle.loads(context_args))
        _worker_token = token
        heap.freeze_now()  # modules and context live as long as the map
        heap.quiet_for_good()
    return task(_worker_context, item)


def default_workers() -> int:
    """One worker per core; the caller's own process shares them."""
    return max(1, os.cpu_count() or 1)


class _IdlePools:
    """Pools of finished maps, by size, each stopped after KEEP_IDLE_S unused."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: dict[int, tuple[ProcessPoolExecutor, threading.Timer]] = {}

    def take(self, workers: int, load: Callable[[], Any] | None = None
             ) -> tuple[ProcessPoolExecutor, bool]:
        """A kept pool (and True), else a new one whose workers each run ``load`` first."""
        with self._lock:
            kept = self._idle.pop(workers, None)
        if kept is not None:
            kept[1].cancel()
            return kept[0], True
        return self.fresh(workers, load), False

    @staticmethod
    def fresh(workers: int, load: Callable[[], Any] | None = None) -> ProcessPoolExecutor:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=load)

    def give_back(self, workers: int, pool: ProcessPoolExecutor) -> None:
        timer = threading.Timer(KEEP_IDLE_S, self._expire, (workers, pool))
        timer.daemon = True
        with self._lock:
            if workers in self._idle:  # another map's are kept already
                surplus = pool
            else:
                self._idle[workers], surplus = (pool, timer), None
        if surplus is not None:
            surplus.shutdown(wait=False, cancel_futures=True)
        else:
            timer.start()

    def _expire(self, workers: int, pool: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._idle.get(workers, (None,))[0] is pool:
                del self._idle[workers]
            else:
                return
        pool.shutdown(wait=True)

    def stop_all(self) -> None:
        with self._lock:
            kept, self._idle = list(self._idle.values()), {}
        for pool, timer in kept:
            timer.cancel()
            pool.shutdown(wait=True, cancel_futures=True)


_pools = _IdlePools()
atexit.register(_pools.stop_all)


def stop_idle_workers() -> None:
    """Stop the workers kept for a next map now (tests; a process about to wait long)."""
    _pools.stop_all()


def start_workers(load: Callable[[], Any], *, workers: int | None = None) -> None:
    """Start the workers of a map about to come, each running ``load`` (a module-level
    function that loads what the map's tasks need), and return at once: the second they
    take to start passes while the caller does something else (reads the file the map
    will work on). The next map of as many workers takes them; unused, they stop after
    ``KEEP_IDLE_S``. Nothing happens where a map would run in this process."""
    if workers is None:
        workers = default_workers()
    if workers <= 1:
        return
    from concurrent.futures.process import BrokenProcessPool

    pool, kept = _pools.take(workers, load)
    try:
        # A spawned pool starts a process for each task queued while none is idle; a new
        # one's run ``load`` as they start, kept ones are told to (it costs them nothing
        # when they have loaded it already).
        for _ in range(workers):
            pool.submit(load if kept else _nothing)
    except BrokenProcessPool:  # a kept worker died while it waited: the map starts afresh
        pool.shutdown(wait=False, cancel_futures=True)
        return
    _pools.give_back(workers, pool)


def _nothing() -> None:
    pass


def ordered_map(task: Callable[[Any, Any], Any], make_context: Callable[..., Any],
                context_args: tuple, items: Iterable[Any], *, workers: int | None = None,
                min_items: int = 3, ahead: int = 2) -> Iterator[Any]:
    """``task(context, item)`` for each item, in order. ``task`` and ``make_context``
    must be module-level functions (they are sent to the workers by name). At most
    ``workers * ahead`` items are in flight, so memory stays bounded however many
    there are. Closing the generator early (a cancel) drops what is queued and waits
    for the items being worked on (a chunk each) before the workers are kept.
    ``workers``: how many (None: one per core, ``default_workers``)."""
    items = list(items)
    if workers is None:
        workers = default_workers()
    if workers <= 1 or len(items) < min_items:
        context = make_context(*context_args)
        for item in items:
            yield task(context, item)
        return
    from concurrent.futures.process import BrokenProcessPool

    size = min(workers, len(items))
    pool, _ = _pools.take(size)
    token, packed = uuid.uuid4().hex, pickle.dumps(context_args, pickle.HIGHEST_PROTOCOL)

    def submit(item: Any):
        return pool.submit(_run_in_worker, task, make_context, token, packed, item)

    queued = iter(items)
    first = list(islice(queued, size * ahead))
    try:
        pending = deque(submit(item) for item in first)
    except BrokenProcessPool:  # a kept worker died while it waited: start afresh
        pool.shutdown(wait=False, cancel_futures=True)
        pool = _pools.fresh(size)
        pending = deque(submit(item) for item in first)
    try:
        while pending:
            result = pending.popleft().result()
            for item in islice(queued, 1):
                pending.append(submit(item))
            yield result
    except BaseException as stop:  # a cancel (GeneratorExit), a task's error, a dead worker
        if isinstance(stop, BrokenProcessPool) or _drain(pending):
            pool.shutdown(wait=True, cancel_futures=True)
        else:
            _pools.give_back(size, pool)
        raise
    _pools.give_back(size, pool)


def _drain(pending: Iterable[Future]) -> bool:
    """Drop what is queued, wait for what is being worked on; whether a worker died."""
    from concurrent.futures.process import BrokenProcessPool

    for future in pending:
        future.cancel()
    return any(isinstance(future.exception(), BrokenProcessPool)
               for future in pending if not future.cancelled())
