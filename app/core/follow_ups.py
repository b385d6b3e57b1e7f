"""A follow-up visit (回访): how the complainant was reached, whether what was agreed was
performed, and how satisfied they are."""

from __future__ import annotations

from enum import StrEnum


class FollowUpMethod(StrEnum):
    PHONE = "phone"
    SMS = "sms"
    WECHAT = "wechat"
    VISIT = "visit"  # the mediator went to them (上门)
    IN_PERSON = "in_person"  # they came to the office (来访)


class Performance(StrEnum):
    PERFORMED = "performed"
    PARTIAL = "partial"
    NOT_PERFORMED = "not_performed"
    NOT_APPLICABLE = "not_applicable"  # nothing to perform (e.g. an apology only)


class Satisfaction(StrEnum):
    VERY_SATISFIED = "very_satisfied"
    SATISFIED = "satisfied"
    AVERAGE = "average"
    DISSATISFIED = "dissatisfied"

    @classmethod
    def _missing_(cls, value: object) -> Satisfaction | None:
        # Demo stores before migration 0009 (and rows synced from them) say "neutral".
        return cls.AVERAGE if value == "neutral" else None
