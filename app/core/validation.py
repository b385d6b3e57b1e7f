"""Checks for identity numbers, company codes and phone numbers, plus masking.

Checks are advisory data for the UI: they report errors and warnings with stable codes;
the caller decides what to refuse. Raw input should be kept alongside ``normalized``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.core.timeutil import china_today

# Oldest plausible birth year: earlier dates are typing errors, not people.
EARLIEST_BIRTH = date(1890, 1, 1)


def _squash(raw: str) -> str:
    """NFKC (full-width digits/letters -> ASCII), drop all whitespace, upper-case."""
    return "".join(unicodedata.normalize("NFKC", raw).split()).upper()


# ---------------------------------------------------------------- resident ID numbers


class IdError(StrEnum):
    EMPTY = "empty"
    LENGTH = "length"
    CHARACTERS = "characters"
    CHECK_DIGIT = "check_digit"
    BIRTH_DATE = "birth_date"  # impossible, in the future, or before 1890
    LOOKS_LIKE_EXCEL_NUMBER = "looks_like_excel_number"


class IdWarning(StrEnum):
    UNKNOWN_REGION = "unknown_region"  # no such county code, or given up before the birth
    LEGACY_15_DIGIT = "legacy_15_digit"  # first-generation number, no check digit


@dataclass(frozen=True, slots=True)
class IdCheck:
    normalized: str
    valid: bool
    errors: tuple[IdError, ...]
    warnings: tuple[IdWarning, ...]
    birth_date: date | None
    sex: str | None  # "M" / "F" from the sequence code's parity (GB 11643)


# Excel turns a long digit string into a float: scientific notation, a decimal point,
# or (15 significant digits kept) an 18-digit number whose last three digits are zeros.
_EXCEL_FLOAT = re.compile(r"^[+-]?\d+(?:\.\d*)?(?:E[+-]?\d+)?$")


def _looks_like_excel_float(s: str) -> bool:
    return bool(_EXCEL_FLOAT.match(s)) and ("E" in s or "." in s)


def upgrade_legacy_id(number15: str) -> str:
    """The 18-digit form of a 15-digit (GB 11643-1989) number: insert the century "19"
    and append the GB 11643-1999 check digit."""
    from stdnum.cn import ric

    body = number15[:6] + "19" + number15[6:]
    return body + ric.calc_check_digit(body + "0")


def _region_known(number18: str, birth: date) -> bool:
    """Whether the first six digits are a county code that still existed when the holder
    was born or came after (python-stdnum's historical list, each code with the years it
    was in use). A number carries the code of the place where it was first issued, at
    any age: a Pudong number (310115, from 1992) is right for someone born in 1985, and
    only a code given up before the birth is wrong. stdnum's own ``get_birth_place``
    wants the code in use in the birth year, and refuses those."""
    from stdnum import numdb

    found = numdb.get("cn/loc").info(number18[:6])
    counties = next((props["county"] for part, props in found
                     if part == number18[2:6] and "county" in props), None)
    if not counties:
        return False
    for county in counties.split(","):
        if not county.startswith("["):
            return True  # no years: in use throughout
        end = county[1:county.index("]")].split("-")[1]
        if not end or int(end) >= birth.year:
            return True
    return False


def _sex(sequence_digit: str) -> str:
    return "M" if int(sequence_digit) % 2 else "F"


def _check_birth(d: date | None, today: date) -> bool:
    return d is not None and EARLIEST_BIRTH <= d <= today


def check_resident_id(raw: str, *, today: date | None = None) -> IdCheck:
    """Check a 居民身份号码 (GB 11643-1999, 18 digits; 15-digit legacy accepted with a
    warning since it has no check digit to verify).

    Check digit and birth date come from python-stdnum (``cn.ric``); its region list is
    only used to warn, because it can reject valid numbers whose code it lacks.
    """
    # python-stdnum (~25 ms with pydoc under it) at the first check, not at start.
    from stdnum import exceptions as stdnum_exc
    from stdnum.cn import ric

    today = today or china_today()
    s = _squash(raw)
    if not s:
        return IdCheck(s, False, (IdError.EMPTY,), (), None, None)
    if _looks_like_excel_float(s):
        return IdCheck(s, False, (IdError.LOOKS_LIKE_EXCEL_NUMBER,), (), None, None)

    errors: list[IdError] = []
    if len(s) not in (15, 18):
        errors.append(IdError.LENGTH)
    body_ok = s[:17].isdigit() and (len(s) != 18 or s[17] in "0123456789X")
    if len(s) == 15:
        body_ok = s.isdigit()
    elif len(s) != 18:
        body_ok = all(c in "0123456789X" for c in s)
    if not body_ok:
        errors.append(IdError.CHARACTERS)
    if errors:
        return IdCheck(s, False, tuple(errors), (), None, None)

    warnings: list[IdWarning] = []
    if len(s) == 15:
        warnings.append(IdWarning.LEGACY_15_DIGIT)
        full = upgrade_legacy_id(s)
        sex = _sex(s[14])
    else:
        full = s
        sex = _sex(s[16])
        if ric.calc_check_digit(s) != s[17]:
            errors.append(IdError.CHECK_DIGIT)
            if s.endswith("000"):
                errors.insert(0, IdError.LOOKS_LIKE_EXCEL_NUMBER)

    try:
        birth: date | None = ric.get_birth_date(full)
    except stdnum_exc.ValidationError:
        birth = None
    if not _check_birth(birth, today):
        errors.append(IdError.BIRTH_DATE)
    if errors:
        return IdCheck(s, False, tuple(errors), tuple(warnings), None, None)
    if birth is not None and not _region_known(full, birth):
        warnings.append(IdWarning.UNKNOWN_REGION)
    return IdCheck(s, True, (), tuple(warnings), birth, sex)


# ------------------------------------------------------- unified social credit codes


class UsccError(StrEnum):
    EMPTY = "empty"
    LENGTH = "length"
    CHARACTERS = "characters"
    CHECK_DIGIT = "check_digit"


@dataclass(frozen=True, slots=True)
class UsccCheck:
    normalized: str
    valid: bool
    errors: tuple[UsccError, ...]


def check_uscc(raw: str) -> UsccCheck:
    """Check a 统一社会信用代码 (GB 32100-2015) with python-stdnum's ``cn.uscc``."""
    from stdnum import exceptions as stdnum_exc
    from stdnum.cn import uscc

    s = uscc.compact(_squash(raw))
    if not s:
        return UsccCheck(s, False, (UsccError.EMPTY,))
    try:
        uscc.validate(s)
    except stdnum_exc.InvalidLength:
        return UsccCheck(s, False, (UsccError.LENGTH,))
    except stdnum_exc.InvalidFormat:
        return UsccCheck(s, False, (UsccError.CHARACTERS,))
    except stdnum_exc.InvalidChecksum:
        return UsccCheck(s, False, (UsccError.CHECK_DIGIT,))
    return UsccCheck(s, True, ())


