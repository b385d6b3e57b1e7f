"""Mediation session records (调解记录): drafts saved as the mediator types, finished
records that never change again, dated addenda, and the office's templates and quick
phrases.

A draft lives only on this workstation (``session_drafts``). Finishing it writes a
``MediationSession`` with the draft's id in the same transaction that removes the
draft, so a retried finish writes nothing twice. Corrections to a finished record are
new rows (``addendum_to``), each audited.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.core.errors import UserFacingError
from app.core.ids import new_id
from app.core.phrases import BuiltinPhrase, PhraseKind, builtins_for
from app.core.sessions import (
    MAX_TEXT,
    Participant,
    SessionContent,
    SessionMode,
    Statement,
    TextField,
    Timer,
    participants_from_json,
    problems_for_finish,
    statements_from_json,
)
from app.core.timeutil import china_date
from app.core.workflow import Action, allowed_actions
from app.services import audit, cases, group_sessions, phrase_rows
from app.services.context import Workstation
from app.services.dto import Changes
from app.services.errors import (
    SESSION_FIELD_PROBLEMS,
    CaseNotFound,
    FieldProblem,
    ValidationFailed,
)
from app.store.models import Case, MediationSession, Party, Phrase, SessionDraft

# The kinds of the phrases table this module edits (clauses: app/services/clauses.py).
_PHRASE_KINDS = (PhraseKind.PHRASE.value, PhraseKind.TEMPLATE.value)



class SessionNotFound(UserFacingError):
    def __init__(self, ref: uuid.UUID) -> None:
        self.ref = ref
        super().__init__(f"no session record or draft {ref}")


class SessionFinished(UserFacingError):
    """The record is finished: it cannot be edited or finished again."""

    def __init__(self, ref: uuid.UUID) -> None:
        self.ref = ref
        super().__init__(f"session {ref} is finished; add an addendum instead")


# ---------------------------------------------------------------- views


@dataclass(frozen=True)
class DraftView:
    id: uuid.UUID
    case_id: uuid.UUID
    author: str
    created_at: datetime
    saved_at: datetime
    revision: int
    open: bool
    content: SessionContent
    case_ticket: str = ""
    case_category: str = ""


@dataclass(frozen=True)
class AddendumView:
    id: uuid.UUID
    at: datetime
    author: str
    text: str


@dataclass(frozen=True)
class SessionView:
    id: uuid.UUID
    case_id: uuid.UUID
    mode: str
    started_at: datetime
    ended_at: datetime | None
    finalized_at: datetime | None
    duration_seconds: int | None
    place: str
    participants: tuple[Participant, ...]
    statements: tuple[Statement, ...]
    evidence: str
    proposals: str
    responses: str
    result: str
    next_step: str
    next_step_on: date | None
    author: str
    addenda: tuple[AddendumView, ...] = ()
    # A member's record of a group session (群体调解): the group, how this member took
    # part (an app.core.group_sessions.Attendance value) and their own position.
    group_session_id: uuid.UUID | None = None
    group_id: uuid.UUID | None = None
    group_title: str = ""
    attendance: str = ""
    position: str = ""


@dataclass(frozen=True)
class CaseSessions:
    sessions: tuple[SessionView, ...]  # oldest first
    drafts: tuple[DraftView, ...]  # this workstation's, newest first


@dataclass(frozen=True)
class PhraseView:
    key: str  # "builtin:<key>" or the row's id as hex
    kind: PhraseKind
    title: str
    category: str
    field: str
    body: str
    fields: dict[str, str]
    builtin: bool
    version: int = 0


@dataclass(frozen=True)
class PhraseInput:
    kind: PhraseKind
    title: str
    body: str = ""
    category: str = ""
    field: str = ""
    fields: dict[str, str] | None = None


# ---------------------------------------------------------------- drafts


def start_draft(ws: Workstation, case_id: uuid.UUID, mode: str = SessionMode.PHONE.value
                ) -> tuple[DraftView, Changes]:
    """A new record on the case, timer running, the case's parties taking part. The
    first session on an assigned case starts its mediation (调解中)."""
    if mode not in {m.value for m in SessionMode}:
        raise ValidationFailed({"mode": FieldProblem.INVALID_CHOICE})
    with ws.store.unit_of_work() as session:
        case = _live_case(session, case_id)
        starts_mediation = Action.START_MEDIATION in allowed_actions(cases._state(case))
    changes = Changes(case_ids=frozenset({case_id}), sessions=True)
    if starts_mediation:
        changes = cases.start_mediation(ws, case_id)
        changes = Changes(case_ids=changes.case_ids, history=True, sessions=True)
    now = ws.now()
    with ws.store.unit_of_work() as session:
        parties = session.scalars(select(Party).where(
            Party.case_id == case_id, Party.deleted.is_(False)).order_by(Party.sort_order))
        content = SessionContent(
            mode=mode, started_at=now,
            participants=tuple(Participant(p.name, p.role, p.id.hex) for p in parties),
            timer=Timer(0, now))
        draft = SessionDraft(id=new_id(), case_id=case_id, author=ws.actor.login,
                             created_at=now, saved_at=now, revision=0, open=True,
                             content=content.to_json())
        session.add(draft)
        session.flush()
        return _draft_view(draft, _live_case(session, case_id)), changes


def save_draft(ws: Workstation, draft_id: uuid.UUID, content: SessionContent, *,
               revision: int, open_: bool = True) -> bool:
    """Store the editor's state. Returns False when a newer save is already stored (a
    late save never overwrites a newer one). Not audited: a draft is not a record yet."""
    with ws.store.unit_of_work() as session:
        result = session.execute(
            update(SessionDraft)
            .where(SessionDraft.id == draft_id, SessionDraft.revision < revision)
            .values(content=content.to_json(), revision=revision, saved_at=ws.now(),
                    open=open_))
        if result.rowcount:
            return True
        if session.get(SessionDraft, draft_id) is None:
            raise SessionNotFound(draft_id)
        return False


def set_draft_open(ws: Workstation, draft_id: uuid.UUID, open_: bool) -> None:
    with ws.store.unit_of_work() as session:
        session.execute(update(SessionDraft).where(SessionDraft.id == draft_id)
                        .values(open=open_))


def load_draft(ws: Workstation, draft_id: uuid.UUID) -> DraftView:
    with ws.store.unit_of_work() as session:
        draft = session.get(SessionDraft, draft_id)
        if draft is None:
            if session.get(MediationSession, draft_id) is not None:
                raise SessionFinished(draft_id)
            raise SessionNotFound(draft_id)
        return _draft_view(draft, session.get(Case, draft.case_id))


def open_drafts(ws: Workstation) -> list[DraftView]:
    """The signed-in mediator's drafts whose editor was open when the app last stopped
    (closed normally or not): the app reopens them."""
    with ws.store.unit_of_work() as session:
        rows = session.scalars(select(SessionDraft).where(
            SessionDraft.author == ws.actor.login, SessionDraft.open.is_(True))
            .order_by(SessionDraft.saved_at))
        return [_draft_view(d, session.get(Case, d.case_id)) for d in rows]


def discard_draft(ws: Workstation, draft_id: uuid.UUID) -> Changes:
    with ws.store.unit_of_work() as session:
        draft = session.get(SessionDraft, draft_id)
        if draft is None:
            raise SessionNotFound(draft_id)
        case_id = draft.case_id
        session.delete(draft)
    return Changes(case_ids=frozenset({case_id}), sessions=True)


def finish_session(ws: Workstation, draft_id: uuid.UUID, content: SessionContent) -> Changes:
    """The draft becomes a finished, immutable record (same id), audited; the draft is
    gone in the same transaction. Finishing twice writes nothing the second time."""
    now = ws.now()
    problems = problems_for_finish(content, today=china_date(now))
    if problems:
        raise ValidationFailed({k: SESSION_FIELD_PROBLEMS[v] for k, v in problems.items()})
    with ws.store.unit_of_work() as session:
        existing = session.get(MediationSession, draft_id)
        draft = session.get(SessionDraft, draft_id)
        if existing is not None:
            if draft is not None:
                session.delete(draft)
            return Changes(case_ids=frozenset({existing.case_id}), sessions=True)
        if draft is None:
            raise SessionNotFound(draft_id)
        case = _live_case(session, draft.case_id)
        row = MediationSession(
            id=draft_id, version=1, modified_at=now, modified_by=ws.actor.login,
            deleted=False, case_id=case.id, mode=content.mode,
            started_at=content.started_at or draft.created_at, ended_at=now,
            place=content.place.strip(),
            participants=[p.to_json() for p in content.participants],
            statements=[s.to_json() for s in content.spoken()],
            evidence=content.evidence.strip(), proposals=content.proposals.strip(),
            responses=content.responses.strip(), result=content.result,
            next_step=content.next_step.strip(), next_step_on=content.next_step_on,
            author=ws.actor.login, finalized_at=now, addendum_to=None, addendum_text="",
            duration_seconds=content.timer.seconds(now))
        session.add(row)
        session.delete(draft)
        audit.record(session, actor=ws.actor.login, entity="mediation_sessions",
                     entity_id=row.id, action="create",
                     changes=audit.snapshot(row, ["mode", "result", "next_step_on",
                                                  "duration_seconds"]),
                     case_id=case.id, office_id=case.office_id, at=now)
        cases._touch(ws, case, now)
        return Changes(case_ids=frozenset({case.id}), history=True, sessions=True)


def add_addendum(ws: Workstation, session_id: uuid.UUID, text: str) -> Changes:
    """A dated correction or addition to a finished record (the record stays as it was)."""
    text = text.strip()
    if not text:
        raise ValidationFailed({"text": FieldProblem.REQUIRED})
    if len(text) > MAX_TEXT:
        raise ValidationFailed({"text": FieldProblem.TOO_LONG})
    now = ws.now()
    with ws.store.unit_of_work() as session:
        original = session.get(MediationSession, session_id)
        if original is None or original.deleted:
            raise SessionNotFound(session_id)
        if original.addendum_to is not None:  # an addendum to an addendum: to the record
            original = session.get(MediationSession, original.addendum_to)
        case = _live_case(session, original.case_id)
        row = MediationSession(
            id=new_id(), version=1, modified_at=now, modified_by=ws.actor.login,
            deleted=False, case_id=case.id, mode=original.mode, started_at=now,
            ended_at=now, place="", participants=[], statements=[], evidence="",
            proposals="", responses="", result="", next_step="", next_step_on=None,
            author=ws.actor.login, finalized_at=now, addendum_to=original.id,
            addendum_text=text, duration_seconds=None)
        session.add(row)
        audit.record(session, actor=ws.actor.login, entity="mediation_sessions",
                     entity_id=original.id, action="addendum",
                     changes={"addendum": [None, text]}, case_id=case.id,
                     office_id=case.office_id, at=now)
        cases._touch(ws, case, now)
        return Changes(case_ids=frozenset({case.id}), history=True, sessions=True)


def case_sessions(ws: Workstation, case_id: uuid.UUID) -> CaseSessions:
    with ws.store.unit_of_work() as session:
        rows = list(session.scalars(select(MediationSession).where(
            MediationSession.case_id == case_id, MediationSession.deleted.is_(False))
            .order_by(MediationSession.started_at, MediationSession.id)))
        addenda: dict[uuid.UUID, list[AddendumView]] = {}
        for r in rows:
            if r.addendum_to is not None:
                addenda.setdefault(r.addendum_to, []).append(
                    AddendumView(r.id, r.finalized_at or r.started_at, r.author,
                                 r.addendum_text))
        groups = group_sessions.groups_of_sessions(
            session, [r.group_session_id for r in rows if r.group_session_id is not None])
        sessions = tuple(_session_view(r, addenda.get(r.id, ()), groups.get(r.group_session_id))
                         for r in rows if r.addendum_to is None)
        case = session.get(Case, case_id)
        drafts = session.scalars(select(SessionDraft).where(SessionDraft.case_id == case_id)
                                 .order_by(SessionDraft.saved_at.desc()))
        return CaseSessions(sessions, tuple(_draft_view(d, case) for d in drafts))


# ---------------------------------------------------------------- phrases and templates


def phrase_book(ws: Workstation, category: str, kind: PhraseKind) -> list[PhraseView]:
    """Built-in entries for the category, then the office's own."""
    result = [_builtin_view(p) for p in builtins_for(category, kind)]
    with ws.store.unit_of_work() as session:
        rows = session.scalars(select(Phrase).where(
            Phrase.office_id == ws.actor.office_id, Phrase.kind == kind.value,
            Phrase.deleted.is_(False), Phrase.category.in_(("", category)))
            .order_by(Phrase.sort_order, Phrase.title))
        result.extend(_phrase_view(r) for r in rows)
    return result


