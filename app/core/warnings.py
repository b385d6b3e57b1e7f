"""Early warnings (预警, issue 15 item 4): the rules an office sets and the pure logic of
when each fires. No database here: app/services/warnings.py gathers the cases.

Five rules, each of which an office may switch off:

- BUSINESS_VOLUME: N work orders against one business within D days (group-dispute risk,
  群体性: a gym or a school closing with prepaid cards). The business is its 统一社会信用代码
  when the work order gives one, else its name normalised (full-width and half-width
  alike, spaces ignored); a name-only work order joins the credit code that the same name
  carries in another work order.
- KEYWORD: words in a new work order's title, description or request (跑路, 关门 …).
- KEY_CATEGORY: 三品一特 (food, drugs, cosmetics, special equipment) by the case's category,
  or the tag 三品一特.
- REPEAT_PHONE: the same complainant phone N times within D days. Shown as the fact
  (同一号码 30 日内 4 次), never as a label on a person.
- MULTI_CHANNEL: the same dispute through several channels (多头诉求): cases linked by a
  mediator, or the same phone against the same business from different sources within
  D days.

Days are China dates of receipt; "within D days" means D consecutive China dates.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any

from app.core.errors import UserFacingError


class WarningRule(StrEnum):
    BUSINESS_VOLUME = "business_volume"
    KEYWORD = "keyword"
    KEY_CATEGORY = "key_category"
    REPEAT_PHONE = "repeat_phone"
    MULTI_CHANNEL = "multi_channel"


DEFAULT_KEYWORDS = ("跑路", "关门", "停业", "退费难", "预付卡", "卷款", "失联", "退款难")
# 三品一特: food, drugs, cosmetics, special equipment. Categories are free text on a case
# (the demo and the platforms' exports say 食品安全, 餐饮服务, 美容医美 …), so the office
# keeps the list of category names it counts as such.
DEFAULT_CATEGORIES = ("食品", "食品安全", "餐饮服务", "药品", "医疗器械", "化妆品", "美容医美",
                      "特种设备", "电梯")
KEY_CATEGORY_TAG = "三品一特"

COUNT_MIN = 2
COUNT_MAX = 1000
DAYS_MIN, DAYS_MAX = 1, 365
WORD_MAX = 20  # a keyword or a category name
LIST_MAX = 100


class RuleField(StrEnum):
    BUSINESS_COUNT = "business_count"
    BUSINESS_DAYS = "business_days"
    KEYWORDS = "keywords"
    CATEGORIES = "categories"
    REPEAT_COUNT = "repeat_count"
    REPEAT_DAYS = "repeat_days"
    CHANNEL_DAYS = "channel_days"


class RuleProblem(StrEnum):
    COUNT_RANGE = "count_range"  # N must be 2 … COUNT_MAX
    DAYS_RANGE = "days_range"  # D must be 1 … 365
    EMPTY_LIST = "empty_list"  # a switched-on word list with no words
    WORD_TOO_LONG = "word_too_long"
    LIST_TOO_LONG = "list_too_long"
    NOT_PERMITTED = "not_permitted"  # only an administrator or a supervisor sets the rules


class WarningRulesRefused(UserFacingError):
    """Nothing was saved; ``problems`` names each field that is wrong (None: the whole)."""

    def __init__(self, problems: Mapping[RuleField | None, RuleProblem]) -> None:
        self.problems = dict(problems)
        super().__init__("warning rules refused: " + ", ".join(
            f"{k}: {v}" for k, v in self.problems.items()))


@dataclass(frozen=True)
class WarningRules:
    business_on: bool = True
    business_count: int = 5
    business_days: int = 7
    keywords_on: bool = True
    keywords: tuple[str, ...] = DEFAULT_KEYWORDS
    categories_on: bool = True
    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    repeat_on: bool = True
    repeat_count: int = 3
    repeat_days: int = 30
    channels_on: bool = True
    channel_days: int = 30

    def enabled(self, rule: WarningRule) -> bool:
        return {WarningRule.BUSINESS_VOLUME: self.business_on,
                WarningRule.KEYWORD: self.keywords_on,
                WarningRule.KEY_CATEGORY: self.categories_on,
                WarningRule.REPEAT_PHONE: self.repeat_on,
                WarningRule.MULTI_CHANNEL: self.channels_on}[rule]

    @property
    def lookback_days(self) -> int:
        """How far back a recheck reads: the longest window of a rule switched on."""
        days = [1]
        if self.business_on:
            days.append(self.business_days)
        if self.repeat_on:
            days.append(self.repeat_days)
        if self.channels_on:
            days.append(self.channel_days)
        return max(days)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["keywords"] = list(self.keywords)
        data["categories"] = list(self.categories)
        return data

    @classmethod
    def from_json(cls, data: Any) -> WarningRules:
        """The stored rules; anything missing or malformed (a newer or damaged setting)
        takes its default rather than switching warnings off."""
        if not isinstance(data, dict):
            return cls()
        defaults = cls()
        values: dict[str, Any] = {}
        for f in fields(cls):
            value = data.get(f.name)
            default = getattr(defaults, f.name)
            if isinstance(default, bool):
                values[f.name] = value if isinstance(value, bool) else default
            elif isinstance(default, int):
                ok = isinstance(value, int) and not isinstance(value, bool)
                values[f.name] = value if ok else default
            else:
                ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
                values[f.name] = tuple(value) if ok else default
        return cls(**values)


def clean_words(words: Iterable[str]) -> tuple[str, ...]:
    """Words as the user typed them, one each: trimmed, blanks and repeats dropped."""
    seen: dict[str, None] = {}
    for word in words:
        w = unicodedata.normalize("NFKC", word).strip()
        if w:
            seen.setdefault(w, None)
    return tuple(seen)


def check_rules(rules: WarningRules) -> dict[RuleField | None, RuleProblem]:
    problems: dict[RuleField | None, RuleProblem] = {}
    for field_, value in ((RuleField.BUSINESS_COUNT, rules.business_count),
                          (RuleField.REPEAT_COUNT, rules.repeat_count)):
        if not COUNT_MIN <= value <= COUNT_MAX:
            problems[field_] = RuleProblem.COUNT_RANGE
    for field_, value in ((RuleField.BUSINESS_DAYS, rules.business_days),
                          (RuleField.REPEAT_DAYS, rules.repeat_days),
                          (RuleField.CHANNEL_DAYS, rules.channel_days)):
        if not DAYS_MIN <= value <= DAYS_MAX:
            problems[field_] = RuleProblem.DAYS_RANGE
    for field_, words, on in ((RuleField.KEYWORDS, rules.keywords, rules.keywords_on),
                              (RuleField.CATEGORIES, rules.categories, rules.categories_on)):
        words = clean_words(words)
        if not words and on:
            problems[field_] = RuleProblem.EMPTY_LIST
        elif any(len(w) > WORD_MAX for w in words):
            problems[field_] = RuleProblem.WORD_TOO_LONG
        elif len(words) > LIST_MAX:
            problems[field_] = RuleProblem.LIST_TOO_LONG
    return problems


# ---------------------------------------------------------------- subjects


_SPACES = re.compile(r"\s+")


def normalise_name(name: str) -> str:
    """A business name as compared: full-width forms folded (（）→ ()), spaces gone,
    Latin letters lower case."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", name or "")).lower()


