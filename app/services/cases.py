"""Case use cases shared by the UI and the command line: intake, the workflow's
transitions, edits, clock pauses and follow-up. Each call validates, writes its
audit events in the same transaction, and returns a Changes value."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.core import validation
from app.core.deadlines import (
    ClockKind,
    Deadline,
    Pledge,
    RuleSet,
    rule_set_of,
    select_rule_set,
)
from app.core.delivery import NOTICE_KINDS, DeliveryMethod
from app.core.errors import DomainError, NoRuleSetError
from app.core.follow_ups import FollowUpMethod, Performance, Satisfaction
from app.core.ids import new_id
from app.core.money import from_fen, parse_amount, to_fen
from app.core.parties import IdType, PartyRole, PartyType, Sex
from app.core.timeutil import china_date
from app.core.users import Permission, may_assign
from app.core.workflow import (
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
    transition,
)
from app.services import audit, clocks, hot_words, search
from app.services import warnings as early_warnings
from app.services.context import Actor, Workstation
from app.services.dto import (
    AuditEntry,
    CaseDetail,
    Changes,
    DeliveryView,
    ExtensionView,
    FollowUpView,
    GroundOption,
    IntakeForm,
    NoticeView,
    PartyInput,
    PartyView,
    PauseView,
)
from app.services.errors import (
    CaseNotFound,
    ClockError,
    ClockProblem,
    FieldProblem,
    NotPermitted,
    StaleCase,
    ValidationFailed,
)
from app.services.reference import load_pledges, rule_sets
from app.store.bulk import Row, complete
from app.store.models import (
    AuditEvent,
    Case,
    CaseTag,
    ClockPause,
    FollowUp,
    Mediator,
    Note,
    Party,
)

CASE_EDITABLE = (
    "title",
    "description",
    "request",
    "category",
    "issue_type",
    "region",
    "tags",
    "urgency",
    "amount_claimed",
    "amount_recovered",
)
PARTY_EDITABLE = (
    "name",
    "phone",
    "address",
    "id_type",
    "id_number",
    "sex",
    "ethnicity",
    "birth_date",
    "occupation",
    "employer",
    "representative",
)
E = TypeVar("E", bound=StrEnum)

MAX_LENGTHS = {"title": 200, "category": 32, "issue_type": 32, "region": 32, "name": 120,
               "address": 255, "source_ticket": 64, "occupation": 64, "employer": 120,
               "representative": 64, "ethnicity": 16}


# ---------------------------------------------------------------- validation


def _check_phone(raw: str, field: str, problems: dict[str, FieldProblem]) -> str:
    raw = raw.strip()
    if not raw:
        return ""
    result = validation.check_phone(raw)
    if not result.valid:
        problems[field] = FieldProblem.INVALID_PHONE
        return raw
    return result.normalized


def _choice(enum: type[E], value: Any, field: str, problems: dict[str, FieldProblem]) -> E | None:
    """``value`` as a member of ``enum``, or None with INVALID_CHOICE noted for ``field``."""
    try:
        return enum(value)
    except ValueError:
        problems[field] = FieldProblem.INVALID_CHOICE
        return None


def _check_identity(id_type: str, raw: str, field: str, problems: dict[str, FieldProblem]) -> str:
    raw = raw.strip()
    if not raw:
        return ""
    if id_type == IdType.RESIDENT_ID:
        result = validation.check_resident_id(raw)
        if not result.valid:
            problems[field] = FieldProblem.INVALID_ID
        return result.normalized
    if id_type == IdType.USCC:
        uscc = validation.check_uscc(raw)
        if not uscc.valid:
            problems[field] = FieldProblem.INVALID_USCC
        return uscc.normalized
    return raw


def _check_amount(raw: Any, field: str, problems: dict[str, FieldProblem]) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        return to_fen(parse_amount(raw))
    except DomainError:
        problems[field] = FieldProblem.INVALID_AMOUNT
        return None


def _check_lengths(values: Mapping[str, Any], problems: dict[str, FieldProblem], prefix="") -> None:
    for name, limit in MAX_LENGTHS.items():
        value = values.get(name)
        if isinstance(value, str) and len(value) > limit:
            problems[prefix + name] = FieldProblem.TOO_LONG


def _clean_tags(tags: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for tag in tags:
        tag = tag.strip()
        if tag:
            seen.setdefault(tag[:32], None)
    return tuple(seen)


def _sex(raw: Any, field: str, problems: dict[str, FieldProblem]) -> str:
    """One spelling in the store (M / F), whatever the form or an import sent."""
    if not str(raw or "").strip():
        return ""
    found = Sex.parse(raw)
    if found is None:
        problems[field] = FieldProblem.INVALID_CHOICE
        return ""
    return found.value


def _party_values(p: PartyInput, prefix: str, problems: dict[str, FieldProblem]) -> dict:
    values = {
        "role": _choice(PartyRole, p.role, prefix + "role", problems),
        "party_type": _choice(PartyType, p.party_type, prefix + "party_type", problems),
        "name": p.name.strip(),
        "phone": _check_phone(p.phone, prefix + "phone", problems),
        "address": p.address.strip(),
        "id_type": p.id_type,
        "id_number": _check_identity(p.id_type, p.id_number, prefix + "id_number", problems),
        "sex": _sex(p.sex, prefix + "sex", problems),
        "ethnicity": p.ethnicity.strip(),
        "birth_date": p.birth_date,
        "occupation": p.occupation.strip(),
        "employer": p.employer.strip(),
        "representative": p.representative.strip(),
    }
    if not values["name"]:
        problems[prefix + "name"] = FieldProblem.REQUIRED
    if p.id_type:
        _choice(IdType, p.id_type, prefix + "id_type", problems)
    _check_lengths(values, problems, prefix)
    return values


# ---------------------------------------------------------------- helpers


def _load(session: Session, case_id: uuid.UUID, expected_version: int | None = None) -> Case:
    case = session.get(Case, case_id)
    if case is None or case.deleted:
        raise CaseNotFound(case_id)
    if expected_version is not None and case.version != expected_version:
        raise StaleCase(case_id, expected_version, case.version)
    return case


def _touch(ws: Workstation, row: Any, now: datetime) -> None:
    row.version = (row.version or 0) + 1
    row.modified_at = now
    row.modified_by = ws.actor.login


def _state(case: Case) -> CaseState:
    return CaseState(
        track=Track(case.track),
        kind=CaseKind(case.kind),
        status=CaseStatus(case.status),
        outcome=Outcome(case.outcome) if case.outcome else None,
        mediator_id=str(case.mediator_id) if case.mediator_id else None,
        paused=case.paused,
    )


def _pauses(session: Session, case_id: uuid.UUID) -> list[ClockPause]:
    return list(
        session.scalars(
            select(ClockPause)
            .where(ClockPause.case_id == case_id, ClockPause.deleted.is_(False))
            .order_by(ClockPause.started_on)
        )
    )


def _records(session: Session, case_id: uuid.UUID) -> clocks.ClockRecords:
    return clocks.clock_records(session, [case_id]).get(case_id, clocks.ClockRecords())


def compute_case_deadlines(ws: Workstation, session: Session, case: Case, *,
                           pauses: list[ClockPause] | None = None,
                           pledges: tuple[Pledge, ...] | None = None,
                           records: clocks.ClockRecords | None = None) -> list[Deadline]:
    """The case's clocks now. ``pauses``, ``pledges`` and ``records``: already loaded."""
    if pauses is None:
        pauses = _pauses(session, case.id)
    if pledges is None:
        pledges = load_pledges(session, case.office_id)
    if records is None:
        records = _records(session, case.id)
    return clocks.case_clocks(case, clocks.ClockBasis.of(ws, session), pauses, pledges,
                              records)


