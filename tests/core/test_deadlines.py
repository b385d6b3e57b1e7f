from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from app.core.calendar import WorkCalendar
from app.core.deadlines import (
    BASELINE_RULE_SETS,
    ClockKind,
    ClockRule,
    ClockStart,
    DueStatus,
    Pause,
    Pledge,
    RuleSet,
    Unit,
    case_deadlines,
    compute_deadline,
    days_overdue,
    due_status,
    judicial_confirmation_deadline,
    load_rule_sets,
    next_deadline,
    overlapping_rule_sets,
    parse_rule_set,
    select_rule_set,
)
from app.core.errors import NoRuleSetError, RuleSetError, RuleSetErrorCode
from app.core.timeutil import CHINA_TZ
from app.core.workflow import CaseKind, PauseReason, Track

MC = Track.MARKET_COMPLAINT
PM = Track.PEOPLES_MEDIATION


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    """An instant in Beijing time."""
    return datetime(y, m, d, hh, mm, tzinfo=CHINA_TZ)


def rule_set_for(track: Track, received: date | datetime) -> RuleSet:
    return select_rule_set(BASELINE_RULE_SETS, track, received)


def mediation_rule() -> ClockRule:
    rule = rule_set_for(MC, date(2026, 1, 20)).rule(ClockKind.MEDIATION)
    assert rule is not None
    return rule


# -- choosing the rule set by receipt date ----------------------------------------


def test_case_received_before_order_121_uses_interim_measures() -> None:
    rs = rule_set_for(MC, date(2026, 4, 14))
    assert rs.code == "samr-interim-2020"
    assert rs.confirmed


def test_case_received_on_order_121_day_uses_unverified_placeholder() -> None:
    rs = rule_set_for(MC, date(2026, 4, 15))
    assert rs.code == "samr-order121-2026"
    assert not rs.confirmed


def test_receipt_instant_is_judged_in_china_time() -> None:
    # 2026-04-14 17:00 UTC is 04-15 01:00 in Beijing: the new order applies.
    assert rule_set_for(MC, datetime(2026, 4, 14, 17, 0, tzinfo=UTC)).code == "samr-order121-2026"
    assert rule_set_for(MC, datetime(2026, 4, 14, 15, 0, tzinfo=UTC)).code == "samr-interim-2020"


def test_deadlines_from_the_placeholder_are_marked_unconfirmed(
    official_calendar: WorkCalendar,
) -> None:
    rs = rule_set_for(MC, date(2026, 5, 6))
    (accept,) = case_deadlines(
        rs, kind=CaseKind.COMPLAINT, received_at=at(2026, 5, 6), calendar=official_calendar
    )
    assert accept.kind is ClockKind.ACCEPT_DECISION
    assert accept.confirmed is False
    assert accept.due == date(2026, 5, 14)  # Saturday 5/9 is a 调休 working day


def test_peoples_mediation_and_missing_rule_set() -> None:
    assert rule_set_for(PM, date(2026, 4, 15)).code == "peoples-mediation-2011"
    with pytest.raises(NoRuleSetError) as info:
        rule_set_for(MC, date(2019, 12, 31))
    assert info.value.code is RuleSetErrorCode.NO_RULE_SET


def test_baseline_periods_do_not_overlap_and_overlaps_are_reported() -> None:
    assert overlapping_rule_sets(BASELINE_RULE_SETS) == []
    clash = RuleSet("local", "x", MC, date(2026, 1, 1), None, False, ())
    pairs = overlapping_rule_sets([*BASELINE_RULE_SETS, clash])
    assert {(a.code, b.code) for a, b in pairs} == {
        ("samr-interim-2020", "local"),
        ("local", "samr-order121-2026"),
    }
    # The most recently started set wins for a date inside the overlap.
    assert select_rule_set([*BASELINE_RULE_SETS, clash], MC, date(2026, 3, 1)).code == "local"


# -- working-day clocks ------------------------------------------------------------