def normalise_uscc(code: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", code or "")).upper()


def business_keys(rows: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The business key of each (credit code, name) pair: ``uscc:…`` when known, else the
    credit code another pair gives the same normalised name (when it gives exactly one),
    else ``name:…``. Pairs without either are left out."""
    pairs = set(rows)
    codes_of: dict[str, set[str]] = {}
    for code, name in pairs:
        code, norm = normalise_uscc(code), normalise_name(name)
        if code and norm:
            codes_of.setdefault(norm, set()).add(code)
    keys: dict[tuple[str, str], str] = {}
    for pair in pairs:
        code, norm = normalise_uscc(pair[0]), normalise_name(pair[1])
        if code:
            keys[pair] = "uscc:" + code
        elif norm:
            codes = codes_of.get(norm, set())
            keys[pair] = "uscc:" + next(iter(codes)) if len(codes) == 1 else "name:" + norm
    return keys


@lru_cache(maxsize=65536)
def phone_key(phone: str) -> str:
    """The digits of a phone, +86 dropped; "" for none."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", phone or ""))
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def hashed(key: str) -> str:
    """A subject key that names a person's phone, as kept in a warning's row: the same
    for the same phone on every workstation, without the number in clear."""
    return hashlib.sha256(key.encode()).hexdigest()[:32]


