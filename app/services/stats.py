"""The supervisor's figures, counted in the database (issue 15, item 2).

Every figure is a queue filter (``kpi_filter``): the cases it counts are exactly those
the queue lists for that filter, because both say it with the same SQL conditions
(app/services/case_facts.py through QueueFilter). The counting queries are SQLAlchemy
Core aggregates over ``cases`` (conditional sums, GROUP BY), the same on SQLite and on
PostgreSQL; Python only folds the handful of aggregate rows they return.

The functions take a ``Connection`` so the same code runs on the desk's store (the
``desk_*`` wrappers below) and on the central database as the signed-in login, where
row-level security decides which offices' cases are there to count at all.

Cohorts (README 统计口径): counts of receipt and the rates measured from receipt
(24-hour response, 2-hour dispatch, completion) take the cases *received* in the range;
closures and what is measured at closing (on time, mediation success, satisfaction,
money, referrals) take the cases *closed* in the range; 受理 counts acceptances in it.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    and_,
    case,
    func,
    literal,
    select,
    union_all,
)

from app.core.stats import (
    DEFAULT_TOP,
    BreakdownRow,
    CaseFact,
    Dimension,
    Granularity,
    Kpi,
    Kpis,
    Rate,
    RatePart,
    ScopeKind,
    StatsError,
    StatsErrorCode,
    StatsRange,
    StatsScope,
    TrendPoint,
    industry_of,
)
from app.core.users import Permission, UserRole, may
from app.core.workflow import CaseKind, Source
from app.services.case_facts import (
    day_start,
    fact,
    in_days,
    repeat_phones,
    scope_conditions,
)
from app.services.context import Workstation
from app.services.queue import QueueFilter, filter_conditions
from app.store.base import UtcDateTime
from app.store.models import LIVE, Case, Mediator, Office

Row = BreakdownRow[QueueFilter]


# ---------------------------------------------------------------- scope


@dataclass(frozen=True)
class ResolvedScope:
    """A scope as ids: the offices and mediators whose cases count (empty: every case
    the connection may read)."""

    scope: StatsScope
    offices: frozenset[uuid.UUID] = frozenset()
    mediators: frozenset[uuid.UUID] = frozenset()


def resolve_scope(conn: Connection, scope: StatsScope, *, login: str, role: UserRole,
                  office_id: uuid.UUID | None, central: bool) -> ResolvedScope:
    """Check the scope against who asks and where, and turn it into ids.

    ``login``/``role``/``office_id``: the person asking (``office_id`` None for a
    district administrator without an office). ``central``: asked of the central
    database (several offices and "all" make sense only there). A mediator may ask for
    their own cases and their office's; another mediator's figures need the office's
    cases (负责人, 管理员); other offices need an administrator without an office or
    one of their own office."""
    if scope.central_only and not central:
        raise StatsError(StatsErrorCode.CENTRAL_ONLY, str(scope))
    if scope.kind is ScopeKind.ALL:
        return ResolvedScope(scope)  # what the login may read (RLS centrally)
    if scope.kind is ScopeKind.OFFICE:
        if office_id is None:
            raise StatsError(StatsErrorCode.SCOPE_NOT_ALLOWED, str(scope))
        return ResolvedScope(scope, offices=frozenset({office_id}))
    if scope.kind is ScopeKind.OFFICES:
        found = dict(conn.execute(select(Office.code, Office.id)
                                  .where(Office.code.in_(scope.offices))).all())
        missing = [c for c in scope.offices if c not in found]
        if missing:
            raise StatsError(StatsErrorCode.UNKNOWN_OFFICE, ",".join(missing))
        ids = frozenset(found.values())
        if office_id is not None and ids != {office_id}:
            raise StatsError(StatsErrorCode.SCOPE_NOT_ALLOWED, str(scope))
        return ResolvedScope(scope, offices=ids)
    who = login if scope.kind is ScopeKind.ME else scope.mediator
    row = conn.execute(select(Mediator.id, Mediator.office_id)
                       .where(Mediator.login == who)).first()
    if row is None:
        raise StatsError(StatsErrorCode.UNKNOWN_MEDIATOR, who)
    if who != login and not may(role, Permission.OFFICE_CASES):
        raise StatsError(StatsErrorCode.SCOPE_NOT_ALLOWED, str(scope))
    if office_id is not None and row.office_id != office_id:
        raise StatsError(StatsErrorCode.SCOPE_NOT_ALLOWED, str(scope))
    return ResolvedScope(scope, mediators=frozenset({row.id}))


def central_scope(conn: Connection, scope: StatsScope, *, login: str) -> ResolvedScope:
    """The scope on the central database for ``login`` (its ``mediators`` row gives the
    role and office; a login without one, such as the administrator's, has no office and
    names offices by code). Row-level security still decides what is there to count."""
    row = conn.execute(select(Mediator.office_id, Mediator.role)
                       .where(Mediator.login == login)).first()
    if row is None:
        return resolve_scope(conn, scope, login=login, role=UserRole.ADMIN, office_id=None,
                             central=True)
    return resolve_scope(conn, scope, login=login, role=UserRole(row.role),
                         office_id=row.office_id, central=True)


# ---------------------------------------------------------------- figures as filters


_RECEIVED, _CLOSED, _ACCEPTED = "received", "closed", "accepted"
_ONCE = frozenset({CaseFact.NOT_DUPLICATE})

# kpi -> (cohort, facts of the cases it measures, facts for it, facts against it)
_DEFINITIONS: dict[Kpi, tuple[str, frozenset[CaseFact], frozenset[CaseFact],
                              frozenset[CaseFact]]] = {
    Kpi.RECEIVED: (_RECEIVED, _ONCE, frozenset(), frozenset()),
    Kpi.ACCEPTED: (_ACCEPTED, _ONCE, frozenset(), frozenset()),
    Kpi.CLOSED: (_CLOSED, _ONCE | {CaseFact.COMPLETED}, frozenset(), frozenset()),
    Kpi.REJECTED: (_CLOSED, _ONCE | {CaseFact.REJECTED}, frozenset(), frozenset()),
    Kpi.RESPONSE_24H: (_RECEIVED, _ONCE | {CaseFact.HANDLED, CaseFact.RESPONSE_DUE},
                       frozenset({CaseFact.RESPONDED_IN_TIME}),
                       frozenset({CaseFact.RESPONSE_LATE})),
    Kpi.DISPATCH_2H: (_RECEIVED, _ONCE | {CaseFact.HANDLED, CaseFact.DISPATCH_DUE},
                      frozenset({CaseFact.DISPATCHED_IN_TIME}),
                      frozenset({CaseFact.DISPATCH_LATE})),
    Kpi.COMPLETION: (_RECEIVED, _ONCE | {CaseFact.HANDLED},
                     frozenset({CaseFact.COMPLETED}), frozenset({CaseFact.NOT_COMPLETED})),
    Kpi.ON_TIME: (_CLOSED, _ONCE | {CaseFact.COMPLETION_CLOCKED},
                  frozenset({CaseFact.CLOSED_ON_TIME}), frozenset({CaseFact.CLOSED_LATE})),
    Kpi.SUCCESS: (_CLOSED, _ONCE | {CaseFact.MEDIATED},
                  frozenset({CaseFact.SETTLED}), frozenset({CaseFact.NOT_SETTLED})),
    Kpi.SATISFACTION: (_CLOSED, _ONCE | {CaseFact.RATED},
                       frozenset({CaseFact.SATISFIED}), frozenset({CaseFact.NOT_SATISFIED})),
    Kpi.RECOVERED: (_CLOSED, _ONCE | {CaseFact.RECOVERED}, frozenset(), frozenset()),
    Kpi.REFERRALS: (_CLOSED, _ONCE | {CaseFact.REFERRED}, frozenset(), frozenset()),
    Kpi.REPEAT_COMPLAINANTS: (_RECEIVED, _ONCE | {CaseFact.REPEAT_COMPLAINANT},
                              frozenset(), frozenset()),
    Kpi.MULTI_CHANNEL: (_RECEIVED, frozenset({CaseFact.MULTI_CHANNEL}),
                        frozenset(), frozenset()),
}


def _cohort_filter(cohort: str, rng: StatsRange, scope: ResolvedScope,
                   now: datetime) -> QueueFilter:
    days: dict[str, Any] = {
        _RECEIVED: {"received_from": rng.start, "received_to": rng.end},
        _CLOSED: {"closed_from": rng.start, "closed_to": rng.end},
        _ACCEPTED: {"accepted_from": rng.start, "accepted_to": rng.end},
    }[cohort]
    return QueueFilter(offices=scope.offices, mediators=frozenset(scope.mediators),
                       as_of=now, **days)


def kpi_filter(kpi: Kpi, rng: StatsRange, scope: ResolvedScope, *, now: datetime,
               part: RatePart = RatePart.DENOMINATOR) -> QueueFilter:
    """The queue filter listing the cases behind a figure (for a rate: the cases it
    measures, those counting for it, or those counting against it). The repeat
    complainants' figure lists their cases."""
    cohort, base, good, bad = _DEFINITIONS[kpi]
    facts = base | {RatePart.DENOMINATOR: frozenset(), RatePart.NUMERATOR: good,
                    RatePart.MISSED: bad}[part]
    return replace(_cohort_filter(cohort, rng, scope, now), facts=facts)


