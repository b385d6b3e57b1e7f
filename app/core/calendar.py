"""Working days on the official calendar, held as data.

Each year's schedule is the State Council General Office's yearly notice
(《关于XXXX年部分节假日安排的通知》) implementing 《全国年节及纪念日放假办法》 第二条、第六条、第七条.
It is stored as a ``CalendarYear``: seeded from ``chinesecalendar``, extendable by an
administrator when the next notice is published.

Conventions:
- ``CalendarYear.holidays`` holds *every* day off of the official holiday periods,
  including the weekend days that fall inside them (e.g. 2026-10-03/04), exactly as the
  notice lists them. A day is a working day iff it is an adjusted working day (调休上班日)
  or it is Monday–Friday and not in ``holidays``.
- A year without a schedule falls back to Monday–Friday less the statutory holidays of
  《全国年节及纪念日放假办法》 第二条 (as amended from 2025), which are known for every year
  before its notice: 元旦 1 January, 春节 (除夕 and 正月初一–初三), 清明 (the solar term),
  劳动节 1–2 May, 端午 (五月初五), 中秋 (八月十五), 国庆 1–3 October. Only the 调休 is
  unknown, so every result that depended on such a year is flagged ``provisional`` (暂定)
  and must be shown as such, never as fact.
- Counting starts the day *after* the start date (by analogy with 民法典 第二百零一条:
  "开始的当日不计入，自下一日开始计算"; no explicit rule for 工作日 was found).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import cache
from types import MappingProxyType
from typing import Any

from app.core.errors import CalendarError, CalendarErrorCode

_ONE_DAY = timedelta(days=1)
# (month, day) off in every year by 放假办法 第二条 as revised in 2024 (from 2025).
FIXED_HOLIDAYS = frozenset({(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)})


@cache
def statutory_holidays(year: int) -> frozenset[date]:
    """The days off 放假办法 第二条 gives in ``year``, without the 调休 the yearly notice
    adds: the fixed dates, and the lunar festivals and 清明 as the calendar puts them."""
    from chinese_calendar import get_solar_terms
    from lunardate import LunarDate

    days = {date(year, m, d) for m, d in FIXED_HOLIDAYS}
    new_year = LunarDate(year, 1, 1).to_solar_date()
    days |= {new_year + timedelta(days=k) for k in range(-1, 3)}  # 除夕, 初一–初三
    days.add(LunarDate(year, 5, 5).to_solar_date())
    days.add(LunarDate(year, 8, 15).to_solar_date())
    days |= {d for d, name in get_solar_terms(date(year, 4, 1), date(year, 4, 10))
             if name == "清明"}
    return frozenset(days)


class CalendarSource(StrEnum):
    CHINESECALENDAR = "chinesecalendar"
    ADMIN = "admin"  # typed in by an administrator from the State Council notice
    OFFICIAL = "official"  # the published notice itself, loaded centrally (--official)
    SYNC = "sync"  # received from the central database


@dataclass(frozen=True)
class CalendarYear:
    """One year's official schedule. ``names`` maps a holiday or adjusted working day to
    the festival it belongs to (e.g. "春节")."""

    year: int
    holidays: frozenset[date]
    adjusted_workdays: frozenset[date]
    source: str
    version: int = 1
    names: Mapping[date, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "adjusted_workdays", frozenset(self.adjusted_workdays))
        object.__setattr__(self, "names", MappingProxyType(dict(self.names)))
        for d in self.holidays | self.adjusted_workdays | set(self.names):
            if d.year != self.year:
                raise CalendarError(
                    CalendarErrorCode.DATE_OUTSIDE_YEAR, f"{d} is not in year {self.year}"
                )
        both = self.holidays & self.adjusted_workdays
        if both:
            raise CalendarError(
                CalendarErrorCode.HOLIDAY_AND_WORKDAY,
                f"{min(both)} is both a holiday and an adjusted working day",
            )
        weekdays = [d for d in self.adjusted_workdays if d.weekday() < 5]
        if weekdays:
            raise CalendarError(
                CalendarErrorCode.WORKDAY_NOT_WEEKEND,
                f"adjusted working day {min(weekdays)} is not a Saturday or Sunday",
            )
        if self.version < 1:
            raise CalendarError(CalendarErrorCode.INVALID_DATA, "version must be >= 1")

    def __reduce__(self):  # picklable for worker processes (a mappingproxy is not)
        return (CalendarYear, (self.year, self.holidays, self.adjusted_workdays, self.source,
                               self.version, dict(self.names)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "holidays": sorted(d.isoformat() for d in self.holidays),
            "adjusted_workdays": sorted(d.isoformat() for d in self.adjusted_workdays),
            "source": str(self.source),
            "version": self.version,
            "names": {d.isoformat(): n for d, n in sorted(self.names.items())},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CalendarYear:
        try:
            return cls(
                year=int(data["year"]),
                holidays=frozenset(date.fromisoformat(s) for s in data["holidays"]),
                adjusted_workdays=frozenset(
                    date.fromisoformat(s) for s in data["adjusted_workdays"]
                ),
                source=str(data["source"]),
                version=int(data.get("version", 1)),
                names={date.fromisoformat(k): str(v) for k, v in data.get("names", {}).items()},
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CalendarError(
                CalendarErrorCode.INVALID_DATA, f"invalid calendar year data: {exc}"
            ) from exc


@dataclass(frozen=True, slots=True)
class WorkdayResult:
    day: date
    provisional: bool


@dataclass(frozen=True, slots=True)
class WorkdayCount:
    days: int
    provisional: bool


class WorkCalendar:
    """Working-day arithmetic over a set of official years.

    When two entries exist for the same year, the higher ``version`` wins (the later one
    on a tie), so an administrator's correction overrides the seed.
    """

    def __init__(self, years: Iterable[CalendarYear]) -> None:
        by_year: dict[int, CalendarYear] = {}
        for y in years:
            current = by_year.get(y.year)
            if current is None or y.version >= current.version:
                by_year[y.year] = y
        self._years: Mapping[int, CalendarYear] = MappingProxyType(by_year)
        # The calendar never changes: a day counted once is the same answer for every
        # case received that day (an import counts the same days 100,000 times).
        self._counted: dict[tuple[date, int], WorkdayResult] = {}
        # Per year, the working days among its first 0, 1, 2 … days (made when needed).
        self._running: dict[int, list[int]] = {}

    def __reduce__(self):  # picklable for worker processes
        return (WorkCalendar, (tuple(self._years.values()),))

    @property
    def years(self) -> Mapping[int, CalendarYear]:
        return self._years

    def covered_years(self) -> tuple[int, ...]:
        return tuple(sorted(self._years))

    def covers(self, year: int) -> bool:
        """True when an official schedule exists for ``year``."""
        return year in self._years

    def is_workday(self, d: date) -> bool:
        cy = self._years.get(d.year)
        if cy is None:
            return d.weekday() < 5 and d not in statutory_holidays(d.year)
        if d in cy.adjusted_workdays:
            return True
        return d.weekday() < 5 and d not in cy.holidays

    def is_holiday(self, d: date) -> bool:
        """A day of an official holiday period (法定节假日 and the days added to it)."""
        cy = self._years.get(d.year)
        if cy is None:
            return d in statutory_holidays(d.year)
        return d in cy.holidays

    def holiday_name(self, d: date) -> str | None:
        """The festival a holiday or adjusted working day belongs to, if recorded."""
        cy = self._years.get(d.year)
        return None if cy is None else cy.names.get(d)

    def add_working_days(self, start: date, n: int) -> WorkdayResult:
        """The day on which the ``n``-th working day after ``start`` falls.

        Counting starts the day AFTER ``start``: ``start`` itself never counts, even if it
        is a working day. ``n == 0`` returns ``start``; a negative ``n`` counts backwards.
        ``provisional`` is True when any day stepped over lies in an uncovered year.
        """
        found = self._counted.get((start, n))
        if found is None:
            if len(self._counted) > 20_000:
                self._counted.clear()
            found = self._counted[(start, n)] = self._add_working_days(start, n)
        return found

    def _add_working_days(self, start: date, n: int) -> WorkdayResult:
        step = _ONE_DAY if n >= 0 else -_ONE_DAY
        remaining = abs(n)
        d = start
        provisional = False
        while remaining:
            d += step
            provisional = provisional or not self.covers(d.year)
            if self.is_workday(d):
                remaining -= 1
        return WorkdayResult(d, provisional)

    def working_days_between(self, start: date, end: date) -> WorkdayCount:
        """Working days in (start, end]; negative when ``end`` is before ``start``.

        From each year's running count: the queue works out how overdue each of a page's
        200 rows is, and a deadline two years past was 700 days stepped one by one (the
        deadline sort's first page: 60 ms of its 170)."""
        sign = 1
        if end < start:
            start, end, sign = end, start, -1
        if end == start:
            return WorkdayCount(0, False)
        first = start + _ONE_DAY
        days = self._through(end) - self._through(start)
        days += sum(self._running_count(y)[-1] for y in range(start.year, end.year))
        provisional = any(not self.covers(y) for y in range(first.year, end.year + 1))
        return WorkdayCount(sign * days, provisional)

    def _through(self, d: date) -> int:
        """Working days from the first of ``d``'s year to ``d``, both included."""
        return self._running_count(d.year)[d.timetuple().tm_yday]

    def _running_count(self, year: int) -> list[int]:
        running = self._running.get(year)
        if running is None:
            running, total, d = [0], 0, date(year, 1, 1)
            while d.year == year:
                total += self.is_workday(d)
                running.append(total)
                d += _ONE_DAY
            running = self._running[year] = running
        return running

    def next_workday_on_or_after(self, d: date) -> WorkdayResult:
        """``d`` if it is a working day, else the first working day after it."""
        provisional = False
        while True:
            provisional = provisional or not self.covers(d.year)
            if self.is_workday(d):
                return WorkdayResult(d, provisional)
            d += _ONE_DAY


def _chinesecalendar_years() -> list[int]:
    """Years chinesecalendar has data for, found by asking it (newer releases add years)."""
    import chinese_calendar as cc

    candidates = sorted({d.year for d in cc.holidays} | {d.year for d in cc.workdays})
    if not candidates:
        return []
    covered = []
    # Probe one past the last year with data too, in case a release ever validates differently.
    for year in range(candidates[0], candidates[-1] + 2):
        try:
            cc.is_workday(date(year, 7, 1))
        except NotImplementedError:
            continue
        covered.append(year)
    return covered


def seed_years_from_chinesecalendar(years: Iterable[int] | None = None) -> list[CalendarYear]:
    """``CalendarYear`` objects built from the installed ``chinesecalendar`` data.

    ``years=None`` means every year the package covers. Asking for a year it does not
    cover raises ``CalendarError(YEAR_NOT_AVAILABLE)``.
    """
    import chinese_calendar as cc

    available = _chinesecalendar_years()
    wanted = available if years is None else sorted(set(years))
    missing = [y for y in wanted if y not in available]
    if missing:
        raise CalendarError(
            CalendarErrorCode.YEAR_NOT_AVAILABLE,
            f"chinesecalendar has no data for {missing}; covered: "
            f"{available[0] if available else '-'}..{available[-1] if available else '-'}",
        )
    chinese_names = {h.value: h.chinese for h in cc.Holiday}

    def by_year(source: Mapping[date, str]) -> dict[int, dict[date, str]]:
        out: dict[int, dict[date, str]] = {}
        for d, english in source.items():
            out.setdefault(d.year, {})[d] = chinese_names.get(english, english)
        return out

    holidays = by_year(cc.holidays)
    workdays = by_year(cc.workdays)
    result = []
    for year in wanted:
        h = holidays.get(year, {})
        w = workdays.get(year, {})
        result.append(
            CalendarYear(
                year=year,
                holidays=frozenset(h),
                adjusted_workdays=frozenset(w),
                source=CalendarSource.CHINESECALENDAR,
                names={**h, **w},
            )
        )
    return result
