"""Hot words (热词) of work orders: the words of a complaint's title, description and
request, as the month's hot topics are counted from them (issue 15, item 2).

Pure: no database. Segmentation is rjieba (jieba's dictionary and algorithm in Rust; see
README "Hot words" for why not jieba). Two word lists ship with the package as data
(app/core/words/*.txt, one word a line):

- ``trade_words.txt``: the trade's words, added to the segmenter's dictionary so that
  预付卡, 退费难, 七日无理由, 三品一特 … stay whole; a single character listed there is kept;
- ``stop_words.txt``: function words and the trade's filler (消费者, 投诉, 商家, 要求 …).

Digits, punctuation, Latin of one letter and single characters not in the trade list are
dropped. A case's words are a set: a word counts once per case, however often it is said.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

WORD_MAX = 32  # the index's column width; longer tokens are not words anyone counts
# A token that counts has a CJK ideograph or two Latin letters; digits, punctuation,
# money (1999元 is cut into 1999 and 元) and codes like A1 do not.
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"^[A-Za-z][A-Za-z\-]*[A-Za-z]$")
_HAS_DIGIT = re.compile(r"\d")
# A user-dictionary word gets this frequency: high enough to win over the ordinary
# splits (预付 + 卡), as jieba's own add_word does without a frequency.
_TRADE_FREQ = 20_000
_VERDICTS_KEPT = 500_000  # tokens whose verdict is remembered (a few tens of MB at most)
_UNSEEN = object()


def _read_list(name: str) -> tuple[str, ...]:
    text = resources.files("app.core.words").joinpath(name).read_text(encoding="utf-8")
    return tuple(_parse_list(text))


def _parse_list(text: str) -> Iterable[str]:
    seen: set[str] = set()
    for line in text.splitlines():
        word = unicodedata.normalize("NFKC", line.split("#", 1)[0]).strip()
        if word and word not in seen:
            seen.add(word)
            yield word


@dataclass(frozen=True)
class Lexicon:
    """The trade words kept whole and the stop words dropped."""

    trade_words: tuple[str, ...]
    stop_words: frozenset[str]
    fingerprint: str = field(init=False)

    def __post_init__(self) -> None:
        digest = hashlib.sha256("\n".join(
            ["trade", *self.trade_words, "stop", *sorted(self.stop_words)]).encode())
        object.__setattr__(self, "fingerprint", digest.hexdigest()[:16])

    @classmethod
    def shipped(cls) -> Lexicon:
        return _shipped()

    def with_additions(self, trade_words: Iterable[str] = (),
                       stop_words: Iterable[str] = ()) -> Lexicon:
        """This lexicon with an administrator's words merged in (a word both kept and
        stopped is stopped)."""
        trade = tuple(dict.fromkeys([*self.trade_words, *_parse_list("\n".join(trade_words))]))
        return Lexicon(trade, self.stop_words | frozenset(_parse_list("\n".join(stop_words))))


@cache
def _shipped() -> Lexicon:
    return Lexicon(_read_list("trade_words.txt"), frozenset(_read_list("stop_words.txt")))


class Segmenter:
    """Cuts text into the words hot words count. One per lexicon; not thread-safe to
    build, safe to use once built."""

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon or Lexicon.shipped()
        import rjieba  # 0.26 s (its dictionary): on the first case segmented, not at start

        self._jieba = rjieba.Jieba()
        for word in self.lexicon.trade_words:
            self._jieba.add_word(word, _TRADE_FREQ, None)
        self._kept_singles = frozenset(w for w in self.lexicon.trade_words if len(w) == 1)
        self._stop = self.lexicon.stop_words
        # Each token's verdict, remembered: a trade's vocabulary is small and repetitive.
        self._verdicts: dict[str, str | None] = {}

    @property
    def fingerprint(self) -> str:
        return self.lexicon.fingerprint

    def words(self, text: str) -> list[str]:
        """The distinct words of ``text`` that count, in order of first appearance."""
        verdicts = self._verdicts
        seen: dict[str, None] = {}
        for token in self._jieba.cut(unicodedata.normalize("NFKC", text), True):
            word = verdicts.get(token, _UNSEEN)
            if word is _UNSEEN:
                word = self._word_of(token)
                if len(verdicts) < _VERDICTS_KEPT:
                    verdicts[token] = word
            if word is not None:
                seen[word] = None
        return list(seen)

    def _word_of(self, token: str) -> str | None:
        """The word a token counts as, or None."""
        word = token.strip()
        if word.isascii():
            word = word.upper()
        return word if word and self._counts(word) else None

    def _counts(self, word: str) -> bool:
        if word in self._stop or len(word) > WORD_MAX:
            return False
        if _CJK.search(word):
            return len(word) > 1 or word in self._kept_singles
        return bool(_LATIN_WORD.match(word)) and not _HAS_DIGIT.search(word)

    def case_words(self, title: str, description: str, request: str,
                   names: Iterable[str] = ()) -> list[str]:
        """The words of a work order. The title is usually the description's beginning
        and adds nothing then; each word counts once. ``names`` (the parties') are taken
        out first: a person's name is no topic (and no figure should show it), and the
        business complained of is counted by name elsewhere, not as 上海, 管理, 有限公司."""
        body = description if title and title in description else f"{title}\n{description}"
        text = f"{body}\n{request}"
        for name in names:
            if name and len(name) > 1:
                text = text.replace(name, "\n")
        return self.words(text)


@cache
def default_segmenter() -> Segmenter:
    """The segmenter with the shipped lists (built once per process: ~0.3 s)."""
    return Segmenter()


def case_words(title: str, description: str, request: str,
               names: Iterable[str] = ()) -> list[str]:
    return default_segmenter().case_words(title, description, request, names)
