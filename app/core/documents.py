"""Documents (文书): kinds, states, the 编号, the content hash a paper copy is checked
against, what each kind needs before it can be final, and the 30-day window for
judicial confirmation.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from app.core.workflow import Track


class DocumentKind(StrEnum):
    AGREEMENT = "agreement"
    SESSION_RECORD = "session-record"
    ORAL_AGREEMENT = "oral-agreement"
    TERMINATION = "termination"
    REJECTION = "rejection"
    FOLLOW_UP = "follow-up"
    DOSSIER = "dossier"


class DocumentState(StrEnum):
    DRAFT = "draft"
    FINAL = "final"  # immutable, numbered, PDF hash stored
    SIGNED = "signed"  # the signed paper is back (signing date, scan)
    VOID = "void"  # withdrawn; keeps its number, never reused


# Kinds that take a number of their own (research/domain_rules.md §3.3). A follow-up
# record reuses its agreement's number; a session record is not numbered; a dossier's
# 卷号 is its case's agreement number.
NUMBERED_KINDS = frozenset({DocumentKind.AGREEMENT, DocumentKind.ORAL_AGREEMENT,
                            DocumentKind.TERMINATION, DocumentKind.REJECTION})

# What must be filled before a document can be final (field names of its ``fields``).
REQUIRED_FIELDS: dict[DocumentKind, tuple[str, ...]] = {
    DocumentKind.AGREEMENT: ("parties", "facts", "disputes", "clauses", "performance",
                             "mediator"),
    DocumentKind.ORAL_AGREEMENT: ("parties", "facts", "clauses", "mediator"),
    DocumentKind.SESSION_RECORD: ("session_id",),
    DocumentKind.TERMINATION: ("addressee", "ground", "mediator"),
    # Signed by the issuing body: a rejected case never had a mediator.
    DocumentKind.REJECTION: ("addressee", "ground"),
    DocumentKind.FOLLOW_UP: ("follow_up_id",),
    DocumentKind.DOSSIER: (),
}

BLANK = "____"  # how a clause from the library shows a blank still to fill  # 人民调解法 Art 33; 民事诉讼法 Art 205


def format_number(prefix: str, year: int, seq: int) -> str:
    """（2026）浦消调字第0123号: year in full-width parentheses, four digits at least."""
    return f"（{year}）{prefix}字第{seq:04d}号"


def content_hash(fields: Mapping[str, Any]) -> str:
    """SHA-256 of the fields, canonically serialised: what the QR code on a final copy
    carries, so the paper can be checked against the record (and not against a PDF
    file, whose bytes the QR code itself would change)."""
    text = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _clause_text(clause: Any) -> str:
    """A stored clause as it prints (an amount not given yet reads as a blank)."""
    from app.core.clauses import printed_clause, read_clause  # it builds on this module

    return printed_clause(read_clause(clause))


def missing_fields(kind: DocumentKind, fields: Mapping[str, Any],
                   track: Track | str | None = None) -> list[str]:
    """The required fields that are empty, in the order the form asks for them. A bureau's
    termination notice is the bureau's (its seal), not a mediator's."""
    missing = []
    required = REQUIRED_FIELDS[kind]
    if kind is DocumentKind.TERMINATION and track == Track.MARKET_COMPLAINT:
        required = tuple(n for n in required if n != "mediator")
    for name in required:
        value = fields.get(name)
        if value is None or (isinstance(value, str | list | tuple | dict)
                             and not (value.strip() if isinstance(value, str) else value)):
            missing.append(name)
        elif name == "clauses" and (not any(_clause_text(c).strip() for c in value)
                                    or any(BLANK in _clause_text(c) for c in value)):
            missing.append(name)  # none written, or a library clause's blank not filled
    return missing
