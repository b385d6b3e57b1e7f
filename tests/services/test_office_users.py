"""用户与权限 on a standalone store: colleagues added by the administrator, each signing
in with their own password, roles deciding what each may do (issue 13, item 2)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core.users import Permission, UserRole
from app.services import cases, office_users
from app.services.errors import NotPermitted
from app.services.office_users import (
    NewUser,
    SignInProblem,
    SignInRefused,
    UserChange,
    UserField,
    UserProblem,
    UserRefused,
)
from app.store.models import AuditEvent, LocalMeta, Mediator
from tests.conftest import FIXED_NOW, complaint_form

ADMIN_PASSWORD = "zhang-2026-min"
LI = NewUser("李秀英", "lixiuying", UserRole.MEDIATOR, "li-xiu-ying-8", "13812345678")


def _with_admin_password(ws) -> None:
    office_users.set_password(ws, ws.actor.mediator_id, ADMIN_PASSWORD)


def _id_of(ws, login):
    return next(u.id for u in office_users.users(ws) if u.login == login)


def test_a_second_mediator_is_added_and_signs_in_with_their_own_password(ws, store):
    assert not office_users.sign_in_required(store)  # one person, no password: no question
    _with_admin_password(ws)
    office_users.add_user(ws, LI)
    assert office_users.sign_in_required(store)
    li = _id_of(ws, "lixiuying")
    with pytest.raises(SignInRefused) as refused:
        office_users.sign_in(store, li, ADMIN_PASSWORD)  # the admin's password is not hers
    assert refused.value.problem is SignInProblem.WRONG_PASSWORD
    her = office_users.sign_in(store, li, "li-xiu-ying-8")
    assert (her.actor.name, her.actor.role, her.actor.login) == (
        "李秀英", UserRole.MEDIATOR, "lixiuying")
    choices, last = office_users.sign_in_choices(store)
    assert last == li  # she is offered first next time
    assert {(c.name, c.login) for c in choices} == {("李秀英", "lixiuying"), ("", "zhangmin")}
    # What she may do is a mediator's: no colleagues, no handing out cases.
    with pytest.raises(NotPermitted):
        office_users.add_user(her, replace(LI, login="wangwu", name="王五"))
    with store.unit_of_work() as s:
        hashes = [m.value for m in s.scalars(select(LocalMeta).where(
            LocalMeta.key.like("signin:%")))]
        assert len(hashes) == 2 and not any("li-xiu-ying-8" in h for h in hashes)
        created = s.scalars(select(AuditEvent).where(AuditEvent.entity == "mediator",
                                                     AuditEvent.action == "create")).one()
        assert "li-xiu-ying-8" not in str(created.changes)


def test_a_colleague_cannot_be_added_before_the_administrator_has_a_password(ws):
    with pytest.raises(UserRefused) as refused:
        office_users.add_user(ws, LI)
    assert refused.value.problems == {None: UserProblem.OWN_PASSWORD_FIRST}
    assert [u.login for u in office_users.users(ws)] == ["zhangmin"]


@pytest.mark.parametrize(("new", "field", "problem"), [
    (replace(LI, name=" "), UserField.NAME, UserProblem.EMPTY),
    (replace(LI, name="李" * 21), UserField.NAME, UserProblem.TOO_LONG),
    (replace(LI, login="Li Xiu"), UserField.LOGIN, UserProblem.BAD_LOGIN),
    (replace(LI, login="zhangmin"), UserField.LOGIN, UserProblem.LOGIN_TAKEN),
    (replace(LI, password="1234567"), UserField.PASSWORD, UserProblem.SHORT_PASSWORD),
    (replace(LI, password="lixiuying"), UserField.PASSWORD, UserProblem.WEAK_PASSWORD),
    (replace(LI, phone="555"), UserField.PHONE, UserProblem.BAD_PHONE),
])
def test_bad_input_is_refused_by_field_and_nothing_is_saved(ws, new, field, problem):
    _with_admin_password(ws)
    with pytest.raises(UserRefused) as refused:
        office_users.add_user(ws, new)
    assert refused.value.problems[field] is problem
    assert [u.login for u in office_users.users(ws)] == ["zhangmin"]


def test_the_last_administrator_cannot_be_demoted_nor_oneself_deactivated(ws):
    me = ws.actor.mediator_id
    with pytest.raises(UserRefused) as refused:
        office_users.update_user(ws, me, UserChange("张敏", UserRole.MEDIATOR))
    assert refused.value.problems == {UserField.ROLE: UserProblem.LAST_ADMINISTRATOR}
    with pytest.raises(UserRefused) as refused:
        office_users.update_user(ws, me, UserChange("张敏", UserRole.ADMIN, active=False))
    assert UserField.ACTIVE in refused.value.problems
    _with_admin_password(ws)
    office_users.add_user(ws, replace(LI, role=UserRole.ADMIN))
    office_users.update_user(ws, me, UserChange("张敏", UserRole.SUPERVISOR))
    assert ws.actor.role is UserRole.SUPERVISOR


def test_a_deactivated_colleague_cannot_sign_in_and_keeps_their_history(ws, store):
    _with_admin_password(ws)
    office_users.add_user(ws, LI)
    li = _id_of(ws, "lixiuying")
    office_users.update_user(ws, li, UserChange("李秀英", UserRole.MEDIATOR, active=False))
    with pytest.raises(SignInRefused) as refused:
        office_users.sign_in(store, li, "li-xiu-ying-8")
    assert refused.value.problem is SignInProblem.UNKNOWN
    assert li not in {c.id for c in office_users.sign_in_choices(store)[0]}
    with store.unit_of_work() as s:
        assert s.get(Mediator, li) is not None  # kept: her cases and audit name her
        actions = [e.action for e in s.scalars(select(AuditEvent).where(
            AuditEvent.entity_id == li).order_by(AuditEvent.at))]
    assert actions == ["create", "update"]


def test_wrong_passwords_lock_the_name_for_a_minute(ws, store):
    _with_admin_password(ws)
    office_users.add_user(ws, LI)
    li = _id_of(ws, "lixiuying")
    for _ in range(office_users.MAX_FAILURES - 1):
        with pytest.raises(SignInRefused):
            office_users.sign_in(store, li, "guess-guess", now=FIXED_NOW)
    with pytest.raises(SignInRefused) as refused:
        office_users.sign_in(store, li, "guess-guess", now=FIXED_NOW)
    assert refused.value.problem is SignInProblem.LOCKED
    with pytest.raises(SignInRefused) as refused:  # even the right one, for now
        office_users.sign_in(store, li, "li-xiu-ying-8", now=FIXED_NOW + timedelta(seconds=30))
    assert refused.value.problem is SignInProblem.LOCKED and refused.value.wait_seconds > 0
    later = FIXED_NOW + office_users.LOCK_TIME + timedelta(seconds=1)
    assert office_users.sign_in(store, li, "li-xiu-ying-8", now=later).actor.login == "lixiuying"


def test_changing_ones_own_password_asks_the_current_one(ws, store):
    _with_admin_password(ws)
    me = ws.actor.mediator_id
    with pytest.raises(UserRefused) as refused:
        office_users.set_password(ws, me, "new-secret-1", current="not-it")
    assert refused.value.problems == {None: UserProblem.WRONG_PASSWORD}
    office_users.set_password(ws, me, "new-secret-1", current=ADMIN_PASSWORD)
    assert office_users.sign_in(store, me, "new-secret-1").actor.mediator_id == me


def test_only_a_supervisor_or_administrator_hands_a_case_to_someone_else(ws, store):
    _with_admin_password(ws)
    office_users.add_user(ws, LI)
    office_users.add_user(ws, replace(LI, name="王五", login="wangwu"))
    li_ws = office_users.sign_in(store, _id_of(ws, "lixiuying"), "li-xiu-ying-8")
    li_ws.now = lambda: FIXED_NOW
    wangwu = _id_of(ws, "wangwu")
    case, _ = cases.intake_work_order(li_ws, complaint_form())
    cases.accept(li_ws, case)
    with pytest.raises(NotPermitted) as refused:
        cases.assign(li_ws, case, wangwu)
    assert refused.value.permission is Permission.DISPATCH
    cases.assign(li_ws, case, li_ws.actor.mediator_id)  # 领取: an unassigned case, to herself
    cases.assign(ws, case, wangwu)  # the administrator dispatches
    assert cases.get_case(ws, case).mediator_id == wangwu


def test_suggested_logins_come_from_pinyin_and_are_never_taken(ws):
    assert office_users.suggest_login(ws, "李秀英") == "lixiuying"
    assert office_users.suggest_login(ws, "张敏") == "zhangmin2"  # zhangmin exists
