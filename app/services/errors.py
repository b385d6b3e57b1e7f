"""Errors the services raise; each carries codes the UI turns into Chinese words."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from enum import StrEnum

from app.core.errors import UserFacingError
from app.core.sessions import SessionProblem
from app.core.users import Permission, UserRole


class FieldProblem(StrEnum):
    REQUIRED = "required"
    TOO_LONG = "too_long"
    INVALID_PHONE = "invalid_phone"
    INVALID_ID = "invalid_id"
    INVALID_USCC = "invalid_uscc"
    INVALID_AMOUNT = "invalid_amount"
    INVALID_CHOICE = "invalid_choice"
    INVALID_DATE = "invalid_date"
    UNKNOWN_MEDIATOR = "unknown_mediator"
    NOT_IN_RULES = "not_in_rules"  # a ground the rules of the case's receipt date lack
    TOO_EARLY = "too_early"  # 期限内未能达成协议 before the period has run
    IN_FUTURE = "in_future"  # a date or time that has not come yet
    BEFORE_ACCEPTANCE = "before_acceptance"  # a clock pause before the case was accepted
    BEFORE_DECISION = "before_decision"  # a 送达 before the decision it tells of
    NOT_OWED = "not_owed"  # a 送达 to a party the notice is not owed to
    BEFORE_START = "before_start"  # an extension before its clock started
    TOO_LATE = "too_late"  # an extension approved after the limit ran out


class ValidationFailed(UserFacingError):
    """One or more fields are wrong; `problems` maps field name -> problem code."""

    def __init__(self, problems: Mapping[str, FieldProblem]) -> None:
        self.problems = dict(problems)
        super().__init__(
            "invalid input: " + ", ".join(f"{k} ({v.value})" for k, v in self.problems.items())
        )


# A session record's problems (app/core/sessions.py) in the words every form knows.
SESSION_FIELD_PROBLEMS = {
    SessionProblem.REQUIRED: FieldProblem.REQUIRED,
    SessionProblem.TOO_LONG: FieldProblem.TOO_LONG,
    SessionProblem.INVALID_CHOICE: FieldProblem.INVALID_CHOICE,
    SessionProblem.INVALID_DATE: FieldProblem.INVALID_DATE,
    SessionProblem.TOO_MANY: FieldProblem.TOO_LONG,
}


class NotPermitted(UserFacingError):
    """The signed-in user's role does not allow this (see app.core.users)."""

    def __init__(self, permission: Permission, role: UserRole) -> None:
        self.permission, self.role = permission, role
        super().__init__(f"a {role.value} may not {permission.value}")


class CaseNotFound(UserFacingError):
    def __init__(self, ref: uuid.UUID | str) -> None:
        self.ref = ref
        super().__init__(f"no case {ref}")


class StaleCase(UserFacingError):
    """The case changed since the caller read it (optimistic concurrency)."""

    def __init__(self, case_id: uuid.UUID, expected: int, actual: int) -> None:
        self.case_id, self.expected, self.actual = case_id, expected, actual
        super().__init__(f"case {case_id} is at version {actual}, not {expected}")


class ClockProblem(StrEnum):
    ALREADY_PAUSED = "already_paused"
    NOT_PAUSED = "not_paused"
    CASE_NOT_OPEN = "case_not_open"
    NO_NOTICE = "no_notice"  # no decision of the case owes that notice
    NOT_EXTENDABLE = "not_extendable"  # no running clock the rules allow to extend
    ALREADY_EXTENDED = "already_extended"


class ClockError(UserFacingError):
    def __init__(self, code: ClockProblem) -> None:
        self.code = code
        super().__init__(f"clock: {code.value}")


class CentrallyManaged(UserFacingError):
    """Reference data a linked workstation only reads: the central database keeps the
    calendar, the rule sets, the offices and the people, and refuses a login's edits of
    them. Refused here, before anything is written, instead of queued to fail at push."""