def _facts(f: QueueFilter):
    """The filter's facts alone: inside a cohort's scan, whose WHERE already says the
    filter's days and scope (the rest of ``filter_conditions(f)``)."""
    return and_(*(fact(which, f) for which in sorted(f.facts)))


def _count_of(f: QueueFilter):
    return func.coalesce(func.sum(case((_facts(f), 1), else_=0)), 0)


def _sum_of(f: QueueFilter, column):
    return func.coalesce(func.sum(case((_facts(f), column), else_=0)), 0)


def cohort_sums(cohort: str, kpis: list[Kpi], rng: StatsRange, scope: ResolvedScope,
                now: datetime) -> tuple[list[tuple[Kpi, RatePart]], list[Any], list[Any]]:
    """The cohort's figures as conditional sums: their keys, the sum columns and the
    WHERE of the cohort's cases (app/services/stats_summary.py sums the same per day)."""
    where = [LIVE, *filter_conditions(_cohort_filter(cohort, rng, scope, now))]
    columns, keys = [], []
    for kpi in kpis:
        cohort_, _, good, _ = _DEFINITIONS[kpi]
        parts = [RatePart.DENOMINATOR] + ([RatePart.NUMERATOR] if good else [])
        for part in parts:
            f = kpi_filter(kpi, rng, scope, now=now, part=part)
            columns.append(_sum_of(f, Case.amount_recovered_fen) if kpi is Kpi.RECOVERED
                           else _count_of(f))
            keys.append((kpi, part))
    return keys, columns, where


