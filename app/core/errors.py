"""Typed domain errors.

Every error carries a stable ``code`` (a StrEnum the UI translates to Chinese) and a
plain English message for logs and the command line. Core never builds user-facing
Chinese sentences.
"""

from __future__ import annotations

from enum import StrEnum


class DomainErrorCode(StrEnum):
    """Fallback code for errors that have no more specific code."""

    DOMAIN = "domain"


class TransitionErrorCode(StrEnum):
    NOT_ALLOWED = "not_allowed"  # the action is not legal in the current status
    GROUND_REQUIRED = "ground_required"
    GROUND_WRONG_TRACK = "ground_wrong_track"
    GROUND_NOT_APPLICABLE = "ground_not_applicable"  # a ground given where none belongs
    MEDIATOR_REQUIRED = "mediator_required"
    MEDIATOR_UNCHANGED = "mediator_unchanged"
    OUTCOME_REQUIRED = "outcome_required"
    OUTCOME_WRONG_KIND = "outcome_wrong_kind"
    OUTCOME_WRONG_STATUS = "outcome_wrong_status"  # e.g. SETTLED before mediation started
    REASON_REQUIRED = "reason_required"
    PAUSE_REASON_REQUIRED = "pause_reason_required"
    PAUSED = "paused"


class CalendarErrorCode(StrEnum):
    YEAR_NOT_AVAILABLE = "year_not_available"
    DATE_OUTSIDE_YEAR = "date_outside_year"
    WORKDAY_NOT_WEEKEND = "workday_not_weekend"
    HOLIDAY_AND_WORKDAY = "holiday_and_workday"
    INVALID_DATA = "invalid_data"


class RuleSetErrorCode(StrEnum):
    NO_RULE_SET = "no_rule_set"
    INVALID_DATA = "invalid_data"


class AmountErrorCode(StrEnum):
    EMPTY = "empty"
    NOT_A_NUMBER = "not_a_number"
    NEGATIVE = "negative"
    TOO_MANY_DECIMALS = "too_many_decimals"
    TOO_LARGE = "too_large"


class UserFacingError(Exception):
    """The base of every error that is the user's to fix or to know about (bad input,
    stale data, an unreachable server, a refused file) rather than a bug. The task
    runner logs these without a traceback; the UI words each subclass (app/ui/messages.py
    ``error_text``, dispatched on the type) and a test checks that every one has words."""


class DomainError(UserFacingError):
    """Base of all app.core errors: ``code`` for the UI, ``str()`` in English."""

    code: StrEnum

    def __init__(self, code: StrEnum, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code.value!r}, {self.message!r})"


class TransitionError(DomainError):
    code: TransitionErrorCode

    def __init__(self, code: TransitionErrorCode, message: str) -> None:
        super().__init__(code, message)


class CalendarError(DomainError):
    code: CalendarErrorCode

    def __init__(self, code: CalendarErrorCode, message: str) -> None:
        super().__init__(code, message)


class RuleSetError(DomainError):
    code: RuleSetErrorCode

    def __init__(self, code: RuleSetErrorCode, message: str) -> None:
        super().__init__(code, message)


class NoRuleSetError(RuleSetError):
    def __init__(self, message: str) -> None:
        super().__init__(RuleSetErrorCode.NO_RULE_SET, message)


class AmountError(DomainError):
    code: AmountErrorCode

    def __init__(self, code: AmountErrorCode, message: str) -> None:
        super().__init__(code, message)
