"""Recomputing every open case's stored clocks after the calendar or a rule set changed.

The queue sorts and counts on denormalised columns (``next_deadline_on``, its kind and
whether it is provisional), which a case's own writes keep current. A new holiday
notice or an edited rule set changes the answer for cases nobody touches: without this,
今日到期 and 已超期 stay wrong until each case is next edited (issue 13).

Open cases are read in batches by rowid, each batch in its own transaction, so the work
can be cancelled between batches and a killed process leaves every case either as it
was or recomputed, never half-written. Only cases whose values change are written; the
writes are ordinary row updates, captured for sync like any other (the columns merge
last-writer, so workstations that recompute the same case agree).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, literal_column, select

from app.core.workflow import OPEN_STATUSES
from app.services.cases import compute_case_deadlines, next_clock_values
from app.services.context import Workstation
from app.services.dto import Changes
from app.services.reference import load_pledges
from app.store.models import LIVE, Case, ClockPause

BATCH = 2_000
# Synced tables whose rows change what a case's clocks say: the calendar, the rule sets,
# an office's published pledges (承诺时限).
CLOCK_TABLES = frozenset({"calendar_years", "deadline_rule_sets", "office_settings"})
FEW_CASES = 200  # more changed cases than this reload the queue instead
_ROWID = literal_column("cases.rowid")


@dataclass(frozen=True)
class RecomputeSummary:
    checked: int  # open cases whose clocks were computed again
    changed: int  # of which the stored next deadline (or its kind) changed
    cancelled: bool = False


def open_case_count(ws: Workstation) -> int:
    with ws.store.unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(Case).where(
            LIVE, Case.status.in_([s.value for s in OPEN_STATUSES]))) or 0


def recompute_open_clocks(ws: Workstation, *,
                          progress: Callable[[int, int], None] | None = None,
                          cancelled: Callable[[], bool] | None = None,
                          batch: int = BATCH) -> tuple[RecomputeSummary, Changes]:
    """Every open case's next deadline from the calendar and rule sets as stored now."""
    ws.invalidate_reference()  # the calendar or rule sets just changed under this desk
    total = open_case_count(ws)
    open_values = [s.value for s in OPEN_STATUSES]
    checked = changed = 0
    after = 0
    changed_ids: set[uuid.UUID] = set()
    pledges: dict[uuid.UUID, tuple] = {}
    if progress:
        progress(0, total)
    while True:
        if cancelled and cancelled():
            return RecomputeSummary(checked, changed, cancelled=True), _changes(changed_ids)
        with ws.store.unit_of_work() as session:
            rows = session.execute(
                select(_ROWID, Case).where(LIVE, Case.status.in_(open_values), _ROWID > after)
                .order_by(_ROWID).limit(batch)).all()
            if not rows:
                break
            after = rows[-1][0]
            cases = [case for _, case in rows]
            pauses = _pauses_of(session, [c.id for c in cases])
            for case in cases:
                if case.office_id not in pledges:
                    pledges[case.office_id] = load_pledges(session, case.office_id)
                deadlines = compute_case_deadlines(
                    ws, session, case, pauses=pauses.get(case.id, []),
                    pledges=pledges[case.office_id])
                values = next_clock_values(ws, case, deadlines)
                if any(getattr(case, name) != value for name, value in values.items()):
                    for name, value in values.items():
                        setattr(case, name, value)
                    changed += 1
                    changed_ids.add(case.id)
        checked += len(rows)
        if progress:
            progress(checked, total)
    return RecomputeSummary(checked, changed), _changes(changed_ids)


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
