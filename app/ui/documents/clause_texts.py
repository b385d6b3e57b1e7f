"""The words of the 条款库: each blank's Chinese name, a clause's text as the mediator
reads and writes it (``{付款方}``; stored as ``{payer}``), and the refusals of the
clauses service."""

from __future__ import annotations

import re

from PySide6.QtCore import QT_TRANSLATE_NOOP

from app.core.clauses import TEXT_MAX, TITLE_MAX, ClauseBlank
from app.services.clauses import (
    ClauseField,
    ClauseNotFound,
    ClauseProblem,
    ClauseRefused,
)
from app.ui import messages
from app.ui.messages import tr

_BLANKS = {
    ClauseBlank.PAYER: QT_TRANSLATE_NOOP("Clause", "付款方"),
    ClauseBlank.PAYEE: QT_TRANSLATE_NOOP("Clause", "收款方"),
    ClauseBlank.APPLICANT: QT_TRANSLATE_NOOP("Clause", "申请人"),
    ClauseBlank.RESPONDENT: QT_TRANSLATE_NOOP("Clause", "被申请人"),
    ClauseBlank.AMOUNT: QT_TRANSLATE_NOOP("Clause", "金额"),
    ClauseBlank.DEADLINE: QT_TRANSLATE_NOOP("Clause", "期限"),
    ClauseBlank.METHOD: QT_TRANSLATE_NOOP("Clause", "支付方式"),
}

_PROBLEMS = {
    (ClauseField.TITLE, ClauseProblem.EMPTY): QT_TRANSLATE_NOOP("Clause", "请填写标题。"),
    (ClauseField.TITLE, ClauseProblem.TOO_LONG): QT_TRANSLATE_NOOP(
        "Clause", "标题不能超过{limit}个字。"),
    (ClauseField.TITLE, ClauseProblem.DUPLICATE): QT_TRANSLATE_NOOP(
        "Clause", "本机构已有同名的条款，请换一个标题。"),
    (ClauseField.TEXT, ClauseProblem.EMPTY): QT_TRANSLATE_NOOP("Clause", "请填写条款正文。"),
    (ClauseField.TEXT, ClauseProblem.TOO_LONG): QT_TRANSLATE_NOOP(
        "Clause", "正文不能超过{limit}个字。"),
    (ClauseField.TEXT, ClauseProblem.UNKNOWN_BLANK): QT_TRANSLATE_NOOP(
        "Clause", "条款中的“{name}”不是可用的填空，可用：{available}。"),
    (ClauseField.TEXT, ClauseProblem.UNBALANCED): QT_TRANSLATE_NOOP(
        "Clause", "条款中的花括号不成对：填空写成“{example}”这样，正文中不用其他花括号。"),
}
_LIMITS = {ClauseField.TITLE: TITLE_MAX, ClauseField.TEXT: TEXT_MAX}
_FIELDS = {
    ClauseField.TITLE: QT_TRANSLATE_NOOP("Clause", "标题"),
    ClauseField.TEXT: QT_TRANSLATE_NOOP("Clause", "正文"),
}
_BRACED = re.compile(r"[{｛]([^{}｛｝]*)[}｝]")


def blank_text(blank: ClauseBlank) -> str:
    return tr("Clause", _BLANKS[blank]) if blank in _BLANKS else str(blank)


def braced(blank: ClauseBlank) -> str:
    """A blank as a clause's text shows it: {付款方}."""
    return "{" + blank_text(blank) + "}"


def field_text(field: ClauseField) -> str:
    return tr("Clause", _FIELDS[field])


def shown(text: str) -> str:
    """A stored clause text as the editor shows it: ``{payer}`` as ``{付款方}``."""
    names = {b.value: braced(b) for b in ClauseBlank}
    return _BRACED.sub(lambda m: names.get(m.group(1), m.group(0)), text)


def stored(text: str) -> str:
    """What the mediator wrote, as the service takes it: ``{付款方}`` (full-width
    braces too) as ``{payer}``; anything else left for the service to judge."""
    keys = {blank_text(b): "{" + b.value + "}" for b in ClauseBlank}
    text = text.replace("｛", "{").replace("｝", "}")
    return _BRACED.sub(lambda m: keys.get(m.group(1).strip(), m.group(0)), text)


def problem_text(field: ClauseField, problem: ClauseProblem, unknown: str = "") -> str:
    words = tr("Clause", _PROBLEMS.get((field, problem), str(problem)))
    return words.format(
        limit=_LIMITS[field], name=unknown,
        available="、".join(blank_text(b) for b in ClauseBlank),
        example=braced(ClauseBlank.PAYER))


def refused_text(error: ClauseRefused) -> str:
    return "\n".join(problem_text(f, p, error.unknown) for f, p in error.problems.items())


messages.register_explainer(ClauseRefused, refused_text)
messages.register_explainer(ClauseNotFound, lambda _e: tr(
    "Clause", "这条条款已被删除（可能是在其他电脑上）。"))
