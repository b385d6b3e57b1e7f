"""The supervisor's figures in SQL conditions on ``cases``: one definition that both
counts a figure (app/services/stats.py sums these conditions) and lists the cases behind
it in the queue (QueueFilter's issue 15 fields, app/services/queue.py), so the two cannot
disagree.

The same expressions run on SQLite (the desk's store, a standalone central file) and on
PostgreSQL. One construct differs in its words by dialect: "within N seconds of"
(``within``), since neither database can subtract two instants the other's way.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import ColumnElement, and_, func, not_, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.types import Boolean

from app.core.follow_ups import Satisfaction
from app.core.stats import DISPATCH_HOURS, RESPONSE_HOURS, CaseFact
from app.core.timeutil import china_midnight
from app.core.workflow import CaseKind, CaseStatus, Outcome
from app.store.models import LIVE, Case

__all__ = ["CaseFact", "day_start", "fact", "scope_conditions", "stats_conditions", "within"]

COMPLETED_STATUSES = (CaseStatus.CLOSED.value, CaseStatus.FOLLOWED_UP.value,
                      CaseStatus.RATED.value)
HANDLED_KINDS = (CaseKind.COMPLAINT.value, CaseKind.REPORT.value)
SATISFIED = (Satisfaction.VERY_SATISFIED.value, Satisfaction.SATISFIED.value)


class within(FunctionElement[bool]):
    """``later`` happened no more than ``seconds`` after ``earlier`` (both instants)."""

    type = Boolean()
    inherit_cache = True

    def __init__(self, earlier: Any, later: Any, seconds: int) -> None:
        self.seconds = int(seconds)
        super().__init__(earlier, later)


@compiles(within, "sqlite")
def _within_sqlite(element: within, compiler, **kw) -> str:
    earlier, later = (compiler.process(c, **kw) for c in element.clauses)
    # julianday: days as a double, exact to well under a millisecond for these dates.
    return (f"((julianday({later}) - julianday({earlier})) * 86400.0 "
            f"<= {element.seconds} + 0.0005)")


@compiles(within)
def _within_default(element: within, compiler, **kw) -> str:
    earlier, later = (compiler.process(c, **kw) for c in element.clauses)
    return f"({later} <= {earlier} + INTERVAL '{element.seconds} seconds')"


class not_walked(FunctionElement):
    """A column SQLite must test rather than find rows by (its unary ``+``); other
    databases plan for themselves."""

    inherit_cache = True

    def __init__(self, column: Any) -> None:
        self.type = column.type
        super().__init__(column)


@compiles(not_walked, "sqlite")
def _not_walked_sqlite(element: not_walked, compiler, **kw) -> str:
    (column,) = element.clauses
    return f"+{compiler.process(column, **kw)}"


@compiles(not_walked)
def _not_walked_default(element: not_walked, compiler, **kw) -> str:
    (column,) = element.clauses
    return compiler.process(column, **kw)


def day_start(day: date) -> datetime:
    """The instant (UTC) a China day begins: ranges of days become ranges of instants,
    which the indexes on the instants answer."""
    return china_midnight(day).astimezone(UTC)


def in_days(column: Any, first: date | None, last: date | None) -> list[ColumnElement[bool]]:
    conditions = []
    if first is not None:
        conditions.append(column >= day_start(first))
    if last is not None:
        conditions.append(column < day_start(last + timedelta(days=1)))
    return conditions


class _Filter(Protocol):
    """The fields of QueueFilter read here (queue.py imports this module)."""

    received_from: date | None
    received_to: date | None
    kinds: frozenset[CaseKind]
    issue_types: frozenset[str]
    mediators: frozenset[Any]
    offices: frozenset[Any]
    respondent: str
    accepted_from: date | None
    accepted_to: date | None
    closed_from: date | None
    closed_to: date | None
    facts: frozenset[CaseFact]
    as_of: datetime | None


def _hours_due(at: Any, done: Any, hours: int, as_of: datetime | None) -> ColumnElement[bool]:
    """Done already, or ``hours`` passed since ``at`` without it (judged at ``as_of``)."""
    if as_of is None:
        return done.is_not(None)
    return or_(done.is_not(None), at <= as_of - timedelta(hours=hours))


def fact(which: CaseFact, f: _Filter) -> ColumnElement[bool]:
    """The SQL condition for one fact (README 统计口径)."""
    c = Case
    completed = c.status.in_(COMPLETED_STATUSES)
    match which:
        case CaseFact.HANDLED:
            return and_(c.kind.in_(HANDLED_KINDS), c.status != CaseStatus.REJECTED.value)
        case CaseFact.NOT_DUPLICATE:
            return c.linked_case_id.is_(None)
        case CaseFact.MULTI_CHANNEL:
            return c.linked_case_id.is_not(None)
        case CaseFact.RESPONSE_DUE:
            return _hours_due(c.received_at, c.first_contact_at, RESPONSE_HOURS, f.as_of)
        case CaseFact.RESPONDED_IN_TIME:
            return and_(c.first_contact_at.is_not(None),
                        within(c.received_at, c.first_contact_at, RESPONSE_HOURS * 3600))
        case CaseFact.RESPONSE_LATE:
            return and_(fact(CaseFact.RESPONSE_DUE, f),
                        not_(fact(CaseFact.RESPONDED_IN_TIME, f)))
        case CaseFact.DISPATCH_DUE:
            return _hours_due(c.received_at, c.assigned_at, DISPATCH_HOURS, f.as_of)
        case CaseFact.DISPATCHED_IN_TIME:
            return and_(c.assigned_at.is_not(None),
                        within(c.received_at, c.assigned_at, DISPATCH_HOURS * 3600))
        case CaseFact.DISPATCH_LATE:
            return and_(fact(CaseFact.DISPATCH_DUE, f),
                        not_(fact(CaseFact.DISPATCHED_IN_TIME, f)))
        case CaseFact.COMPLETED:
            return completed
        case CaseFact.NOT_COMPLETED:
            return c.status.not_in((*COMPLETED_STATUSES, CaseStatus.REJECTED.value))
        case CaseFact.COMPLETION_CLOCKED:
            return and_(completed, c.completion_due_at.is_not(None))
        case CaseFact.CLOSED_ON_TIME:
            return and_(fact(CaseFact.COMPLETION_CLOCKED, f),
                        c.closed_at <= c.completion_due_at)
        case CaseFact.CLOSED_LATE:
            return and_(fact(CaseFact.COMPLETION_CLOCKED, f),
                        c.closed_at > c.completion_due_at)
        case CaseFact.MEDIATED:
            return and_(completed, c.kind == CaseKind.COMPLAINT.value,
                        c.outcome.in_((Outcome.SETTLED.value, Outcome.TERMINATED.value)))
        case CaseFact.SETTLED:
            return and_(fact(CaseFact.MEDIATED, f), c.outcome == Outcome.SETTLED.value)
        case CaseFact.NOT_SETTLED:
            return and_(fact(CaseFact.MEDIATED, f), c.outcome != Outcome.SETTLED.value)
        case CaseFact.RATED:
            return and_(completed, c.satisfaction.is_not(None))
        case CaseFact.SATISFIED:
            return and_(completed, c.satisfaction.in_(SATISFIED))
        case CaseFact.NOT_SATISFIED:
            return and_(fact(CaseFact.RATED, f), c.satisfaction.not_in(SATISFIED))
        case CaseFact.REFERRED:
            return and_(completed, c.outcome == Outcome.REFERRED.value)
        case CaseFact.RECOVERED:
            return and_(completed, c.amount_recovered_fen > 0)
        case CaseFact.REJECTED:
            return c.status == CaseStatus.REJECTED.value
        case CaseFact.REPEAT_COMPLAINANT:
            return c.complainant_phone.in_(repeat_phones(f))
    raise ValueError(which)


def scope_conditions(offices: Iterable[Any], mediators: Iterable[Any]
                     ) -> list[ColumnElement[bool]]:
    """Whose cases: these offices, these mediators (None: nobody's); empty: any."""
    conditions: list[ColumnElement[bool]] = []
    offices, mediators = sorted(offices), list(mediators)
    if offices:
        # Tested, never walked: a desk's cases are nearly all its office's, and SQLite
        # walking ix_cases_office read every case of the office for a day's figures.
        conditions.append(not_walked(Case.office_id).in_(offices))
    if mediators:
        ids = sorted(m for m in mediators if m is not None)
        either = [Case.mediator_id.in_(ids)] if ids else []
        if None in mediators:
            either.append(Case.mediator_id.is_(None))
        conditions.append(or_(*either))
    return conditions


def repeat_phones(f: _Filter):
    """The phones with two or more cases received in the filter's days, among the cases
    of its offices and mediators (whatever else the filter narrows to)."""
    return (select(Case.complainant_phone)
            .where(LIVE, Case.complainant_phone != "", Case.linked_case_id.is_(None),
                   *in_days(Case.received_at, f.received_from, f.received_to),
                   *scope_conditions(f.offices, f.mediators))
            .group_by(Case.complainant_phone)
            .having(func.count() >= 2))


def respondent_condition(key: str) -> ColumnElement[bool]:
    """A business by its key: ``uscc:CODE`` or ``name:NAME`` (BreakdownRow keys)."""
    how, _, value = key.partition(":")
    if how == "uscc":
        return Case.respondent_uscc == value
    return and_(Case.respondent_uscc == "", Case.respondent_name == value)


def stats_conditions(f: _Filter) -> list[ColumnElement[bool]]:
    """The conditions of QueueFilter's issue 15 fields."""
    conditions: list[ColumnElement[bool]] = []
    if f.kinds:
        conditions.append(Case.kind.in_(sorted(k.value for k in f.kinds)))
    if f.issue_types:
        conditions.append(Case.issue_type.in_(sorted(f.issue_types)))
    conditions.extend(scope_conditions(f.offices, f.mediators))
    if f.respondent:
        conditions.append(respondent_condition(f.respondent))
    conditions.extend(in_days(Case.accepted_at, f.accepted_from, f.accepted_to))
    conditions.extend(in_days(Case.closed_at, f.closed_from, f.closed_to))
    conditions.extend(fact(which, f) for which in sorted(f.facts))
    return conditions
