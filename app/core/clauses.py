"""Agreement clauses with blanks: the names a blank may have, reading the blanks out of
a clause's text, and filling them.

A blank is written ``{payer}``; a clause's text has no other braces. The names are the
same for the built-in clauses (app/documents/wording.py) and an office's own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from app.core.documents import BLANK

TITLE_MAX = 40
TEXT_MAX = 1000


class ClauseBlank(StrEnum):
    """In the order a clause editor offers them."""

    PAYER = "payer"
    PAYEE = "payee"
    APPLICANT = "applicant"
    RESPONDENT = "respondent"
    AMOUNT = "amount"
    DEADLINE = "deadline"
    METHOD = "method"


_NAMES = frozenset(b.value for b in ClauseBlank)
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Placeholders:
    blanks: tuple[str, ...]  # the known ones, each once, in ClauseBlank's order
    unknown: tuple[str, ...]  # "{foo}" as written, each once
    unbalanced: bool  # a brace without its pair (or one inside another)


def placeholders(text: str) -> Placeholders:
    blanks: set[str] = set()
    unknown: list[str] = []
    for match in _PLACEHOLDER.finditer(text):
        if match.group(1) in _NAMES:
            blanks.add(match.group(1))
        elif match.group(0) not in unknown:
            unknown.append(match.group(0))
    rest = _PLACEHOLDER.sub("", text)
    ordered = tuple(b.value for b in ClauseBlank if b.value in blanks)
    return Placeholders(ordered, tuple(unknown), "{" in rest or "}" in rest)


def fill(text: str, values: Mapping[str, str]) -> str:
    """The text with each known blank replaced by its value, or ``____`` when it has
    none; anything else is left as written (a row synced from a newer version)."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in _NAMES:
            return match.group(0)
        return values.get(name) or BLANK

    return _PLACEHOLDER.sub(one, text)
