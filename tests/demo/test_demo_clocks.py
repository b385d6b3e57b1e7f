"""A demo store's clocks as the mediators would find them (issue 14, item 5): no closed
case runs overdue on a clock its closing settled; the notices left owed are few, owed in
truth (nobody recorded telling that party) and listed under 已超期; a reopened case is not
overdue the moment it is reopened."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.core.deadlines import ClockKind, DueStatus, due_status
from app.core.delivery import NOTICE_KINDS
from app.core.timeutil import china_date, china_today
from app.core.workflow import CLOSED_STATUSES, OPEN_STATUSES
from app.demo.generator import generate_demo_data
from app.services import clocks, queue
from app.services.reference import load_pledges, open_workstation
from app.store.database import open_store
from app.store.models import LIVE, Case

NOW = datetime(2026, 11, 20, 6, 30, tzinfo=UTC)  # a Friday, 14:30 in China
CASES = 3000


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    store = open_store(tmp_path_factory.mktemp("demo-clocks"))
    generate_demo_data(store, CASES, seed=11, now=NOW, login="zhangmin", chunk_cases=1000,
                       workers=1, search_index=False)
    ws = open_workstation(store, login="zhangmin")
    ws.now = lambda: NOW
    yield ws
    store.close()


def every_case_clocks(ws, now: datetime | None = None):
    """(case, its clocks, its clock records) for every case, as the services compute them
    ``now``; by default a reopened case's as of its reopening, the others' at NOW."""
    with ws.store.unit_of_work() as session:
        basis = clocks.ClockBasis.of(ws, session)
        cases = list(session.scalars(select(Case).where(LIVE)))
        ids = [c.id for c in cases]
        pauses = clocks._pauses_of(session, ids)
        records = clocks.clock_records(session, ids)
        pledges = load_pledges(session, ws.actor.office_id)
    found = []
    for case in cases:
        at = now or case.reopened_at or NOW
        mine = records.get(case.id, clocks.ClockRecords())
        deadlines = clocks.case_clocks(case, replace(basis, now=at), pauses.get(case.id, []),
                                       pledges, mine)
        found.append((case, deadlines, mine))
    return found, basis.calendar


def test_no_closed_case_is_overdue_but_on_a_notice_it_truly_owes(demo):
    found, calendar = every_case_clocks(demo)
    today = china_today(NOW)
    closed = [(c, d, r) for c, d, r in found if c.status in {s.value for s in CLOSED_STATUSES}]
    assert len(closed) > CASES // 2
    owed: Counter = Counter()
    for case, deadlines, records in closed:
        for d in deadlines:
            status = due_status(d, today, calendar)
            if status is not DueStatus.OVERDUE:
                continue
            assert d.kind in NOTICE_KINDS, (case.source_ticket, d.kind)
            # Owed in truth: a party owed the notice has no 送达 on record since the decision.
            (notice,) = [n for n in clocks.notices(case, records, None) if n.kind is d.kind]
            assert notice.still_owed, case.source_ticket
            owed[d.kind] += 1
            # ... and the queue lists the duty under 已超期.
            assert case.next_deadline_on == d.due and case.next_deadline_kind == d.kind.value
    decided = sum(1 for c, _, r in closed if clocks.notices(c, r, None))
    assert decided > 300  # terminations and reports' decisions: most were served
    assert 0 < sum(owed.values()) <= decided * 0.04  # the few left owed on purpose
    assert set(owed) <= {ClockKind.TERMINATION_NOTICE, ClockKind.REPORT_NOTICE}
    rows = queue.fetch_cases(demo, queue.QueueQuery(view=queue.QueueView.OVERDUE), 0, 5000).rows
    closed_overdue = [r for r in rows if r.status not in OPEN_STATUSES]
    assert len(closed_overdue) == sum(owed.values())
    assert {r.next_deadline_kind for r in closed_overdue} <= {k.value for k in NOTICE_KINDS}


def test_most_notices_were_served_on_time(demo):
    found, calendar = every_case_clocks(demo)
    notices = [d for c, ds, _ in found for d in ds if d.kind in NOTICE_KINDS]
    done = [d for d in notices if d.met is not None]
    assert len(done) > 0.9 * len(notices)
    assert all(d.met for d in done)  # told within the 7 (or 5) working days


def test_a_reopened_case_is_not_overdue_when_it_is_reopened(demo):
    found, calendar = every_case_clocks(demo)
    reopened = [(c, ds) for c, ds, _ in found if c.reopened_at is not None]
    assert len(reopened) >= 5
    for case, deadlines in reopened:  # computed as of the reopening (every_case_clocks)
        day = china_date(case.reopened_at)
        late = [d.kind for d in deadlines if d.met is None
                and due_status(d, day, calendar) is DueStatus.OVERDUE]
        assert late == [], case.source_ticket
        mediation = next(d for d in deadlines
                         if d.kind in (ClockKind.MEDIATION, ClockKind.MEDIATION_TARGET))
        assert mediation.due > day  # counted from the reopening
    # The same as the services see it now: the reopened cases still open are on track.
    now, _ = every_case_clocks(demo, NOW)
    still_open = [ds for c, ds, _ in now if c.reopened_at is not None
                  and c.status in {s.value for s in OPEN_STATUSES}]
    assert still_open
    assert all(due_status(d, china_today(NOW), calendar) is not DueStatus.OVERDUE
               for ds in still_open for d in ds if d.met is None)


def test_every_closed_case_knows_when_its_completing_clock_ran_out(demo):
    """The figures' 按期办结率 compares closed_at with completion_due_at: the demo writes
    what the services' clocks would (app/services/clocks.py clock_values)."""
    found, _ = every_case_clocks(demo)
    completed = [(c, d) for c, d, _ in found
                 if c.status in ("closed", "followed_up", "rated") and c.kind != "inquiry"]
    assert len(completed) > CASES // 3
    for case, deadlines in completed:
        expected = next((d.ends_at for k in clocks.COMPLETION_CLOCKS for d in deadlines
                         if d.kind is k), None)
        assert case.completion_due_at == expected, case.source_ticket
    late = sum(1 for c, _ in completed
               if c.completion_due_at is not None and c.closed_at > c.completion_due_at)
    assert 0 < late < len(completed)  # some closed late, most on time
