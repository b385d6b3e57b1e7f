"""The supervisor's figures from per-day summaries (issue 15, "Budgets").

Why summaries: counting a year's figures evaluates the figures' conditional sums on
every case of the year (about 1.7 µs a case on SQLite, 2.7 s for 100,000 cases); an
index only halves that. The summary tables (app/store/models/stats_summary.py) hold the
same sums per office, mediator and China day, so a year adds up a few thousand rows.

Exact by construction: a day's summary rows are computed with the very conditional sums
``stats.plain_kpis`` uses (``stats.cohort_sums``, ``stats.breakdown_query``), grouped by
day. A trigger on ``cases`` marks the (office, day) of every change dirty; before
answering, ``refresh`` recomputes the dirty days when this connection may write the
summaries (a desk; the central administrator), and whatever is still dirty is counted
from ``cases`` for those days alone. So a figure asked before the first build finished,
or by a central login that may not write the summaries, is still right.

What depends on the moment asked (RESPONSE_DUE, DISPATCH_DUE: "not answered and 24 h /
2 h passed"): the summaries count every case as due, which is true for cases received
more than 24 hours before ``now``; the days from ``now - 24 h`` on are counted from
``cases`` at ``now``.

Respondent businesses are summed per month (stats_monthly_by): there are nearly as many
(business, day) pairs as cases. The partial months at a range's ends are counted from
the cases. Repeat complainants (phones with two or more cases in the range) do not add
up by day at all: stats_repeat_cases keeps the few cases whose phone two or more cases
of the store share, and the figure groups those.

Breakdowns of one mediator's cases are counted from the cases (a mediator's share of
the office is small, and the breakdown summaries are per office).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Text,
    cast,
    delete,
    func,
    insert,
    literal,
    select,
    text,
)
from sqlalchemy.exc import OperationalError

from app.core.stats import (
    DEFAULT_TOP,
    RATE_KPIS,
    Dimension,
    Granularity,
    Kpi,
    Kpis,
    RatePart,
    StatsRange,
    TrendPoint,
)
from app.core.timeutil import china_date
from app.services import stats
from app.services.case_facts import day_start
from app.store.base import china_day
from app.store.models import (
    LIVE,
    Case,
    StatsDaily,
    StatsDailyBy,
    StatsDirty,
    StatsMonthlyBy,
    StatsRepeatCase,
)
from app.store.models.stats_summary import (
    ACCEPTED_MEASURES,
    CLOSED_MEASURES,
    NO_MEDIATOR,
    RECEIVED_MEASURES,
)

# The (office NO_MEDIATOR, day 0) mark: stats_repeat_cases needs a full rebuild.
REPEAT_MARK = (NO_MEDIATOR, 0)
# Dirty days recomputed in one go before answering; more are counted from the cases
# (the background catch-up builds them).
REFRESH_LIMIT = 92
CHUNK_DAYS = 31
# Beyond this share of a range counted from the cases, the whole range is.
PLAIN_SHARE = 0.5
DAILY_DIMENSIONS = (Dimension.SOURCE, Dimension.KIND, Dimension.CATEGORY,
                    Dimension.ISSUE_TYPE, Dimension.REGION, Dimension.MEDIATOR)
_COHORT_COLUMN = {"received": Case.received_at, "closed": Case.closed_at,
                  "accepted": Case.accepted_at}
_COHORT_MEASURES = {"received": RECEIVED_MEASURES, "closed": CLOSED_MEASURES,
                    "accepted": ACCEPTED_MEASURES}
# "Due" judged at a moment after every case's 24 hours: the summaries' view.
_ALWAYS_DUE = datetime(9000, 1, 1, tzinfo=UTC)


def measure(kpi: Kpi, part: RatePart) -> str:
    """The summary column of a figure's sum."""
    if kpi is Kpi.RECOVERED:
        return "recovered_fen"
    if kpi in RATE_KPIS:
        return f"{kpi.value}_{'n' if part is RatePart.NUMERATOR else 'd'}"
    return kpi.value


def _day(d: int) -> date:
    return date.fromordinal(d)


def _month_of(d: int) -> int:
    return _day(d).replace(day=1).toordinal()


def _month_end(month: int) -> int:
    first = _day(month)
    nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return nxt.toordinal() - 1


