"""Money: exact decimal amounts in yuan (2 places), fen conversion, and the Chinese
capital-letter form (大写金额) required on agreements and receipts."""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from app.core.errors import AmountError, AmountErrorCode

__all__ = [
    "AmountError",
    "AmountErrorCode",
    "MAX_AMOUNT",
    "format_amount",
    "from_fen",
    "parse_amount",
    "to_capitals",
    "to_fen",
]

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1000000000000")  # exclusive: 1e12 yuan; capitals stop at 亿 groups

_PREFIXES = ("人民币", "RMB", "CNY", "¥")
_SUFFIXES = ("元整", "元正", "元", "圆")
# Grouped thousands ("1,234,567.8") or a plain number; nothing else.
_NUMBER = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d*)?$")


def _fail(code: AmountErrorCode, message: str) -> AmountError:
    return AmountError(code, message)


def _check_range(value: Decimal, allow_negative: bool) -> Decimal:
    if not value.is_finite():
        raise _fail(AmountErrorCode.NOT_A_NUMBER, f"{value} is not a finite amount")
    if value != value.quantize(CENT, rounding=ROUND_HALF_UP):
        raise _fail(AmountErrorCode.TOO_MANY_DECIMALS, f"{value} has more than 2 decimal places")
    if value < 0 and not allow_negative:
        raise _fail(AmountErrorCode.NEGATIVE, f"{value} is negative")
    if abs(value) >= MAX_AMOUNT:
        raise _fail(AmountErrorCode.TOO_LARGE, f"{value} is too large")
    result = value.quantize(CENT)
    return result if result != 0 else Decimal("0.00")  # no "-0.00"


def parse_amount(raw: str | int | Decimal, *, allow_negative: bool = False) -> Decimal:
    """An exact amount in yuan with 2 places.

    Accepts "1,234.50", "¥500", "500元", "人民币500元", full-width digits and signs.
    Thousands separators must group by three ("1,23" is refused: it may be a decimal
    comma). Floats are refused: they cannot represent fen exactly.
    """
    if isinstance(raw, bool) or isinstance(raw, float):
        raise _fail(AmountErrorCode.NOT_A_NUMBER, f"{type(raw).__name__} is not an amount type")
    if isinstance(raw, int):
        return _check_range(Decimal(raw), allow_negative)
    if isinstance(raw, Decimal):
        return _check_range(raw, allow_negative)

    s = "".join(unicodedata.normalize("NFKC", raw).split()).upper()
    if not s:
        raise _fail(AmountErrorCode.EMPTY, "empty amount")
    negative = False
    if s[0] in "-−":  # ASCII minus or U+2212
        negative, s = True, s[1:]
    elif s[0] == "+":
        s = s[1:]
    for prefix in _PREFIXES:
        if s.startswith(prefix):
            s = s[len(prefix) :]
            break
    for suffix in _SUFFIXES:
        if s.endswith(suffix):
            s = s[: -len(suffix)]
            break
    if s and s[0] in "-−" and not negative:  # "¥-5"
        negative, s = True, s[1:]
    if not s:
        raise _fail(AmountErrorCode.EMPTY, f"no digits in {raw!r}")
    if not _NUMBER.match(s) or not any(c.isdigit() for c in s):
        raise _fail(AmountErrorCode.NOT_A_NUMBER, f"{raw!r} is not an amount")
    try:
        value = Decimal(s.replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - the regex already screens input
        raise _fail(AmountErrorCode.NOT_A_NUMBER, f"{raw!r} is not an amount") from exc
    return _check_range(-value if negative else value, allow_negative)


def to_fen(amount: Decimal) -> int:
    """Yuan -> integer fen (分), exactly; refuses sub-fen amounts."""
    value = _check_range(amount, allow_negative=True)
    return int(value * 100)


def from_fen(fen: int) -> Decimal:
    """Integer fen -> yuan with 2 places."""
    return (Decimal(fen) / 100).quantize(CENT)


def format_amount(amount: Decimal | int) -> str:
    """'1,234.50' (thousands separators, always 2 places)."""
    return f"{Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ("仟", "佰", "拾", "")
_GROUPS = ("", "万", "亿")


def _integer_capitals(n: int) -> str:
    """壹万零贰拾 for 10020: one 零 for any run of zeros between significant digits."""
    groups: list[int] = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    out: list[str] = []
    pending_zero = False
    for index in reversed(range(len(groups))):
        g = groups[index]
        if g == 0:
            pending_zero = bool(out)
            continue
        for place, digit in zip(
            _PLACES, (g // 1000, g // 100 % 10, g // 10 % 10, g % 10), strict=True
        ):
            if digit == 0:
                pending_zero = bool(out)
                continue
            if pending_zero:
                out.append("零")
                pending_zero = False
            out.append(_DIGITS[digit] + place)
        out.append(_GROUPS[index])
    return "".join(out)


def to_capitals(amount: Decimal | int | str, *, prefix: str = "人民币") -> str:
    """The 大写 form: 人民币壹万零贰拾元伍角整.

    《会计基础工作规范》第五十二条: the currency name comes first with no gap; "整" follows
    an amount ending at 元 or 角 and never one ending at 分; a single 零 stands for any run
    of zeros inside the number. Where the 元 digit is 0 but 角 is not, 零 is optional
    (第五十二条第（五）项) and is not written (壹拾元伍角整); an amount with 分 but no 角
    writes 零 before the 分 (壹仟元零伍分). 10 is 壹拾, as accounting requires.
    """
    value = parse_amount(amount) if not isinstance(amount, Decimal) else amount
    value = _check_range(value, allow_negative=False)
    fen_total = int(value * 100)
    yuan, jiao, fen = fen_total // 100, fen_total // 10 % 10, fen_total % 10

    parts = [prefix]
    if yuan:
        parts.append(_integer_capitals(yuan) + "元")
    if jiao == 0 and fen == 0:
        parts.append("零元整" if not yuan else "整")
    elif fen == 0:
        parts.append(_DIGITS[jiao] + "角整")
    else:
        if jiao:
            parts.append(_DIGITS[jiao] + "角")
        elif yuan:
            parts.append("零")
        parts.append(_DIGITS[fen] + "分")
    return "".join(parts)
