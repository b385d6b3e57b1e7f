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
from typing import Self

from app.core.errors import TransitionError, TransitionErrorCode
from app.core.labels import LabeledEnum

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


class Track(LabeledEnum):
    PEOPLES_MEDIATION = "peoples_mediation", "人民调解"
    MARKET_COMPLAINT = "market_complaint", "行政调解（市场监管投诉）"


class CaseKind(LabeledEnum):
    COMPLAINT = "complaint", "投诉"
    REPORT = "report", "举报"
    INQUIRY = "inquiry", "咨询"


class Source(LabeledEnum):
    HOTLINE_12315 = "12315", "12315"
    HOTLINE_12345 = "12345", "12345"
    WALK_IN = "walk_in", "来访"
    PHONE = "phone", "来电"
    ONLINE = "online", "网上"
    TRANSFER = "transfer", "转办"


class CaseStatus(LabeledEnum):
    RECEIVED = "received", "待受理"
    ACCEPTED = "accepted", "已受理"
    REJECTED = "rejected", "不予受理"
    ASSIGNED = "assigned", "已派单"
    MEDIATING = "mediating", "调解中"
    CLOSED = "closed", "已办结"
    FOLLOWED_UP = "followed_up", "已回访"
    RATED = "rated", "已评价"


OPEN_STATUSES: frozenset[CaseStatus] = frozenset(
    {CaseStatus.RECEIVED, CaseStatus.ACCEPTED, CaseStatus.ASSIGNED, CaseStatus.MEDIATING}
)
CLOSED_STATUSES: frozenset[CaseStatus] = frozenset(
    {CaseStatus.REJECTED, CaseStatus.CLOSED, CaseStatus.FOLLOWED_UP, CaseStatus.RATED}
)


class Outcome(LabeledEnum):
    SETTLED = "settled", "调解成功"
    TERMINATED = "terminated", "终止调解"
    REFERRED = "referred", "转立案"
    ANSWERED = "answered", "已答复"
    NO_CASE = "no_case", "不予立案"


_OUTCOMES_BY_KIND: dict[CaseKind, frozenset[Outcome]] = {
    CaseKind.COMPLAINT: frozenset({Outcome.SETTLED, Outcome.TERMINATED, Outcome.REFERRED}),
    # Reports end in a 立案 / 不予立案 decision (行政处罚程序规定 第十八条).
    CaseKind.REPORT: frozenset({Outcome.REFERRED, Outcome.NO_CASE}),
    CaseKind.INQUIRY: frozenset({Outcome.ANSWERED}),
}

# Reports are a market-regulation notion (暂行办法 第三条第二款); a people's mediation
# committee handles disputes (人民调解法 第二条) and may answer questions.
_KINDS_BY_TRACK: dict[Track, frozenset[CaseKind]] = {
    Track.MARKET_COMPLAINT: frozenset(CaseKind),
    Track.PEOPLES_MEDIATION: frozenset({CaseKind.COMPLAINT, CaseKind.INQUIRY}),
}


def outcomes_for_kind(kind: CaseKind) -> frozenset[Outcome]:
    """The outcomes a case of this kind may be closed with."""
    return _OUTCOMES_BY_KIND[kind]


def kinds_for_track(track: Track) -> frozenset[CaseKind]:
    """The case kinds an intake form should offer on this track (not enforced here)."""
    return _KINDS_BY_TRACK[track]


_MC = frozenset({Track.MARKET_COMPLAINT})
_PM = frozenset({Track.PEOPLES_MEDIATION})

_INTERIM = "市场监督管理投诉举报处理暂行办法"
_PML = "人民调解法"


class _GroundEnum(LabeledEnum):
    """Grounds carry their official wording, the tracks they apply to and a citation."""

    _tracks_: frozenset[Track]
    _citation_: str
    _requires_reason_: bool

    def __new__(
        cls,
        value: str,
        label: str = "",
        tracks: frozenset[Track] = frozenset(),
        citation: str = "",
        requires_reason: bool = False,
    ) -> Self:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj._label_ = label
        obj._tracks_ = tracks
        obj._citation_ = citation
        obj._requires_reason_ = requires_reason
        return obj

    @property
    def tracks(self) -> frozenset[Track]:
        return self._tracks_

    @property
    def citation(self) -> str:
        return self._citation_

    @property
    def requires_reason(self) -> bool:
        """True for catch-all grounds, which need a free-text explanation."""
        return self._requires_reason_

    @classmethod
    def for_track(cls, track: Track) -> tuple[Self, ...]:
        return tuple(g for g in cls if track in g.tracks)