def _runs(days: Iterable[int], longest: int | None = None) -> list[tuple[int, int]]:
    """Consecutive days as (first, last) runs, each at most ``longest`` days."""
    runs: list[tuple[int, int]] = []
    for d in sorted(set(days)):
        if runs and runs[-1][1] == d - 1 and (longest is None
                                              or d - runs[-1][0] < longest):
            runs[-1] = (runs[-1][0], d)
        else:
            runs.append((d, d))
    return runs


def _range(run: tuple[int, int]) -> StatsRange:
    return StatsRange(_day(run[0]), _day(run[1]))


# ---------------------------------------------------------------- keeping current


@dataclass(frozen=True)
class Refreshed:
    days: int  # (office, day)s recomputed
    left: int  # still dirty


def _no_scope() -> stats.ResolvedScope:
    from app.core.stats import StatsScope
    return stats.ResolvedScope(StatsScope())


def may_write(conn: Connection) -> bool:
    """Whether this connection may recompute the summaries (a desk's store, an SQLite
    central file, the central administrator)."""
    if conn.dialect.name != "postgresql":
        return True
    return bool(conn.scalar(text(
        "SELECT has_table_privilege('public.stats_daily', 'INSERT')")))


def _recompute(conn: Connection, office: uuid.UUID, lo: int, hi: int) -> None:
    """The summaries of an office's days lo..hi (and the months they touch), from the
    cases, with the figures' own SQL."""
    scope = stats.ResolvedScope(_no_scope().scope, offices=frozenset({office}))
    rng = StatsRange(_day(lo), _day(hi))
    conn.execute(delete(StatsDaily).where(StatsDaily.office_id == office,
                                          StatsDaily.day.between(lo, hi)))
    mediator = func.coalesce(Case.mediator_id, literal(NO_MEDIATOR, StatsDaily.mediator_id.type))
    for cohort, kpis in stats.cohorts().items():
        keys, columns, where = stats.cohort_sums(cohort, kpis, rng, scope, _ALWAYS_DUE)
        day = china_day(_COHORT_COLUMN[cohort])
        named = {measure(kpi, part): column for (kpi, part), column in zip(
            keys, columns, strict=True) if kpi is not Kpi.REPEAT_COMPLAINANTS}
        assert set(named) == set(_COHORT_MEASURES[cohort]), cohort
        query = (select(literal(office, StatsDaily.office_id.type), day,
                        literal(cohort), mediator, *named.values())
                 .select_from(Case).where(*where).group_by(mediator, day))
        conn.execute(insert(StatsDaily).from_select(
            ["office_id", "day", "cohort", "mediator_id", *named], query))
    base = stats.kpi_filter(Kpi.RECEIVED, rng, scope, now=_ALWAYS_DUE)
    conn.execute(delete(StatsDailyBy).where(StatsDailyBy.office_id == office,
                                            StatsDailyBy.day.between(lo, hi)))
    day = china_day(Case.received_at)
    for dimension in DAILY_DIMENSIONS:
        sub = (stats.breakdown_query(dimension, base).add_columns(day.label("day"))
               .group_by(day).subquery())
        key = func.coalesce(cast(sub.c.key, Text), "")
        conn.execute(insert(StatsDailyBy).from_select(
            ["office_id", "day", "dimension", "key", "received", "closed", "recovered_fen"],
            select(literal(office, StatsDailyBy.office_id.type), sub.c.day,
                   literal(dimension.value), key, sub.c.received, sub.c.closed,
                   sub.c.recovered)))
    for month in sorted({_month_of(d) for d in range(lo, hi + 1)}):
        _recompute_month(conn, office, month)


def _recompute_month(conn: Connection, office: uuid.UUID, month: int) -> None:
    scope = stats.ResolvedScope(_no_scope().scope, offices=frozenset({office}))
    rng = StatsRange(_day(month), _day(_month_end(month)))
    base = stats.kpi_filter(Kpi.RECEIVED, rng, scope, now=_ALWAYS_DUE)
    conn.execute(delete(StatsMonthlyBy).where(StatsMonthlyBy.office_id == office,
                                              StatsMonthlyBy.month == month))
    sub = stats.breakdown_query(Dimension.RESPONDENT, base).subquery()
    conn.execute(insert(StatsMonthlyBy).from_select(
        ["office_id", "month", "key", "name", "received", "closed", "recovered_fen"],
        select(literal(office, StatsMonthlyBy.office_id.type), literal(month), sub.c.key,
               func.coalesce(sub.c.name, ""), sub.c.received, sub.c.closed,
               sub.c.recovered)))


