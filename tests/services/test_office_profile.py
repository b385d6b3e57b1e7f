"""First run of a standalone store: who the mediator is and who the office is, checked
as a whole, audited, and printed on what the office issues (issue 13, item 1)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from app.core.users import UserRole
from app.core.workflow import Track
from app.services import office_profile
from app.services.office_profile import (
    MediatorProfile,
    OfficeProfile,
    ProfileField,
    ProfileProblem,
    ProfileRefused,
)
from app.store.models import AuditEvent, Mediator, Office

OFFICE = OfficeProfile(Track.PEOPLES_MEDIATION, "张江镇人民调解委员会", "张江调",
                       "上海市浦东新区张江路100号", "021-58881234")
ME = MediatorProfile("张敏", "13812345678", "沪调证2026-0017")


def test_first_run_names_the_mediator_and_the_office_and_makes_an_administrator(ws):
    ws.actor = replace(ws.actor, role=UserRole.MEDIATOR)
    office_profile.set_up_standalone(ws, OFFICE, ME)
    assert ws.actor.name == "张敏" and ws.actor.role is UserRole.ADMIN
    with ws.store.unit_of_work() as s:
        office = s.get(Office, ws.actor.office_id)
        me = s.get(Mediator, ws.actor.mediator_id)
        assert (office.committee_name, office.number_prefix, office.default_track) == (
            "张江镇人民调解委员会", "张江调", "peoples_mediation")
        assert (office.address, office.phone) == ("上海市浦东新区张江路100号", "021-58881234")
        assert (me.name, me.phone, me.certificate_no, me.role) == (
            "张敏", "13812345678", "沪调证2026-0017", UserRole.ADMIN)
        entities = {e.entity for e in s.scalars(select(AuditEvent))}
    assert {"office", "mediator"} <= entities
    assert office_profile.current(ws) == (OFFICE, ME)
    assert office_profile.number_example("张江调", 2026) == "（2026）张江调字第0001号"


@pytest.mark.parametrize(("office", "me", "field", "problem"), [
    (OFFICE, replace(ME, name="  "), ProfileField.MEDIATOR_NAME, ProfileProblem.EMPTY),
    (OFFICE, replace(ME, name="张" * 21), ProfileField.MEDIATOR_NAME, ProfileProblem.TOO_LONG),
    (OFFICE, replace(ME, phone="1381234"), ProfileField.MEDIATOR_PHONE, ProfileProblem.BAD_PHONE),
    (replace(OFFICE, name=""), ME, ProfileField.ORG_NAME, ProfileProblem.EMPTY),
    (replace(OFFICE, number_prefix="浦(消)调"), ME, ProfileField.NUMBER_PREFIX,
     ProfileProblem.BAD_PREFIX),
    (replace(OFFICE, number_prefix="浦消调字"), ME, ProfileField.NUMBER_PREFIX,
     ProfileProblem.BAD_PREFIX),
    (replace(OFFICE, number_prefix="2026"), ME, ProfileField.NUMBER_PREFIX,
     ProfileProblem.BAD_PREFIX),
    (replace(OFFICE, phone="call me"), ME, ProfileField.ORG_PHONE, ProfileProblem.BAD_PHONE),
])
def test_a_bad_field_is_refused_by_name_and_nothing_is_saved(ws, office, me, field, problem):
    before = office_profile.current(ws)
    with pytest.raises(ProfileRefused) as refused:
        office_profile.set_up_standalone(ws, office, me)
    assert refused.value.problems[field] is problem
    assert office_profile.current(ws) == before


def test_only_an_administrator_changes_the_office_but_anyone_their_own_profile(ws):
    office_profile.set_up_standalone(ws, OFFICE, ME)
    ws.actor = replace(ws.actor, role=UserRole.MEDIATOR)
    with pytest.raises(ProfileRefused) as refused:
        office_profile.save_profile(ws, ME, replace(OFFICE, number_prefix="浦消调"))
    assert refused.value.problems == {None: ProfileProblem.NOT_ADMINISTRATOR}
    office_profile.save_profile(ws, replace(ME, phone="13900001111"))
    assert office_profile.current(ws) == (OFFICE, replace(ME, phone="13900001111"))


def test_a_linked_workstation_leaves_reference_data_to_the_central_database(ws, monkeypatch):
    # Centrally a login only reads offices, people, rule sets and the calendar: an edit
    # made here would be refused at push, so it is refused before anything is written.
    from app.services import calendar_admin, rule_admin
    from app.services import sync as sync_service
    from app.services.errors import CentrallyManaged

    before = office_profile.current(ws)
    monkeypatch.setattr(sync_service, "is_linked", lambda store: True)
    with pytest.raises(CentrallyManaged):
        office_profile.save_profile(ws, ME, OFFICE)
    year = calendar_admin.year(ws, 2026)
    with pytest.raises(CentrallyManaged):
        calendar_admin.save_year(ws, replace(year, holidays=year.holidays - {min(year.holidays)}))
    with pytest.raises(CentrallyManaged):
        rule_admin.save_rule_set(ws, "samr-order121-2026", limits={}, citations={},
                                 confirmed=True)
    assert office_profile.current(ws) == before
    assert calendar_admin.year(ws, 2026) == year
