"""Workers for the 工作记录 tab: read a case's notes, add a note, log a contact (plain
functions of ``(args, state)`` for the task runner); and how a promised callback reads
(also used by the queue's rows)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from PySide6.QtCore import QCoreApplication

from app.core.timeutil import CHINA_TZ
from app.services import notes
from app.services.context import Workstation
from app.services.dto import Changes
from app.services.notes import NotesPage
from app.ui.tasks import TaskState

SHOWN_NOTES = 200  # the newest notes the tab lists; older ones are counted, not shown


@dataclass(frozen=True)
class NoteRequest:
    case_id: uuid.UUID
    text: str


@dataclass(frozen=True)
class ContactRequest:
    case_id: uuid.UUID
    channel: str
    contact_with: str
    result: str
    text: str
    callback_at: datetime | None


def load_notes(args: tuple[Workstation, uuid.UUID], state: TaskState) -> NotesPage:
    ws, case_id = args
    return notes.notes_page(ws, case_id, limit=SHOWN_NOTES)


def add_note(args: tuple[Workstation, NoteRequest], state: TaskState) -> Changes:
    ws, r = args
    return notes.add_note(ws, r.case_id, r.text)


def log_contact(args: tuple[Workstation, ContactRequest], state: TaskState) -> Changes:
    ws, r = args
    return notes.log_contact(ws, r.case_id, channel=r.channel, contact_with=r.contact_with,
                             result=r.result, text=r.text, callback_at=r.callback_at)


# ------------------------------------------------------------------ callbacks as shown


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
