"""工作记录: working notes and the contact log of a case, and the callbacks they promise.

Notes are append-only: nothing here edits or deletes one; a correction is a new note.
The sync engine captures new rows by itself.

A contact-log entry may promise a callback (约定回电). The case keeps the promise of its
newest contact in ``cases.callback_due_at`` (a later contact without a promise settles
an earlier one); the queue's 待回电 view and ``due_callbacks`` read that column through
its partial index ``ix_cases_callback_due``. ``refresh_callbacks`` recomputes it from
the notes for cases written some other way (``backfill_callbacks`` for a whole store
filled in bulk, such as the demo data).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, func, literal_column, select, text
from sqlalchemy.orm import Session

from app.core.ids import new_id
from app.services import audit
from app.services.cases import refresh_clocks
from app.services.context import Workstation
from app.services.dto import Changes
from app.services.errors import CaseNotFound, FieldProblem, ValidationFailed
from app.store.database import Store
from app.store.models import LIVE, Case, Mediator, Note


class NoteKind(StrEnum):
    NOTE = "note"  # 工作记录
    CONTACT = "contact"  # 联系登记
    # Clock records, written by cases.record_delivery / extend_verification:
    DELIVERY = "delivery"  # 送达 of a notice
    EXTENSION = "extension"  # an approved extension of a time limit


class ContactChannel(StrEnum):
    PHONE = "phone"
    WECHAT = "wechat"
    SMS = "sms"
    VISIT = "visit"
    VIDEO = "video"


class ContactResult(StrEnum):
    REACHED = "reached"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    REFUSED = "refused"
    WRONG_NUMBER = "wrong_number"
    LEFT_MESSAGE = "left_message"


MAX_TEXT = 10_000  # characters of a note or a contact's account
MAX_CONTACT_WITH = 255  # the column's width
# A callback shows as due this long before its time (the reminder's lead).
CALLBACK_SOON = timedelta(minutes=15)
# A promise further ahead than this is taken for a typing mistake.
MAX_CALLBACK_AHEAD = timedelta(days=366)


@dataclass(frozen=True)
class NoteView:
    id: uuid.UUID
    kind: NoteKind
    created_at: datetime
    author: str  # login
    author_name: str  # the mediator's name, or the login when unknown
    text: str
    channel: str = ""  # a ContactChannel value for contacts
    contact_with: str = ""
    result: str = ""  # a ContactResult value for contacts
    callback_at: datetime | None = None
    clock: str = ""  # a clock record's ClockKind value


@dataclass(frozen=True)
class NotesPage:
    """The newest notes of a case, newest first; ``more`` when older ones were left out."""

    notes: tuple[NoteView, ...]
    more: bool
    callback_due_at: datetime | None  # the promise that stands (the newest contact's)


@dataclass(frozen=True)
class CallbackDue:
    case_id: uuid.UUID
    source_ticket: str
    contact_with: str  # who is to be called back (the complainant when nobody was named)
    due_at: datetime
    mediator_id: uuid.UUID | None


# ------------------------------------------------------------------ helpers


def _load(session: Session, case_id: uuid.UUID) -> Case:
    case = session.get(Case, case_id)
    if case is None or case.deleted:
        raise CaseNotFound(case_id)
    return case


def _touch(ws: Workstation, row: Case, now: datetime) -> None:
    row.version = (row.version or 0) + 1
    row.modified_at = now
    row.modified_by = ws.actor.login


def _clean_text(value: str, field: str, problems: dict[str, FieldProblem], *,
                required: bool, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        problems[field] = FieldProblem.REQUIRED
    elif len(value) > limit:
        problems[field] = FieldProblem.TOO_LONG
    return value


def _new_note(ws: Workstation, case_id: uuid.UUID, now: datetime, **values) -> Note:
    return Note(id=new_id(), case_id=case_id, created_at=now, author=ws.actor.login,
                version=1, modified_at=now, modified_by=ws.actor.login, **values)


# ------------------------------------------------------------------ writes


def add_note(ws: Workstation, case_id: uuid.UUID, text: str) -> Changes:
    """A working note. One insert and a look-up of the case by key: its cost does not
    grow with the notes or events the case already has."""
    problems: dict[str, FieldProblem] = {}
    body = _clean_text(text, "text", problems, required=True)
    if problems:
        raise ValidationFailed(problems)
    now = ws.now()
    with ws.store.unit_of_work() as session:
        if session.scalar(select(Case.id).where(Case.id == case_id, LIVE)) is None:
            raise CaseNotFound(case_id)
        session.add(_new_note(ws, case_id, now, kind=NoteKind.NOTE.value, text=body))
    return Changes(case_ids=frozenset({case_id}), notes=True)


def log_contact(ws: Workstation, case_id: uuid.UUID, *, channel: str, contact_with: str,
                result: str, text: str = "", callback_at: datetime | None = None) -> Changes:
    """联系登记: who was contacted how, with what result, and the callback promised (if
    any), which becomes the case's ``callback_due_at``; no promise settles an earlier
    one. The first contact that reaches someone is the case's first contact (it meets
    the office's response pledge)."""
    problems: dict[str, FieldProblem] = {}
    if channel not in {c.value for c in ContactChannel}:
        problems["channel"] = FieldProblem.INVALID_CHOICE
    if result not in {r.value for r in ContactResult}:
        problems["result"] = FieldProblem.INVALID_CHOICE
    who = _clean_text(contact_with, "contact_with", problems, required=True,
                      limit=MAX_CONTACT_WITH)
    body = _clean_text(text, "text", problems, required=False)
    now = ws.now()
    if callback_at is not None and (
            callback_at.tzinfo is None or callback_at <= now
            or callback_at > now + MAX_CALLBACK_AHEAD):
        problems["callback_at"] = FieldProblem.INVALID_DATE
    if problems:
        raise ValidationFailed(problems)
    with ws.store.unit_of_work() as session:
        contact_case(ws, session, _load(session, case_id), now, channel=channel,
                     contact_with=who, result=result, text=body, callback_at=callback_at)
    return Changes(case_ids=frozenset({case_id}), notes=True, history=True)


