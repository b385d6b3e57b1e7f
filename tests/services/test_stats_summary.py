"""The figures from the per-day summaries (issue 15, budgets) are the plain queries'
figures: on the hand-counted March, on a demo store, after edits, closing, reopening,
deleting, and before the summaries are built."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, func, insert, select, update

from app.core.stats import Dimension, Granularity, StatsRange, StatsScope
from app.core.timeutil import china_date
from app.core.workflow import Outcome
from app.demo.generator import generate_demo_data
from app.services import cases as case_service
from app.services import stats, stats_summary
from app.services.reference import open_workstation
from app.store.models import Case, Office, StatsDaily, StatsDirty
from tests.support.stats_fixture import MARCH, NOW, march_desk


def _all_equal(ws, rng: StatsRange, scope: StatsScope, now: datetime) -> None:
    resolved = stats.desk_scope(ws, scope)
    with ws.store.unit_of_work() as session:
        conn = session.connection()
        assert asdict(stats.kpis(conn, rng, resolved, now=now)) == asdict(
            stats.plain_kpis(conn, rng, resolved, now=now)), (rng, scope)
        for d in Dimension:
            assert stats.breakdown(conn, d, rng, resolved, now=now) == \
                stats.plain_breakdown(conn, d, rng, resolved, now=now), (d, rng, scope)
        for g in Granularity:
            if g is Granularity.DAY and rng.days > 92:
                continue
            assert stats.trend(conn, rng, resolved, g, now=now) == \
                stats.plain_trend(conn, rng, resolved, g, now=now), (g, rng, scope)


def _dirty(ws) -> int:
    with ws.store.unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(StatsDirty))


def _summary_rows(ws) -> int:
    with ws.store.unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(StatsDaily))


@pytest.fixture
def march(ws):
    return march_desk(ws)[0]


def test_a_change_marks_its_days_and_asking_builds_them(march):
    ws = march
    assert _dirty(ws) > 0  # the cases just written
    stats.desk_kpis(ws, MARCH, StatsScope.parse("office"))
    with ws.store.unit_of_work() as session:
        left = session.scalar(select(func.count()).select_from(StatsDirty).where(
            StatsDirty.office_id == ws.actor.office_id,
            StatsDirty.day.between(MARCH.start.toordinal(), MARCH.end.toordinal())))
    assert left == 0
    assert _summary_rows(ws) > 0


@pytest.mark.parametrize("scope", ["office", "me", "mediator:wangfang"])
def test_march_from_summaries_equals_the_plain_count(march, scope):
    ws = march
    for rng in (MARCH, StatsRange(date(2026, 3, 15), date(2026, 4, 20)),
                StatsRange.year(2026)):
        _all_equal(ws, rng, StatsScope.parse(scope), NOW)
    # Asked again with everything built: the summaries answer, and still agree.
    stats_summary.catch_up(ws.store)
    assert _dirty(ws) == 0
    _all_equal(ws, MARCH, StatsScope.parse(scope), NOW)


def test_the_last_24_hours_are_judged_at_now(march):
    """A case received 3 hours before now and not yet answered is not yet due; the
    summaries count it as due, so those days must come from the cases."""
    ws = march
    now = datetime(2026, 3, 20, 5, 0, tzinfo=UTC)
    with ws.store.unit_of_work() as session:
        session.execute(update(Case).where(Case.received_at >= now - timedelta(hours=30))
                        .values(first_contact_at=None, assigned_at=None))
        session.execute(update(Case).where(Case.received_at > now).values(
            received_at=now - timedelta(hours=3)))
    stats_summary.catch_up(ws.store)
    _all_equal(ws, MARCH, StatsScope.parse("office"), now)
    _all_equal(ws, MARCH, StatsScope.parse("office"), now + timedelta(days=2))


def test_a_china_day_begins_at_16_utc_to_the_microsecond(march):
    ws = march
    with ws.store.unit_of_work() as session:
        case_id = session.scalar(select(Case.id).where(
            Case.office_id == ws.actor.office_id).limit(1))
        session.execute(update(Case).where(Case.id == case_id).values(
            received_at=datetime(2026, 3, 9, 15, 59, 59, 999700, tzinfo=UTC)))
        day = session.scalar(select(stats_summary.china_day(Case.received_at))
                             .where(Case.id == case_id))
    assert day == date(2026, 3, 9).toordinal()
    assert china_date(datetime(2026, 3, 9, 16, 0, tzinfo=UTC)) == date(2026, 3, 10)
    for rng in (StatsRange(date(2026, 3, 9), date(2026, 3, 9)),
                StatsRange(date(2026, 3, 10), date(2026, 3, 31))):
        _all_equal(ws, rng, StatsScope.parse("office"), NOW)


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory):
    from app.store.database import open_store
    from tests.conftest import copy_migrated_store

    folder = copy_migrated_store(tmp_path_factory.mktemp("demo") / "data")
    store = open_store(folder)
    try:
        generate_demo_data(store, 1500, seed=3)
    finally:
        store.close()
    return folder


@pytest.fixture
def demo(demo_folder, tmp_path):
    import shutil

    from app.store.database import open_store

    folder = tmp_path / "demo"
    shutil.copytree(demo_folder, folder)
    store = open_store(folder)
    ws = open_workstation(store)
    with store.unit_of_work() as session:
        newest = session.scalar(select(func.max(Case.received_at)))
    ws.now = lambda: newest + timedelta(hours=5)
    yield ws
    store.close()


def _busiest_year(ws) -> StatsRange:
    newest = ws.now()
    return StatsRange.year(newest.year - 1 if newest.month < 7 else newest.year)


def test_a_demo_store_from_summaries_equals_the_plain_count_through_changes(demo):
    ws = demo
    year = _busiest_year(ws)
    recent = StatsRange(china_date(ws.now()) - timedelta(days=40), china_date(ws.now()))
    stats_summary.catch_up(ws.store)
    assert _dirty(ws) == 0
    for rng in (year, recent):
        _all_equal(ws, rng, StatsScope.parse("office"), ws.now())
    _all_equal(ws, recent, StatsScope.parse("me"), ws.now())

    # Changes through the services and behind their back: each marks its days.
    with ws.store.unit_of_work() as session:
        rows = session.execute(select(Case.id, Case.status, Case.version).where(
            Case.office_id == ws.actor.office_id, Case.deleted.is_(False))
            .order_by(Case.received_at.desc())).all()
    open_ones = [r for r in rows if r.status == "mediating"]
    closed_ones = [r for r in rows if r.status == "closed"]
    if open_ones:
        case_service.close(ws, open_ones[0].id, Outcome.SETTLED)
    if closed_ones:
        case_service.reopen(ws, closed_ones[0].id, "当事人反悔")
    with ws.store.unit_of_work() as session:
        ids = [r.id for r in rows[5:9]]
        session.execute(update(Case).where(Case.id == ids[0]).values(deleted=True))
        other = uuid.uuid4()  # a case moved to another office
        session.execute(insert(Office), [dict(id=other, code="PD09", name="另一个所")])
        session.execute(update(Case).where(Case.id == ids[1]).values(office_id=other))
        received = session.scalar(select(Case.received_at).where(Case.id == ids[2]))
        session.execute(update(Case).where(Case.id == ids[2]).values(
            complainant_phone="13900000000", category="餐饮服务",
            received_at=received - timedelta(days=200)))
        session.execute(update(Case).where(Case.id == ids[3]).values(
            complainant_phone="13900000000", amount_recovered_fen=12345))
    assert _dirty(ws) > 0
    for rng in (year, recent):
        _all_equal(ws, rng, StatsScope.parse("office"), ws.now())
    with ws.store.unit_of_work() as session:
        phones = stats.kpis(session.connection(), year, stats.desk_scope(
            ws, StatsScope.parse("office")), now=ws.now())
    assert phones.repeat_complainants >= 0


def test_figures_asked_before_the_first_build_are_right(demo):
    """An upgraded store has every day dirty: a year is counted from the cases until
    the background build is done, which resumes where it was stopped."""
    ws = demo
    with ws.store.unit_of_work() as session:
        session.execute(delete(StatsDaily))
        days = range(date(2024, 1, 1).toordinal(), china_date(ws.now()).toordinal() + 1)
        session.execute(delete(StatsDirty))
        session.execute(insert(StatsDirty), [
            {"office_id": ws.actor.office_id, "day": d} for d in days])
    year = _busiest_year(ws)
    _all_equal(ws, year, StatsScope.parse("office"), ws.now())
    calls = iter(range(1000))
    built = stats_summary.catch_up(ws.store, cancelled=lambda: next(calls) > 3)
    assert 0 < built < len(days)
    assert _dirty(ws) > 0
    _all_equal(ws, year, StatsScope.parse("office"), ws.now())
    stats_summary.catch_up(ws.store)
    assert _dirty(ws) == 0
    _all_equal(ws, year, StatsScope.parse("office"), ws.now())


def test_a_days_figures_are_found_by_date_not_by_walking_the_office(ws):
    """A desk's cases are nearly all its office's: the office is tested, never the index
    walked (on a million cases that read every case for one day's figures: 1.3 s)."""
    from datetime import date

    from sqlalchemy import select as sql_select

    from app.core.stats import StatsRange, StatsScope
    from app.services import stats as stats_service
    from app.store.models import Case as CaseRow

    scope = stats_service.desk_scope(ws, StatsScope())
    day = StatsRange(date(2026, 3, 1), date(2026, 3, 1))
    members = stats_service.cohorts()["received"]
    _, columns, where = stats_service.cohort_sums("received", members, day, scope, ws.now())
    query = sql_select(*columns).select_from(CaseRow).where(*where)
    with ws.store.unit_of_work() as session:
        conn = session.connection()
        sql = str(query.compile(conn, compile_kwargs={"literal_binds": True}))
        plan = " ".join(str(row) for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
    assert "ix_cases_office" not in plan
    assert "received_at>" in plan