def _repeat_cases_of(phones):
    """The rows of stats_repeat_cases for the cases of ``phones`` (a subquery) that two
    or more live, not-linked cases share."""
    shared = (select(Case.complainant_phone)
              .where(LIVE, Case.complainant_phone != "", Case.linked_case_id.is_(None),
                     Case.complainant_phone.in_(phones))
              .group_by(Case.complainant_phone).having(func.count() >= 2))
    mediator = func.coalesce(Case.mediator_id,
                             literal(NO_MEDIATOR, StatsRepeatCase.mediator_id.type))
    return insert(StatsRepeatCase).from_select(
        ["case_id", "office_id", "mediator_id", "day", "phone"],
        select(Case.id, Case.office_id, mediator, china_day(Case.received_at),
               Case.complainant_phone)
        .where(LIVE, Case.linked_case_id.is_(None), Case.complainant_phone.in_(shared)))


def _recompute_repeats(conn: Connection, office: uuid.UUID, lo: int, hi: int) -> None:
    """The repeat cases of the phones an office's days lo..hi had or have."""
    now_there = (select(Case.complainant_phone)
                 .where(Case.office_id == office,
                        Case.received_at >= day_start(_day(lo)),
                        Case.received_at < day_start(_day(hi + 1))))
    were_there = (select(StatsRepeatCase.phone)
                  .where(StatsRepeatCase.office_id == office,
                         StatsRepeatCase.day.between(lo, hi)))
    phones = sorted({p for (p,) in conn.execute(now_there.union(were_there)) if p})
    for i in range(0, len(phones), 500):
        batch = phones[i:i + 500]
        conn.execute(delete(StatsRepeatCase).where(StatsRepeatCase.phone.in_(batch)))
        conn.execute(_repeat_cases_of(batch))


def rebuild_repeats(conn: Connection) -> None:
    """Every repeat case afresh (after a first build or a bulk load)."""
    conn.execute(delete(StatsRepeatCase))
    every = (select(Case.complainant_phone)
             .where(LIVE, Case.complainant_phone != "", Case.linked_case_id.is_(None))
             .group_by(Case.complainant_phone).having(func.count() >= 2))
    conn.execute(_repeat_cases_of(every))
    _unmark(conn, [REPEAT_MARK])


def _dirty(conn: Connection, offices: frozenset[uuid.UUID] = frozenset(),
           lo: int | None = None, hi: int | None = None) -> list[tuple[uuid.UUID, int]]:
    query = select(StatsDirty.office_id, StatsDirty.day).where(StatsDirty.day > 0)
    if offices:
        query = query.where(StatsDirty.office_id.in_(sorted(offices)))
    if lo is not None:
        query = query.where(StatsDirty.day.between(lo, hi))
    return [(o, d) for o, d in conn.execute(query.order_by(StatsDirty.office_id,
                                                           StatsDirty.day))]


def _unmark(conn: Connection, marks: list[tuple[uuid.UUID, int]]) -> None:
    for office, day in marks:
        conn.execute(delete(StatsDirty).where(StatsDirty.office_id == office,
                                              StatsDirty.day == day))


def _repeat_marked(conn: Connection) -> bool:
    return conn.scalar(select(func.count()).select_from(StatsDirty).where(
        StatsDirty.office_id == NO_MEDIATOR, StatsDirty.day == 0)) > 0


