"""Agreement clauses with blanks: the names a blank may have, reading the blanks out of
a clause's text, and filling them.

A blank is written ``{payer}``; a clause's text has no other braces. The names are the
same for the built-in clauses (app/documents/wording.py) and an office's own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from app.core.documents import BLANK
from app.core.errors import AmountError
from app.core.money import format_amount, parse_amount, to_capitals

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


# ---------------------------------------------------------------- agreed clauses
#
# A clause of an agreement that names money carries the figure as a value, typed once:
# its text holds AMOUNT_MARK where the amount is printed, and the words in capitals, the
# 本协议所涉金额 line and the content the QR code hashes are all made from that value.
# A draft stores such a clause as {"text": ..., "amount": "3200.00"}; a plain string is a
# clause without money (or one written before amounts were values).

AMOUNT_MARK = "{amount}"
_MONEY = re.compile(r"人民币\s*([0-9][0-9,]*(?:\.[0-9]{1,2})?)\s*元（大写：([^）]*)）")


@dataclass(frozen=True)
class AgreedClause:
    text: str  # AMOUNT_MARK where ``amount`` is printed
    amount: Decimal | None = None


def money_text(amount: Decimal) -> str:
    """人民币3,200.00元（大写：人民币叁仟贰佰元整）."""
    return f"人民币{format_amount(amount)}元（大写：{to_capitals(amount)}）"


def read_clause(stored: Any) -> AgreedClause:
    if isinstance(stored, Mapping):
        raw = stored.get("amount")
        try:
            amount = Decimal(str(raw)) if raw not in (None, "") else None
        except InvalidOperation:
            amount = None
        return AgreedClause(str(stored.get("text", "")), amount)
    return AgreedClause(str(stored or ""))


def stored_clause(clause: AgreedClause) -> str | dict[str, str]:
    if clause.amount is None and AMOUNT_MARK not in clause.text:
        return clause.text
    return {"text": clause.text,
            "amount": "" if clause.amount is None else str(clause.amount)}


def printed_clause(clause: AgreedClause) -> str:
    """The clause as paper shows it: the amount in figures and capitals, or a blank."""
    if clause.amount is None:
        return clause.text.replace(AMOUNT_MARK, BLANK)
    return clause.text.replace(AMOUNT_MARK, money_text(clause.amount))


def clause_amounts(stored: Sequence[Any]) -> list[Decimal]:
    """The amounts the clauses carry as values, in order."""
    return [c.amount for c in map(read_clause, stored) if c.amount is not None]


def amount_problems(stored: Sequence[Any], legacy_amounts: Sequence[Any] = ()) -> list[int]:
    """Clause numbers (from 1) whose money does not add up: a value without its place in
    the text (or a place without a value), figures whose capitals say another sum, or —
    in a draft from before amounts were values — an amount listed that no clause names.
    Empty when the agreement can be finalised."""
    bad: list[int] = []
    named: list[Decimal] = []
    for number, item in enumerate(stored, start=1):
        clause = read_clause(item)
        marks = clause.text.count(AMOUNT_MARK)
        if isinstance(item, Mapping) and (marks != 1 or clause.amount is None):
            bad.append(number)
            continue
        for figures, capitals in _MONEY.findall(printed_clause(clause)):
            try:
                value = parse_amount(figures)
            except AmountError:
                bad.append(number)
                break
            named.append(value)
            if capitals.strip() != to_capitals(value):
                bad.append(number)
                break
    for raw in legacy_amounts:
        try:
            listed = Decimal(str(raw))
        except InvalidOperation:
            bad.append(0)
            continue
        if listed not in named:
            bad.append(0)  # the total line would print a sum no clause names
    return sorted(set(bad))
