"""Group mediation sessions (群体调解, issue 17 item 3): one mediation, many records.

A session held with the business's representative and the complainants'
representatives is recorded once for the group (``group_sessions``) and, in the same
transaction, as a finished 调解记录 in every member case it is recorded for — each
member's own immutable record (so the case's sessions, timeline, printed record and
dossier hold it like any other), pointing at the group's record and saying how that
member took part (attended / represented / absent) and their own position where it
differs. Each member record is audited in the case's own history; an assigned case
whose first session this is starts its mediation (as a single session's draft does).

Which members: those the caller lists. A member handled on their own (单独处理) is
listed only when the mediator says so (the dialog leaves them out unless asked). A
listed case that is no longer a live member is left out and named. Thousands of
members are written in one transaction with progress and a cancel; a cancel (or any
failure) writes nothing at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.group_sessions import (
    Attendance,
    GroupSessionContent,
    MemberAttendance,
    RepresentativeAtSession,
    problems,
)
from app.core.ids import new_id
from app.core.parties import PartyRole
from app.core.sessions import Participant
from app.core.timeutil import china_date
from app.core.workflow import Action, allowed_actions
from app.services import audit, cases
from app.services.batches import PROGRESS_EVERY, BatchCancelled
from app.services.context import Workstation
from app.services.dto import Changes
from app.services.errors import SESSION_FIELD_PROBLEMS, FieldProblem, ValidationFailed
from app.services.groups import MemberRefusal, load_group
from app.store.models import Case, DisputeGroup, GroupMember, GroupSession, MediationSession, Party


@dataclass(frozen=True)
class GroupSessionRecorded:
    id: uuid.UUID
    recorded: tuple[uuid.UUID, ...]  # the member cases that hold the record now
    skipped: dict[uuid.UUID, MemberRefusal] = field(default_factory=dict)
    changes: Changes = Changes()


@dataclass(frozen=True)
class GroupSessionSummary:
    """A group's session as its list shows it."""

    id: uuid.UUID
    content: GroupSessionContent
    author: str
    finalized_at: datetime | None
    members: int  # member records written
    attended: int
    represented: int
    absent: int


def record_group_session(ws: Workstation, group_id: uuid.UUID, content: GroupSessionContent,
                         members: Sequence[MemberAttendance], *,
                         progress: Callable[[int, int], None] | None = None,
                         cancelled: Callable[[], bool] | None = None) -> GroupSessionRecorded:
    """The group's record and one finished member record per listed member (see the
    module's words). ValidationFailed names what is wrong before anything is written;
    BatchCancelled: nothing was written."""
    now = ws.now()
    wanted = list({m.case_id: m for m in members}.values())  # one each, the last word
    found = problems(content, wanted, today=china_date(now))
    if found:
        raise ValidationFailed({k: SESSION_FIELD_PROBLEMS[v] for k, v in found.items()})
    reps = [RepresentativeAtSession(r.name.strip(), r.case_id)
            for r in content.complainant_representatives if r.name.strip()]
    with ws.store.unit_of_work() as session:
        group = load_group(ws, session, group_id)
        live = _live_members(session, group, [m.case_id for m in wanted])
        skipped = {m.case_id: MemberRefusal.NOT_A_MEMBER for m in wanted
                   if m.case_id not in live}
        listed = [m for m in wanted if m.case_id in live]
        if not listed:
            raise ValidationFailed({"members": FieldProblem.REQUIRED})
        row = GroupSession(
            id=new_id(), version=1, modified_at=now, modified_by=ws.actor.login, deleted=False,
            office_id=group.office_id, group_id=group.id, mode=content.mode,
            started_at=content.started_at, ended_at=content.ended_at,
            place=content.place.strip(),
            business_representative=content.business_representative.strip(),
            complainant_representatives=[{"name": r.name, "case_id": r.case_id} for r in reps],
            proposals=content.proposals.strip(), responses=content.responses.strip(),
            result=content.result, next_step=content.next_step.strip(),
            next_step_on=content.next_step_on, author=ws.actor.login, finalized_at=now)
        session.add(row)
        session.flush()  # the group's record goes first (the central check reads it)
        audit.record(session, actor=ws.actor.login, entity="group_sessions", entity_id=row.id,
                     action="create", changes=audit.created({
                         "group": group.title, "mode": row.mode, "started_at": row.started_at,
                         "result": row.result, "members": len(listed)}),
                     office_id=group.office_id, at=now)
        participants = content.participants()
        recorded: list[uuid.UUID] = []
        started: list[uuid.UUID] = []
        for start in range(0, len(listed), PROGRESS_EVERY):
            if cancelled is not None and cancelled():
                raise BatchCancelled  # the transaction rolls back: nothing was written
            if progress is not None:
                progress(start, len(listed))
            chunk = listed[start:start + PROGRESS_EVERY]
            applicants = _applicants(session, [m.case_id for m in chunk])
            for member in chunk:
                case = live[member.case_id]
                if Action.START_MEDIATION in allowed_actions(cases._state(case)):
                    cases.transition_case(ws, session, case, Action.START_MEDIATION, now)
                    started.append(case.id)
                _member_record(ws, session, row, group, case, member, participants,
                               applicants.get(case.id), now)
                recorded.append(case.id)
    if progress is not None:
        progress(len(listed), len(listed))
    return GroupSessionRecorded(row.id, tuple(recorded), skipped, Changes(
        case_ids=frozenset(recorded), history=True, sessions=True, queue=bool(started)))


