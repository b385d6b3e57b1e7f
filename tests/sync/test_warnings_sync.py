"""Early warnings travel like any office row: raised on one desk, seen and acknowledged
on the supervisor's; the same warning raised on two desks offline becomes one row."""

from __future__ import annotations

import itertools

from sqlalchemy import select

from app.core.warnings import WarningRule
from app.services import cases, warnings
from app.services.dto import PartyInput
from app.store.models import AuditEvent, EarlyWarning
from tests.conftest import complaint_form

_tickets = itertools.count(1)


def take_in(desk, *, description: str = "会员卡无法使用", phone: str = "13800135678",
            business: str = "上海悦动健身管理有限公司"):
    form = complaint_form(
        source_ticket=f"1310115202699{next(_tickets):06d}",
        received_at=desk.ws.now(), description=description,
        complainant=PartyInput(role="applicant", party_type="person", name="李秀英",
                               phone=phone, address="上海市浦东新区张杨路500号"),
        respondent=PartyInput(role="respondent", party_type="business", name=business))
    case_id, _ = cases.intake_work_order(desk.ws, form)
    return case_id


def test_a_warning_raised_on_one_desk_is_acknowledged_on_the_supervisors(desks):
    a, boss = desks("mdt_zhangmin"), desks("mdt_lisi")
    case_id = take_in(a, description="老板跑路了，预付卡退不了")
    assert a.sync().rejected == 0
    boss.sync()
    [w] = warnings.list_warnings(boss.ws)
    assert w.rule == WarningRule.KEYWORD and w.case_ids == (case_id,)
    assert warnings.open_count(boss.ws) == 1
    warnings.acknowledge(boss.ws, w.id, "已安排上门核查")
    assert boss.sync().rejected == 0
    a.sync()
    [seen] = warnings.list_warnings(a.ws)
    assert (seen.acknowledged_by, seen.ack_note) == ("李思", "已安排上门核查")
    assert warnings.open_count(a.ws) == 0
    with a.central.admin().connect() as conn:
        actors = conn.execute(select(AuditEvent.actor).where(
            AuditEvent.entity == "warning", AuditEvent.action == "acknowledge")).scalars().all()
    assert actors == ["mdt_lisi"]


def test_the_same_warning_raised_on_two_desks_offline_becomes_one(desks):
    a, b = desks("mdt_zhangmin"), desks("mdt_wangfang")
    first = take_in(a, description="店家跑路", phone="13800000001")
    second = take_in(b, description="门店关门了", phone="13800000002")
    [wa], [wb] = warnings.list_warnings(a.ws), warnings.list_warnings(b.ws)
    assert wa.id == wb.id  # the same row, made twice
    assert a.sync().rejected == 0
    report = b.sync()
    assert (report.rejected, report.conflicts) == (0, 0)
    a.sync()
    for desk in (a, b):
        [w] = warnings.list_warnings(desk.ws)
        assert set(w.case_ids) == {first, second}
        assert w.first_fired_at == min(wa.first_fired_at, wb.first_fired_at)
    with a.central.admin().connect() as conn:
        rows = conn.execute(select(EarlyWarning.case_ids)).scalars().all()
    assert len(rows) == 1 and len(rows[0].split(",")) == 2
    # The words each desk saw: the last writer's stand centrally; the recheck that runs
    # after a pull brings the other desk's back.
    warnings.recheck(a.ws)
    [w] = warnings.list_warnings(a.ws)
    assert w.detail["keywords"] == ["关门", "跑路"]


def test_cases_from_several_desks_add_up_after_a_sync(desks):
    """Three complaints taken in here and two there: five against one business, seen
    once a recheck runs after the pull."""
    a, b = desks("mdt_zhangmin"), desks("mdt_wangfang")
    for i in range(3):
        take_in(a, phone=f"1380000010{i}")
    for i in range(2):
        take_in(b, phone=f"1380000020{i}")
    assert not [w for w in warnings.list_warnings(b.ws)
                if w.rule == WarningRule.BUSINESS_VOLUME]
    a.sync()
    report = b.sync()
    assert "cases" in report.pulled_tables
    assert warnings.recheck(b.ws).raised == 1
    [w] = [w for w in warnings.list_warnings(b.ws) if w.rule == WarningRule.BUSINESS_VOLUME]
    assert w.count == 5
    b.sync()
    a.sync()
    assert warnings.recheck(a.ws).changed is False  # nothing to send back
    [w] = [w for w in warnings.list_warnings(a.ws) if w.rule == WarningRule.BUSINESS_VOLUME]
    assert w.count == 5
