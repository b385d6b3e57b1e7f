"""Reads for the queue and the case pane. Each returns frozen values ready to show."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from app.core.calendar import WorkCalendar
from app.core.deadlines import Deadline
from app.core.timeutil import china_today
from app.core.workflow import CaseStatus
from app.services import cases, desk, queue
from app.services.context import Workstation
from app.services.dto import CaseDetail, CaseSummary
from app.ui.formatting import DueBadge, due_badge, summary_deadline
from app.ui.queue.status_views import StatusView
from app.ui.tasks import TaskState


@dataclass(frozen=True)
class QueueRow:
    summary: CaseSummary
    badge: DueBadge | None  # the next deadline; None once nothing is outstanding

    @property
    def id(self) -> uuid.UUID:
        return self.summary.id


@dataclass(frozen=True)
class QueuePage:
    view: StatusView
    rows: tuple[QueueRow, ...]


@dataclass(frozen=True)
class RowsUpdate:
    rows: tuple[QueueRow, ...]  # the changed cases as they are now
    missing: frozenset[uuid.UUID]  # changed cases that no longer exist
    counts: Mapping[CaseStatus, int]


@dataclass(frozen=True)
class CaseView:
    detail: CaseDetail
    deadlines: tuple[tuple[Deadline, DueBadge], ...]


def _row(summary: CaseSummary, calendar: WorkCalendar, ws: Workstation) -> QueueRow:
    badge = None
    if summary.next_deadline_on is not None:
        deadline = summary_deadline(summary.next_deadline_kind, summary.next_deadline_on,
                                    provisional=summary.deadline_provisional,
                                    paused=summary.paused)
        badge = due_badge(deadline, china_today(ws.now()), calendar)
    return QueueRow(summary, badge)


def load_queue(args: tuple[Workstation, StatusView, int], state: TaskState) -> QueuePage:
    ws, view, limit = args
    summaries = desk.list_cases_in(ws, view.statuses, limit=limit)
    state.raise_if_cancelled()
    calendar = desk.work_calendar(ws)
    rows = tuple(_row(s, calendar, ws) for s in summaries)
    return QueuePage(view, rows)


def load_rows(args: tuple[Workstation, frozenset[uuid.UUID]], state: TaskState) -> RowsUpdate:
    ws, ids = args
    calendar = desk.work_calendar(ws)
    rows, missing = [], set()
    for case_id in ids:
        summary = queue.case_summary(ws, case_id)
        if summary is None:
            missing.add(case_id)
        else:
            rows.append(_row(summary, calendar, ws))
    return RowsUpdate(tuple(rows), frozenset(missing), queue.count_by_status(ws))


def load_case(args: tuple[Workstation, uuid.UUID], state: TaskState) -> CaseView:
    ws, case_id = args
    detail = cases.get_case(ws, case_id)
    calendar = desk.work_calendar(ws)
    today = china_today(ws.now())
    return CaseView(detail, tuple((d, due_badge(d, today, calendar)) for d in detail.deadlines))


def load_mediators(ws: Workstation, state: TaskState) -> list[tuple[uuid.UUID, str]]:
    return cases.list_mediators(ws)


def load_counts(ws: Workstation, state: TaskState) -> Mapping[CaseStatus, int]:
    return queue.count_by_status(ws)