def refresh_clocks(ws: Workstation, session: Session, case: Case) -> None:
    """Recompute the denormalised next-deadline columns the queue sorts on."""
    for name, value in clocks.clock_values(case, compute_case_deadlines(ws, session, case)
                                         ).items():
        setattr(case, name, value)


def _sync_tags(session: Session, case: Case) -> None:
    session.execute(delete(CaseTag).where(CaseTag.case_id == case.id))
    for tag in _clean_tags(case.tags.split(",")):
        session.add(CaseTag(case_id=case.id, tag=tag))


def _generated_ticket(source: Source, received_at: datetime) -> str:
    # Offline-safe: a random suffix instead of a counter that two laptops could share.
    return f"{source.value.upper()}-{china_date(received_at):%Y%m%d}-{uuid.uuid4().hex[:6].upper()}"


# ---------------------------------------------------------------- intake


@dataclass(frozen=True, slots=True)
class CheckedIntake:
    """A work order that passed intake's checks, its values as the store keeps them."""

    form: IntakeForm
    ticket: str
    complainant: dict[str, Any]
    respondent: dict[str, Any] | None
    amount_fen: int | None


def intake_problems(ws: Workstation, form: IntakeForm,
                    now: datetime | None = None) -> tuple[CheckedIntake, dict[str, FieldProblem]]:
    """Intake's checks of a work order: its values as stored and every bad field (an
    import reports the problems row by row instead of raising)."""
    return check_intake(form, now or ws.now())


def check_intake(form: IntakeForm, now: datetime) -> tuple[CheckedIntake, dict[str, FieldProblem]]:
    """``intake_problems`` as of ``now``: needs nothing of the workstation, so an
    import's worker processes run it too."""
    problems: dict[str, FieldProblem] = {}
    ticket = form.source_ticket.strip()
    if not ticket and form.source in (Source.HOTLINE_12315, Source.HOTLINE_12345):
        problems["source_ticket"] = FieldProblem.REQUIRED
    if not form.description.strip():
        problems["description"] = FieldProblem.REQUIRED
    complainant = _party_values(form.complainant, "complainant.", problems)
    # 暂行办法 Art 9: a complaint needs the complainant's name, phone and address and
    # the respondent's name; reports may be anonymous about the reporter's address.
    if form.kind == CaseKind.COMPLAINT:
        if not complainant["phone"] and "complainant.phone" not in problems:
            problems["complainant.phone"] = FieldProblem.REQUIRED
        if form.respondent is None or not form.respondent.name.strip():
            problems["respondent.name"] = FieldProblem.REQUIRED
    respondent = (
        _party_values(form.respondent, "respondent.", problems)
        if form.respondent and form.respondent.name.strip()
        else None
    )
    amount = _check_amount(form.amount_claimed, "amount_claimed", problems)
    if form.urgency not in (0, 1, 2):
        problems["urgency"] = FieldProblem.INVALID_CHOICE
    if form.kind not in kinds_for_track(form.track):  # e.g. 举报 is not a people's-mediation matter
        problems["kind"] = FieldProblem.INVALID_CHOICE
    _check_lengths(
        {"title": form.title, "category": form.category, "issue_type": form.issue_type,
         "region": form.region, "source_ticket": ticket},
        problems,
    )
    if form.received_at.tzinfo is None or form.received_at > now:
        problems["received_at"] = FieldProblem.INVALID_DATE
    return CheckedIntake(form, ticket, complainant, respondent, amount), problems


@dataclass
class IntakeBasis:
    """What creating cases reads once: the clocks' calendar and rule sets, the office's
    pledges, the time (one intake, or every row of an import)."""

    clocks: clocks.ClockBasis
    pledges: tuple[Pledge, ...]
    now: datetime

    @classmethod
    def of(cls, ws: Workstation, session: Session, now: datetime) -> IntakeBasis:
        return cls(clocks.ClockBasis.of(ws, session), load_pledges(session, ws.actor.office_id),
                   now)


# What the audit trail records of a new case and of each of its parties.
_CASE_SNAPSHOT = ["source", "source_ticket", "kind", "track", "status", "complainant_name",
                  "respondent_name", "category", "tags", "amount_claimed_fen", "received_at"]
_PARTY_SNAPSHOT = ["role", "party_type", "name", "phone", "address"]


@dataclass(frozen=True)
class NewCaseRows:
    """The rows intake writes for one work order, every column filled as a flush would
    fill it: the case, its tags, its parties and its audit events (the case's first,
    then each party's), in the order they are written. ``create_case`` makes ORM
    objects of them; an import inserts them in bulk (app/services/bulk_intake.py)."""

    case: Row
    tags: tuple[Row, ...]
    parties: tuple[Row, ...]
    events: tuple[Row, ...]


