"""The demo's group dispute: the open complaints against the business most of them name,
one group with a refund plan and each member's amount (issue 17: a new user finds 群体纠纷
管理 as an office would have it)."""

from __future__ import annotations

from datetime import UTC, datetime

from app.core.workflow import OPEN_STATUSES, CaseStatus
from app.demo.groups import make_demo_group
from app.services import group_payments, groups
from tests.support.stores import demo_workstation

NOW = datetime(2026, 11, 20, 6, 30, tzinfo=UTC)


def test_the_demo_has_a_group_of_one_business_with_amounts(tmp_path):
    ws = demo_workstation(tmp_path / "demo", 600, seed=3, now=NOW, chunk_cases=300)
    gid = make_demo_group(ws)
    [group] = groups.list_groups(ws)
    assert group.id == gid and group.members >= 3 and group.lead_mediator
    members = groups.members_of(ws, gid)
    assert all(CaseStatus(m.status) in OPEN_STATUSES for m in members)
    assert all(m.agreed_fen and m.agreed_fen > 0 for m in members)
    detail = groups.group_detail(ws, gid)
    assert detail.particulars.respondent_name in group.title
    progress = group_payments.progress(ws, gid)
    assert progress.members == len(members) and progress.paid_fen == 0
    ws.store.close()
