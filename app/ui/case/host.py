"""What a tab of the case pane may use of the pane that holds it.

Tabs run their own work through ``runner`` (a write's ``Changes`` reach every view
through ``runner.events``) and tell the pane only what the pane itself shows: a save
that succeeded or failed, a case changed elsewhere, an ID number revealed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtWidgets import QWidget

from app.services.context import Workstation
from app.services.dto import CaseDetail, Changes
from app.services.tempfiles import RunFolder
from app.ui.tasks import TaskFailure, TaskRunner

if TYPE_CHECKING:
    from app.ui.operations.cases import IntakeChoices
    from app.ui.session.editors import SessionEditors


class CaseHost(Protocol):
    ws: Workstation
    runner: TaskRunner
    temp: RunFolder  # where 打开 puts its copies
    people: dict[str, str]  # login -> name, for who wrote what
    case: CaseDetail | None
    session_editors: SessionEditors

    def show_dialog(self, dialog: QWidget) -> None:
        """Open ``dialog`` for the case shown (one at a time)."""

    def saved_here(self, changes: Changes) -> None:
        """A tab's write succeeded."""

    def save_failed_here(self, failure: TaskFailure) -> None:
        """A tab's write was refused."""

    def stale(self) -> None:
        """The case changed elsewhere: whatever shows it reads it again."""

    def revealed_here(self, party_id: uuid.UUID) -> None:
        """An ID number was shown in full (the history gained an audit entry)."""

    def load_choices(self, apply: Callable[[IntakeChoices], None]) -> None:
        """Categories and tags in use, for the editors' lists."""
