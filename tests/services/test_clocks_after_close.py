"""Clocks outlive their cases no more (issue 14, item 5): closing settles every clock but
the notices still owed; a 送达 serves them; an approved extension lengthens the report's
verification; a reopened case counts again from the reopening; a pause keeps to the case."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.core.deadlines import ClockKind, DueStatus, due_status
from app.core.delivery import DeliveryMethod
from app.core.parties import PartyRole
from app.core.timeutil import china_today
from app.core.workflow import CaseKind, Outcome, PauseReason, TerminationGround, Track
from app.services import cases, clocks, desk, queue
from app.services.dto import PartyInput
from app.services.errors import ClockError, ClockProblem, FieldProblem, ValidationFailed
from app.store.models import Case, Note
from tests.conftest import FIXED_NOW, complaint_form

NOTICE = ClockKind.TERMINATION_NOTICE
APPLICANT, RESPONDENT = PartyRole.APPLICANT, PartyRole.RESPONDENT


def later(ws, days: float) -> datetime:
    """Move the workstation's clock ``days`` after FIXED_NOW; returns the new now."""
    now = FIXED_NOW + timedelta(days=days)
    ws.now = lambda: now
    return now


def statuses(ws, case_id) -> dict[ClockKind, DueStatus]:
    detail = cases.get_case(ws, case_id)
    today, calendar = china_today(ws.now()), desk.work_calendar(ws)
    return {d.kind: due_status(d, today, calendar) for d in detail.deadlines}


def queue_columns(ws, case_id):
    with ws.store.unit_of_work() as s:
        case = s.get(Case, case_id)
        return case.next_deadline_on, case.next_deadline_kind


def in_view(ws, view: queue.QueueView, case_id) -> bool:
    rows = queue.fetch_cases(ws, queue.QueueQuery(view=view), 0, 100).rows
    return any(r.id == case_id for r in rows)


def terminated_complaint(ws, **form):
    case_id, _ = cases.intake_work_order(ws, complaint_form(**form))
    cases.accept(ws, case_id)
    cases.assign(ws, case_id, cases.list_mediators(ws)[0][0])
    cases.start_mediation(ws, case_id)
    cases.close(ws, case_id, Outcome.TERMINATED,
                termination_ground=TerminationGround.MC_ABSENT_OR_REFUSED,
                reason="被投诉人明确拒绝调解")
    return case_id


def decided_report(ws):
    case_id, _ = cases.intake_work_order(ws, complaint_form(
        kind=CaseKind.REPORT, source_ticket="1310115202603020009",
        complainant=PartyInput(role="reporter", party_type="person", name="王举报",
                               phone="13900001111")))
    cases.accept(ws, case_id)
    return case_id


# ------------------------------------------------------------------ closing


def test_a_closed_case_shows_overdue_only_on_a_notice_it_still_owes(ws):
    case_id = terminated_complaint(ws)
    later(ws, 400)  # long after: nothing closing settled runs overdue
    found = statuses(ws, case_id)
    overdue = [kind for kind, status in found.items() if status is DueStatus.OVERDUE]
    assert overdue == [NOTICE]  # the termination was never told to the parties
    assert found[ClockKind.MEDIATION] is DueStatus.DONE
    assert found[ClockKind.ACCEPT_DECISION] is DueStatus.DONE
    # The owed notice keeps the queue's columns: it is listed under 已超期.
    due, kind = queue_columns(ws, case_id)
    assert kind == NOTICE.value and due == date(2026, 3, 11)
    assert in_view(ws, queue.QueueView.OVERDUE, case_id)


