"""The demo's group dispute (issue 17): the open complaints against the business that
most of them name — in the demo data, a gym — made one group, with a refund plan and
each member's amount, so a new user finds 群体纠纷管理 as an office would have it."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from app.core.groups import GroupOrigin, MemberFacts, RefundBasis, RefundFormula
from app.core.timeutil import china_date
from app.core.workflow import OPEN_STATUSES
from app.services import group_payments, groups
from app.services.context import Workstation
from app.services.group_payments import RefundPlan
from app.services.groups import GroupInput
from app.store.models import Case, Office

MIN_MEMBERS = 3  # fewer complaints against one business are no group
MAX_MEMBERS = 200  # a big demo store's group stays one a person can page through
DEFAULT_BALANCE_FEN = 100_000  # a member whose complaint names no sum


def make_demo_group(ws: Workstation) -> uuid.UUID | None:
    """The group, or None when no business has MIN_MEMBERS open complaints."""
    open_values = [s.value for s in OPEN_STATUSES]
    with ws.store.unit_of_work() as session:
        mine = (Case.office_id == ws.actor.office_id, Case.deleted.is_(False),
                Case.status.in_(open_values), Case.respondent_name != "")
        top = session.execute(
            select(Case.respondent_name, func.count()).where(*mine)
            .group_by(Case.respondent_name).order_by(func.count().desc()).limit(1)).first()
        if top is None or top[1] < MIN_MEMBERS:
            return None
        name = top[0]
        claimed = {case_id: fen for case_id, fen in session.execute(
            select(Case.id, Case.amount_claimed_fen).where(*mine, Case.respondent_name == name)
            .order_by(Case.received_at.desc()).limit(MAX_MEMBERS))}
        office = session.get(Office, ws.actor.office_id)
        prefix = office.number_prefix or "调"
    today = china_date(ws.now())
    gid, _ = groups.create_group(ws, GroupInput(
        f"{name}预付费退费", respondent_name=name, origin=GroupOrigin.SELECTION,
        lead_mediator_id=ws.actor.mediator_id, notes="演示数据：同一经营者的集中投诉。"),
        list(claimed))
    group_payments.set_refund_plan(ws, gid, RefundPlan(
        RefundFormula(RefundBasis.BALANCE_SHARE, share_percent=Decimal(80)),
        due_on=today + timedelta(days=30),
        undertaking=f"{name}承认停止营业后未退还会员预付费用，承诺按本方案分别退还。",
        agreement_prefix=f"{prefix}〔{today.year}〕群1-"))
    group_payments.set_member_facts(ws, gid, {
        case_id: MemberFacts(prepaid_balance_fen=fen or DEFAULT_BALANCE_FEN)
        for case_id, fen in claimed.items()})
    return gid
