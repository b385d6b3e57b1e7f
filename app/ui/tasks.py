"""The one task runner: database, file and network work off the GUI thread.

Work is a closure that never touches widgets, built into an ``Op`` and started with
``run()`` (Anki's ``QueryOp`` / ``CollectionOp``); callbacks come back on the GUI
thread, and not at all once the widget that asked has been destroyed::

    runner.query(self, lambda: queue.view_counts(ws)).success(self.show_counts).run()
    runner.op(self, lambda: cases.accept(ws, case_id, expected_version=v)).run()

``op`` runs on the single write lane, so writes to the local store never interleave,
and publishes the ``Changes`` its service returned to ``runner.events``, the one
application-wide bridge views subscribe to. Work that reports progress or honours
cancel takes the ``TaskState`` (Orange's ``TaskState``): ``runner.task(self, fn)``.
``LatestOnly`` keeps only the newest answer of reads that can be overtaken.

A failure is logged with its traceback here, once, then goes to the op's ``failure``
callback or, by default, to the runner's error handler, which shows it.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThread, QThreadPool, Signal, Slot

from app.core.errors import UserFacingError
from app.services.dto import Changes
from app.ui.events import EventBridge
from app.ui.qtcompat import emit

log = logging.getLogger(__name__)

T = TypeVar("T")


class Lane(Enum):
    READ = "read"  # shared pool: queries, rendering, network
    WRITE = "write"  # one worker: every write to the local store, in order
    BACKGROUND = "background"  # one worker: long reads (a whole-file check) that must
    # never hold a read worker the queue is waiting for


class TaskCancelled(Exception):
    """Raised by a worker (through ``state.raise_if_cancelled``) to stop early."""


@dataclass(frozen=True)
class TaskFailure:
    task_name: str
    error: BaseException
    traceback: str


class TaskState:
    """What a worker sees. Safe to use from the worker thread."""

    def __init__(self, emit_progress: Callable[[int, int], None]) -> None:
        self._cancel = threading.Event()
        self._emit_progress = emit_progress
        self._last_permille = -1

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def raise_if_cancelled(self) -> None:
        if self._cancel.is_set():
            raise TaskCancelled()

    def report_progress(self, done: int, total: int) -> None:
        """Throttled: emits when the tenth of a percent changes, and at the end."""
        permille = 1000 if total <= 0 else min(1000, done * 1000 // total)
        if permille != self._last_permille or done >= total:
            self._last_permille = permille
            self._emit_progress(done, total)


class Task(QObject):
    """A handle on one submitted job; its public signals fire on the GUI thread."""

    finished = Signal(object)  # the worker's return value
    failed = Signal(object)  # TaskFailure
    progress = Signal(int, int)  # done, total

    # Emitted on the worker thread; queued to the slots below on the GUI thread.
    _result_ready = Signal(object)
    _failure_ready = Signal(object)
    _progress_ready = Signal(int, int)

    def __init__(self, fn: Callable[[TaskState], Any], name: str) -> None:
        super().__init__()
        self.fn = fn
        self.name = name
        self.state = TaskState(lambda done, total: emit(self._progress_ready, done, total))
        self.done = False
        self._result_ready.connect(self._deliver_result)
        self._failure_ready.connect(self._deliver_failure)
        self._progress_ready.connect(self._deliver_progress)

    def cancel(self) -> None:
        self.state.cancel()

    @property
    def cancelled(self) -> bool:
        return self.state.cancelled

    def execute(self) -> None:
        """Run the worker (on whichever thread calls this) and report back."""
        try:
            result = self.fn(self.state)
        except BaseException as exc:  # every failure is reported, none swallowed
            emit(self._failure_ready, TaskFailure(self.name, exc, traceback.format_exc()))
        else:
            emit(self._result_ready, result)

    @Slot(object)
    def _deliver_result(self, result: object) -> None:
        self.done = True
        emit(self.finished, result)

    @Slot(object)
    def _deliver_failure(self, failure: TaskFailure) -> None:
        self.done = True
        log_failure(failure)
        emit(self.failed, failure)

    @Slot(int, int)
    def _deliver_progress(self, done: int, total: int) -> None:
        if not self.done:
            emit(self.progress, done, total)


def is_expected(error: BaseException) -> bool:
    """Errors that are the user's to fix (bad input, stale data) rather than bugs."""
    return isinstance(error, (TaskCancelled, UserFacingError))


