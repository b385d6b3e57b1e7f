"""The case timeline (时间线): everything that happened on a case, in time order.

One read merges mediation sessions and their addenda, working notes and contact-log
entries, evidence, status changes (``transition:*`` audit events), clock pauses and
resumptions (``pause``/``resume`` audit events) and follow-ups. Each table is read with
one query that walks its ``(case_id, time)`` index and selects only the columns a row of
the timeline shows (no ORM objects: a busy case holds ten thousand events), and the
ordered lists are merged here (one sort, which finds the runs). Ties are broken by kind
(``KIND_ORDER``), then by id, so the order never changes between two reads. An addendum
is an entry of its own, dated when it was written and never before the record it
corrects.

Entries carry codes and enums, never words: the UI turns them into Chinese.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Text, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from app.core.filenames import display_name
from app.core.workflow import Action, CaseStatus, Outcome, PauseReason
from app.services.context import Workstation
from app.store.models import (
    Attachment,
    AuditEvent,
    DisputeGroup,
    FollowUp,
    GroupSession,
    MediationSession,
    Mediator,
    Note,
)

# How much of a free text a timeline row carries (the row shows one line of it).
EXCERPT_CHARS = 200


class EntryKind(StrEnum):
    SESSION = "session"  # 调解
    ADDENDUM = "addendum"  # 补正 of a finished session record
    NOTE = "note"  # 笔记
    CONTACT = "contact"  # 联系
    EVIDENCE = "evidence"  # 证据
    FOLLOW_UP = "follow_up"  # 回访
    PAUSE = "pause"  # 中止 / 恢复 of the clock
    STATUS = "status"  # 状态


# Among entries at the same instant: a session before its addendum, a follow-up before
# the status change it causes.
KIND_ORDER: dict[EntryKind, int] = {kind: n for n, kind in enumerate(EntryKind)}


# ------------------------------------------------------------------ what an entry says


@dataclass(frozen=True, slots=True)
class SessionSummary:
    mode: str  # 电话 视频 微信 现场 居家 上门 (stored as the word itself)
    minutes: int | None  # the timer's time, else ended - started; None while unknown
    result: str  # agreed|partial|none|next_step, "" if not recorded
    finalized: bool
    group_title: str = ""  # a member's record of a group session (群体调解): its group
    attendance: str = ""  # and how the member took part (app.core.group_sessions)


@dataclass(frozen=True, slots=True)
class AddendumSummary:
    session_id: uuid.UUID | None  # the record it corrects
    session_started_at: datetime | None
    session_mode: str
    text: str  # the first EXCERPT_CHARS characters


@dataclass(frozen=True, slots=True)
class NoteSummary:
    text: str


@dataclass(frozen=True, slots=True)
class ContactSummary:
    channel: str  # phone|wechat|sms|visit|""
    contact_with: str
    result: str  # reached|no_answer|... (codes of the contact log)
    callback_at: datetime | None
    text: str


@dataclass(frozen=True, slots=True)
class EvidenceSummary:
    filename: str
    mime_type: str
    size: int


@dataclass(frozen=True, slots=True)
class FollowUpSummary:
    method: str  # phone|sms|wechat|visit|in_person
    performance: str
    satisfaction: str
    note: str


@dataclass(frozen=True, slots=True)
class PauseSummary:
    resumed: bool  # False: the clock stopped; True: it runs again
    reason: PauseReason | None
    expected_end: date | None
    ended_on: date | None
    note: str


@dataclass(frozen=True, slots=True)
class StatusSummary:
    action: Action | None
    old_status: CaseStatus | None
    new_status: CaseStatus | None
    outcome: Outcome | None  # set by 办结
    mediator_id: str | None  # set by 派单 (as the audit trail holds it)
    reason: str


Summary = (SessionSummary | AddendumSummary | NoteSummary | ContactSummary | EvidenceSummary
           | FollowUpSummary | PauseSummary | StatusSummary)


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    kind: EntryKind
    at: datetime  # aware, UTC
    actor: str  # login
    ref: str  # the row's id as stored (hex): session, note, attachment, follow-up, audit event
    summary: Summary

    @property
    def ref_id(self) -> uuid.UUID:
        # Parsed on demand: ten thousand UUID objects cost more than the query.
        return uuid.UUID(self.ref)


@dataclass(frozen=True)
class Timeline:
    case_id: uuid.UUID
    entries: tuple[TimelineEntry, ...]  # oldest first
    people: Mapping[str, str]  # login -> name
    mediators: Mapping[str, str]  # mediator id (as the audit trail holds it) -> name


ALL_KINDS: frozenset[EntryKind] = frozenset(EntryKind)


# ------------------------------------------------------------------ the reads
#
# Columns are read as stored (``_raw``) and converted below: the typed columns'
# result processors build a UUID and two datetimes per row, which on ten thousand rows
# costs several times the query itself. The local store is SQLite, which stores ids as
# 32 hex digits and times as "YYYY-MM-DD HH:MM:SS.ffffff" in UTC; a driver handing back
# objects (PostgreSQL) is converted as well.

Reader = Callable[[Session, uuid.UUID, frozenset[EntryKind]], list[TimelineEntry]]


def _raw(column: Any) -> Any:
    return type_coerce(column, Text)


def _excerpt(column: Any) -> Any:
    return type_coerce(func.substr(column, 1, EXCERPT_CHARS), Text)


def _ref(value: Any) -> str:
    return value if type(value) is str else uuid.UUID(str(value)).hex


def _utc(value: Any) -> datetime | None:
    if value is None:
        return None
    if type(value) is str:
        return datetime.fromisoformat(value + "+00:00")  # 5x faster than .replace(tzinfo=)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _json(value: Any) -> Any:
    if type(value) is str:
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def _minutes(started: datetime, ended: datetime | None, seconds: int | None) -> int | None:
    if seconds is not None:
        return round(seconds / 60)
    if ended is None or ended < started:
        return None
    return round((ended - started).total_seconds() / 60)


def _sessions(session: Session, case_id: uuid.UUID,
              kinds: frozenset[EntryKind]) -> list[TimelineEntry]:
    s = MediationSession
    g, gs = DisputeGroup, GroupSession
    rows = session.connection().execute(
        select(_raw(s.id), _raw(s.started_at), _raw(s.ended_at), s.duration_seconds, s.mode,
               s.result, s.author, _raw(s.finalized_at), _raw(s.addendum_to),
               _excerpt(s.addendum_text), g.title, s.attendance)
        .outerjoin(gs, gs.id == s.group_session_id)
        .outerjoin(g, g.id == gs.group_id)
        .where(s.case_id == case_id, s.deleted.is_(False))
        .order_by(s.started_at)
    ).all()
    records = {}
    addenda = []
    out: list[TimelineEntry] = []
    for (ref, start, end, seconds, mode, result, author, finalized, addendum_to, text,
         group_title, attendance) in rows:
        start = _utc(start)
        if addendum_to is not None:
            addenda.append((ref, start, author, _utc(finalized), _ref(addendum_to), text))
            continue
        ref = _ref(ref)
        records[ref] = (start, mode)
        if EntryKind.SESSION in kinds:
            out.append(TimelineEntry(
                EntryKind.SESSION, start, author, ref,
                SessionSummary(mode, _minutes(start, _utc(end), seconds), result or "",
                               finalized is not None, group_title or "", attendance or "")))
    if EntryKind.ADDENDUM in kinds:
        for ref, start, author, finalized, corrected, text in addenda:
            corrected_at, corrected_mode = records.get(corrected, (None, ""))
            # Dated when it was written; never before the record it corrects.
            at = finalized or start
            if corrected_at is not None and at < corrected_at:
                at = corrected_at
            out.append(TimelineEntry(
                EntryKind.ADDENDUM, at, author, _ref(ref),
                AddendumSummary(uuid.UUID(corrected), corrected_at, corrected_mode,
                                text or "")))
    return out


def _notes(session: Session, case_id: uuid.UUID,
           kinds: frozenset[EntryKind]) -> list[TimelineEntry]:
    n = Note
    notes, contacts = EntryKind.NOTE in kinds, EntryKind.CONTACT in kinds
    rows = session.connection().execute(
        select(_raw(n.id), _raw(n.created_at), n.author, n.kind, _excerpt(n.text),
               n.contact_result, _raw(n.callback_at), n.channel, n.contact_with)
        .where(n.case_id == case_id, n.deleted.is_(False))
        .order_by(n.created_at)
    ).all()
    out: list[TimelineEntry] = []
    for ref, at, author, kind, text, result, callback_at, channel, contact_with in rows:
        if kind == "contact":
            if contacts:
                out.append(TimelineEntry(
                    EntryKind.CONTACT, _utc(at), author, _ref(ref),
                    ContactSummary(channel or "", contact_with or "", result or "",
                                   _utc(callback_at), text or "")))
        elif notes and kind == "note":  # clock records show with the case's clocks
            out.append(TimelineEntry(EntryKind.NOTE, _utc(at), author, _ref(ref),
                                     NoteSummary(text or "")))
    return out


def _evidence(session: Session, case_id: uuid.UUID,
              kinds: frozenset[EntryKind]) -> list[TimelineEntry]:
    a = Attachment
    rows = session.connection().execute(
        select(_raw(a.id), _raw(a.created_at), a.author, a.filename, a.mime_type, a.size)
        .where(a.case_id == case_id, a.deleted.is_(False))
        .order_by(a.created_at)
    ).all()
    return [TimelineEntry(EntryKind.EVIDENCE, _utc(at), author, _ref(ref),
                          # the name may come from anyone centrally: display text only
                          EvidenceSummary(display_name(filename), mime_type or "", size or 0))
            for ref, at, author, filename, mime_type, size in rows]


def _follow_ups(session: Session, case_id: uuid.UUID,
                kinds: frozenset[EntryKind]) -> list[TimelineEntry]:
    f = FollowUp
    rows = session.connection().execute(
        select(_raw(f.id), _raw(f.followed_at), f.by, f.method, f.performance,
               f.satisfaction, _excerpt(f.note))
        .where(f.case_id == case_id, f.deleted.is_(False))
        .order_by(f.followed_at)
    ).all()
    return [TimelineEntry(EntryKind.FOLLOW_UP, _utc(at), by, _ref(ref),
                          FollowUpSummary(method or "", performance or "", satisfaction or "",
                                          note or ""))
            for ref, at, by, method, performance, satisfaction, note in rows]


_MEMBERS: dict[type, dict[Any, Any]] = {
    enum: {m.value: m for m in enum} for enum in (Action, CaseStatus, Outcome, PauseReason)}


def _member(enum: type, value: Any) -> Any:
    return _MEMBERS[enum].get(value)


def _pair(changes: Mapping[str, Any], field: str) -> tuple[Any, Any]:
    pair = changes.get(field)
    return (pair[0], pair[1]) if isinstance(pair, list) and len(pair) == 2 else (None, None)


def _day(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _status_summary(action: str, changes: Mapping[str, Any], reason: str) -> StatusSummary:
    old, new = _pair(changes, "status")
    return StatusSummary(
        action=_member(Action, action.removeprefix("transition:")),
        old_status=_member(CaseStatus, old),
        new_status=_member(CaseStatus, new),
        outcome=_member(Outcome, _pair(changes, "outcome")[1]),
        mediator_id=_pair(changes, "mediator_id")[1],
        reason=reason or "",
    )


def _pause_summary(action: str, changes: Mapping[str, Any], reason: str) -> PauseSummary:
    return PauseSummary(
        resumed=action == "resume",
        reason=_member(PauseReason, _pair(changes, "reason")[1]),
        expected_end=_day(_pair(changes, "expected_end")[1]),
        ended_on=_day(_pair(changes, "ended_on")[1]),
        note=reason or "",
    )


def _audit(session: Session, case_id: uuid.UUID,
           kinds: frozenset[EntryKind]) -> list[TimelineEntry]:
    e = AuditEvent
    wanted = []
    if EntryKind.STATUS in kinds:
        wanted.append(e.action.like("transition:%"))
    if EntryKind.PAUSE in kinds:
        wanted.append(e.action.in_(("pause", "resume")))
    rows = session.connection().execute(
        select(_raw(e.id), _raw(e.at), e.actor, e.action, _raw(e.changes), _excerpt(e.reason))
        .where(e.case_id == case_id, e.deleted.is_(False), or_(*wanted))
        .order_by(e.at)
    ).all()
    out: list[TimelineEntry] = []
    for ref, at, actor, action, changes, reason in rows:
        changes = _json(changes)
        changes = changes if isinstance(changes, dict) else {}
        if action in ("pause", "resume"):
            out.append(TimelineEntry(EntryKind.PAUSE, _utc(at), actor, _ref(ref),
                                     _pause_summary(action, changes, reason)))
        else:
            out.append(TimelineEntry(EntryKind.STATUS, _utc(at), actor, _ref(ref),
                                     _status_summary(action, changes, reason)))
    return out


# Which reader fills which kinds: a filter skips the tables it does not need.
READERS: tuple[tuple[frozenset[EntryKind], Reader], ...] = (
    (frozenset({EntryKind.SESSION, EntryKind.ADDENDUM}), _sessions),
    (frozenset({EntryKind.NOTE, EntryKind.CONTACT}), _notes),
    (frozenset({EntryKind.EVIDENCE}), _evidence),
    (frozenset({EntryKind.FOLLOW_UP}), _follow_ups),
    (frozenset({EntryKind.STATUS, EntryKind.PAUSE}), _audit),
)


def _sort_key(entry: TimelineEntry) -> tuple[datetime, int, str]:
    return entry.at, KIND_ORDER[entry.kind], entry.ref


def _people(session: Session, ws: Workstation) -> tuple[dict[str, str], dict[str, str]]:
    rows = session.execute(
        select(Mediator.id, Mediator.login, Mediator.name)
        .where(Mediator.office_id == ws.actor.office_id)
    ).all()
    people = {login: name for _, login, name in rows}
    people.setdefault(ws.actor.login, ws.actor.name)
    return people, {str(id_): name for id_, _, name in rows}


def case_timeline(ws: Workstation, case_id: uuid.UUID,
                  kinds: Collection[EntryKind] | None = None) -> Timeline:
    """The case's timeline, oldest first; ``kinds`` keeps only those kinds (and reads
    only the tables they come from)."""
    wanted = ALL_KINDS if kinds is None else frozenset(kinds)
    entries: list[TimelineEntry] = []
    with ws.store.unit_of_work() as session:
        for covers, reader in READERS:
            if covers & wanted:
                entries.extend(reader(session, case_id, wanted))
        people, mediators = _people(session, ws)
    # Each table's rows come in time order: the sort merges those runs.
    entries.sort(key=_sort_key)
    return Timeline(case_id, tuple(entries), people, mediators)
