"""A case's clocks from the calendar, the rule sets and its clock records (送达 of the
notices its decisions owe, approved extensions), and recomputing the stored clocks of
every case whose clocks still run (open, or closed owing a notice) after the calendar or
a rule set changed.

The queue sorts and counts on denormalised columns (``next_deadline_on``, its kind and
whether it is provisional), which a case's own writes keep current. A new holiday
notice or an edited rule set changes the answer for cases nobody touches: without this,
今日到期 and 已超期 stay wrong until each case is next edited (issue 13).

The computation takes what it reads (``ClockBasis``) and a session, so it runs the same
on a workstation's store and on the central database (app/services/central_reference):
the central database recomputes after an administrator's change, and a workstation that
pulls the change with the recomputed cases finds nothing left to write, so it pushes
nothing.

On a workstation those cases are read in batches by rowid, each batch in its own
transaction, so the work can be cancelled between batches and a killed process leaves
every case either as it was or recomputed, never half-written. Only cases whose values
change are written; the writes are ordinary row updates, captured for sync like any
other (the columns merge last-writer, so workstations that recompute the same case
agree).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, literal_column, or_, select
from sqlalchemy.orm import Session

from app.core.calendar import WorkCalendar
from app.core.deadlines import (
    ClockKind,
    Deadline,
    Pause,
    Pledge,
    RuleSet,
    case_deadlines,
    next_deadline,
    rule_set_of,
)
from app.core.delivery import NOTICE_KINDS, Delivery, owed_to, served_at, told
from app.core.parties import PartyRole
from app.core.timeutil import china_date
from app.core.workflow import OPEN_STATUSES, CaseKind, CaseStatus, Outcome, PauseReason
from app.documents.wording import for_track
from app.services.context import Workstation
from app.services.dto import Changes
from app.services.reference import calendar, load_calendar, load_pledges, load_rule_sets, rule_sets
from app.store.models import LIVE, Case, ClockPause, LocalMeta, Note

BATCH = 2_000
# Synced tables whose rows change what a case's clocks say: the calendar, the rule sets,
# an office's published pledges (承诺时限).
CLOCK_TABLES = frozenset({"calendar_years", "deadline_rule_sets", "office_settings"})
FEW_CASES = 200  # more changed cases than this reload the queue instead
_ROWID = literal_column("cases.rowid")
_OPEN = [s.value for s in OPEN_STATUSES]
# The clock completing a case answers, first found first: what "closed on time" in the
# figures (app/services/stats.py) is measured against.
COMPLETION_CLOCKS = (ClockKind.MEDIATION, ClockKind.REPORT_VERIFICATION,
                     ClockKind.MEDIATION_TARGET)
# The notes that are clock records (app/store/models/note.py).
DELIVERY, EXTENSION = "delivery", "extension"


@dataclass(frozen=True)
class ClockBasis:
    """What every case's clocks are computed from: read once for a whole recompute."""

    calendar: WorkCalendar
    rule_sets: tuple[RuleSet, ...]
    now: datetime

    @classmethod
    def read(cls, session: Session, now: datetime) -> ClockBasis:
        return cls(load_calendar(session), load_rule_sets(session), now)

    @classmethod
    def of(cls, ws: Workstation, session: Session) -> ClockBasis:
        """The workstation's own (cached) calendar and rule sets."""
        return cls(calendar(ws, session), rule_sets(ws, session), ws.now())


@dataclass(frozen=True)
class ClockRecords:
    """What a case's notes say about its clocks: the notices served (送达) and the
    extensions approved, each ``(clock, approved_at)``."""

    deliveries: tuple[Delivery, ...] = ()
    extensions: tuple[tuple[ClockKind, datetime], ...] = ()

    @classmethod
    def of(cls, notes: list[Note]) -> ClockRecords:
        deliveries, extensions = [], []
        for note in notes:
            try:
                clock = ClockKind(note.clock)
                if note.kind == DELIVERY:
                    deliveries.append(Delivery(clock, PartyRole(note.contact_with),
                                               note.created_at))
                elif note.kind == EXTENSION:
                    extensions.append((clock, note.created_at))
            except ValueError:  # written by a newer version: not one this one reads
                continue
        return cls(tuple(deliveries), tuple(extensions))