def contact_case(ws: Workstation, session: Session, case: Case, now: datetime, *,
                 channel: str, contact_with: str, result: str, text: str = "",
                 callback_at: datetime | None = None) -> None:
    """``log_contact``'s record in the caller's transaction, its values already checked
    (a notice sent to every member of a group dispute is one batch)."""
    note = _new_note(ws, case.id, now, kind=NoteKind.CONTACT.value, text=text,
                     channel=channel, contact_with=contact_with, contact_result=result,
                     callback_at=callback_at)
    session.add(note)
    values: dict[str, object] = {"callback_due_at": callback_at}
    first_contact = result == ContactResult.REACHED and case.first_contact_at is None
    if first_contact:
        values["first_contact_at"] = now
    changes = audit.apply_changes(case, values)
    if first_contact:
        refresh_clocks(ws, session, case)
    if changes:
        _touch(ws, case, now)
    contact = audit.snapshot(note, ["channel", "contact_with", "contact_result",
                                    "callback_at"])
    audit.record(session, actor=ws.actor.login, entity="notes", entity_id=note.id,
                 action="create:contact", changes={**contact, **changes},
                 case_id=case.id, office_id=case.office_id, at=now)


def refresh_callbacks(ws: Workstation, case_ids: Iterable[uuid.UUID]) -> Changes:
    """Recompute ``callback_due_at`` of these cases from their newest contact (a
    sync-captured change of each case whose value was wrong)."""
    ids = list(dict.fromkeys(case_ids))
    changed: set[uuid.UUID] = set()
    now = ws.now()
    with ws.store.unit_of_work() as session:
        for case_id in ids:
            case = session.get(Case, case_id)
            if case is None or case.deleted:
                continue
            due = session.scalar(_newest_contact(Note.callback_at, case_id))
            if audit.apply_changes(case, {"callback_due_at": due}):
                _touch(ws, case, now)
                changed.add(case_id)
    return Changes(case_ids=frozenset(changed))


def backfill_callbacks(store: Store) -> int:
    """Set ``callback_due_at`` on every case from its newest contact, in one statement,
    for a store filled in bulk outside the services (the demo data). Like those bulk
    rows, this is not captured for sync: call it on a store that is not linked yet.
    Returns how many cases have a callback afterwards."""
    with store.unit_of_work() as session:
        session.execute(text(
            """UPDATE cases SET callback_due_at = (
                   SELECT n.callback_at FROM notes n
                   WHERE n.case_id = cases.id AND n.kind = 'contact' AND n.deleted = 0
                   ORDER BY n.created_at DESC LIMIT 1)
               WHERE id IN (SELECT case_id FROM notes
                            WHERE kind = 'contact' AND callback_at IS NOT NULL)"""))
        return session.scalar(text(
            "SELECT count(*) FROM cases WHERE callback_due_at IS NOT NULL")) or 0


