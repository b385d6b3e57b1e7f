"""Session-record work for the task runner: plain functions of ``(args, state)``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from app.core.phrases import PhraseKind
from app.core.sessions import SessionContent
from app.services import sessions
from app.services.context import Workstation
from app.services.dto import Changes
from app.services.sessions import (
    CaseSessions,
    DraftView,
    PhraseInput,
    PhraseView,
)
from app.ui.tasks import TaskState


@dataclass(frozen=True)
class DraftSave:
    draft_id: uuid.UUID
    content: SessionContent
    revision: int
    open: bool = True


def start_draft(args: tuple[Workstation, uuid.UUID, str], state: TaskState
                ) -> tuple[DraftView, Changes]:
    ws, case_id, mode = args
    return sessions.start_draft(ws, case_id, mode)


def save_draft(args: tuple[Workstation, DraftSave], state: TaskState) -> DraftSave:
    ws, save = args
    sessions.save_draft(ws, save.draft_id, save.content, revision=save.revision,
                        open_=save.open)
    return save


def load_draft(args: tuple[Workstation, uuid.UUID], state: TaskState) -> DraftView:
    ws, draft_id = args
    return sessions.load_draft(ws, draft_id)


def open_drafts(ws: Workstation, state: TaskState) -> list[DraftView]:
    return sessions.open_drafts(ws)


def finish_session(args: tuple[Workstation, uuid.UUID, SessionContent], state: TaskState
                   ) -> Changes:
    ws, draft_id, content = args
    return sessions.finish_session(ws, draft_id, content)


def discard_draft(args: tuple[Workstation, uuid.UUID], state: TaskState) -> Changes:
    ws, draft_id = args
    return sessions.discard_draft(ws, draft_id)


def add_addendum(args: tuple[Workstation, uuid.UUID, str], state: TaskState) -> Changes:
    ws, session_id, text = args
    return sessions.add_addendum(ws, session_id, text)


def case_sessions(args: tuple[Workstation, uuid.UUID], state: TaskState) -> CaseSessions:
    ws, case_id = args
    return sessions.case_sessions(ws, case_id)


@dataclass(frozen=True)
class PhraseBook:
    phrases: tuple[PhraseView, ...]
    templates: tuple[PhraseView, ...]


def phrase_book(args: tuple[Workstation, str], state: TaskState) -> PhraseBook:
    ws, category = args
    return PhraseBook(tuple(sessions.phrase_book(ws, category, PhraseKind.PHRASE)),
                      tuple(sessions.phrase_book(ws, category, PhraseKind.TEMPLATE)))


def save_phrase(args: tuple[Workstation, PhraseInput, uuid.UUID | None], state: TaskState
                ) -> Changes:
    ws, data, phrase_id = args
    return sessions.save_phrase(ws, data, phrase_id)[1]


def delete_phrase(args: tuple[Workstation, uuid.UUID], state: TaskState) -> Changes:
    ws, phrase_id = args
    return sessions.delete_phrase(ws, phrase_id)