def _cohort_query(conn: Connection, cohort: str, kpis: list[Kpi], rng: StatsRange,
                  scope: ResolvedScope, now: datetime) -> dict[tuple[Kpi, RatePart], int]:
    """One scan of the cohort's cases: every figure of it as a conditional sum."""
    keys, columns, where = cohort_sums(cohort, kpis, rng, scope, now)
    row = conn.execute(select(*columns).select_from(Case).where(*where)).one()
    return {key: int(value or 0) for key, value in zip(keys, row, strict=True)}


def cohorts() -> dict[str, list[Kpi]]:
    """The figures of each cohort (received / closed / accepted)."""
    by_cohort: dict[str, list[Kpi]] = defaultdict(list)
    for kpi, (cohort, *_rest) in _DEFINITIONS.items():
        by_cohort[cohort].append(kpi)
    return dict(by_cohort)


def kpis_from(found: dict[tuple[Kpi, RatePart], int], phones: int) -> Kpis:
    """The figures from their sums (``found``) and the number of repeat complainants."""

    def rate(kpi: Kpi) -> Rate:
        return Rate(found[(kpi, RatePart.NUMERATOR)], found[(kpi, RatePart.DENOMINATOR)])

    def count(kpi: Kpi) -> int:
        return found[(kpi, RatePart.DENOMINATOR)]

    return Kpis(
        received=count(Kpi.RECEIVED), accepted=count(Kpi.ACCEPTED),
        closed=count(Kpi.CLOSED), rejected=count(Kpi.REJECTED),
        response_24h=rate(Kpi.RESPONSE_24H), dispatch_2h=rate(Kpi.DISPATCH_2H),
        on_time=rate(Kpi.ON_TIME), completion=rate(Kpi.COMPLETION),
        success=rate(Kpi.SUCCESS), satisfaction=rate(Kpi.SATISFACTION),
        recovered_fen=count(Kpi.RECOVERED), referrals=count(Kpi.REFERRALS),
        repeat_complainants=int(phones or 0), repeat_cases=count(Kpi.REPEAT_COMPLAINANTS),
        multi_channel=count(Kpi.MULTI_CHANNEL))


def kpis(conn: Connection, rng: StatsRange, scope: ResolvedScope, *, now: datetime) -> Kpis:
    """Every figure for the range, added up from the summaries where they are current
    (app/services/stats_summary.py), counted from the cases where not: always equal to
    ``plain_kpis``."""
    from app.services import stats_summary

    return stats_summary.kpis(conn, rng, scope, now=now)