def new_case_rows(actor: Actor, checked: CheckedIntake, basis: IntakeBasis, *,
                  case_id: uuid.UUID | None = None) -> NewCaseRows:
    """A checked work order as the rows of a new case taken in by ``actor``: clocks
    computed from ``basis``, the audit events of the case and its parties. Writes
    nothing and reads nothing (an import's worker processes run it)."""
    form, now = checked.form, basis.now
    complainant, respondent = checked.complainant, checked.respondent
    rule_set = select_rule_set(basis.clocks.rule_sets, form.track, china_date(form.received_at))
    case = complete(Case.__table__, dict(
        id=case_id or new_id(),
        office_id=actor.office_id,
        track=form.track.value,
        kind=form.kind.value,
        source=form.source.value,
        source_ticket=checked.ticket or _generated_ticket(form.source, form.received_at),
        status=CaseStatus.RECEIVED.value,
        urgency=form.urgency,
        category=form.category.strip(),
        issue_type=form.issue_type.strip(),
        region=form.region.strip(),
        tags=",".join(_clean_tags(form.tags)),
        title=form.title.strip() or form.description.strip()[:60],
        description=form.description.strip(),
        request=form.request.strip(),
        amount_claimed_fen=checked.amount_fen,
        received_at=form.received_at,
        complainant_name=complainant["name"],
        complainant_phone=complainant["phone"],
        complainant_phone_tail=complainant["phone"][-4:],
        respondent_name=respondent["name"] if respondent else "",
        respondent_uscc=(
            respondent["id_number"] if respondent and respondent["id_type"] == IdType.USCC else ""
        ),
        rule_set_code=rule_set.code,
        reporter_confidential=form.reporter_confidential or form.kind == CaseKind.REPORT,
        linked_case_id=form.link_to,
        # A new case has no pauses nor clock records yet.
        paused=False, outcome=None, closed_at=None, reopened_at=None, accepted_at=None,
        version=1,
        modified_at=now,
        modified_by=actor.login,
    ))
    case.update(clocks.clock_values(case, clocks.case_clocks(
        case, basis.clocks, [], basis.pledges)))
    tags = tuple(complete(CaseTag.__table__, {"case_id": case["id"], "tag": tag})
                 for tag in _clean_tags(case["tags"].split(","))) if form.tags else ()
    events = [complete(AuditEvent.__table__, audit.event_values(
        actor=actor.login, entity="cases", entity_id=case["id"], action="create",
        changes=audit.snapshot(case, _CASE_SNAPSHOT), case_id=case["id"],
        office_id=case["office_id"], at=now))]
    parties = []
    for order, values in enumerate(v for v in (complainant, respondent) if v):
        party, event = _party_rows(actor.login, case, values, order, now)
        parties.append(party)
        events.append(event)
    return NewCaseRows(case, tags, tuple(parties), tuple(events))


def create_case(ws: Workstation, session: Session, checked: CheckedIntake, basis: IntakeBasis,
                *, index: bool = True) -> Case:
    """Write a checked work order as a new case with its parties, clocks and audit
    events, in the caller's transaction. ``index=False``: the caller indexes the cases
    for search itself."""
    rows = new_case_rows(ws.actor, checked, basis)
    case = Case(**rows.case)
    session.add(case)
    session.add_all(CaseTag(**tag) for tag in rows.tags)
    if index:
        session.flush()
        search.index_case(session, case)
        hot_words.index_case_words(session, case)
    session.add(AuditEvent(**rows.events[0]))
    for party, event in zip(rows.parties, rows.events[1:], strict=True):
        session.add(Party(**party))
        session.add(AuditEvent(**event))
    return case


def intake_work_order(ws: Workstation, form: IntakeForm) -> tuple[uuid.UUID, Changes]:
    """Register a work order (接诉). Raises ValidationFailed listing every bad field."""
    checked, problems = intake_problems(ws, form)
    if problems:
        raise ValidationFailed(problems)
    with ws.store.unit_of_work() as session:
        case = create_case(ws, session, checked, IntakeBasis.of(ws, session, ws.now()))
        session.flush()
        warned = early_warnings.check_cases(ws, session, [case.id])
    return case.id, Changes(case_ids=frozenset({case.id}), case_created=True, parties=True,
                            history=True, warnings=warned.changed)


def _party_rows(login: str, case: Any, values: dict, order: int,
                now: datetime) -> tuple[Row, Row]:
    """A new party of the case (``values`` as ``_party_values`` checked them) and the
    audit event recording it."""
    party = complete(Party.__table__, dict(
        id=new_id(), case_id=case.id, sort_order=order, version=1, modified_at=now,
        modified_by=login, **values))
    changes = audit.snapshot(party, _PARTY_SNAPSHOT)
    if party.id_number:
        changes["id_number"] = [None, "(recorded)"]  # the audit trail never holds the number
    event = complete(AuditEvent.__table__, audit.event_values(
        actor=login, entity="parties", entity_id=party.id, action="create",
        changes=changes, case_id=case.id, office_id=case.office_id, at=now))
    return party, event


def _add_party(ws: Workstation, session: Session, case: Case, values: dict, order: int,
               now: datetime) -> Party:
    values_row, event = _party_rows(ws.actor.login, case, values, order, now)
    party = Party(**values_row)
    session.add(party)
    session.add(AuditEvent(**event))
    return party


def add_party(ws: Workstation, case_id: uuid.UUID, party: PartyInput) -> tuple[uuid.UUID, Changes]:
    problems: dict[str, FieldProblem] = {}
    values = _party_values(party, "", problems)
    if problems:
        raise ValidationFailed(problems)
    now = ws.now()
    with ws.store.unit_of_work() as session:
        case = _load(session, case_id)
        order = len(list(session.scalars(select(Party.id).where(Party.case_id == case_id))))
        row = _add_party(ws, session, case, values, order, now)
    return row.id, Changes(case_ids=frozenset({case_id}), parties=True, history=True)


# ---------------------------------------------------------------- workflow


def case_rule_set(ws: Workstation, session: Session, case: Case) -> RuleSet | None:
    """The rules the case follows (as its clocks do); None where no rule set covers it."""
    try:
        return rule_set_of(rule_sets(ws, session), case.rule_set_code, case.track,
                           china_date(case.received_at))
    except NoRuleSetError:
        return None


def _check_ground(ws: Workstation, session: Session, case: Case,
                  params: Mapping[str, Any]) -> None:
    """A ground must be one the rules of the case's receipt date have (an Order 121
    ground is not one for a case received before 2026-04-15), and "调解期限内未能达成"
    only once the mediation period has run."""
    for field, ground in (("rejection_ground", params.get("rejection_ground")),
                          ("termination_ground", params.get("termination_ground"))):
        if ground is None:
            continue
        rules = case_rule_set(ws, session, case)
        if rules is not None and rules.ground(ground) is None:
            raise ValidationFailed({field: FieldProblem.NOT_IN_RULES})
        if ground is TerminationGround.MC_TIME_LIMIT_EXPIRED:
            mediation = next((d for d in compute_case_deadlines(ws, session, case)
                              if d.kind is ClockKind.MEDIATION), None)
            if mediation is None or mediation.due >= china_date(ws.now()):
                raise ValidationFailed({field: FieldProblem.TOO_EARLY})