def clock_records(session: Session, case_ids: list[uuid.UUID]) -> dict[uuid.UUID, ClockRecords]:
    """The clock records of these cases (read through ix_notes_case_created)."""
    found: dict[uuid.UUID, list[Note]] = defaultdict(list)
    for note in session.scalars(
            select(Note).where(Note.case_id.in_(case_ids), Note.deleted.is_(False),
                               Note.kind.in_((DELIVERY, EXTENSION)))
            .order_by(Note.case_id, Note.created_at)):
        found[note.case_id].append(note)
    return {case_id: ClockRecords.of(notes) for case_id, notes in found.items()}


@dataclass(frozen=True)
class Notice:
    """A notice the case's decision owes (终止调解 / 举报处理结果): who must be told, and
    who has been (the first time each was, at or after the decision)."""

    kind: ClockKind
    decided_at: datetime
    owed: tuple[PartyRole, ...]
    told: dict[PartyRole, datetime]

    @property
    def still_owed(self) -> tuple[PartyRole, ...]:
        return tuple(r for r in self.owed if r not in self.told)


def decisions(case: Case) -> dict[ClockKind, datetime]:
    """The decisions of the case that start a notice's clock: a termination of mediation
    (暂行办法 第二十一条第二款), a report's 立案 / 不予立案 (第三十一条第二款; a rejected
    report is not that decision)."""
    found: dict[ClockKind, datetime] = {}
    if case.closed_at is None:
        return found
    if case.outcome == Outcome.TERMINATED:
        found[ClockKind.TERMINATION_NOTICE] = case.closed_at
    if case.kind == CaseKind.REPORT and case.status != CaseStatus.REJECTED:
        found[ClockKind.REPORT_NOTICE] = case.closed_at
    return found


def notices(case: Case, records: ClockRecords,
            rule_set: RuleSet | None) -> tuple[Notice, ...]:
    """The notices the case's decisions owe under its rule set (a people's mediation
    committee's rules set no notice clock: its terminations owe none here)."""
    both = for_track(case.track).notify_both
    result = []
    for kind, decided_at in decisions(case).items():
        if rule_set is not None and rule_set.rule(kind) is None:
            continue
        owed = owed_to(kind, both_parties=both)
        first = told(kind, decided_at, records.deliveries)
        result.append(Notice(kind, decided_at, owed,
                             {role: at for role, at in first.items() if role in owed}))
    return tuple(result)


def cycle_start(case: Case) -> datetime:
    """Where the case's current round of work began: its receipt, or its reopening."""
    return case.reopened_at or case.received_at


def case_clocks(case: Case, basis: ClockBasis, pauses: list[ClockPause],
                pledges: tuple[Pledge, ...],
                records: ClockRecords = ClockRecords()) -> list[Deadline]:
    """The case's clocks: under the rule set it was given, else the one of its track for
    its receipt date."""
    rule_set = rule_set_of(basis.rule_sets, case.rule_set_code, case.track,
                           china_date(case.received_at))
    rejected = case.status == CaseStatus.REJECTED
    terminated_at = case.closed_at if case.outcome == Outcome.TERMINATED else None
    decided_at = case.closed_at if case.kind == CaseKind.REPORT and not rejected else None
    served = {n.kind: served_at(n.kind, n.decided_at, n.owed, records.deliveries)
              for n in notices(case, records, rule_set)}
    # An extension counts for the round of work it was approved in.
    extended = {clock for clock, at in records.extensions if at >= cycle_start(case)}
    return case_deadlines(
        rule_set,
        kind=CaseKind(case.kind),
        received_at=case.received_at,
        accepted_at=case.accepted_at,
        terminated_at=terminated_at,
        decided_at=decided_at,
        rejected_at=case.closed_at if rejected else None,
        assigned_at=case.assigned_at,
        responded_at=case.first_contact_at,
        closed_at=case.closed_at if not rejected else None,
        termination_notified_at=served.get(ClockKind.TERMINATION_NOTICE),
        reporter_notified_at=served.get(ClockKind.REPORT_NOTICE),
        extended=extended,
        reopened_at=case.reopened_at,
        pauses=[Pause(PauseReason(p.reason), p.started_on, p.ended_on, p.expected_end)
                for p in pauses],
        pledges=pledges,
        calendar=basis.calendar,
        now=basis.now,
    )


