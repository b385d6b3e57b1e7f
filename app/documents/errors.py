"""Typed errors of the PDF builders: the service turns them into a warning before printing."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from app.core.errors import AmountErrorCode, DomainError


class DocumentErrorCode(StrEnum):
    NO_FONT = "no_font"  # no CJK TrueType font found anywhere
    MISSING_GLYPHS = "missing_glyphs"  # characters no font can draw
    BAD_AMOUNT = "bad_amount"  # negative, too large or sub-fen: never printed wrong
    BAD_ENTRY = "bad_entry"  # a dossier entry that is not a readable PDF


class DocumentError(DomainError):
    code: DocumentErrorCode


class NoFont(DocumentError):
    def __init__(self, searched: list[str]) -> None:
        super().__init__(DocumentErrorCode.NO_FONT,
                         "no CJK TrueType font found; searched: " + ", ".join(searched))
        self.searched = searched


class MissingGlyphs(DocumentError):
    """``chars``: the characters (sorted, each once) that no registered font has."""

    def __init__(self, chars: set[str] | frozenset[str]) -> None:
        self.chars = tuple(sorted(chars))
        shown = " ".join(f"{c} (U+{ord(c):04X})" for c in self.chars)
        super().__init__(DocumentErrorCode.MISSING_GLYPHS, f"no font has: {shown}")


class BadAmount(DocumentError):
    def __init__(self, amount: object, reason: AmountErrorCode, message: str) -> None:
        super().__init__(DocumentErrorCode.BAD_AMOUNT, f"cannot print amount {amount}: {message}")
        self.amount = amount if isinstance(amount, Decimal) else None
        self.reason = reason


class BadDossierEntry(DocumentError):
    def __init__(self, index: int, title: str, message: str) -> None:
        super().__init__(DocumentErrorCode.BAD_ENTRY,
                         f"dossier entry {index + 1} ({title}) is not a readable PDF: {message}")
        self.index = index
        self.title = title
