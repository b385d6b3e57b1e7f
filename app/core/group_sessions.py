"""A group mediation session (群体调解, issue 17 item 3): one meeting about a whole group
of cases, recorded once for the group and once in each member case it concerns, with
how that member took part and their own position where it differs from the group's.
Plain data; the rules the service applies before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from app.core.sessions import (
    MAX_PLACE,
    MAX_TEXT,
    Participant,
    SessionContent,
    SessionProblem,
    problems_for_finish,
)

MAX_NAME = 40  # a representative's name
MAX_REPRESENTATIVES = 20
BUSINESS_MAX = 120  # the business's representative (name and title, as typed)


class Attendance(StrEnum):
    ATTENDED = "attended"  # took part in person (or on the call)
    REPRESENTED = "represented"  # through the complainants' representatives
    ABSENT = "absent"  # neither: the record still tells them what was proposed


class GroupRole(StrEnum):
    """Roles of the people at a group session, as a member's record lists them (a
    party's own role is app.core.parties.PartyRole)."""

    BUSINESS_REPRESENTATIVE = "business_representative"
    COMPLAINANT_REPRESENTATIVE = "complainant_representative"


@dataclass(frozen=True)
class RepresentativeAtSession:
    name: str
    case_id: str | None = None  # hex id of the member case they belong to, if a member


@dataclass(frozen=True)
class GroupSessionContent:
    """What was said and agreed at the meeting: the same in every member's record."""

    mode: str
    started_at: datetime
    ended_at: datetime | None = None
    place: str = ""
    business_representative: str = ""
    complainant_representatives: tuple[RepresentativeAtSession, ...] = ()
    proposals: str = ""
    responses: str = ""
    result: str = ""
    next_step: str = ""
    next_step_on: date | None = None

    def participants(self) -> tuple[Participant, ...]:
        """Who a member's record lists as taking part (the member themself is added
        when they attended)."""
        people = []
        if self.business_representative.strip():
            people.append(Participant(self.business_representative.strip(),
                                      GroupRole.BUSINESS_REPRESENTATIVE.value))
        people += [Participant(r.name.strip(), GroupRole.COMPLAINANT_REPRESENTATIVE.value)
                   for r in self.complainant_representatives if r.name.strip()]
        return tuple(people)


@dataclass(frozen=True)
class MemberAttendance:
    """One member case the session is recorded for."""

    case_id: object  # uuid.UUID (kept loose: core has no store types)
    attendance: Attendance
    position: str = ""  # their own position where it differs from the group's


def problems(content: GroupSessionContent, members: list[MemberAttendance], *,
             today: date) -> dict[str, SessionProblem]:
    """What must be right before the record is written (and can no longer change): the
    single session's rules, the business's representative, at least one member."""
    found = dict(problems_for_finish(SessionContent(
        mode=content.mode, started_at=content.started_at, place=content.place,
        participants=content.participants(), proposals=content.proposals,
        responses=content.responses, result=content.result, next_step=content.next_step,
        next_step_on=content.next_step_on), today=today))
    found.pop("participants", None)  # said more precisely below
    if not content.business_representative.strip():
        found["business_representative"] = SessionProblem.REQUIRED
    elif len(content.business_representative.strip()) > BUSINESS_MAX:
        found["business_representative"] = SessionProblem.TOO_LONG
    reps = content.complainant_representatives
    if len(reps) > MAX_REPRESENTATIVES:
        found["complainant_representatives"] = SessionProblem.TOO_MANY
    elif any(len(r.name.strip()) > MAX_NAME for r in reps):
        found["complainant_representatives"] = SessionProblem.TOO_LONG
    if content.ended_at is not None and content.ended_at < content.started_at:
        found["ended_at"] = SessionProblem.INVALID_DATE
    if len(content.place) > MAX_PLACE:
        found["place"] = SessionProblem.TOO_LONG
    if not members:
        found["members"] = SessionProblem.REQUIRED
    elif any(m.attendance not in set(Attendance) for m in members):
        found["members"] = SessionProblem.INVALID_CHOICE
    elif any(len(m.position) > MAX_TEXT for m in members):
        found["members"] = SessionProblem.TOO_LONG
    return found
