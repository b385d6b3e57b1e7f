from __future__ import annotations

import pytest

from app.core.errors import DomainError, TransitionError, TransitionErrorCode
from app.core.workflow import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Action,
    CaseKind,
    CaseState,
    CaseStatus,
    Outcome,
    PauseReason,
    RejectionGround,
    Source,
    TerminationGround,
    Track,
    allowed_actions,
    kinds_for_track,
    outcomes_for_kind,
    transition,
)

MC, PM = Track.MARKET_COMPLAINT, Track.PEOPLES_MEDIATION
C, R, Q = CaseKind.COMPLAINT, CaseKind.REPORT, CaseKind.INQUIRY  # Q: question
S = CaseStatus


def state(
    track: Track = MC, kind: CaseKind = C, status: CaseStatus = S.RECEIVED, **kw
) -> CaseState:
    return CaseState(track, kind, status, **kw)


def code_of(st: CaseState, action: Action, **kwargs) -> TransitionErrorCode:
    with pytest.raises(TransitionError) as info:
        transition(st, action, **kwargs)
    assert isinstance(info.value, DomainError)
    assert str(info.value)  # an English message for the command line
    return info.value.code


def mediating(track: Track = MC, **kw) -> CaseState:
    return state(track, C, S.MEDIATING, mediator_id="m1", **kw)


# -- the happy paths ----------------------------------------------------------------


def test_complaint_full_life() -> None:
    st = state()
    st = transition(st, Action.ACCEPT)
    st = transition(st, Action.ASSIGN, mediator_id="m1")
    assert (st.status, st.mediator_id) == (S.ASSIGNED, "m1")
    st = transition(st, Action.START_MEDIATION)
    st = transition(st, Action.CLOSE, outcome=Outcome.SETTLED)
    assert (st.status, st.outcome) == (S.CLOSED, Outcome.SETTLED)
    st = transition(st, Action.FOLLOW_UP)
    st = transition(st, Action.RATE)
    assert st.status is S.RATED
    assert allowed_actions(st) == (Action.REOPEN,)


def test_inquiry_answered_without_formalities() -> None:
    st = transition(state(kind=Q), Action.CLOSE, outcome=Outcome.ANSWERED)
    assert (st.status, st.outcome) == (S.CLOSED, Outcome.ANSWERED)
    accepted = transition(state(kind=Q, status=S.ACCEPTED), Action.CLOSE, outcome=Outcome.ANSWERED)
    assert accepted.outcome is Outcome.ANSWERED


def test_report_closes_with_referral_or_no_case() -> None:
    assigned = state(kind=R, status=S.ASSIGNED, mediator_id="officer")
    assert transition(assigned, Action.CLOSE, outcome=Outcome.REFERRED).outcome is Outcome.REFERRED
    accepted = state(kind=R, status=S.ACCEPTED)
    assert transition(accepted, Action.CLOSE, outcome=Outcome.NO_CASE).outcome is Outcome.NO_CASE
    assert (
        code_of(accepted, Action.CLOSE, outcome=Outcome.SETTLED)
        is TransitionErrorCode.OUTCOME_WRONG_KIND
    )
    assert Action.START_MEDIATION not in allowed_actions(assigned)


def test_transition_does_not_mutate() -> None:
    st = state()
    transition(st, Action.ACCEPT)
    assert st.status is S.RECEIVED


# -- rejection ----------------------------------------------------------------------


def test_reject_requires_a_ground_of_the_track() -> None:
    st = state()
    assert code_of(st, Action.REJECT) is TransitionErrorCode.GROUND_REQUIRED
    assert (
        code_of(st, Action.REJECT, rejection_ground=RejectionGround.PM_PARTY_REFUSES)
        is TransitionErrorCode.GROUND_WRONG_TRACK
    )
    done = transition(st, Action.REJECT, rejection_ground=RejectionGround.MC_TIME_BARRED)
    assert done.status is S.REJECTED


def test_catch_all_ground_needs_a_reason() -> None:
    st = state(PM)
    assert (
        code_of(st, Action.REJECT, rejection_ground=RejectionGround.PM_OTHER, reason="  ")
        is TransitionErrorCode.REASON_REQUIRED
    )
    ok = transition(st, Action.REJECT, rejection_ground=RejectionGround.PM_OTHER, reason="已起诉")
    assert ok.status is S.REJECTED


def test_inquiries_are_answered_not_rejected() -> None:
    assert Action.REJECT not in allowed_actions(state(kind=Q))


# -- assignment ---------------------------------------------------------------------


def test_assign_needs_a_mediator_and_a_change() -> None:
    accepted = state(status=S.ACCEPTED)
    assert code_of(accepted, Action.ASSIGN) is TransitionErrorCode.MEDIATOR_REQUIRED
    assert (
        code_of(accepted, Action.ASSIGN, mediator_id=" ") is TransitionErrorCode.MEDIATOR_REQUIRED
    )
    assigned = transition(accepted, Action.ASSIGN, mediator_id="m1")
    assert (
        code_of(assigned, Action.ASSIGN, mediator_id="m1") is TransitionErrorCode.MEDIATOR_UNCHANGED
    )
    assert transition(assigned, Action.ASSIGN, mediator_id="m2").mediator_id == "m2"


