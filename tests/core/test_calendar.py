from __future__ import annotations

import time
from datetime import date, timedelta

import pytest

from app.core.calendar import (
    CalendarSource,
    CalendarYear,
    WorkCalendar,
    WorkdayCount,
    WorkdayResult,
    seed_years_from_chinesecalendar,
)
from app.core.errors import CalendarError, CalendarErrorCode, DomainError


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


# -- the official schedules -------------------------------------------------------


def test_spring_festival_2026(official_calendar: WorkCalendar) -> None:
    assert not any(
        official_calendar.is_workday(d) for d in _days(date(2026, 2, 15), date(2026, 2, 23))
    )
    assert official_calendar.is_workday(date(2026, 2, 14))  # Saturday, 调休上班
    assert official_calendar.is_workday(date(2026, 2, 28))  # Saturday, 调休上班
    assert official_calendar.is_workday(date(2026, 2, 24))
    assert official_calendar.holiday_name(date(2026, 2, 17)) == "春节"
    assert official_calendar.holiday_name(date(2026, 2, 14)) == "春节"


def test_national_day_2026(official_calendar: WorkCalendar) -> None:
    assert not any(
        official_calendar.is_workday(d) for d in _days(date(2026, 10, 1), date(2026, 10, 7))
    )
    assert official_calendar.is_workday(date(2026, 9, 20))  # Sunday, 调休上班
    assert official_calendar.is_workday(date(2026, 10, 10))  # Saturday, 调休上班
    assert official_calendar.is_workday(date(2026, 10, 8))
    assert not official_calendar.is_workday(date(2026, 10, 11))  # an ordinary Sunday


def test_spring_festival_2025(official_calendar: WorkCalendar) -> None:
    assert not any(
        official_calendar.is_workday(d) for d in _days(date(2025, 1, 28), date(2025, 2, 4))
    )
    assert official_calendar.is_workday(date(2025, 1, 26))  # Sunday
    assert official_calendar.is_workday(date(2025, 2, 8))  # Saturday
    assert official_calendar.is_workday(date(2025, 2, 5))


def test_national_day_2025(official_calendar: WorkCalendar) -> None:
    assert not any(
        official_calendar.is_workday(d) for d in _days(date(2025, 10, 1), date(2025, 10, 8))
    )
    assert official_calendar.is_workday(date(2025, 9, 28))  # Sunday
    assert official_calendar.is_workday(date(2025, 10, 11))  # Saturday


def test_2026_has_248_working_days(official_calendar: WorkCalendar) -> None:
    count = official_calendar.working_days_between(date(2025, 12, 31), date(2026, 12, 31))
    assert count == WorkdayCount(248, False)


# -- counting ---------------------------------------------------------------------


def test_research_worked_examples(official_calendar: WorkCalendar) -> None:
    # Receipt 2026-09-28; counting starts 09-29 and jumps the National Day week.
    assert official_calendar.add_working_days(date(2026, 9, 28), 7) == WorkdayResult(
        date(2026, 10, 13), False
    )
    assert official_calendar.add_working_days(date(2026, 9, 28), 45) == WorkdayResult(
        date(2026, 12, 4), False
    )


def test_counting_starts_the_day_after(official_calendar: WorkCalendar) -> None:
    # Monday 2026-03-02 is a working day, but it is the start: 1 working day is Tuesday.
    assert official_calendar.add_working_days(date(2026, 3, 2), 1).day == date(2026, 3, 3)
    # From a Friday, 1 working day is the next Monday.
    assert official_calendar.add_working_days(date(2026, 3, 6), 1).day == date(2026, 3, 9)
    assert official_calendar.add_working_days(date(2026, 3, 6), 0).day == date(2026, 3, 6)


def test_counting_backwards(official_calendar: WorkCalendar) -> None:
    assert official_calendar.add_working_days(date(2026, 10, 8), -1).day == date(2026, 9, 30)


