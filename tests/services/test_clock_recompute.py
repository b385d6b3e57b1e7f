"""Every open case's stored clocks follow a calendar change (issue 13, item 3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.core.timeutil import china_midnight
from app.services import cases, clocks, queue
from app.services.queue import QueueView
from app.store.models import CalendarYearRow, Case
from tests.conftest import complaint_form


def _stored_deadline(ws, case_id):
    with ws.store.unit_of_work() as s:
        case = s.get(Case, case_id)
        return case.next_deadline_on, case.next_deadline_kind


def _make_holiday(ws, day) -> None:
    """As an administrator's calendar edit stores it (the service comes with the 设置 screen)."""
    with ws.store.unit_of_work() as s:
        row = s.scalars(select(CalendarYearRow).where(CalendarYearRow.year == day.year)).one()
        row.holidays = sorted({*row.holidays, day.isoformat()})
        row.source = "admin"


def test_a_case_due_on_a_new_holiday_moves_and_the_due_today_count_follows(ws):
    first, _ = cases.intake_work_order(ws, complaint_form())
    second, _ = cases.intake_work_order(ws, complaint_form(
        source_ticket="1310115202603020002", received_at=datetime(2026, 2, 20, 2, 0, tzinfo=UTC)))
    due, kind = _stored_deadline(ws, first)
    assert due is not None
    ws.now = lambda: china_midnight(due).astimezone(UTC) + timedelta(hours=3)
    before = queue.view_counts(ws)[QueueView.DUE_TODAY]
    assert before >= 1
    untouched = _stored_deadline(ws, second)

    _make_holiday(ws, due)
    # The stored clock is stale until the recompute: that is the defect the issue found.
    assert _stored_deadline(ws, first) == (due, kind)
    seen: list[tuple[int, int]] = []
    summary, changes = clocks.recompute_open_clocks(ws, progress=lambda d, t: seen.append((d, t)))

    moved, _ = _stored_deadline(ws, first)
    assert moved > due
    assert summary.checked == 2 and summary.changed >= 1
    assert first in changes.case_ids
    assert seen[0] == (0, 2) and seen[-1] == (2, 2)
    assert queue.view_counts(ws)[QueueView.DUE_TODAY] == before - 1
    if untouched[0] != due:
        assert _stored_deadline(ws, second) == untouched


def test_nothing_changes_when_nothing_moved_and_cancel_stops_between_batches(ws):
    for n in range(5):
        cases.intake_work_order(ws, complaint_form(source_ticket=f"13101152026030200{n + 10}"))
    summary, changes = clocks.recompute_open_clocks(ws, batch=2)
    assert (summary.checked, summary.changed) == (5, 0) and changes == changes.__class__()
    calls = iter([False, True])
    stopped, _ = clocks.recompute_open_clocks(ws, batch=2, cancelled=lambda: next(calls))
    assert stopped.cancelled and stopped.checked == 2