def _newest_contact(column, case_id):
    """The newest contact of a case (read through ix_notes_case_created)."""
    return (select(column)
            .where(Note.case_id == case_id, Note.kind == NoteKind.CONTACT.value,
                   Note.deleted.is_(False))
            .order_by(Note.created_at.desc()).limit(1))


# ------------------------------------------------------------------ reads


def list_notes(ws: Workstation, case_id: uuid.UUID, *, limit: int | None = None
               ) -> list[NoteView]:
    """The case's notes and contacts, newest first (the newest ``limit`` of them)."""
    return list(notes_page(ws, case_id, limit=limit).notes)


def notes_page(ws: Workstation, case_id: uuid.UUID, *, limit: int | None = None) -> NotesPage:
    with ws.store.unit_of_work() as session:
        case = _load(session, case_id)
        query = (select(Note, Mediator.name)
                 .outerjoin(Mediator, Mediator.login == Note.author)
                 .where(Note.case_id == case_id, Note.deleted.is_(False))
                 .order_by(Note.created_at.desc(), Note.id.desc()))
        if limit is not None:
            query = query.limit(limit + 1)
        rows = session.execute(query).all()
        more = limit is not None and len(rows) > limit
        views = tuple(_view(note, name) for note, name in rows[:limit])
        return NotesPage(views, more, case.callback_due_at)


def _view(note: Note, author_name: str | None) -> NoteView:
    try:
        kind = NoteKind(note.kind)
    except ValueError:
        kind = NoteKind.NOTE
    return NoteView(id=note.id, kind=kind, created_at=note.created_at, author=note.author,
                    author_name=author_name or note.author, text=note.text,
                    channel=note.channel or "", contact_with=note.contact_with or "",
                    result=note.contact_result or "", callback_at=note.callback_at,
                    clock=note.clock or "")


def callback_conditions(now: datetime, mediator_id: uuid.UUID | None = None, *,
                        rare: bool = False) -> list:
    """Cases whose promised callback is due by ``now`` (or within CALLBACK_SOON of it),
    in terms the partial index ix_cases_callback_due answers. ``rare``: tell SQLite's
    planner how few cases match (likelihood()), so that a sorted page reads this index
    and sorts the few, instead of walking the sort's index over every case."""
    due: ColumnElement[bool] = Case.callback_due_at <= now + CALLBACK_SOON
    if rare:
        due = func.likelihood(due, literal_column("0.001"))
    conditions = [Case.callback_due_at.is_not(None), due]
    if mediator_id is not None:
        # "+": the mediator is tested on the few index entries in range, instead of the
        # planner walking all of the mediator's cases in ix_cases_q_mediator_received.
        conditions.append(literal_column("+cases.mediator_id", Case.mediator_id.type)
                          == mediator_id)
    return conditions


def due_callbacks(ws: Workstation, *, mediator_id: uuid.UUID | None = None,
                  now: datetime | None = None) -> list[CallbackDue]:
    """Callbacks due by ``now`` or within the next CALLBACK_SOON, the earliest first;
    only ``mediator_id``'s cases when given."""
    now = now or ws.now()
    newest_with = (select(Note.contact_with)
                   .where(Note.case_id == Case.id, Note.kind == NoteKind.CONTACT.value,
                          Note.deleted.is_(False))
                   .order_by(Note.created_at.desc()).limit(1).scalar_subquery())
    with ws.store.unit_of_work() as session:
        rows = session.execute(
            select(Case.id, Case.source_ticket, Case.complainant_name, Case.callback_due_at,
                   Case.mediator_id, newest_with)
            .where(*callback_conditions(now, mediator_id), LIVE)
            .order_by(Case.callback_due_at)
        ).all()
    return [CallbackDue(case_id=r[0], source_ticket=r[1], contact_with=r[5] or r[2],
                        due_at=r[3], mediator_id=r[4]) for r in rows]

