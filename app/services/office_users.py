"""设置 → 用户与权限: the people who share a standalone store, their roles, and how each
signs in (issue 13).

A standalone store starts with one person, its administrator, signed in without a
password. Once anyone has a sign-in password, everyone signs in by name and password;
an administrator sets their own password before adding a colleague, so that nobody can
sign in as them. The hashes stay on this computer (``local_meta``), never synced. On a
workstation linked to a central database the people are the central ``mediators`` rows,
shown here and changed only by the central administrator.
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.errors import UserFacingError
from app.core.ids import new_id
from app.core.passwords import MIN_LENGTH, check_password, hash_password
from app.core.timeutil import utcnow
from app.core.users import Permission, UserRole, may
from app.core.validation import check_phone
from app.core.workflow import OPEN_STATUSES
from app.services import audit, sync
from app.services.context import Workstation
from app.services.dto import Changes
from app.services.errors import NotPermitted
from app.services.office_profile import CERTIFICATE_MAX, NAME_MAX
from app.services.reference import CURRENT_LOGIN_KEY, open_workstation
from app.store.database import Store
from app.store.models import Case, LocalMeta, Mediator

log = logging.getLogger(__name__)

_LOGIN = re.compile(r"^[a-z][a-z0-9_.]{1,31}$")
PASSWORD_MAX = 128
MAX_FAILURES = 5  # then the name is locked for LOCK_TIME after each further failure
LOCK_TIME = timedelta(seconds=60)


class UserField(StrEnum):
    NAME = "name"
    LOGIN = "login"
    ROLE = "role"
    PASSWORD = "password"
    PHONE = "phone"
    CERTIFICATE_NO = "certificate_no"
    ACTIVE = "active"


class UserProblem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    BAD_LOGIN = "bad_login"  # not 2-32 lowercase letters, digits, _ or .
    LOGIN_TAKEN = "login_taken"
    SHORT_PASSWORD = "short_password"
    WEAK_PASSWORD = "weak_password"  # the same as the login
    WRONG_PASSWORD = "wrong_password"  # one's own current password, when changing it
    BAD_PHONE = "bad_phone"
    LAST_ADMINISTRATOR = "last_administrator"  # the store would have no administrator
    OWN_ACCOUNT = "own_account"  # one does not deactivate oneself
    OWN_PASSWORD_FIRST = "own_password_first"  # a shared store needs the admin's password
    NOT_FOUND = "not_found"


class UserRefused(UserFacingError):
    """Nothing was saved; ``problems`` names each field that is wrong (None: the whole)."""

    def __init__(self, problems: dict[UserField | None, UserProblem]) -> None:
        super().__init__(", ".join(f"{f}: {p}" for f, p in problems.items()))
        self.problems = problems


class SignInProblem(StrEnum):
    WRONG_PASSWORD = "wrong_password"
    LOCKED = "locked"  # too many wrong passwords: wait
    NO_PASSWORD = "no_password"  # this person cannot sign in until a password is set
    UNKNOWN = "unknown"  # no such active person


class SignInRefused(UserFacingError):
    def __init__(self, problem: SignInProblem, wait_seconds: int = 0) -> None:
        super().__init__(problem.value)
        self.problem, self.wait_seconds = problem, wait_seconds


@dataclass(frozen=True)
class UserView:
    id: uuid.UUID
    login: str
    name: str
    role: UserRole
    phone: str
    certificate_no: str
    active: bool
    has_password: bool
    open_cases: int
    is_me: bool


@dataclass(frozen=True)
class NewUser:
    name: str
    login: str
    role: UserRole
    password: str
    phone: str = ""
    certificate_no: str = ""


@dataclass(frozen=True)
class UserChange:
    name: str
    role: UserRole
    phone: str = ""
    certificate_no: str = ""
    active: bool = True


@dataclass(frozen=True)
class SignInChoice:
    """Someone who may be chosen at sign-in."""

    id: uuid.UUID
    name: str  # "" until the person gives one
    login: str
    role: UserRole
    has_password: bool


def _password_key(user_id: uuid.UUID) -> str:
    return f"signin:{user_id.hex}"


def _failures_key(user_id: uuid.UUID) -> str:
    return f"signin_failures:{user_id.hex}"


def _hashes(session: Session) -> dict[str, str]:
    return dict(session.execute(select(LocalMeta.key, LocalMeta.value).where(
        LocalMeta.key.like("signin:%"))).all())


# ---------------------------------------------------------------- reading


def users(ws: Workstation) -> list[UserView]:
    """The office's people, administrators first; deactivated ones last."""
    with ws.store.unit_of_work() as session:
        hashes = _hashes(session)
        open_counts = dict(session.execute(
            select(Case.mediator_id, func.count()).where(
                Case.deleted.is_(False), Case.status.in_([s.value for s in OPEN_STATUSES]),
                Case.office_id == ws.actor.office_id)
            .group_by(Case.mediator_id)).all())
        rows = session.scalars(select(Mediator).where(
            Mediator.office_id == ws.actor.office_id, Mediator.deleted.is_(False)))
        order = {UserRole.ADMIN: 0, UserRole.SUPERVISOR: 1, UserRole.MEDIATOR: 2}
        views = [UserView(m.id, m.login, m.name, UserRole(m.role), m.phone, m.certificate_no,
                          m.active, _password_key(m.id) in hashes, open_counts.get(m.id, 0),
                          m.id == ws.actor.mediator_id) for m in rows]
    return sorted(views, key=lambda v: (not v.active, order[v.role], v.login))


