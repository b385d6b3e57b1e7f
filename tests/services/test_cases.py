"""Case services: validated, audited, and what a mediator would notice."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.core.workflow import (
    Action,
    CaseStatus,
    Outcome,
    PauseReason,
    RejectionGround,
    TerminationGround,
    TransitionError,
)
from app.services import cases
from app.services.dto import PartyInput
from app.services.errors import (
    CaseNotFound,
    ClockError,
    FieldProblem,
    StaleCase,
    ValidationFailed,
)
from app.store.models import AuditEvent, Case, CaseTag, Mediator
from tests.conftest import FIXED_NOW, complaint_form


def events(ws, case_id):
    return [(e.action, e.changes) for e in cases.case_history(ws, case_id)]


def add_mediator(ws, name="王建国", login="wangjg"):
    with ws.store.unit_of_work() as s:
        m = Mediator(office_id=ws.actor.office_id, name=name, login=login, modified_by="test")
        s.add(m)
        s.flush()
        return m.id


def test_intake_registers_the_case_its_parties_and_an_audit_trail(ws):
    case_id, changes = cases.intake_work_order(ws, complaint_form())
    assert changes.case_created and case_id in changes.case_ids
    detail = cases.get_case(ws, case_id)
    assert detail.status == CaseStatus.RECEIVED
    assert detail.amount_claimed == Decimal("3200.00")
    assert [p.name for p in detail.parties] == ["李秀英", "上海悦动健身管理有限公司"]
    assert detail.parties[0].phone == "13800135678"
    assert detail.parties[0].phone_masked == "138****5678"
    assert detail.tags == ("预付式消费", "群体性")
    # Received before 2026-04-15: the interim-measures rule set, whose acceptance clock runs.
    assert detail.rule_set_confirmed
    assert detail.allowed_actions and Action.ACCEPT in detail.allowed_actions
    actions = [a for a, _ in events(ws, case_id)]
    assert actions == ["create", "create", "create"]
    with ws.store.unit_of_work() as s:
        tags = set(s.scalars(select(CaseTag.tag).where(CaseTag.case_id == case_id)))
        assert tags == {"预付式消费", "群体性"}


def test_acceptance_deadline_is_seven_working_days_after_receipt(ws):
    case_id, _ = cases.intake_work_order(ws, complaint_form())
    with ws.store.unit_of_work() as s:
        case = s.get(Case, case_id)
        # Received Sun 2026-03-01 (China time); 7 working days counted from Mon 03-02.
        assert case.next_deadline_on == date(2026, 3, 10)
        assert case.deadline_provisional is False


def test_intake_lists_every_bad_field_at_once(ws):
    form = complaint_form(
        source_ticket="",
        description="  ",
        amount_claimed="三千块",
        complainant=PartyInput(role="applicant", party_type="person", name="",
                               phone="1380013", id_type="resident_id",
                               id_number="110105194912310021"),
        respondent=PartyInput(role="respondent", party_type="business", name="某公司",
                              id_type="uscc", id_number="91310000MA1FL8XQ3A"),
    )
    with pytest.raises(ValidationFailed) as err:
        cases.intake_work_order(ws, form)
    assert err.value.problems == {
        "source_ticket": FieldProblem.REQUIRED,
        "description": FieldProblem.REQUIRED,
        "complainant.name": FieldProblem.REQUIRED,
        "complainant.phone": FieldProblem.INVALID_PHONE,
        "complainant.id_number": FieldProblem.INVALID_ID,
        "respondent.id_number": FieldProblem.INVALID_USCC,
        "amount_claimed": FieldProblem.INVALID_AMOUNT,
    }
    with ws.store.unit_of_work() as s:
        assert s.scalars(select(Case)).first() is None


def test_a_complaint_needs_a_phone_and_a_respondent(ws):
    form = complaint_form(
        complainant=PartyInput(role="applicant", party_type="person", name="赵磊"),
        respondent=None,
    )
    with pytest.raises(ValidationFailed) as err:
        cases.intake_work_order(ws, form)
    assert err.value.problems == {
        "complainant.phone": FieldProblem.REQUIRED,
        "respondent.name": FieldProblem.REQUIRED,
    }


def test_walk_in_without_ticket_gets_a_generated_one(ws):
    from app.core.workflow import Source

    case_id, _ = cases.intake_work_order(ws, complaint_form(source=Source.WALK_IN,
                                                            source_ticket=""))
    assert cases.get_case(ws, case_id).source_ticket.startswith("WALK_IN-20260301-")


def test_the_workflow_from_intake_to_rating_is_audited_with_old_and_new_values(ws):
    mediator = add_mediator(ws)
    case_id, _ = cases.intake_work_order(ws, complaint_form())
    cases.accept(ws, case_id)
    cases.assign(ws, case_id, mediator)
    cases.start_mediation(ws, case_id)
    cases.close(ws, case_id, Outcome.SETTLED, amount_recovered="3200")
    cases.record_follow_up(ws, case_id, satisfaction="satisfied", performance="performed",
                           note="已退款")
    cases.rate(ws, case_id, "very_satisfied")
    detail = cases.get_case(ws, case_id)
    assert detail.status == CaseStatus.RATED
    assert detail.outcome == Outcome.SETTLED
    assert detail.mediator_name == "王建国"
    assert detail.amount_recovered == Decimal("3200.00")
    assert detail.satisfaction == "very_satisfied"
    assert len(detail.follow_ups) == 1 and detail.follow_ups[0].note == "已退款"
    history = events(ws, case_id)
    transitions = [a for a, _ in history if a.startswith("transition:")]
    assert transitions == [
        "transition:accept", "transition:assign", "transition:start_mediation",
        "transition:close", "transition:follow_up", "transition:rate",
    ]
    accept_changes = dict(history)["transition:accept"]
    assert accept_changes["status"] == ["received", "accepted"]
    assign_changes = dict(history)["transition:assign"]
    assert assign_changes["mediator_id"] == [None, str(mediator)]
    with ws.store.unit_of_work() as s:
        actors = set(s.scalars(select(AuditEvent.actor)))
        assert actors == {"zhangmin"}


def test_refused_transition_changes_nothing(ws):
    case_id, _ = cases.intake_work_order(ws, complaint_form())
    before = cases.get_case(ws, case_id)
    with pytest.raises(TransitionError):
        cases.start_mediation(ws, case_id)
    after = cases.get_case(ws, case_id)
    assert after.status == CaseStatus.RECEIVED and after.version == before.version
    assert [a for a, _ in events(ws, case_id)].count("transition:start_mediation") == 0


def test_rejection_needs_a_ground_of_the_cases_track(ws):
    case_id, _ = cases.intake_work_order(ws, complaint_form())
    pm_only = next(g for g in RejectionGround if ws and g.tracks and
                   all(t.value != "market_complaint" for t in g.tracks))
    with pytest.raises(TransitionError):
        cases.reject(ws, case_id, pm_only, "不符合")
    market = next(g for g in RejectionGround if any(t.value == "market_complaint"
                                                    for t in g.tracks))
    cases.reject(ws, case_id, market, "非生活消费")
    detail = cases.get_case(ws, case_id)
    assert detail.status == CaseStatus.REJECTED
    assert detail.rejection_ground == market.value
    assert detail.status_reason == "非生活消费"


def test_reopen_requires_a_reason_and_is_audited(ws):
    case_id, _ = cases.intake_work_order(ws, complaint_form())
    cases.accept(ws, case_id)
    cases.close(ws, case_id, Outcome.TERMINATED,
                termination_ground=next(g for g in TerminationGround
                                        if any(t.value == "market_complaint" for t in g.tracks)),
                reason="被投诉人明确拒绝调解")
    with pytest.raises(TransitionError):
        cases.reopen(ws, case_id, "   ")
    cases.reopen(ws, case_id, "投诉人补充了新证据")
    detail = cases.get_case(ws, case_id)
    assert detail.status not in (CaseStatus.CLOSED,)
    assert detail.outcome is None and detail.termination_ground is None
    history = cases.case_history(ws, case_id)
    assert history[-1].action == "transition:reopen"
    assert history[-1].reason == "投诉人补充了新证据"


def test_assigning_an_unknown_mediator_is_refused(ws):
    case_id, _ = cases.intake_work_order(ws, complaint_form())
    cases.accept(ws, case_id)
    with pytest.raises(ValidationFailed) as err:
        cases.assign(ws, case_id, uuid.uuid4())
    assert err.value.problems == {"mediator_id": FieldProblem.UNKNOWN_MEDIATOR}


def test_stale_version_is_refused(ws):
    case_id, _ = cases.intake_work_order(ws, complaint_form())
    version = cases.get_case(ws, case_id).version
    cases.accept(ws, case_id, expected_version=version)
    with pytest.raises(StaleCase):
        cases.update_case(ws, case_id, {"title": "改名"}, expected_version=version)


def test_pausing_for_appraisal_moves_the_mediation_deadline(ws):
    mediator = add_mediator(ws)
    case_id, _ = cases.intake_work_order(ws, complaint_form())
    cases.accept(ws, case_id)
    cases.assign(ws, case_id, mediator)
    cases.start_mediation(ws, case_id)

    def mediation_due():
        d = cases.get_case(ws, case_id)
        return next(x for x in d.deadlines if x.kind.value == "mediation")

    before = mediation_due()
    ws.now = lambda: FIXED_NOW + timedelta(days=8)  # 03-10: the pause is on record after it
    cases.pause_clock(ws, case_id, PauseReason.APPRAISAL, started_on=date(2026, 3, 3),
                      expected_end=date(2026, 3, 13))
    assert cases.get_case(ws, case_id).paused
    with pytest.raises(ClockError):
        cases.pause_clock(ws, case_id, PauseReason.APPRAISAL)
    with pytest.raises(TransitionError):
        cases.close(ws, case_id, Outcome.SETTLED)
    cases.resume_clock(ws, case_id, ended_on=date(2026, 3, 9))
    after = mediation_due()
    assert not cases.get_case(ws, case_id).paused
    # 03-03..03-09 holds 5 working days (Tue–Fri, Mon): the clock stood still for them.
    assert (after.due - before.due).days >= 5
    assert after.due > before.due
    actions = [a for a, _ in events(ws, case_id)]
    assert "pause" in actions and "resume" in actions


def test_edit_validates_and_records_old_and_new_values(ws):
    case_id, _ = cases.intake_work_order(ws, complaint_form())
    with pytest.raises(ValidationFailed) as err:
        cases.update_case(ws, case_id, {"amount_claimed": "-5", "description": ""})
    assert err.value.problems == {"amount_claimed": FieldProblem.INVALID_AMOUNT,
                                  "description": FieldProblem.REQUIRED}
    cases.update_case(ws, case_id, {"amount_claimed": "4,500.50", "tags": ["网购", "网购"]})
    detail = cases.get_case(ws, case_id)
    assert detail.amount_claimed == Decimal("4500.50") and detail.tags == ("网购",)
    last = cases.case_history(ws, case_id)[-1]
    assert last.action == "update"
    assert last.changes["amount_claimed_fen"] == [320000, 450050]


def test_id_numbers_are_masked_revealed_on_request_and_never_in_the_audit_trail(ws):
    form = complaint_form(complainant=PartyInput(
        role="applicant", party_type="person", name="李秀英", phone="13800135678",
        id_type="resident_id", id_number="11010519491231002x"))
    case_id, _ = cases.intake_work_order(ws, form)
    party = cases.get_case(ws, case_id).parties[0]
    assert party.id_number_masked == "110105********002X"
    assert cases.reveal_id_number(ws, party.id, "司法确认材料") == "11010519491231002X"
    history = cases.case_history(ws, case_id)
    assert history[-1].action == "reveal_id" and history[-1].reason == "司法确认材料"
    assert all("11010519491231002X" not in str(e.changes) for e in history)


def test_party_edit_updates_the_queue_columns(ws):
    case_id, _ = cases.intake_work_order(ws, complaint_form())
    applicant = cases.get_case(ws, case_id).parties[0]
    with pytest.raises(ValidationFailed):
        cases.update_party(ws, applicant.id, {"phone": "1380013"})
    cases.update_party(ws, applicant.id, {"phone": "+86 139-1234-0000"})
    with ws.store.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case.complainant_phone == "13912340000"
        assert case.complainant_phone_tail == "0000"


def test_find_case_by_ticket_or_id(ws):
    case_id, _ = cases.intake_work_order(ws, complaint_form())
    assert cases.find_case(ws, "1310115202603020001") == case_id
    assert cases.find_case(ws, str(case_id)) == case_id
    with pytest.raises(CaseNotFound):
        cases.find_case(ws, "no-such-ticket")


def test_follow_up_rejects_unknown_satisfaction(ws):
    case_id, _ = cases.intake_work_order(ws, complaint_form())
    with pytest.raises(ValidationFailed) as err:
        cases.record_follow_up(ws, case_id, satisfaction="great", performance="performed")
    assert err.value.problems == {"satisfaction": FieldProblem.INVALID_CHOICE}


def test_pause_follows_the_workflow_rules(ws):
    from app.core.errors import TransitionError
    from app.core.workflow import CaseKind, PauseReason

    case_id, _ = cases.intake_work_order(ws, complaint_form())
    cases.accept(ws, case_id)
    with pytest.raises(TransitionError):  # recusal suspends a mediation only
        cases.pause_clock(ws, case_id, PauseReason.RECUSAL)
    inquiry, _ = cases.intake_work_order(ws, complaint_form(
        kind=CaseKind.INQUIRY, source_ticket="1310115202603020002"))
    cases.accept(ws, inquiry)
    with pytest.raises(TransitionError):
        cases.pause_clock(ws, inquiry, PauseReason.APPRAISAL)
    assert cases.get_case(ws, inquiry).paused is False


def test_closing_with_an_amount_is_one_event(ws):
    from app.core.workflow import Outcome

    case_id, _ = cases.intake_work_order(ws, complaint_form())
    cases.accept(ws, case_id)
    cases.assign(ws, case_id, cases.list_mediators(ws)[0][0])
    cases.start_mediation(ws, case_id)
    before = len(cases.case_history(ws, case_id))
    cases.close(ws, case_id, Outcome.SETTLED, amount_recovered="2800")
    history = cases.case_history(ws, case_id)
    assert len(history) == before + 1
    assert history[-1].changes["amount_recovered_fen"] == [None, 280000]
    assert cases.get_case(ws, case_id).amount_recovered == 2800


def test_revealing_an_id_needs_a_purpose(ws):
    from app.services.errors import ValidationFailed

    case_id, _ = cases.intake_work_order(ws, complaint_form())
    party = cases.get_case(ws, case_id).parties[0]
    with pytest.raises(ValidationFailed):
        cases.reveal_id_number(ws, party.id, "  ")


def test_a_report_is_not_a_peoples_mediation_matter(ws):
    from app.core.workflow import CaseKind, Track
    from app.services.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        cases.intake_work_order(ws, complaint_form(track=Track.PEOPLES_MEDIATION,
                                                   kind=CaseKind.REPORT))
    assert "kind" in refused.value.problems
