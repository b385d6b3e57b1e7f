"""Session-record work with steps of its own, run as ops: the phrase book of a case
category (the office's phrases and its templates together)."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.phrases import PhraseKind
from app.services import sessions
from app.services.context import Workstation
from app.services.sessions import PhraseView


@dataclass(frozen=True)
class PhraseBook:
    phrases: tuple[PhraseView, ...]
    templates: tuple[PhraseView, ...]


def phrase_book(ws: Workstation, category: str) -> PhraseBook:
    return PhraseBook(tuple(sessions.phrase_book(ws, category, PhraseKind.PHRASE)),
                      tuple(sessions.phrase_book(ws, category, PhraseKind.TEMPLATE)))
