"""The holiday calendar as an administrator keeps it (设置 → 节假日安排, `calendar` CLI).

A year is loaded from the State Council notice (app/core/holiday_notice) or typed in as
dates, checked as a whole (CalendarYear), stored as one synced row with its revision
and audited. Days the notice names in the neighbouring year go into that year's row
when the store has it. After a change every open case's clocks must be recomputed
(app/services/clocks): the caller runs that in the background with progress.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.calendar import CalendarSource, CalendarYear, WorkCalendar
from app.core.errors import UserFacingError
from app.core.holiday_notice import Notice, parse_notice
from app.core.users import UserRole
from app.services import audit, sync
from app.services.context import Workstation
from app.services.dto import Changes
from app.services.reference import calendar_row, load_calendar
from app.store.models import CalendarYearRow

AUDIT_ENTITY = "calendar_year"


class NotAdministrator(UserFacingError):
    """Only an administrator changes the office's calendar."""


@dataclass(frozen=True)
class YearSummary:
    year: int
    source: str  # CalendarSource value
    revision: int
    holidays: int  # days off of the official holiday periods
    adjusted_workdays: int
    workdays: int  # working days in the year on this calendar
    modified_by: str


def years(ws: Workstation) -> list[YearSummary]:
    """The years the store holds, oldest first."""
    with ws.store.unit_of_work() as session:
        return year_summaries(session)


def year_summaries(session: Session) -> list[YearSummary]:
    """The years a store or the central database holds, oldest first."""
    rows = list(session.scalars(select(CalendarYearRow).where(
        CalendarYearRow.deleted.is_(False)).order_by(CalendarYearRow.year)))
    cal = load_calendar(session)
    return [YearSummary(r.year, r.source, r.revision, len(r.holidays),
                        len(r.adjusted_workdays), _workdays(cal, r.year), r.modified_by or "")
            for r in rows]


def year(ws: Workstation, number: int) -> CalendarYear | None:
    with ws.store.unit_of_work() as session:
        return load_calendar(session).years.get(number)


def _workdays(cal: WorkCalendar, year_number: int) -> int:
    day, end, count = date(year_number, 1, 1), date(year_number + 1, 1, 1), 0
    while day < end:
        count += cal.is_workday(day)
        day = date.fromordinal(day.toordinal() + 1)
    return count


def read_notice(text: str, year_number: int | None = None) -> Notice:
    """The notice read, for a preview before saving (NoticeError names a bad line)."""
    return parse_notice(text, year_number)


def save_year(ws: Workstation, new: CalendarYear, *,
              other_years: tuple[tuple[date, bool, str], ...] = ()) -> Changes:
    """Store ``new`` as its year's calendar (replacing what was there), audited; the
    neighbouring years' days of ``other_years`` go into those years' rows if held."""
    if ws.actor.role != UserRole.ADMIN:
        raise NotAdministrator()
    sync.require_standalone(ws.store)
    with ws.store.unit_of_work() as session:
        write_year(session, new, other_years=other_years, actor=ws.actor.login,
                   office_id=ws.actor.office_id, now=ws.now())
    ws.invalidate_reference()
    return Changes(reference=True)


def write_year(session: Session, new: CalendarYear, *,
               other_years: tuple[tuple[date, bool, str], ...] = (), actor: str,
               office_id: uuid.UUID | None, now: datetime,
               source: CalendarSource = CalendarSource.ADMIN) -> list[int]:
    """``new`` and the neighbouring years' days of ``other_years`` written into the
    calendar rows of ``session`` (a store's or the central database's), each change
    audited as ``actor``. Returns the years whose rows changed."""
    written = [new.year] if _store_year(session, new, actor, office_id, now, source) else []
    for year_number in sorted({d.year for d, _, _ in other_years}):
        held = _row(session, year_number)
        if held is None:
            continue
        current = load_calendar(session).years[year_number]
        days = [(d, off, n) for d, off, n in other_years if d.year == year_number]
        holidays = set(current.holidays) | {d for d, off, _ in days if off}
        workdays = (set(current.adjusted_workdays) - holidays) | {
            d for d, off, _ in days if not off}
        holidays -= {d for d, off, _ in days if not off}
        names = {**dict(current.names), **{d: n for d, _, n in days}}
        changed = CalendarYear(year=year_number, holidays=frozenset(holidays),
                               adjusted_workdays=frozenset(workdays),
                               source=CalendarSource.ADMIN, names=names)
        if _store_year(session, changed, actor, office_id, now, CalendarSource.ADMIN):
            written.append(year_number)
    return written


def _row(session, year_number: int) -> CalendarYearRow | None:
    return session.scalars(select(CalendarYearRow).where(
        CalendarYearRow.year == year_number)).first()


def _store_year(session: Session, new: CalendarYear, actor: str,
                office_id: uuid.UUID | None, now: datetime, source: CalendarSource) -> bool:
    fresh = calendar_row(new, actor=actor)
    row = _row(session, new.year)
    values = {"source": source.value, "holidays": fresh.holidays,
              "adjusted_workdays": fresh.adjusted_workdays, "names": fresh.names,
              "deleted": False}
    if row is None:
        fresh.source = source.value
        fresh.modified_at = now
        session.add(fresh)
        session.flush()
        row, changes = fresh, audit.snapshot(fresh, ["year", "holidays", "adjusted_workdays"])
        action = "create"
    else:
        changes = audit.apply_changes(row, values)
        if not changes:
            return False
        row.revision += 1
        row.modified_at = now
        row.modified_by = actor
        action = "update"
    audit.record(session, actor=actor, entity=AUDIT_ENTITY, entity_id=row.id,
                 action=action, changes=changes, office_id=office_id, at=now)
    return True
