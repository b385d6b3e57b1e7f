"""Administering a central database: create or upgrade it, add offices and logins,
report its state, prune its change log. Used by `mediation-desk central ...`."""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine, delete, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.core.users import UserRole
from app.store import migrate
from app.store.base import utcnow
from app.store.models import (
    CalendarYearRow,
    Case,
    DeadlineRuleSet,
    Mediator,
    Office,
    SyncChange,
    SyncConflict,
    SyncMutation,
)
from app.sync import central as central_db
from app.sync.central import CentralConfig, CentralError, CentralErrorCode
from app.sync.push import log_rows

LOGIN_PATTERN = re.compile(r"^[a-z_][a-z0-9_]{1,62}$")
ROLES = (UserRole.MEDIATOR, UserRole.SUPERVISOR)  # each has a PostgreSQL group md_<role>
ADMIN_ACTOR = "central-admin"


class AdminError(Exception):
    """A refusal with a message for the person at the command line: ``str()`` is the
    English, ``chinese`` the same in Chinese (None: worded in English only). The command
    line prints the one its locale asks for; nothing here prints."""

    def __init__(self, english: str, chinese: str | None = None) -> None:
        super().__init__(english)
        self.chinese = chinese


def connect_admin(url: str, *, sslmode: str = "", sslrootcert: str = "") -> Engine:
    config, password = CentralConfig.from_text(url, sslmode, sslrootcert)
    engine = central_db.make_engine(config, password)
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        engine.dispose()
        raise CentralError(CentralErrorCode.UNREACHABLE, str(exc.orig).strip()) from exc
    return engine


def _new_rows(session: Session, model, before: set[uuid.UUID]) -> list[uuid.UUID]:
    return [i for i in session.scalars(select(model.id)) if i not in before]


def init_central(engine: Engine) -> str:
    """Create or upgrade the schema (roles and policies on PostgreSQL), and seed the
    reference data every office shares. Returns the schema revision."""
    from app.services.reference import seed_calendar, seed_rule_sets

    central_db.upgrade_schema(engine)
    with Session(engine) as session, session.begin():
        before_cal = set(session.scalars(select(CalendarYearRow.id)))
        before_rules = set(session.scalars(select(DeadlineRuleSet.id)))
        seed_calendar(session)
        seed_rule_sets(session)
        session.flush()
        conn = session.connection()
        log_rows(conn, "calendar_years", _new_rows(session, CalendarYearRow, before_cal),
                 actor=ADMIN_ACTOR)
        log_rows(conn, "deadline_rule_sets", _new_rows(session, DeadlineRuleSet, before_rules),
                 actor=ADMIN_ACTOR)
    return migrate.head_revision()


def require_schema(engine: Engine) -> None:
    with engine.connect() as conn:
        revision = central_db.schema_revision(conn)
    if revision is None:
        raise AdminError("this database has no Mediation Desk schema yet: run `central init` first",
                         "该数据库还没有调解工作台的数据库结构：请先运行 `central init`")
    if revision != migrate.head_revision():
        raise AdminError(f"schema is at {revision}, this program expects "
                         f"{migrate.head_revision()}: run `central init` to upgrade",
                         f"中心数据库的结构版本为 {revision}，本程序需要 {migrate.head_revision()}："
                         "请运行 `central init` 升级")


def add_office(engine: Engine, *, code: str, name: str, committee_name: str = "",
               number_prefix: str = "", region: str = "") -> uuid.UUID:
    require_schema(engine)
    code = code.strip()
    if not code or not name.strip():
        raise AdminError("an office needs a code and a name", "添加机构需要填写代码和名称")
    with Session(engine) as session, session.begin():
        if session.scalars(select(Office).where(Office.code == code)).first():
            raise AdminError(f"office {code} exists already", f"机构 {code} 已经存在")
        office = Office(code=code, name=name.strip(), committee_name=committee_name.strip(),
                        number_prefix=number_prefix.strip(), region=region.strip(),
                        modified_by=ADMIN_ACTOR)
        session.add(office)
        session.flush()
        log_rows(session.connection(), "offices", [office.id], actor=ADMIN_ACTOR)
        return office.id


def _find_office(session: Session, office: str) -> Office:
    found = session.scalars(select(Office).where(
        (Office.code == office) | (Office.name == office))).first()
    if found is None:
        offices = list(session.scalars(select(Office)))
        known = ", ".join(f"{o.code} ({o.name})" for o in offices)
        known_zh = "、".join(f"{o.code}（{o.name}）" for o in offices)
        raise AdminError(f"no office {office!r}; known offices: {known or 'none'} "
                         f"(add one with `central add-office`)",
                         f"没有 {office!r} 这个机构；现有机构：{known_zh or '无'}"
                         f"（可用 `central add-office` 添加）")
    return found


