"""Reference data kept by the central database's administrator: the holiday calendar,
the deadline rule sets and the offices' profiles (`mediation-desk central calendar |
rules | office`).

Logins may only read these tables, so a linked workstation refuses to edit them
(sync.require_standalone); this is where they change for every workstation. The writes
go through the standalone services' own functions and checks (calendar_admin.write_year,
rule_admin.edit_rule_set, office_profile.check_office) inside one central transaction
(``central_writes``) that versions every row it writes and puts it in the change log,
audit rows included, so each workstation pulls the change at its next sync.

A calendar or rule-set change recomputes every open case's clocks in the same
transaction (app/services/clocks, in batches with progress), writing only the cases that
change. A workstation then pulls the new calendar together with its cases' new clocks,
its own recompute after the pull finds nothing to change, and it pushes nothing: N
workstations of an office no longer each send the same derived values. One transaction
also means no workstation ever sees the new calendar without the cases it moved, and an
interrupted command changes nothing.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, event, select, text
from sqlalchemy.orm import Session

from app.core.calendar import CalendarSource, CalendarYear
from app.core.holiday_notice import Notice, NoticeError, NoticeProblem, notice_year
from app.core.timeutil import utcnow
from app.core.workflow import Track
from app.services import audit, calendar_admin, clocks, rule_admin
from app.services.calendar_admin import YearSummary
from app.services.central_admin import ADMIN_ACTOR, AdminError, require_schema
from app.services.office_profile import OfficeProfile, ProfileField, ProfileProblem, check_office
from app.services.reference import load_calendar
from app.services.rule_admin import RuleEditRefused, RuleSetView
from app.store.models import Case, Office
from app.sync.push import log_rows
from app.sync.tables import synced_tables

ACTOR_MAX = 64  # audit_events.actor, modified_by


class OfficeRefused(AdminError):
    """Nothing was saved. ``problems``: option name (name, committee, prefix, address,
    phone) -> what is wrong with the value given."""

    def __init__(self, problems: dict[str, ProfileProblem]) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


class UnknownClock(AdminError):
    """``--limit KEY=DAYS`` names no clock of the rule set."""

    def __init__(self, key: str, known: tuple[str, ...]) -> None:
        super().__init__(f"{key} (known: {', '.join(known)})")
        self.key = key
        self.known = known


# ---------------------------------------------------------------- writing centrally


@contextmanager
def central_writes(engine: Engine, actor: str) -> Iterator[Session]:
    """One central transaction in which every synced row written is versioned (once)
    and logged for the workstations as ``actor``, as a push would log it."""
    require_schema(engine)
    tables = synced_tables()
    bumped: set[tuple[str, uuid.UUID]] = set()
    written: dict[str, set[uuid.UUID]] = defaultdict(set)

    def before_flush(session: Session, _context, _instances) -> None:
        for obj in session.dirty:
            name = getattr(obj, "__tablename__", None)
            if name in tables and (name, obj.id) not in bumped \
                    and session.is_modified(obj, include_collections=False):
                obj.version = obj.version + 1
                bumped.add((name, obj.id))

    def after_flush(session: Session, _context) -> None:
        for obj in session.new:
            name = getattr(obj, "__tablename__", None)
            if name in tables:
                written[name].add(obj.id)
                bumped.add((name, obj.id))  # a new row is version 1, whatever follows
        for obj in session.dirty:
            name = getattr(obj, "__tablename__", None)
            if name in tables and session.is_modified(obj, include_collections=False):
                written[name].add(obj.id)

    with Session(engine) as session:
        event.listen(session, "before_flush", before_flush)
        event.listen(session, "after_flush", after_flush)
        with session.begin():
            yield session
            session.flush()
            for name in tables:  # parents before children
                if written.get(name):
                    log_rows(session.connection(), name, sorted(written[name]), actor=actor)


def admin_name(engine: Engine, given: str | None) -> str:
    """Who the audit trail names: the name given (--by), else the database login."""
    if given is not None:
        name = given.strip()
        if not name or len(name) > ACTOR_MAX:
            raise AdminError(f"--by needs a name of 1 to {ACTOR_MAX} characters",
                             f"--by 需要 1 至 {ACTOR_MAX} 个字的姓名")
        return name
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            return str(conn.execute(text("SELECT session_user")).scalar_one())
    return ADMIN_ACTOR


def _recompute(session: Session, now: datetime, progress, batch: int
               ) -> clocks.RecomputeSummary:
    """Every open case in this transaction, on the calendar and rule sets as they read
    in it now (just changed)."""
    summary, _ = clocks.recompute(lambda: nullcontext(session),
                                  clocks.ClockBasis.read(session, now),
                                  key=Case.id, progress=progress, batch=batch)
    return summary


Progress = Callable[[int, int], None]


def fill_completion_dues(engine: Engine, *, actor: str, progress: Progress | None = None,
                         batch: int = clocks.BATCH) -> clocks.RecomputeSummary:
    """When the completing clock of every case closed before revision 0015 ran out (for
    按时办结率), worked out centrally in one transaction; the workstations take the
    values at their next sync."""
    with central_writes(engine, actor) as session:
        return clocks.fill_completion_dues_in(session, utcnow(), progress=progress,
                                              batch=batch)


# ---------------------------------------------------------------- calendar


def read_notice(text: str, year: int | None = None, *, official: bool = False) -> Notice:
    """The notice read as the standalone import reads it (NoticeError names the line).
    ``official``: the text must be the notice itself, its title naming the year."""
    if official:
        titled = notice_year(text)
        if titled is None:
            raise NoticeError(NoticeProblem.NO_YEAR)
        if year is not None and year != titled:
            raise AdminError(f"--year {year} but the notice's title says {titled}",
                             f"--year 为 {year}，但通知的标题写的是 {titled} 年")
        year = titled
    return calendar_admin.read_notice(text, year)


@dataclass(frozen=True)
class ReferenceSaved:
    changed: bool  # False: it read so already; nothing written, nothing recomputed
    recompute: clocks.RecomputeSummary | None = None
    years: tuple[int, ...] = ()  # calendar: the years whose rows changed


def import_calendar(engine: Engine, notice: Notice, *, actor: str, official: bool = False,
                    progress: Progress | None = None,
                    batch: int = clocks.BATCH) -> ReferenceSaved:
    """The notice's year (and its days in neighbouring years held), then every open
    case's clocks, in one central transaction."""
    now = utcnow()
    source = CalendarSource.OFFICIAL if official else CalendarSource.ADMIN
    with central_writes(engine, actor) as session:
        years = calendar_admin.write_year(session, notice.calendar,
                                          other_years=notice.other_years, actor=actor,
                                          office_id=None, now=now, source=source)
        if not years:
            return ReferenceSaved(False)
        session.flush()
        summary = _recompute(session, now, progress, batch)
    return ReferenceSaved(True, summary, tuple(years))


