"""Every party particular that reaches an agreement is printed in Chinese words, whatever
spelling it was stored in (issue 14, item 3: "梁明，male")."""

from __future__ import annotations

import re

import pytest

from app.core.documents import DocumentKind
from app.core.parties import Sex
from app.services import cases, documents
from app.services.errors import ValidationFailed
from tests.conftest import complaint_form
from tests.documents.pdfcheck import pages

PERSON = {"sex": "", "ethnicity": "汉族", "birth_date": "1980-05-06", "occupation": "教师",
          "phone": "13812345678", "address": "上海市浦东新区张江路100号"}


@pytest.mark.parametrize(("stored", "printed"), [
    ("M", "男"), ("F", "女"), ("male", "男"), ("female", "女"), ("男", "男"), ("女", "女"),
    ("", None),
])
def test_sex_in_any_stored_spelling_prints_in_words(ws, stored, printed):
    case_id, _ = cases.intake_work_order(ws, complaint_form())
    doc_id, _ = documents.create_draft(ws, case_id, DocumentKind.AGREEMENT)
    fields = documents.get_document(ws, doc_id).fields
    parties = [dict(p) for p in fields["parties"]]
    parties[0].update(PERSON, sex=stored)
    documents.update_draft(ws, doc_id, {"parties": parties})
    text = "".join(pages(documents.render(ws, doc_id)))
    line = re.search(r"投诉人：[^被]*", text).group(0)  # a 12315 complaint's 调解书
    for value in ("汉族", "教师", "13812345678", "上海市浦东新区张江路100号"):
        assert value in line  # every particular given reaches the paper
    assert "45岁" in line  # born 1980-05-06, as of the draft's day (2026-03-02)
    assert f"，{printed or '性别＿＿＿＿'}，" in line  # an empty one is a blank to fill
    assert not re.search(r"\b(male|female|M|F)\b", text)


def test_a_party_stores_one_spelling_of_sex(ws):
    case_id, _ = cases.intake_work_order(ws, complaint_form())
    party = cases.get_case(ws, case_id).parties[0]
    cases.update_party(ws, party.id, {"sex": "female"})
    assert cases.get_case(ws, case_id).parties[0].sex == Sex.FEMALE.value
    with pytest.raises(ValidationFailed) as refused:
        cases.update_party(ws, party.id, {"sex": "x"})
    assert refused.value.problems == {"sex": "invalid_choice"}