def _apply_transition(
    ws: Workstation,
    case_id: uuid.UUID,
    action: Action,
    *,
    expected_version: int | None = None,
    reason: str = "",
    extra_values: Mapping[str, Any] | None = None,
    **params: Any,
) -> Changes:
    """One transition in one transaction; ``extra_values`` are set with it (the amount
    recovered on closing, the rating), so the history shows one event."""
    now = ws.now()
    with ws.store.unit_of_work() as session:
        case = _load(session, case_id, expected_version)
        transition_case(ws, session, case, action, now, reason=reason,
                        extra_values=extra_values, **params)
    return Changes(case_ids=frozenset({case_id}), history=True)


def transition_case(ws: Workstation, session: Session, case: Case, action: Action,
                    now: datetime, *, reason: str = "",
                    extra_values: Mapping[str, Any] | None = None, **params: Any) -> None:
    """``_apply_transition`` in the caller's transaction (a batch acts on many cases in
    one). Raises before changing anything when the workflow refuses."""
    old_state = _state(case)
    new_state = transition(old_state, action, reason=reason, **params)
    _check_ground(ws, session, case, params)  # after the track's own check
    values: dict[str, Any] = {
        "status": new_state.status.value,
        "outcome": new_state.outcome.value if new_state.outcome else None,
        "mediator_id": uuid.UUID(new_state.mediator_id) if new_state.mediator_id else None,
    }
    if action == Action.ACCEPT:
        values["accepted_at"] = now
    elif action == Action.REJECT:
        values["rejection_ground"] = params["rejection_ground"].value
        values["closed_at"] = now
    elif action == Action.ASSIGN:
        values["assigned_at"] = now
    elif action == Action.START_MEDIATION:
        values["mediation_started_at"] = now
    elif action == Action.CLOSE:
        values["closed_at"] = now
        ground = params.get("termination_ground")
        values["termination_ground"] = ground.value if ground else None
    elif action == Action.FOLLOW_UP:
        values["followed_up_at"] = now
    elif action == Action.REOPEN:
        # The clocks that restart count from here (core.deadlines.case_deadlines).
        values.update(closed_at=None, rejection_ground=None, termination_ground=None,
                      reopened_at=now)
    if reason:
        values["status_reason"] = reason
    values.update(extra_values or {})
    changes = audit.apply_changes(case, values)
    _touch(ws, case, now)
    refresh_clocks(ws, session, case)
    audit.record(session, actor=ws.actor.login, entity="cases", entity_id=case.id,
                 action=f"transition:{action.value}", changes=changes, case_id=case.id,
                 office_id=case.office_id, reason=reason, at=now)


def accept(ws: Workstation, case_id: uuid.UUID, *, expected_version: int | None = None,
           reason: str = "") -> Changes:
    return _apply_transition(ws, case_id, Action.ACCEPT, expected_version=expected_version,
                             reason=reason)


def reject(ws: Workstation, case_id: uuid.UUID, ground: RejectionGround, reason: str = "", *,
           expected_version: int | None = None) -> Changes:
    return _apply_transition(ws, case_id, Action.REJECT, expected_version=expected_version,
                             reason=reason, rejection_ground=ground)


def assign(ws: Workstation, case_id: uuid.UUID, mediator_id: uuid.UUID, *,
           expected_version: int | None = None, reason: str = "") -> Changes:
    with ws.store.unit_of_work() as session:
        mediator = session.get(Mediator, mediator_id)
        if mediator is None or not mediator.active or mediator.deleted:
            raise ValidationFailed({"mediator_id": FieldProblem.UNKNOWN_MEDIATOR})
        case = session.get(Case, case_id)
        if case is not None and not may_assign(ws.actor.role, me=ws.actor.mediator_id,
                                               current=case.mediator_id, to=mediator_id):
            raise NotPermitted(Permission.DISPATCH, ws.actor.role)
    return _apply_transition(ws, case_id, Action.ASSIGN, expected_version=expected_version,
                             reason=reason, mediator_id=str(mediator_id))


def start_mediation(ws: Workstation, case_id: uuid.UUID, *,
                    expected_version: int | None = None) -> Changes:
    return _apply_transition(ws, case_id, Action.START_MEDIATION,
                             expected_version=expected_version)


def close(ws: Workstation, case_id: uuid.UUID, outcome: Outcome, *,
          termination_ground: TerminationGround | None = None, reason: str = "",
          amount_recovered: str | Decimal | None = None,
          expected_version: int | None = None) -> Changes:
    recovered = amount_fen(amount_recovered, "amount_recovered")
    return _apply_transition(ws, case_id, Action.CLOSE, expected_version=expected_version,
                             reason=reason, outcome=outcome,
                             termination_ground=termination_ground,
                             extra_values=({"amount_recovered_fen": recovered}
                                           if recovered is not None else None))


def reopen(ws: Workstation, case_id: uuid.UUID, reason: str, *,
           expected_version: int | None = None) -> Changes:
    return _apply_transition(ws, case_id, Action.REOPEN, expected_version=expected_version,
                             reason=reason.strip())


def record_follow_up(ws: Workstation, case_id: uuid.UUID, *, satisfaction: Satisfaction,
                     performance: Performance, method: FollowUpMethod = FollowUpMethod.PHONE,
                     note: str = "", followed_at: datetime | None = None) -> Changes:
    """回访: records performance and satisfaction and moves the case to followed-up."""
    problems: dict[str, FieldProblem] = {}
    satisfaction = _choice(Satisfaction, satisfaction, "satisfaction", problems)
    performance = _choice(Performance, performance, "performance", problems)
    method = _choice(FollowUpMethod, method, "method", problems)
    if problems:
        raise ValidationFailed(problems)
    now = ws.now()
    with ws.store.unit_of_work() as session:
        case = _load(session, case_id)
        new_state = transition(_state(case), Action.FOLLOW_UP)
        row = FollowUp(id=new_id(), case_id=case_id, followed_at=followed_at or now,
                       by=ws.actor.login, method=method, performance=performance,
                       satisfaction=satisfaction, note=note.strip(), version=1,
                       modified_at=now, modified_by=ws.actor.login)
        session.add(row)
        changes = audit.apply_changes(case, {"status": new_state.status.value,
                                             "followed_up_at": now,
                                             "satisfaction": satisfaction})
        _touch(ws, case, now)
        audit.record(session, actor=ws.actor.login, entity="follow_ups", entity_id=row.id,
                     action="create", changes=audit.snapshot(
                         row, ["method", "performance", "satisfaction", "note"]),
                     case_id=case_id, office_id=case.office_id, at=now)
        audit.record(session, actor=ws.actor.login, entity="cases", entity_id=case.id,
                     action="transition:follow_up", changes=changes, case_id=case_id,
                     office_id=case.office_id, at=now)
    return Changes(case_ids=frozenset({case_id}), history=True, follow_ups=True)