def log_failure(failure: TaskFailure) -> None:
    if isinstance(failure.error, TaskCancelled):
        log.info("task %s cancelled", failure.task_name)
    elif is_expected(failure.error):
        log.info("task %s refused: %r", failure.task_name, failure.error)
    else:
        log.error("task %s failed\n%s", failure.task_name, failure.traceback)


def changes_of(result: object) -> Changes | None:
    """The ``Changes`` a write returned: itself, its ``changes``, or in a tuple."""
    if isinstance(result, Changes):
        return result
    changes = getattr(result, "changes", None)
    if isinstance(changes, Changes):
        return changes
    if isinstance(result, tuple):
        return next((r for r in result if isinstance(r, Changes)), None)
    return None


class _Runnable(QRunnable):
    def __init__(self, task: Task) -> None:
        super().__init__()
        self._task = task

    def run(self) -> None:
        self._task.execute()


ErrorHandler = Callable[[TaskFailure], None]


def _log_only(failure: TaskFailure) -> None:
    """Used until the application installs its message-showing handler."""


def _name_of(fn: Callable[..., Any]) -> str:
    """A closure's place in the code (``case_view:218``): what the log can point at."""
    code = getattr(fn, "__code__", None)
    if code is None or fn.__name__ != "<lambda>":
        return getattr(fn, "__qualname__", repr(fn))
    return f"{fn.__module__.rsplit('.', 1)[-1]}:{code.co_firstlineno}"


class Op(Generic[T]):
    """One piece of work, configured and then started with ``run()``.

    ``success`` gets the closure's return value, ``failure`` a ``TaskFailure`` (without
    one the runner's error handler shows it), ``progress`` what the work reports. All
    run on the GUI thread, and only while ``parent`` lives. A write (``runner.op``)
    publishes its ``Changes`` to ``runner.events`` after ``success``, whether or not the
    parent is still there: the data changed either way."""

    def __init__(self, runner: TaskRunner, parent: QObject | None,
                 fn: Callable[[TaskState], T], *, lane: Lane, name: str,
                 latest: LatestOnly | None = None) -> None:
        self._runner = runner
        self._parent = parent
        self._fn = fn
        self._lane = lane
        self._name = name
        self._latest = latest
        self._publish = lane is Lane.WRITE
        self._success: Callable[[T], object] | None = None
        self._failure: Callable[[TaskFailure], object] | None = None
        self._progress: Callable[[int, int], object] | None = None

    def success(self, fn: Callable[[T], object]) -> Op[T]:
        self._success = fn
        return self

    def failure(self, fn: Callable[[TaskFailure], object]) -> Op[T]:
        self._failure = fn
        return self

    def progress(self, fn: Callable[[int, int], object]) -> Op[T]:
        self._progress = fn
        return self

    def run(self) -> Task:
        return self._runner._start(self)