def test_mediation_clock_across_spring_festival_2026(official_calendar: WorkCalendar) -> None:
    deadline = compute_deadline(mediation_rule(), at(2026, 1, 20), official_calendar)
    # 45 working days from 2026-01-20: the 2/15–2/23 break pushes it six days past the
    # weekends-only date (2026-03-24), 2/14 and 2/28 count as working Saturdays.
    assert deadline.due == date(2026, 3, 30)
    # Without the notice: the four weekdays of 春节 (除夕 to 初三) are known off; the
    # notice's 调休 (two more days off, two Saturdays worked) happens to cancel out.
    assert compute_deadline(mediation_rule(), at(2026, 1, 20), WorkCalendar([])).due == date(
        2026, 3, 30
    )
    assert deadline.due_at is None
    assert (deadline.provisional, deadline.paused, deadline.soft, deadline.met) == (
        False,
        False,
        False,
        None,
    )


def test_research_worked_example_mediation(official_calendar: WorkCalendar) -> None:
    assert compute_deadline(mediation_rule(), at(2026, 9, 28), official_calendar).due == date(
        2026, 12, 4
    )


def test_start_instant_late_evening_utc_counts_from_china_date(
    official_calendar: WorkCalendar,
) -> None:
    # Accepted 2026-09-27 17:00 UTC = 09-28 01:00 Beijing -> same as the worked example.
    start = datetime(2026, 9, 27, 17, 0, tzinfo=UTC)
    assert compute_deadline(mediation_rule(), start, official_calendar).due == date(2026, 12, 4)


def test_closed_inspection_pause_extends_the_mediation_clock(
    official_calendar: WorkCalendar,
) -> None:
    # Testing from 3/2 to 3/9 excludes 3/3–3/6 and 3/9 (5 working days). 3/30 + 5 working
    # days crosses Qingming (4/4–4/6 off) and lands on 4/7.
    pause = Pause(PauseReason.INSPECTION, date(2026, 3, 2), ended_on=date(2026, 3, 9))
    deadline = compute_deadline(
        mediation_rule(), at(2026, 1, 20), official_calendar, [pause], now=at(2026, 3, 20)
    )
    assert deadline.due == date(2026, 4, 7)
    assert not deadline.paused


def test_pause_does_not_move_a_clock_that_is_not_pausable(
    official_calendar: WorkCalendar,
) -> None:
    accept = rule_set_for(MC, date(2026, 1, 20)).rule(ClockKind.ACCEPT_DECISION)
    assert accept is not None
    pause = Pause(PauseReason.APPRAISAL, date(2026, 1, 21), ended_on=date(2026, 2, 10))
    assert compute_deadline(accept, at(2026, 1, 20), official_calendar, [pause]).due == date(
        2026, 1, 29
    )


def test_open_pause_projects_from_expected_end(official_calendar: WorkCalendar) -> None:
    pause = Pause(PauseReason.APPRAISAL, date(2026, 3, 2), expected_end=date(2026, 3, 9))
    deadline = compute_deadline(
        mediation_rule(), at(2026, 1, 20), official_calendar, [pause], now=at(2026, 3, 4)
    )
    assert deadline.paused
    assert deadline.due == date(2026, 4, 7)
    assert due_status(deadline, date(2026, 3, 4), official_calendar) is DueStatus.PAUSED


def test_open_pause_without_expected_end_projects_from_today(
    official_calendar: WorkCalendar,
) -> None:
    pause = Pause(PauseReason.RECUSAL, date(2026, 3, 2))
    # Paused 3/3 and 3/4 so far -> 3/30 + 2 working days.
    deadline = compute_deadline(
        mediation_rule(), at(2026, 1, 20), official_calendar, [pause], now=at(2026, 3, 4)
    )
    assert (deadline.due, deadline.paused) == (date(2026, 4, 1), True)


def test_overdue_test_result_keeps_the_clock_stopped_until_today(
    official_calendar: WorkCalendar,
) -> None:
    pause = Pause(PauseReason.INSPECTION, date(2026, 3, 2), expected_end=date(2026, 3, 3))
    deadline = compute_deadline(
        mediation_rule(), at(2026, 1, 20), official_calendar, [pause], now=at(2026, 3, 6)
    )
    assert deadline.due == date(2026, 4, 3)  # 3/3–3/6 excluded: 4 working days


