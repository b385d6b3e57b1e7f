"""The supervisor's figures on a desk's store: hand-counted March (tests/support/
stats_fixture.py), each figure's cases listed by the queue, breakdowns, trends, scopes."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import date, timedelta

import pytest
from sqlalchemy import insert, select

from app.core.stats import (
    CaseFact,
    Dimension,
    Granularity,
    Kpi,
    Rate,
    RatePart,
    StatsError,
    StatsErrorCode,
    StatsRange,
    StatsScope,
)
from app.core.users import UserRole
from app.core.workflow import CaseKind, Outcome, PauseReason, Source
from app.services import cases as case_service
from app.services import stats
from app.services.queue import QueueFilter, QueueQuery, count_cases, fetch_cases
from app.store.models import Case
from tests.conftest import complaint_form
from tests.support.stats_fixture import EXPECTED, MARCH, march_desk


@pytest.fixture
def march(ws):
    return march_desk(ws)


def listed(ws, f: QueueFilter, names) -> set[str]:
    page = fetch_cases(ws, QueueQuery(filter=f), 0, 100)
    assert count_cases(ws, QueueQuery(filter=f)) == len(page.rows)
    return {names[r.id] for r in page.rows}


def test_march_figures_as_counted_by_hand(march):
    ws, _, _ = march
    figures = stats.desk_kpis(ws, MARCH, StatsScope.parse("office"))
    assert asdict(figures) == {k: asdict(v) if isinstance(v, Rate) else v
                               for k, v in EXPECTED.items()}


@pytest.mark.parametrize("kpi, part, cases", [
    (Kpi.RECEIVED, RatePart.DENOMINATOR, {"c1", "c2", "c4", "c5", "c6", "c9", "c10", "c13"}),
    (Kpi.RESPONSE_24H, RatePart.MISSED, {"c2", "c4", "c9", "c13"}),
    (Kpi.DISPATCH_2H, RatePart.NUMERATOR, {"c1", "c6", "c13"}),
    (Kpi.ON_TIME, RatePart.MISSED, {"c3"}),
    (Kpi.COMPLETION, RatePart.MISSED, {"c4", "c9"}),
    (Kpi.SUCCESS, RatePart.DENOMINATOR, {"c1", "c3", "c6"}),
    (Kpi.SATISFACTION, RatePart.MISSED, {"c6"}),
    (Kpi.REPEAT_COMPLAINANTS, RatePart.DENOMINATOR, {"c1", "c9"}),
    (Kpi.MULTI_CHANNEL, RatePart.DENOMINATOR, {"c7"}),
    (Kpi.REFERRALS, RatePart.DENOMINATOR, {"c13"}),
    (Kpi.REJECTED, RatePart.DENOMINATOR, {"c5"}),
])
def test_the_queue_lists_exactly_the_cases_a_figure_counts(march, kpi, part, cases):
    ws, names, _ = march
    f = stats.desk_kpi_filter(ws, kpi, MARCH, StatsScope.parse("office"), part)
    assert listed(ws, f, names) == cases


def test_every_figure_and_its_queue_agree(march):
    ws, names, _ = march
    figures = stats.desk_kpis(ws, MARCH, StatsScope.parse("office"))
    for kpi in Kpi:
        if kpi in (Kpi.RECOVERED,):
            continue
        value = figures.value(kpi)
        parts = ([(RatePart.DENOMINATOR, value.denominator), (RatePart.NUMERATOR,
                  value.numerator), (RatePart.MISSED, value.denominator - value.numerator)]
                 if isinstance(value, Rate) else
                 [(RatePart.DENOMINATOR, figures.repeat_cases
                   if kpi is Kpi.REPEAT_COMPLAINANTS else value)])
        for part, expected in parts:
            f = stats.desk_kpi_filter(ws, kpi, MARCH, StatsScope.parse("office"), part)
            assert count_cases(ws, QueueQuery(filter=f)) == expected, (kpi, part)


def test_a_rate_with_nothing_to_measure_shows_a_dash(march):
    ws, _, _ = march
    quiet = stats.desk_kpis(ws, StatsRange(date(2025, 1, 1), date(2025, 1, 31)),
                            StatsScope.parse("office"))
    assert quiet.received == 0
    assert quiet.on_time.percent() == "—"
    assert stats.desk_kpis(ws, MARCH, StatsScope.parse("office")).on_time.percent() == "75.0%"


def test_breakdowns_sum_to_the_received_and_list_their_cases(march):
    ws, names, m2 = march
    for dimension in stats.BREAKDOWNS:
        rows = stats.desk_breakdown(ws, dimension, MARCH, StatsScope.parse("office"))
        if dimension is not Dimension.RESPONDENT:
            assert sum(r.received for r in rows) == EXPECTED["received"], dimension
        for row in rows:
            assert len(listed(ws, row.filter, names)) == row.received, (dimension, row.key)
    by_source = {r.key: r for r in stats.desk_breakdown(ws, Dimension.SOURCE, MARCH,
                                                         StatsScope.parse("office"))}
    assert (by_source["12315"].received, by_source["12345"].received,
            by_source["phone"].received) == (6, 1, 1)
    industries = {r.key: r.received for r in stats.desk_breakdown(
        ws, Dimension.INDUSTRY, MARCH, StatsScope.parse("office"))}
    assert industries == {"household_services": 5, "retail": 1, "food": 1,
                          "medical_beauty": 1}
    mediators = {r.label: r.received for r in stats.desk_breakdown(
        ws, Dimension.MEDIATOR, MARCH, StatsScope.parse("office"))}
    assert mediators == {"zhangmin": 4, "王芳": 2, "": 2}
    top = stats.desk_breakdown(ws, Dimension.RESPONDENT, MARCH, StatsScope.parse("office"),
                               top=1)
    assert [(r.label, r.received, r.closed, r.recovered_fen) for r in top] == [
        ("上海悦动健身管理有限公司", 7, 4, 70_000)]


def test_trend_by_day_week_month_beside_last_year(march):
    ws, _, _ = march
    with ws.store.unit_of_work() as session:  # a year earlier: one case on 2 March 2025
        row = session.execute(select(Case).where(Case.source_ticket == "T-c1")).scalar_one()
        session.execute(insert(Case), [dict(
            id=uuid.uuid4(), office_id=row.office_id, track=row.track, kind="complaint",
            source="12315", source_ticket="T-2025", status="received",
            received_at=row.received_at - timedelta(days=365))])
    days = stats.desk_trend(ws, MARCH, StatsScope.parse("office"), Granularity.DAY)
    assert len(days) == 31 and sum(p.received for p in days) == EXPECTED["received"]
    assert sum(p.closed for p in days) == EXPECTED["closed"]
    assert days[1].received == 1 and days[1].received_last_year == 1
    assert days[30].received == 1  # c9, 22:00 China time on the 31st
    weeks = stats.desk_trend(ws, MARCH, StatsScope.parse("office"), Granularity.WEEK)
    assert weeks[0].period == StatsRange(date(2026, 3, 1), date(2026, 3, 1))
    assert sum(p.received for p in weeks) == EXPECTED["received"]
    months = stats.desk_trend(ws, StatsRange(date(2026, 2, 1), date(2026, 3, 31)),
                              StatsScope.parse("office"), Granularity.MONTH)
    assert [(p.received, p.closed) for p in months] == [(1, 0), (8, 5)]


def test_my_figures_and_a_colleagues(march):
    ws, _, m2 = march
    mine = stats.desk_kpis(ws, MARCH, StatsScope.parse("me"))
    assert mine.received == 4  # c1 c2 c5 c10
    theirs = stats.desk_kpis(ws, MARCH, StatsScope.parse("mediator:wangfang"))
    assert (theirs.received, theirs.referrals) == (2, 1)


def test_scopes_a_desk_refuses(march):
    ws, _, _ = march
    for text, code in (("all", StatsErrorCode.CENTRAL_ONLY),
                       ("offices:PD02", StatsErrorCode.CENTRAL_ONLY),
                       ("mediator:nobody", StatsErrorCode.UNKNOWN_MEDIATOR)):
        with pytest.raises(StatsError) as caught:
            stats.desk_kpis(ws, MARCH, StatsScope.parse(text))
        assert caught.value.code is code
    ws.actor = type(ws.actor)(**{**asdict(ws.actor), "role": UserRole.MEDIATOR})
    with pytest.raises(StatsError) as caught:
        stats.desk_kpis(ws, MARCH, StatsScope.parse("mediator:wangfang"))
    assert caught.value.code is StatsErrorCode.SCOPE_NOT_ALLOWED


def test_closing_records_when_its_clock_ran_out_and_a_pause_moves_it(ws):
    """completion_due_at, which 'on time' compares with, comes from the clocks."""
    def closed_case(ticket: str, pause_days: int) -> Case:
        case_id, _ = case_service.intake_work_order(ws, complaint_form(source_ticket=ticket))
        case_service.accept(ws, case_id)
        case_service.assign(ws, case_id, ws.actor.mediator_id)
        case_service.start_mediation(ws, case_id)
        if pause_days:
            case_service.pause_clock(ws, case_id, PauseReason.APPRAISAL)
            case_service.resume_clock(ws, case_id,
                                      ended_on=date(2026, 3, 2) + timedelta(days=pause_days))
        case_service.close(ws, case_id, Outcome.SETTLED)
        with ws.store.unit_of_work() as session:
            case = session.get(Case, case_id)
            session.expunge(case)
            return case

    plain, paused = closed_case("T-plain", 0), closed_case("T-paused", 7)
    assert plain.completion_due_at is not None
    assert paused.completion_due_at > plain.completion_due_at


def test_range_and_scope_words():
    r = StatsRange(date(2026, 3, 1), date(2026, 3, 31))
    assert r.previous() == StatsRange(date(2026, 1, 29), date(2026, 2, 28))
    assert StatsRange(date(2028, 2, 29), date(2028, 3, 1)).last_year() == StatsRange(
        date(2027, 2, 28), date(2027, 3, 1))
    assert len(StatsRange.year(2026).buckets(Granularity.MONTH)) == 12
    with pytest.raises(StatsError):
        StatsRange(date(2026, 3, 2), date(2026, 3, 1))
    assert StatsScope.parse("offices:PD01, PD02").offices == ("PD01", "PD02")
    for bad in ("team", "mediator:", "offices:", "me:x"):
        with pytest.raises(StatsError):
            StatsScope.parse(bad)


def test_kind_filter_and_facts_are_plain_queue_filters(march):
    ws, names, _ = march
    f = QueueFilter(kinds=frozenset({CaseKind.REPORT}), sources=frozenset({Source.HOTLINE_12315}),
                    facts=frozenset({CaseFact.HANDLED}))
    assert listed(ws, f, names) == {"c4"}