def _member_record(ws: Workstation, session: Session, group_row: GroupSession,
                   group: DisputeGroup, case: Case, member: MemberAttendance,
                   participants: tuple[Participant, ...], applicant: Party | None,
                   now: datetime) -> None:
    attendance = Attendance(member.attendance)
    people = list(participants)
    name = applicant.name if applicant is not None else (case.complainant_name or "")
    if attendance is Attendance.ATTENDED and name and name not in {p.name for p in people}:
        people.append(Participant(name, PartyRole.APPLICANT.value,
                                  applicant.id.hex if applicant is not None else None))
    position = member.position.strip()
    record = MediationSession(
        id=new_id(), version=1, modified_at=now, modified_by=ws.actor.login, deleted=False,
        case_id=case.id, mode=group_row.mode, started_at=group_row.started_at,
        ended_at=group_row.ended_at, place=group_row.place,
        participants=[p.to_json() for p in people],
        statements=[],  # the member's own words are ``position``
        evidence="", proposals=group_row.proposals, responses=group_row.responses,
        result=group_row.result, next_step=group_row.next_step,
        next_step_on=group_row.next_step_on, author=ws.actor.login, finalized_at=now,
        addendum_to=None, addendum_text="", duration_seconds=_seconds(group_row),
        group_session_id=group_row.id, attendance=attendance.value, position=position)
    session.add(record)
    changes = audit.snapshot(record, ["mode", "result", "next_step_on", "attendance"])
    changes["group"] = [None, group.title]
    audit.record(session, actor=ws.actor.login, entity="mediation_sessions",
                 entity_id=record.id, action="create", changes=changes, case_id=case.id,
                 office_id=case.office_id, at=now)
    cases._touch(ws, case, now)


def _seconds(row: GroupSession) -> int | None:
    if row.ended_at is None or row.ended_at < row.started_at:
        return None
    return int((row.ended_at - row.started_at).total_seconds())


def _live_members(session: Session, group: DisputeGroup,
                  ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Case]:
    """case id → its case, for the ids that are live members of the group."""
    found: dict[uuid.UUID, Case] = {}
    for start in range(0, len(ids), 500):
        for case in session.scalars(
                select(Case).join(GroupMember, GroupMember.case_id == Case.id)
                .where(GroupMember.group_id == group.id, GroupMember.deleted.is_(False),
                       Case.id.in_(ids[start:start + 500]), Case.office_id == group.office_id,
                       Case.deleted.is_(False))):
            found[case.id] = case
    return found


def _applicants(session: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Party]:
    """case id → its first complainant (申请人/投诉人) party."""
    found: dict[uuid.UUID, Party] = {}
    for party in session.scalars(
            select(Party).where(Party.case_id.in_(ids), Party.deleted.is_(False),
                                Party.role == PartyRole.APPLICANT.value)
            .order_by(Party.sort_order)):
        found.setdefault(party.case_id, party)
    return found


def list_group_sessions(ws: Workstation, group_id: uuid.UUID) -> list[GroupSessionSummary]:
    """The group's sessions, the latest first, with how many member records each wrote
    and how the members took part."""
    with ws.store.unit_of_work() as session:
        group = load_group(ws, session, group_id)
        rows = list(session.scalars(select(GroupSession).where(
            GroupSession.group_id == group.id, GroupSession.deleted.is_(False))
            .order_by(GroupSession.started_at.desc(), GroupSession.id)))
        counts: dict[uuid.UUID, dict[str, int]] = {}
        if rows:
            for gsid, attendance, n in session.execute(
                    select(MediationSession.group_session_id, MediationSession.attendance,
                           func.count())
                    .where(MediationSession.group_session_id.in_([r.id for r in rows]),
                           MediationSession.deleted.is_(False))
                    .group_by(MediationSession.group_session_id, MediationSession.attendance)):
                counts.setdefault(gsid, {})[attendance] = n
        out = []
        for r in rows:
            c = counts.get(r.id, {})
            out.append(GroupSessionSummary(
                r.id, content_of(r), r.author, r.finalized_at, sum(c.values()),
                c.get(Attendance.ATTENDED.value, 0), c.get(Attendance.REPRESENTED.value, 0),
                c.get(Attendance.ABSENT.value, 0)))
        return out


def content_of(r: GroupSession) -> GroupSessionContent:
    return GroupSessionContent(
        mode=r.mode, started_at=r.started_at, ended_at=r.ended_at, place=r.place,
        business_representative=r.business_representative,
        complainant_representatives=representatives_from_json(r.complainant_representatives),
        proposals=r.proposals, responses=r.responses, result=r.result,
        next_step=r.next_step, next_step_on=r.next_step_on)


def representatives_from_json(raw) -> tuple[RepresentativeAtSession, ...]:
    return tuple(RepresentativeAtSession(str(item.get("name") or ""),
                                         str(item["case_id"]) if item.get("case_id") else None)
                 for item in raw or () if isinstance(item, dict) and item.get("name"))


@dataclass(frozen=True)
class GroupOfSession:
    """What a member's record says of its group session."""

    group_session_id: uuid.UUID
    group_id: uuid.UUID
    group_title: str
    business_representative: str


def groups_of_sessions(session: Session, ids: Sequence[uuid.UUID]
                       ) -> dict[uuid.UUID, GroupOfSession]:
    """group session id → its group, for the member records of a case."""
    if not ids:
        return {}
    return {gsid: GroupOfSession(gsid, gid, title, rep) for gsid, gid, title, rep in
            session.execute(select(GroupSession.id, DisputeGroup.id, DisputeGroup.title,
                                   GroupSession.business_representative)
                            .join(DisputeGroup, DisputeGroup.id == GroupSession.group_id)
                            .where(GroupSession.id.in_(list(ids))))}