def office_phrases(ws: Workstation) -> list[PhraseView]:
    """Every phrase and template the office added (any category), for the phrase
    manager (its agreement clauses are app/services/clauses.py's)."""
    with ws.store.unit_of_work() as session:
        rows = session.scalars(select(Phrase).where(
            Phrase.office_id == ws.actor.office_id, Phrase.deleted.is_(False),
            Phrase.kind.in_(_PHRASE_KINDS))
            .order_by(Phrase.kind, Phrase.category, Phrase.sort_order, Phrase.title))
        return [_phrase_view(r) for r in rows]


def save_phrase(ws: Workstation, data: PhraseInput, phrase_id: uuid.UUID | None = None
                ) -> tuple[uuid.UUID, Changes]:
    """Add an office phrase or template, or change one (built-ins are copied, not
    changed: pass no id)."""
    problems: dict[str, FieldProblem] = {}
    title = data.title.strip()
    body = data.body.strip()
    fields = {k: v.strip() for k, v in (data.fields or {}).items() if v.strip()}
    valid_fields = {f.value for f in TextField}
    if not title:
        problems["title"] = FieldProblem.REQUIRED
    elif len(title) > 120:
        problems["title"] = FieldProblem.TOO_LONG
    if data.kind is PhraseKind.CLAUSE:  # clauses.save_clause checks their own rules
        problems["kind"] = FieldProblem.INVALID_CHOICE
    if data.kind is PhraseKind.PHRASE and not body:
        problems["body"] = FieldProblem.REQUIRED
    if data.kind is PhraseKind.TEMPLATE and not fields:
        problems["fields"] = FieldProblem.REQUIRED
    if any(k not in valid_fields for k in fields) or (
            data.field and data.field not in valid_fields):
        problems["field"] = FieldProblem.INVALID_CHOICE
    if len(body) > MAX_TEXT or any(len(v) > MAX_TEXT for v in fields.values()):
        problems["body"] = FieldProblem.TOO_LONG
    if problems:
        raise ValidationFailed(problems)
    values = dict(kind=data.kind.value, title=title, body=body, category=data.category.strip(),
                  field=data.field, fields=fields)
    with ws.store.unit_of_work() as session:
        if phrase_id is None:
            row = phrase_rows.add(ws, session, values)
        else:
            row = phrase_rows.find(ws, session, phrase_id, _PHRASE_KINDS)
            if row is None:
                raise SessionNotFound(phrase_id)
            phrase_rows.change(ws, session, row, values)
        return row.id, Changes(phrases=True)


