"""Plain-Python notifications re-emitted as Qt signals (Electrum's QtEventListener).

Services return a ``Changes`` value; sync and other core code call plain callbacks.
Both reach the widgets through this bridge, from any thread: the bridge lives on the GUI
thread, so its receivers always run there.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from app.services.dto import Changes
from app.ui.qtcompat import emit


class EventBridge(QObject):
    case_changed = Signal(object)  # frozenset[uuid.UUID]: these cases changed
    case_created = Signal()  # a new case exists (queue counts and lists are stale)
    reference_changed = Signal()  # calendar, rule sets, mediators or office settings

    def publish(self, changes: Changes) -> None:
        """Tell every view what a service call changed. Callable from any thread."""
        if changes.case_ids:
            emit(self.case_changed, frozenset(changes.case_ids))
        if changes.case_created:
            emit(self.case_created)
        if changes.reference:
            emit(self.reference_changed)

    def callback(self, event: str) -> Callable[..., None]:
        """A plain function for non-Qt code to call when ``event`` happens, e.g.
        ``sync.run(on_cases_changed=bridge.callback("case_changed"))``."""
        signal = {
            "case_changed": lambda ids=(): emit(
                self.case_changed, frozenset(uuid.UUID(str(i)) for i in ids)
            ),
            "case_created": lambda: emit(self.case_created),
            "reference_changed": lambda: emit(self.reference_changed),
        }.get(event)
        if signal is None:
            raise KeyError(f"no event {event!r}")
        return signal
