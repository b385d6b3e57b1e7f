"""Case workflow: statuses, outcomes, grounds and the legal transitions between them.

The machine (``kind`` C = complaint 投诉, R = report 举报, I = inquiry 咨询)::

    from                        action           to                          requires
    --------------------------  ---------------  --------------------------  -----------------------------------------
    received                    ACCEPT           accepted                    -
    received                    REJECT           rejected                    C/R; rejection ground of the case's track
    received/accepted/assigned  CLOSE            closed (ANSWERED)           I only; answering needs no formal acceptance
    accepted                    ASSIGN           assigned                    mediator_id
    assigned                    ASSIGN           assigned                    a different mediator_id (reassign)
    mediating                   ASSIGN           mediating                   a different mediator_id (e.g. after recusal)
    assigned                    START_MEDIATION  mediating                   C only
    accepted/assigned/mediating CLOSE            closed (TERMINATED)         C; termination ground of the track
    mediating                   CLOSE            closed (SETTLED|REFERRED)   C
    accepted/assigned           CLOSE            closed (REFERRED|NO_CASE)   R
    accepted/assigned/mediating PAUSE            same status, paused         C/R; pause_reason; RECUSAL only while mediating
    (paused)                    RESUME           same status, not paused     -
    closed                      FOLLOW_UP        followed_up                 -
    followed_up                 RATE             rated                       -
    rejected                    REOPEN           received                    non-empty reason
    closed/followed_up/rated    REOPEN           mediating | assigned |      non-empty reason; outcome cleared. C with a
                                                 accepted                    mediator -> mediating; otherwise assigned if a
                                                                             mediator is set, else accepted

Cross-cutting rules:
- CLOSE is refused while a clock pause is open (PAUSED): the pause's end date must be
  recorded first, because it changes the mediation clock (暂行办法 第二十条第三款).
- A ground whose ``requires_reason`` is True (the "other" grounds) needs a free-text reason.
- Grounds passed to an action that does not take them are refused (GROUND_NOT_APPLICABLE)
  so that nothing misleading gets recorded; other unused arguments are ignored.
- Nothing is mutated: ``transition`` returns a new ``CaseState``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Self

from app.core.errors import TransitionError, TransitionErrorCode

__all__ = [
    "Action",
    "CLOSED_STATUSES",
    "CaseKind",
    "CaseState",
    "CaseStatus",
    "OPEN_STATUSES",
    "Outcome",
    "PauseReason",
    "RejectionGround",
    "Source",
    "TerminationGround",
    "Track",
    "TransitionError",
    "TransitionErrorCode",
    "allowed_actions",
    "kinds_for_track",
    "outcomes_for_kind",
    "transition",
]


class Track(StrEnum):
    PEOPLES_MEDIATION = "peoples_mediation"
    MARKET_COMPLAINT = "market_complaint"


class CaseKind(StrEnum):
    COMPLAINT = "complaint"
    REPORT = "report"
    INQUIRY = "inquiry"


class Source(StrEnum):
    HOTLINE_12315 = "12315"
    HOTLINE_12345 = "12345"
    WALK_IN = "walk_in"
    PHONE = "phone"
    ONLINE = "online"
    TRANSFER = "transfer"


class CaseStatus(StrEnum):
    RECEIVED = "received"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    ASSIGNED = "assigned"
    MEDIATING = "mediating"
    CLOSED = "closed"
    FOLLOWED_UP = "followed_up"
    RATED = "rated"


OPEN_STATUSES: frozenset[CaseStatus] = frozenset(
    {CaseStatus.RECEIVED, CaseStatus.ACCEPTED, CaseStatus.ASSIGNED, CaseStatus.MEDIATING}
)
CLOSED_STATUSES: frozenset[CaseStatus] = frozenset(
    {CaseStatus.REJECTED, CaseStatus.CLOSED, CaseStatus.FOLLOWED_UP, CaseStatus.RATED}
)


class Outcome(StrEnum):
    SETTLED = "settled"
    TERMINATED = "terminated"
    REFERRED = "referred"
    ANSWERED = "answered"
    NO_CASE = "no_case"


_OUTCOMES_BY_KIND: dict[CaseKind, frozenset[Outcome]] = {
    CaseKind.COMPLAINT: frozenset({Outcome.SETTLED, Outcome.TERMINATED, Outcome.REFERRED}),
    # Reports end in a 立案 / 不予立案 decision (行政处罚程序规定 第十八条).
    CaseKind.REPORT: frozenset({Outcome.REFERRED, Outcome.NO_CASE}),
    CaseKind.INQUIRY: frozenset({Outcome.ANSWERED}),
}

# 转立案 (a complaint's violation leads handed to enforcement, 暂行办法 第二十三条) is a
# market-regulation bureau's outcome: a people's mediation committee files no cases.
_NOT_ON_TRACK: dict[Track, frozenset[Outcome]] = {
    Track.MARKET_COMPLAINT: frozenset(),
    Track.PEOPLES_MEDIATION: frozenset({Outcome.REFERRED, Outcome.NO_CASE}),
}

# Reports are a market-regulation notion (暂行办法 第三条第二款); a people's mediation
# committee handles disputes (人民调解法 第二条) and may answer questions.
_KINDS_BY_TRACK: dict[Track, frozenset[CaseKind]] = {
    Track.MARKET_COMPLAINT: frozenset(CaseKind),
    Track.PEOPLES_MEDIATION: frozenset({CaseKind.COMPLAINT, CaseKind.INQUIRY}),
}


def outcomes_for_kind(kind: CaseKind, track: Track | None = None) -> frozenset[Outcome]:
    """The outcomes a case of this kind (on this track) may be closed with."""
    outcomes = _OUTCOMES_BY_KIND[kind]
    return outcomes - _NOT_ON_TRACK[track] if track is not None else outcomes


def kinds_for_track(track: Track) -> frozenset[CaseKind]:
    """The case kinds an intake form should offer on this track (not enforced here)."""
    return _KINDS_BY_TRACK[track]


_MC = frozenset({Track.MARKET_COMPLAINT})
_PM = frozenset({Track.PEOPLES_MEDIATION})


class _GroundEnum(StrEnum):
    """Grounds carry the tracks they apply to and whether they need a free-text reason.
    Their official wording and citation are the documents' (app.documents.wording)."""

    _tracks_: frozenset[Track]
    _requires_reason_: bool

    def __new__(
        cls,
        value: str,
        tracks: frozenset[Track] = frozenset(),
        requires_reason: bool = False,
    ) -> Self:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj._tracks_ = tracks
        obj._requires_reason_ = requires_reason
        return obj

    @property
    def tracks(self) -> frozenset[Track]:
        return self._tracks_

    @property
    def requires_reason(self) -> bool:
        """True for catch-all grounds, which need a free-text explanation."""
        return self._requires_reason_

    @classmethod
    def for_track(cls, track: Track) -> tuple[Self, ...]:
        return tuple(g for g in cls if track in g.tracks)


