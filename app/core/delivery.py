"""送达: telling the parties of a decision the rules say they must be told of.

- 暂行办法 第二十一条第二款: a termination of mediation is told to 投诉人 and 被投诉人
  within 7 working days of the decision (a market-regulation office tells both; a
  people's mediation committee tells the applicant).
- 暂行办法 第三十一条第二款: a real-name reporter is told of the 立案 / 不予立案 decision
  within 5 working days.

A notice's clock is done when the last party owed it has been told, at or after the
decision: a delivery recorded for an earlier decision of a reopened case does not count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.core.deadlines import ClockKind
from app.core.parties import PartyRole


class DeliveryMethod(StrEnum):
    IN_PERSON = "in_person"  # 当面
    MAIL = "mail"  # 邮寄
    SMS = "sms"  # 短信
    PHONE = "phone"  # 电话告知
    PLATFORM = "platform"  # 平台 (12315 / 12345)


# The clocks that run until the parties have been told, not until the case is closed.
NOTICE_KINDS = frozenset({ClockKind.TERMINATION_NOTICE, ClockKind.REPORT_NOTICE})


@dataclass(frozen=True)
class Delivery:
    notice: ClockKind  # which notice (a NOTICE_KINDS member)
    to: PartyRole
    at: datetime


def owed_to(notice: ClockKind, *, both_parties: bool) -> tuple[PartyRole, ...]:
    """Who must be told: ``both_parties`` for a termination on the market-regulation
    track (app.documents.wording's ``notify_both``)."""
    if notice is ClockKind.TERMINATION_NOTICE:
        return ((PartyRole.APPLICANT, PartyRole.RESPONDENT) if both_parties
                else (PartyRole.APPLICANT,))
    if notice is ClockKind.REPORT_NOTICE:
        return (PartyRole.REPORTER,)
    raise ValueError(f"{notice.value} is not a notice")


def told(notice: ClockKind, since: datetime,
         deliveries: Iterable[Delivery]) -> dict[PartyRole, datetime]:
    """Each party told of the decision taken at ``since``, with the first time."""
    first: dict[PartyRole, datetime] = {}
    for d in deliveries:
        if d.notice is notice and d.at >= since and (d.to not in first or d.at < first[d.to]):
            first[d.to] = d.at
    return first


def served_at(notice: ClockKind, since: datetime, owed: Iterable[PartyRole],
              deliveries: Iterable[Delivery]) -> datetime | None:
    """When the last party owed the notice was told; None while one is still owed."""
    first = told(notice, since, deliveries)
    times = [first.get(role) for role in owed]
    if not times or any(t is None for t in times):
        return None
    return max(t for t in times if t is not None)