def plain_kpis(conn: Connection, rng: StatsRange, scope: ResolvedScope, *,
               now: datetime) -> Kpis:
    """Every figure for the range from the cases: one aggregate query per cohort, and
    one counting the repeat complainants."""
    found: dict[tuple[Kpi, RatePart], int] = {}
    for cohort, members in cohorts().items():
        found.update(_cohort_query(conn, cohort, members, rng, scope, now))
    return kpis_from(found, plain_repeat_phones(conn, rng, scope, now=now))


def plain_repeat_phones(conn: Connection, rng: StatsRange, scope: ResolvedScope, *,
                        now: datetime) -> int:
    base = kpi_filter(Kpi.REPEAT_COMPLAINANTS, rng, scope, now=now)
    return int(conn.scalar(select(func.count()).select_from(
        repeat_phones(base).subquery())) or 0)


# ---------------------------------------------------------------- breakdowns


def _respondent_key():
    return case((Case.respondent_uscc != "", "uscc:" + Case.respondent_uscc),
                else_="name:" + Case.respondent_name)


_GROUPED: dict[Dimension, Any] = {
    Dimension.SOURCE: Case.source,
    Dimension.KIND: Case.kind,
    Dimension.CATEGORY: Case.category,
    Dimension.INDUSTRY: Case.category,  # folded into industries below
    Dimension.ISSUE_TYPE: Case.issue_type,
    Dimension.REGION: Case.region,
    Dimension.MEDIATOR: Case.mediator_id,
}


def _row_filter(dimension: Dimension, key: Any, base: QueueFilter) -> QueueFilter:
    match dimension:
        case Dimension.SOURCE:
            return replace(base, sources=frozenset({Source(key)}))
        case Dimension.KIND:
            return replace(base, kinds=frozenset({CaseKind(key)}))
        case Dimension.CATEGORY:
            return replace(base, categories=frozenset({key}))
        case Dimension.INDUSTRY:
            return replace(base, categories=frozenset(key))
        case Dimension.ISSUE_TYPE:
            return replace(base, issue_types=frozenset({key}))
        case Dimension.REGION:
            return replace(base, regions=frozenset({key}))
        case Dimension.MEDIATOR:
            return replace(base, mediators=frozenset({key}))
        case Dimension.RESPONDENT:
            return replace(base, respondent=key)
    raise ValueError(dimension)


def breakdown(conn: Connection, dimension: Dimension, rng: StatsRange,
              scope: ResolvedScope, *, now: datetime, top: int | None = None
              ) -> tuple[Row, ...]:
    """``plain_breakdown``, from the summaries where they are current."""
    from app.services import stats_summary

    return stats_summary.breakdown(conn, dimension, rng, scope, now=now, top=top)


def breakdown_query(dimension: Dimension, base: QueueFilter, extra=(), top: int | None = None):
    """The breakdown's grouped query over ``base``'s cases (and ``extra`` conditions);
    every group unless ``top`` (respondents: the ``top`` with the most)."""
    completed = replace(base, facts=base.facts | {CaseFact.COMPLETED})
    key = _respondent_key() if dimension is Dimension.RESPONDENT else _GROUPED[dimension]
    query = (select(key.label("key"), func.count().label("received"),
                    _count_of(completed).label("closed"),
                    _sum_of(completed, Case.amount_recovered_fen).label("recovered"),
                    *((func.max(Case.respondent_name).label("name"),)
                      if dimension is Dimension.RESPONDENT else ()))
             .select_from(Case).where(LIVE, *filter_conditions(base), *extra).group_by(key))
    if dimension is Dimension.RESPONDENT:
        query = query.where(~and_(Case.respondent_uscc == "", Case.respondent_name == ""))
        if top is not None:
            query = query.order_by(func.count().desc(), key).limit(top)
    return query


def plain_breakdown(conn: Connection, dimension: Dimension, rng: StatsRange,
                    scope: ResolvedScope, *, now: datetime, top: int | None = None
                    ) -> tuple[Row, ...]:
    """The cases received in the range (counted once) grouped by ``dimension``, most
    first: how many, how many of them are closed, the money recovered for them.
    Respondent businesses: the ``top`` (default DEFAULT_TOP) with the most; businesses
    are told apart by credit code where the case has one, else by name."""
    base = kpi_filter(Kpi.RECEIVED, rng, scope, now=now)
    rows = conn.execute(breakdown_query(
        dimension, base, top=(top or DEFAULT_TOP) if dimension is Dimension.RESPONDENT
        else None)).all()
    return breakdown_rows(conn, dimension, rows, base)