def test_a_closed_inquiry_is_never_overdue(ws):
    with ws.store.unit_of_work() as s:
        from app.services.reference import PLEDGES_KEY  # the office's pledges
        from app.store.models import OfficeSetting
        s.add(OfficeSetting(office_id=ws.actor.office_id, key=PLEDGES_KEY, value=[
            {"kind": "pledge_dispatch", "hours": 2, "starts_at": "received"}],
            modified_by="test"))
    inquiry, _ = cases.intake_work_order(ws, complaint_form(kind=CaseKind.INQUIRY))
    cases.close(ws, inquiry, Outcome.ANSWERED)
    later(ws, 730)
    assert statuses(ws, inquiry) == {ClockKind.PLEDGE_DISPATCH: DueStatus.DONE_LATE}
    assert queue_columns(ws, inquiry) == (None, "")


def test_delivery_to_both_sides_serves_the_termination_notice(ws):
    case_id = terminated_complaint(ws)
    decided = cases.get_case(ws, case_id).closed_at
    now = later(ws, 3)
    (notice,) = cases.get_case(ws, case_id).notices
    assert notice.kind is NOTICE and notice.still_owed == (APPLICANT, RESPONDENT)
    cases.record_delivery(ws, case_id, notice=NOTICE, to=APPLICANT, method=DeliveryMethod.SMS,
                          delivered_at=decided + timedelta(hours=2))
    detail = cases.get_case(ws, case_id)
    assert detail.notices[0].still_owed == (RESPONDENT,)  # one side told: still owed
    assert queue_columns(ws, case_id)[1] == NOTICE.value
    cases.record_delivery(ws, case_id, notice=NOTICE, to=RESPONDENT, method="mail",
                          delivered_at=now, note="挂号信 XA123456789CN")
    detail = cases.get_case(ws, case_id)
    assert detail.notices[0].still_owed == ()
    assert statuses(ws, case_id)[NOTICE] is DueStatus.DONE
    assert queue_columns(ws, case_id) == (None, "")
    assert [(d.to, d.method, d.note) for d in detail.deliveries] == [
        (APPLICANT, "sms", ""), (RESPONDENT, "mail", "挂号信 XA123456789CN")]
    history = cases.case_history(ws, case_id)
    assert [e.action for e in history].count("create:delivery") == 2
    assert history[-1].changes["to"] == [None, "respondent"]
    with ws.store.unit_of_work() as s:  # kept in the synced, append-only notes
        kinds = s.scalars(select(Note.clock).where(Note.case_id == case_id,
                                                   Note.kind == "delivery")).all()
        assert kinds == [NOTICE.value, NOTICE.value]


def test_a_delivery_is_refused_in_words_where_it_cannot_be(ws):
    case_id = terminated_complaint(ws)
    decided = cases.get_case(ws, case_id).closed_at
    now = later(ws, 2)

    def refused(**given):
        values = dict(notice=NOTICE, to=APPLICANT, method=DeliveryMethod.PHONE,
                      delivered_at=now)
        values.update(given)
        with pytest.raises(ValidationFailed) as caught:
            cases.record_delivery(ws, case_id, **values)
        return caught.value.problems

    assert refused(delivered_at=decided - timedelta(minutes=5)) == {
        "delivered_at": FieldProblem.BEFORE_DECISION}
    assert refused(delivered_at=now + timedelta(hours=1)) == {
        "delivered_at": FieldProblem.IN_FUTURE}
    assert refused(method="carrier pigeon") == {"method": FieldProblem.INVALID_CHOICE}
    assert refused(to=PartyRole.REPORTER) == {"to": FieldProblem.NOT_OWED}
    assert refused(notice=ClockKind.MEDIATION) == {"notice": FieldProblem.INVALID_CHOICE}
    with pytest.raises(ClockError) as caught:  # a settlement owes no termination notice
        cases.record_delivery(ws, case_id, notice=ClockKind.REPORT_NOTICE, to=APPLICANT,
                              method=DeliveryMethod.PHONE, delivered_at=now)
    assert caught.value.code is ClockProblem.NO_NOTICE
    assert cases.get_case(ws, case_id).deliveries == ()