def test_pause_after_the_clock_ran_out_changes_nothing(official_calendar: WorkCalendar) -> None:
    late = Pause(PauseReason.INSPECTION, date(2026, 4, 1), ended_on=date(2026, 4, 20))
    deadline = compute_deadline(mediation_rule(), at(2026, 1, 20), official_calendar, [late])
    assert deadline.due == date(2026, 3, 30)


def test_deadline_reaching_into_2027_is_provisional(official_calendar: WorkCalendar) -> None:
    deadline = compute_deadline(mediation_rule(), at(2026, 11, 20), official_calendar)
    assert deadline.provisional
    assert deadline.due.year == 2027
    inside = compute_deadline(mediation_rule(), at(2026, 9, 28), official_calendar)
    assert not inside.provisional


def test_report_verification_extension(official_calendar: WorkCalendar) -> None:
    rs = rule_set_for(MC, date(2026, 3, 2))
    kwargs = {"kind": CaseKind.REPORT, "received_at": at(2026, 3, 2), "calendar": official_calendar}
    (plain,) = case_deadlines(rs, **kwargs)
    (extended,) = case_deadlines(rs, extended={ClockKind.REPORT_VERIFICATION}, **kwargs)
    assert plain.due == date(2026, 3, 23)
    assert extended.due == date(2026, 4, 14)  # +15 working days, over Qingming


# -- calendar-day and month periods ------------------------------------------------


def test_judicial_confirmation_rolls_past_national_day(official_calendar: WorkCalendar) -> None:
    deadline = judicial_confirmation_deadline(date(2026, 9, 5), official_calendar)
    # 9/5 + 30 days = 10/5, inside the holiday: the period ends on 10/8.
    assert deadline.due == date(2026, 10, 8)
    assert deadline.nominal_due == date(2026, 10, 5)
    assert deadline.unit is Unit.CALENDAR_DAYS
    assert "第三十三条" in deadline.citation


def test_judicial_confirmation_on_an_adjusted_working_saturday_does_not_roll(
    official_calendar: WorkCalendar,
) -> None:
    deadline = judicial_confirmation_deadline(date(2026, 9, 10), official_calendar)
    assert deadline.due == date(2026, 10, 10)  # a 调休上班 Saturday
    assert deadline.nominal_due is None


def test_judicial_confirmation_plain_case_and_2027(official_calendar: WorkCalendar) -> None:
    assert judicial_confirmation_deadline(date(2026, 8, 1), official_calendar).due == date(
        2026, 8, 31
    )
    late = judicial_confirmation_deadline(date(2026, 12, 5), official_calendar)
    assert (late.due, late.provisional) == (date(2027, 1, 4), True)


def test_peoples_mediation_month_target_is_soft_and_clamped(
    official_calendar: WorkCalendar,
) -> None:
    rs = rule_set_for(PM, date(2026, 1, 31))
    deadlines = case_deadlines(
        rs,
        kind=CaseKind.COMPLAINT,
        received_at=at(2026, 1, 30),
        accepted_at=at(2026, 1, 31),
        calendar=official_calendar,
    )
    (target,) = deadlines
    assert target.kind is ClockKind.MEDIATION_TARGET
    assert target.soft
    assert target.due == date(2026, 2, 28)  # no 2/31: the month's last day


# -- pledges ------------------------------------------------------------------------