def breakdown_rows(conn: Connection, dimension: Dimension, rows, base: QueueFilter
                   ) -> tuple[Row, ...]:
    """The breakdown from its groups (``key``, ``received``, ``closed``, ``recovered``
    and, for respondents, ``name``), most first."""
    if dimension is Dimension.INDUSTRY:
        return _industries(rows, base)
    names: dict[Any, str] = {}
    if dimension is Dimension.MEDIATOR:
        ids = [r.key for r in rows if r.key is not None]
        names = {i: name or login for i, name, login in conn.execute(
            select(Mediator.id, Mediator.name, Mediator.login)
            .where(Mediator.id.in_(ids)))} if ids else {}
    result = []
    for r in rows:
        if dimension is Dimension.RESPONDENT:
            label = r.name
        elif dimension is Dimension.MEDIATOR:
            label = names.get(r.key, "") if r.key is not None else ""
        else:
            label = r.key
        text_key = "" if r.key is None else str(r.key)
        result.append(Row(dimension, text_key, label, int(r.received), int(r.closed),
                          int(r.recovered), _row_filter(dimension, r.key, base)))
    result.sort(key=lambda row: (-row.received, row.key))
    return tuple(result)


def _industries(rows, base: QueueFilter) -> tuple[Row, ...]:
    groups: dict[str, list[Any]] = defaultdict(list)
    for r in rows:
        groups[industry_of(r.key).value].append(r)
    result = [Row(Dimension.INDUSTRY, industry, industry,
                  sum(int(r.received) for r in members), sum(int(r.closed) for r in members),
                  sum(int(r.recovered) for r in members),
                  _row_filter(Dimension.INDUSTRY, {r.key for r in members}, base))
              for industry, members in groups.items()]
    result.sort(key=lambda row: (-row.received, row.key))
    return tuple(result)


# ---------------------------------------------------------------- trends


def _bucket_table(periods: list[StatsRange]):
    """The periods as a small table (n, lo, hi) of instants: a UNION ALL of one-row
    SELECTs, which both databases read (SQLite has no VALUES with column names)."""
    return union_all(*(
        select(literal(n, Integer).label("n"),
               literal(day_start(p.start), UtcDateTime()).label("lo"),
               literal(day_start(p.end + timedelta(days=1)), UtcDateTime())
               .label("hi"))
        for n, p in enumerate(periods))).subquery("buckets")


def _per_bucket(conn: Connection, periods: list[StatsRange], column, base: QueueFilter
                ) -> dict[int, int]:
    buckets = _bucket_table(periods)
    query = (select(buckets.c.n, func.count())
             .select_from(buckets)
             .join(Case, and_(column >= buckets.c.lo, column < buckets.c.hi))
             .where(LIVE, *filter_conditions(base))
             .group_by(buckets.c.n))
    return {int(n): int(c) for n, c in conn.execute(query).all()}


def trend(conn: Connection, rng: StatsRange, scope: ResolvedScope,
          granularity: Granularity, *, now: datetime) -> tuple[TrendPoint, ...]:
    """``plain_trend``, from the summaries where they are current."""
    from app.services import stats_summary

    return stats_summary.trend(conn, rng, scope, granularity, now=now)


def trend_filters(rng: StatsRange, scope: ResolvedScope, *, now: datetime
                  ) -> tuple[QueueFilter, QueueFilter]:
    """The cases a trend counts as received and as closed (without the days)."""
    received = replace(kpi_filter(Kpi.RECEIVED, rng, scope, now=now),
                       received_from=None, received_to=None)
    closed = replace(kpi_filter(Kpi.CLOSED, rng, scope, now=now),
                     closed_from=None, closed_to=None)
    return received, closed


def plain_trend(conn: Connection, rng: StatsRange, scope: ResolvedScope,
                granularity: Granularity, *, now: datetime) -> tuple[TrendPoint, ...]:
    """Cases received and closed per day, week or month, beside the same periods a year
    earlier (counted as RECEIVED and CLOSED are)."""
    periods = list(rng.buckets(granularity))
    earlier = [p.last_year() for p in periods]
    received, closed = trend_filters(rng, scope, now=now)
    counts = [
        _per_bucket(conn, ps, column, f)
        for ps in (periods, earlier)
        for column, f in ((Case.received_at, received), (Case.closed_at, closed))
    ]
    return tuple(TrendPoint(p, counts[0].get(n, 0), counts[1].get(n, 0),
                            counts[2].get(n, 0), counts[3].get(n, 0))
                 for n, p in enumerate(periods))