def test_reassign_during_mediation_stays_mediating() -> None:
    st = transition(mediating(), Action.ASSIGN, mediator_id="m2")
    assert (st.status, st.mediator_id) == (S.MEDIATING, "m2")


def test_assigning_a_closed_or_unaccepted_case_is_refused() -> None:
    closed = state(status=S.CLOSED, outcome=Outcome.SETTLED, mediator_id="m1")
    assert code_of(closed, Action.ASSIGN, mediator_id="m2") is TransitionErrorCode.NOT_ALLOWED
    assert code_of(state(), Action.ASSIGN, mediator_id="m2") is TransitionErrorCode.NOT_ALLOWED


# -- closing ------------------------------------------------------------------------


def test_settlement_needs_mediation_to_have_started() -> None:
    assigned = state(status=S.ASSIGNED, mediator_id="m1")
    assert (
        code_of(assigned, Action.CLOSE, outcome=Outcome.SETTLED)
        is TransitionErrorCode.OUTCOME_WRONG_STATUS
    )
    assert code_of(assigned, Action.CLOSE) is TransitionErrorCode.OUTCOME_REQUIRED


def test_peoples_mediation_refusal_before_mediation_starts() -> None:
    # 人民调解法 第十七条: one party clearly refuses -> ends before mediation begins.
    accepted = state(PM, status=S.ACCEPTED)
    st = transition(
        accepted,
        Action.CLOSE,
        outcome=Outcome.TERMINATED,
        termination_ground=TerminationGround.PM_PARTY_REFUSES,
    )
    assert (st.status, st.outcome) == (S.CLOSED, Outcome.TERMINATED)


def test_termination_ground_rules() -> None:
    st = mediating()
    assert (
        code_of(st, Action.CLOSE, outcome=Outcome.TERMINATED) is TransitionErrorCode.GROUND_REQUIRED
    )
    assert (
        code_of(
            st,
            Action.CLOSE,
            outcome=Outcome.TERMINATED,
            termination_ground=TerminationGround.PM_FAILED,
        )
        is TransitionErrorCode.GROUND_WRONG_TRACK
    )
    assert (
        code_of(
            st,
            Action.CLOSE,
            outcome=Outcome.SETTLED,
            termination_ground=TerminationGround.MC_NO_AGREEMENT_POSSIBLE,
        )
        is TransitionErrorCode.GROUND_NOT_APPLICABLE
    )
    done = transition(
        st,
        Action.CLOSE,
        outcome=Outcome.TERMINATED,
        termination_ground=TerminationGround.MC_TIME_LIMIT_EXPIRED,
    )
    assert done.outcome is Outcome.TERMINATED


def test_grounds_are_refused_on_actions_that_do_not_take_them() -> None:
    assert (
        code_of(state(), Action.ACCEPT, rejection_ground=RejectionGround.MC_TIME_BARRED)
        is TransitionErrorCode.GROUND_NOT_APPLICABLE
    )


def test_closing_while_paused_is_refused() -> None:
    paused = transition(mediating(), Action.PAUSE, pause_reason=PauseReason.INSPECTION)
    assert paused.paused and paused.status is S.MEDIATING
    assert Action.CLOSE not in allowed_actions(paused)
    assert code_of(paused, Action.CLOSE, outcome=Outcome.SETTLED) is TransitionErrorCode.PAUSED
    resumed = transition(paused, Action.RESUME)
    assert transition(resumed, Action.CLOSE, outcome=Outcome.SETTLED).status is S.CLOSED


def test_pause_rules() -> None:
    assert code_of(mediating(), Action.PAUSE) is TransitionErrorCode.PAUSE_REASON_REQUIRED
    # 暂行办法 第十九条: recusal suspends a mediation, so not before one has started.
    accepted = state(status=S.ACCEPTED)
    assert (
        code_of(accepted, Action.PAUSE, pause_reason=PauseReason.RECUSAL)
        is TransitionErrorCode.NOT_ALLOWED
    )
    assert transition(accepted, Action.PAUSE, pause_reason=PauseReason.APPRAISAL).paused
    paused = mediating(paused=True)
    assert (
        code_of(paused, Action.PAUSE, pause_reason=PauseReason.APPRAISAL)
        is TransitionErrorCode.NOT_ALLOWED
    )
    assert code_of(mediating(), Action.RESUME) is TransitionErrorCode.NOT_ALLOWED


# -- after closing --------------------------------------------------------------------


def test_follow_up_and_rating_order() -> None:
    closed = state(status=S.CLOSED, outcome=Outcome.SETTLED, mediator_id="m1")
    assert code_of(closed, Action.RATE) is TransitionErrorCode.NOT_ALLOWED
    assert transition(closed, Action.FOLLOW_UP).status is S.FOLLOWED_UP


def test_reopen_requires_reason_and_clears_outcome() -> None:
    rated = state(status=S.RATED, outcome=Outcome.SETTLED, mediator_id="m1")
    assert code_of(rated, Action.REOPEN) is TransitionErrorCode.REASON_REQUIRED
    st = transition(rated, Action.REOPEN, reason="经营者未履行协议")
    assert (st.status, st.outcome, st.mediator_id) == (S.MEDIATING, None, "m1")