def rate(ws: Workstation, case_id: uuid.UUID, satisfaction: Satisfaction,
         reason: str = "") -> Changes:
    """评价: the complainant's final rating of how the case was handled."""
    problems: dict[str, FieldProblem] = {}
    satisfaction = _choice(Satisfaction, satisfaction, "satisfaction", problems)
    if problems:
        raise ValidationFailed(problems)
    return _apply_transition(ws, case_id, Action.RATE, reason=reason,
                             extra_values={"satisfaction": satisfaction})


# ---------------------------------------------------------------- clocks


def pause_clock(ws: Workstation, case_id: uuid.UUID, reason: PauseReason, *,
                started_on: date | None = None, expected_end: date | None = None,
                note: str = "") -> Changes:
    """Stop the clock for 检定/检验/检测/鉴定 (暂行办法 Art 20) or a recusal decision (Art 19)."""
    now = ws.now()
    started_on = started_on or china_date(now)
    if expected_end is not None and expected_end < started_on:
        raise ValidationFailed({"expected_end": FieldProblem.INVALID_DATE})
    if started_on > china_date(now):
        raise ValidationFailed({"started_on": FieldProblem.IN_FUTURE})
    with ws.store.unit_of_work() as session:
        pause_case(ws, session, _load(session, case_id), reason, now, started_on=started_on,
                   expected_end=expected_end, note=note)
    return Changes(case_ids=frozenset({case_id}), history=True)


def pause_case(ws: Workstation, session: Session, case: Case, reason: PauseReason,
               now: datetime, *, started_on: date, expected_end: date | None = None,
               note: str = "") -> None:
    """``pause_clock`` in the caller's transaction (a batch pauses many cases in one).
    Raises before changing anything when the case cannot be paused."""
    if case.paused:
        raise ClockError(ClockProblem.ALREADY_PAUSED)
    if CaseStatus(case.status) not in OPEN_STATUSES:
        raise ClockError(ClockProblem.CASE_NOT_OPEN)
    # The workflow's own rules: no pause on an inquiry, recusal only while mediating.
    transition(_state(case), Action.PAUSE, pause_reason=reason)
    # Nothing pausable runs before acceptance (暂行办法 第二十条第三款: the mediation
    # period; 行政处罚程序规定 第十八条: verification after the report is taken in).
    if case.accepted_at is not None and started_on < china_date(case.accepted_at):
        raise ValidationFailed({"started_on": FieldProblem.BEFORE_ACCEPTANCE})
    pause = ClockPause(id=new_id(), case_id=case.id, reason=reason.value,
                       started_on=started_on, expected_end=expected_end, note=note.strip(),
                       version=1, modified_at=now, modified_by=ws.actor.login)
    session.add(pause)
    session.flush()
    changes = audit.apply_changes(case, {"paused": True})
    _touch(ws, case, now)
    refresh_clocks(ws, session, case)
    audit.record(session, actor=ws.actor.login, entity="clock_pauses", entity_id=pause.id,
                 action="pause", changes={**changes, "reason": [None, reason.value],
                                          "expected_end": [None, expected_end and
                                                           expected_end.isoformat()]},
                 case_id=case.id, office_id=case.office_id, reason=note, at=now)


def resume_clock(ws: Workstation, case_id: uuid.UUID, *, ended_on: date | None = None,
                 note: str = "") -> Changes:
    now = ws.now()
    ended_on = ended_on or china_date(now)
    with ws.store.unit_of_work() as session:
        resume_case(ws, session, _load(session, case_id), now, ended_on=ended_on, note=note)
    return Changes(case_ids=frozenset({case_id}), history=True)


def resume_case(ws: Workstation, session: Session, case: Case, now: datetime, *,
                ended_on: date, note: str = "") -> None:
    """``resume_clock`` in the caller's transaction (undoing a batch of pauses)."""
    open_pauses = [p for p in _pauses(session, case.id) if p.ended_on is None]
    if not open_pauses:
        raise ClockError(ClockProblem.NOT_PAUSED)
    pause = open_pauses[-1]
    if ended_on < pause.started_on:
        raise ValidationFailed({"ended_on": FieldProblem.INVALID_DATE})
    pause.ended_on = ended_on
    _touch(ws, pause, now)
    changes = audit.apply_changes(case, {"paused": False})
    _touch(ws, case, now)
    refresh_clocks(ws, session, case)
    audit.record(session, actor=ws.actor.login, entity="clock_pauses", entity_id=pause.id,
                 action="resume", changes={**changes, "ended_on": [None, ended_on.isoformat()]},
                 case_id=case.id, office_id=case.office_id, reason=note, at=now)


def undo_assignment(ws: Workstation, session: Session, case: Case, before: Mapping[str, Any],
                    now: datetime) -> None:
    """A batch's assignment taken back: status, mediator and time of assignment as they
    were before it (``before``), audited as an undo, the clocks brought up to date."""
    changes = audit.apply_changes(case, before)
    _touch(ws, case, now)
    refresh_clocks(ws, session, case)
    audit.record(session, actor=ws.actor.login, entity="cases", entity_id=case.id,
                 action="undo:assign", changes=changes, case_id=case.id,
                 office_id=case.office_id, at=now)


def amount_fen(raw: str | Decimal | None, field: str) -> int | None:
    """An amount typed in yuan, in fen (None: none given); ValidationFailed if wrong."""
    problems: dict[str, FieldProblem] = {}
    fen = _check_amount(raw, field, problems)
    if problems:
        raise ValidationFailed(problems)
    return fen


MAX_NOTE = 2_000  # characters of a delivery's or an extension's remark
MAX_APPROVER = 64  # the width of notes.contact_with is more; a name fits in this


def _clock_problems(value: datetime, field: str, now: datetime,
                    problems: dict[str, FieldProblem]) -> None:
    if value.tzinfo is None:
        problems[field] = FieldProblem.INVALID_DATE
    elif value > now:
        problems[field] = FieldProblem.IN_FUTURE


