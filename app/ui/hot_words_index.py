"""The hot-words index kept caught up while the workstation runs: after the window opens
(a store upgraded from before the index has none), after each sync (a first sync leaves
it to this) and after a write that changed too many cases to list (an import), in the
background, one run at a time. Single case writes index their case themselves."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.services.context import Workstation
from app.services.dto import Changes
from app.services.hot_words import CatchUp
from app.ui.operations.hot_words import catch_up_hot_words
from app.ui.qtcompat import emit
from app.ui.tasks import Lane, TaskRunner


class HotWordsIndex(QObject):
    progress = Signal(int, int)  # cases segmented, cases to segment
    current = Signal()  # every live case is in the index: hot words are complete

    def __init__(self, ws: Workstation, runner: TaskRunner, parent: QObject) -> None:
        super().__init__(parent)
        self.ws, self.runner = ws, runner
        self.is_current = False
        self._running = False
        self._again = False
        runner.events.changed.connect(self._on_changed)

    def start(self) -> None:
        """Catch up now, or once more after the run under way (new rows may have come)."""
        if self._running:
            self._again = True
            return
        self._running, self._again = True, False
        ws = self.ws
        self.runner.task(self, lambda state: catch_up_hot_words(ws, state),
                         lane=Lane.BACKGROUND, name="catch_up_hot_words") \
            .progress(lambda done, total: emit(self.progress, done, total)) \
            .success(self._finished).failure(self._failed).run()

    def _on_changed(self, changes: Changes) -> None:
        if changes.queue:  # many cases at once: an import, a bulk change
            self.start()

    def _finished(self, result: CatchUp) -> None:
        self._running = False
        self.is_current = result.complete
        if result.complete:
            emit(self.current)
        if self._again:
            self.start()

    def _failed(self, failure) -> None:
        self._running = False
        self.runner.error_handler(failure)
