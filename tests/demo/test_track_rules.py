"""A 3,000-case demo store keeps the law of each track (issue 14): no 转立案 in people's
mediation, no ground the rules of a case's receipt date lack, no "调解期限内未能达成"
before the period has run."""

from __future__ import annotations

import uuid

import pytest

from app.core.deadlines import ClockKind
from app.core.timeutil import china_date
from app.core.workflow import RejectionGround, TerminationGround
from app.demo.generator import generate_demo_data
from app.services import cases
from app.services.reference import open_workstation, rule_sets
from app.store.database import open_store
from tests.demo.test_documents import rows
from tests.demo.test_generator import REFERENCE_NOW


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    store = open_store(tmp_path_factory.mktemp("demo3000") / "data")
    generate_demo_data(store, 3000, seed=11, now=REFERENCE_NOW, login="zhangmin",
                       chunk_cases=1000, workers=1)
    yield store
    store.close()


def test_people_s_mediation_never_closes_as_a_referral(demo):
    assert rows(demo, """SELECT count(*) FROM cases WHERE track = 'peoples_mediation'
        AND outcome IN ('referred', 'no_case')""") == [(0,)]


def test_every_ground_is_one_the_rules_of_the_receipt_date_have(demo):
    ws = open_workstation(demo, login="zhangmin")
    with demo.unit_of_work() as session:
        sets = {rs.code: rs for rs in rule_sets(ws, session)}
    found = rows(demo, """SELECT rule_set_code, rejection_ground, termination_ground
        FROM cases WHERE rejection_ground IS NOT NULL OR termination_ground IS NOT NULL""")
    assert len(found) > 100
    for code, rejected, terminated in found:
        ground = RejectionGround(rejected) if rejected else TerminationGround(terminated)
        assert sets[code].ground(ground) is not None, (code, ground)
    # Order 121's own grounds exist, and only on cases received from 2026-04-15.
    assert rows(demo, """SELECT count(*) FROM cases WHERE received_at < '2026-04-14T16:00'
        AND (rejection_ground IN ('mc_false_materials', 'mc_impersonation',
                                  'mc_identity_refused')
             OR termination_ground = 'mc_unlawful_claim')""") == [(0,)]


def test_no_case_ends_for_want_of_time_before_its_time_has_run(demo):
    ws = open_workstation(demo, login="zhangmin")
    ids = [uuid.UUID(i) for (i,) in rows(demo, """SELECT id FROM cases
        WHERE termination_ground = 'mc_time_limit_expired'""")]
    assert ids  # the demo has some, each after its period
    for case_id in ids:
        detail = cases.get_case(ws, case_id)
        mediation = next(d for d in detail.deadlines if d.kind is ClockKind.MEDIATION)
        assert mediation.due < china_date(detail.closed_at), case_id
