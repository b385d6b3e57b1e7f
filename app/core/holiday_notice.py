"""Reading the State Council's yearly holiday notice into a ``CalendarYear``.

《国务院办公厅关于XXXX年部分节假日安排的通知》 lists one festival per numbered item in a
fixed wording (DOMAIN.md, "Working days before a year's notice is published"):

    一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
    二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。
    一、元旦：1月1日放假，1月2日（星期一）补休。
    四、劳动节：5月1日放假，与周末连休。
    六、中秋节、国庆节：10月1日至8日放假调休，共8天。

Every day of a 放假 range is a holiday (weekend days inside it too, as the calendar holds
them), a 补休 day is a holiday, each date before 上班 is an adjusted working day. The
weekday in brackets is checked against the date it names and 共N天 against the range:
a notice copied wrongly is refused naming its line, never loaded half-way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from app.core.calendar import CalendarSource, CalendarYear

_ITEM = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.．]\s*(?P<names>[^：:]+)[：:](?P<body>.*)$")
_ITEM_START = re.compile(r"(?<=[。；;\s])(?=[一二三四五六七八九十]+\s*、[^：:。]{1,16}[：:])")
# The festivals as the calendar names them (chinesecalendar's words, as seeded years).
_FESTIVAL_NAMES = {"清明节": "清明", "端午节": "端午", "中秋节": "中秋"}
_TITLE_YEAR = re.compile(r"关于\s*(\d{4})\s*年.{0,6}节假日安排")
# 2026年1月1日 / 1月1日 / 3日, each perhaps followed by (周四) or (农历…、星期一).
_DATE = re.compile(
    r"(?:(?P<year>\d{4})\s*年\s*)?(?:(?P<month>\d{1,2})\s*月\s*)?(?P<day>\d{1,2})\s*日"
    r"(?:\s*[（(](?P<note>[^）)]*)[）)])?")
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_WEEKDAY = re.compile(r"(?:周|星期)([一二三四五六日天])")
_DAYS_TOTAL = re.compile(r"共\s*(\d+)\s*天")


class NoticeProblem(StrEnum):
    NO_YEAR = "no_year"  # neither the title nor the caller says which year
    NO_ITEMS = "no_items"  # no line reads like "一、元旦：…"
    NO_DAYS = "no_days"  # an item names no day off
    BAD_DATE = "bad_date"  # a date that does not exist (2月30日)
    WEEKDAY = "weekday"  # the weekday in brackets is not the date's
    DAY_COUNT = "day_count"  # 共N天 does not match the range
    OTHER_YEAR = "other_year"  # a date neither in the year nor next to it
    BOTH = "both"  # one day listed as a day off and as a working day
    WORKDAY_ON_WEEKDAY = "workday_on_weekday"  # 上班 on a Monday-Friday: nothing to adjust


class NoticeError(ValueError):
    """A notice that cannot be loaded as it stands. ``line`` counts from 1 in the text
    given; ``detail`` holds what was read (a date, the weekday written, the count)."""

    def __init__(self, problem: NoticeProblem, line: int | None = None, detail: str = "",
                 **values: object) -> None:
        super().__init__(f"{problem.value} (line {line}): {detail}" if line else
                         f"{problem.value}: {detail}")
        self.problem = problem
        self.line = line
        self.detail = detail
        self.values = values


@dataclass(frozen=True)
class NoticeItem:
    """One festival as the notice gives it."""

    line: int
    names: tuple[str, ...]  # ("中秋节", "国庆节") for a joint item
    days_off: tuple[date, ...]
    workdays: tuple[date, ...]


def notice_year(text: str) -> int | None:
    """The year in the notice's title (关于2027年部分节假日安排的通知), if the text has it."""
    found = _TITLE_YEAR.search(text)
    return int(found.group(1)) if found else None


@dataclass(frozen=True)
class Notice:
    """A notice read: its year's schedule, and the days it names in a neighbouring year
    (2018年12月30日至2019年1月1日放假调休 … 2018年12月29日上班), which belong to that
    year's calendar: (day, True for a day off / False for a working day, festival)."""

    calendar: CalendarYear
    other_years: tuple[tuple[date, bool, str], ...] = ()


