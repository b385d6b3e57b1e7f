"""Reads the workstation window needs beyond ``queue`` and ``cases``: whether the store
holds any case, and the working-day calendar (so the UI can word deadlines as
"剩 3 个工作日" without opening a session itself)."""

from __future__ import annotations

from sqlalchemy import select

from app.core.calendar import WorkCalendar
from app.services.context import Workstation
from app.services.reference import calendar
from app.store.models import Case


def work_calendar(ws: Workstation) -> WorkCalendar:
    """The calendar the clocks are computed with; cached on the workstation."""
    if ws._calendar is not None:
        return ws._calendar
    with ws.store.unit_of_work() as session:
        return calendar(ws, session)


def has_cases(ws: Workstation) -> bool:
    """True when the store holds at least one case (cheap on any size of store)."""
    with ws.store.unit_of_work() as session:
        return session.scalars(select(Case.id).limit(1)).first() is not None
