"""The pure window logic of early warnings: N in D consecutive China dates."""

from __future__ import annotations

from datetime import date, timedelta

from app.core.warnings import (
    WarningRules,
    business_keys,
    multi_source,
    normalise_name,
    peak,
    qualifying,
)

D0 = date(2026, 3, 1)


def days(*offsets: int) -> list[tuple[str, date]]:
    return [(f"c{n}", D0 + timedelta(days=o)) for n, o in enumerate(offsets)]


def test_n_in_d_days_exactly_at_the_threshold():
    assert qualifying(days(0, 2, 4, 6, 6), 5, 7) == {"c0", "c1", "c2", "c3", "c4"}
    assert qualifying(days(0, 2, 4, 6, 7), 5, 7) == set()  # the eighth date is outside
    assert qualifying(days(0, 1, 2, 3), 5, 7) == set()  # one short


def test_only_the_cases_of_a_full_window_count():
    found = qualifying(days(0, 20, 21, 22), 3, 7)
    assert found == {"c1", "c2", "c3"}
    assert peak([d for _, d in days(0, 20, 21, 22)], 7) == 3


def test_two_sources_within_the_window():
    items = [("a", D0, "12315"), ("b", D0 + timedelta(days=29), "12345"),
             ("c", D0 + timedelta(days=40), "12345")]
    assert multi_source(items, 30) == {"a", "b"}
    assert multi_source(items, 29) == set()


def test_names_compare_whatever_the_width_and_spaces():
    assert normalise_name(" 悦动健身（张江店） ") == normalise_name("悦动健身(张江店)")
    keys = business_keys([("91310115MA1H7ABC1A", "悦动健身"), ("", "悦动 健身"), ("", "别家")])
    assert keys[("", "悦动 健身")] == "uscc:91310115MA1H7ABC1A"
    assert keys[("", "别家")] == "name:别家"


def test_stored_rules_that_are_damaged_take_the_defaults():
    rules = WarningRules.from_json({"business_count": "5", "keywords": [1, 2],
                                    "repeat_on": False})
    assert rules.business_count == 5 and rules.keywords == WarningRules().keywords
    assert rules.repeat_on is False