def suggest_login(ws: Workstation, name: str) -> str:
    """A login from the name's pinyin (李秀英 → lixiuying), numbered when taken."""
    from pypinyin import lazy_pinyin  # ~0.1 s to load: not needed to open the window

    base = re.sub(r"[^a-z0-9]", "", "".join(lazy_pinyin(name.strip())).lower())
    if not base or not base[0].isalpha():
        base = "user" + base
    base = base[:28]
    with ws.store.unit_of_work() as session:
        taken = {login.lower() for login in session.scalars(select(Mediator.login))}
    if base not in taken:
        return base
    return next(f"{base}{n}" for n in range(2, 1000) if f"{base}{n}" not in taken)


def sign_in_required(store: Store) -> bool:
    """True when someone on this standalone store has a password: then everyone signs in."""
    if sync.is_linked(store):
        return False  # the central database's login is who one is
    with store.unit_of_work() as session:
        return bool(_hashes(session))


def sign_in_choices(store: Store) -> tuple[list[SignInChoice], uuid.UUID | None]:
    """The active people of the store, and who signed in last (to preselect)."""
    with store.unit_of_work() as session:
        hashes = _hashes(session)
        last = session.get(LocalMeta, CURRENT_LOGIN_KEY)
        rows = list(session.scalars(select(Mediator).where(
            Mediator.active.is_(True), Mediator.deleted.is_(False)).order_by(Mediator.login)))
        choices = [SignInChoice(m.id, m.name, m.login, UserRole(m.role),
                                _password_key(m.id) in hashes) for m in rows]
        last_id = next((m.id for m in rows if last and m.login == last.value), None)
    return choices, last_id


def sign_in(store: Store, user_id: uuid.UUID, password: str, *,
            now: datetime | None = None) -> Workstation:
    """The workstation signed in as this person, if the password is theirs."""
    now = now or utcnow()
    with store.unit_of_work() as session:
        user = session.get(Mediator, user_id)
        if user is None or not user.active or user.deleted:
            raise SignInRefused(SignInProblem.UNKNOWN)
        stored = session.get(LocalMeta, _password_key(user_id))
        if stored is None:
            raise SignInRefused(SignInProblem.NO_PASSWORD)
        failures = session.get(LocalMeta, _failures_key(user_id))
        count, last = _read_failures(failures)
        if count >= MAX_FAILURES and last is not None and now < last + LOCK_TIME:
            wait = int((last + LOCK_TIME - now).total_seconds()) + 1
            raise SignInRefused(SignInProblem.LOCKED, wait)
        ok = check_password(password, stored.value)
        if not ok:
            value = f"{count + 1}|{now.isoformat()}"
            if failures is None:
                session.add(LocalMeta(key=_failures_key(user_id), value=value))
            else:
                failures.value = value
        elif failures is not None:
            session.delete(failures)
        login = user.login
    if not ok:
        log.warning("sign-in refused: wrong password for user %s (%d in a row)",
                    user_id.hex, count + 1)
        if count + 1 >= MAX_FAILURES:
            raise SignInRefused(SignInProblem.LOCKED, int(LOCK_TIME.total_seconds()))
        raise SignInRefused(SignInProblem.WRONG_PASSWORD)
    log.info("signed in: user %s", user_id.hex)
    return open_workstation(store, login)