def test_working_days_between_is_half_open(official_calendar: WorkCalendar) -> None:
    # (2026-09-28, 2026-10-13]: 9/29, 9/30, 10/8, 10/9, 10/10 (Sat), 10/12, 10/13.
    assert official_calendar.working_days_between(date(2026, 9, 28), date(2026, 10, 13)).days == 7
    assert official_calendar.working_days_between(date(2026, 10, 13), date(2026, 9, 28)).days == -7
    assert official_calendar.working_days_between(date(2026, 10, 1), date(2026, 10, 1)).days == 0


def test_next_workday_on_or_after(official_calendar: WorkCalendar) -> None:
    assert official_calendar.next_workday_on_or_after(date(2026, 10, 3)) == WorkdayResult(
        date(2026, 10, 8), False
    )
    assert official_calendar.next_workday_on_or_after(date(2026, 10, 10)).day == date(2026, 10, 10)


def test_count_into_an_uncovered_year_is_provisional_not_an_error(
    official_calendar: WorkCalendar,
) -> None:
    assert not official_calendar.covers(2027)
    result = official_calendar.add_working_days(date(2026, 12, 25), 10)
    # 2027 has no schedule yet: 12/28–12/31, then 1/4–1/8 and 1/11; 1 January (元旦) is a
    # day off in every year by 放假办法, notice or not (issue 14, item 6).
    assert result == WorkdayResult(date(2027, 1, 11), True)
    assert official_calendar.working_days_between(date(2026, 12, 1), date(2027, 1, 5)).provisional
    assert official_calendar.next_workday_on_or_after(date(2027, 1, 2)) == WorkdayResult(
        date(2027, 1, 4), True
    )


def test_a_count_inside_covered_years_is_not_provisional(official_calendar: WorkCalendar) -> None:
    assert not official_calendar.add_working_days(date(2026, 12, 1), 20).provisional


def test_uncovered_year_uses_monday_to_friday_less_the_fixed_holidays() -> None:
    empty = WorkCalendar([])
    assert empty.is_workday(date(2027, 1, 4))
    assert not empty.is_workday(date(2027, 1, 2))  # a Saturday
    # 元旦, 劳动节 and 国庆 fall on fixed dates: off in every year (the 调休 is unknown).
    for day in (date(2027, 1, 1), date(2027, 5, 2), date(2027, 10, 1), date(2028, 5, 1),
                date(2028, 10, 3)):
        assert not empty.is_workday(day) and empty.is_holiday(day), day
    assert empty.is_workday(date(2027, 10, 8))


# -- admin-entered years and versions ---------------------------------------------


def _admin_2027(version: int = 1, extra_off: frozenset[date] = frozenset()) -> CalendarYear:
    # A hypothetical notice (the real 2027 schedule was not published when this was written).
    return CalendarYear(
        year=2027,
        holidays=frozenset({date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 3)}) | extra_off,
        adjusted_workdays=frozenset(),
        source=CalendarSource.ADMIN,
        version=version,
        names={date(2027, 1, 1): "元旦"},
    )


def test_admin_year_makes_counts_official(official_calendar: WorkCalendar) -> None:
    cal = WorkCalendar([*official_calendar.years.values(), _admin_2027()])
    assert cal.covers(2027)
    # 1/1 is now off, so the tenth working day moves from Friday 1/8 to Monday 1/11.
    assert cal.add_working_days(date(2026, 12, 25), 10) == WorkdayResult(date(2027, 1, 11), False)


def test_higher_version_wins() -> None:
    fix = _admin_2027(version=2, extra_off=frozenset({date(2027, 1, 4)}))
    cal = WorkCalendar([fix, _admin_2027(version=1)])
    assert not cal.is_workday(date(2027, 1, 4))
    assert cal.years[2027].version == 2