def parse_notice(text: str, year: int | None = None) -> Notice:
    """The year's schedule as the notice text gives it (``year``: when the text has no
    title). Raises NoticeError naming the first line that cannot be read."""
    year = year or notice_year(text)
    if year is None:
        raise NoticeError(NoticeProblem.NO_YEAR)
    holidays: dict[date, str] = {}
    workdays: dict[date, str] = {}
    for item in parse_items(text, year):
        name = item.names[-1]
        for day in item.days_off:
            holidays[day] = name
        for day in item.workdays:
            if day in holidays:
                raise NoticeError(NoticeProblem.BOTH, item.line, day.isoformat(), day=day)
            workdays[day] = name
    both = set(holidays) & set(workdays)
    if both:
        day = min(both)
        raise NoticeError(NoticeProblem.BOTH, None, day.isoformat(), day=day)
    other = tuple(sorted([(d, True, n) for d, n in holidays.items() if d.year != year]
                         + [(d, False, n) for d, n in workdays.items() if d.year != year]))
    holidays = {d: n for d, n in holidays.items() if d.year == year}
    workdays = {d: n for d, n in workdays.items() if d.year == year}
    return Notice(CalendarYear(year=year, holidays=frozenset(holidays),
                               adjusted_workdays=frozenset(workdays),
                               source=CalendarSource.ADMIN, names={**holidays, **workdays}),
                  other)


def parse_items(text: str, year: int) -> list[NoticeItem]:
    items = []
    for number, line in enumerate(text.splitlines(), start=1):
        # Text copied from a web page or PDF may run several items into one line.
        for piece in _ITEM_START.split(line):
            found = _ITEM.match(piece)
            if not found:
                continue
            names = tuple(_FESTIVAL_NAMES.get(n.strip(), n.strip())
                          for n in re.split(r"[、，,]", found.group("names")) if n.strip())
            items.append(_item(number, names, found.group("body"), year))
    if not items:
        raise NoticeError(NoticeProblem.NO_ITEMS)
    return items


def _item(line: int, names: tuple[str, ...], body: str, year: int) -> NoticeItem:
    days_off: list[date] = []
    workdays: list[date] = []
    for sentence in filter(None, (s.strip() for s in re.split(r"[。；;]", body))):
        for clause in filter(None, (c.strip() for c in re.split(r"[，,]", sentence))):
            dates = _dates(clause, line, year)
            if "上班" in clause:
                workdays += dates
            elif "至" in clause and "放假" in clause and len(dates) == 2:
                first, last = dates
                if last < first:
                    raise NoticeError(NoticeProblem.BAD_DATE, line,
                                      f"{first.isoformat()}..{last.isoformat()}")
                run = [first + timedelta(days=n) for n in range((last - first).days + 1)]
                days_off += run
                total = _DAYS_TOTAL.search(sentence)
                if total and int(total.group(1)) != len(run):
                    raise NoticeError(NoticeProblem.DAY_COUNT, line, total.group(1),
                                      written=int(total.group(1)), counted=len(run))
            elif "放假" in clause or "补休" in clause:
                days_off += dates
    if not days_off:
        raise NoticeError(NoticeProblem.NO_DAYS, line)
    for day in workdays:
        if day.weekday() < 5:
            raise NoticeError(NoticeProblem.WORKDAY_ON_WEEKDAY, line, day.isoformat(), day=day)
    return NoticeItem(line, names, tuple(days_off), tuple(workdays))


def _dates(clause: str, line: int, year: int) -> list[date]:
    """The dates of one clause; a day without its month takes the month before it."""
    found: list[date] = []
    month: int | None = None
    for match in _DATE.finditer(clause):
        if match.group("month"):
            month = int(match.group("month"))
        if month is None:
            continue  # "共3日" and the like: no date
        written_year = int(match.group("year")) if match.group("year") else year
        text = match.group(0)
        try:
            day = date(written_year, month, int(match.group("day")))
        except ValueError:
            raise NoticeError(NoticeProblem.BAD_DATE, line, text) from None
        if abs(written_year - year) > 1:
            raise NoticeError(NoticeProblem.OTHER_YEAR, line, day.isoformat(), day=day)
        weekday = _WEEKDAY.search(match.group("note") or "")
        if weekday and _WEEKDAYS[weekday.group(1)] != day.weekday():
            raise NoticeError(NoticeProblem.WEEKDAY, line, text, day=day,
                              written=weekday.group(0))
        found.append(day)
    return found