def delete_phrase(ws: Workstation, phrase_id: uuid.UUID) -> Changes:
    with ws.store.unit_of_work() as session:
        row = session.get(Phrase, phrase_id)
        if row is None or row.office_id != ws.actor.office_id or row.kind not in _PHRASE_KINDS:
            raise SessionNotFound(phrase_id)
        phrase_rows.remove(ws, session, row)
    return Changes(phrases=True)


# ---------------------------------------------------------------- helpers


def _live_case(session: Session, case_id: uuid.UUID) -> Case:
    case = session.get(Case, case_id)
    if case is None or case.deleted:
        raise CaseNotFound(case_id)
    return case


def _draft_view(d: SessionDraft, case: Case | None) -> DraftView:
    return DraftView(d.id, d.case_id, d.author, d.created_at, d.saved_at, d.revision, d.open,
                     SessionContent.from_json(d.content or {}),
                     case.source_ticket if case else "", case.category if case else "")


def _session_view(r: MediationSession, addenda, group=None) -> SessionView:
    return SessionView(
        id=r.id, case_id=r.case_id, mode=r.mode, started_at=r.started_at,
        ended_at=r.ended_at, finalized_at=r.finalized_at, duration_seconds=r.duration_seconds,
        place=r.place, participants=participants_from_json(r.participants),
        statements=statements_from_json(r.statements), evidence=r.evidence,
        proposals=r.proposals, responses=r.responses, result=r.result,
        next_step=r.next_step, next_step_on=r.next_step_on, author=r.author,
        addenda=tuple(addenda), group_session_id=r.group_session_id,
        group_id=group.group_id if group is not None else None,
        group_title=group.group_title if group is not None else "",
        attendance=r.attendance or "", position=r.position or "")


def _builtin_view(p: BuiltinPhrase) -> PhraseView:
    return PhraseView(f"builtin:{p.key}", p.kind, p.title, p.category, p.field, p.body,
                      {str(k): v for k, v in p.fields.items()}, builtin=True)


def _phrase_view(r: Phrase) -> PhraseView:
    return PhraseView(r.id.hex, PhraseKind(r.kind), r.title, r.category, r.field, r.body,
                      dict(r.fields or {}), builtin=False, version=r.version)

