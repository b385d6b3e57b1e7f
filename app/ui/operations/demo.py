"""Filling an empty store with demo cases (``--demo``), on the write lane."""

from __future__ import annotations

from app.services import desk, reference
from app.services.context import Workstation
from app.ui.tasks import TaskState


def fill_demo_data(ws: Workstation, cases: int, state: TaskState) -> int:
    """Write ``cases`` demo cases unless the store already holds some; returns how many
    were written (0 when the store was not empty). Cancelling rolls everything back."""
    if desk.has_cases(ws):
        return 0
    # Imported here: the generator is large and only this path needs it.
    from app.demo.generator import generate_demo_data

    def progress(done: int, total: int) -> None:
        state.report_progress(done, total)
        state.raise_if_cancelled()

    from app.demo.groups import make_demo_group

    summary = generate_demo_data(ws.store, cases, progress=progress, login=ws.actor.login)
    # The demo gives the signed-in user a person's name: sign in again to show it.
    ws.actor = reference.open_workstation(ws.store, ws.actor.login).actor
    make_demo_group(ws)  # 群体纠纷管理 shows one, as an office's would
    return summary.cases