def clock_values(case: Case, deadlines: list[Deadline]) -> dict[str, Any]:
    """The queue's next-deadline columns for these clocks of the case. A closed case
    keeps a notice it still owes (so 今日到期 / 已超期 show the duty); closing settled
    every other clock."""
    completion = next((d for kind in COMPLETION_CLOCKS for d in deadlines
                       if d.kind is kind), None)
    closed = CaseStatus(case.status) not in OPEN_STATUSES
    if closed:
        deadlines = [d for d in deadlines if d.kind in NOTICE_KINDS]
    nxt = next_deadline(deadlines)
    values = {"next_deadline_on": nxt.due if nxt else None,
              "next_deadline_kind": nxt.kind.value if nxt else "",
              "deadline_provisional": bool(nxt and nxt.provisional)}
    if closed:  # what closing answered; an open case's is still moving
        values["completion_due_at"] = completion.ends_at if completion else None
    return values


@dataclass(frozen=True)
class RecomputeSummary:
    checked: int  # cases whose clocks were computed again (open, or owing a notice)
    changed: int  # of which the stored next deadline (or its kind) changed
    cancelled: bool = False


def _running() -> ColumnElement[bool]:
    """Cases whose clocks still run: the open ones, and closed ones owing a notice (their
    next deadline is the notice's)."""
    return or_(Case.status.in_(_OPEN), Case.next_deadline_on.is_not(None))


def _owing() -> ColumnElement[bool]:
    """Closed cases that owe a notice."""
    return and_(Case.status.not_in(_OPEN), Case.next_deadline_on.is_not(None))


def count_open(session: Session, which: Callable[[], ColumnElement[bool]] = _running) -> int:
    return session.scalar(select(func.count()).select_from(Case).where(
        LIVE, which())) or 0


def recompute(unit: Callable[[], AbstractContextManager[Session]], basis: ClockBasis, *,
              key: ColumnElement = Case.id,
              progress: Callable[[int, int], None] | None = None,
              cancelled: Callable[[], bool] | None = None,
              batch: int = BATCH,
              which: Callable[[], ColumnElement[bool]] = _running,
              ) -> tuple[RecomputeSummary, set[uuid.UUID]]:
    """The next deadline on ``basis`` of every case whose clocks run, read in batches
    ordered by ``key``, each batch in ``unit()`` (a transaction of its own, or one shared
    session). Sets the changed cases' columns; returns the summary and their ids."""
    with unit() as session:
        total = count_open(session, which)
    checked = 0
    after = None
    changed: set[uuid.UUID] = set()
    pledges: dict[uuid.UUID, tuple[Pledge, ...]] = {}
    if progress:
        progress(0, total)
    while True:
        if cancelled and cancelled():
            return RecomputeSummary(checked, len(changed), cancelled=True), changed
        with unit() as session:
            query = select(key, Case).where(LIVE, which())
            if after is not None:
                query = query.where(key > after)
            rows = session.execute(query.order_by(key).limit(batch)).all()
            if not rows:
                break
            after = rows[-1][0]
            cases = [case for _, case in rows]
            pauses = _pauses_of(session, [c.id for c in cases])
            records = clock_records(session, [c.id for c in cases])
            for case in cases:
                if case.office_id not in pledges:
                    pledges[case.office_id] = load_pledges(session, case.office_id)
                values = clock_values(case, case_clocks(
                    case, basis, pauses.get(case.id, []), pledges[case.office_id],
                    records.get(case.id, ClockRecords())))
                if any(getattr(case, name) != value for name, value in values.items()):
                    for name, value in values.items():
                        setattr(case, name, value)
                    changed.add(case.id)
            session.flush()
        checked += len(rows)
        if progress:
            progress(checked, total)
    return RecomputeSummary(checked, len(changed)), changed


def open_case_count(ws: Workstation) -> int:
    with ws.store.unit_of_work() as session:
        return count_open(session)


