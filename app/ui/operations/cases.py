"""Work on one case, run through the task runner: the workflow actions, edits, the
audited ID reveal, follow-ups, the history and intake with its duplicate check. Writes
go on the write lane and return the service's ``Changes`` so the window refreshes only
what changed. Workers are plain functions of ``(args, state)`` that never touch widgets."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.core.errors import TransitionError, TransitionErrorCode
from app.core.workflow import (
    Action,
    Outcome,
    PauseReason,
    RejectionGround,
    TerminationGround,
)
from app.services import cases, duplicates, queue
from app.services.context import Workstation
from app.services.dto import AuditEntry, Changes, IntakeForm
from app.ui.tasks import TaskState


@dataclass(frozen=True)
class ActionRequest:
    """What the user asked for, with the case version they were looking at."""

    action: Action
    case_id: uuid.UUID
    version: int
    mediator_id: uuid.UUID | None = None
    rejection_ground: RejectionGround | None = None
    outcome: Outcome | None = None
    termination_ground: TerminationGround | None = None
    reason: str = ""
    amount_recovered: str = ""
    pause_reason: PauseReason | None = None
    expected_end: date | None = None
    ended_on: date | None = None


Performer = Callable[[Workstation, ActionRequest], Changes]


def _accept(ws: Workstation, r: ActionRequest) -> Changes:
    return cases.accept(ws, r.case_id, expected_version=r.version, reason=r.reason)


def _reject(ws: Workstation, r: ActionRequest) -> Changes:
    assert r.rejection_ground is not None, "the dialog requires a ground"
    return cases.reject(ws, r.case_id, r.rejection_ground, r.reason, expected_version=r.version)


def _assign(ws: Workstation, r: ActionRequest) -> Changes:
    assert r.mediator_id is not None, "the dialog requires a mediator"
    return cases.assign(ws, r.case_id, r.mediator_id, expected_version=r.version,
                        reason=r.reason)


def _start_mediation(ws: Workstation, r: ActionRequest) -> Changes:
    return cases.start_mediation(ws, r.case_id, expected_version=r.version)


def _close(ws: Workstation, r: ActionRequest) -> Changes:
    assert r.outcome is not None, "the dialog requires an outcome"
    return cases.close(ws, r.case_id, r.outcome, termination_ground=r.termination_ground,
                       reason=r.reason, amount_recovered=r.amount_recovered or None,
                       expected_version=r.version)


def _reopen(ws: Workstation, r: ActionRequest) -> Changes:
    return cases.reopen(ws, r.case_id, r.reason, expected_version=r.version)


def _pause(ws: Workstation, r: ActionRequest) -> Changes:
    if r.pause_reason is None:  # the dialog requires one; core's words if it did not
        raise TransitionError(TransitionErrorCode.PAUSE_REASON_REQUIRED, "no pause reason")
    return cases.pause_clock(ws, r.case_id, r.pause_reason, expected_end=r.expected_end,
                             note=r.reason)


def _resume(ws: Workstation, r: ActionRequest) -> Changes:
    return cases.resume_clock(ws, r.case_id, ended_on=r.ended_on, note=r.reason)


PERFORMERS: dict[Action, Performer] = {
    Action.ACCEPT: _accept,
    Action.REJECT: _reject,
    Action.ASSIGN: _assign,
    Action.START_MEDIATION: _start_mediation,
    Action.PAUSE: _pause,
    Action.RESUME: _resume,
    Action.CLOSE: _close,
    Action.REOPEN: _reopen,
}


def perform_action(args: tuple[Workstation, ActionRequest], state: TaskState) -> Changes:
    ws, request = args
    return PERFORMERS[request.action](ws, request)


# ------------------------------------------------------------------ edits


@dataclass(frozen=True)
class CaseEdit:
    case_id: uuid.UUID
    version: int
    values: Mapping[str, Any]


@dataclass(frozen=True)
class PartyEdit:
    case_id: uuid.UUID
    party_id: uuid.UUID
    version: int
    values: Mapping[str, Any]


def save_case(args: tuple[Workstation, CaseEdit], state: TaskState) -> Changes:
    ws, edit = args
    changes = cases.update_case(ws, edit.case_id, edit.values, expected_version=edit.version)
    # Nothing changed still means "show the case as it is" to the caller.
    return changes if changes.case_ids else Changes(case_ids=frozenset({edit.case_id}))


def save_party(args: tuple[Workstation, PartyEdit], state: TaskState) -> Changes:
    ws, edit = args
    changes = cases.update_party(ws, edit.party_id, edit.values, expected_version=edit.version)
    return changes if changes.case_ids else Changes(case_ids=frozenset({edit.case_id}))


def reveal_id_number(args: tuple[Workstation, uuid.UUID, str], state: TaskState) -> str:
    """The unmasked number; the service writes the audit event before returning it."""
    ws, party_id, purpose = args
    return cases.reveal_id_number(ws, party_id, purpose)


@dataclass(frozen=True)
class FollowUpRequest:
    case_id: uuid.UUID
    method: str
    performance: str
    satisfaction: str
    note: str = ""


def record_follow_up(args: tuple[Workstation, FollowUpRequest], state: TaskState) -> Changes:
    ws, r = args
    return cases.record_follow_up(ws, r.case_id, satisfaction=r.satisfaction,
                                  performance=r.performance, method=r.method, note=r.note)


# ------------------------------------------------------------------ history


@dataclass(frozen=True)
class History:
    case_id: uuid.UUID
    entries: tuple[AuditEntry, ...]
    mediators: Mapping[str, str]  # mediator id (as the audit trail holds it) -> name
    people: Mapping[str, str]  # login -> name


def load_history(args: tuple[Workstation, uuid.UUID], state: TaskState) -> History:
    ws, case_id = args
    entries = tuple(cases.case_history(ws, case_id))
    state.raise_if_cancelled()
    mediators = cases.list_mediators(ws)
    people = dict(cases.mediator_logins(ws))
    people.setdefault(ws.actor.login, ws.actor.name)
    return History(case_id, entries, {str(i): name for i, name in mediators}, people)


# ------------------------------------------------------------------ intake


@dataclass(frozen=True)
class IntakeChoices:
    categories: tuple[str, ...]
    tags: tuple[str, ...]


def load_intake_choices(ws: Workstation, state: TaskState) -> IntakeChoices:
    options = queue.filter_options(ws)
    return IntakeChoices(tuple(options.categories), tuple(options.tags))


def find_duplicates(args: tuple[Workstation, IntakeForm],
                    state: TaskState) -> list[duplicates.DuplicateCandidate]:
    ws, form = args
    return duplicates.find_probable_duplicates(ws, form)


def take_work_order(args: tuple[Workstation, IntakeForm],
                    state: TaskState) -> tuple[uuid.UUID, Changes]:
    ws, form = args
    return cases.intake_work_order(ws, form)