class RejectionGround(_GroundEnum):
    """不予受理 grounds."""

    # 暂行办法 第十五条 (1)–(6), verbatim.
    MC_OUT_OF_SCOPE = (
        "mc_out_of_scope",
        "投诉事项不属于市场监督管理部门职责，或者本行政机关不具有处理权限",
        _MC,
        f"《{_INTERIM}》第十五条第（一）项",
    )
    MC_ALREADY_HANDLED = (
        "mc_already_handled",
        "法院、仲裁机构、市场监督管理部门或者其他行政机关、消费者协会或者依法成立的其他调解组织"
        "已经受理或者处理过同一消费者权益争议",
        _MC,
        f"《{_INTERIM}》第十五条第（二）项",
    )
    MC_NOT_CONSUMER_DISPUTE = (
        "mc_not_consumer_dispute",
        "不是为生活消费需要购买、使用商品或者接受服务，或者不能证明与被投诉人之间存在消费者权益争议",
        _MC,
        f"《{_INTERIM}》第十五条第（三）项",
    )
    MC_TIME_BARRED = (
        "mc_time_barred",
        "投诉人知道或者应当知道自己的权益受到被投诉人侵害之日起超过三年",
        _MC,
        f"《{_INTERIM}》第十五条第（四）项",
    )
    MC_MISSING_MATERIALS = (
        "mc_missing_materials",
        "未提供规定的投诉材料",
        _MC,
        f"《{_INTERIM}》第十五条第（五）项（第九条第一款、第十条）",
    )
    MC_OTHER = (
        "mc_other",
        "法律、法规、规章规定不予受理的其他情形",
        _MC,
        f"《{_INTERIM}》第十五条第（六）项",
        True,
    )
    # Additions reported for 总局令第121号 (in force 2026-04-15) by the press; the full text
    # was NOT FOUND, so the wording and article number are reported, not verified.
    MC_FALSE_MATERIALS = (
        "mc_false_materials",
        "提供虚假材料",
        _MC,
        "《市场监督管理投诉举报处理办法》（总局令第121号）第十六条（据报道，未核实）",
    )
    MC_IMPERSONATION = (
        "mc_impersonation",
        "冒用他人名义",
        _MC,
        "《市场监督管理投诉举报处理办法》（总局令第121号）第十六条（据报道，未核实）",
    )
    MC_IDENTITY_REFUSED = (
        "mc_identity_refused",
        "拒不配合核验真实身份信息",
        _MC,
        "《市场监督管理投诉举报处理办法》（总局令第121号）第十六条（据报道，未核实）",
    )

    # People's mediation.
    PM_PARTY_REFUSES = (
        "pm_party_refuses",
        "当事人一方明确拒绝调解",
        _PM,
        f"《{_PML}》第十七条",
    )
    # Art 18 only lets courts/police point parties to mediation before they accept a case;
    # declining a dispute already accepted elsewhere is practice, not a statutory ground.
    PM_ALREADY_HANDLED = (
        "pm_already_handled",
        "纠纷已由人民法院、公安机关或者其他国家机关受理或者处理",
        _PM,
        f"实践做法（参见《{_PML}》第十八条）",
    )
    PM_NOT_CIVIL_DISPUTE = (
        "pm_not_civil_dispute",
        "不属于民间纠纷",
        _PM,
        f"《{_PML}》第二条",
    )
    PM_OTHER = (
        "pm_other",
        "其他不宜受理的情形",
        _PM,
        "实践做法",
        True,
    )


