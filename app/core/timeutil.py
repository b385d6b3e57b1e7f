"""Time helpers: every stored instant is aware UTC; every legal day is a China date."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

# China has had no daylight saving since 1991, so a fixed offset is exact for the
# dates we handle and avoids a tzdata dependency on Windows.
CHINA_TZ = timezone(timedelta(hours=8))


def utcnow() -> datetime:
    """The current instant, aware, in UTC."""
    return datetime.now(UTC)


def as_aware(dt: datetime) -> datetime:
    """Return ``dt`` as an aware datetime; naive values are taken to be UTC."""
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt


def china_date(dt: datetime) -> date:
    """The calendar date in China at instant ``dt`` (naive datetimes are UTC)."""
    return as_aware(dt).astimezone(CHINA_TZ).date()


def china_today(now: datetime | None = None) -> date:
    """Today's date in China (``now`` defaults to the current instant)."""
    return china_date(now if now is not None else utcnow())


def china_midnight(d: date) -> datetime:
    """00:00 China time at the start of ``d``, as an aware datetime."""
    return datetime.combine(d, time(0, 0), tzinfo=CHINA_TZ)


def end_of_china_day(d: date) -> datetime:
    """The instant a day-based period ends: 24:00 China time on ``d``.

    民法典 第二百零三条第二款: the last day of a period ends at 24:00.
    """
    return china_midnight(d + timedelta(days=1))


def to_china_datetime(value: datetime | date) -> datetime:
    """An aware datetime for ``value``; a bare date means its China midnight."""
    if isinstance(value, datetime):
        return as_aware(value)
    return china_midnight(value)


def to_china_date(value: datetime | date) -> date:
    """The China date of ``value``; a bare date is returned unchanged."""
    if isinstance(value, datetime):
        return china_date(value)
    return value
