"""A store from before the figures: cases closed then get when their completing clock ran
out, once, in the background — and 按期办结率 then measures them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from app.core.stats import StatsRange, StatsScope
from app.core.workflow import Outcome
from app.services import cases as case_service
from app.services import clocks, stats
from app.store.models import Case, LocalMeta
from tests.conftest import complaint_form


def _closed(ws, ticket: str):
    case_id, _ = case_service.intake_work_order(ws, complaint_form(source_ticket=ticket))
    case_service.accept(ws, case_id)
    case_service.assign(ws, case_id, ws.actor.mediator_id)
    case_service.start_mediation(ws, case_id)
    case_service.close(ws, case_id, Outcome.SETTLED)
    return case_id


def _dues(ws):
    with ws.store.unit_of_work() as s:
        return dict(s.execute(select(Case.source_ticket, Case.completion_due_at)).all())


def test_cases_closed_before_the_figures_get_their_completion_due_once(ws):
    _closed(ws, "T-1"), _closed(ws, "T-2")
    expected = _dues(ws)
    assert all(expected.values())
    with ws.store.unit_of_work() as s:  # as an older version left them
        s.execute(update(Case).values(completion_due_at=None))
    march = StatsRange(date(2026, 3, 1), date(2026, 3, 31))
    assert stats.desk_kpis(ws, march, StatsScope()).on_time.denominator == 0

    summary = clocks.fill_completion_dues(ws)
    assert summary.changed == 2 and _dues(ws) == expected
    assert stats.desk_kpis(ws, march, StatsScope()).on_time.denominator == 2
    with ws.store.unit_of_work() as s:
        assert s.get(LocalMeta, clocks.COMPLETION_FILLED) is not None
        s.execute(update(Case).values(completion_due_at=None))
    assert clocks.fill_completion_dues(ws).checked == 0  # once per store


def test_a_cancelled_fill_resumes_at_the_next_start(ws):
    _closed(ws, "T-1")
    with ws.store.unit_of_work() as s:
        s.execute(update(Case).values(completion_due_at=None))
    assert clocks.fill_completion_dues(ws, cancelled=lambda: True).cancelled
    assert not any(_dues(ws).values())
    assert clocks.fill_completion_dues(ws).changed == 1
    assert all(_dues(ws).values())
