"""The figures' summaries on the central database (issue 15, budgets): the
administrator builds them, a login's figures from them equal the plain count, and on
PostgreSQL another office's login can neither read nor write an office's summaries."""

from __future__ import annotations

from dataclasses import asdict

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from app.core.stats import StatsScope
from app.services import stats, stats_summary
from app.services import sync as sync_service
from app.store.models import Mediator, StatsDaily, StatsDirty
from tests.support.stats_fixture import MARCH, NOW, insert_cases


@pytest.fixture
def built(central):
    pd01, pd02 = central.office_id("PD01"), central.office_id("PD02")
    with central.admin().begin() as conn:
        m = dict(conn.execute(select(Mediator.login, Mediator.id)).all())
        insert_cases(conn, pd01, pd02, m["mdt_zhangmin"], m["mdt_wangfang"])
    with central.admin().begin() as conn:
        assert conn.scalar(select(func.count()).select_from(StatsDirty)) > 0
        stats_summary.refresh(conn)
        assert conn.scalar(select(func.count()).select_from(StatsDirty).where(
            StatsDirty.day > 0)) == 0
        assert conn.scalar(select(func.count()).select_from(StatsDaily)) > 0
    engines = []

    def login(name: str):
        cfg, pw = central.config(name)
        engine = sync_service.connect(cfg, pw)
        engines.append(engine)
        return engine

    yield login
    for engine in engines:
        engine.dispose()


def test_a_logins_figures_from_the_built_summaries_equal_the_plain_count(central, built):
    with built("mdt_lisi").connect() as conn:
        for scope in ("office", "all", "mediator:mdt_wangfang"):
            resolved = stats.central_scope(conn, StatsScope.parse(scope), login="mdt_lisi")
            assert asdict(stats.kpis(conn, MARCH, resolved, now=NOW)) == asdict(
                stats.plain_kpis(conn, MARCH, resolved, now=NOW))
            for d in stats.BREAKDOWNS:
                assert stats.breakdown(conn, d, MARCH, resolved, now=NOW) == \
                    stats.plain_breakdown(conn, d, MARCH, resolved, now=NOW)


def test_another_offices_login_neither_reads_nor_writes_the_summaries(central, built):
    if central.kind != "postgresql":
        pytest.skip("row-level security is PostgreSQL's")
    pd01 = central.office_id("PD01")
    with built("mdt_zhaolei").connect() as conn:  # PD02
        for table in ("stats_daily", "stats_daily_by", "stats_monthly_by",
                      "stats_repeat_cases", "stats_dirty"):
            theirs = conn.execute(text(f"SELECT count(*) FROM {table} WHERE office_id = :o"),
                                  {"o": pd01}).scalar()
            assert theirs == 0, table
        assert not stats_summary.may_write(conn)
        with pytest.raises(DBAPIError):
            conn.execute(text("DELETE FROM stats_daily"))
        conn.rollback()
        with pytest.raises(DBAPIError):
            conn.execute(text("INSERT INTO stats_dirty (office_id, day) VALUES (:o, 5)"),
                         {"o": pd01})
        conn.rollback()
    with built("mdt_lisi").connect() as conn:  # PD01's own supervisor reads PD01's
        assert conn.execute(text("SELECT count(*) FROM stats_daily")).scalar() > 0


def test_the_administrators_refresh_command_builds_every_dirty_day(central, tmp_path, capsys):
    """`mediation-desk central refresh-figures URL`: run after an import and nightly."""
    from app.cli.command import main

    pd01, pd02 = central.office_id("PD01"), central.office_id("PD02")
    with central.admin().begin() as conn:
        m = dict(conn.execute(select(Mediator.login, Mediator.id)).all())
        insert_cases(conn, pd01, pd02, m["mdt_zhangmin"], m["mdt_wangfang"])
    assert main(["central", "refresh-figures", central.admin_url]) == 0
    assert "office-days summed" in capsys.readouterr().out
    with central.admin().connect() as conn:
        assert conn.scalar(select(func.count()).select_from(StatsDirty).where(
            StatsDirty.day > 0)) == 0
        assert conn.scalar(select(func.count()).select_from(StatsDaily)) > 0