def _clock_note(ws: Workstation, session: Session, case: Case, now: datetime, *,
                kind: str, action: str, audited: dict[str, Any], **values: Any) -> Note:
    """A clock record (an append-only note), audited with ``audited`` (what it says, in
    its own terms), and the case's queue columns brought up to date in the same
    transaction."""
    note = Note(id=new_id(), case_id=case.id, author=ws.actor.login, version=1,
                modified_at=now, modified_by=ws.actor.login, kind=kind, **values)
    session.add(note)
    session.flush()
    before = {name: getattr(case, name) for name in
              ("next_deadline_on", "next_deadline_kind", "deadline_provisional")}
    refresh_clocks(ws, session, case)
    moved = {name: [old, getattr(case, name)] for name, old in before.items()
             if getattr(case, name) != old}
    if moved:
        _touch(ws, case, now)
    audit.record(session, actor=ws.actor.login, entity="notes", entity_id=note.id,
                 action=action, changes=audit.created(audited), case_id=case.id,
                 office_id=case.office_id, at=now)
    return note


def record_delivery(ws: Workstation, case_id: uuid.UUID, *, notice: ClockKind,
                    to: PartyRole, method: DeliveryMethod, delivered_at: datetime,
                    note: str = "") -> Changes:
    """送达: ``to`` was told of the case's ``notice`` (终止调解: 暂行办法 第二十一条第二款;
    举报处理结果: 第三十一条第二款) by ``method`` at ``delivered_at``. The notice's clock is
    done once every party owed it has been told. Refused: a time before the decision or
    in the future, a party the notice is not owed to, an unknown method; a case whose
    decisions owe no such notice (ClockError NO_NOTICE)."""
    problems: dict[str, FieldProblem] = {}
    notice = _choice(ClockKind, notice, "notice", problems)
    to = _choice(PartyRole, to, "to", problems)
    method = _choice(DeliveryMethod, method, "method", problems)
    if notice is not None and notice not in NOTICE_KINDS:
        problems["notice"] = FieldProblem.INVALID_CHOICE
    remark = note.strip()
    if len(remark) > MAX_NOTE:
        problems["note"] = FieldProblem.TOO_LONG
    now = ws.now()
    _clock_problems(delivered_at, "delivered_at", now, problems)
    if problems:
        raise ValidationFailed(problems)
    assert notice is not None and to is not None and method is not None
    with ws.store.unit_of_work() as session:
        case = _load(session, case_id)
        owed = next((n for n in clocks.notices(case, _records(session, case_id),
                                               case_rule_set(ws, session, case))
                     if n.kind is notice), None)
        if owed is None:
            raise ClockError(ClockProblem.NO_NOTICE)
        if delivered_at < owed.decided_at:
            problems["delivered_at"] = FieldProblem.BEFORE_DECISION
        if to not in owed.owed:
            problems["to"] = FieldProblem.NOT_OWED
        if problems:
            raise ValidationFailed(problems)
        _clock_note(ws, session, case, now, kind=clocks.DELIVERY, action="create:delivery",
                    audited={"notice": notice.value, "to": to.value, "method": method.value,
                             "delivered_at": delivered_at, "note": remark},
                    clock=notice.value, contact_with=to.value, channel=method.value,
                    created_at=delivered_at, text=remark)
    return Changes(case_ids=frozenset({case_id}), notes=True, history=True)


def extend_verification(ws: Workstation, case_id: uuid.UUID, *, approved_by: str,
                        approved_at: datetime, reason: str) -> Changes:
    """The report verification limit extended by the rules' extension (行政处罚程序规定
    第十八条: "特殊情况下，经市场监督管理部门负责人批准，可以延长十五个工作日"): who approved
    it, when and why. Refused: no running verification clock that the rules let extend
    (NOT_EXTENDABLE), one extended already (ALREADY_EXTENDED); an approval in the
    future, before the clock started, or after the limit had run out."""
    problems: dict[str, FieldProblem] = {}
    who = approved_by.strip()
    why = reason.strip()
    if not who:
        problems["approved_by"] = FieldProblem.REQUIRED
    elif len(who) > MAX_APPROVER:
        problems["approved_by"] = FieldProblem.TOO_LONG
    if not why:
        problems["reason"] = FieldProblem.REQUIRED
    elif len(why) > MAX_NOTE:
        problems["reason"] = FieldProblem.TOO_LONG
    now = ws.now()
    _clock_problems(approved_at, "approved_at", now, problems)
    if problems:
        raise ValidationFailed(problems)
    with ws.store.unit_of_work() as session:
        case = _load(session, case_id)
        records = _records(session, case_id)
        clock = ClockKind.REPORT_VERIFICATION
        rules = case_rule_set(ws, session, case)
        rule = rules.rule(clock) if rules is not None else None
        current = next((d for d in compute_case_deadlines(ws, session, case, records=records)
                        if d.kind is clock), None)
        if rule is None or not rule.extension or current is None or current.met is not None:
            raise ClockError(ClockProblem.NOT_EXTENDABLE)
        start = clocks.cycle_start(case)
        if any(k is clock and at >= start for k, at in records.extensions):
            raise ClockError(ClockProblem.ALREADY_EXTENDED)
        if approved_at < start:
            problems["approved_at"] = FieldProblem.BEFORE_START
        elif china_date(approved_at) > current.due:
            problems["approved_at"] = FieldProblem.TOO_LATE
        if problems:
            raise ValidationFailed(problems)
        _clock_note(ws, session, case, now, kind=clocks.EXTENSION, action="create:extension",
                    audited={"clock": clock.value, "approved_by": who,
                             "approved_at": approved_at, "reason": why},
                    clock=clock.value, contact_with=who, created_at=approved_at, text=why)
    return Changes(case_ids=frozenset({case_id}), notes=True, history=True)


# ---------------------------------------------------------------- edits


# Case fields the search index holds (app.services.search.search_document).
SEARCHED_FIELDS = frozenset({"title", "description", "request", "complainant_name",
                             "respondent_name"})


def update_case(ws: Workstation, case_id: uuid.UUID, values: Mapping[str, Any], *,
                expected_version: int | None = None, satisfaction: Satisfaction | None = None,
                reason: str = "") -> Changes:
    """Edit a case's descriptive fields; every bad field is reported at once."""
    unknown = set(values) - set(CASE_EDITABLE)
    if unknown:
        raise ValidationFailed({f: FieldProblem.INVALID_CHOICE for f in unknown})
    problems: dict[str, FieldProblem] = {}
    clean: dict[str, Any] = {}
    for field, value in values.items():
        if field in ("amount_claimed", "amount_recovered"):
            clean[f"{field}_fen"] = _check_amount(value, field, problems)
        elif field == "tags":
            clean["tags"] = ",".join(_clean_tags(value if not isinstance(value, str)
                                                 else value.split(",")))
        elif field == "urgency":
            if value not in (0, 1, 2):
                problems["urgency"] = FieldProblem.INVALID_CHOICE
            clean["urgency"] = value
        else:
            clean[field] = str(value).strip()
    if "description" in clean and not clean["description"]:
        problems["description"] = FieldProblem.REQUIRED
    _check_lengths(clean, problems)
    if problems:
        raise ValidationFailed(problems)
    if satisfaction is not None:
        clean["satisfaction"] = _choice(Satisfaction, satisfaction, "satisfaction", problems)
        if problems:
            raise ValidationFailed(problems)
    now = ws.now()
    with ws.store.unit_of_work() as session:
        case = _load(session, case_id, expected_version)
        if not apply_case_update(ws, session, case, clean, now, reason=reason):
            return Changes()
    return Changes(case_ids=frozenset({case_id}), history=True)


