"""Document rules: numbers, the content hash, required fields, the 司法确认 window."""

from __future__ import annotations

from app.core.documents import (
    DocumentKind,
    content_hash,
    format_number,
    missing_fields,
)


def test_numbers_read_as_the_committee_writes_them():
    assert format_number("浦消调", 2026, 123) == "（2026）浦消调字第0123号"
    assert format_number("浦消调", 2026, 12345) == "（2026）浦消调字第12345号"


def test_the_content_hash_ignores_key_order_but_not_content():
    a = {"facts": "门店关闭", "clauses": ["退款3200元"], "parties": [{"name": "李秀英"}]}
    b = {"parties": [{"name": "李秀英"}], "clauses": ["退款3200元"], "facts": "门店关闭"}
    assert content_hash(a) == content_hash(b)
    assert content_hash(a) != content_hash({**a, "clauses": ["退款3300元"]})
    assert len(content_hash(a)) == 64


def test_missing_fields_are_listed_in_form_order():
    fields = {"parties": [{"name": "李秀英"}], "facts": " ", "clauses": ["", "  "],
              "disputes": "退费", "mediator": "张敏"}
    assert missing_fields(DocumentKind.AGREEMENT, fields) == ["facts", "clauses",
                                                              "performance"]
    assert missing_fields(DocumentKind.DOSSIER, {}) == []
    # A clause from the library with a blank left to fill is not written yet.
    blank = {**fields, "facts": "门店关闭", "performance": "转账",
             "clauses": ["被申请人于____前退款。"]}
    assert missing_fields(DocumentKind.AGREEMENT, blank) == ["clauses"]