def recompute_open_clocks(ws: Workstation, *,
                          progress: Callable[[int, int], None] | None = None,
                          cancelled: Callable[[], bool] | None = None,
                          batch: int = BATCH) -> tuple[RecomputeSummary, Changes]:
    """Every open case of this store from the calendar and rule sets as stored now."""
    ws.invalidate_reference()  # the calendar or rule sets just changed under this desk
    with ws.store.unit_of_work() as session:
        basis = ClockBasis.of(ws, session)
    summary, changed = recompute(ws.store.unit_of_work, basis, key=_ROWID,
                                 progress=progress, cancelled=cancelled, batch=batch)
    return summary, _changes(changed)


def _completion_unknown() -> ColumnElement[bool]:
    """Completed cases that do not say yet when their completing clock ran out: closed
    before the figures came (migration 0015)."""
    return and_(Case.completion_due_at.is_(None), Case.kind != CaseKind.INQUIRY.value,
                Case.status.in_([CaseStatus.CLOSED.value, CaseStatus.FOLLOWED_UP.value,
                                 CaseStatus.RATED.value]))


COMPLETION_FILLED = "clocks:completion_filled"  # LocalMeta key: the fill below has run


def fill_completion_dues(ws: Workstation, *,
                         progress: Callable[[int, int], None] | None = None,
                         cancelled: Callable[[], bool] | None = None,
                         batch: int = BATCH) -> RecomputeSummary:
    """When the completing clock of every case closed before this version ran out, so
    that 按期办结率 measures them (a derived column, like the next deadline: each desk
    works it out and nothing is pushed for it). Once per store; cancelled, it resumes
    where it stopped."""
    with ws.store.unit_of_work() as session:
        if session.get(LocalMeta, COMPLETION_FILLED) is not None:
            return RecomputeSummary(0, 0)
        basis = ClockBasis.of(ws, session)
    summary, _ = recompute(ws.store.unit_of_work, basis, key=_ROWID, progress=progress,
                           cancelled=cancelled, batch=batch, which=_completion_unknown)
    if not summary.cancelled:
        with ws.store.unit_of_work() as session:
            session.merge(LocalMeta(key=COMPLETION_FILLED, value=ws.now().isoformat()))
    return summary


def fill_completion_dues_in(session: Session, now: datetime, *,
                            progress: Callable[[int, int], None] | None = None,
                            batch: int = BATCH) -> RecomputeSummary:
    """The same in one transaction of the central database (every case it holds)."""
    summary, _ = recompute(lambda: nullcontext(session), ClockBasis.read(session, now),
                           key=Case.id, progress=progress, batch=batch,
                           which=_completion_unknown)
    return summary


def _pauses_of(session, case_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[ClockPause]]:
    found: dict[uuid.UUID, list[ClockPause]] = defaultdict(list)
    for pause in session.scalars(
            select(ClockPause).where(ClockPause.case_id.in_(case_ids),
                                     ClockPause.deleted.is_(False))
            .order_by(ClockPause.case_id, ClockPause.started_on)):
        found[pause.case_id].append(pause)
    return found


def _changes(case_ids: set[uuid.UUID]) -> Changes:
    # A few cases are looked up again where they are shown; many reload the queue.
    if len(case_ids) > FEW_CASES:
        return Changes(queue=True)
    return Changes(case_ids=frozenset(case_ids))


def recompute_owed_notices(ws: Workstation) -> tuple[RecomputeSummary, Changes]:
    """The closed cases still owing a notice, from their clock records as they are now.
    A 送达 recorded at another desk arrives by sync as a note, while the case's queue
    columns are each desk's own reckoning: two desks that each told one side while
    offline both wrote "still owed". Run after a sync brought notes (few cases: only
    those owing)."""
    with ws.store.unit_of_work() as session:
        basis = ClockBasis.of(ws, session)
        # Found in ix_cases_q_deadline (the hint: few cases have a deadline), not by
        # reading every case.
        owing = list(session.scalars(select(Case.id).where(
            LIVE, Case.status.not_in(_OPEN),
            func.likelihood(Case.next_deadline_on.is_not(None), literal_column("0.01")))))
    if not owing:
        return RecomputeSummary(0, 0), Changes()
    summary, changed = recompute(ws.store.unit_of_work, basis, key=_ROWID,
                                 which=lambda: and_(_owing(), Case.id.in_(owing)))
    return summary, _changes(changed)