def refresh(conn: Connection, *, offices: frozenset[uuid.UUID] = frozenset(),
            lo: int | None = None, hi: int | None = None, limit: int | None = None,
            cancelled: Callable[[], bool] = lambda: False) -> Refreshed:
    """Recompute the dirty days (of ``offices``, within lo..hi; at most ``limit`` of
    them) in this connection's transaction. On PostgreSQL the change-marking triggers
    wait meanwhile, so that no change made during the recompute goes unmarked."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("LOCK TABLE public.stats_dirty IN SHARE ROW EXCLUSIVE MODE"))
    dirty = _dirty(conn, offices, lo, hi)
    todo = dirty if limit is None else dirty[:limit]
    many = len(dirty) > REFRESH_LIMIT
    if many and not _repeat_marked(conn):
        conn.execute(insert(StatsDirty).values(office_id=REPEAT_MARK[0], day=REPEAT_MARK[1]))
    by_office: dict[uuid.UUID, list[int]] = {}
    for office, day in todo:
        by_office.setdefault(office, []).append(day)
    done = 0
    for office, days in by_office.items():
        for run_lo, run_hi in _runs(days, CHUNK_DAYS):
            if cancelled():
                return Refreshed(done, len(dirty) - done)
            _recompute(conn, office, run_lo, run_hi)
            if not many:
                _recompute_repeats(conn, office, run_lo, run_hi)
            _unmark(conn, [(office, d) for d in range(run_lo, run_hi + 1)])
            done += run_hi - run_lo + 1
    if done == len(dirty) and not offices and lo is None and _repeat_marked(conn):
        rebuild_repeats(conn)
    return Refreshed(done, len(dirty) - done)


def catch_up(store, *, cancelled: Callable[[], bool] = lambda: False) -> int:
    """Build every dirty day's summaries, a month at a time, each in its own
    transaction (resumable: what is done stays done). ``store``: the desk's Store, or the
    central database's Engine as its administrator. Returns the days built."""
    total = 0
    while not cancelled():
        with _transaction(store) as conn:
            done = refresh(conn, limit=CHUNK_DAYS, cancelled=cancelled)
        total += done.days
        if done.left == 0 or done.days == 0:
            break
    if not cancelled():
        with _transaction(store) as conn:
            if _repeat_marked(conn) and not _dirty(conn):
                rebuild_repeats(conn)
    return total


@contextmanager
def _transaction(source) -> Iterator[Connection]:
    if isinstance(source, Engine):
        with source.begin() as conn:
            yield conn
        return
    with source.unit_of_work() as session:
        yield session.connection()


def _prepare(conn: Connection, scope: stats.ResolvedScope, spans: list[tuple[int, int]]
             ) -> set[int]:
    """Recompute what is dirty in ``spans`` if there is little of it and this
    connection may; the days still dirty (for any office in the scope)."""
    offices = scope.offices
    dirty: list[tuple[uuid.UUID, int]] = []
    for lo, hi in spans:
        dirty.extend(_dirty(conn, offices, lo, hi))
    if dirty and len(dirty) <= REFRESH_LIMIT and may_write(conn):
        try:
            with conn.begin_nested():
                for lo, hi in spans:
                    refresh(conn, offices=offices, lo=lo, hi=hi)
            dirty = []
        except OperationalError:  # another writer: count those days from the cases
            pass
    return {d for _, d in dirty}


def _scope_where(table, scope: stats.ResolvedScope) -> list[Any]:
    where = []
    if scope.offices:
        where.append(table.office_id.in_(sorted(scope.offices)))
    if scope.mediators:
        where.append(table.mediator_id.in_(sorted(m or NO_MEDIATOR for m in scope.mediators)))
    return where


def _span(rng: StatsRange) -> tuple[int, int]:
    return rng.start.toordinal(), rng.end.toordinal()


# ---------------------------------------------------------------- figures


