"""Reads for the queue with steps of their own: a query's count and first rows (on the
default view when asked), further pages, and changed rows, each row with its deadline
badge worked out off the GUI thread. They return frozen values ready to show."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from app.core.calendar import WorkCalendar
from app.core.timeutil import china_today
from app.services import desk, queue
from app.services.context import Workstation
from app.services.dto import CaseSummary
from app.services.queue import QueueQuery, QueueView, RowKey, SearchOutcome
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
    keys: tuple[RowKey, ...] = ()  # each row's place in the order


@dataclass(frozen=True)
class PageRows:
    """A page of rows and each one's place in the order (what the next page starts
    after)."""

    rows: tuple[QueueRow, ...]
    keys: tuple[RowKey, ...]


@dataclass(frozen=True)
class RowsUpdate:
    rows: tuple[QueueRow, ...]  # the changed cases as they are now
    missing: frozenset[uuid.UUID]  # changed cases that no longer exist


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
                                    paused=summary.paused,
                                    confirmed=summary.rules_confirmed)
        badge = due_badge(deadline, today, calendar, named=True)
    return QueueRow(summary, badge)


# ------------------------------------------------------------------ the queue


def default_view(ws: Workstation) -> QueueView:
    """我的待办 when the user has open cases, else 全部."""
    mine = queue.count_cases(ws, QueueQuery(view=QueueView.MINE))
    return QueueView.MINE if mine else QueueView.ALL


def open_queue(ws: Workstation, query: QueueQuery, limit: int, choose_view: bool,
               state: TaskState, count: int | None = None) -> QueueOpened:
    """Count and first page of ``query``; with ``choose_view``, of the default view
    (``QueueOpened.query`` says which). ``count``: known already, not counted again."""
    if choose_view:
        query = replace(query, view=default_view(ws))
    opening = queue.open_query(ws, query, limit, count)
    state.raise_if_cancelled()
    return QueueOpened(query, opening.count, _rows(ws, opening.page.rows), opening.search,
                       opening.page.keys)


def load_page(ws: Workstation, query: QueueQuery, start: RowKey | None, skip: int,
              limit: int, backwards: bool, state: TaskState) -> PageRows:
    """``limit`` rows of the query after ``start``, ``skip`` rows on (before it,
    ``backwards``): ``queue.fetch_page``."""
    state.raise_if_cancelled()
    page = queue.fetch_page(ws, query, start, skip, limit, backwards=backwards)
    return PageRows(_rows(ws, page.rows), page.keys)


def load_anchors(ws: Workstation, query: QueueQuery, every: int, after: queue.Anchor | None,
                 most: int, state: TaskState) -> tuple[queue.Anchor, ...]:
    """The key of every ``every``-th row of the query, ``most`` of them from ``after``
    on (``queue.anchors``)."""
    return queue.anchors(ws, query, every, state, after=after, most=most)


def load_rows(ws: Workstation, ids: frozenset[uuid.UUID]) -> RowsUpdate:
    found, missing = [], set()
    for case_id in ids:
        summary = queue.case_summary(ws, case_id)
        if summary is None:
            missing.add(case_id)
        else:
            found.append(summary)
    return RowsUpdate(_rows(ws, found), frozenset(missing))
