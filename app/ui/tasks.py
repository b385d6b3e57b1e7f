"""The one task runner: database, file and network work off the GUI thread.

A worker is a plain function ``fn(args, state)`` that never touches widgets; ``state``
lets it report progress and notice cancellation (Orange ``TaskState``). Results,
progress and failures come back as signals delivered on the GUI thread. Writes to the
local store go to a single-worker lane so they never interleave (Anki's collection
executor); reads share a small pool.

A failure is logged with its traceback here, once, then goes to the caller's
``on_failed`` or, by default, to the runner's error handler, which shows it.

    runner.run(queue_worker, (ws, view), on_done=self._show_rows, context=self)
    runner.write(perform_action, (ws, request), on_done=self._after_change)
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThread, QThreadPool, Signal, Slot

from app.ui.qtcompat import emit

log = logging.getLogger(__name__)

Worker = Callable[[Any, "TaskState"], Any]


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

    def __init__(self, fn: Worker, args: Any, name: str) -> None:
        super().__init__()
        self.fn = fn
        self.args = args
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
            result = self.fn(self.args, self.state)
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
    from app.core.errors import DomainError
    from app.documents.errors import DocumentError
    from app.services.documents import DocumentRefused
    from app.services.errors import CaseNotFound, ClockError, StaleCase, ValidationFailed
    from app.services.evidence import EvidenceError
    from app.services.sessions import SessionFinished, SessionNotFound
    from app.services.sync import ConflictGone, LinkError
    from app.store.errors import StoreError
    from app.sync.central import CentralError

    return isinstance(
        error,
        (TaskCancelled, DomainError, ValidationFailed, StaleCase, CaseNotFound, ClockError,
         StoreError, CentralError, LinkError, ConflictGone, EvidenceError, SessionNotFound,
         SessionFinished, DocumentRefused, DocumentError),
    )


def log_failure(failure: TaskFailure) -> None:
    if isinstance(failure.error, TaskCancelled):
        log.info("task %s cancelled", failure.task_name)
    elif is_expected(failure.error):
        log.info("task %s refused: %r", failure.task_name, failure.error)
    else:
        log.error("task %s failed\n%s", failure.task_name, failure.traceback)


class _Runnable(QRunnable):
    def __init__(self, task: Task) -> None:
        super().__init__()
        self._task = task

    def run(self) -> None:
        self._task.execute()


ErrorHandler = Callable[[TaskFailure], None]


def _log_only(failure: TaskFailure) -> None:
    """Used until the application installs its message-showing handler."""


class TaskRunner(QObject):
    """Submits workers to the read pool or the single write lane."""

    def __init__(self, parent: QObject | None = None, *,
                 error_handler: ErrorHandler | None = None) -> None:
        super().__init__(parent)
        self.error_handler: ErrorHandler = error_handler or _log_only
        self._read_pool = QThreadPool(self)
        self._read_pool.setMaxThreadCount(max(2, min(4, QThread.idealThreadCount())))
        self._write_pool = QThreadPool(self)
        self._write_pool.setMaxThreadCount(1)
        self._background_pool = QThreadPool(self)
        self._background_pool.setMaxThreadCount(1)
        self._active: set[Task] = set()

    def run(
        self,
        fn: Worker,
        args: Any = None,
        *,
        on_done: Callable[[Any], None] | None = None,
        on_failed: Callable[[TaskFailure], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        lane: Lane = Lane.READ,
        context: QObject | None = None,
        name: str | None = None,
    ) -> Task:
        """Start ``fn(args, state)``. Callbacks run on the GUI thread, and not at all if
        ``context`` (the widget that asked) has been destroyed by then."""
        task = Task(fn, args, name or getattr(fn, "__qualname__", repr(fn)))

        def alive() -> bool:
            return context is None or shiboken6.isValid(context)

        def done(result: object) -> None:
            self._active.discard(task)
            if on_done is not None and alive():
                on_done(result)

        def failed(failure: TaskFailure) -> None:
            self._active.discard(task)
            if isinstance(failure.error, TaskCancelled) or not alive():
                return
            (on_failed or self.error_handler)(failure)

        task.finished.connect(done)
        task.failed.connect(failed)
        if on_progress is not None:
            task.progress.connect(lambda d, t: on_progress(d, t) if alive() else None)
        self._active.add(task)
        self._submit(task, lane)
        return task

    def write(self, fn: Worker, args: Any = None, **kwargs: Any) -> Task:
        """``run`` on the write lane."""
        return self.run(fn, args, lane=Lane.WRITE, **kwargs)

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
    """Reads whose answer matters only while no newer one has been asked for — a tab
    showing the case on screen: an older answer (or failure) arriving late is dropped."""

    def __init__(self, runner: TaskRunner, context: QObject) -> None:
        self.runner = runner
        self.context = context
        self.generation = 0

    def run(self, fn: Worker, args: Any = None, *, on_done: Callable[[Any], None],
            on_failed: Callable[[TaskFailure], None] | None = None, name: str) -> Task:
        self.generation += 1
        generation = self.generation

        def done(result: Any) -> None:
            if generation == self.generation:
                on_done(result)

        def failed(failure: TaskFailure) -> None:
            if generation == self.generation:
                (on_failed or self.runner.error_handler)(failure)

        return self.runner.run(fn, args, on_done=done, on_failed=failed,
                               context=self.context, name=name)

    def forget(self) -> None:
        """Whatever is on its way is no longer wanted."""
        self.generation += 1


class SyncTaskRunner(TaskRunner):
    """Runs each worker at once on the calling thread: for tests where timing does not
    matter. Callbacks have run by the time ``run`` returns."""

    def _submit(self, task: Task, lane: Lane) -> None:
        task.execute()
