"""Pure-Python work spread over worker processes, results in order (the demo loader's
rows, an import's rows): the GIL lets one process use one core, so the other cores
build the next chunks while the caller writes the last.

``ordered_map(task, context, items)`` yields ``task(context, item)`` for each item in
the items' order. ``context`` is made once per worker (``make_context(*context_args)``)
so what every chunk needs (a calendar, rule sets, a segmenter) crosses the pipe once.
Workers are spawned, never forked: the caller may be a GUI with threads of its own, and
a frozen build (packaging/entry.py calls ``freeze_support``) starts them the same way.
With one worker, or few items, everything runs here, in order: the results are the
same either way.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from typing import Any

from app.core import heap

_worker_context: Any = None


def _init_worker(make_context: Callable[..., Any], context_args: tuple) -> None:
    global _worker_context
    _worker_context = make_context(*context_args)
    heap.freeze_now()


def _run_in_worker(task: Callable[[Any, Any], Any], item: Any) -> Any:
    return task(_worker_context, item)


def default_workers() -> int:
    """One worker per core; the caller's own process shares them."""
    return max(1, os.cpu_count() or 1)


def ordered_map(task: Callable[[Any, Any], Any], make_context: Callable[..., Any],
                context_args: tuple, items: Iterable[Any], *, workers: int,
                min_items: int = 3, ahead: int = 2) -> Iterator[Any]:
    """``task(context, item)`` for each item, in order. ``task`` and ``make_context``
    must be module-level functions (they are sent to the workers by name). At most
    ``workers * ahead`` items are in flight, so memory stays bounded however many
    there are. Closing the generator early (a cancel) stops the workers."""
    items = list(items)
    if workers <= 1 or len(items) < min_items:
        context = make_context(*context_args)
        for item in items:
            yield task(context, item)
        return
    pool = ProcessPoolExecutor(min(workers, len(items)),
                               mp_context=multiprocessing.get_context("spawn"),
                               initializer=_init_worker, initargs=(make_context, context_args))
    try:
        queued = iter(items)
        pending = deque(pool.submit(_run_in_worker, task, item)
                        for item in islice(queued, workers * ahead))
        while pending:
            result = pending.popleft().result()
            for item in islice(queued, 1):
                pending.append(pool.submit(_run_in_worker, task, item))
            yield result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