def test_a_decided_report_owes_its_reporter_the_notice(ws):
    case_id = decided_report(ws)
    cases.close(ws, case_id, Outcome.NO_CASE, reason="经核查，未发现违法行为")
    later(ws, 20)
    assert statuses(ws, case_id)[ClockKind.REPORT_NOTICE] is DueStatus.OVERDUE
    assert in_view(ws, queue.QueueView.OVERDUE, case_id)
    cases.record_delivery(ws, case_id, notice=ClockKind.REPORT_NOTICE, to=PartyRole.REPORTER,
                          method=DeliveryMethod.PLATFORM, delivered_at=ws.now())
    assert statuses(ws, case_id)[ClockKind.REPORT_NOTICE] is DueStatus.DONE_LATE
    assert not in_view(ws, queue.QueueView.OVERDUE, case_id)


# ------------------------------------------------------------------ extension


def test_an_approved_extension_adds_fifteen_working_days_to_verification(ws):
    case_id = decided_report(ws)
    detail = cases.get_case(ws, case_id)
    before = next(d for d in detail.deadlines if d.kind is ClockKind.REPORT_VERIFICATION)
    assert detail.verification_extendable
    now = later(ws, 10)
    with pytest.raises(ValidationFailed) as caught:
        cases.extend_verification(ws, case_id, approved_by=" ", approved_at=now, reason="")
    assert caught.value.problems == {"approved_by": FieldProblem.REQUIRED,
                                     "reason": FieldProblem.REQUIRED}
    with pytest.raises(ValidationFailed) as caught:
        cases.extend_verification(ws, case_id, approved_by="王局长", reason="需检测",
                                  approved_at=now + timedelta(days=1))
    assert caught.value.problems == {"approved_at": FieldProblem.IN_FUTURE}
    with pytest.raises(ValidationFailed) as caught:
        cases.extend_verification(ws, case_id, approved_by="王局长", reason="需检测",
                                  approved_at=datetime(2026, 2, 1, tzinfo=UTC))
    assert caught.value.problems == {"approved_at": FieldProblem.BEFORE_START}
    cases.extend_verification(ws, case_id, approved_by="王局长", approved_at=now,
                              reason="涉案商品需送检，情况复杂")
    detail = cases.get_case(ws, case_id)
    after = next(d for d in detail.deadlines if d.kind is ClockKind.REPORT_VERIFICATION)
    calendar = desk.work_calendar(ws)
    assert after.due == calendar.add_working_days(before.due, 15).day
    assert not detail.verification_extendable
    (extension,) = detail.extensions
    assert (extension.approved_by, extension.reason, extension.recorded_by) == (
        "王局长", "涉案商品需送检，情况复杂", ws.actor.login)
    assert cases.case_history(ws, case_id)[-1].action == "create:extension"
    with pytest.raises(ClockError) as again:
        cases.extend_verification(ws, case_id, approved_by="王局长", approved_at=now,
                                  reason="再延")
    assert again.value.code is ClockProblem.ALREADY_EXTENDED


def test_an_extension_comes_before_the_limit_runs_out_and_only_on_a_report(ws):
    case_id = decided_report(ws)
    due = next(d for d in cases.get_case(ws, case_id).deadlines
               if d.kind is ClockKind.REPORT_VERIFICATION).due
    now = later(ws, 60)
    with pytest.raises(ValidationFailed) as caught:
        cases.extend_verification(ws, case_id, approved_by="王局长", reason="需检测",
                                  approved_at=now)
    assert caught.value.problems == {"approved_at": FieldProblem.TOO_LATE}
    # Recorded late, approved in time: taken.
    on_time = datetime(due.year, due.month, due.day, 1, tzinfo=UTC)
    cases.extend_verification(ws, case_id, approved_by="王局长", reason="需检测",
                              approved_at=on_time)
    complaint, _ = cases.intake_work_order(ws, complaint_form(source_ticket="X-2"))
    with pytest.raises(ClockError) as caught:
        cases.extend_verification(ws, complaint, approved_by="王局长", reason="需检测",
                                  approved_at=now)
    assert caught.value.code is ClockProblem.NOT_EXTENDABLE


