"""Reads the workstation window needs beyond ``queue`` and ``cases``: a queue page over
several statuses at once, whether the store holds any case, and the working-day calendar
(so the UI can word deadlines as "剩 3 个工作日" without opening a session itself)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select

from app.core.calendar import WorkCalendar
from app.core.workflow import CaseStatus
from app.services import queue
from app.services.context import Workstation
from app.services.dto import CaseSummary
from app.services.reference import calendar
from app.store.models import Case, Mediator


def work_calendar(ws: Workstation) -> WorkCalendar:
    """The calendar the clocks are computed with; cached on the workstation."""
    if ws._calendar is not None:
        return ws._calendar
    with ws.store.unit_of_work() as session:
        return calendar(ws, session)


def list_cases_in(
    ws: Workstation,
    statuses: Collection[CaseStatus] | None,
    *,
    limit: int = 200,
    offset: int = 0,
) -> list[CaseSummary]:
    """Newest work orders first among ``statuses`` (None: every status), in one query."""
    query = (
        select(Case, Mediator.name)
        .outerjoin(Mediator, Mediator.id == Case.mediator_id)
        .where(Case.deleted.is_(False))
        .order_by(Case.received_at.desc())
        .limit(limit)
        .offset(offset)
    )
    if statuses is not None:
        query = query.where(Case.status.in_(sorted(s.value for s in statuses)))
    with ws.store.unit_of_work() as session:
        return [queue._summary(case, name or "") for case, name in session.execute(query)]


def has_cases(ws: Workstation) -> bool:
    """True when the store holds at least one case (cheap on any size of store)."""
    with ws.store.unit_of_work() as session:
        return session.scalars(select(Case.id).limit(1)).first() is not None
