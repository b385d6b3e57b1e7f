"""The words of the timeline (时间线): a label for each kind of entry and one line of
Chinese for what happened — "电话调解 45 分钟，结果：达成协议", "联系张三（电话）：无人接听，
约定 11月24日 10:00 回电", "添加证据 发票.jpg（1.2 MB）", "状态：调解中 → 已办结". Modes,
results, contact and file-size words are the session, notes and evidence screens' own.

One formatter per summary type in a registry, as the history's words are
(case_texts.py). Pure functions without widgets: the model calls them for the rows on
screen only, and tests call them directly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP

from app.core.timeutil import CHINA_TZ
from app.services.timeline import (
    AddendumSummary,
    ContactSummary,
    EntryKind,
    EvidenceSummary,
    FollowUpSummary,
    NoteSummary,
    PauseSummary,
    SessionSummary,
    StatusSummary,
    Timeline,
    TimelineEntry,
)
from app.ui import formatting, messages
from app.ui.case import contact_texts, evidence_texts
from app.ui.groups import group_session_texts
from app.ui.messages import tr
from app.ui.session import session_texts

CONTEXT = "Timeline"

KIND_LABELS = {
    EntryKind.SESSION: QT_TRANSLATE_NOOP("Timeline", "调解"),
    EntryKind.ADDENDUM: QT_TRANSLATE_NOOP("Timeline", "补正"),
    EntryKind.NOTE: QT_TRANSLATE_NOOP("Timeline", "笔记"),
    EntryKind.CONTACT: QT_TRANSLATE_NOOP("Timeline", "联系"),
    EntryKind.EVIDENCE: QT_TRANSLATE_NOOP("Timeline", "证据"),
    EntryKind.STATUS: QT_TRANSLATE_NOOP("Timeline", "状态"),
    EntryKind.FOLLOW_UP: QT_TRANSLATE_NOOP("Timeline", "回访"),
    EntryKind.PAUSE: QT_TRANSLATE_NOOP("Timeline", "中止"),
}
RESUME_LABEL = QT_TRANSLATE_NOOP("Timeline", "恢复")

EMPTY_NOTE = QT_TRANSLATE_NOOP("Timeline", "（无内容）")


def _t(text: str) -> str:
    return tr(CONTEXT, text)


def _first_line(text: str) -> str:
    return " ".join(text.split())


def month_day_time(dt: datetime) -> str:
    """11月24日 10:00, China time."""
    local = dt.astimezone(CHINA_TZ)
    return _t("{month}月{day}日 {time}").format(month=local.month, day=local.day,
                                               time=local.strftime("%H:%M"))


@dataclass(frozen=True)
class Names:
    """Who is who: logins and mediator ids to names (from the Timeline)."""

    people: Mapping[str, str]
    mediators: Mapping[str, str]

    @classmethod
    def of(cls, timeline: Timeline) -> Names:
        return cls(timeline.people, timeline.mediators)

    def person(self, login: str) -> str:
        return self.people.get(login, login)


# ------------------------------------------------------------------ one line per kind


def _session(s: SessionSummary, names: Names) -> str:
    text = (_t("{mode}调解").format(mode=session_texts.mode_text(s.mode)) if s.mode
            else _t("调解"))
    if s.minutes:
        text += _t(" {n} 分钟").format(n=s.minutes)
    if s.result:
        text += _t("，结果：{result}").format(result=session_texts.result_text(s.result))
    if s.group_title:
        text += _t("，群体调解：{group}（{attendance}）").format(
            group=s.group_title,
            attendance=group_session_texts.attendance_text(s.attendance))
    if not s.finalized:
        text += _t("（未定稿）")
    return text


def _addendum(s: AddendumSummary, names: Names) -> str:
    if s.session_started_at is not None:
        head = _t("补正 {day} {mode}调解记录").format(
            day=formatting.china_datetime(s.session_started_at)[:10],
            mode=session_texts.mode_text(s.session_mode))
    else:
        head = _t("补正调解记录")
    body = _first_line(s.text)
    return f"{head}：{body}" if body else head


def _note(s: NoteSummary, names: Names) -> str:
    return _first_line(s.text) or _t(EMPTY_NOTE)


def _contact(s: ContactSummary, names: Names) -> str:
    text = _t("联系{who}").format(who=s.contact_with) if s.contact_with else _t("联系当事人")
    if s.channel:
        text += _t("（{channel}）").format(channel=contact_texts.channel_text(s.channel))
    parts = []
    if s.result:
        parts.append(contact_texts.result_text(s.result))
    if s.callback_at is not None:
        parts.append(_t("约定 {when} 回电").format(when=month_day_time(s.callback_at)))
    body = _first_line(s.text)
    if body:
        parts.append(body)
    return text + ("：" + "，".join(parts) if parts else "")


def _evidence(s: EvidenceSummary, names: Names) -> str:
    return _t("添加证据 {name}（{size}）").format(name=s.filename,
                                                  size=evidence_texts.size_text(s.size))


def _status(s: StatusSummary, names: Names) -> str:
    if s.old_status is not None and s.new_status is not None:
        text = _t("状态：{old} → {new}").format(old=messages.status_text(s.old_status),
                                             new=messages.status_text(s.new_status))
    elif s.action is not None:
        text = messages.action_text(s.action)
    else:
        text = _t("状态变更")
    if s.outcome is not None:
        text += _t("（{outcome}）").format(outcome=messages.outcome_text(s.outcome))
    if s.mediator_id:
        text += _t("，承办人：{name}").format(
            name=names.mediators.get(s.mediator_id, s.mediator_id))
    if s.reason:
        text += _t("，说明：{reason}").format(reason=_first_line(s.reason))
    return text


def _follow_up(s: FollowUpSummary, names: Names) -> str:
    text = _t("回访（{method}）").format(method=messages.follow_up_method_text(s.method))
    parts = [p for p in (messages.performance_text(s.performance),
                         messages.satisfaction_text(s.satisfaction) if s.satisfaction else "",
                         _first_line(s.note)) if p]
    return text + ("：" + "，".join(parts) if parts else "")


def _pause(s: PauseSummary, names: Names) -> str:
    if s.resumed:
        text = _t("恢复计时")
    else:
        text = _t("中止计时")
        if s.reason is not None:
            text += _t("：{reason}").format(reason=messages.pause_reason_text(s.reason))
        if s.expected_end is not None:
            text += _t("，预计 {day} 结束").format(day=formatting.day(s.expected_end))
    if s.note:
        text += _t("，说明：{note}").format(note=_first_line(s.note))
    return text


SUMMARY_TEXTS: dict[type, Callable[[Any, Names], str]] = {
    SessionSummary: _session,
    AddendumSummary: _addendum,
    NoteSummary: _note,
    ContactSummary: _contact,
    EvidenceSummary: _evidence,
    StatusSummary: _status,
    FollowUpSummary: _follow_up,
    PauseSummary: _pause,
}


def kind_label(entry: TimelineEntry) -> str:
    if isinstance(entry.summary, PauseSummary) and entry.summary.resumed:
        return _t(RESUME_LABEL)
    return _t(KIND_LABELS[entry.kind])


def summary_text(entry: TimelineEntry, names: Names) -> str:
    return SUMMARY_TEXTS[type(entry.summary)](entry.summary, names)


def details_text(entry: TimelineEntry, names: Names) -> str:
    """The tooltip: the line in full, and what does not fit on it."""
    lines = [summary_text(entry, names)]
    lines.append(_t("{when} · {who}").format(when=formatting.china_datetime(entry.at),
                                             who=names.person(entry.actor)))
    return "\n".join(lines)


# Filters of the tab: (label, kinds), in the order shown; None is everything.
FILTERS: tuple[tuple[str, frozenset[EntryKind] | None], ...] = (
    (QT_TRANSLATE_NOOP("Timeline", "全部"), None),
    (QT_TRANSLATE_NOOP("Timeline", "调解"), frozenset({EntryKind.SESSION, EntryKind.ADDENDUM})),
    (QT_TRANSLATE_NOOP("Timeline", "笔记与联系"), frozenset({EntryKind.NOTE, EntryKind.CONTACT})),
    (QT_TRANSLATE_NOOP("Timeline", "证据"), frozenset({EntryKind.EVIDENCE})),
    (QT_TRANSLATE_NOOP("Timeline", "状态"),
     frozenset({EntryKind.STATUS, EntryKind.PAUSE, EntryKind.FOLLOW_UP})),
)


def filter_label(text: str) -> str:
    return _t(text)