# --------------------------------------------------------------------------- phones


class PhoneKind(StrEnum):
    MOBILE = "mobile"
    LANDLINE = "landline"
    SERVICE = "service"  # 400 / 800 numbers
    SHORT = "short"  # 5-digit service numbers such as 12315, 12345, 95588


@dataclass(frozen=True, slots=True)
class PhoneCheck:
    """``normalized`` is digits only; a landline keeps its leading 0 and area code
    ("01012345678"); the extension, if any, is kept apart in ``extension``."""

    normalized: str
    kind: PhoneKind | None
    valid: bool
    extension: str = ""


_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SERVICE = re.compile(r"^[48]00\d{7}$")
# Area codes: 010 and 020–029 are followed by 8 digits; 0[3-9]xx by 7 or 8.
_LANDLINE = re.compile(r"^0(?:(?:10|2\d)\d{8}|[3-9]\d{2}\d{7,8})$")
_LOCAL = re.compile(r"^[2-9]\d{6,7}$")
_SHORT = re.compile(r"^[19]\d{4}$")
_AREA = re.compile(r"^0\d{2,3}$")
_EXT_WORD = re.compile(r"^(.*?)\s*(?:转|分机|EXT\.?|X|#)\s*(\d{1,6})$")
_ALLOWED = re.compile(r"^[\d+\-(). ]+$")