def calendar_years(engine: Engine) -> list[YearSummary]:
    with Session(engine) as session:
        return calendar_admin.year_summaries(session)


def calendar_year(engine: Engine, number: int) -> CalendarYear | None:
    with Session(engine) as session:
        return load_calendar(session).years.get(number)


# ---------------------------------------------------------------- rule sets


def rule_sets(engine: Engine) -> list[RuleSetView]:
    with Session(engine) as session:
        return rule_admin.rule_set_views(session)


def clock_index(view: RuleSetView, key: str) -> int:
    """The rule a --limit KEY names: its clock kind (mediation) or its number from 1."""
    kinds = [r.kind.value for r in view.rules]
    if key.isdigit() and 1 <= int(key) <= len(kinds):
        return int(key) - 1
    if key in kinds and kinds.count(key) == 1:
        return kinds.index(key)
    raise UnknownClock(key, tuple(kinds))


def set_rule_set(engine: Engine, code: str, *, limits: Mapping[str, int],
                 confirmed: bool | None, actor: str, progress: Progress | None = None,
                 batch: int = clocks.BATCH) -> ReferenceSaved:
    """New limits by clock (kind or number) and perhaps the 已核实 flag, recorded as
    verified by ``actor``; then every open case's clocks, in one central transaction.
    ``confirmed`` None: unchanged, but a verified set whose limits change is no longer
    verified (nobody has checked it as it reads now)."""
    view = next((v for v in rule_sets(engine) if v.code == code), None)
    if view is None:
        raise RuleEditRefused("unknown")
    indexed = {clock_index(view, key): days for key, days in limits.items()}
    rule_admin.check_edit(indexed, {})
    now = utcnow()
    with central_writes(engine, actor) as session:
        changed = rule_admin.edit_rule_set(session, code, limits=indexed, citations={},
                                           confirmed=confirmed, actor=actor, office_id=None,
                                           now=now)
        if not changed:
            return ReferenceSaved(False)
        session.flush()
        summary = _recompute(session, now, progress, batch)
    return ReferenceSaved(True, summary)


