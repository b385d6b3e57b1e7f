"""Reads for the queue, the sidebar and the case pane. Workers of the task runner: plain
functions of ``(args, state)`` that return frozen values ready to show."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace

from app.core.calendar import WorkCalendar
from app.core.deadlines import Deadline
from app.core.timeutil import china_today
from app.services import cases, desk, queue, search
from app.services.context import Workstation
from app.services.dto import CaseDetail, CaseSummary
from app.services.queue import FilterOptions, QueueQuery, QueueView, SearchOutcome
from app.ui.formatting import DueBadge, due_badge, summary_deadline
from app.ui.tasks import TaskState


@dataclass(frozen=True)
class QueueRow:
    summary: CaseSummary
    badge: DueBadge | None  # the next deadline; None once nothing is outstanding

    @property
    def id(self) -> uuid.UUID:
        return self.summary.id


@dataclass(frozen=True)
class QueueOpened:
    """A query's row count and first rows (what the table shows first)."""

    query: QueueQuery
    count: int
    rows: tuple[QueueRow, ...]
    search: SearchOutcome | None  # None when the query has no search text


@dataclass(frozen=True)
class RowsUpdate:
    rows: tuple[QueueRow, ...]  # the changed cases as they are now
    missing: frozenset[uuid.UUID]  # changed cases that no longer exist


@dataclass(frozen=True)
class CaseView:
    detail: CaseDetail
    deadlines: tuple[tuple[Deadline, DueBadge], ...]


def _rows(ws: Workstation, summaries: tuple[CaseSummary, ...] | list[CaseSummary]
          ) -> tuple[QueueRow, ...]:
    calendar = desk.work_calendar(ws)
    today = china_today(ws.now())
    return tuple(_row(s, calendar, today) for s in summaries)


def _row(summary: CaseSummary, calendar: WorkCalendar, today) -> QueueRow:
    badge = None
    if summary.next_deadline_on is not None:
        deadline = summary_deadline(summary.next_deadline_kind, summary.next_deadline_on,
                                    provisional=summary.deadline_provisional,
                                    paused=summary.paused)
        badge = due_badge(deadline, today, calendar)
    return QueueRow(summary, badge)


# ------------------------------------------------------------------ the queue


def default_view(ws: Workstation) -> QueueView:
    """我的待办 when the user has open cases, else 全部."""
    mine = queue.count_cases(ws, QueueQuery(view=QueueView.MINE))
    return QueueView.MINE if mine else QueueView.ALL


def open_queue(args: tuple[Workstation, QueueQuery, int, bool], state: TaskState
               ) -> QueueOpened:
    """Count and first page of ``query``; with ``choose_view``, of the default view
    (``QueueOpened.query`` says which)."""
    ws, query, limit, choose_view = args
    if choose_view:
        query = replace(query, view=default_view(ws))
    opening = queue.open_query(ws, query, limit)
    state.raise_if_cancelled()
    return QueueOpened(query, opening.count, _rows(ws, opening.page.rows), opening.search)


def load_page(args: tuple[Workstation, QueueQuery, int, int], state: TaskState
              ) -> tuple[QueueRow, ...]:
    """Rows ``offset`` .. ``offset + limit`` of the query."""
    ws, query, offset, limit = args
    state.raise_if_cancelled()
    page = queue.fetch_cases(ws, query, offset, limit)
    return _rows(ws, page.rows)


def load_rows(args: tuple[Workstation, frozenset[uuid.UUID]], state: TaskState) -> RowsUpdate:
    ws, ids = args
    found, missing = [], set()
    for case_id in ids:
        summary = queue.case_summary(ws, case_id)
        if summary is None:
            missing.add(case_id)
        else:
            found.append(summary)
    return RowsUpdate(_rows(ws, found), frozenset(missing))


def load_view_counts(ws: Workstation, state: TaskState) -> Mapping[QueueView, int]:
    return queue.view_counts(ws)


def load_filter_options(ws: Workstation, state: TaskState) -> FilterOptions:
    return queue.filter_options(ws)


# ------------------------------------------------------------------ the search index


def check_search_index(ws: Workstation, state: TaskState) -> search.IndexState:
    return search.index_state(ws.store)


def rebuild_search_index(ws: Workstation, state: TaskState) -> int:
    """Remake the search index (after an upgrade from a store without one)."""
    return search.rebuild_search_index(ws.store, state.report_progress)


# ------------------------------------------------------------------ the case pane


def load_case(args: tuple[Workstation, uuid.UUID], state: TaskState) -> CaseView:
    ws, case_id = args
    detail = cases.get_case(ws, case_id)
    calendar = desk.work_calendar(ws)
    today = china_today(ws.now())
    return CaseView(detail, tuple((d, due_badge(d, today, calendar)) for d in detail.deadlines))


def load_mediators(ws: Workstation, state: TaskState) -> list[tuple[uuid.UUID, str]]:
    return cases.list_mediators(ws)
