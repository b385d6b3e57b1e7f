"""Checking the store's audit chain at start, in the background."""

from __future__ import annotations

import time

from app.services.audit_verify import verify_store
from app.services.context import Workstation
from app.store.audit_chain import ChainReport
from app.ui.tasks import TaskState

# A pause between pages of the walk: the GUI thread gets the interpreter often.
_BREATHER = 0.01


def verify_audit_chain(ws: Workstation, state: TaskState) -> ChainReport:
    def progress(done: int, total: int) -> None:
        state.report_progress(done, total)
        time.sleep(_BREATHER)

    return verify_store(ws.store, progress=progress, cancelled=lambda: state.cancelled)
