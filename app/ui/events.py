"""Plain-Python notifications re-emitted as Qt signals (Electrum's QtEventListener).

Services return a ``Changes`` value; the task runner publishes each write's here, from
any thread: the bridge lives on the GUI thread, so its receivers always run there.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.services.dto import Changes
from app.ui.qtcompat import emit


class EventBridge(QObject):
    """The application-wide announcement of what changed (one, on the task runner):
    every write op publishes its service's ``Changes`` here; views subscribe to what
    concerns them."""

    changed = Signal(object)  # Changes: every write's, empty ones included
    case_changed = Signal(object)  # frozenset[uuid.UUID]: these cases changed
    case_created = Signal()  # a new case exists, or many changed (queue lists are stale)

    def publish(self, changes: Changes) -> None:
        """Tell every view what a service call changed. Callable from any thread."""
        emit(self.changed, changes)
        if changes.case_ids:
            emit(self.case_changed, frozenset(changes.case_ids))
        if changes.case_created or changes.queue:
            emit(self.case_created)