def apply_case_update(ws: Workstation, session: Session, case: Case, clean: Mapping[str, Any],
                      now: datetime, *, reason: str = "") -> dict[str, list[Any]]:
    """Write checked values into a case in the caller's transaction: version, tags,
    search index and audit as an edit does. Returns what really changed."""
    changes = audit.apply_changes(case, clean)
    if not changes:
        return changes
    _touch(ws, case, now)
    if "tags" in changes:
        _sync_tags(session, case)
    if changes.keys() & SEARCHED_FIELDS:
        search.index_case(session, case)
    if changes.keys() & hot_words.SEGMENTED_FIELDS:
        hot_words.index_case_words(session, case)
    audit.record(session, actor=ws.actor.login, entity="cases", entity_id=case.id,
                 action="update", changes=changes, case_id=case.id,
                 office_id=case.office_id, reason=reason, at=now)
    return changes


def update_party(ws: Workstation, party_id: uuid.UUID, values: Mapping[str, Any], *,
                 expected_version: int | None = None) -> Changes:
    unknown = set(values) - set(PARTY_EDITABLE)
    if unknown:
        raise ValidationFailed({f: FieldProblem.INVALID_CHOICE for f in unknown})
    now = ws.now()
    with ws.store.unit_of_work() as session:
        party = session.get(Party, party_id)
        if party is None or party.deleted:
            raise CaseNotFound(party_id)
        if expected_version is not None and party.version != expected_version:
            raise StaleCase(party_id, expected_version, party.version)
        problems: dict[str, FieldProblem] = {}
        clean = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
        if "phone" in clean:
            clean["phone"] = _check_phone(clean["phone"], "phone", problems)
        if "id_number" in clean or "id_type" in clean:
            id_type = clean.get("id_type", party.id_type)
            clean["id_number"] = _check_identity(
                id_type, clean.get("id_number", party.id_number), "id_number", problems)
        if "name" in clean and not clean["name"]:
            problems["name"] = FieldProblem.REQUIRED
        if "sex" in clean:
            clean["sex"] = _sex(clean["sex"], "sex", problems)
        _check_lengths(clean, problems)
        if problems:
            raise ValidationFailed(problems)
        case = _load(session, party.case_id)
        if not apply_party_update(ws, session, case, party, clean, now):
            return Changes()
    return Changes(case_ids=frozenset({case.id}), parties=True, history=True)


def apply_party_update(ws: Workstation, session: Session, case: Case, party: Party,
                       clean: Mapping[str, Any], now: datetime, *,
                       reason: str = "") -> dict[str, list[Any]]:
    """Write checked values into a party in the caller's transaction, the case's copies
    of the complainant's and respondent's names kept in step; audited. Returns what
    really changed."""
    changes = audit.apply_changes(party, clean)
    if not changes:
        return changes
    if "id_number" in changes:
        changes["id_number"] = ["(hidden)", "(changed)"]  # never in the audit trail
    _touch(ws, party, now)
    if party.role == PartyRole.APPLICANT and party.sort_order == 0:
        audit.apply_changes(case, {"complainant_name": party.name,
                                   "complainant_phone": party.phone,
                                   "complainant_phone_tail": party.phone[-4:]})
    elif party.role == PartyRole.RESPONDENT:
        audit.apply_changes(case, {
            "respondent_name": party.name,
            "respondent_uscc": party.id_number if party.id_type == IdType.USCC else ""})
    if "name" in changes:
        search.index_case(session, case)
        hot_words.index_case_words(session, case)  # names are kept out of the words
    audit.record(session, actor=ws.actor.login, entity="parties", entity_id=party.id,
                 action="update", changes=changes, case_id=case.id,
                 office_id=case.office_id, reason=reason, at=now)
    return changes


def reveal_id_number(ws: Workstation, party_id: uuid.UUID, purpose: str = "") -> str:
    """The unmasked ID number; every reveal is audited with its purpose (PIPL: sensitive
    personal information is seen only for a stated purpose)."""
    return _reveal(ws, party_id, purpose, "reveal_id").id_number


def reveal_phone(ws: Workstation, party_id: uuid.UUID,
                 purpose: str) -> tuple[str, Changes]:
    """A party's whole phone number, for a stated purpose (回电); every reveal is in the
    audit trail like an ID number's (the number stays masked everywhere else)."""
    return _reveal(ws, party_id, purpose, "reveal_phone").phone, Changes(history=True)


def _reveal(ws: Workstation, party_id: uuid.UUID, purpose: str, action: str) -> Party:
    """The party, once the reveal (``action``) and its purpose are in the audit trail."""
    if not purpose.strip():
        raise ValidationFailed({"purpose": FieldProblem.REQUIRED})
    now = ws.now()
    with ws.store.unit_of_work() as session:
        party = session.get(Party, party_id)
        if party is None or party.deleted:
            raise CaseNotFound(party_id)
        case = _load(session, party.case_id)
        audit.record(session, actor=ws.actor.login, entity="parties", entity_id=party.id,
                     action=action, case_id=party.case_id, office_id=case.office_id,
                     reason=purpose.strip(), at=now)
        session.expunge(party)  # read after the transaction: the values it had
        return party


# ---------------------------------------------------------------- reads


def find_case(ws: Workstation, ref: str) -> uuid.UUID:
    """A case by its id or its source ticket number."""
    ref = ref.strip()
    with ws.store.unit_of_work() as session:
        try:
            case_id = uuid.UUID(ref)
        except ValueError:
            case_id = session.scalars(
                select(Case.id).where(Case.source_ticket == ref, Case.deleted.is_(False))
            ).first()
        if case_id is None or session.get(Case, case_id) is None:
            raise CaseNotFound(ref)
        return case_id


