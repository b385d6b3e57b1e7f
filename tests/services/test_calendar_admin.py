"""An administrator loads next year's holiday notice; the queue's clocks follow."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from app.core.users import UserRole
from app.services import calendar_admin, cases, clocks
from app.services.calendar_admin import NotAdministrator
from app.store.models import AuditEvent
from tests.conftest import complaint_form

# A 2027 notice in the published wording (the dates are this test's, not the State Council's).
NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（农历除夕、周五）至12日（周五）放假调休，共8天。2月14日（周日）、2月20日（周六）上班。
七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。
"""


def test_a_notice_loaded_by_the_administrator_is_the_years_calendar(ws):
    before = {y.year: y for y in calendar_admin.years(ws)}
    assert 2027 not in before
    notice = calendar_admin.read_notice(NOTICE_2027)
    changes = calendar_admin.save_year(ws, notice.calendar)
    assert changes.reference
    year = calendar_admin.year(ws, 2027)
    assert year is not None and date(2027, 2, 8) in year.holidays
    assert date(2027, 2, 20) in year.adjusted_workdays
    summary = {y.year: y for y in calendar_admin.years(ws)}[2027]
    assert (summary.holidays, summary.adjusted_workdays) == (18, 4)
    assert summary.source == "admin" and summary.modified_by == ws.actor.login
    with ws.store.unit_of_work() as s:
        events = list(s.scalars(select(AuditEvent).where(AuditEvent.entity == "calendar_year")))
    assert [e.action for e in events] == ["create"] and events[0].actor == ws.actor.login

    # Loaded again unchanged: nothing written. Corrected: a new revision, audited.
    calendar_admin.save_year(ws, notice.calendar)
    fixed = replace(notice.calendar, holidays=notice.calendar.holidays - {date(2027, 10, 7)})
    calendar_admin.save_year(ws, fixed)
    again = {y.year: y for y in calendar_admin.years(ws)}[2027]
    assert again.revision == summary.revision + 1 and again.holidays == 17
    with ws.store.unit_of_work() as s:
        assert list(s.scalars(select(AuditEvent.action).where(
            AuditEvent.entity == "calendar_year").order_by(AuditEvent.chain_seq))) == [
            "create", "update"]


def test_a_mediator_cannot_change_the_calendar_and_nothing_is_saved(ws):
    ws.actor = replace(ws.actor, role=UserRole.MEDIATOR)
    with pytest.raises(NotAdministrator):
        calendar_admin.save_year(ws, calendar_admin.read_notice(NOTICE_2027).calendar)
    assert calendar_admin.year(ws, 2027) is None


def test_a_case_due_on_a_day_the_notice_makes_a_holiday_moves(ws):
    case_id, _ = cases.intake_work_order(ws, complaint_form())
    with ws.store.unit_of_work() as s:
        from app.store.models import Case

        due = s.get(Case, case_id).next_deadline_on
    year = calendar_admin.year(ws, 2026)
    calendar_admin.save_year(ws, replace(year, holidays=year.holidays | {due}))
    summary, _ = clocks.recompute_open_clocks(ws)
    with ws.store.unit_of_work() as s:
        assert s.get(Case, case_id).next_deadline_on > due
    assert summary.changed == 1