def test_calendar_year_round_trips_through_dict() -> None:
    year = _admin_2027()
    assert CalendarYear.from_dict(year.to_dict()) == year
    assert year.to_dict()["holidays"][0] == "2027-01-01"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"holidays": frozenset({date(2026, 1, 1)})}, CalendarErrorCode.DATE_OUTSIDE_YEAR),
        (
            {"adjusted_workdays": frozenset({date(2027, 1, 4)})},
            CalendarErrorCode.WORKDAY_NOT_WEEKEND,
        ),
        (
            {
                "holidays": frozenset({date(2027, 1, 9)}),
                "adjusted_workdays": frozenset({date(2027, 1, 9)}),
            },
            CalendarErrorCode.HOLIDAY_AND_WORKDAY,
        ),
    ],
)
def test_bad_admin_data_is_refused(kwargs: dict, code: CalendarErrorCode) -> None:
    base = {
        "year": 2027,
        "holidays": frozenset(),
        "adjusted_workdays": frozenset(),
        "source": "admin",
    }
    with pytest.raises(CalendarError) as info:
        CalendarYear(**{**base, **kwargs})
    assert info.value.code is code
    assert isinstance(info.value, DomainError)


def test_from_dict_rejects_garbage() -> None:
    with pytest.raises(CalendarError) as info:
        CalendarYear.from_dict({"year": 2027, "holidays": ["not a date"]})
    assert info.value.code is CalendarErrorCode.INVALID_DATA


# -- seeding ----------------------------------------------------------------------


def test_seed_covers_every_year_chinesecalendar_has() -> None:
    import chinese_calendar

    years = [y.year for y in seed_years_from_chinesecalendar()]
    assert years[0] == 2004
    assert years == list(range(years[0], years[-1] + 1))
    assert 2026 in years
    last = years[-1]
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(last + 1, 7, 1))


def test_seed_is_quick() -> None:
    began = time.perf_counter()
    seed_years_from_chinesecalendar()
    assert time.perf_counter() - began < 0.5


def test_seed_selected_years_and_missing_year() -> None:
    (y2025,) = seed_years_from_chinesecalendar([2025])
    assert y2025.source == CalendarSource.CHINESECALENDAR
    assert date(2025, 1, 26) in y2025.adjusted_workdays
    assert date(2025, 10, 8) in y2025.holidays
    with pytest.raises(CalendarError) as info:
        seed_years_from_chinesecalendar([2025, 2099])
    assert info.value.code is CalendarErrorCode.YEAR_NOT_AVAILABLE
    assert "2099" in str(info.value)


def test_the_statutory_holidays_are_known_for_a_year_before_its_notice() -> None:
    """放假办法 第二条: what the yearly notice cannot change — checked against the official
    schedules of years that have one, then used for a year that has none."""
    import chinese_calendar

    from app.core.calendar import statutory_holidays

    for year in (2025, 2026):
        official = {d for d in (date(year, 1, 1) + timedelta(days=k) for k in range(366))
                    if d.year == year and chinese_calendar.is_holiday(d) and d.weekday() < 5}
        assert {d for d in statutory_holidays(year) if d.weekday() < 5} <= official, year
    empty = WorkCalendar([])
    # 2027: 除夕 2-5, 春节 2-6..2-8, 清明 4-5, 端午 6-9, 中秋 9-15 — weekdays, yet off.
    for day in (date(2027, 2, 5), date(2027, 2, 8), date(2027, 4, 5), date(2027, 6, 9),
                date(2027, 9, 15)):
        assert empty.is_holiday(day) and not empty.is_workday(day), day
    assert empty.is_workday(date(2027, 2, 9))
    assert empty.add_working_days(date(2027, 2, 4), 1).day == date(2027, 2, 9)


def test_working_days_between_counts_what_stepping_day_by_day_counts(
        official_calendar: WorkCalendar) -> None:
    """Counted from each year's running total: the same as stepping through the days,
    across years, into years without an official schedule, and both ways round."""
    import random

    def stepped(start: date, end: date) -> tuple[int, bool]:
        days, provisional, d = 0, False, start + timedelta(days=1)
        while d <= end:
            provisional = provisional or not official_calendar.covers(d.year)
            days += official_calendar.is_workday(d)
            d += timedelta(days=1)
        return days, provisional

    rng = random.Random(18)
    first = date(2023, 1, 1)
    for _ in range(300):
        start = first + timedelta(days=rng.randrange(2200))
        end = start + timedelta(days=rng.randrange(-900, 900))
        count = official_calendar.working_days_between(start, end)
        days, provisional = stepped(min(start, end), max(start, end))
        assert count.days == (days if end >= start else -days), (start, end)
        assert count.provisional == provisional, (start, end)
