"""Early warnings (预警): each rule fires at its threshold and not one below."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from app.core.users import UserRole
from app.core.warnings import RuleField, RuleProblem, WarningRule, WarningRules, WarningRulesRefused
from app.core.workflow import Source
from app.services import warnings
from app.services.cases import intake_work_order
from app.services.dto import PartyInput
from app.store.models import AuditEvent, Case, EarlyWarning, Office
from tests.conftest import FIXED_NOW, complaint_form

_tickets = itertools.count(1)
USCC = "91310115MA1H7ABC1A"


def take_in(ws, *, days_ago: int = 0, phone: str = "13800135678",
            business: str = "上海悦动健身管理有限公司", uscc: str = "",
            source: Source = Source.HOTLINE_12315, description: str = "会员卡无法使用，要求退款。",
            category: str = "网络购物", tags=(), link_to=None) -> uuid.UUID:
    respondent = PartyInput(role="respondent", party_type="business", name=business,
                            id_type="uscc" if uscc else "", id_number=uscc)
    form = complaint_form(
        source=source, source_ticket=f"13101152026{next(_tickets):08d}",
        received_at=FIXED_NOW - timedelta(days=days_ago, hours=1),
        complainant=PartyInput(role="applicant", party_type="person", name="李秀英",
                               phone=phone, address="上海市浦东新区张杨路500号"),
        respondent=respondent, description=description, request="退款", category=category,
        tags=tags, link_to=link_to)
    case_id, _ = intake_work_order(ws, form)
    return case_id


def of_rule(ws, rule: WarningRule):
    return [w for w in warnings.list_warnings(ws) if w.rule == rule]


def only_rules(ws, **on):
    """Switch every rule off but the ones named (so a test sees one rule at a time)."""
    flags = dict(business_on=False, keywords_on=False, categories_on=False, repeat_on=False,
                 channels_on=False)
    flags.update(on)
    rules = replace(warnings.current_rules(ws), **flags)
    warnings.save_rules(ws, rules)
    return rules


# ---------------------------------------------------------------- N against one business


def test_five_complaints_against_one_business_in_seven_days_fire_four_do_not(ws):
    only_rules(ws, business_on=True)
    first = [take_in(ws, days_ago=d, phone=f"1380013{5670 + d:04d}") for d in (6, 4, 2, 1)]
    assert of_rule(ws, WarningRule.BUSINESS_VOLUME) == []
    fifth = take_in(ws, days_ago=0, phone="13900000000")
    [w] = of_rule(ws, WarningRule.BUSINESS_VOLUME)
    assert set(w.case_ids) == {*first, fifth}
    assert w.subject == "上海悦动健身管理有限公司"
    assert (w.threshold, w.window_days, w.detail["peak"]) == (5, 7, 5)
    assert w.needs_attention and warnings.open_count(ws) == 1


def test_a_case_outside_the_window_does_not_count(ws):
    only_rules(ws, business_on=True)
    take_in(ws, days_ago=7, phone="13800000001")  # eight China dates before today
    for d in (3, 2, 1, 0):
        take_in(ws, days_ago=d, phone=f"1380000001{d}")
    assert of_rule(ws, WarningRule.BUSINESS_VOLUME) == []


def test_another_offices_cases_are_not_counted(ws):
    only_rules(ws, business_on=True)
    ids = [take_in(ws, days_ago=d, phone=f"1380000002{d}") for d in (3, 2, 1, 0)]
    with ws.store.unit_of_work() as session:
        other = Office(id=uuid.uuid4(), code="PD99", name="别的所")
        session.add(other)
        session.flush()
        session.get(Case, ids[0]).office_id = other.id
    take_in(ws, days_ago=0, phone="13800000030")
    assert of_rule(ws, WarningRule.BUSINESS_VOLUME) == []


def test_a_switched_off_rule_is_silent(ws):
    only_rules(ws)  # everything off
    for d in range(6):
        take_in(ws, days_ago=0, phone=f"1380000004{d}", description="老板跑路了",
                category="食品安全")
    assert warnings.list_warnings(ws) == []


def test_one_business_by_credit_code_or_by_its_name_however_typed(ws):
    only_rules(ws, business_on=True)
    take_in(ws, phone="13800000051", business="悦动健身（张江店）", uscc=USCC)
    take_in(ws, phone="13800000052", business="上海悦动健身管理有限公司", uscc=USCC)
    take_in(ws, phone="13800000053", business="悦动健身(张江店)")  # joins the code by name
    take_in(ws, phone="13800000054", business="悦动 健身（张江店） ")
    assert of_rule(ws, WarningRule.BUSINESS_VOLUME) == []
    take_in(ws, phone="13800000055", business="悦动健身（张江店）")
    [w] = of_rule(ws, WarningRule.BUSINESS_VOLUME)
    assert w.count == 5


def test_the_warning_grows_rather_than_repeating(ws):
    only_rules(ws, business_on=True)
    for d in range(6):
        take_in(ws, days_ago=0, phone=f"1380000006{d}")
    [w] = of_rule(ws, WarningRule.BUSINESS_VOLUME)
    assert w.count == 6
    with ws.store.unit_of_work() as session:
        assert len(session.scalars(select(EarlyWarning)).all()) == 1


# ---------------------------------------------------------------- words and categories


def test_keywords_in_a_new_work_order(ws):
    only_rules(ws, keywords_on=True)
    take_in(ws, description="门店装修，暂时无法上课。")
    assert warnings.list_warnings(ws) == []
    case_id = take_in(ws, description="听说老板跑路了，预付卡里还有三千元。")
    [w] = of_rule(ws, WarningRule.KEYWORD)
    assert w.case_ids == (case_id,) and w.detail["keywords"] == ["跑路", "预付卡"]


def test_keywords_found_where_the_cases_were_made_count_only_for_the_rules_they_were_found_by(ws):
    """An import's workers look for the keywords as they build the cases; the check
    takes what they found when the office's keywords are still those, else reads the
    texts itself."""
    rules = only_rules(ws, keywords_on=True)
    case_id = take_in(ws, description="听说老板跑路了。")
    for warning in warnings.list_warnings(ws):  # intake's own check: start again
        with ws.store.unit_of_work() as session:
            session.delete(session.get(EarlyWarning, warning.id))

    def check(hits):
        with ws.store.unit_of_work() as session:
            warnings.check_cases(ws, session, [case_id], hits)
        return [w.detail["keywords"] for w in of_rule(ws, WarningRule.KEYWORD)]

    assert check(warnings.KeywordHits(tuple(rules.keywords), {})) == []  # none found
    assert check(warnings.KeywordHits(("别的词",), {case_id.hex: ["别的词"]})) == [["跑路"]]


def test_an_office_sets_its_own_keywords(ws):
    rules = only_rules(ws, keywords_on=True)
    warnings.save_rules(ws, replace(rules, keywords=("人去楼空", " ")))
    assert warnings.current_rules(ws).keywords == ("人去楼空",)
    take_in(ws, description="老板跑路了")
    assert warnings.list_warnings(ws) == []
    take_in(ws, description="店里人去楼空")
    assert [w.detail["keywords"] for w in of_rule(ws, WarningRule.KEYWORD)] == [["人去楼空"]]


def test_three_products_one_special_category_or_tag(ws):
    only_rules(ws, categories_on=True)
    take_in(ws, category="预付式消费")
    assert warnings.list_warnings(ws) == []
    take_in(ws, category="食品安全")
    take_in(ws, category="家用电器", tags=("三品一特",), business="某电梯公司")
    found = of_rule(ws, WarningRule.KEY_CATEGORY)
    assert sorted(w.detail["category"] for w in found) == ["家用电器", "食品安全"]


# ---------------------------------------------------------------- people and channels


def test_the_same_phone_three_times_in_thirty_days(ws):
    only_rules(ws, repeat_on=True)
    early = take_in(ws, days_ago=30, business="甲公司")  # 31 China dates before today
    take_in(ws, days_ago=3, business="乙公司")
    take_in(ws, days_ago=0, business="丙公司")
    assert of_rule(ws, WarningRule.REPEAT_PHONE) == []  # never three in one 30-day window
    take_in(ws, days_ago=0, business="丁公司")
    [w] = of_rule(ws, WarningRule.REPEAT_PHONE)
    assert w.subject == "138****5678" and w.count == 3 and early not in w.case_ids
    assert (w.threshold, w.window_days, w.detail["peak"]) == (3, 30, 3)
    with ws.store.unit_of_work() as session:
        row = session.get(EarlyWarning, w.id)
        assert "13800135678" not in row.subject_key + row.subject  # the number is not kept


def test_the_same_dispute_through_two_channels(ws):
    only_rules(ws, channels_on=True)
    take_in(ws, days_ago=5, source=Source.HOTLINE_12315)
    take_in(ws, days_ago=3, source=Source.HOTLINE_12315)
    assert warnings.list_warnings(ws) == []  # one channel twice
    other = take_in(ws, days_ago=1, source=Source.HOTLINE_12345)
    [w] = of_rule(ws, WarningRule.MULTI_CHANNEL)
    assert other in w.case_ids and w.count == 3
    assert w.detail["sources"] == sorted([Source.HOTLINE_12315.value, Source.HOTLINE_12345.value])


def test_cases_linked_as_one_dispute_from_two_channels(ws):
    only_rules(ws, channels_on=True)
    first = take_in(ws, days_ago=60, phone="13800000071", source=Source.HOTLINE_12315)
    second = take_in(ws, phone="13800000072", business="别的名字", source=Source.WALK_IN,
                     link_to=first)
    [w] = of_rule(ws, WarningRule.MULTI_CHANNEL)
    assert set(w.case_ids) == {first, second}


def test_checking_the_first_case_finds_the_ones_linked_to_it(ws):
    rules = only_rules(ws)
    first = take_in(ws, days_ago=60, phone="13800000071", source=Source.HOTLINE_12315)
    second = take_in(ws, phone="13800000072", source=Source.WALK_IN, link_to=first)
    warnings.save_rules(ws, replace(rules, channels_on=True), recheck_after=False)
    with ws.store.unit_of_work() as session:  # as an import updating the first would
        assert warnings.check_cases(ws, session, [first]).raised == 1
    [w] = of_rule(ws, WarningRule.MULTI_CHANNEL)
    assert set(w.case_ids) == {first, second}


# ---------------------------------------------------------------- acknowledging


def test_acknowledged_with_a_note_then_grown_since(ws):
    only_rules(ws, keywords_on=True)
    take_in(ws, description="老板跑路了")
    [w] = warnings.list_warnings(ws)
    warnings.acknowledge(ws, w.id, "已联系街道，明日上门核查")
    [w] = warnings.list_warnings(ws)
    assert w.acknowledged_at == FIXED_NOW and w.ack_note == "已联系街道，明日上门核查"
    assert not w.needs_attention and warnings.open_count(ws) == 0
    with ws.store.unit_of_work() as session:
        event_ = session.scalars(select(AuditEvent).where(
            AuditEvent.entity == "warning", AuditEvent.action == "acknowledge")).one()
        assert event_.actor == "zhangmin"
        assert event_.changes["ack_note"] == ["", "已联系街道，明日上门核查"]
    take_in(ws, description="又一个消费者说老板跑路了")
    [w] = warnings.list_warnings(ws)
    assert w.grown_since_ack == 1 and w.needs_attention and warnings.open_count(ws) == 1


def test_a_long_note_is_refused_and_nothing_changes(ws):
    only_rules(ws, keywords_on=True)
    take_in(ws, description="老板跑路了")
    [w] = warnings.list_warnings(ws)
    with pytest.raises(warnings.AckNoteTooLong):
        warnings.acknowledge(ws, w.id, "字" * (warnings.NOTE_MAX + 1))
    assert warnings.get_warning(ws, w.id).acknowledged_at is None


# ---------------------------------------------------------------- the rules


def test_rules_are_checked_as_a_whole(ws):
    before = warnings.current_rules(ws)
    bad = replace(before, business_count=1, business_days=0, repeat_days=366,
                  keywords=(" ", ""), categories=("很长" * 11,))
    with pytest.raises(WarningRulesRefused) as refused:
        warnings.save_rules(ws, bad)
    assert refused.value.problems == {
        RuleField.BUSINESS_COUNT: RuleProblem.COUNT_RANGE,
        RuleField.BUSINESS_DAYS: RuleProblem.DAYS_RANGE,
        RuleField.REPEAT_DAYS: RuleProblem.DAYS_RANGE,
        RuleField.KEYWORDS: RuleProblem.EMPTY_LIST,
        RuleField.CATEGORIES: RuleProblem.WORD_TOO_LONG}
    assert warnings.current_rules(ws) == before


def test_a_mediator_reads_the_rules_but_cannot_change_them(ws):
    ws.actor = replace(ws.actor, role=UserRole.MEDIATOR)
    assert warnings.current_rules(ws) == WarningRules()
    with pytest.raises(WarningRulesRefused) as refused:
        warnings.save_rules(ws, replace(WarningRules(), business_count=3))
    assert refused.value.problems == {None: RuleProblem.NOT_PERMITTED}
    assert warnings.current_rules(ws) == WarningRules()


def test_a_rules_change_is_audited_and_rechecks_recent_cases(ws):
    only_rules(ws, business_on=True)
    for d in (2, 1, 0):
        take_in(ws, days_ago=d, phone=f"1380000008{d}")
    assert warnings.list_warnings(ws) == []
    warnings.save_rules(ws, replace(warnings.current_rules(ws), business_count=3))
    [w] = of_rule(ws, WarningRule.BUSINESS_VOLUME)
    assert w.count == 3 and w.threshold == 3
    with ws.store.unit_of_work() as session:
        changed = [e.changes for e in session.scalars(select(AuditEvent).where(
            AuditEvent.entity == "office_setting"))]
    assert {"warning_rules.business_count": [5, 3]} in changed


def test_a_batch_of_cases_is_checked_in_a_few_queries(ws):
    """An import checks thousands of work orders at once: the number of statements does
    not grow with the number of cases."""
    only_rules(ws, business_on=True, keywords_on=True, categories_on=True, repeat_on=True,
               channels_on=True)
    now = FIXED_NOW - timedelta(hours=2)
    with ws.store.unit_of_work() as session:
        ids = []
        for i in range(400):
            case_id = uuid.uuid4()
            session.add(Case(
                id=case_id, office_id=ws.actor.office_id, track="market_complaint",
                kind="complaint", source=("12315", "12345")[i % 2], source_ticket=f"B{i}",
                status="received", received_at=now - timedelta(days=i % 20),
                respondent_name=f"商家{i % 40}", complainant_phone=f"1390000{i % 50:04d}",
                description="跑路" if i % 7 == 0 else "质量问题",
                category="食品安全" if i % 5 == 0 else "网络购物"))
            ids.append(case_id)
        session.flush()
        statements: list[str] = []

        def seen(_conn, _cursor, statement, *_args) -> None:
            statements.append(statement)

        engine = ws.store.engine
        event.listen(engine, "before_cursor_execute", seen)
        try:
            result = warnings.check_cases(ws, session, ids)
        finally:
            event.remove(engine, "before_cursor_execute", seen)
    assert result.raised > 40
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 10