class TerminationGround(_GroundEnum):
    """终止调解 grounds."""

    # 暂行办法 第二十一条第一款 (1)–(7), verbatim.
    MC_WITHDRAWN_OR_SETTLED = (
        "mc_withdrawn_or_settled",
        "投诉人撤回投诉或者双方自行和解",
        _MC,
        f"《{_INTERIM}》第二十一条第一款第（一）项",
    )
    MC_NO_AGREEMENT_ON_TESTING = (
        "mc_no_agreement_on_testing",
        "投诉人与被投诉人对委托承担检定、检验、检测、鉴定工作的技术机构或者费用承担无法协商一致",
        _MC,
        f"《{_INTERIM}》第二十一条第一款第（二）项",
    )
    MC_ABSENT_OR_REFUSED = (
        "mc_absent_or_refused",
        "投诉人或者被投诉人无正当理由不参加调解，或者被投诉人明确拒绝调解",
        _MC,
        f"《{_INTERIM}》第二十一条第一款第（三）项",
    )
    MC_NO_AGREEMENT_POSSIBLE = (
        "mc_no_agreement_possible",
        "经组织调解，投诉人或者被投诉人明确表示无法达成调解协议",
        _MC,
        f"《{_INTERIM}》第二十一条第一款第（四）项",
    )
    # The interim measures say 45 working days; 121号令 reportedly amends the mediation
    # period (NOT FOUND), so the wording does not repeat the number.
    MC_TIME_LIMIT_EXPIRED = (
        "mc_time_limit_expired",
        "调解期限内投诉人和被投诉人未能达成调解协议",
        _MC,
        f"《{_INTERIM}》第二十一条第一款第（五）项",
    )
    MC_REJECTION_GROUND_FOUND = (
        "mc_rejection_ground_found",
        "受理投诉后，发现存在不予受理情形",
        _MC,
        f"《{_INTERIM}》第二十一条第一款第（六）项",
    )
    MC_OTHER = (
        "mc_other",
        "法律、法规、规章规定的应当终止调解的其他情形",
        _MC,
        f"《{_INTERIM}》第二十一条第一款第（七）项",
        True,
    )
    # Reported for 121号令 (press summary; text NOT FOUND): extortion / fraudulent claims
    # end mediation and are passed to the police.
    MC_UNLAWFUL_CLAIM = (
        "mc_unlawful_claim",
        "敲诈勒索、骗取赔偿等违法索赔",
        _MC,
        "《市场监督管理投诉举报处理办法》（总局令第121号）（据报道，未核实）",
    )

    # People's mediation.
    PM_FAILED = (
        "pm_failed",
        "调解不成",
        _PM,
        f"《{_PML}》第二十六条",
    )
    PM_PARTY_WITHDRAWS = (
        "pm_party_withdraws",
        "当事人要求终止调解",
        _PM,
        f"《{_PML}》第二十三条第（二）项",
    )
    PM_PARTY_REFUSES = (
        "pm_party_refuses",
        "当事人一方明确拒绝调解",
        _PM,
        f"《{_PML}》第十七条",
    )
    PM_OTHER = (
        "pm_other",
        "其他应当终止调解的情形",
        _PM,
        "实践做法",
        True,
    )


class PauseReason(LabeledEnum):
    # 暂行办法 第二十条第三款; 行政处罚程序规定 第十八条第二款.
    INSPECTION = "inspection", "检定、检验、检测"
    APPRAISAL = "appraisal", "鉴定"
    # 暂行办法 第十九条第二款: a recusal application suspends (中止) mediation.
    RECUSAL = "recusal", "回避申请中止"


class Action(LabeledEnum):
    ACCEPT = "accept", "受理"
    REJECT = "reject", "不予受理"
    ASSIGN = "assign", "派单"
    START_MEDIATION = "start_mediation", "开始调解"
    PAUSE = "pause", "中止计时"
    RESUME = "resume", "恢复计时"
    CLOSE = "close", "办结"
    FOLLOW_UP = "follow_up", "回访"
    RATE = "rate", "评价"
    REOPEN = "reopen", "重新办理"


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
    if outcome not in _OUTCOMES_BY_KIND[state.kind]:
        raise TransitionError(
            TransitionErrorCode.OUTCOME_WRONG_KIND,
            f"outcome {outcome.value} does not apply to a {state.kind.value}",
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