class RejectionGround(_GroundEnum):
    """不予受理 grounds: 暂行办法 第十五条 (1)–(6), the additions reported for 总局令第121号
    (in force 2026-04-15), and people's mediation (人民调解法; practice)."""

    MC_OUT_OF_SCOPE = "mc_out_of_scope", _MC
    MC_ALREADY_HANDLED = "mc_already_handled", _MC
    MC_NOT_CONSUMER_DISPUTE = "mc_not_consumer_dispute", _MC
    MC_TIME_BARRED = "mc_time_barred", _MC
    MC_MISSING_MATERIALS = "mc_missing_materials", _MC
    MC_OTHER = "mc_other", _MC, True
    MC_FALSE_MATERIALS = "mc_false_materials", _MC
    MC_IMPERSONATION = "mc_impersonation", _MC
    MC_IDENTITY_REFUSED = "mc_identity_refused", _MC
    PM_PARTY_REFUSES = "pm_party_refuses", _PM
    PM_ALREADY_HANDLED = "pm_already_handled", _PM
    PM_NOT_CIVIL_DISPUTE = "pm_not_civil_dispute", _PM
    PM_OTHER = "pm_other", _PM, True


class TerminationGround(_GroundEnum):
    """终止调解 grounds: 暂行办法 第二十一条第一款 (1)–(7), the 121号令 addition, and
    people's mediation (人民调解法 第十七、二十三、二十六条; practice)."""

    MC_WITHDRAWN_OR_SETTLED = "mc_withdrawn_or_settled", _MC
    MC_NO_AGREEMENT_ON_TESTING = "mc_no_agreement_on_testing", _MC
    MC_ABSENT_OR_REFUSED = "mc_absent_or_refused", _MC
    MC_NO_AGREEMENT_POSSIBLE = "mc_no_agreement_possible", _MC
    MC_TIME_LIMIT_EXPIRED = "mc_time_limit_expired", _MC
    MC_REJECTION_GROUND_FOUND = "mc_rejection_ground_found", _MC
    MC_OTHER = "mc_other", _MC, True
    MC_UNLAWFUL_CLAIM = "mc_unlawful_claim", _MC
    PM_FAILED = "pm_failed", _PM
    PM_PARTY_WITHDRAWS = "pm_party_withdraws", _PM
    PM_PARTY_REFUSES = "pm_party_refuses", _PM
    PM_OTHER = "pm_other", _PM, True


