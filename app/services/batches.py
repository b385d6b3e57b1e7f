"""Batch actions on a group's members or a queue selection (issue 17, item 2): accept,
assign, start mediation, pause, close — each member acted on as the single action would,
audited in its own history, in one transaction.

Never all-or-nothing: a member the action may not touch (the workflow refuses, another
office's, a role that may not assign it) is listed with the reason and left exactly as
it is; the others are acted on. A cancel before the end leaves every member as it was.
The last batch of assignments or pauses can be undone while its members are still as
the batch left them (the workflow has no way back from 受理, 开始调解 or 办结: the UI
asks before those).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app.core.errors import DomainError, UserFacingError
from app.core.timeutil import china_date
from app.core.users import Permission, may_assign
from app.core.workflow import Action, Outcome, PauseReason, TerminationGround
from app.services.cases import (
    amount_fen,
    pause_case,
    resume_case,
    transition_case,
    undo_assignment,
)
from app.services.context import Workstation
from app.services.dto import Changes
from app.services.errors import (
    CaseNotFound,
    FieldProblem,
    NotPermitted,
    StaleCase,
    ValidationFailed,
)
from app.services.notes import MAX_TEXT, ContactChannel, ContactResult, contact_case
from app.store.models import Case, Mediator

BATCH_ACTIONS = (Action.ACCEPT, Action.ASSIGN, Action.START_MEDIATION, Action.PAUSE,
                 Action.CLOSE)
PROGRESS_EVERY = 50  # members between progress reports and cancel checks
# What an assignment changes of a case, kept to take it back.
_ASSIGNED = ("status", "mediator_id", "assigned_at")


class BatchCancelled(UserFacingError):
    def __init__(self) -> None:
        super().__init__("the batch was cancelled; no member was changed")


class NothingToUndo(UserFacingError):
    def __init__(self) -> None:
        super().__init__("no batch that can be undone")


@dataclass(frozen=True)
class MemberClose:
    """One member's own outcome and amount recovered (yuan, as typed) at a batch close."""

    outcome: Outcome
    amount_recovered: str | Decimal | None = None
    termination_ground: TerminationGround | None = None


@dataclass(frozen=True)
class BatchRequest:
    action: Action
    reason: str = ""
    mediator_id: uuid.UUID | None = None  # ASSIGN
    pause_reason: PauseReason | None = None  # PAUSE
    expected_end: date | None = None  # PAUSE
    closes: Mapping[uuid.UUID, MemberClose] = field(default_factory=dict)  # CLOSE


@dataclass(frozen=True)
class BatchResult:
    action: Action | None  # None: a notice to every member (send_notice)
    done: tuple[uuid.UUID, ...]
    # member → why it was left as it was (a TransitionError, ClockError, NotPermitted,
    # CaseNotFound or ValidationFailed: the UI words each)
    refused: dict[uuid.UUID, UserFacingError | DomainError]
    changes: Changes
    undoable: bool = False  # undo_last_batch can take it back


@dataclass(frozen=True)
class Notice:
    """A notice sent to every member (a group's progress, a meeting): how, and what it
    said. Each member's contact log gets it, with the member as the person contacted."""

    channel: ContactChannel
    text: str
    result: ContactResult = ContactResult.LEFT_MESSAGE  # an SMS is sent, not answered


@dataclass
class _Undo:
    action: Action
    office_id: uuid.UUID
    before: dict[uuid.UUID, dict[str, Any]]  # ASSIGN: what the assignment changed
    versions: dict[uuid.UUID, int]  # each member's version after the batch


# The last undoable batch of this process, by workstation (actor and store).
_last: dict[tuple[str, str], _Undo] = {}


def run_batch(ws: Workstation, case_ids: Sequence[uuid.UUID], request: BatchRequest, *,
              progress: Callable[[int, int], None] | None = None,
              cancelled: Callable[[], bool] | None = None) -> BatchResult:
    """Act on every case of ``case_ids`` that allows it (see the module's words)."""
    if request.action not in BATCH_ACTIONS:
        raise ValueError(f"{request.action} is not a batch action")
    ids = list(dict.fromkeys(case_ids))
    now = ws.now()
    done: list[uuid.UUID] = []
    refused: dict[uuid.UUID, UserFacingError | DomainError] = {}
    before: dict[uuid.UUID, dict[str, Any]] = {}
    with ws.store.unit_of_work() as session:
        if request.action is Action.ASSIGN:
            mediator = (session.get(Mediator, request.mediator_id)
                        if request.mediator_id is not None else None)
            if mediator is None or not mediator.active or mediator.deleted:
                raise ValidationFailed({"mediator_id": FieldProblem.UNKNOWN_MEDIATOR})
        if request.action is Action.PAUSE:
            if request.pause_reason is None:
                raise ValidationFailed({"reason": FieldProblem.REQUIRED})
            if request.expected_end is not None and request.expected_end < china_date(now):
                raise ValidationFailed({"expected_end": FieldProblem.INVALID_DATE})
        cases = _cases(session, ws.actor.office_id, ids)
        for n, case_id in enumerate(ids):
            if n % PROGRESS_EVERY == 0:
                if cancelled is not None and cancelled():
                    raise BatchCancelled  # the transaction rolls back: nobody changed
                if progress is not None:
                    progress(n, len(ids))
            case = cases.get(case_id)
            if case is None:
                refused[case_id] = CaseNotFound(case_id)
                continue
            previous = {name: getattr(case, name) for name in _ASSIGNED}
            try:
                # Each action checks before it changes anything, so a refused member is
                # left exactly as it was. (No savepoint: pysqlite would commit it.)
                _act(ws, session, case, request, now)
            except (DomainError, UserFacingError) as exc:
                refused[case_id] = exc
                continue
            done.append(case_id)
            before[case_id] = previous
        session.flush()
        versions = {i: cases[i].version for i in done}
    if progress is not None:
        progress(len(ids), len(ids))
    undoable = request.action in (Action.ASSIGN, Action.PAUSE) and bool(done)
    key = (ws.actor.login, str(ws.store.path))
    if undoable:
        _last[key] = _Undo(request.action, ws.actor.office_id, before, versions)
    elif done:
        _last.pop(key, None)  # a later batch that cannot be undone ends the chance
    return BatchResult(request.action, tuple(done), refused,
                       Changes(case_ids=frozenset(done), history=bool(done),
                               queue=bool(done)), undoable)