def test_pledges_count_clock_hours(official_calendar: WorkCalendar) -> None:
    rs = rule_set_for(MC, date(2026, 10, 1))
    pledges = [
        Pledge(ClockKind.PLEDGE_DISPATCH, 2, ClockStart.RECEIVED),
        Pledge(ClockKind.PLEDGE_RESPONSE, 24, ClockStart.RECEIVED),
    ]
    received = at(2026, 10, 1, 22, 30)  # National Day evening: hours still run
    deadlines = {
        d.kind: d
        for d in case_deadlines(
            rs,
            kind=CaseKind.COMPLAINT,
            received_at=received,
            pledges=pledges,
            assigned_at=at(2026, 10, 2, 0, 45),
            calendar=official_calendar,
        )
    }
    dispatch = deadlines[ClockKind.PLEDGE_DISPATCH]
    assert dispatch.due_at == at(2026, 10, 2, 0, 30)
    assert dispatch.due == date(2026, 10, 2)
    assert dispatch.met is False  # dispatched 15 minutes late
    respond = deadlines[ClockKind.PLEDGE_RESPONSE]
    assert respond.due_at == at(2026, 10, 2, 22, 30)
    assert respond.met is None and respond.soft
    # The statutory acceptance clock still counts working days.
    # 10/8, 10/9, 10/10 (working Saturday), 10/12–10/15.
    assert deadlines[ClockKind.ACCEPT_DECISION].due == date(2026, 10, 15)


def test_pledge_validation_and_round_trip() -> None:
    pledge = Pledge(ClockKind.PLEDGE_RESPONSE, 24, ClockStart.RECEIVED)
    assert Pledge.from_dict(json.loads(json.dumps(pledge.to_dict()))) == pledge
    with pytest.raises(RuleSetError):
        Pledge(ClockKind.MEDIATION, 24, ClockStart.RECEIVED)
    with pytest.raises(RuleSetError):
        Pledge(ClockKind.PLEDGE_DISPATCH, 0, ClockStart.RECEIVED)


# -- which clocks a case has --------------------------------------------------------


def kinds_of(deadlines: list) -> list[ClockKind]:
    return [d.kind for d in deadlines]


def test_complaint_clocks_appear_as_events_happen(official_calendar: WorkCalendar) -> None:
    rs = rule_set_for(MC, date(2026, 3, 2))
    base = {
        "kind": CaseKind.COMPLAINT,
        "received_at": at(2026, 3, 2),
        "calendar": official_calendar,
    }
    assert kinds_of(case_deadlines(rs, **base)) == [ClockKind.ACCEPT_DECISION]
    accepted = case_deadlines(rs, accepted_at=at(2026, 3, 5), **base)
    assert kinds_of(accepted) == [ClockKind.ACCEPT_DECISION, ClockKind.MEDIATION]
    assert accepted[0].met is True
    terminated = case_deadlines(
        rs, accepted_at=at(2026, 3, 5), terminated_at=at(2026, 4, 1), **base
    )
    assert kinds_of(terminated) == [
        ClockKind.ACCEPT_DECISION,
        ClockKind.TERMINATION_NOTICE,
        ClockKind.MEDIATION,
    ]
    notice = terminated[1]
    assert notice.due == date(2026, 4, 13)  # 7 working days, Qingming 4/4–4/6 skipped
    assert terminated[2].met is True  # ended by termination within 45 working days


def test_report_clocks_and_anonymous_reporter(official_calendar: WorkCalendar) -> None:
    rs = rule_set_for(MC, date(2026, 3, 2))
    base = {
        "kind": CaseKind.REPORT,
        "received_at": at(2026, 3, 2),
        "decided_at": at(2026, 3, 20),
        "calendar": official_calendar,
    }
    named = case_deadlines(rs, **base)
    assert kinds_of(named) == [ClockKind.REPORT_VERIFICATION, ClockKind.REPORT_NOTICE]
    assert named[0].met is True
    assert named[1].due == date(2026, 3, 27)
    assert kinds_of(case_deadlines(rs, reporter_real_name=False, **base)) == [
        ClockKind.REPORT_VERIFICATION
    ]


def test_inquiry_has_no_statutory_clock(official_calendar: WorkCalendar) -> None:
    rs = rule_set_for(MC, date(2026, 3, 2))
    assert (
        case_deadlines(
            rs, kind=CaseKind.INQUIRY, received_at=at(2026, 3, 2), calendar=official_calendar
        )
        == []
    )