def _read_failures(row: LocalMeta | None) -> tuple[int, datetime | None]:
    if row is None:
        return 0, None
    try:
        count, at = row.value.split("|", 1)
        return int(count), datetime.fromisoformat(at)
    except ValueError:
        return MAX_FAILURES, None  # damaged: no lock, but no free tries either


# ---------------------------------------------------------------- changing


def _require(ws: Workstation, permission: Permission) -> None:
    if not may(ws.actor.role, permission):
        raise NotPermitted(permission, ws.actor.role)


def _check_person(problems: dict, name: str, phone: str, certificate_no: str) -> None:
    if not name.strip():
        problems[UserField.NAME] = UserProblem.EMPTY
    elif len(name.strip()) > NAME_MAX:
        problems[UserField.NAME] = UserProblem.TOO_LONG
    if phone.strip() and not check_phone(phone).valid:
        problems[UserField.PHONE] = UserProblem.BAD_PHONE
    if len(certificate_no.strip()) > CERTIFICATE_MAX:
        problems[UserField.CERTIFICATE_NO] = UserProblem.TOO_LONG


def _check_password(problems: dict, password: str, login: str) -> None:
    if len(password) < MIN_LENGTH:
        problems[UserField.PASSWORD] = UserProblem.SHORT_PASSWORD
    elif len(password) > PASSWORD_MAX:
        problems[UserField.PASSWORD] = UserProblem.TOO_LONG
    elif password.strip().lower() == login.strip().lower():
        problems[UserField.PASSWORD] = UserProblem.WEAK_PASSWORD


def _set_hash(session: Session, user_id: uuid.UUID, password: str) -> None:
    row = session.get(LocalMeta, _password_key(user_id))
    if row is None:
        session.add(LocalMeta(key=_password_key(user_id), value=hash_password(password)))
    else:
        row.value = hash_password(password)
    failures = session.get(LocalMeta, _failures_key(user_id))
    if failures is not None:
        session.delete(failures)


def add_user(ws: Workstation, new: NewUser) -> Changes:
    """A colleague who shares this store, with the password they sign in with."""
    sync.require_standalone(ws.store)
    _require(ws, Permission.MANAGE_USERS)
    login = new.login.strip().lower()
    problems: dict[UserField | None, UserProblem] = {}
    _check_person(problems, new.name, new.phone, new.certificate_no)
    if not _LOGIN.match(login):
        problems[UserField.LOGIN] = UserProblem.BAD_LOGIN
    _check_password(problems, new.password, login)
    with ws.store.unit_of_work() as session:
        if session.get(LocalMeta, _password_key(ws.actor.mediator_id)) is None:
            problems[None] = UserProblem.OWN_PASSWORD_FIRST
        if UserField.LOGIN not in problems and session.scalar(
                select(func.count()).select_from(Mediator)
                .where(func.lower(Mediator.login) == login)):
            problems[UserField.LOGIN] = UserProblem.LOGIN_TAKEN
        if problems:
            raise UserRefused(problems)
        now = ws.now()
        user = Mediator(id=new_id(), office_id=ws.actor.office_id, name=new.name.strip(),
                        login=login, role=UserRole(new.role), phone=new.phone.strip(),
                        certificate_no=new.certificate_no.strip(), active=True,
                        modified_at=now, modified_by=ws.actor.login)
        session.add(user)
        session.flush()
        _set_hash(session, user.id, new.password)
        audit.record(session, actor=ws.actor.login, entity="mediator", entity_id=user.id,
                     action="create", office_id=user.office_id, at=now, changes={
                         "name": [None, user.name], "login": [None, login],
                         "role": [None, UserRole(new.role).value]})
    return Changes(reference=True)