class PauseReason(StrEnum):
    # 暂行办法 第二十条第三款; 行政处罚程序规定 第十八条第二款.
    INSPECTION = "inspection"
    APPRAISAL = "appraisal"
    # 暂行办法 第十九条第二款: a recusal application suspends (中止) mediation.
    RECUSAL = "recusal"


class Action(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"
    ASSIGN = "assign"
    START_MEDIATION = "start_mediation"
    PAUSE = "pause"
    RESUME = "resume"
    CLOSE = "close"
    FOLLOW_UP = "follow_up"
    RATE = "rate"
    REOPEN = "reopen"


@dataclass(frozen=True, slots=True)
class CaseState:
    """The workflow-relevant part of a case. ``paused``: a clock pause is open."""

    track: Track
    kind: CaseKind
    status: CaseStatus = CaseStatus.RECEIVED
    outcome: Outcome | None = None
    mediator_id: str | None = None
    paused: bool = False

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


_WORKING = frozenset({CaseStatus.ACCEPTED, CaseStatus.ASSIGNED, CaseStatus.MEDIATING})
_CLOSABLE_FROM: dict[CaseKind, frozenset[CaseStatus]] = {
    CaseKind.COMPLAINT: _WORKING,
    CaseKind.REPORT: frozenset({CaseStatus.ACCEPTED, CaseStatus.ASSIGNED}),
    CaseKind.INQUIRY: frozenset({CaseStatus.RECEIVED, CaseStatus.ACCEPTED, CaseStatus.ASSIGNED}),
}
_REOPENABLE = frozenset(
    {CaseStatus.REJECTED, CaseStatus.CLOSED, CaseStatus.FOLLOWED_UP, CaseStatus.RATED}
)


def _not_allowed(state: CaseState, action: Action) -> TransitionError:
    return TransitionError(
        TransitionErrorCode.NOT_ALLOWED,
        f"{action.value} is not allowed for a {state.kind.value} in status {state.status.value}"
        + (" (paused)" if state.paused else ""),
    )


def _check_allowed(state: CaseState, action: Action) -> None:
    """Raise unless ``action`` is legal in ``state`` for some valid arguments."""
    s, kind = state.status, state.kind
    match action:
        case Action.ACCEPT:
            ok = s is CaseStatus.RECEIVED
        case Action.REJECT:
            ok = s is CaseStatus.RECEIVED and kind is not CaseKind.INQUIRY
        case Action.ASSIGN:
            ok = s in _WORKING
        case Action.START_MEDIATION:
            ok = s is CaseStatus.ASSIGNED and kind is CaseKind.COMPLAINT
        case Action.PAUSE:
            ok = s in _WORKING and kind is not CaseKind.INQUIRY and not state.paused
        case Action.RESUME:
            ok = state.paused
        case Action.CLOSE:
            ok = s in _CLOSABLE_FROM[kind]
            if ok and state.paused:
                raise TransitionError(
                    TransitionErrorCode.PAUSED,
                    "cannot close while a clock pause is open; record the pause's end first",
                )
        case Action.FOLLOW_UP:
            ok = s is CaseStatus.CLOSED
        case Action.RATE:
            ok = s is CaseStatus.FOLLOWED_UP
        case Action.REOPEN:
            ok = s in _REOPENABLE
    if not ok:
        raise _not_allowed(state, action)


def check_allowed(state: CaseState, action: Action) -> None:
    """Raise TransitionError unless ``action`` is legal in ``state`` (a batch asks this
    of each member before acting)."""
    _check_allowed(state, action)


def allowed_actions(state: CaseState) -> tuple[Action, ...]:
    """The actions the UI may offer now, in declaration order."""
    result = []
    for action in Action:
        try:
            _check_allowed(state, action)
        except TransitionError:
            continue
        result.append(action)
    return tuple(result)


def _require_reason(reason: str, what: str) -> None:
    if not reason.strip():
        raise TransitionError(TransitionErrorCode.REASON_REQUIRED, f"{what} requires a reason")


def _check_ground(ground: _GroundEnum | None, state: CaseState, what: str, reason: str) -> None:
    if ground is None:
        raise TransitionError(TransitionErrorCode.GROUND_REQUIRED, f"{what} requires a ground")
    if state.track not in ground.tracks:
        raise TransitionError(
            TransitionErrorCode.GROUND_WRONG_TRACK,
            f"ground {ground.value} does not apply to track {state.track.value}",
        )
    if ground.requires_reason:
        _require_reason(reason, f"ground {ground.value}")


def _refuse_ground(ground: _GroundEnum | None, action: Action) -> None:
    if ground is not None:
        raise TransitionError(
            TransitionErrorCode.GROUND_NOT_APPLICABLE,
            f"ground {ground.value} does not apply to {action.value}",
        )


def _close(
    state: CaseState,
    outcome: Outcome | None,
    ground: TerminationGround | None,
    reason: str,
) -> CaseState:
    if outcome is None:
        raise TransitionError(TransitionErrorCode.OUTCOME_REQUIRED, "closing requires an outcome")
    if outcome not in outcomes_for_kind(state.kind, state.track):
        raise TransitionError(
            TransitionErrorCode.OUTCOME_WRONG_KIND,
            f"outcome {outcome.value} does not apply to a {state.kind.value} "
            f"on the {state.track.value} track",
        )
    if outcome is Outcome.TERMINATED:
        _check_ground(ground, state, "termination", reason)
    else:
        _refuse_ground(ground, Action.CLOSE)
        # Only a mediation that has started can succeed or turn into a case referral.
        if state.kind is CaseKind.COMPLAINT and state.status is not CaseStatus.MEDIATING:
            raise TransitionError(
                TransitionErrorCode.OUTCOME_WRONG_STATUS,
                f"outcome {outcome.value} requires mediation to have started",
            )
    return replace(state, status=CaseStatus.CLOSED, outcome=outcome, paused=False)


def _reopen_status(state: CaseState) -> CaseStatus:
    if state.status is CaseStatus.REJECTED:
        return CaseStatus.RECEIVED
    if state.mediator_id is None:
        return CaseStatus.ACCEPTED
    if state.kind is CaseKind.COMPLAINT:
        return CaseStatus.MEDIATING
    return CaseStatus.ASSIGNED


def transition(
    state: CaseState,
    action: Action,
    *,
    mediator_id: str | None = None,
    rejection_ground: RejectionGround | None = None,
    termination_ground: TerminationGround | None = None,
    outcome: Outcome | None = None,
    reason: str = "",
    pause_reason: PauseReason | None = None,
) -> CaseState:
    """Validate ``action`` against ``state`` and return the resulting state.

    Raises ``TransitionError`` whose ``code`` says what is wrong (see the module table).
    """
    _check_allowed(state, action)
    if action is not Action.REJECT:
        _refuse_ground(rejection_ground, action)
    if action is not Action.CLOSE:
        _refuse_ground(termination_ground, action)

    match action:
        case Action.ACCEPT:
            return replace(state, status=CaseStatus.ACCEPTED)
        case Action.REJECT:
            _check_ground(rejection_ground, state, "rejection", reason)
            return replace(state, status=CaseStatus.REJECTED)
        case Action.ASSIGN:
            if mediator_id is None or not mediator_id.strip():
                raise TransitionError(
                    TransitionErrorCode.MEDIATOR_REQUIRED, "assigning requires a mediator"
                )
            if mediator_id == state.mediator_id:
                raise TransitionError(
                    TransitionErrorCode.MEDIATOR_UNCHANGED,
                    f"the case is already assigned to {mediator_id}",
                )
            new_status = (
                CaseStatus.MEDIATING
                if state.status is CaseStatus.MEDIATING
                else CaseStatus.ASSIGNED
            )
            return replace(state, status=new_status, mediator_id=mediator_id)
        case Action.START_MEDIATION:
            return replace(state, status=CaseStatus.MEDIATING)
        case Action.PAUSE:
            if pause_reason is None:
                raise TransitionError(
                    TransitionErrorCode.PAUSE_REASON_REQUIRED, "pausing requires a reason"
                )
            # 暂行办法 第十九条第二款: recusal suspends a mediation, so only while mediating.
            if pause_reason is PauseReason.RECUSAL and state.status is not CaseStatus.MEDIATING:
                raise TransitionError(
                    TransitionErrorCode.NOT_ALLOWED,
                    "a recusal pause only applies while mediating",
                )
            return replace(state, paused=True)
        case Action.RESUME:
            return replace(state, paused=False)
        case Action.CLOSE:
            return _close(state, outcome, termination_ground, reason)
        case Action.FOLLOW_UP:
            return replace(state, status=CaseStatus.FOLLOWED_UP)
        case Action.RATE:
            return replace(state, status=CaseStatus.RATED)
        case Action.REOPEN:
            _require_reason(reason, "reopening")
            return replace(state, status=_reopen_status(state), outcome=None, paused=False)
    raise _not_allowed(state, action)  # pragma: no cover - every Action is matched above
