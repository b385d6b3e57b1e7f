from __future__ import annotations

from decimal import Decimal

import pytest

from app.core.errors import AmountError, AmountErrorCode, DomainError
from app.core.money import format_amount, from_fen, parse_amount, to_capitals, to_fen

D = Decimal


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1,234.50", "1234.50"),
        ("¥500", "500.00"),
        ("￥500", "500.00"),
        ("500元", "500.00"),
        ("人民币 3,000 元", "3000.00"),
        ("１２３４．５", "1234.50"),
        ("0.1", "0.10"),
        (".5", "0.50"),
        ("1.500", "1.50"),
        ("1,234,567.89", "1234567.89"),
        (500, "500.00"),
        (D("19.9"), "19.90"),
        ("999999999999.99", "999999999999.99"),
    ],
)
def test_parse_amount(raw, expected: str) -> None:
    value = parse_amount(raw)
    assert value == D(expected)
    assert str(value) == expected  # always 2 places


def test_sum_is_exact() -> None:
    assert parse_amount("0.10") + parse_amount("0.20") == D("0.30")


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", AmountErrorCode.EMPTY),
        ("  ", AmountErrorCode.EMPTY),
        ("¥", AmountErrorCode.EMPTY),
        ("abc", AmountErrorCode.NOT_A_NUMBER),
        ("1,23", AmountErrorCode.NOT_A_NUMBER),  # a decimal comma? refuse, don't guess
        ("1.2.3", AmountErrorCode.NOT_A_NUMBER),
        ("1e5", AmountErrorCode.NOT_A_NUMBER),
        (D("NaN"), AmountErrorCode.NOT_A_NUMBER),
        (0.1, AmountErrorCode.NOT_A_NUMBER),
        (True, AmountErrorCode.NOT_A_NUMBER),
        ("-5", AmountErrorCode.NEGATIVE),
        ("¥-5", AmountErrorCode.NEGATIVE),
        (-1, AmountErrorCode.NEGATIVE),
        ("1.234", AmountErrorCode.TOO_MANY_DECIMALS),
        ("1000000000000", AmountErrorCode.TOO_LARGE),
    ],
)
def test_parse_amount_errors(raw, code: AmountErrorCode) -> None:
    with pytest.raises(AmountError) as info:
        parse_amount(raw)
    assert info.value.code is code
    assert isinstance(info.value, DomainError)
    assert str(info.value)


def test_negative_allowed_on_request() -> None:
    assert parse_amount("-12.5", allow_negative=True) == D("-12.50")
    assert parse_amount("−12.5", allow_negative=True) == D("-12.50")  # U+2212 minus
    assert str(parse_amount("-0", allow_negative=True)) == "0.00"


def test_fen_round_trip() -> None:
    assert to_fen(D("1234.50")) == 123450
    assert to_fen(D("0.01")) == 1
    assert from_fen(123450) == D("1234.50")
    assert str(from_fen(5)) == "0.05"
    with pytest.raises(AmountError) as info:
        to_fen(D("0.001"))
    assert info.value.code is AmountErrorCode.TOO_MANY_DECIMALS


def test_format_amount() -> None:
    assert format_amount(D("1234.5")) == "1,234.50"
    assert format_amount(D("0")) == "0.00"
    assert format_amount(1000000) == "1,000,000.00"
    assert format_amount(D("-1234.5")) == "-1,234.50"


@pytest.mark.parametrize(
    ("amount", "capitals"),
    [
        ("500", "人民币伍佰元整"),
        ("0", "人民币零元整"),
        ("10", "人民币壹拾元整"),
        ("15", "人民币壹拾伍元整"),
        ("100000", "人民币壹拾万元整"),
        ("0.35", "人民币叁角伍分"),
        ("0.5", "人民币伍角整"),
        ("0.05", "人民币伍分"),
        ("1000.05", "人民币壹仟元零伍分"),
        ("425.03", "人民币肆佰贰拾伍元零叁分"),
        ("10020.50", "人民币壹万零贰拾元伍角整"),  # 第五十二条: 整 after 角
        ("101.50", "人民币壹佰零壹元伍角整"),
        ("1004.56", "人民币壹仟零肆元伍角陆分"),
        ("7560.31", "人民币柒仟伍佰陆拾元叁角壹分"),  # 元位是0, 零 optional: not written
        ("289546.52", "人民币贰拾捌万玖仟伍佰肆拾陆元伍角贰分"),
        ("1010", "人民币壹仟零壹拾元整"),
        ("10005", "人民币壹万零伍元整"),
        ("100500", "人民币壹拾万零伍佰元整"),
        ("15000", "人民币壹万伍仟元整"),
        ("10000.01", "人民币壹万元零壹分"),
        ("100000001", "人民币壹亿零壹元整"),
        ("100010000", "人民币壹亿零壹万元整"),
        ("110000001", "人民币壹亿壹仟万零壹元整"),
        ("1000000000", "人民币壹拾亿元整"),
        ("999999999999.99", "人民币玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ],
)
def test_to_capitals(amount: str, capitals: str) -> None:
    assert to_capitals(D(amount)) == capitals


def test_to_capitals_accepts_text_and_refuses_bad_amounts() -> None:
    assert to_capitals("¥1,000.05") == "人民币壹仟元零伍分"
    assert to_capitals(D("500"), prefix="") == "伍佰元整"
    for bad, code in (
        (D("-1"), AmountErrorCode.NEGATIVE),
        (D("0.001"), AmountErrorCode.TOO_MANY_DECIMALS),
    ):
        with pytest.raises(AmountError) as info:
            to_capitals(bad)
        assert info.value.code is code
