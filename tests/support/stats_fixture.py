"""Hand-counted cases for the figures (issue 15): March 2026, office A, with the edges
the definitions decide (README 统计口径). The expected figures are worked out in the
comments of each case; tests on the desk, on an SQLite central file and on PostgreSQL
share them."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import Connection, insert

from app.core.stats import Rate, StatsRange
from app.store.models import Case

MARCH = StatsRange(date(2026, 3, 1), date(2026, 3, 31))
NOW = datetime(2026, 4, 10, 0, 0, tzinfo=UTC)
P1 = "13800135678"


def at(day: int, hour: int = 0, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def insert_cases(conn: Connection, office_a: uuid.UUID, office_b: uuid.UUID,
                 m1: uuid.UUID, m2: uuid.UUID) -> dict[str, uuid.UUID]:
    ids = {f"c{n}": uuid.uuid4() for n in range(1, 15)}

    def row(name: str, **values) -> dict:
        base = dict(id=ids[name], office_id=office_a, track="market_complaint",
                    kind="complaint", source="12315", source_ticket=f"T-{name}",
                    status="received", category="预付式消费", region="陆家嘴街道",
                    issue_type="退费", mediator_id=m1, complainant_phone=f"139{name:0>8}",
                    respondent_name="上海悦动健身管理有限公司",
                    respondent_uscc="91310115MA1FL0XX0A", title=name, modified_by="test")
        base.update(values)
        return base

    rows = [
        # received in range; 9 h to contact, 1 h to dispatch; closed on time, settled,
        # satisfied, 500 yuan recovered; P1 calls again (c9)
        row("c1", received_at=at(2, 1), first_contact_at=at(2, 10), assigned_at=at(2, 2),
            accepted_at=at(2, 3), closed_at=at(20), completion_due_at=at(25, 16),
            status="rated", outcome="settled", satisfaction="satisfied",
            amount_recovered_fen=50_000, complainant_phone=P1),
        # 48 h to contact, 5 h to dispatch; paused for appraisal, so its due moved to
        # 15 April; closed 2 April: completed, but not closed in March
        row("c2", source="12345", received_at=at(3), first_contact_at=at(5),
            assigned_at=at(3, 5), accepted_at=at(3, 6), closed_at=at(2, month=4),
            completion_due_at=at(15, 16, month=4), status="closed", outcome="terminated",
            category="网络购物", region="花木街道", respondent_uscc="",
            respondent_name="某电子商务有限公司"),
        # received in February, closed late in March (terminated)
        row("c3", received_at=at(20, month=2), accepted_at=at(20, 2, month=2),
            assigned_at=at(20, 3, month=2), first_contact_at=at(20, 4, month=2),
            closed_at=at(10), completion_due_at=at(5, 16), status="closed",
            outcome="terminated"),
        # a report never contacted nor dispatched, still open
        row("c4", kind="report", received_at=at(10), accepted_at=at(11), status="accepted",
            mediator_id=None, category="食品安全"),
        # refused (不予受理)
        row("c5", received_at=at(12), closed_at=at(13), status="rejected"),
        # reopened on 25 March; closed again on the 30th inside its restarted clock;
        # settled, dissatisfied, 200 yuan
        row("c6", received_at=at(15), first_contact_at=at(15, 2), assigned_at=at(15, 1),
            accepted_at=at(15, 0, 30), reopened_at=at(25), closed_at=at(30),
            completion_due_at=at(20, 16, month=4), status="followed_up", outcome="settled",
            satisfaction="dissatisfied", amount_recovered_fen=20_000, mediator_id=m2),
        # the same dispute again through 12345 (多头): counted once, as c1
        row("c7", source="12345", received_at=at(16), linked_case_id=ids["c1"],
            complainant_phone=P1),
        # 1 April 00:00 China time: outside March
        row("c8", received_at=at(31, 16)),
        # 31 March 22:00 China time: inside; P1's second case
        row("c9", received_at=at(31, 14), complainant_phone=P1, mediator_id=None),
        # an inquiry, answered
        row("c10", kind="inquiry", received_at=at(5), closed_at=at(6), status="closed",
            outcome="answered", source="phone"),
        # another office
        row("c11", office_id=office_b, mediator_id=None, received_at=at(5),
            accepted_at=at(5, 1), closed_at=at(6), status="closed", outcome="settled",
            completion_due_at=at(30, 16)),
        # deleted
        row("c12", received_at=at(5), deleted=True),
        # 1 March 08:30 China time; 30 h to contact, 1.5 h to dispatch; referred for
        # enforcement (诉转案) on time
        row("c13", received_at=at(1, 0, 30), first_contact_at=at(2, 6, 30),
            assigned_at=at(1, 2), accepted_at=at(1, 1), closed_at=at(15),
            completion_due_at=at(1, 16, month=4), status="closed", outcome="referred",
            mediator_id=m2, category="美容医美"),
    ]
    columns = {k for r in rows for k in r}
    full = [{k: r.get(k, _DEFAULTS.get(k)) for k in columns} for r in rows]
    conn.execute(insert(Case), full)
    return ids


_DEFAULTS = {"deleted": False, "linked_case_id": None, "first_contact_at": None,
             "assigned_at": None, "accepted_at": None, "closed_at": None,
             "completion_due_at": None, "outcome": None, "satisfaction": None,
             "amount_recovered_fen": None, "reopened_at": None, "mediator_id": None}

# What March counts for office A (worked out case by case above).
EXPECTED = dict(
    received=8,  # c1 c2 c4 c5 c6 c9 c10 c13
    accepted=5,  # c1 c2 c4 c6 c13
    closed=5,  # c1 c3 c6 c10 c13
    rejected=1,  # c5
    response_24h=Rate(2, 6),  # c1 c6 of c1 c2 c4 c6 c9 c13
    dispatch_2h=Rate(3, 6),  # c1 c6 c13
    on_time=Rate(3, 4),  # c1 c6 c13 of c1 c3 c6 c13
    completion=Rate(4, 6),  # c1 c2 c6 c13
    success=Rate(2, 3),  # c1 c6 of c1 c3 c6
    satisfaction=Rate(1, 2),  # c1 of c1 c6
    recovered_fen=70_000,
    referrals=1,  # c13
    repeat_complainants=1,  # P1
    repeat_cases=2,  # c1 c9
    multi_channel=1,  # c7
)


def march_desk(ws):
    """The March cases on a desk (office A is the desk's; B another office; 王芳 a
    colleague). Returns (ws, {case id: its name in the fixture}, 王芳's id)."""
    import uuid as _uuid

    from app.store.models import Mediator, Office

    ws.now = lambda: NOW
    with ws.store.unit_of_work() as session:
        other = _uuid.uuid4()
        session.execute(insert(Office), [dict(id=other, code="PD02", name="花木市场监管所")])
        m2 = _uuid.uuid4()
        session.execute(insert(Mediator), [dict(id=m2, office_id=ws.actor.office_id,
                                                name="王芳", login="wangfang")])
        ids = insert_cases(session.connection(), ws.actor.office_id, other,
                           ws.actor.mediator_id, m2)
    return ws, {v: k for k, v in ids.items()}, m2
