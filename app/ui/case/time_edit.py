"""A date and time as the clocks read it: China wall time to the minute, whatever zone
the machine is set to (held in UTC inside the editor, so no daylight-saving gap of the
machine's zone can move it)."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QDate, QDateTime, QTime, QTimeZone
from PySide6.QtWidgets import QDateEdit, QDateTimeEdit, QSizePolicy, QWidget

from app.core.timeutil import CHINA_TZ


def _wall(dt: datetime) -> QDateTime:
    local = dt.astimezone(CHINA_TZ)
    return QDateTime(QDate(local.year, local.month, local.day),
                     QTime(local.hour, local.minute), QTimeZone.utc())


def _minute_up(dt: datetime) -> datetime:
    whole = dt.replace(second=0, microsecond=0)
    return whole if whole == dt else whole + timedelta(minutes=1)


class OneTabDateTimeEdit(QDateTimeEdit):
    """Tab leaves the field, as in every other field: Qt's own steps through the year,
    month, day, hour and minute first (five Tabs for one field); the arrow keys and the
    calendar still move between them."""

    def focusNextPrevChild(self, next_: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next_)


class OneTabDateEdit(QDateEdit):
    """A date field Tab leaves at once (OneTabDateTimeEdit)."""

    def focusNextPrevChild(self, next_: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next_)


class ChinaDateTimeEdit(OneTabDateTimeEdit):
    def __init__(self, value: datetime, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTimeZone(QTimeZone.utc())
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd HH:mm")
        # As wide as the form's other fields: a hint under it then wraps to their width
        # (a narrow field's wrapped hint is clipped by the form layout).
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.set_value(value)

    def set_value(self, value: datetime) -> None:
        self.setDateTime(_wall(value))

    def set_range(self, earliest: datetime, latest: datetime) -> None:
        """Only minutes within [earliest, latest] (rounded inwards) can be chosen."""
        low = _minute_up(earliest)
        self.setDateTimeRange(_wall(low), _wall(max(low, latest)))

    def value(self) -> datetime:
        d, t = self.date(), self.time()
        return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=CHINA_TZ)
