"""送达 recorded at two desks serve a notice at both: the records are synced notes, and a
desk whose queue columns still say "owed" sets them right once the other's note arrives."""

from __future__ import annotations

from app.core.deadlines import ClockKind
from app.core.delivery import DeliveryMethod
from app.core.parties import PartyRole
from app.core.workflow import Outcome, TerminationGround
from app.services import cases, clocks
from app.store.models import Case
from tests.conftest import complaint_form

NOTICE = ClockKind.TERMINATION_NOTICE


def _columns(desk, case_id):
    with desk.ws.store.unit_of_work() as s:
        case = s.get(Case, case_id)
        return case.next_deadline_on, case.next_deadline_kind


def test_each_side_told_at_another_desk_serves_the_notice_at_both(desks):
    a, b = desks("mdt_zhangmin"), desks("mdt_wangfang")
    case_id, _ = cases.intake_work_order(a.ws, complaint_form())
    cases.accept(a.ws, case_id)
    cases.assign(a.ws, case_id, a.ws.actor.mediator_id)
    cases.start_mediation(a.ws, case_id)
    cases.close(a.ws, case_id, Outcome.TERMINATED,
                termination_ground=TerminationGround.MC_ABSENT_OR_REFUSED,
                reason="被投诉人明确拒绝调解")
    assert a.sync().rejected == 0
    b.sync()
    # Offline, each desk tells one side.
    cases.record_delivery(a.ws, case_id, notice=NOTICE, to=PartyRole.APPLICANT,
                          method=DeliveryMethod.SMS, delivered_at=a.ws.now())
    cases.record_delivery(b.ws, case_id, notice=NOTICE, to=PartyRole.RESPONDENT,
                          method=DeliveryMethod.MAIL, delivered_at=b.ws.now(),
                          note="挂号信")
    assert a.sync().rejected == 0
    assert b.sync().rejected == 0
    a.sync()
    for desk in (a, b):
        detail = cases.get_case(desk.ws, case_id)
        assert detail.notices[0].still_owed == ()
        assert {(d.to, d.method, d.note) for d in detail.deliveries} == {
            (PartyRole.APPLICANT, "sms", ""), (PartyRole.RESPONDENT, "mail", "挂号信")}
    # Each desk wrote "owed" from what it knew; after the notes arrived it says served
    # (what the window runs after a sync that brought notes), and the others follow.
    assert _columns(a, case_id)[1] == NOTICE.value
    summary, _ = clocks.recompute_owed_notices(a.ws)
    assert summary.changed == 1 and _columns(a, case_id) == (None, "")
    a.sync()
    b.sync()
    assert _columns(b, case_id) == (None, "")
