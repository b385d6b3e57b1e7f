"""What 视图 → 统计 shows, in the two reads it makes: the figures first (the tiles, with
the period before and the queue filter behind each), then the charts (breakdowns, the
trend against last year, hot words). The figures are app/services/stats.py's; this
only puts together what one screen needs."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select

from app.core.stats import (
    DEFAULT_TOP,
    RATE_KPIS,
    Dimension,
    Granularity,
    Kpi,
    Kpis,
    RatePart,
    ScopeKind,
    StatsRange,
    StatsScope,
    TrendPoint,
)
from app.core.timeutil import china_date
from app.core.users import Permission, may
from app.services import group_payments, hot_words, stats
from app.services.context import Workstation
from app.services.group_payments import GroupProgressRow
from app.services.hot_words import HotWord, HotWordScope
from app.services.queue import QueueFilter
from app.services.stats import ResolvedScope, Row
from app.store.models import Mediator

# The breakdowns the dashboard draws, in the order it draws them.
CHART_DIMENSIONS = (Dimension.CATEGORY, Dimension.RESPONDENT, Dimension.SOURCE,
                    Dimension.REGION, Dimension.INDUSTRY, Dimension.MEDIATOR)
HOT_WORDS_SHOWN = 30


@dataclass(frozen=True)
class Person:
    login: str
    name: str


@dataclass(frozen=True)
class Tiles:
    range: StatsRange
    scope: ResolvedScope
    kpis: Kpis
    previous: Kpis
    # The cases behind each figure: (kpi, part) -> filter (parts only for the rates).
    filters: dict[tuple[Kpi, RatePart], QueueFilter]


@dataclass(frozen=True)
class Charts:
    range: StatsRange
    breakdowns: dict[Dimension, tuple[Row, ...]]
    trend: tuple[TrendPoint, ...]
    granularity: Granularity
    hot_words: tuple[HotWord, ...]


def people(ws: Workstation) -> list[Person]:
    """Whose figures this user may look at one by one: everyone of the office for 负责人
    and 管理员, else only themself."""
    if not may(ws.actor.role, Permission.OFFICE_CASES):
        return [Person(ws.actor.login, ws.actor.name)]
    with ws.store.unit_of_work() as session:
        rows = session.execute(select(Mediator.login, Mediator.name).where(
            Mediator.office_id == ws.actor.office_id, Mediator.deleted.is_(False))
            .order_by(Mediator.login)).all()
    return [Person(login, name or login) for login, name in rows]


def tiles(ws: Workstation, rng: StatsRange, scope: StatsScope) -> Tiles:
    resolved = stats.desk_scope(ws, scope)
    now = ws.now()
    with ws.store.unit_of_work() as session:
        conn = session.connection()
        current = stats.kpis(conn, rng, resolved, now=now)
        previous = stats.kpis(conn, rng.previous(), resolved, now=now)
    filters = {}
    for kpi in Kpi:
        parts = tuple(RatePart) if kpi in RATE_KPIS else (RatePart.DENOMINATOR,)
        for part in parts:
            filters[kpi, part] = stats.kpi_filter(kpi, rng, resolved, now=now, part=part)
    return Tiles(rng, resolved, current, previous, filters)


def charts(ws: Workstation, rng: StatsRange, resolved: ResolvedScope, *,
           granularity: Granularity | None = None) -> Charts:
    granularity = granularity or stats.default_granularity(rng)
    now = ws.now()
    with ws.store.unit_of_work() as session:
        conn = session.connection()
        breakdowns = {d: stats.breakdown(conn, d, rng, resolved, now=now, top=DEFAULT_TOP)
                      for d in CHART_DIMENSIONS}
        trend = stats.trend(conn, rng, resolved, granularity, now=now)
        words = hot_words.hot_words(conn, rng.start, rng.end,
                                    hot_word_scope(ws, resolved), limit=HOT_WORDS_SHOWN)
    return Charts(rng, breakdowns, trend, granularity, tuple(words))


def group_progress(ws: Workstation, resolved: ResolvedScope) -> tuple[GroupProgressRow, ...]:
    """The scope's live group disputes with their refunds so far (已退款 ¥X / ¥Y, N/M 人
    退清, 逾期), as of today in China: not a figure of the period, the state now."""
    today = china_date(ws.now())
    with ws.store.unit_of_work() as session:
        return tuple(group_payments.progress_by_group(
            session.connection(), today, offices=resolved.offices,
            mediators=resolved.mediators))


def hot_word_scope(ws: Workstation, resolved: ResolvedScope) -> HotWordScope:
    if resolved.mediators:
        (mediator,) = resolved.mediators
        return HotWordScope.mediator(mediator)
    if resolved.offices:
        return HotWordScope.office(*resolved.offices)
    return HotWordScope.office(ws.actor.office_id)


def hot_word_filter(word: str, rng: StatsRange, resolved: ResolvedScope) -> QueueFilter:
    """The cases behind a hot word: received in the range, in the scope, with the word."""
    return replace(QueueFilter(offices=resolved.offices,
                               mediators=frozenset(resolved.mediators),
                               received_from=rng.start, received_to=rng.end),
                   hot_word=word)


def scope_for(kind: ScopeKind, login: str = "") -> StatsScope:
    return StatsScope(kind, mediator=login) if kind is ScopeKind.MEDIATOR else StatsScope(kind)