def test_next_deadline_is_earliest_outstanding(official_calendar: WorkCalendar) -> None:
    rs = rule_set_for(MC, date(2026, 3, 2))
    deadlines = case_deadlines(
        rs,
        kind=CaseKind.COMPLAINT,
        received_at=at(2026, 3, 2),
        accepted_at=at(2026, 3, 5),
        pledges=[Pledge(ClockKind.PLEDGE_RESPONSE, 24, ClockStart.RECEIVED)],
        responded_at=at(2026, 3, 2, 15),
        calendar=official_calendar,
    )
    upcoming = next_deadline(deadlines, at(2026, 3, 6))
    assert upcoming is not None and upcoming.kind is ClockKind.MEDIATION
    assert next_deadline([d for d in deadlines if d.met is not None]) is None


# -- status for the queue -----------------------------------------------------------


def test_due_status_and_days_overdue_across_national_day(official_calendar: WorkCalendar) -> None:
    rule = ClockRule(
        ClockKind.ACCEPT_DECISION,
        7,
        Unit.WORKING_DAYS,
        ClockStart.RECEIVED,
        frozenset({CaseKind.COMPLAINT}),
    )
    deadline = compute_deadline(rule, at(2026, 9, 18), official_calendar)
    assert deadline.due == date(2026, 9, 29)  # 9/20 (Sunday) is a working day
    assert due_status(deadline, date(2026, 9, 21), official_calendar) is DueStatus.ON_TRACK
    assert due_status(deadline, date(2026, 9, 24), official_calendar) is DueStatus.DUE_SOON
    assert due_status(deadline, date(2026, 9, 29), official_calendar) is DueStatus.DUE_TODAY
    assert due_status(deadline, date(2026, 10, 9), official_calendar) is DueStatus.OVERDUE
    # Overdue since 9/29: only 9/30, 10/8 and 10/9 were working days.
    assert days_overdue(deadline, date(2026, 10, 9), official_calendar) == 3
    assert days_overdue(deadline, date(2026, 9, 29), official_calendar) == 0


def test_done_deadlines_report_done_or_late(official_calendar: WorkCalendar) -> None:
    rule = mediation_rule()
    on_time = compute_deadline(rule, at(2026, 1, 20), official_calendar, done_at=at(2026, 3, 30))
    late = compute_deadline(rule, at(2026, 1, 20), official_calendar, done_at=at(2026, 4, 2))
    assert due_status(on_time, date(2026, 5, 1), official_calendar) is DueStatus.DONE
    assert due_status(late, date(2026, 5, 1), official_calendar) is DueStatus.DONE_LATE
    assert days_overdue(late, date(2026, 5, 1), official_calendar) == 3


# -- storage ------------------------------------------------------------------------


def test_rule_sets_round_trip_through_json() -> None:
    for rs in BASELINE_RULE_SETS:
        assert RuleSet.from_dict(json.loads(json.dumps(rs.to_dict()))) == rs


def test_edited_limit_changes_the_deadline(official_calendar: WorkCalendar) -> None:
    data = rule_set_for(MC, date(2026, 5, 1)).to_dict()
    for rule in data["rules"]:
        if rule["kind"] == "mediation":
            rule["limit"] = 30  # an administrator's correction after reading the order
    edited = RuleSet.from_dict(data)
    mediation = edited.rule(ClockKind.MEDIATION)
    assert mediation is not None and mediation.limit == 30
    assert compute_deadline(mediation, at(2026, 9, 28), official_calendar).due == date(2026, 11, 13)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.pop("track"),
        lambda d: d.update(track="nonsense"),
        lambda d: d["rules"][0].update(unit="fortnights"),
        lambda d: d["rules"][0].update(limit=-1),
        lambda d: d.update(valid_to="2010-01-01"),
        lambda d: d["rules"].append(dict(d["rules"][0])),
    ],
)
def test_bad_rule_set_data_is_refused(mutate) -> None:
    data = rule_set_for(MC, date(2026, 1, 1)).to_dict()
    mutate(data)
    with pytest.raises(RuleSetError) as info:
        RuleSet.from_dict(data)
    assert info.value.code is RuleSetErrorCode.INVALID_DATA


