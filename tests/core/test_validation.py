from __future__ import annotations

from datetime import date

import pytest
from stdnum.cn import uscc

from app.core.validation import (
    IdError,
    IdWarning,
    PhoneKind,
    UsccError,
    check_phone,
    check_resident_id,
    check_uscc,
    last_four,
    mask_id,
    mask_phone,
    upgrade_legacy_id,
)

TODAY = date(2026, 6, 1)

# -- resident ID numbers --------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normalized", "birth", "sex"),
    [
        ("11010519491231002X", "11010519491231002X", date(1949, 12, 31), "F"),
        ("11010519491231002x", "11010519491231002X", date(1949, 12, 31), "F"),
        (" 110105 19491231 002X ", "11010519491231002X", date(1949, 12, 31), "F"),
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X", date(1949, 12, 31), "F"),
        ("360426199101010071", "360426199101010071", date(1991, 1, 1), "M"),
    ],
)
def test_valid_ids(raw: str, normalized: str, birth: date, sex: str) -> None:
    result = check_resident_id(raw, today=TODAY)
    assert result.valid, result.errors
    assert (result.normalized, result.birth_date, result.sex) == (normalized, birth, sex)
    assert result.errors == ()


def test_wrong_check_digit() -> None:
    result = check_resident_id("11010519491231003X", today=TODAY)
    assert not result.valid
    assert result.errors == (IdError.CHECK_DIGIT,)
    assert result.birth_date is None and result.sex is None


@pytest.mark.parametrize("raw", ["1.10105E+17", "1.10105194912310E+17", "110105194912310000.0"])
def test_excel_scientific_or_float_form_is_flagged(raw: str) -> None:
    result = check_resident_id(raw, today=TODAY)
    assert result.errors == (IdError.LOOKS_LIKE_EXCEL_NUMBER,)


def test_excel_lost_trailing_digits_is_flagged() -> None:
    # 11010519491231002X kept as a number would not survive at all; an all-digit ID passed
    # through a float keeps 15 significant digits: the tail becomes zeros.
    result = check_resident_id("110105194912310000", today=TODAY)
    assert not result.valid
    assert result.errors[0] is IdError.LOOKS_LIKE_EXCEL_NUMBER
    assert IdError.CHECK_DIGIT in result.errors


def test_length_and_character_errors() -> None:
    assert check_resident_id("11010519491231002", today=TODAY).errors == (IdError.LENGTH,)
    assert check_resident_id("1101051949123100AX", today=TODAY).errors == (IdError.CHARACTERS,)
    assert check_resident_id("", today=TODAY).errors == (IdError.EMPTY,)


def test_impossible_and_future_birth_dates() -> None:
    def with_check_digit(body17: str) -> str:
        from stdnum.cn import ric

        return body17 + ric.calc_check_digit(body17 + "0")

    feb30 = with_check_digit("11010519900230001")
    assert check_resident_id(feb30, today=TODAY).errors == (IdError.BIRTH_DATE,)
    future = with_check_digit("11010520300101001")
    assert check_resident_id(future, today=TODAY).errors == (IdError.BIRTH_DATE,)
    ancient = with_check_digit("11010518500101001")
    assert check_resident_id(ancient, today=TODAY).errors == (IdError.BIRTH_DATE,)


def test_unknown_region_warns_but_accepts() -> None:
    from stdnum.cn import ric

    body = "99999919910101007"  # no such 地址码; check digit and date are fine
    number = body + ric.calc_check_digit(body + "0")
    assert not ric.is_valid(number)  # python-stdnum alone would refuse it
    result = check_resident_id(number, today=TODAY)
    assert result.valid
    assert result.warnings == (IdWarning.UNKNOWN_REGION,)
    assert result.birth_date == date(1991, 1, 1)


def test_legacy_15_digit_accepted_with_warning() -> None:
    result = check_resident_id("110105491231002", today=TODAY)
    assert result.valid
    assert result.warnings == (IdWarning.LEGACY_15_DIGIT,)
    assert (result.birth_date, result.sex) == (date(1949, 12, 31), "F")
    # Inserting the century and computing the check digit gives the familiar 18-digit form.
    assert upgrade_legacy_id("110105491231002") == "11010519491231002X"
    assert check_resident_id(upgrade_legacy_id("110105491231002"), today=TODAY).valid


# -- USCC ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["91110000600037341L", "914403001922038216", "91310000MA1FL1MMXL"])
def test_valid_uscc(code: str) -> None:
    assert check_uscc(code).valid
    assert check_uscc(code.lower()).normalized == code
    assert check_uscc(f"{code[:2]} {code[2:8]}-{code[8:]}").valid


