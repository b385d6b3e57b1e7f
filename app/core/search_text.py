"""How case text is cut into search tokens, and how a typed query is turned into a match.

SQLite's FTS5 tokenisers do not suit Chinese: ``unicode61`` takes a whole run of Han
characters as one token, and ``trigram`` cannot match the 1- and 2-character queries a
mediator types most (张三, 退费). So the text is tokenised here and FTS5 only splits on
spaces:

- a run of Han characters gives its bigrams and its last character (退费处理 → 退费 费处
  处理 理), so any 2-character query is one token, a longer one is all of its bigrams,
  and any single character is the start of a token (a prefix query);
- a name also gives itself whole, its characters, and its pinyin in full and as
  initials (张三 → 张三 张 三 zhangsan zs), so zs and zhangsan find 张三;
- Latin letters and digits give lower-case words.

Bigrams in any order can match where the phrase does not occur, so a query of three or
more Han characters is checked against the real text afterwards (``needles``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from app.core.validation import check_phone

HAN = (
    "\u3400-\u4dbf"  # extension A
    "\u4e00-\u9fff"  # unified ideographs
    "\uf900-\ufaff"  # compatibility ideographs
    "\U00020000-\U0003134f"  # extensions B-G (rare name characters such as 𠮷)
)
_HAN_RUN = re.compile(f"[{HAN}]+")
_WORD = re.compile(r"[0-9A-Za-z]+")
_TERM = re.compile(f"[{HAN}]+|[0-9A-Za-z]+")
_PHONE_CHARS = re.compile(r"[\s\-()（）+]")
_ID_NUMBER = re.compile(r"^\d{17}[\dXx]$|^\d{15}$")


def han_tokens(run: str) -> list[str]:
    """Bigrams of a run of Han characters, and its last character."""
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]


def text_tokens(text: str) -> str:
    """The space-separated tokens of free text (complaint, request, business names)."""
    out: list[str] = []
    for term in _TERM.findall(text):
        if term[0] >= "\u3400":  # a Han run (every Han range lies above the Latin ones)
            if len(term) == 1:
                out.append(term)
            else:
                out.extend([term[i : i + 2] for i in range(len(term) - 1)])
                out.append(term[-1])
        else:
            out.append(term.lower())
    return " ".join(out)


def han_pinyin(han: str) -> list[str]:
    """``pypinyin.lazy_pinyin(han, errors="ignore")``, a character at a time where no
    part of ``han`` is one of pypinyin's phrases (whose readings can differ from their
    characters' own): nearly every name, at a third of the cost (an import indexes
    100,000 mostly different names)."""
    # Imported here: loading pypinyin's dictionaries costs ~0.3 s at start-up.
    from pypinyin import lazy_pinyin
    from pypinyin.constants import PHRASES_DICT

    n = len(han)
    if any(han[i:j] in PHRASES_DICT for i in range(n - 1) for j in range(i + 2, n + 1)):
        return lazy_pinyin(han, errors="ignore")
    return [s for c in han for s in _char_pinyin(c)]


@cache  # bounded by the characters there are
def _char_pinyin(char: str) -> tuple[str, ...]:
    from pypinyin import lazy_pinyin

    return tuple(lazy_pinyin(char, errors="ignore"))


@lru_cache(maxsize=65536)
def name_tokens(name: str) -> str:
    """Tokens of a person's name: whole, by character, bigrams, pinyin full and initials.
    Cached: names repeat a great deal across a million cases."""
    name = name.strip()
    if not name:
        return ""
    out = [text_tokens(name)]
    han = "".join(_HAN_RUN.findall(name))
    if han:
        out.append(han)
        out.extend(han)  # every character, so a 1-character query is an exact token
        # The initials are the syllables' first letters (pypinyin's FIRST_LETTER style
        # gives the same for every character it knows, at the cost of a second pass).
        syllables = han_pinyin(han)
        if syllables:
            out.append("".join(syllables).lower())
            out.append("".join(s[0] for s in syllables if s).lower())
    return " ".join(dict.fromkeys(" ".join(out).split()))


@dataclass(frozen=True)
class SearchPlan:
    """What to look up for a typed query.

    ``match``: an FTS5 expression over the tokens above, or "" when the query has no
    text term. ``needles``: Han strings of 3+ characters the found text must contain.
    ``numbers``: digit strings to try as phone, last four digits, ticket or ID number.
    ``tickets``: terms that may be a source ticket number (exact or its beginning).
    """

    match: str
    needles: tuple[str, ...]
    numbers: tuple[str, ...]
    tickets: tuple[str, ...]

    @property
    def is_empty(self) -> bool:
        return not (self.match or self.numbers or self.tickets)


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def plan_search(query: str) -> SearchPlan:
    """Turn what the user typed into lookups. Terms are ANDed."""
    parts: list[str] = []
    needles: list[str] = []
    numbers: list[str] = []
    tickets: list[str] = []
    whole = _PHONE_CHARS.sub("", query)
    if whole.isdigit():  # a phone number typed with spaces or dashes: 138 0013 5678
        phone = check_phone(query)
        return SearchPlan("", (), (phone.normalized if phone.valid else whole,), ())
    for raw in query.split():
        compact = _PHONE_CHARS.sub("", raw)
        if compact.isdigit() or _ID_NUMBER.match(compact):
            numbers.append(compact.upper())
            continue
        if re.fullmatch(r"[0-9A-Za-z_\-]+", raw) and any(c.isdigit() for c in raw):
            tickets.append(raw.upper())
            continue
        for match in _TERM.finditer(raw):
            term = match.group()
            if _HAN_RUN.fullmatch(term):
                if len(term) == 1:
                    parts.append(_quote(term) + "*")
                else:
                    bigrams = [term[i : i + 2] for i in range(len(term) - 1)]
                    parts.extend(_quote(b) for b in dict.fromkeys(bigrams))
                    if len(term) > 2:
                        needles.append(term)
            else:
                # Latin letters: a word, or pinyin being typed (zs, zhang, zhangsan).
                parts.append(_quote(term.lower()) + "*")
    return SearchPlan(" AND ".join(parts), tuple(needles), tuple(numbers), tuple(tickets))
