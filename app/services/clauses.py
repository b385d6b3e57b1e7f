"""条款库: the agreement clauses the agreement editor offers. The built-in ones
(app/documents/wording.py) are the same everywhere and read-only; an office keeps its
own in the synced ``phrases`` table (kind ``clause``), which any mediator of the office
adds, changes and deletes, each change audited.

An office clause's blanks are the placeholders in its text (``{payer}``, see
app/core/clauses.py); a text with any other brace is refused.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import clauses as core
from app.core.errors import UserFacingError
from app.core.phrases import PhraseKind
from app.documents import wording
from app.documents.wording import ClauseTemplate
from app.services import phrase_rows
from app.services.context import Workstation
from app.services.dto import Changes
from app.store.models import Phrase

BUILTIN_PREFIX = "builtin:"
_KIND = PhraseKind.CLAUSE.value


class ClauseField(StrEnum):
    TITLE = "title"
    TEXT = "text"


class ClauseProblem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"  # over core.TITLE_MAX / core.TEXT_MAX
    DUPLICATE = "duplicate"  # the office has a clause of this title
    UNKNOWN_BLANK = "unknown_blank"  # {foo}: not a blank's name
    UNBALANCED = "unbalanced"  # a brace without its pair


class ClauseRefused(UserFacingError):
    """Nothing was saved; ``problems`` names each field that is wrong. ``unknown`` is
    the first placeholder that is not a blank, as written (``{foo}``)."""

    def __init__(self, problems: dict[ClauseField, ClauseProblem], unknown: str = "") -> None:
        super().__init__(", ".join(f"{f}: {p}" for f, p in problems.items())
                         + (f" ({unknown})" if unknown else ""))
        self.problems = problems
        self.unknown = unknown


class ClauseNotFound(UserFacingError):
    """The clause was deleted (perhaps on another workstation) or never was."""

    def __init__(self, ref: str) -> None:
        super().__init__(f"no clause {ref}")
        self.ref = ref


@dataclass(frozen=True)
class ClauseView:
    key: str  # "builtin:<key>" or the row's id as hex
    title: str
    text: str  # with blanks as {payer}
    blanks: tuple[str, ...]  # ClauseBlank values, in the order the fill-in form asks
    builtin: bool
    version: int = 0

    @property
    def id(self) -> uuid.UUID | None:
        """The row's id; None for a built-in one or a new one not yet saved."""
        return None if self.builtin or not self.key else uuid.UUID(self.key)

    def template(self) -> ClauseTemplate:
        """What the agreement editor's fill-in form takes."""
        return ClauseTemplate(self.key, self.title, self.text, self.blanks)


@dataclass(frozen=True)
class ClauseInput:
    title: str
    text: str


# ---------------------------------------------------------------- reading


def clause_library(ws: Workstation) -> list[ClauseView]:
    """The built-in clauses, then the office's own by title."""
    return [*map(_builtin_view, wording.CLAUSES), *office_clauses(ws)]


def office_clauses(ws: Workstation) -> list[ClauseView]:
    with ws.store.unit_of_work() as session:
        rows = session.scalars(select(Phrase).where(
            Phrase.office_id == ws.actor.office_id, Phrase.kind == _KIND,
            Phrase.deleted.is_(False)).order_by(Phrase.sort_order, Phrase.title, Phrase.id))
        return [_row_view(r) for r in rows]


# ---------------------------------------------------------------- writing


def check_clause(data: ClauseInput) -> tuple[dict[ClauseField, ClauseProblem], str]:
    """What is wrong with the title and text by themselves (not yet the office's other
    titles): problems by field, and the first placeholder that is not a blank."""
    problems: dict[ClauseField, ClauseProblem] = {}
    title, text = data.title.strip(), data.text.strip()
    if not title:
        problems[ClauseField.TITLE] = ClauseProblem.EMPTY
    elif len(title) > core.TITLE_MAX:
        problems[ClauseField.TITLE] = ClauseProblem.TOO_LONG
    found = core.placeholders(text)
    unknown = found.unknown[0] if found.unknown else ""
    if not text:
        problems[ClauseField.TEXT] = ClauseProblem.EMPTY
    elif len(text) > core.TEXT_MAX:
        problems[ClauseField.TEXT] = ClauseProblem.TOO_LONG
    elif unknown:
        problems[ClauseField.TEXT] = ClauseProblem.UNKNOWN_BLANK
    elif found.unbalanced:
        problems[ClauseField.TEXT] = ClauseProblem.UNBALANCED
    return problems, unknown


def save_clause(ws: Workstation, data: ClauseInput, clause_id: uuid.UUID | None = None
                ) -> tuple[uuid.UUID, Changes]:
    """Add an office clause (no id) or change one; refused as a whole, with every wrong
    field named, when anything is wrong."""
    problems, unknown = check_clause(data)
    title, text = data.title.strip(), data.text.strip()
    with ws.store.unit_of_work() as session:
        row = None
        if clause_id is not None:
            row = phrase_rows.find(ws, session, clause_id, (_KIND,))
            if row is None:
                raise ClauseNotFound(clause_id.hex)
        if ClauseField.TITLE not in problems and _title_taken(ws, session, title, clause_id):
            problems[ClauseField.TITLE] = ClauseProblem.DUPLICATE
        if problems:
            raise ClauseRefused({f: problems[f] for f in ClauseField if f in problems}, unknown)
        values = {"kind": _KIND, "title": title, "body": text}
        if row is None:
            row = phrase_rows.add(ws, session, {**values, "category": "", "field": "",
                                                "fields": {}})
        else:
            phrase_rows.change(ws, session, row, values)
        return row.id, Changes(clauses=True)


def delete_clause(ws: Workstation, clause_id: uuid.UUID) -> Changes:
    """Gone from the library here and, after sync, on every workstation of the office;
    agreements that already use its words keep them."""
    with ws.store.unit_of_work() as session:
        row = phrase_rows.find(ws, session, clause_id, (_KIND,))
        if row is None:
            raise ClauseNotFound(clause_id.hex)
        phrase_rows.remove(ws, session, row)
    return Changes(clauses=True)


def copy_builtin(ws: Workstation, key: str) -> tuple[uuid.UUID, Changes]:
    """A built-in clause as an office clause, to be changed: under the same title, or
    “退款（2）” when the office has that title already."""
    name = key.removeprefix(BUILTIN_PREFIX)
    template = next((c for c in wording.CLAUSES if c.key == name), None)
    if template is None:
        raise ClauseNotFound(key)
    with ws.store.unit_of_work() as session:
        title, n = template.title, 1
        while _title_taken(ws, session, title, None):
            n += 1
            title = f"{template.title}（{n}）"
    return save_clause(ws, ClauseInput(title, template.text))


# ---------------------------------------------------------------- helpers


def _title_taken(ws: Workstation, session: Session, title: str,
                 other_than: uuid.UUID | None) -> bool:
    query = select(Phrase.id).where(
        Phrase.office_id == ws.actor.office_id, Phrase.kind == _KIND,
        Phrase.deleted.is_(False), Phrase.title == title)
    if other_than is not None:
        query = query.where(Phrase.id != other_than)
    return session.scalars(query.limit(1)).first() is not None


def _builtin_view(t: ClauseTemplate) -> ClauseView:
    return ClauseView(BUILTIN_PREFIX + t.key, t.title, t.text, t.blanks, builtin=True)


def _row_view(r: Phrase) -> ClauseView:
    return ClauseView(r.id.hex, r.title, r.body, core.placeholders(r.body).blanks,
                      builtin=False, version=r.version)