def test_uscc_wrong_check_character() -> None:
    good = "91110000600037341L"
    bad = good[:-1] + ("M" if good[-1] != "M" else "N")
    assert uscc.calc_check_digit(good) == "L"
    assert check_uscc(bad).errors == (UsccError.CHECK_DIGIT,)
    assert not check_uscc(bad).valid


def test_uscc_other_errors() -> None:
    assert check_uscc("").errors == (UsccError.EMPTY,)
    assert check_uscc("9111000060003734").errors == (UsccError.LENGTH,)
    # I, O, Z, S, V are not used in the code.
    assert check_uscc("91110000600037341O").errors == (UsccError.CHARACTERS,)


# -- phones -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normalized", "kind", "ext"),
    [
        ("13812345678", "13812345678", PhoneKind.MOBILE, ""),
        ("138 1234 5678", "13812345678", PhoneKind.MOBILE, ""),
        ("+86 138-1234-5678", "13812345678", PhoneKind.MOBILE, ""),
        ("008613812345678", "13812345678", PhoneKind.MOBILE, ""),
        ("8613812345678", "13812345678", PhoneKind.MOBILE, ""),
        ("１３８１２３４５６７８", "13812345678", PhoneKind.MOBILE, ""),
        ("010-12345678", "01012345678", PhoneKind.LANDLINE, ""),
        ("(0571) 8765 4321", "057187654321", PhoneKind.LANDLINE, ""),
        ("0937-1234567", "09371234567", PhoneKind.LANDLINE, ""),
        ("010-12345678-123", "01012345678", PhoneKind.LANDLINE, "123"),
        ("010-12345678转8", "01012345678", PhoneKind.LANDLINE, "8"),
        ("+86 10 1234 5678", "01012345678", PhoneKind.LANDLINE, ""),
        ("400-812-3456", "4008123456", PhoneKind.SERVICE, ""),
        ("800 810 8888", "8008108888", PhoneKind.SERVICE, ""),
        ("12315", "12315", PhoneKind.SHORT, ""),
    ],
)
def test_valid_phones(raw: str, normalized: str, kind: PhoneKind, ext: str) -> None:
    result = check_phone(raw)
    assert (result.normalized, result.kind, result.valid, result.extension) == (
        normalized,
        kind,
        True,
        ext,
    )


@pytest.mark.parametrize(
    "raw",
    ["12345678901", "1381234567", "138123456789", "+1 415 555 1234", "62345678", "abc", ""],
)
def test_invalid_phones(raw: str) -> None:
    result = check_phone(raw)
    assert not result.valid and result.kind is None


def test_local_number_takes_office_area_code() -> None:
    result = check_phone("6234 5678", default_area_code="010")
    assert (result.normalized, result.kind) == ("01062345678", PhoneKind.LANDLINE)


# -- masking ------------------------------------------------------------------------


def test_mask_id() -> None:
    assert mask_id("11010519491231002X") == "110105********002X"
    assert mask_id("11010519491231002x") == "110105********002X"
    assert mask_id("110105491231002") == "110105*****1002"
    assert mask_id("E12345678") == "E1*****78"
    assert mask_id("123") == "***"


def test_mask_phone() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("+86 138 1234 5678") == "138****5678"
    assert mask_phone("010-12345678") == "010****5678"
    assert mask_phone("0571-87654321") == "0571****4321"
    assert mask_phone("12315") == "12315"
    for raw in ("13812345678", "010-12345678", "0571-87654321"):
        masked = mask_phone(raw)
        assert "1234" not in masked[:-4] and "8765" not in masked


def test_last_four() -> None:
    assert last_four("+86 138-1234-5678") == "5678"
    assert last_four("010-12345678-123") == "5678"


@pytest.mark.parametrize("code, born", [
    ("310115", "19850612"),  # 浦东新区, a code from 1992: first issued there later
    ("310112", "19700301"),  # 闵行区, from 1981
    ("310117", "19900101"),  # 松江区, from 1998
    ("310230", "19900101"),  # 崇明县, 1982–2016: in use after the birth
])
def test_a_county_code_in_use_at_or_after_the_birth_is_no_warning(code, born) -> None:
    """Issue 16, item 9: a number carries the code of the place it was first issued."""
    from stdnum.cn import ric

    body = code + born + "001"
    result = check_resident_id(body + ric.calc_check_digit(body + "0"), today=TODAY)
    assert result.valid and result.warnings == ()


def test_a_county_code_given_up_before_the_birth_warns() -> None:
    from stdnum.cn import ric

    body = "310230" + "20180101" + "001"  # 崇明县 became 崇明区 (310151) in 2016
    result = check_resident_id(body + ric.calc_check_digit(body + "0"), today=TODAY)
    assert result.valid and result.warnings == (IdWarning.UNKNOWN_REGION,)
