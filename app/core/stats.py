"""What the supervisor's figures are: the period, whose cases, the figures and their
breakdowns and trends. Pure definitions; the SQL that counts them is in
app/services/stats.py, and README "统计口径 / How the figures are defined" says in words
what each figure counts.

Rates are kept as numerator and denominator, never as a float alone: a rate whose
denominator is 0 (nothing to measure yet) is shown as "—", not as 0 %.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Generic, TypeVar

# Office pledges the response and dispatch rates measure (hours from receipt).
RESPONSE_HOURS = 24
DISPATCH_HOURS = 2
DEFAULT_TOP = 10  # respondent businesses in a breakdown
NO_VALUE = "—"


class StatsErrorCode(StrEnum):
    BAD_RANGE = "bad_range"  # the end is before the start
    RANGE_TOO_LONG = "range_too_long"
    UNKNOWN_SCOPE = "unknown_scope"
    SCOPE_NOT_ALLOWED = "scope_not_allowed"  # e.g. a mediator asking for other offices
    UNKNOWN_MEDIATOR = "unknown_mediator"
    UNKNOWN_OFFICE = "unknown_office"
    CENTRAL_ONLY = "central_only"  # several offices / all, asked of a desk's own store


class StatsError(ValueError):
    def __init__(self, code: StatsErrorCode, detail: str = "") -> None:
        super().__init__(f"{code.value}: {detail}" if detail else code.value)
        self.code = code
        self.detail = detail


MAX_DAYS = 3 * 366  # a trend by day over more than this is no longer a picture


class Granularity(StrEnum):
    DAY = "day"
    WEEK = "week"  # ISO weeks, Monday to Sunday, cut at the ends of the range
    MONTH = "month"


def _year_earlier(d: date) -> date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28)


@dataclass(frozen=True)
class StatsRange:
    """China dates, both ends included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise StatsError(StatsErrorCode.BAD_RANGE, f"{self.start} > {self.end}")
        if self.days > MAX_DAYS:
            raise StatsError(StatsErrorCode.RANGE_TOO_LONG, f"{self.days} days")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> StatsRange:
        """The period of the same length just before this one."""
        return StatsRange(self.start - timedelta(days=self.days),
                          self.start - timedelta(days=1))

    def last_year(self) -> StatsRange:
        """The same dates a year earlier (29 February becomes the 28th)."""
        return StatsRange(_year_earlier(self.start), _year_earlier(self.end))

    def buckets(self, granularity: Granularity) -> tuple[StatsRange, ...]:
        """The range cut into days, ISO weeks or calendar months (the first and last cut
        at the range's ends)."""
        out: list[StatsRange] = []
        day = self.start
        while day <= self.end:
            if granularity is Granularity.DAY:
                last = day
            elif granularity is Granularity.WEEK:
                last = day + timedelta(days=6 - day.weekday())
            else:
                nxt = date(day.year + day.month // 12, day.month % 12 + 1, 1)
                last = nxt - timedelta(days=1)
            last = min(last, self.end)
            out.append(StatsRange(day, last))
            day = last + timedelta(days=1)
        return tuple(out)

    @classmethod
    def month(cls, year: int, month: int) -> StatsRange:
        nxt = date(year + month // 12, month % 12 + 1, 1)
        return cls(date(year, month, 1), nxt - timedelta(days=1))

    @classmethod
    def week_of(cls, day: date) -> StatsRange:
        monday = day - timedelta(days=day.weekday())
        return cls(monday, monday + timedelta(days=6))

    @classmethod
    def year(cls, year: int) -> StatsRange:
        return cls(date(year, 1, 1), date(year, 12, 31))


class ScopeKind(StrEnum):
    ME = "me"  # the signed-in mediator's cases
    MEDIATOR = "mediator"  # one mediator's cases (by login)
    OFFICE = "office"  # the office's cases (the desk's own office)
    OFFICES = "offices"  # several offices, by code (central database only)
    ALL = "all"  # everything the login may read (central database only)


@dataclass(frozen=True)
class StatsScope:
    kind: ScopeKind = ScopeKind.OFFICE
    mediator: str = ""  # login, for MEDIATOR
    offices: tuple[str, ...] = ()  # office codes, for OFFICES

    @property
    def central_only(self) -> bool:
        return self.kind in (ScopeKind.OFFICES, ScopeKind.ALL)

    @classmethod
    def parse(cls, text: str) -> StatsScope:
        """``me``, ``office``, ``all``, ``mediator:LOGIN``, ``offices:PD01,PD02``."""
        head, _, rest = text.strip().partition(":")
        try:
            kind = ScopeKind(head.strip().lower())
        except ValueError:
            raise StatsError(StatsErrorCode.UNKNOWN_SCOPE, text) from None
        rest = rest.strip()
        if kind is ScopeKind.MEDIATOR:
            if not rest:
                raise StatsError(StatsErrorCode.UNKNOWN_SCOPE, text)
            return cls(kind, mediator=rest)
        if kind is ScopeKind.OFFICES:
            codes = tuple(dict.fromkeys(c.strip() for c in rest.split(",") if c.strip()))
            if not codes:
                raise StatsError(StatsErrorCode.UNKNOWN_SCOPE, text)
            return cls(kind, offices=codes)
        if rest:
            raise StatsError(StatsErrorCode.UNKNOWN_SCOPE, text)
        return cls(kind)

    def __str__(self) -> str:
        if self.kind is ScopeKind.MEDIATOR:
            return f"mediator:{self.mediator}"
        if self.kind is ScopeKind.OFFICES:
            return "offices:" + ",".join(self.offices)
        return self.kind.value


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    def percent(self, digits: int = 1) -> str:
        """"88.3%", or "—" when there is nothing to measure."""
        value = self.value
        return NO_VALUE if value is None else f"{value * 100:.{digits}f}%"


class CaseFact(StrEnum):
    """What a figure says of one case; a queue filter lists the cases for which each of
    its facts holds (app/services/case_facts.py says each in SQL)."""

    HANDLED = "handled"  # a complaint or a report, not refused (不予受理)
    NOT_DUPLICATE = "not_duplicate"  # not linked to an earlier case (多头/重复: counted once)
    MULTI_CHANNEL = "multi_channel"  # linked to an earlier case
    RESPONSE_DUE = "response_due"  # contacted, or RESPONSE_HOURS have passed
    RESPONDED_IN_TIME = "responded_in_time"  # first contact within RESPONSE_HOURS
    RESPONSE_LATE = "response_late"  # due, and not in time
    DISPATCH_DUE = "dispatch_due"
    DISPATCHED_IN_TIME = "dispatched_in_time"  # assigned within DISPATCH_HOURS
    DISPATCH_LATE = "dispatch_late"
    COMPLETED = "completed"  # closed (办结), followed up or rated; not a refusal
    NOT_COMPLETED = "not_completed"  # still open (not closed, not refused)
    COMPLETION_CLOCKED = "completion_clocked"  # completed, with its completion clock's due
    CLOSED_ON_TIME = "closed_on_time"
    CLOSED_LATE = "closed_late"
    MEDIATED = "mediated"  # a complaint whose mediation ended: settled or terminated
    SETTLED = "settled"
    NOT_SETTLED = "not_settled"
    RATED = "rated"  # a satisfaction was recorded
    SATISFIED = "satisfied"  # 非常满意 or 满意
    NOT_SATISFIED = "not_satisfied"
    REFERRED = "referred"  # 诉转案 / 转立案
    RECOVERED = "recovered"  # money recovered for the consumer
    REJECTED = "rejected"
    REPEAT_COMPLAINANT = "repeat_complainant"  # the phone has >= 2 cases received in range


class Kpi(StrEnum):
    """Each figure; README 统计口径 defines them. Counts, except the rates and money."""

    RECEIVED = "received"
    ACCEPTED = "accepted"
    CLOSED = "closed"
    REJECTED = "rejected"
    RESPONSE_24H = "response_24h"
    DISPATCH_2H = "dispatch_2h"
    ON_TIME = "on_time"
    COMPLETION = "completion"
    SUCCESS = "success"
    SATISFACTION = "satisfaction"
    RECOVERED = "recovered"  # fen
    REFERRALS = "referrals"
    REPEAT_COMPLAINANTS = "repeat_complainants"  # phones; their cases drill down
    MULTI_CHANNEL = "multi_channel"


RATE_KPIS = frozenset({Kpi.RESPONSE_24H, Kpi.DISPATCH_2H, Kpi.ON_TIME, Kpi.COMPLETION,
                       Kpi.SUCCESS, Kpi.SATISFACTION})


class RatePart(StrEnum):
    """Which cases of a rate a drill-down lists."""

    DENOMINATOR = "denominator"  # every case the rate measures
    NUMERATOR = "numerator"  # those that count for it (answered in 24 h, on time …)
    MISSED = "missed"  # those that count against it (answered late, closed late …)


@dataclass(frozen=True)
class Kpis:
    received: int
    accepted: int
    closed: int
    rejected: int
    response_24h: Rate
    dispatch_2h: Rate
    on_time: Rate
    completion: Rate
    success: Rate
    satisfaction: Rate
    recovered_fen: int
    referrals: int
    repeat_complainants: int  # complainants (phones) with 2 or more cases received
    repeat_cases: int  # their cases
    multi_channel: int

    def value(self, kpi: Kpi) -> int | Rate:
        if kpi is Kpi.RECOVERED:
            return self.recovered_fen
        return getattr(self, kpi.value)


class Dimension(StrEnum):
    SOURCE = "source"  # channel (Source values)
    KIND = "kind"  # complaint / report / inquiry
    CATEGORY = "category"
    ISSUE_TYPE = "issue_type"
    REGION = "region"  # 街镇
    RESPONDENT = "respondent"  # the business, by credit code when it has one, else name
    INDUSTRY = "industry"  # Industry, from the category (INDUSTRY_OF_CATEGORY)
    MEDIATOR = "mediator"


F = TypeVar("F")


@dataclass(frozen=True)
class BreakdownRow(Generic[F]):
    """One group of a breakdown: its key (a stored value, an enum value or an id as
    text; "" for cases without one), the words to show where the data has them (a
    mediator's or a business's name, else the key), how many cases were received in the
    range, how many of them are closed and how much was recovered for them, and the
    queue filter that lists exactly those cases."""

    dimension: Dimension
    key: str
    label: str
    received: int
    closed: int
    recovered_fen: int
    filter: F


@dataclass(frozen=True)
class TrendPoint:
    """One day, week or month: cases received and closed in it, and the same period a
    year earlier."""

    period: StatsRange
    received: int
    closed: int
    received_last_year: int
    closed_last_year: int


class Industry(StrEnum):
    """A coarse industry (行业) for a dispute category, after the sections of GB/T 4754
    (国民经济行业分类) the complaint platforms group by. Categories an office names itself
    fall under OTHER until added to INDUSTRY_OF_CATEGORY."""

    RETAIL = "retail"  # 批发和零售业 (goods, online shopping, appliances)
    CATERING = "catering"  # 住宿和餐饮业
    FOOD = "food"  # 食品 (三品一特)
    HOUSEHOLD_SERVICES = "household_services"  # 居民服务业 (prepaid services, beauty)
    MEDICAL_BEAUTY = "medical_beauty"  # 卫生 (医疗美容)
    CONSTRUCTION = "construction"  # 建筑装饰业
    MOTOR = "motor"  # 汽车销售与维修
    TELECOM = "telecom"  # 信息传输业
    TOURISM = "tourism"  # 旅游业
    REAL_ESTATE = "real_estate"  # 房地产业 (物业, 租赁)
    LABOUR = "labour"  # 劳务
    CIVIL = "civil"  # 民间纠纷 (not a business)
    OTHER = "other"


INDUSTRY_OF_CATEGORY: dict[str, Industry] = {
    "预付式消费": Industry.HOUSEHOLD_SERVICES,
    "网络购物": Industry.RETAIL,
    "家用电器": Industry.RETAIL,
    "餐饮服务": Industry.CATERING,
    "食品安全": Industry.FOOD,
    "装修建材": Industry.CONSTRUCTION,
    "汽车及配件": Industry.MOTOR,
    "美容医美": Industry.MEDICAL_BEAUTY,
    "通信服务": Industry.TELECOM,
    "旅游服务": Industry.TOURISM,
    "物业纠纷": Industry.REAL_ESTATE,
    "房屋租赁": Industry.REAL_ESTATE,
    "邻里纠纷": Industry.CIVIL,
    "劳务纠纷": Industry.LABOUR,
}


def industry_of(category: str) -> Industry:
    return INDUSTRY_OF_CATEGORY.get(category.strip(), Industry.OTHER)
