"""An administrator edits a rule set's limits and citations and marks it 已核实; the
clocks follow (issue 13, item 3)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from app.core.deadlines import ClockKind
from app.core.users import UserRole
from app.services import cases, clocks, rule_admin
from app.services.rule_admin import RuleEditRefused
from app.store.models import AuditEvent, Case
from tests.conftest import complaint_form

CODE = "samr-order121-2026"


def _index(view, kind: ClockKind) -> int:
    return next(i for i, r in enumerate(view.rules) if r.kind is kind)


def test_a_longer_limit_moves_the_clock_and_the_verifier_is_recorded(ws):
    case_id, _ = cases.intake_work_order(ws, complaint_form())
    with ws.store.unit_of_work() as s:
        case = s.get(Case, case_id)
        due, code = case.next_deadline_on, case.rule_set_code  # 暂行办法: received 2026-03-01
    view = {v.code: v for v in rule_admin.rule_sets(ws)}[code]
    accept = _index(view, ClockKind.ACCEPT_DECISION)
    limit = view.rules[accept].limit
    rule_admin.save_rule_set(ws, code, limits={accept: limit + 5},
                             citations={accept: "《市场监督管理投诉举报处理办法》第十五条"},
                             confirmed=True)
    after = {v.code: v for v in rule_admin.rule_sets(ws)}[code]
    assert after.rules[accept].limit == limit + 5 and after.confirmed
    assert after.verified_by == ws.actor.login and after.verified_at is not None
    assert after.rules[accept].citation == "《市场监督管理投诉举报处理办法》第十五条"
    summary, _ = clocks.recompute_open_clocks(ws)
    with ws.store.unit_of_work() as s:
        assert s.get(Case, case_id).next_deadline_on > due
        assert s.scalar(select(AuditEvent.action).where(
            AuditEvent.entity == "deadline_rule_set")) == "update"
    assert summary.changed == 1


@pytest.mark.parametrize(("limit", "problem"), [(0, "limit_not_positive"),
                                                (-3, "limit_not_positive")])
def test_a_limit_of_zero_or_less_is_refused_and_nothing_saved(ws, limit, problem):
    before = {v.code: v for v in rule_admin.rule_sets(ws)}[CODE]
    with pytest.raises(RuleEditRefused) as refused:
        rule_admin.save_rule_set(ws, CODE, limits={0: limit}, citations={}, confirmed=True)
    assert (refused.value.problem, refused.value.rule) == (problem, 0)
    assert {v.code: v for v in rule_admin.rule_sets(ws)}[CODE] == before


def test_a_mediator_cannot_edit_a_rule_set(ws):
    ws.actor = replace(ws.actor, role=UserRole.MEDIATOR)
    with pytest.raises(RuleEditRefused) as refused:
        rule_admin.save_rule_set(ws, CODE, limits={}, citations={}, confirmed=False)
    assert refused.value.problem == "not_administrator"
