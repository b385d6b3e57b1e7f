"""Reference data: the calendar table is seeded once and never overwrites an edit."""

from __future__ import annotations

from sqlalchemy import func, select

from app.services.reference import load_calendar, open_workstation, seed_calendar
from app.store.models import CalendarYearRow, DeadlineRuleSet, Office


def test_first_start_seeds_calendar_rule_sets_office_and_user(store):
    ws = open_workstation(store, login="lina")
    with store.unit_of_work() as s:
        years = set(s.scalars(select(CalendarYearRow.year)))
        assert {2025, 2026} <= years and 2027 not in years
        assert s.scalar(select(func.count()).select_from(DeadlineRuleSet)) >= 3
        assert s.scalar(select(func.count()).select_from(Office)) == 1
    assert ws.actor.login == "lina"
    # The next start signs the same user in without being told.
    assert open_workstation(store).actor.login == "lina"


def test_an_administrators_edit_of_a_year_survives_reseeding(store):
    from datetime import date

    open_workstation(store)
    with store.unit_of_work() as s:
        row = s.scalars(select(CalendarYearRow).where(CalendarYearRow.year == 2026)).one()
        row.source = "admin"
        row.holidays = [*row.holidays, "2026-03-02"]
    with store.unit_of_work() as s:
        assert seed_calendar(s) == 0
        cal = load_calendar(s)
    assert not cal.is_workday(date(2026, 3, 2))
