from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from app.core.timeutil import (
    CHINA_TZ,
    china_date,
    end_of_china_day,
    to_china_date,
    to_china_datetime,
    utcnow,
)


def test_late_utc_evening_is_next_day_in_china() -> None:
    # 2026-09-30 17:30 UTC is 2026-10-01 01:30 in Beijing: National Day already.
    assert china_date(datetime(2026, 9, 30, 17, 30, tzinfo=UTC)) == date(2026, 10, 1)
    assert china_date(datetime(2026, 9, 30, 15, 59, tzinfo=UTC)) == date(2026, 9, 30)


def test_naive_datetimes_are_utc() -> None:
    assert china_date(datetime(2026, 9, 30, 16, 0)) == date(2026, 10, 1)


def test_aware_china_time_keeps_its_date() -> None:
    assert china_date(datetime(2026, 2, 14, 23, 59, tzinfo=CHINA_TZ)) == date(2026, 2, 14)


def test_utcnow_is_aware_utc() -> None:
    now = utcnow()
    assert now.utcoffset() == timedelta(0)
    assert abs(now - datetime.now(UTC)) < timedelta(seconds=5)


def test_day_periods_end_at_midnight_china_time() -> None:
    assert end_of_china_day(date(2026, 10, 8)) == datetime(2026, 10, 8, 16, 0, tzinfo=UTC)


def test_bare_dates_are_china_dates() -> None:
    assert to_china_date(date(2026, 3, 1)) == date(2026, 3, 1)
    assert to_china_datetime(date(2026, 3, 1)) == datetime(2026, 2, 28, 16, 0, tzinfo=UTC)
