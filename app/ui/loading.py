"""What a window is still reading, so a test, a benchmark or a screenshot can wait
until nothing is (``settled``) instead of sleeping."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.ui.qtcompat import emit
from app.ui.tasks import TaskFailure


class Loading(QObject):
    settled = Signal()  # the last pending read finished

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending: set[str] = set()
        self.error: TaskFailure | None = None  # the last read that failed

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def start(self, what: str) -> None:
        self._pending.add(what)

    def finish(self, what: str) -> None:
        self._pending.discard(what)
        if not self._pending:
            emit(self.settled)