# -- rule files ---------------------------------------------------------------------

GOOD_RULE_FILE = """
code = "local-2026"
name = "本地规则"
track = "market_complaint"
valid_from = 2026-01-01
confirmed = true

[[rules]]
kind = "mediation"
limit = 30
unit = "working_days"
starts_at = "accepted"
kinds = ["complaint"]
"""


def test_a_rule_file_reads_as_its_rule_set() -> None:
    rs = parse_rule_set(GOOD_RULE_FILE, "local-2026.toml")
    assert (rs.code, rs.valid_from, rs.valid_to, rs.confirmed) == (
        "local-2026", date(2026, 1, 1), None, True)
    assert rs.rules == (ClockRule(ClockKind.MEDIATION, 30, Unit.WORKING_DAYS,
                                  ClockStart.ACCEPTED, frozenset({CaseKind.COMPLAINT})),)


@pytest.mark.parametrize(
    "edit, words",
    [
        (lambda t: t.replace('name = "本地规则"', 'name = "本地规则'), "not valid TOML"),
        (lambda t: t.replace("limit = 30", 'limit = "30"'), "'limit' must be a whole number"),
        (lambda t: t.replace("confirmed = true", 'confirmed = "yes"'), "'confirmed' must be true or false"),
        (lambda t: t.replace("limit = 30", "limit = 30\npausible = true"), "unknown key 'pausible'"),
        (lambda t: t.replace('unit = "working_days"', 'unit = "weeks"'), "'unit' has 'weeks'"),
        (lambda t: t.replace("valid_from = 2026-01-01\n", ""), "'valid_from' is missing"),
        (lambda t: t.replace('code = "local-2026"', 'code = "other"'), "must be the file's name"),
        (lambda t: t.replace("limit = 30", "limit = -1"), "limit and extension must be >= 0"),
    ],
)
def test_a_malformed_rule_file_says_which_file_and_what_is_wrong(edit, words) -> None:
    with pytest.raises(RuleSetError) as info:
        parse_rule_set(edit(GOOD_RULE_FILE), "local-2026.toml")
    assert info.value.code is RuleSetErrorCode.INVALID_DATA
    assert "rule file local-2026.toml" in str(info.value) and words in str(info.value)


def test_a_broken_file_in_a_rules_folder_stops_the_load(tmp_path) -> None:
    (tmp_path / "local-2026.toml").write_text(GOOD_RULE_FILE, encoding="utf-8")
    assert [rs.code for rs in load_rule_sets(tmp_path)] == ["local-2026"]
    (tmp_path / "broken.toml").write_text('code = "broken"\nname = \n', encoding="utf-8")
    with pytest.raises(RuleSetError, match=r"rule file broken.toml: not valid TOML.*line 2"):
        load_rule_sets(tmp_path)


def test_the_shipped_rule_files_are_the_baseline() -> None:
    assert [rs.code for rs in BASELINE_RULE_SETS] == [
        "samr-interim-2020", "samr-order121-2026", "peoples-mediation-2011"]
    assert load_rule_sets() == BASELINE_RULE_SETS


# -- closing and reopening (issue 14, item 5) -----------------------------------------

PLEDGES = [Pledge(ClockKind.PLEDGE_DISPATCH, 2, ClockStart.RECEIVED),
           Pledge(ClockKind.PLEDGE_RESPONSE, 24, ClockStart.ASSIGNED)]


def outstanding(deadlines: list) -> list[ClockKind]:
    return [d.kind for d in deadlines if d.met is None]


