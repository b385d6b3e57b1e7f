"""The figures on the central database (issue 15): the same hand-counted March on an
SQLite central file and on PostgreSQL, counted as the signed-in login; on PostgreSQL
row-level security keeps another office's cases out of every scope."""

from __future__ import annotations

from dataclasses import asdict

import pytest
from sqlalchemy import select

from app.core.stats import Rate, StatsError, StatsErrorCode, StatsScope
from app.services import stats
from app.services import sync as sync_service
from app.store.models import Mediator
from tests.support.stats_fixture import EXPECTED, MARCH, NOW, insert_cases


def _expected() -> dict:
    return {k: asdict(v) if isinstance(v, Rate) else v for k, v in EXPECTED.items()}


@pytest.fixture
def march(central):
    pd01, pd02 = central.office_id("PD01"), central.office_id("PD02")
    with central.admin().begin() as conn:
        m = dict(conn.execute(select(Mediator.login, Mediator.id)).all())
        insert_cases(conn, pd01, pd02, m["mdt_zhangmin"], m["mdt_wangfang"])
    engines = []

    def figures(login: str, scope: str):
        cfg, pw = central.config(login)
        engine = sync_service.connect(cfg, pw)
        engines.append(engine)
        with engine.connect() as conn:
            resolved = stats.central_scope(conn, StatsScope.parse(scope), login=login)
            return stats.kpis(conn, MARCH, resolved, now=NOW)

    yield figures
    for engine in engines:
        engine.dispose()


def test_an_offices_march_as_counted_by_hand(central, march):
    assert asdict(march("mdt_zhangmin", "office")) == _expected()
    assert march("mdt_zhangmin", "me").received == 4
    assert march("mdt_lisi", "mediator:mdt_wangfang").referrals == 1


def test_a_mediator_may_not_ask_for_another_office(central, march):
    with pytest.raises(StatsError) as caught:
        march("mdt_zhangmin", "offices:PD02")
    assert caught.value.code is StatsErrorCode.SCOPE_NOT_ALLOWED
    with pytest.raises(StatsError) as caught:
        march("mdt_zhangmin", "offices:PD99")
    assert caught.value.code is StatsErrorCode.UNKNOWN_OFFICE


def test_all_counts_only_what_row_level_security_shows(central, march):
    """On PostgreSQL "all" for a supervisor of PD01 is PD01: PD02's case is not there."""
    if central.kind != "postgresql":
        pytest.skip("row-level security is PostgreSQL's")
    assert asdict(march("mdt_lisi", "all")) == _expected()
    theirs = march("mdt_zhaolei", "all")  # PD02's mediator: c11 only
    assert (theirs.received, theirs.closed, theirs.success) == (1, 1, Rate(1, 1))
