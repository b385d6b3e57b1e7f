"""Checking the store's audit chain at start, in the background."""

from __future__ import annotations

import time

from app.services.audit_verify import verify_store
from app.services.context import Workstation
from app.store.audit_chain import ChainReport
from app.ui.tasks import TaskState

# The walk runs at about a third of one core, in small pages with a pause after each:
# at full speed it held the interpreter and the disk so much that sorting and searching
# the queue meanwhile took 3-7 times as long (bench/queue.py, 200,000 cases). A million-
# case store (5.3 M audit rows) is walked in about three minutes this way.
PAGE = 2000
PAUSE = 0.05


def verify_audit_chain(ws: Workstation, state: TaskState) -> ChainReport:
    def progress(done: int, total: int) -> None:
        state.report_progress(done, total)
        time.sleep(PAUSE)

    return verify_store(ws.store, progress=progress, cancelled=lambda: state.cancelled,
                        page=PAGE)