def test_closing_settles_every_clock_but_the_owed_notice(official_calendar: WorkCalendar):
    rs = rule_set_for(MC, date(2026, 3, 2))
    base = dict(kind=CaseKind.COMPLAINT, received_at=at(2026, 3, 2), pledges=PLEDGES,
                accepted_at=at(2026, 3, 4), calendar=official_calendar,
                now=at(2027, 6, 1))
    # Never dispatched, never answered: closed by termination a month later.
    closed = case_deadlines(rs, terminated_at=at(2026, 4, 1), closed_at=at(2026, 4, 1), **base)
    assert outstanding(closed) == [ClockKind.TERMINATION_NOTICE]
    pledge = next(d for d in closed if d.kind is ClockKind.PLEDGE_DISPATCH)
    assert pledge.met is False  # settled by the close, late: 超期完成, never 已超期
    told = case_deadlines(rs, terminated_at=at(2026, 4, 1), closed_at=at(2026, 4, 1),
                          termination_notified_at=at(2026, 4, 3), **base)
    assert outstanding(told) == []
    settled = case_deadlines(rs, closed_at=at(2026, 3, 20), **base)
    assert outstanding(settled) == []  # no notice is owed on a settlement


def test_an_answered_inquiry_and_a_rejected_complaint_owe_nothing(
        official_calendar: WorkCalendar):
    rs = rule_set_for(MC, date(2026, 3, 2))
    inquiry = case_deadlines(rs, kind=CaseKind.INQUIRY, received_at=at(2026, 3, 2),
                             closed_at=at(2026, 3, 3), pledges=PLEDGES,
                             calendar=official_calendar, now=at(2028, 3, 2))
    assert [d.kind for d in inquiry] == [ClockKind.PLEDGE_DISPATCH]
    assert outstanding(inquiry) == []
    rejected = case_deadlines(rs, kind=CaseKind.COMPLAINT, received_at=at(2026, 3, 2),
                              rejected_at=at(2026, 3, 5), pledges=PLEDGES,
                              calendar=official_calendar, now=at(2027, 3, 2))
    assert outstanding(rejected) == []


def test_a_decided_report_owes_the_real_name_reporter_the_notice(
        official_calendar: WorkCalendar):
    rs = rule_set_for(MC, date(2026, 3, 2))
    report = case_deadlines(rs, kind=CaseKind.REPORT, received_at=at(2026, 3, 2),
                            accepted_at=at(2026, 3, 3), decided_at=at(2026, 3, 20),
                            closed_at=at(2026, 3, 20), pledges=PLEDGES,
                            calendar=official_calendar, now=at(2026, 3, 30))
    assert outstanding(report) == [ClockKind.REPORT_NOTICE]
    assert due_status(report[-1], date(2026, 3, 30), official_calendar) is DueStatus.OVERDUE


def test_a_reopened_complaint_mediates_45_working_days_from_the_reopening(
        official_calendar: WorkCalendar):
    rs = rule_set_for(MC, date(2025, 3, 3))
    reopened = at(2026, 3, 2)
    deadlines = case_deadlines(
        rs, kind=CaseKind.COMPLAINT, received_at=at(2025, 3, 3), accepted_at=at(2025, 3, 4),
        assigned_at=at(2025, 3, 4, 11), responded_at=at(2025, 3, 4, 15), pledges=PLEDGES,
        reopened_at=reopened, calendar=official_calendar, now=at(2026, 3, 3))
    mediation = next(d for d in deadlines if d.kind is ClockKind.MEDIATION)
    assert mediation.due == official_calendar.add_working_days(date(2026, 3, 2), 45).day
    assert due_status(mediation, date(2026, 3, 3), official_calendar) is DueStatus.ON_TRACK
    accept = next(d for d in deadlines if d.kind is ClockKind.ACCEPT_DECISION)
    assert accept.met is True and accept.due == date(2025, 3, 12)  # done before: as it was
    assert outstanding(deadlines) == [ClockKind.MEDIATION]


def test_a_reopened_rejection_decides_again_and_runs_no_pledge(
        official_calendar: WorkCalendar):
    rs = rule_set_for(MC, date(2025, 3, 3))
    deadlines = case_deadlines(
        rs, kind=CaseKind.COMPLAINT, received_at=at(2025, 3, 3), pledges=PLEDGES,
        reopened_at=at(2026, 3, 2), calendar=official_calendar, now=at(2026, 3, 3))
    assert [d.kind for d in deadlines] == [ClockKind.ACCEPT_DECISION]
    assert deadlines[0].due == date(2026, 3, 11)
