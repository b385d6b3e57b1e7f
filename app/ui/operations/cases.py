"""Workflow actions on one case, run on the write lane. Each returns the service's
``Changes`` so the window refreshes only what changed."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from app.core.workflow import Action, Outcome, RejectionGround, TerminationGround
from app.services import cases
from app.services.context import Workstation
from app.services.dto import Changes
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


PERFORMERS: dict[Action, Performer] = {
    Action.ACCEPT: _accept,
    Action.REJECT: _reject,
    Action.ASSIGN: _assign,
    Action.START_MEDIATION: _start_mediation,
    Action.CLOSE: _close,
    Action.REOPEN: _reopen,
}


def perform_action(args: tuple[Workstation, ActionRequest], state: TaskState) -> Changes:
    ws, request = args
    return PERFORMERS[request.action](ws, request)