def get_case(ws: Workstation, case_id: uuid.UUID) -> CaseDetail:
    with ws.store.unit_of_work() as session:
        case = _load(session, case_id)
        mediator = session.get(Mediator, case.mediator_id) if case.mediator_id else None
        records = _records(session, case_id)
        deadlines = compute_case_deadlines(ws, session, case, records=records)
        rule_set = case_rule_set(ws, session, case)
        record_notes = list(session.scalars(
            select(Note).where(Note.case_id == case_id, Note.deleted.is_(False),
                               Note.kind.in_((clocks.DELIVERY, clocks.EXTENSION)))
            .order_by(Note.created_at)))
        parties = session.scalars(
            select(Party).where(Party.case_id == case_id, Party.deleted.is_(False))
            .order_by(Party.sort_order)
        )
        follow_ups = session.scalars(
            select(FollowUp).where(FollowUp.case_id == case_id).order_by(FollowUp.followed_at)
        )
        return CaseDetail(
            id=case.id, version=case.version, office_id=case.office_id,
            track=Track(case.track), kind=CaseKind(case.kind), source=Source(case.source),
            source_ticket=case.source_ticket, status=CaseStatus(case.status),
            outcome=Outcome(case.outcome) if case.outcome else None, urgency=case.urgency,
            title=case.title, description=case.description, request=case.request,
            category=case.category, issue_type=case.issue_type, region=case.region,
            tags=_clean_tags(case.tags.split(",")),
            amount_claimed=_money(case.amount_claimed_fen),
            amount_recovered=_money(case.amount_recovered_fen),
            received_at=case.received_at, accepted_at=case.accepted_at,
            assigned_at=case.assigned_at, closed_at=case.closed_at,
            mediator_id=case.mediator_id, mediator_name=mediator.name if mediator else "",
            rule_set_code=case.rule_set_code,
            rule_set_confirmed=rule_set.confirmed if rule_set else False,
            rejection_grounds=_ground_options(rule_set, RejectionGround, case.track),
            termination_grounds=_ground_options(rule_set, TerminationGround, case.track),
            rejection_ground=case.rejection_ground, termination_ground=case.termination_ground,
            status_reason=case.status_reason, satisfaction=case.satisfaction,
            linked_case_id=case.linked_case_id, reporter_confidential=case.reporter_confidential,
            paused=case.paused, deadlines=tuple(deadlines),
            allowed_actions=allowed_actions(_state(case)),
            parties=tuple(_party_view(p) for p in parties),
            pauses=tuple(PauseView(p.id, p.reason, p.started_on, p.expected_end, p.ended_on,
                                   p.note) for p in _pauses(session, case_id)),
            follow_ups=tuple(FollowUpView(f.id, f.followed_at, f.by, f.method, f.performance,
                                          f.satisfaction, f.note) for f in follow_ups),
            reopened_at=case.reopened_at,
            notices=_notice_views(case, records, rule_set, deadlines),
            deliveries=tuple(_delivery_view(n) for n in record_notes
                             if n.kind == clocks.DELIVERY and _delivery_view(n) is not None),
            extensions=tuple(_extension_view(n) for n in record_notes
                             if n.kind == clocks.EXTENSION and _extension_view(n) is not None),
            verification_extendable=_extendable(case, rule_set, records, deadlines),
        )


def _notice_views(case: Case, records: clocks.ClockRecords, rule_set: RuleSet | None,
                  deadlines: list[Deadline]) -> tuple[NoticeView, ...]:
    due = {d.kind: d.due for d in deadlines}
    return tuple(NoticeView(n.kind, n.decided_at, n.owed, n.still_owed, due.get(n.kind))
                 for n in clocks.notices(case, records, rule_set))


def _delivery_view(note: Note) -> DeliveryView | None:
    try:
        return DeliveryView(note.id, ClockKind(note.clock), PartyRole(note.contact_with),
                            note.channel, note.created_at, note.author, note.text)
    except ValueError:  # a newer version's record
        return None


def _extension_view(note: Note) -> ExtensionView | None:
    try:
        return ExtensionView(note.id, ClockKind(note.clock), note.contact_with,
                             note.created_at, note.text, note.author)
    except ValueError:
        return None


def _extendable(case: Case, rule_set: RuleSet | None, records: clocks.ClockRecords,
                deadlines: list[Deadline]) -> bool:
    """What extend_verification would take: a running verification clock that the rules
    let extend, not extended in this round of work."""
    clock = ClockKind.REPORT_VERIFICATION
    rule = rule_set.rule(clock) if rule_set is not None else None
    running = any(d.kind is clock and d.met is None for d in deadlines)
    start = clocks.cycle_start(case)
    done = any(k is clock and at >= start for k, at in records.extensions)
    return bool(rule is not None and rule.extension and running and not done)


def _ground_options(rule_set: RuleSet | None, enum, track: str) -> tuple[GroundOption, ...]:
    """The grounds the case may be closed on, in the rules' own words, in the order of
    the law's list."""
    options = []
    for ground in enum.for_track(Track(track)):
        found = rule_set.ground(ground) if rule_set is not None else None
        if found is not None:
            options.append(GroundOption(ground, found.text, found.basis))
    return tuple(options)


def _money(fen: int | None) -> Decimal | None:
    return None if fen is None else from_fen(fen)


def _party_view(p: Party) -> PartyView:
    return PartyView(
        id=p.id, role=p.role, party_type=p.party_type, name=p.name, phone=p.phone,
        phone_masked=validation.mask_phone(p.phone) if p.phone else "",
        id_type=p.id_type,
        id_number_masked=validation.mask_id(p.id_number) if p.id_number else "",
        has_id_number=bool(p.id_number), address=p.address, sex=p.sex, ethnicity=p.ethnicity,
        birth_date=p.birth_date, occupation=p.occupation, employer=p.employer,
        representative=p.representative, version=p.version,
    )


def case_history(ws: Workstation, case_id: uuid.UUID) -> list[AuditEntry]:
    with ws.store.unit_of_work() as session:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.at)
        )
        return [AuditEntry(r.id, r.at, r.actor, r.entity, r.action, dict(r.changes or {}),
                           r.reason) for r in rows]


def list_mediators(ws: Workstation) -> list[tuple[uuid.UUID, str]]:
    with ws.store.unit_of_work() as session:
        rows = session.execute(
            select(Mediator.id, Mediator.name).where(
                Mediator.office_id == ws.actor.office_id, Mediator.active.is_(True),
                Mediator.deleted.is_(False)).order_by(Mediator.name)
        )
        return [(r.id, r.name) for r in rows]


def mediator_logins(ws: Workstation) -> list[tuple[str, str]]:
    """(login, name) of the office's mediators, retired ones too: the audit trail names
    people by login, and a history reads better with names."""
    with ws.store.unit_of_work() as session:
        rows = session.execute(
            select(Mediator.login, Mediator.name).where(Mediator.office_id == ws.actor.office_id)
        )
        return [(r.login, r.name) for r in rows]