def _act(ws: Workstation, session, case: Case, request: BatchRequest, now) -> None:
    match request.action:
        case Action.ASSIGN:
            if not may_assign(ws.actor.role, me=ws.actor.mediator_id,
                              current=case.mediator_id, to=request.mediator_id):
                raise NotPermitted(Permission.DISPATCH, ws.actor.role)
            transition_case(ws, session, case, Action.ASSIGN, now, reason=request.reason,
                            mediator_id=str(request.mediator_id))
        case Action.PAUSE:
            pause_case(ws, session, case, request.pause_reason, now,
                       started_on=china_date(now), expected_end=request.expected_end,
                       note=request.reason)
        case Action.CLOSE:
            close = request.closes.get(case.id)
            if close is None:
                raise ValidationFailed({"outcome": FieldProblem.REQUIRED})
            recovered = amount_fen(close.amount_recovered, "amount_recovered")
            transition_case(ws, session, case, Action.CLOSE, now, reason=request.reason,
                            outcome=close.outcome,
                            termination_ground=close.termination_ground,
                            extra_values=({"amount_recovered_fen": recovered}
                                          if recovered is not None else None))
        case _:
            transition_case(ws, session, case, request.action, now, reason=request.reason)


def _cases(session, office_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Case]:
    found: dict[uuid.UUID, Case] = {}
    for start in range(0, len(ids), 500):
        for case in session.scalars(select(Case).where(
                Case.id.in_(ids[start:start + 500]), Case.office_id == office_id,
                Case.deleted.is_(False))):
            found[case.id] = case
    return found


def send_notice(ws: Workstation, case_ids: Sequence[uuid.UUID], notice: Notice, *,
                progress: Callable[[int, int], None] | None = None,
                cancelled: Callable[[], bool] | None = None) -> BatchResult:
    """The notice recorded in each member case's contact log (联系登记), in one
    transaction; a case not found is listed. A cancel records nothing."""
    body = notice.text.strip()
    if not body:
        raise ValidationFailed({"text": FieldProblem.REQUIRED})
    if len(body) > MAX_TEXT:
        raise ValidationFailed({"text": FieldProblem.TOO_LONG})
    ids = list(dict.fromkeys(case_ids))
    now = ws.now()
    done: list[uuid.UUID] = []
    refused: dict[uuid.UUID, UserFacingError | DomainError] = {}
    with ws.store.unit_of_work() as session:
        cases = _cases(session, ws.actor.office_id, ids)
        for n, case_id in enumerate(ids):
            if n % PROGRESS_EVERY == 0:
                if cancelled is not None and cancelled():
                    raise BatchCancelled
                if progress is not None:
                    progress(n, len(ids))
            case = cases.get(case_id)
            if case is None:
                refused[case_id] = CaseNotFound(case_id)
                continue
            contact_case(ws, session, case, now, channel=notice.channel.value,
                         contact_with=case.complainant_name or "投诉人",
                         result=notice.result.value, text=body)
            done.append(case_id)
    if progress is not None:
        progress(len(ids), len(ids))
    return BatchResult(None, tuple(done), refused,
                       Changes(case_ids=frozenset(done), notes=bool(done),
                               history=bool(done)))


def can_undo(ws: Workstation) -> Action | None:
    """The action of the last batch that can still be undone (None: none)."""
    undo = _last.get((ws.actor.login, str(ws.store.path)))
    return undo.action if undo is not None else None


def undo_last_batch(ws: Workstation) -> BatchResult:
    """Take the last batch of assignments or pauses back: each member still as the batch
    left it gets its mediator back or its pause ended today; a member changed since is
    listed (StaleCase) and left as it is now."""
    undo = _last.pop((ws.actor.login, str(ws.store.path)), None)
    if undo is None:
        raise NothingToUndo
    now = ws.now()
    done: list[uuid.UUID] = []
    refused: dict[uuid.UUID, UserFacingError | DomainError] = {}
    with ws.store.unit_of_work() as session:
        cases = _cases(session, undo.office_id, list(undo.versions))
        for case_id, version in undo.versions.items():
            case = cases.get(case_id)
            if case is None or case.version != version:
                refused[case_id] = StaleCase(case_id, version,
                                             case.version if case is not None else 0)
                continue
            try:
                if undo.action is Action.PAUSE:
                    resume_case(ws, session, case, now, ended_on=china_date(now),
                                note="撤销批量中止")
                else:
                    undo_assignment(ws, session, case, undo.before[case_id], now)
            except (DomainError, UserFacingError) as exc:
                refused[case_id] = exc
                continue
            done.append(case_id)
    return BatchResult(undo.action, tuple(done), refused,
                       Changes(case_ids=frozenset(done), history=bool(done),
                               queue=bool(done)))

