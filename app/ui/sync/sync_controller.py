"""The background sync of a linked workstation: when to sync, one at a time, and what
the status bar says about it.

A sync runs every ``interval_ms`` (60 s), ``soon_ms`` (10 s) after a local change, and
on demand (同步 → 立即同步, F9), always through the task runner, never on the GUI
thread, and never two at once (a request during a sync runs once it ends). A failed
sync is retried after an exponential backoff with jitter (``Backoff``). Being offline is
a normal state: ``online`` turns False with the reason for the tooltip, nothing pops
up. Any other failure is reported once (``error_reported``) until a sync succeeds.
When the password is unknown the controller asks for it once per session
(``password_needed``); the user's F9 asks again.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from PySide6.QtCore import QObject, QTimer, Signal

from app.core.timeutil import utcnow
from app.services import sync as sync_service
from app.services.central_link import CentralLink, SyncOutcome, run_sync
from app.services.sync import SyncStatus
from app.sync.client import Progress, SyncReport
from app.ui.qtcompat import emit
from app.ui.sync.backoff import Backoff
from app.ui.tasks import LatestOnly, Task, TaskFailure, TaskRunner

log = logging.getLogger(__name__)


class ProgressRelay(QObject):
    """Carries a worker's ``Progress`` values to the GUI thread."""

    progress = Signal(object)

    def report(self, value: Progress) -> None:  # called on the worker thread
        emit(self.progress, value)


class SyncController(QObject):
    state_changed = Signal()  # online / busy / offline reason / last error changed
    status_loaded = Signal(object)  # SyncStatus: the counts for the status bar
    synced = Signal(object)  # SyncReport of a finished sync
    progress = Signal(object)  # Progress of the running sync
    password_needed = Signal(bool)  # True when the last password was refused
    error_reported = Signal(object)  # TaskFailure: shown once per streak of failures

    def __init__(self, link: CentralLink, runner: TaskRunner, *,
                 interval_ms: int = 60_000, soon_ms: int = 10_000,
                 backoff: Backoff | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.link = link
        self.runner = runner
        self._status_reads = LatestOnly(runner, self)  # a newer count overtakes an older
        self.backoff = backoff or Backoff()
        self.online: bool | None = None  # None: not tried yet
        self.offline_detail = ""
        self.last_error: TaskFailure | None = None
        self.waiting_for_password = False
        self.status: SyncStatus | None = None
        self.last_report: SyncReport | None = None
        self.task: Task | None = None
        self.retry_at: datetime | None = None
        self._again = False
        self._asked_password = False
        self._error_shown = False
        self._stopped = False

        self.relay = ProgressRelay(self)
        self.relay.progress.connect(self._on_progress)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self.soon_timer = QTimer(self)
        self.soon_timer.setSingleShot(True)
        self.soon_timer.setInterval(soon_ms)
        self.soon_timer.timeout.connect(self._tick)
        self.retry_timer = QTimer(self)
        self.retry_timer.setSingleShot(True)
        self.retry_timer.timeout.connect(self.sync_now)

    # ------------------------------------------------------------ control

    @property
    def busy(self) -> bool:
        return self.task is not None

    def start(self) -> None:
        """Sync now, then on the timer."""
        self._stopped = False
        self.timer.start()
        self.refresh_status()
        self.sync_now()

    def stop(self) -> None:
        self._stopped = True
        for timer in (self.timer, self.soon_timer, self.retry_timer):
            timer.stop()
        if self.task is not None:
            self.task.cancel()

    def sync_now(self, *, asked: bool = False) -> None:
        """Sync unless one is running (then once more when it ends). ``asked``: the
        user asked (F9), so a missing password is asked for again."""
        if self._stopped:
            return
        if asked:
            self._asked_password = False
        if self.busy:
            self._again = True
            return
        if self.waiting_for_password and not self.link.has_password:
            self._ask_password(False)
            return
        self.retry_timer.stop()
        self.retry_at = None
        link, report = self.link, self.relay.report
        self.task = self.runner.query(self, lambda: run_sync(link, report), name="sync") \
            .success(self._on_done).failure(self._on_failed).run()
        emit(self.state_changed)

    def local_change(self) -> None:
        """Something was saved here: show it as pending, send it soon."""
        self.refresh_status()
        if not self._stopped and not self.retry_timer.isActive():
            self.soon_timer.start()

    def set_password(self, password: str | None, *, remember: bool = False) -> None:
        self.link.set_password(password, remember=remember)
        self.waiting_for_password = password is None
        if password is not None:
            self.sync_now()

    def reconfigure(self) -> None:
        """The connection settings changed (the link has them): try them at once."""
        self.backoff.succeeded()
        self.waiting_for_password = False
        self._asked_password = False
        self.sync_now()

    def _tick(self) -> None:
        if not self.retry_timer.isActive():  # a backoff wait is not cut short
            self.sync_now()

    # ------------------------------------------------------------ results

    def _on_progress(self, value: Progress) -> None:
        if self.busy:
            emit(self.progress, value)

    def _finish(self) -> None:
        self.task = None
        self.refresh_status()

    def _on_done(self, outcome: SyncOutcome) -> None:
        self._finish()
        if outcome.report is not None:
            self.backoff.succeeded()
            self.online = True
            self.offline_detail = ""
            self.last_error = None
            self._error_shown = False
            self.waiting_for_password = False
            self.last_report = outcome.report
            emit(self.state_changed)
            emit(self.synced, outcome.report)
            if self._again:
                self._again = False
                self.sync_now()
            return
        self._again = False
        if outcome.needs_password:
            self.waiting_for_password = True
            emit(self.state_changed)
            self._ask_password(outcome.wrong_password)
            return
        self.online = False
        self.offline_detail = outcome.detail
        self._retry_later()
        emit(self.state_changed)

    def _on_failed(self, failure: TaskFailure) -> None:
        self._finish()
        self._again = False
        self.last_error = failure
        self._retry_later()
        emit(self.state_changed)
        if not self._error_shown:
            self._error_shown = True
            emit(self.error_reported, failure)

    def _retry_later(self) -> None:
        if self._stopped:
            return
        delay = self.backoff.failed()
        self.retry_timer.start(int(delay * 1000))
        self.retry_at = utcnow() + timedelta(seconds=delay)

    def _ask_password(self, wrong: bool) -> None:
        if self._asked_password and not wrong:
            return
        self._asked_password = True
        emit(self.password_needed, wrong)

    # ------------------------------------------------------------ the counts

    def refresh_status(self) -> None:
        store = self.link.store
        self._status_reads.query(lambda: sync_service.sync_status(store), name="sync_status") \
            .success(self._on_status) \
            .failure(lambda failure: log.warning("sync status: %r", failure.error)).run()

    def _on_status(self, status: SyncStatus) -> None:
        self.status = status
        emit(self.status_loaded, status)