# ---------------------------------------------------------------- everything at once


BREAKDOWNS = (Dimension.SOURCE, Dimension.KIND, Dimension.CATEGORY, Dimension.ISSUE_TYPE,
              Dimension.REGION, Dimension.INDUSTRY, Dimension.RESPONDENT, Dimension.MEDIATOR)


@dataclass(frozen=True)
class StatsOverview:
    """What the dashboard and the reports show for a range: the figures, the same for
    the period before, every breakdown, and the trend."""

    range: StatsRange
    scope: ResolvedScope
    kpis: Kpis
    previous: Kpis
    breakdowns: dict[Dimension, tuple[Row, ...]]
    trend: tuple[TrendPoint, ...]
    granularity: Granularity


def default_granularity(rng: StatsRange) -> Granularity:
    if rng.days <= 31:
        return Granularity.DAY
    return Granularity.WEEK if rng.days <= 92 else Granularity.MONTH


def overview(conn: Connection, rng: StatsRange, scope: ResolvedScope, *, now: datetime,
             granularity: Granularity | None = None, top: int = DEFAULT_TOP,
             dimensions: tuple[Dimension, ...] = BREAKDOWNS) -> StatsOverview:
    granularity = granularity or default_granularity(rng)
    return StatsOverview(
        rng, scope, kpis(conn, rng, scope, now=now), kpis(conn, rng.previous(), scope, now=now),
        {d: breakdown(conn, d, rng, scope, now=now, top=top) for d in dimensions},
        trend(conn, rng, scope, granularity, now=now), granularity)


# ---------------------------------------------------------------- the desk


def desk_scope(ws: Workstation, scope: StatsScope) -> ResolvedScope:
    """The scope on this desk's own store (several offices / all: central only)."""
    with ws.store.unit_of_work() as session:
        return resolve_scope(session.connection(), scope, login=ws.actor.login,
                             role=ws.actor.role, office_id=ws.actor.office_id, central=False)


def desk_kpis(ws: Workstation, rng: StatsRange, scope: StatsScope) -> Kpis:
    resolved = desk_scope(ws, scope)
    with ws.store.unit_of_work() as session:
        return kpis(session.connection(), rng, resolved, now=ws.now())


def desk_breakdown(ws: Workstation, dimension: Dimension, rng: StatsRange,
                   scope: StatsScope, *, top: int | None = None) -> tuple[Row, ...]:
    resolved = desk_scope(ws, scope)
    with ws.store.unit_of_work() as session:
        return breakdown(session.connection(), dimension, rng, resolved, now=ws.now(),
                         top=top)


def desk_trend(ws: Workstation, rng: StatsRange, scope: StatsScope,
               granularity: Granularity) -> tuple[TrendPoint, ...]:
    resolved = desk_scope(ws, scope)
    with ws.store.unit_of_work() as session:
        return trend(session.connection(), rng, resolved, granularity, now=ws.now())


def desk_overview(ws: Workstation, rng: StatsRange, scope: StatsScope, *,
                  granularity: Granularity | None = None, top: int = DEFAULT_TOP
                  ) -> StatsOverview:
    resolved = desk_scope(ws, scope)
    with ws.store.unit_of_work() as session:
        return overview(session.connection(), rng, resolved, now=ws.now(),
                        granularity=granularity, top=top)


def desk_kpi_filter(ws: Workstation, kpi: Kpi, rng: StatsRange, scope: StatsScope,
                    part: RatePart = RatePart.DENOMINATOR) -> QueueFilter:
    return kpi_filter(kpi, rng, desk_scope(ws, scope), now=ws.now(), part=part)


__all__ = [
    "BREAKDOWNS", "ResolvedScope", "plain_breakdown", "plain_kpis", "plain_trend", "central_scope", "Row", "StatsOverview", "breakdown", "default_granularity",
    "desk_breakdown", "desk_kpi_filter", "desk_kpis", "desk_overview", "desk_scope",
    "desk_trend", "fact", "in_days", "kpi_filter", "kpis", "overview", "resolve_scope",
    "scope_conditions", "trend",
]