def _classify(digits: str) -> PhoneKind | None:
    if _MOBILE.match(digits):
        return PhoneKind.MOBILE
    if _SERVICE.match(digits):
        return PhoneKind.SERVICE
    if _LANDLINE.match(digits):
        return PhoneKind.LANDLINE
    if _SHORT.match(digits):
        return PhoneKind.SHORT
    return None


def check_phone(raw: str, *, default_area_code: str | None = None) -> PhoneCheck:
    """Check a contact number: mobile (1[3-9] + 9 digits, after stripping +86/0086/86 and
    separators), landline (area code + 7–8 digits, optional extension), 400/800, or a
    5-digit service number. A local 7–8 digit number takes ``default_area_code``
    (the office's, e.g. "010") if given; without it, it is invalid (ambiguous).
    """
    s = unicodedata.normalize("NFKC", raw).strip().upper()
    extension = ""
    m = _EXT_WORD.match(s)
    if m:
        s, extension = m.group(1), m.group(2)
    if not s or not _ALLOWED.match(s):
        return PhoneCheck(re.sub(r"\D", "", s), None, False, extension)
    groups = [g for g in re.split(r"[\s\-().]+", s) if g]
    digits = "".join(groups).replace("+", "")

    international = False
    if s.startswith("+"):
        if not digits.startswith("86"):
            return PhoneCheck(digits, None, False, extension)  # not a mainland number
        digits, international = digits[2:], True
    elif digits.startswith("0086"):
        digits, international = digits[4:], True
    elif digits.startswith("86") and len(digits) == 13 and _MOBILE.match(digits[2:]):
        digits, international = digits[2:], True
    if international and _classify(digits) is None and not digits.startswith("0"):
        digits = "0" + digits  # +86 10 12345678 drops the trunk 0 of the area code

    kind = _classify(digits)
    # "010-12345678-123": a trailing dash group is an extension if the rest is a landline.
    if kind is None and not extension and len(groups) >= 3 and len(groups[-1]) <= 6:
        head = digits[: -len(groups[-1])]
        if _LANDLINE.match(head):
            digits, extension, kind = head, groups[-1], PhoneKind.LANDLINE
    if kind is None and default_area_code and _AREA.match(default_area_code):
        if _LOCAL.match(digits) and _LANDLINE.match(default_area_code + digits):
            digits, kind = default_area_code + digits, PhoneKind.LANDLINE
    if extension and kind is not PhoneKind.LANDLINE and kind is not PhoneKind.SERVICE:
        return PhoneCheck(digits, None, False, extension)
    return PhoneCheck(digits, kind, kind is not None, extension)


# ------------------------------------------------------------------------- masking


def mask_id(s: str) -> str:
    """110105********002X: first 6 and last 4 kept (shorter strings keep less)."""
    n = _squash(s)
    if len(n) >= 11:
        return n[:6] + "*" * (len(n) - 10) + n[-4:]
    if len(n) >= 7:
        return n[:2] + "*" * (len(n) - 4) + n[-2:]
    return "*" * len(n)


def mask_phone(s: str) -> str:
    """138****5678; landlines keep the area code: 010****5678, 0571****5678.
    Public 5-digit service numbers are not personal data and are returned as is."""
    chk = check_phone(s)
    d = chk.normalized
    if chk.kind is PhoneKind.SHORT:
        return d
    if chk.kind is PhoneKind.LANDLINE:
        keep = 3 if d[1] in "12" else 4
        return d[:keep] + "*" * (len(d) - keep - 4) + d[-4:]
    if len(d) >= 8:
        return d[:3] + "*" * (len(d) - 7) + d[-4:]
    return "*" * max(0, len(d) - 4) + d[-4:] if len(d) > 4 else "*" * len(d)


def last_four(phone: str) -> str:
    """The last four digits of the number (extension ignored), for lookups and display."""
    return check_phone(phone).normalized[-4:]
