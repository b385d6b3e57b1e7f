"""Checking the store file in the background: a store too large to quick_check before
the window opens (see app/store/database.py) is checked once the window shows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.store.integrity import Damage, check_store
from app.ui.tasks import TaskCancelled, TaskState


def check_store_file(path: Path, state: TaskState) -> Damage | None:
    try:
        return check_store(path, cancelled=lambda: state.cancelled)
    except sqlite3.OperationalError:
        if state.cancelled:
            raise TaskCancelled() from None
        raise