def test_reopen_of_rejection_goes_back_to_intake() -> None:
    st = transition(state(status=S.REJECTED), Action.REOPEN, reason="补齐材料")
    assert (st.status, st.outcome) == (S.RECEIVED, None)


def test_reopen_without_a_mediator_returns_to_accepted() -> None:
    terminated_early = state(PM, status=S.CLOSED, outcome=Outcome.TERMINATED)
    assert transition(terminated_early, Action.REOPEN, reason="对方同意调解").status is S.ACCEPTED
    report = state(kind=R, status=S.CLOSED, outcome=Outcome.NO_CASE, mediator_id="officer")
    assert transition(report, Action.REOPEN, reason="新线索").status is S.ASSIGNED


# -- what the UI offers ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("st", "expected"),
    [
        (state(), (Action.ACCEPT, Action.REJECT)),
        (state(kind=Q), (Action.ACCEPT, Action.CLOSE)),
        (state(status=S.ACCEPTED), (Action.ASSIGN, Action.PAUSE, Action.CLOSE)),
        (
            state(status=S.ASSIGNED, mediator_id="m"),
            (Action.ASSIGN, Action.START_MEDIATION, Action.PAUSE, Action.CLOSE),
        ),
        (mediating(paused=True), (Action.ASSIGN, Action.RESUME)),
        (state(status=S.REJECTED), (Action.REOPEN,)),
        (state(status=S.CLOSED, outcome=Outcome.SETTLED), (Action.FOLLOW_UP, Action.REOPEN)),
    ],
)
def test_allowed_actions(st: CaseState, expected: tuple[Action, ...]) -> None:
    assert allowed_actions(st) == expected


def test_every_offered_action_can_succeed_and_others_fail() -> None:
    """allowed_actions and transition agree, for every status/kind/track/pause mix."""
    good_args = {
        Action.ASSIGN: {"mediator_id": "someone-new"},
        Action.PAUSE: {"pause_reason": PauseReason.APPRAISAL},
        Action.REOPEN: {"reason": "r"},
    }
    for track in Track:
        for kind in CaseKind:
            for status in CaseStatus:
                for paused in (False, True):
                    st = CaseState(track, kind, status, None, "m", paused)
                    offered = allowed_actions(st)
                    for action in Action:
                        if action is Action.CLOSE:
                            continue  # needs an outcome per kind: covered above
                        kwargs = good_args.get(action, {})
                        if action is Action.REJECT:
                            kwargs = {
                                "rejection_ground": next(iter(RejectionGround.for_track(track)))
                            }
                        if action in offered:
                            transition(st, action, **kwargs)
                        else:
                            with pytest.raises(TransitionError):
                                transition(st, action, **kwargs)


# -- enums as data --------------------------------------------------------------------


def test_values_are_stable() -> None:
    assert Track.MARKET_COMPLAINT == "market_complaint"
    assert Source.HOTLINE_12315 == "12315" and Source.WALK_IN == "walk_in"
    assert CaseStatus("followed_up") is CaseStatus.FOLLOWED_UP
    assert OPEN_STATUSES.isdisjoint(CLOSED_STATUSES)
    assert OPEN_STATUSES | CLOSED_STATUSES == frozenset(CaseStatus)


def test_grounds_belong_to_one_track() -> None:
    assert RejectionGround.MC_NOT_CONSUMER_DISPUTE.tracks == frozenset({MC})
    assert len(RejectionGround.for_track(MC)) == 9  # Art 15 (1)–(6) + 3 reported in 121号令
    assert len(TerminationGround.for_track(MC)) == 8  # Art 21 (1)–(7) + 1 reported
    for ground in (*RejectionGround, *TerminationGround):
        assert len(ground.tracks) == 1


def test_kind_and_outcome_tables() -> None:
    assert R not in kinds_for_track(PM)
    assert kinds_for_track(MC) == frozenset(CaseKind)
    assert outcomes_for_kind(Q) == frozenset({Outcome.ANSWERED})


def test_a_peoples_mediation_case_is_never_referred_for_a_case_file():
    """转立案 is a market-regulation bureau's outcome (issue 14, item 10)."""
    from app.core.workflow import (
        Action,
        CaseKind,
        CaseState,
        CaseStatus,
        Outcome,
        Track,
        TransitionError,
        outcomes_for_kind,
        transition,
    )

    assert Outcome.REFERRED not in outcomes_for_kind(CaseKind.COMPLAINT, Track.PEOPLES_MEDIATION)
    assert Outcome.REFERRED in outcomes_for_kind(CaseKind.COMPLAINT, Track.MARKET_COMPLAINT)
    mediating = CaseState(Track.PEOPLES_MEDIATION, CaseKind.COMPLAINT, CaseStatus.MEDIATING,
                          mediator_id="m")
    with pytest.raises(TransitionError):
        transition(mediating, Action.CLOSE, outcome=Outcome.REFERRED)