# ------------------------------------------------------------------ reopening


def test_a_reopened_complaint_counts_its_mediation_from_the_reopening(ws):
    case_id, _ = cases.intake_work_order(ws, complaint_form())
    cases.accept(ws, case_id)
    cases.assign(ws, case_id, cases.list_mediators(ws)[0][0])
    cases.start_mediation(ws, case_id)
    cases.close(ws, case_id, Outcome.SETTLED)
    reopened = later(ws, 150)  # months later the business did not pay
    cases.reopen(ws, case_id, "被投诉人未履行调解协议")
    detail = cases.get_case(ws, case_id)
    assert detail.reopened_at == reopened
    found = statuses(ws, case_id)
    assert DueStatus.OVERDUE not in found.values()
    mediation = next(d for d in detail.deadlines if d.kind is ClockKind.MEDIATION)
    calendar = desk.work_calendar(ws)
    assert mediation.due == calendar.add_working_days(china_today(reopened), 45).day
    assert queue_columns(ws, case_id) == (mediation.due, ClockKind.MEDIATION.value)
    assert cases.case_history(ws, case_id)[-1].changes["reopened_at"][0] is None


def test_a_reopened_termination_owes_its_old_notice_no_more(ws):
    case_id = terminated_complaint(ws)
    later(ws, 30)
    cases.reopen(ws, case_id, "投诉人补充了新证据")
    assert cases.get_case(ws, case_id).notices == ()
    assert DueStatus.OVERDUE not in statuses(ws, case_id).values()


# ------------------------------------------------------------------ pauses


def test_a_pause_cannot_begin_before_acceptance_or_in_the_future(ws):
    case_id, _ = cases.intake_work_order(ws, complaint_form())
    later(ws, 2)
    cases.accept(ws, case_id)
    with pytest.raises(ValidationFailed) as caught:
        cases.pause_clock(ws, case_id, PauseReason.APPRAISAL, started_on=date(2026, 3, 3),
                          expected_end=date(2026, 3, 20))
    assert caught.value.problems == {"started_on": FieldProblem.BEFORE_ACCEPTANCE}
    with pytest.raises(ValidationFailed) as caught:
        cases.pause_clock(ws, case_id, PauseReason.APPRAISAL, started_on=date(2026, 3, 9),
                          expected_end=date(2026, 3, 20))
    assert caught.value.problems == {"started_on": FieldProblem.IN_FUTURE}
    assert not cases.get_case(ws, case_id).paused
    cases.pause_clock(ws, case_id, PauseReason.APPRAISAL, started_on=date(2026, 3, 4),
                      expected_end=date(2026, 3, 20))
    assert cases.get_case(ws, case_id).paused


# ------------------------------------------------------------------ recomputing


def test_a_recompute_keeps_the_notice_a_closed_case_owes(ws):
    case_id = terminated_complaint(ws)
    with ws.store.unit_of_work() as s:
        s.get(Case, case_id).next_deadline_on = date(2030, 1, 1)  # as a stale value
    summary, _ = clocks.recompute_open_clocks(ws)
    assert summary.checked == 1 and summary.changed == 1
    assert queue_columns(ws, case_id) == (date(2026, 3, 11), NOTICE.value)


def test_a_people_s_mediation_termination_owes_no_notice_clock(ws):
    case_id, _ = cases.intake_work_order(ws, complaint_form(track=Track.PEOPLES_MEDIATION))
    cases.accept(ws, case_id)
    cases.assign(ws, case_id, cases.list_mediators(ws)[0][0])
    cases.start_mediation(ws, case_id)
    cases.close(ws, case_id, Outcome.TERMINATED, termination_ground=TerminationGround.PM_FAILED,
                reason="双方分歧较大")
    later(ws, 100)
    detail = cases.get_case(ws, case_id)
    assert detail.notices == () and DueStatus.OVERDUE not in statuses(ws, case_id).values()
    assert queue_columns(ws, case_id) == (None, "")