@dataclass(frozen=True)
class NewUser:
    login: str
    password: str | None  # generated here when none was given; shown once
    office_code: str


def add_user(engine: Engine, *, login: str, name: str, office: str, role: str,
             password: str | None = None) -> NewUser:
    """A person who signs in: a mediators row, and on PostgreSQL a login role in the
    group of its role, so row-level security knows their office."""
    require_schema(engine)
    login = login.strip().lower()
    if not LOGIN_PATTERN.match(login):
        raise AdminError("a login is 2-63 characters: lower-case letters, digits and _, "
                         "starting with a letter (e.g. zhangmin)",
                         "登录名只能用小写字母、数字或“_”，以字母开头，2 至 63 个字符，例如 zhangmin")
    if role not in ROLES:
        raise AdminError(f"role must be one of {', '.join(ROLES)}",
                         f"角色只能是 {'、'.join(ROLES)} 之一")
    generated = None
    if engine.dialect.name == "postgresql" and not password:
        password = generated = secrets.token_urlsafe(12)
    with Session(engine) as session, session.begin():
        found = _find_office(session, office)
        existing = session.scalars(select(Mediator).where(Mediator.login == login)).first()
        if existing is not None and (existing.office_id != found.id
                                     or engine.dialect.name != "postgresql"
                                     or _has_login(session, login)):
            raise AdminError(f"login {login} exists already", f"登录名 {login} 已有人使用")
        if existing is None:
            user = Mediator(office_id=found.id, name=name.strip() or login, login=login,
                            role=role, modified_by=ADMIN_ACTOR)
            session.add(user)
            session.flush()
            log_rows(session.connection(), "mediators", [user.id], actor=ADMIN_ACTOR)
        # else: a user brought in by `central import` gets the login it lacked.
        if engine.dialect.name == "postgresql":
            _create_login(session, login, password or "", role)
        office_code = found.code
    return NewUser(login, generated, office_code)


def _has_login(session: Session, login: str) -> bool:
    return session.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"),
                           {"n": login}).first() is not None


def _create_login(session: Session, login: str, password: str, role: str) -> None:
    from psycopg import sql

    dbapi = session.connection().connection.driver_connection
    exists = session.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"),
                             {"n": login}).first()
    statement = "ALTER ROLE {} LOGIN PASSWORD {}" if exists else "CREATE ROLE {} LOGIN PASSWORD {}"
    with dbapi.cursor() as cur:
        cur.execute(sql.SQL(statement).format(sql.Identifier(login), sql.Literal(password)))
        cur.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(f"md_{role}"),
                                                    sql.Identifier(login)))


@dataclass(frozen=True)
class CentralStatus:
    kind: str
    revision: str | None
    expected_revision: str
    epoch: str | None
    offices: int
    users: int
    cases: int
    changes: int
    open_conflicts: int
    mutations: int


def status(engine: Engine) -> CentralStatus:
    with engine.connect() as conn:
        revision = central_db.schema_revision(conn)
        if revision is None:
            return CentralStatus(engine.dialect.name, None, migrate.head_revision(), None,
                                 0, 0, 0, 0, 0, 0)

        def count(model, *where) -> int:
            return int(conn.execute(select(func.count()).select_from(model).where(*where))
                       .scalar_one())

        return CentralStatus(
            kind=engine.dialect.name,
            revision=revision,
            expected_revision=migrate.head_revision(),
            epoch=central_db.meta(conn, central_db.EPOCH_KEY),
            offices=count(Office),
            users=count(Mediator),
            cases=count(Case, Case.deleted.is_(False)),
            changes=count(SyncChange),
            open_conflicts=count(SyncConflict, SyncConflict.status == "open"),
            mutations=count(SyncMutation),
        )


def prune_change_log(engine: Engine, *, keep_days: int | None = None) -> int:
    """Delete change-log entries older than the retention. Clients whose cursor is below
    what remains resync (keeping their unsent changes)."""
    with engine.begin() as conn:
        days = keep_days or int(central_db.meta(conn, central_db.RETENTION_KEY)
                                or central_db.DEFAULT_RETENTION_DAYS)
        cutoff = utcnow() - timedelta(days=days)
        last = conn.execute(select(SyncChange.txid, SyncChange.seq).where(SyncChange.at < cutoff)
                            .order_by(SyncChange.txid.desc(), SyncChange.seq.desc()).limit(1)
                            ).first()
        if last is None:
            return 0
        removed = conn.execute(delete(SyncChange).where(SyncChange.at < cutoff)).rowcount
        central_db.set_meta(conn, central_db.LOG_FLOOR_KEY, f"{last.txid}:{last.seq}")
        return int(removed or 0)