def limit_key(view: RuleSetView, index: int) -> str:
    """How the command line names the rule at ``index``."""
    kind = view.rules[index].kind
    same = [r for r in view.rules if r.kind is kind]
    return kind.value if len(same) == 1 else str(index + 1)


# ---------------------------------------------------------------- offices

# The options of `central office set` and the profile fields that check them.
_OFFICE_FIELDS = {"name": "name", "committee": "committee_name", "prefix": "number_prefix",
                  "address": "address", "phone": "phone"}


def set_office(engine: Engine, code: str, *, actor: str,
               **given: str | None) -> dict[str, list]:
    """An office's name, committee name, number prefix, address or phone (those given,
    not None), checked as the first-run form checks them; audited in the office's
    chain. Returns {column: [old, new]} of what changed."""
    unknown = set(given) - set(_OFFICE_FIELDS)
    if unknown:
        raise TypeError(f"unknown office fields {sorted(unknown)}")
    values = {k: v.strip() for k, v in given.items() if v is not None}
    with central_writes(engine, actor) as session:
        office = session.scalars(select(Office).where(Office.code == code.strip())).first()
        if office is None:
            codes = list(session.scalars(select(Office.code).order_by(Office.code)))
            raise AdminError(f"no office {code!r}; known offices: {', '.join(codes) or 'none'}",
                             f"没有 {code!r} 这个机构；现有机构：{'、'.join(codes) or '无'}")
        _check_office_values(office, values)
        changes = audit.apply_changes(office, {_OFFICE_FIELDS[k]: v for k, v in values.items()})
        if not changes:
            return {}
        now = utcnow()
        office.modified_at, office.modified_by = now, actor
        audit.record(session, actor=actor, entity="office", entity_id=office.id,
                     action="update", changes=changes, office_id=office.id, at=now)
    return changes


def _check_office_values(office: Office, values: dict[str, str]) -> None:
    """office_profile's checks of the fields given (an office made before those checks
    may hold a value they refuse; changing its phone does not depend on it)."""
    def profile(name: str) -> OfficeProfile:
        return OfficeProfile(
            track=Track(office.default_track), name=name,
            number_prefix=values.get("prefix", office.number_prefix),
            address=values.get("address", office.address),
            phone=values.get("phone", office.phone))

    by_option = {ProfileField.NUMBER_PREFIX: "prefix", ProfileField.ADDRESS: "address",
                 ProfileField.ORG_PHONE: "phone", ProfileField.ORG_NAME: "name"}
    problems: dict[str, ProfileProblem] = {}
    for field, problem in check_office(profile(values.get("name", office.name))).items():
        option = by_option.get(field) if field is not None else None
        if option in values:
            problems[option] = problem
    if "committee" in values:
        found = check_office(profile(values["committee"])).get(ProfileField.ORG_NAME)
        if found is not None and values["committee"]:  # empty: documents print the name
            problems["committee"] = found
    if problems:
        raise OfficeRefused(problems)


def office_row(engine: Engine, code: str) -> dict[str, str] | None:
    with Session(engine) as session:
        office = session.scalars(select(Office).where(Office.code == code)).first()
        if office is None:
            return None
        return {"code": office.code, "name": office.name,
                "committee": office.committee_name, "prefix": office.number_prefix,
                "address": office.address, "phone": office.phone}
