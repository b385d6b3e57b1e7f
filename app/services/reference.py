"""Reference data held in the store: the working-day calendar, deadline rule sets,
the office and the local user. Seeded at start without ever overwriting an edit."""

from __future__ import annotations

import getpass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.calendar import CalendarYear, WorkCalendar, seed_years_from_chinesecalendar
from app.core.deadlines import BASELINE_RULE_SETS, Pledge, RuleSet
from app.core.timeutil import utcnow
from app.core.users import UserRole
from app.services.context import Actor, Workstation
from app.store.database import Store
from app.store.models import (
    CalendarYearRow,
    DeadlineRuleSet,
    LocalMeta,
    Mediator,
    Office,
    OfficeSetting,
)

SEED_SOURCE = "chinesecalendar"
PLEDGES_KEY = "pledges"
CURRENT_LOGIN_KEY = "current_login"


def _calendar_covers(year: int) -> bool:
    import chinese_calendar

    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def seed_calendar(session: Session) -> int:
    """Add the years chinesecalendar knows and the table lacks. Returns rows added.

    A year already in the table (seeded earlier or entered by an administrator) is
    never replaced. The cheap probe keeps the usual start-up free of the full build.
    """
    existing = set(session.scalars(select(CalendarYearRow.year)))
    if existing and not _calendar_covers(max(existing) + 1):
        return 0
    added = 0
    for cy in seed_years_from_chinesecalendar():
        if cy.year in existing:
            continue
        session.add(calendar_row(cy, actor="system"))
        added += 1
    return added


def calendar_row(cy: CalendarYear, *, actor: str) -> CalendarYearRow:
    now = utcnow()
    return CalendarYearRow(
        year=cy.year,
        source=cy.source,
        revision=cy.version,
        holidays=sorted(d.isoformat() for d in cy.holidays),
        adjusted_workdays=sorted(d.isoformat() for d in cy.adjusted_workdays),
        names={d.isoformat(): n for d, n in dict(cy.names or {}).items()},
        modified_at=now,
        modified_by=actor,
    )


def _calendar_year(row: CalendarYearRow) -> CalendarYear:
    return CalendarYear(
        year=row.year,
        holidays=frozenset(date.fromisoformat(d) for d in row.holidays),
        adjusted_workdays=frozenset(date.fromisoformat(d) for d in row.adjusted_workdays),
        source=row.source,
        version=row.revision,
        names={date.fromisoformat(d): n for d, n in (row.names or {}).items()},
    )


def load_calendar(session: Session) -> WorkCalendar:
    rows = session.scalars(select(CalendarYearRow).where(CalendarYearRow.deleted.is_(False)))
    return WorkCalendar(_calendar_year(r) for r in rows)


def seed_rule_sets(session: Session) -> int:
    have = set(session.scalars(select(DeadlineRuleSet.code)))
    added = 0
    for rs in BASELINE_RULE_SETS:
        if rs.code not in have:
            session.add(rule_set_row(rs, actor="system"))
            added += 1
    return added


def rule_set_row(rs: RuleSet, *, actor: str) -> DeadlineRuleSet:
    d = rs.to_dict()
    return DeadlineRuleSet(
        code=rs.code,
        name=rs.name,
        track=rs.track.value,
        valid_from=rs.valid_from,
        valid_to=rs.valid_to,
        confirmed=rs.confirmed,
        rules=d["rules"],
        rejection_grounds=d["rejection_grounds"],
        termination_grounds=d["termination_grounds"],
        modified_at=utcnow(),
        modified_by=actor,
    )


def load_rule_sets(session: Session) -> tuple[RuleSet, ...]:
    rows = session.scalars(select(DeadlineRuleSet).where(DeadlineRuleSet.deleted.is_(False)))
    return tuple(
        RuleSet.from_dict(
            {
                "code": r.code,
                "name": r.name,
                "track": r.track,
                "valid_from": r.valid_from.isoformat(),
                "valid_to": r.valid_to.isoformat() if r.valid_to else None,
                "confirmed": r.confirmed,
                "rules": r.rules,
                "rejection_grounds": r.rejection_grounds,
                "termination_grounds": r.termination_grounds,
            }
        )
        for r in rows
    )


def load_pledges(session: Session, office_id) -> tuple[Pledge, ...]:
    row = session.scalars(
        select(OfficeSetting).where(
            OfficeSetting.office_id == office_id, OfficeSetting.key == PLEDGES_KEY
        )
    ).first()
    return tuple(Pledge.from_dict(p) for p in (row.value if row else []))


def ensure_office_and_user(session: Session, login: str | None = None) -> Actor:
    """The signed-in user of this workstation; a fresh store gets a default office and user."""
    meta = session.get(LocalMeta, CURRENT_LOGIN_KEY)
    login = login or (meta.value if meta else None)
    user = None
    if login:
        user = session.scalars(select(Mediator).where(Mediator.login == login)).first()
    if user is None:
        office = session.scalars(select(Office).order_by(Office.code)).first()
        if office is None:
            office = Office(
                code="LOCAL",
                name="本调解委员会",
                committee_name="人民调解委员会",
                number_prefix="调",
                modified_by="system",
            )
            session.add(office)
            session.flush()
        login = login or os_login()
        user = session.scalars(select(Mediator).where(Mediator.login == login)).first()
        if user is None:
            # No name until the person gives one (first run, 设置): the operating
            # system's login is not a person's name and must never be printed as one.
            user = Mediator(office_id=office.id, name="", login=login, role=UserRole.ADMIN,
                            modified_by="system")
            session.add(user)
            session.flush()
    if meta is None:
        session.add(LocalMeta(key=CURRENT_LOGIN_KEY, value=user.login))
    elif meta.value != user.login:
        meta.value = user.login
    return Actor(user.login, user.name, user.id, user.office_id, user.role)


def os_login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry (containers)
        return "mediator"


def open_workstation(store: Store, login: str | None = None) -> Workstation:
    """Seed what is missing and sign in the local user."""
    with store.unit_of_work() as session:
        seed_calendar(session)
        seed_rule_sets(session)
        actor = ensure_office_and_user(session, login)
    return Workstation(store=store, actor=actor)


def calendar(ws: Workstation, session: Session) -> WorkCalendar:
    if ws._calendar is None:
        ws._calendar = load_calendar(session)
    return ws._calendar


def rule_sets(ws: Workstation, session: Session) -> tuple[RuleSet, ...]:
    if ws._rule_sets is None:
        ws._rule_sets = load_rule_sets(session)
    return ws._rule_sets
