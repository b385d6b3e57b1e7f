"""What the figures need kept current, done once per window in the background: when the
completing clock of cases closed before this version ran out, and the figures' per-day
summaries of days not built yet (an upgraded store, a bulk load). Hot words have their
own catch-up (app/ui/hot_words_index.py). Both resume where they stopped; closing the
window stops them."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject

from app.services import clocks, stats_summary
from app.services.context import Workstation
from app.ui.tasks import Lane, TaskFailure, TaskRunner, TaskState

log = logging.getLogger(__name__)


def _keep_current(ws: Workstation, state: TaskState) -> tuple[int, int]:
    filled = clocks.fill_completion_dues(ws, cancelled=lambda: state.cancelled)
    days = stats_summary.catch_up(ws.store, cancelled=lambda: state.cancelled)
    return filled.changed, days


class FiguresUpkeep(QObject):
    def __init__(self, ws: Workstation, runner: TaskRunner, parent: QObject) -> None:
        super().__init__(parent)
        self.ws, self.runner = ws, runner
        self._task = None

    def start(self) -> None:
        if self._task is not None:
            return
        ws = self.ws
        self._task = self.runner.task(self, lambda state: _keep_current(ws, state),
                                      lane=Lane.BACKGROUND, name="figures_upkeep") \
            .success(self._done).failure(self._failed).run()

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def _done(self, result: tuple[int, int]) -> None:
        if any(result):
            log.info("figures kept current: %d completion dues, %d days summed", *result)

    def _failed(self, failure: TaskFailure) -> None:
        # The figures still count (dirty days straight from the cases); 按期办结率
        # covers fewer cases until the next start.
        log.warning("keeping the figures current failed: %r", failure.error)