def kpis(conn: Connection, rng: StatsRange, scope: stats.ResolvedScope, *,
         now: datetime) -> Kpis:
    """Equal to ``stats.plain_kpis``: summary days added up, the rest counted."""
    lo, hi = _span(rng)
    dirty = _prepare(conn, scope, [(lo, hi)])
    recent = china_date(now - timedelta(hours=24)).toordinal()
    found: dict[tuple[Kpi, RatePart], int] = {}
    for cohort, members in stats.cohorts().items():
        plain_days = {d for d in dirty if lo <= d <= hi}
        if cohort == "received":
            plain_days |= set(range(max(lo, recent), hi + 1))
        if len(plain_days) > PLAIN_SHARE * (hi - lo + 1):
            keys, columns, where = stats.cohort_sums(cohort, members, rng, scope, now)
            row = conn.execute(select(*columns).select_from(Case).where(*where)).one()
            found.update({k: int(v or 0) for k, v in zip(keys, row, strict=True)})
            continue
        keys, columns, where = stats.cohort_sums(cohort, members, rng, scope, now)
        sums = {k: 0 for k in keys}
        for run in _runs(plain_days):  # each run its own index range
            keys, columns, where = stats.cohort_sums(cohort, members, _range(run), scope, now)
            row = conn.execute(select(*columns).select_from(Case).where(*where)).one()
            for k, v in zip(keys, row, strict=True):
                sums[k] += int(v or 0)
        summed = [k for k in keys if k[0] is not Kpi.REPEAT_COMPLAINANTS]
        query = (select(*(func.coalesce(func.sum(getattr(StatsDaily, measure(*k))), 0)
                          for k in summed))
                 .where(StatsDaily.cohort == cohort, StatsDaily.day.between(lo, hi),
                        *_scope_where(StatsDaily, scope)))
        if plain_days:
            query = query.where(StatsDaily.day.not_in(sorted(plain_days)))
        row = conn.execute(query).one()
        for k, v in zip(summed, row, strict=True):
            sums[k] += int(v or 0)
        found.update(sums)
    phones, cases = _repeats(conn, rng, scope, now, dirty)
    found[(Kpi.REPEAT_COMPLAINANTS, RatePart.DENOMINATOR)] = cases
    return stats.kpis_from(found, phones)


def _repeats(conn: Connection, rng: StatsRange, scope: stats.ResolvedScope,
             now: datetime, dirty: set[int]) -> tuple[int, int]:
    """(phones, their cases): from stats_repeat_cases when it is current for the range."""
    lo, hi = _span(rng)
    if dirty or _repeat_marked(conn):
        from app.services.case_facts import repeat_phones
        base = stats.kpi_filter(Kpi.REPEAT_COMPLAINANTS, rng, scope, now=now)
        sub = repeat_phones(base).add_columns(func.count().label("n")).subquery()
        phones, cases = conn.execute(select(func.count(), func.sum(sub.c.n))).one()
        return int(phones or 0), int(cases or 0)
    sub = (select(StatsRepeatCase.phone, func.count().label("n"))
           .where(StatsRepeatCase.day.between(lo, hi),
                  *_scope_where(StatsRepeatCase, scope))
           .group_by(StatsRepeatCase.phone).having(func.count() >= 2).subquery())
    phones, cases = conn.execute(select(func.count(), func.sum(sub.c.n))).one()
    return int(phones or 0), int(cases or 0)


@dataclass
class _Group:
    key: Any
    received: int = 0
    closed: int = 0
    recovered: int = 0
    name: str | None = None

    def add(self, received: int, closed: int, recovered: int, name: str | None = None
            ) -> None:
        self.received += int(received)
        self.closed += int(closed)
        self.recovered += int(recovered or 0)
        if name is not None and (self.name is None or name > self.name):
            self.name = name