def update_user(ws: Workstation, user_id: uuid.UUID, change: UserChange) -> Changes:
    """Name, role, phone, certificate and whether the person may still sign in."""
    sync.require_standalone(ws.store)
    _require(ws, Permission.MANAGE_USERS)
    problems: dict[UserField | None, UserProblem] = {}
    _check_person(problems, change.name, change.phone, change.certificate_no)
    with ws.store.unit_of_work() as session:
        user = session.get(Mediator, user_id)
        if user is None or user.deleted or user.office_id != ws.actor.office_id:
            raise UserRefused({None: UserProblem.NOT_FOUND})
        if user_id == ws.actor.mediator_id and not change.active:
            problems[UserField.ACTIVE] = UserProblem.OWN_ACCOUNT
        stays_admin = change.active and change.role == UserRole.ADMIN
        if user.role == UserRole.ADMIN and user.active and not stays_admin:
            others = session.scalar(select(func.count()).select_from(Mediator).where(
                Mediator.role == UserRole.ADMIN, Mediator.active.is_(True),
                Mediator.deleted.is_(False), Mediator.id != user_id))
            if not others:
                problems[UserField.ROLE] = UserProblem.LAST_ADMINISTRATOR
        if problems:
            raise UserRefused(problems)
        changes = audit.apply_changes(user, {
            "name": change.name.strip(), "role": UserRole(change.role), "phone": change.phone.strip(),
            "certificate_no": change.certificate_no.strip(), "active": change.active})
        if changes:
            now = ws.now()
            user.modified_at, user.modified_by = now, ws.actor.login
            audit.record(session, actor=ws.actor.login, entity="mediator", entity_id=user.id,
                         action="update", changes=changes, office_id=user.office_id, at=now)
    if user_id == ws.actor.mediator_id:
        ws.actor = replace(ws.actor, name=change.name.strip(), role=change.role)
    return Changes(reference=True)


def confirm_administrator(ws: Workstation, password: str) -> None:
    """Before the store's own secrets change (a new recovery code) on a shared store: the
    signed-in administrator, by their sign-in password. Someone who found a colleague's
    window unlocked could otherwise mint a recovery code of their own."""
    _require(ws, Permission.MANAGE_USERS)
    with ws.store.unit_of_work() as session:
        stored = session.get(LocalMeta, _password_key(ws.actor.mediator_id))
        if stored is not None and check_password(password, stored.value):
            return
    log.warning("identity not confirmed for user %s", ws.actor.mediator_id.hex)
    raise UserRefused({None: UserProblem.WRONG_PASSWORD})


def set_password(ws: Workstation, user_id: uuid.UUID, password: str, *,
                 current: str | None = None) -> Changes:
    """One's own password (the current one asked, if there is one), or, for an
    administrator, a colleague's (they forgot it)."""
    sync.require_standalone(ws.store)
    mine = user_id == ws.actor.mediator_id
    if not mine:
        _require(ws, Permission.MANAGE_USERS)
    problems: dict[UserField | None, UserProblem] = {}
    with ws.store.unit_of_work() as session:
        user = session.get(Mediator, user_id)
        if user is None or user.deleted or user.office_id != ws.actor.office_id:
            raise UserRefused({None: UserProblem.NOT_FOUND})
        _check_password(problems, password, user.login)
        stored = session.get(LocalMeta, _password_key(user_id))
        if mine and stored is not None and not check_password(current or "", stored.value):
            problems[None] = UserProblem.WRONG_PASSWORD
        if problems:
            raise UserRefused(problems)
        _set_hash(session, user_id, password)
        audit.record(session, actor=ws.actor.login, entity="mediator", entity_id=user_id,
                     action="set_password", office_id=user.office_id, at=ws.now())
    log.info("sign-in password set for user %s", user_id.hex)
    return Changes(reference=True)
