"""Hot words across workstations and on the central database: a case pulled by sync is
indexed on the desk that pulls it, an edit pulled replaces its words, and the central
database's own index answers a district's question with the same query (SQLite and
PostgreSQL)."""

from __future__ import annotations

from datetime import date

from app.services import cases, hot_words
from app.services.hot_words import HotWordScope
from tests.conftest import complaint_form

DAY = date(2026, 3, 1)  # complaint_form's day of receipt (China time)


def _words(source, scope=hot_words.EVERYTHING) -> dict[str, int]:
    return {w.word: w.cases for w in hot_words.hot_words(source, DAY, DAY, scope)}


def test_a_pulled_case_and_a_pulled_edit_keep_the_desks_index_current(desks):
    a, b = desks("mdt_zhangmin"), desks("mdt_wangfang")
    case_id, _ = cases.intake_work_order(a.ws, complaint_form(
        description="健身房跑路，预付卡退费难", request=""))
    a.sync()
    b.sync()
    assert _words(b.store)["跑路"] == 1
    assert hot_words.cases_with_word(b.store, "预付卡", DAY, DAY) == [case_id]
    cases.update_case(a.ws, case_id, {"title": "卷款停业", "description": "培训机构卷款停业"})
    a.sync()
    b.sync()
    found = _words(b.store)
    assert found.get("卷款") == 1 and found.get("培训机构") == 1
    assert "跑路" not in found and "预付卡" not in found
    assert hot_words.index_state(b.store).complete


def test_the_district_counts_on_the_central_database(central, desks):
    a, c = desks("mdt_zhangmin"), desks("mdt_zhaolei")  # offices PD01 and PD02
    cases.intake_work_order(a.ws, complaint_form(description="健身房跑路，预付卡退费难",
                                                 request="", source_ticket="1310115202603010001"))
    cases.intake_work_order(a.ws, complaint_form(description="美容院跑路",
                                                 request="", source_ticket="1310115202603010002"))
    cases.intake_work_order(c.ws, complaint_form(description="培训机构跑路，预付卡",
                                                 request="", source_ticket="1310115202603010003"))
    a.sync()
    c.sync()
    admin = central.admin()
    assert hot_words.index_state(admin).indexed == 0
    done = hot_words.catch_up(admin, batch=2)
    assert (done.cases, done.complete) == (3, True)
    assert _words(admin)["跑路"] == 3 and _words(admin)["预付卡"] == 2
    pd01, pd02 = central.office_id("PD01"), central.office_id("PD02")
    assert _words(admin, HotWordScope.office(pd01))["跑路"] == 2
    assert _words(admin, HotWordScope.office(pd02)) == {"培训机构": 1, "跑路": 1, "预付卡": 1}
    assert _words(admin, HotWordScope.office(pd01, pd02)) == _words(admin)
    assert len(hot_words.cases_with_word(admin, "跑路", DAY, DAY,
                                         HotWordScope.office(pd01))) == 2
    # a later run finds nothing to do
    assert hot_words.catch_up(admin).cases == 0
