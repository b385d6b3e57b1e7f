"""Catching up the hot-words index in the background (issue 15, item 2)."""

from __future__ import annotations

import time

from app.services import hot_words
from app.services.context import Workstation
from app.ui.tasks import TaskState

# Small batches with a pause after each, as the audit walk does (operations/audit.py):
# segmenting holds the interpreter, and the queue must stay quick meanwhile. A batch of
# 1,000 cases takes about 60 ms; a million-case store is caught up in a few minutes, once.
BATCH = 1_000
PAUSE = 0.05


def catch_up_hot_words(ws: Workstation, state: TaskState) -> hot_words.CatchUp:
    def progress(done: int, total: int) -> None:
        state.report_progress(done, total)
        if done:
            time.sleep(PAUSE)

    return hot_words.catch_up(ws.store, progress=progress,
                              cancelled=lambda: state.cancelled, batch=BATCH)
