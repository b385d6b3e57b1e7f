"""Dates, amounts and deadline badges as the user reads them (China time, Chinese words).

Pure functions without widgets, so workers may call them to prepare rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from app.core.calendar import WorkCalendar
from app.core.deadlines import ClockKind, Deadline, DueStatus, Unit, days_overdue, due_status
from app.core.money import format_amount, from_fen
from app.core.timeutil import CHINA_TZ
from app.services import notes
from app.ui import messages

_WEEKDAYS = (
    QT_TRANSLATE_NOOP("Weekday", "星期一"),
    QT_TRANSLATE_NOOP("Weekday", "星期二"),
    QT_TRANSLATE_NOOP("Weekday", "星期三"),
    QT_TRANSLATE_NOOP("Weekday", "星期四"),
    QT_TRANSLATE_NOOP("Weekday", "星期五"),
    QT_TRANSLATE_NOOP("Weekday", "星期六"),
    QT_TRANSLATE_NOOP("Weekday", "星期日"),
)


def china_datetime(dt: datetime | None) -> str:
    """2026-03-01 09:30 in China time; empty for None."""
    if dt is None:
        return ""
    return dt.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")


def day(d: date | None) -> str:
    return "" if d is None else d.strftime("%Y-%m-%d")


def day_with_weekday(d: date) -> str:
    return f"{d:%Y-%m-%d}（{QCoreApplication.translate('Weekday', _WEEKDAYS[d.weekday()])}）"


def amount(value: Decimal | None) -> str:
    """3,200.00 元; empty for None."""
    if value is None:
        return ""
    return QCoreApplication.translate("Amount", "{amount} 元").format(amount=f"{value:,.2f}")


def yuan(fen: int | None) -> str:
    """¥3,200.00 from fen (a table cell's money); empty for None."""
    return "" if fen is None else "¥" + format_amount(from_fen(fen))


# ------------------------------------------------------------------ deadline badges


@dataclass(frozen=True)
class DueBadge:
    """What the queue and the case view show for one deadline."""

    status: DueStatus
    text: str  # 已超期 3 个工作日 / 今日到期 / 剩 5 个工作日 (暂定)
    tooltip: str


def _unit_for(kind: ClockKind) -> Unit:
    # The queue summary carries the clock's kind, not its unit: these follow the
    # baseline rule sets (pledges in hours, the 人民调解 target in months, judicial
    # confirmation in calendar days, statutory clocks in working days).
    if kind in (ClockKind.PLEDGE_DISPATCH, ClockKind.PLEDGE_RESPONSE):
        return Unit.HOURS
    if kind is ClockKind.MEDIATION_TARGET:
        return Unit.MONTHS
    if kind is ClockKind.JUDICIAL_CONFIRMATION:
        return Unit.CALENDAR_DAYS
    return Unit.WORKING_DAYS


def summary_deadline(kind: str, due: date, *, provisional: bool, paused: bool,
                     confirmed: bool = True) -> Deadline:
    """The queue row's next deadline as a core Deadline (outstanding by definition)."""
    try:
        clock = ClockKind(kind)
    except ValueError:
        clock = ClockKind.ACCEPT_DECISION
    return Deadline(kind=clock, due=due, due_at=None, provisional=provisional, paused=paused,
                    soft=False, confirmed=confirmed, met=None, unit=_unit_for(clock))


def due_badge(deadline: Deadline, today: date, calendar: WorkCalendar, *,
              named: bool = False) -> DueBadge:
    """The deadline's state in words, in its own unit: working days where the rules count
    working days, else days. ``named``: begun with which deadline it is (受理：…), where
    nothing beside it says so (the queue's 下一期限)."""
    status = due_status(deadline, today, calendar)
    if status is DueStatus.OVERDUE:
        late = days_overdue(deadline, today, calendar)
        if deadline.unit is Unit.WORKING_DAYS:
            text = QCoreApplication.translate("DueBadge", "已超期 {n} 个工作日").format(n=late)
        else:
            text = QCoreApplication.translate("DueBadge", "已超期 {n} 天").format(n=late)
    elif status is DueStatus.DUE_TODAY:
        text = QCoreApplication.translate("DueBadge", "今日到期")
    elif status in (DueStatus.DUE_SOON, DueStatus.ON_TRACK):
        left = calendar.working_days_between(today, deadline.due).days
        if deadline.unit is Unit.WORKING_DAYS and left > 0:
            text = QCoreApplication.translate("DueBadge", "剩 {n} 个工作日").format(n=left)
        else:  # counted in days (or due on a rest day before the next working day)
            text = QCoreApplication.translate("DueBadge", "剩 {n} 天").format(n=(deadline.due - today).days)
    else:
        text = messages.due_status_text(status)
    if deadline.provisional and status not in (DueStatus.DONE, DueStatus.DONE_LATE):
        text += QCoreApplication.translate("DueBadge", "（暂定）")
    if not deadline.confirmed and status not in (DueStatus.DONE, DueStatus.DONE_LATE):
        text += QCoreApplication.translate("DueBadge", "（规则未核实）")
    if named:
        text = QCoreApplication.translate("DueBadge", "{kind}：{state}").format(
            kind=messages.clock_kind_short_text(deadline.kind), state=text)
    tooltip = QCoreApplication.translate("DueBadge", "{kind}：{due}").format(
        kind=messages.clock_kind_text(deadline.kind), due=day_with_weekday(deadline.due)
    )
    if deadline.provisional:
        tooltip += "\n" + QCoreApplication.translate(
            "DueBadge", "暂定：该年度的节假日安排尚未录入，按周末推算，仅供参考。"
        )
    if not deadline.confirmed:
        tooltip += "\n" + QCoreApplication.translate("DueBadge", "期限规则尚未核实，请以正式文件为准。")
    return DueBadge(status, text, tooltip)


# ------------------------------------------------------------------ promised callbacks


class CallbackState(Enum):
    LATER = "later"  # promised for later
    SOON = "soon"  # within CALLBACK_SOON: time to call
    OVERDUE = "overdue"  # its time has passed


def callback_state(due_at: datetime, now: datetime) -> CallbackState:
    if due_at < now:
        return CallbackState.OVERDUE
    if due_at <= now + notes.CALLBACK_SOON:
        return CallbackState.SOON
    return CallbackState.LATER


def callback_when(due_at: datetime, now: datetime) -> str:
    """10:30 today, 明天 09:00, 11-24 09:00, or the full date in another year
    (China time)."""
    due, today = due_at.astimezone(CHINA_TZ), now.astimezone(CHINA_TZ).date()
    if due.date() == today:
        return f"{due:%H:%M}"
    if due.date() == today + timedelta(days=1):
        return QCoreApplication.translate("Callback", "明天 {time}").format(time=f"{due:%H:%M}")
    if due.date() == today - timedelta(days=1):
        return QCoreApplication.translate("Callback", "昨天 {time}").format(time=f"{due:%H:%M}")
    if due.year == today.year:
        return f"{due:%m-%d %H:%M}"
    return f"{due:%Y-%m-%d %H:%M}"


def lateness(due_at: datetime, now: datetime) -> str:
    """How long ago a callback fell due: 20 分钟 / 3 小时 / 2 天."""
    minutes = max(1, int((now - due_at).total_seconds() // 60))
    if minutes < 60:
        return QCoreApplication.translate("Callback", "{n} 分钟").format(n=minutes)
    if minutes < 24 * 60:
        return QCoreApplication.translate("Callback", "{n} 小时").format(n=minutes // 60)
    return QCoreApplication.translate("Callback", "{n} 天").format(n=minutes // (24 * 60))


def callback_summary(due_at: datetime, now: datetime) -> str:
    """约定回电 10:30（已逾期 20 分钟）/（即将到时）/ plain for later."""
    when = callback_when(due_at, now)
    state = callback_state(due_at, now)
    if state is CallbackState.OVERDUE:
        return QCoreApplication.translate("Callback", "约定回电 {when}（已逾期 {late}）").format(
            when=when, late=lateness(due_at, now))
    if state is CallbackState.SOON:
        return QCoreApplication.translate("Callback", "约定回电 {when}（即将到时）").format(
            when=when)
    return QCoreApplication.translate("Callback", "约定回电 {when}").format(when=when)
