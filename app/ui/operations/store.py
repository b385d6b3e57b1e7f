"""Checking the store file in the background: a store too large to quick_check before
the window opens (see app/store/database.py) is checked once the window shows."""

from __future__ import annotations

import sqlite3

import sqlcipher3.dbapi2 as sqlcipher

from app.store.database import Store
from app.store.integrity import Damage, check_store
from app.ui.tasks import TaskCancelled, TaskState


def check_store_file(store: Store, state: TaskState) -> Damage | None:
    """The whole file's quick_check, stopped when the task is cancelled."""
    try:
        return check_store(store.path, cancelled=lambda: state.cancelled,
                           connect=lambda: store.connect_raw(read_only=True,
                                                             check_same_thread=False))
    except (sqlite3.OperationalError, sqlcipher.OperationalError):
        if state.cancelled:
            raise TaskCancelled() from None
        raise
