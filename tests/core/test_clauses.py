"""A clause's blanks read out of its text, and filled."""

from __future__ import annotations

from app.core.clauses import fill, placeholders


def test_blanks_unknown_names_and_stray_braces_are_found():
    found = placeholders("{deadline}前{payer}向{payee}付{amount}；{payer}另付{foo}{foo}{}")
    assert found.blanks == ("payer", "payee", "amount", "deadline")  # the form's order
    assert found.unknown == ("{foo}", "{}") and not found.unbalanced
    assert placeholders("没有填空。") == placeholders("")
    for text in ("{payer", "payer}", "{{payer}}", "{pay{er}"):
        assert placeholders(text).unbalanced, text


def test_filling_leaves_what_it_does_not_know():
    text = "{payer}于{deadline}前支付{amount}，{foo}与{0.__class__}照写。"
    assert fill(text, {"payer": "甲公司", "amount": ""}) == (
        "甲公司于____前支付____，{foo}与{0.__class__}照写。")
