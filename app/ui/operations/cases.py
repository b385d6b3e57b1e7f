"""Work on one case with steps of its own, run as ops: the case as the pane shows it
(with its deadline badges), the workflow actions by request, edits in place, the history
with the names it mentions, and the intake form's lists. Nothing here touches a widget;
the rest of a case's work is a one-line closure over a service at the call site."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.core.deadlines import Deadline
from app.core.errors import TransitionError, TransitionErrorCode
from app.core.timeutil import china_today
from app.core.workflow import (
    Action,
    Outcome,
    PauseReason,
    RejectionGround,
    TerminationGround,
)
from app.services import cases, desk, queue
from app.services.context import Workstation
from app.services.dto import AuditEntry, CaseDetail, Changes
from app.ui.formatting import DueBadge, due_badge
from app.ui.tasks import TaskState

# ------------------------------------------------------------------ the case shown


@dataclass(frozen=True)
class LoadedCase:
    """A case as the case pane shows it: the detail and each deadline's badge."""

    detail: CaseDetail
    deadlines: tuple[tuple[Deadline, DueBadge], ...]


def load_case(ws: Workstation, case_id: uuid.UUID) -> LoadedCase:
    detail = cases.get_case(ws, case_id)
    calendar = desk.work_calendar(ws)
    today = china_today(ws.now())
    return LoadedCase(detail, tuple((d, due_badge(d, today, calendar)) for d in detail.deadlines))


# ------------------------------------------------------------------ workflow actions


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


def perform_action(ws: Workstation, request: ActionRequest) -> Changes:
    return PERFORMERS[request.action](ws, request)


# ------------------------------------------------------------------ edits


def save_case(ws: Workstation, case_id: uuid.UUID, version: int,
              values: Mapping[str, Any]) -> Changes:
    changes = cases.update_case(ws, case_id, values, expected_version=version)
    # Nothing changed still means "show the case as it is" to the caller.
    return changes if changes.case_ids else Changes(case_ids=frozenset({case_id}))


def save_party(ws: Workstation, case_id: uuid.UUID, party_id: uuid.UUID, version: int,
               values: Mapping[str, Any]) -> Changes:
    changes = cases.update_party(ws, party_id, values, expected_version=version)
    return changes if changes.case_ids else Changes(case_ids=frozenset({case_id}))


# ------------------------------------------------------------------ history


@dataclass(frozen=True)
class History:
    case_id: uuid.UUID
    entries: tuple[AuditEntry, ...]
    mediators: Mapping[str, str]  # mediator id (as the audit trail holds it) -> name
    people: Mapping[str, str]  # login -> name


def load_history(ws: Workstation, case_id: uuid.UUID, state: TaskState) -> History:
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


def load_intake_choices(ws: Workstation) -> IntakeChoices:
    options = queue.filter_options(ws)
    return IntakeChoices(tuple(options.categories), tuple(options.tags))