_NAMESPACE = uuid.UUID("5b0e5c1e-8f7a-4c55-9d8e-15a7a12e0e15")


def warning_id(office_id: uuid.UUID, rule: WarningRule, subject_key: str) -> uuid.UUID:
    """One warning per office, rule and subject, whichever workstation raises it: two
    desks raising the same warning offline make the same row, and sync merges it."""
    return uuid.uuid5(_NAMESPACE, f"{office_id.hex}|{rule.value}|{subject_key}")


# ---------------------------------------------------------------- firing


def qualifying(dated: Iterable[tuple[Any, date]], count: int, days: int) -> set[Any]:
    """The items that lie in some window of ``days`` consecutive dates holding at least
    ``count`` items (each window's items all count)."""
    items = sorted(dated, key=lambda x: x[1])
    if len(items) < count:
        return set()
    ordinals = [d.toordinal() for _, d in items]
    found: set[Any] = set()
    covered = 0  # items before this one are in found already
    for i, start in enumerate(ordinals):
        end = bisect_right(ordinals, start + days - 1)
        if end - i >= count:
            found.update(item for item, _ in items[max(i, covered):end])
            covered = max(covered, end)
    return found


def peak(dates: Iterable[date], days: int) -> int:
    """The most items any window of ``days`` consecutive dates holds."""
    ordinals = sorted(d.toordinal() for d in dates)
    return max((bisect_right(ordinals, o + days - 1) - i for i, o in enumerate(ordinals)),
               default=0)


def multi_source(items: Iterable[tuple[Any, date, str]], days: int) -> set[Any]:
    """The items that lie in some window of ``days`` consecutive dates together with an
    item from another source (the same dispute through several channels)."""
    ordered = sorted(items, key=lambda x: x[1])
    ordinals = [d.toordinal() for _, d, _ in ordered]
    found: set[Any] = set()
    covered = 0
    for i, start in enumerate(ordinals):
        end = bisect_right(ordinals, start + days - 1)
        if end - i >= 2 and len({source for _, _, source in ordered[i:end]}) >= 2:
            found.update(item for item, _, _ in ordered[max(i, covered):end])
            covered = max(covered, end)
    return found


def window_bounds(dates: Iterable[date], days: int) -> tuple[date, date] | None:
    """The China dates a window check of the given dates must read: every window of
    ``days`` dates that holds one of them."""
    ds = list(dates)
    if not ds:
        return None
    return min(ds) - timedelta(days=days - 1), max(ds) + timedelta(days=days - 1)


def matched_words(text: str, words: Iterable[str]) -> list[str]:
    folded = unicodedata.normalize("NFKC", text or "")
    return [w for w in words if w and _folded(w) in folded]


@lru_cache(maxsize=4096)  # the rules' words and categories, folded once, not per case
def _folded(word: str) -> str:
    return unicodedata.normalize("NFKC", word)


@lru_cache(maxsize=64)
def _folded_set(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_folded(w).strip() for w in words)


def in_key_category(category: str, tags: str, categories: Iterable[str]) -> str | None:
    """The 三品一特 category a case falls in (its category, or the tag), else None."""
    cat = _folded(category or "").strip()
    if cat and cat in _folded_set(tuple(categories)):
        return cat
    if KEY_CATEGORY_TAG in [t.strip() for t in (tags or "").split(",")]:
        return cat or KEY_CATEGORY_TAG
    return None


def split_ids(joined: str | None) -> list[str]:
    return [part for part in (joined or "").split(",") if part]


def join_ids(ids: Iterable[uuid.UUID | str]) -> str:
    """Case ids as a warning keeps them: hex, sorted, comma-joined (a set that sync merges
    by union)."""
    return ",".join(sorted({i.hex if isinstance(i, uuid.UUID) else i for i in ids}))

