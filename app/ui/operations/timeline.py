"""The case timeline, read through the task runner (a plain worker of ``(args, state)``)."""

from __future__ import annotations

import uuid

from app.services.context import Workstation
from app.services.timeline import Timeline, case_timeline
from app.ui.tasks import TaskState


def load_timeline(args: tuple[Workstation, uuid.UUID], state: TaskState) -> Timeline:
    ws, case_id = args
    state.raise_if_cancelled()  # a newer case was asked for before this one started
    return case_timeline(ws, case_id)