class TaskRunner(QObject):
    """Runs ops on the read pool, the single write lane or the background lane."""

    def __init__(self, parent: QObject | None = None, *,
                 error_handler: ErrorHandler | None = None) -> None:
        super().__init__(parent)
        self.error_handler: ErrorHandler = error_handler or _log_only
        # What every write changed, announced once for the whole application.
        self.events = EventBridge(self)
        self._read_pool = QThreadPool(self)
        self._read_pool.setMaxThreadCount(max(2, min(4, QThread.idealThreadCount())))
        self._write_pool = QThreadPool(self)
        self._write_pool.setMaxThreadCount(1)
        self._background_pool = QThreadPool(self)
        self._background_pool.setMaxThreadCount(1)
        self._active: set[Task] = set()

    def query(self, parent: QObject | None, fn: Callable[[], T], *,
              name: str | None = None) -> Op[T]:
        """A read on the shared pool."""
        return Op(self, parent, lambda _state: fn(), lane=Lane.READ, name=name or _name_of(fn))

    def op(self, parent: QObject | None, fn: Callable[[], T], *,
           name: str | None = None) -> Op[T]:
        """A write on the single write lane; its ``Changes`` are published."""
        return Op(self, parent, lambda _state: fn(), lane=Lane.WRITE,
                  name=name or _name_of(fn))

    def task(self, parent: QObject | None, fn: Callable[[TaskState], T], *,
             lane: Lane = Lane.READ, name: str | None = None) -> Op[T]:
        """Long work that reports progress or honours cancel through its ``TaskState``;
        on the write lane it publishes its ``Changes`` like ``op``."""
        return Op(self, parent, fn, lane=lane, name=name or _name_of(fn))

    def _start(self, op: Op[Any]) -> Task:
        task = Task(op._fn, op._name)
        context = op._parent
        wanted = op._latest.ticket() if op._latest is not None else (lambda: True)

        def alive() -> bool:
            return (context is None or shiboken6.isValid(context)) and wanted()

        def done(result: object) -> None:
            self._active.discard(task)
            try:
                if op._success is not None and alive():
                    op._success(result)
            finally:
                if op._publish:
                    changes = changes_of(result)
                    if changes is not None:
                        self.events.publish(changes)

        def failed(failure: TaskFailure) -> None:
            self._active.discard(task)
            if isinstance(failure.error, TaskCancelled) or not alive():
                return
            (op._failure or self.error_handler)(failure)

        task.finished.connect(done)
        task.failed.connect(failed)
        if op._progress is not None:
            progress = op._progress
            task.progress.connect(lambda d, t: progress(d, t) if alive() else None)
        if op._latest is not None:
            op._latest._task = task
        self._active.add(task)
        self._submit(task, op._lane)
        return task

    def _submit(self, task: Task, lane: Lane) -> None:
        pools = {Lane.READ: self._read_pool, Lane.WRITE: self._write_pool,
                 Lane.BACKGROUND: self._background_pool}
        pools[lane].start(_Runnable(task))

    @property
    def busy(self) -> bool:
        return bool(self._active)

    def shutdown(self, timeout_ms: int = 15000) -> bool:
        """Cancel what is running and wait for the workers (call when the window closes).
        The write lane is allowed to finish its current write."""
        for task in list(self._active):
            task.cancel()
        ok = self._read_pool.waitForDone(timeout_ms)
        ok = self._background_pool.waitForDone(timeout_ms) and ok
        return self._write_pool.waitForDone(timeout_ms) and ok


class LatestOnly:
    """Reads whose answer matters only while no newer one has been asked for — the case
    on screen, the sidebar's counts: an older answer (or failure) arriving late is
    dropped, and a cancellable older read is told to stop."""

    def __init__(self, runner: TaskRunner, context: QObject) -> None:
        self.runner = runner
        self.context = context
        self.generation = 0
        self._task: Task | None = None

    def query(self, fn: Callable[[], T], *, name: str | None = None) -> Op[T]:
        return Op(self.runner, self.context, lambda _state: fn(), lane=Lane.READ,
                  name=name or _name_of(fn), latest=self)

    def task(self, fn: Callable[[TaskState], T], *, name: str | None = None) -> Op[T]:
        return Op(self.runner, self.context, fn, lane=Lane.READ, name=name or _name_of(fn),
                  latest=self)

    def ticket(self) -> Callable[[], bool]:
        """Called as an op starts: a test that stays true until a newer op starts."""
        self.forget()
        return self.current()

    def current(self) -> Callable[[], bool]:
        """A test that stays true until a newer op starts: for work that belongs to the
        latest answer (a page of the query the queue shows)."""
        generation = self.generation
        return lambda: generation == self.generation

    def forget(self) -> None:
        """Whatever is on its way is no longer wanted."""
        self.generation += 1
        if self._task is not None and not self._task.done:
            self._task.cancel()
        self._task = None


class SyncTaskRunner(TaskRunner):
    """Runs each worker at once on the calling thread: for tests where timing does not
    matter. Callbacks have run by the time ``Op.run`` returns."""

    def _submit(self, task: Task, lane: Lane) -> None:
        task.execute()
