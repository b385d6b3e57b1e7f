"""Reading the case queue: a page of case summaries and the counts per status.

The foundation's simple form; the paged, indexed queue of the workstation builds on it.
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from app.core.workflow import CaseStatus, Source
from app.services.context import Workstation
from app.services.dto import CaseSummary
from app.store.models import Case, Mediator


def list_cases(
    ws: Workstation,
    *,
    status: CaseStatus | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[CaseSummary]:
    """Newest work orders first, optionally of one status."""
    query = (
        select(Case, Mediator.name)
        .outerjoin(Mediator, Mediator.id == Case.mediator_id)
        .where(Case.deleted.is_(False))
        .order_by(Case.received_at.desc())
        .limit(limit)
        .offset(offset)
    )
    if status is not None:
        query = query.where(Case.status == status.value)
    with ws.store.unit_of_work() as session:
        return [_summary(case, name or "") for case, name in session.execute(query)]


def _summary(case: Case, mediator_name: str) -> CaseSummary:
    return CaseSummary(
        id=case.id,
        source_ticket=case.source_ticket,
        received_at=case.received_at,
        complainant_name=case.complainant_name,
        respondent_name=case.respondent_name,
        category=case.category,
        source=Source(case.source),
        status=CaseStatus(case.status),
        next_deadline_on=case.next_deadline_on,
        next_deadline_kind=case.next_deadline_kind,
        deadline_provisional=case.deadline_provisional,
        paused=case.paused,
        tags=tuple(t for t in case.tags.split(",") if t),
        mediator_name=mediator_name,
    )


def count_by_status(ws: Workstation) -> dict[CaseStatus, int]:
    with ws.store.unit_of_work() as session:
        rows = session.execute(
            select(Case.status, func.count())
            .where(Case.deleted.is_(False))
            .group_by(Case.status)
        )
        counts = {CaseStatus(s): n for s, n in rows}
    return {s: counts.get(s, 0) for s in CaseStatus}


def case_summary(ws: Workstation, case_id: uuid.UUID) -> CaseSummary | None:
    with ws.store.unit_of_work() as session:
        row = session.execute(
            select(Case, Mediator.name)
            .outerjoin(Mediator, Mediator.id == Case.mediator_id)
            .where(Case.id == case_id)
        ).first()
        return _summary(row[0], row[1] or "") if row else None