def breakdown(conn: Connection, dimension: Dimension, rng: StatsRange,
              scope: stats.ResolvedScope, *, now: datetime, top: int | None = None
              ) -> tuple[stats.Row, ...]:
    """Equal to ``stats.plain_breakdown``."""
    if scope.mediators:
        return stats.plain_breakdown(conn, dimension, rng, scope, now=now, top=top)
    lo, hi = _span(rng)
    respondent = dimension is Dimension.RESPONDENT
    months: list[int] = []
    if respondent:
        month = _month_of(lo)
        while month <= hi:
            if month >= lo and _month_end(month) <= hi:
                months.append(month)
            month = _month_end(month) + 1
    spans = [(lo, hi)]
    dirty = _prepare(conn, scope, spans)
    if respondent:
        dirty_months = {_month_of(d) for d in dirty}
        months = [m for m in months if m not in dirty_months]
        covered = {d for m in months for d in range(m, _month_end(m) + 1)}
        plain_days = set(range(lo, hi + 1)) - covered
    else:
        plain_days = {d for d in dirty if lo <= d <= hi}
    if len(plain_days) > PLAIN_SHARE * (hi - lo + 1):
        return stats.plain_breakdown(conn, dimension, rng, scope, now=now, top=top)
    base = stats.kpi_filter(Kpi.RECEIVED, rng, scope, now=now)
    groups: dict[Any, _Group] = {}
    for run in _runs(plain_days):  # each run its own index range
        run_base = stats.kpi_filter(Kpi.RECEIVED, _range(run), scope, now=now)
        for r in conn.execute(stats.breakdown_query(dimension, run_base)):
            groups.setdefault(r.key, _Group(r.key)).add(
                r.received, r.closed, r.recovered, r.name if respondent else None)
    if respondent and months:
        query = (select(StatsMonthlyBy.key, func.sum(StatsMonthlyBy.received),
                        func.sum(StatsMonthlyBy.closed), func.sum(StatsMonthlyBy.recovered_fen),
                        func.max(StatsMonthlyBy.name))
                 .where(StatsMonthlyBy.month.in_(months), *_scope_where(StatsMonthlyBy, scope))
                 .group_by(StatsMonthlyBy.key))
        for key, received, closed, recovered, name in conn.execute(query):
            groups.setdefault(key, _Group(key)).add(received, closed, recovered, name)
    elif not respondent:
        source = Dimension.CATEGORY if dimension is Dimension.INDUSTRY else dimension
        query = (select(StatsDailyBy.key, func.sum(StatsDailyBy.received),
                        func.sum(StatsDailyBy.closed), func.sum(StatsDailyBy.recovered_fen))
                 .where(StatsDailyBy.dimension == source.value,
                        StatsDailyBy.day.between(lo, hi), *_scope_where(StatsDailyBy, scope))
                 .group_by(StatsDailyBy.key))
        if plain_days:
            query = query.where(StatsDailyBy.day.not_in(sorted(plain_days)))
        for key, received, closed, recovered in conn.execute(query):
            if dimension is Dimension.MEDIATOR:
                key = uuid.UUID(key) if key else None
            groups.setdefault(key, _Group(key)).add(received, closed, recovered)
    rows = list(groups.values())
    if respondent:
        rows.sort(key=lambda g: (-g.received, g.key))
        rows = rows[:top or DEFAULT_TOP]
    return stats.breakdown_rows(conn, dimension, rows, base)


def trend(conn: Connection, rng: StatsRange, scope: stats.ResolvedScope,
          granularity: Granularity, *, now: datetime) -> tuple[TrendPoint, ...]:
    """Equal to ``stats.plain_trend``."""
    periods = list(rng.buckets(granularity))
    earlier = [p.last_year() for p in periods]
    spans = [_span(rng), _span(StatsRange(earlier[0].start, earlier[-1].end))]
    dirty = _prepare(conn, scope, spans)
    covered = sum(hi - lo + 1 for lo, hi in spans)
    if len(dirty) > PLAIN_SHARE * covered:
        return stats.plain_trend(conn, rng, scope, granularity, now=now)
    received_f, closed_f = stats.trend_filters(rng, scope, now=now)
    per_day: dict[int, list[int]] = {}
    for lo, hi in spans:
        query = (select(StatsDaily.day, func.sum(StatsDaily.received),
                        func.sum(StatsDaily.closed))
                 .where(StatsDaily.day.between(lo, hi),
                        StatsDaily.cohort.in_(("received", "closed")),
                        *_scope_where(StatsDaily, scope))
                 .group_by(StatsDaily.day))
        if dirty:
            query = query.where(StatsDaily.day.not_in(sorted(dirty)))
        for day, received, closed in conn.execute(query):
            counts = per_day.setdefault(day, [0, 0])
            counts[0] += int(received or 0)
            counts[1] += int(closed or 0)
    if dirty:
        singles = [StatsRange(_day(d), _day(d)) for d in sorted(dirty)]
        for i, (column, f) in enumerate(((Case.received_at, received_f),
                                         (Case.closed_at, closed_f))):
            for n, count in stats._per_bucket(conn, singles, column, f).items():
                per_day.setdefault(singles[n].start.toordinal(), [0, 0])[i] += count

    def total(p: StatsRange, i: int) -> int:
        lo, hi = _span(p)
        return sum(c[i] for d, c in per_day.items() if lo <= d <= hi)

    return tuple(TrendPoint(p, total(p, 0), total(p, 1), total(e, 0), total(e, 1))
                 for p, e in zip(periods, earlier, strict=True))


__all__ = ["Refreshed", "breakdown", "catch_up", "kpis", "may_write", "measure",
           "rebuild_repeats", "refresh", "trend"]
