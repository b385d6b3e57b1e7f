"""Group disputes (群体性纠纷, issue 17): a group is made from an early warning, from
cases chosen in the queue, or by rule at import; cases join and leave it later. Each
member case keeps its own ticket, clocks and audit trail: joining and leaving are
recorded in the case's own history as well as the group's. The rules are in
app/core/groups.py.

A case is a member of at most one live group: a second group asking for it is told
which group holds it (the case is left where it is).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.core.errors import UserFacingError
from app.core.groups import GroupOrigin, GroupStatus, member_id
from app.core.ids import new_id
from app.core.workflow import OPEN_STATUSES
from app.services import audit
from app.services.context import Workstation
from app.services.dto import Changes
from app.store.models import (
    Case,
    DisputeGroup,
    EarlyWarning,
    GroupMember,
    GroupPayment,
    Mediator,
)

TITLE_MAX = 120


class GroupNotFound(UserFacingError):
    def __init__(self, group_id: uuid.UUID) -> None:
        self.group_id = group_id
        super().__init__(f"no group {group_id}")


class NotAMember(UserFacingError):
    def __init__(self, group_id: uuid.UUID, case_id: uuid.UUID) -> None:
        self.group_id, self.case_id = group_id, case_id
        super().__init__(f"case {case_id} is not a member of group {group_id}")


class GroupInvalid(UserFacingError):
    """A group's own fields are wrong (``field``: which)."""

    def __init__(self, field_name: str) -> None:
        self.field = field_name
        super().__init__(f"invalid group field {field_name}")


class MemberRefusal(StrEnum):
    NO_SUCH_CASE = "no_such_case"  # not in the store, deleted, or another office's
    IN_ANOTHER_GROUP = "in_another_group"
    NOT_A_MEMBER = "not_a_member"  # removing a case the group does not hold


@dataclass(frozen=True)
class GroupInput:
    title: str
    respondent_name: str = ""
    respondent_uscc: str = ""
    origin: GroupOrigin = GroupOrigin.SELECTION
    warning_id: uuid.UUID | None = None
    lead_mediator_id: uuid.UUID | None = None
    notes: str = ""


@dataclass(frozen=True)
class Membership:
    """What adding or removing cases did: each case asked for is in one of these."""

    done: tuple[uuid.UUID, ...] = ()
    unchanged: tuple[uuid.UUID, ...] = ()  # already as asked
    refused: dict[uuid.UUID, tuple[MemberRefusal, str]] = field(default_factory=dict)
    changes: Changes = Changes()


@dataclass(frozen=True)
class GroupSummary:
    id: uuid.UUID
    title: str
    respondent_name: str
    status: GroupStatus | str
    origin: GroupOrigin | str
    lead_mediator: str  # the name ("" when none)
    members: int
    open_members: int  # members whose case is still open


def create_group(ws: Workstation, values: GroupInput,
                 case_ids: Sequence[uuid.UUID] = ()) -> tuple[uuid.UUID, Membership]:
    """A new group of the office, with these cases as its first members (those another
    group holds, or not found, are listed as refused and left as they are)."""
    title = values.title.strip()
    if not title or len(title) > TITLE_MAX:
        raise GroupInvalid("title")
    now = ws.now()
    with ws.store.unit_of_work() as session:
        if values.lead_mediator_id is not None and session.get(
                Mediator, values.lead_mediator_id) is None:
            raise GroupInvalid("lead_mediator_id")
        if values.warning_id is not None:
            warning = session.get(EarlyWarning, values.warning_id)
            if warning is None or warning.office_id != ws.actor.office_id:
                raise GroupInvalid("warning_id")
        group = DisputeGroup(
            id=new_id(), office_id=ws.actor.office_id, title=title,
            respondent_name=values.respondent_name.strip(),
            respondent_uscc=values.respondent_uscc.strip().upper(),
            lead_mediator_id=values.lead_mediator_id, status=GroupStatus.OPEN.value,
            origin=GroupOrigin(values.origin).value, warning_id=values.warning_id,
            representatives=[], notes=values.notes.strip(), undertaking="", refund_basis="",
            agreement_prefix="", version=1, modified_at=now, modified_by=ws.actor.login)
        session.add(group)
        audit.record(session, actor=ws.actor.login, entity="dispute_groups",
                     entity_id=group.id, action="create", changes=audit.created({
                         "title": title, "respondent_name": group.respondent_name,
                         "origin": group.origin, "cases": len(case_ids)}),
                     office_id=ws.actor.office_id, at=now)
        session.flush()
        result = _add(ws, session, group, case_ids)
    return group.id, result


def add_members(ws: Workstation, group_id: uuid.UUID,
                case_ids: Sequence[uuid.UUID]) -> Membership:
    with ws.store.unit_of_work() as session:
        return _add(ws, session, load_group(ws, session, group_id), case_ids)


def remove_members(ws: Workstation, group_id: uuid.UUID,
                   case_ids: Sequence[uuid.UUID]) -> Membership:
    """The cases leave the group (their member rows are marked deleted, so a payment
    recorded against them stays readable in the history)."""
    now = ws.now()
    done, unchanged, refused = [], [], {}
    with ws.store.unit_of_work() as session:
        group = load_group(ws, session, group_id)
        for case_id in dict.fromkeys(case_ids):
            member = session.get(GroupMember, member_id(group.id, case_id))
            if member is None:
                refused[case_id] = (MemberRefusal.NOT_A_MEMBER, "")
                continue
            if member.deleted:
                unchanged.append(case_id)
                continue
            member.deleted = True
            touch(ws, member)
            audit.record(session, actor=ws.actor.login, entity="group_members",
                         entity_id=member.id, action="remove", case_id=case_id,
                         changes={"group": [group.title, None]},
                         office_id=ws.actor.office_id, at=now)
            done.append(case_id)
    return Membership(tuple(done), tuple(unchanged), refused,
                      Changes(case_ids=frozenset(done), history=bool(done), queue=bool(done)))


def _add(ws: Workstation, session: Session, group: DisputeGroup,
         case_ids: Iterable[uuid.UUID]) -> Membership:
    now = ws.now()
    wanted = list(dict.fromkeys(case_ids))
    done, unchanged, refused = [], [], {}
    found = _live_cases(session, ws.actor.office_id, wanted)
    held = _groups_holding(session, wanted)
    for case_id in wanted:
        if case_id not in found:
            refused[case_id] = (MemberRefusal.NO_SUCH_CASE, "")
            continue
        other = held.get(case_id)
        if other is not None and other[0] != group.id:
            refused[case_id] = (MemberRefusal.IN_ANOTHER_GROUP, other[1])
            continue
        if other is not None:
            unchanged.append(case_id)
            continue
        mid = member_id(group.id, case_id)
        member = session.get(GroupMember, mid)
        if member is None:
            session.add(GroupMember(
                id=mid, office_id=group.office_id, group_id=group.id, case_id=case_id,
                representative=False, individual=False, agreement_number="", version=1,
                modified_at=now, modified_by=ws.actor.login, deleted=False))
        else:  # it left the group once and comes back
            member.deleted = False
            touch(ws, member)
        audit.record(session, actor=ws.actor.login, entity="group_members", entity_id=mid,
                     action="add", case_id=case_id, changes={"group": [None, group.title]},
                     office_id=ws.actor.office_id, at=now)
        done.append(case_id)
    session.flush()
    return Membership(tuple(done), tuple(unchanged), refused,
                      Changes(case_ids=frozenset(done), history=bool(done), queue=bool(done)))


def _live_cases(session: Session, office_id: uuid.UUID,
                ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    found: set[uuid.UUID] = set()
    for start in range(0, len(ids), 500):
        found.update(session.scalars(select(Case.id).where(
            Case.id.in_(ids[start:start + 500]), Case.office_id == office_id,
            Case.deleted.is_(False))))
    return found


def _groups_holding(session: Session,
                    ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, tuple[uuid.UUID, str]]:
    """case id → (group id, title) of the live group that holds it."""
    held: dict[uuid.UUID, tuple[uuid.UUID, str]] = {}
    for start in range(0, len(ids), 500):
        for case_id, gid, title in session.execute(
                select(GroupMember.case_id, DisputeGroup.id, DisputeGroup.title)
                .join(DisputeGroup, DisputeGroup.id == GroupMember.group_id)
                .where(GroupMember.case_id.in_(ids[start:start + 500]),
                       GroupMember.deleted.is_(False), DisputeGroup.deleted.is_(False))):
            held[case_id] = (gid, title)
    return held


def group_member_cases(office_id: uuid.UUID):
    """A subquery of the case ids in the office's live groups (the queue's 群体纠纷 view)."""
    return (select(GroupMember.case_id)
            .join(DisputeGroup, DisputeGroup.id == GroupMember.group_id)
            .where(GroupMember.office_id == office_id, GroupMember.deleted.is_(False),
                   DisputeGroup.deleted.is_(False)))


def groups_of(ws: Workstation, case_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    """case id → the title of its live group (the queue's 群体 column)."""
    with ws.store.unit_of_work() as session:
        return group_titles(session, case_ids)


def group_titles(session: Session, case_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    """``groups_of`` in the caller's session (a queue page reads them with its rows)."""
    return {cid: title for cid, (_, title) in _groups_holding(session, list(case_ids)).items()}


def list_groups(ws: Workstation) -> list[GroupSummary]:
    """The office's live groups, the largest first (the 群体 view)."""
    open_values = [s.value for s in OPEN_STATUSES]
    with ws.store.unit_of_work() as session:
        counts = {gid: (n, o) for gid, n, o in session.execute(
            select(GroupMember.group_id, func.count(),
                   func.sum(case((Case.status.in_(open_values), 1), else_=0)))
            .join(Case, Case.id == GroupMember.case_id)
            .where(GroupMember.deleted.is_(False), Case.deleted.is_(False))
            .group_by(GroupMember.group_id))}
        names = dict(session.execute(select(Mediator.id, Mediator.name)).all())
        groups = session.scalars(select(DisputeGroup).where(
            DisputeGroup.office_id == ws.actor.office_id,
            DisputeGroup.deleted.is_(False))).all()
        out = [GroupSummary(g.id, g.title, g.respondent_name, _status(g.status),
                            _origin(g.origin), names.get(g.lead_mediator_id, ""),
                            counts.get(g.id, (0, 0))[0], int(counts.get(g.id, (0, 0))[1] or 0))
               for g in groups]
    return sorted(out, key=lambda g: (-g.members, g.title))


def _status(value: str) -> GroupStatus | str:
    try:
        return GroupStatus(value)
    except ValueError:  # written by a newer version
        return value


def _origin(value: str) -> GroupOrigin | str:
    try:
        return GroupOrigin(value)
    except ValueError:
        return value


def load_group(ws: Workstation, session: Session, group_id: uuid.UUID) -> DisputeGroup:
    group = session.get(DisputeGroup, group_id)
    if group is None or group.deleted or group.office_id != ws.actor.office_id:
        raise GroupNotFound(group_id)
    return group


def touch(ws: Workstation, row) -> None:
    """A synced row changed by this desk now."""
    row.version = (row.version or 0) + 1
    row.modified_at = ws.now()
    row.modified_by = ws.actor.login


@dataclass(frozen=True)
class MemberRow:
    """A member as the group page lists it."""

    case_id: uuid.UUID
    ticket: str
    complainant: str
    status: str  # a CaseStatus value
    paused: bool
    representative: bool
    individual: bool
    agreed_fen: int | None
    paid_fen: int


def members_of(ws: Workstation, group_id: uuid.UUID) -> list[MemberRow]:
    """The group's live members in the order of their tickets, with what was paid."""
    with ws.store.unit_of_work() as session:
        group = load_group(ws, session, group_id)
        paid = dict(session.execute(
            select(GroupPayment.member_id, func.sum(GroupPayment.amount_fen))
            .join(GroupMember, GroupMember.id == GroupPayment.member_id)
            .where(GroupMember.group_id == group.id, GroupPayment.deleted.is_(False))
            .group_by(GroupPayment.member_id)).all())
        return [MemberRow(m.case_id, ticket, name, status, paused, m.representative,
                          m.individual, m.agreed_fen, int(paid.get(m.id) or 0))
                for m, ticket, name, status, paused in session.execute(
                    select(GroupMember, Case.source_ticket, Case.complainant_name,
                           Case.status, Case.paused)
                    .join(Case, Case.id == GroupMember.case_id)
                    .where(GroupMember.group_id == group.id, GroupMember.deleted.is_(False),
                           Case.deleted.is_(False))
                    .order_by(Case.source_ticket))]


GROUP_THRESHOLD = 10  # new cases against one business that make a group at import


def group_by_respondent(ws: Workstation, case_ids: Sequence[uuid.UUID | str],
                        threshold: int = GROUP_THRESHOLD) -> list[tuple[uuid.UUID, Membership]]:
    """The rule at import: new cases sharing a respondent (its credit code, else its name)
    that number ``threshold`` or more join the office's live group of that respondent,
    or make one (origin IMPORT). Returns each group touched with what joined it."""
    ids = [uuid.UUID(i) if isinstance(i, str) else i for i in dict.fromkeys(case_ids)]
    buckets: dict[tuple[str, str], list[uuid.UUID]] = {}
    names: dict[tuple[str, str], tuple[str, str]] = {}
    with ws.store.unit_of_work() as session:
        for start in range(0, len(ids), 500):
            for case_id, uscc, name in session.execute(
                    select(Case.id, Case.respondent_uscc, Case.respondent_name).where(
                        Case.id.in_(ids[start:start + 500]),
                        Case.office_id == ws.actor.office_id, Case.deleted.is_(False))):
                key = ("uscc", uscc) if uscc else ("name", name.strip())
                if not key[1]:
                    continue
                buckets.setdefault(key, []).append(case_id)
                names.setdefault(key, (name.strip(), uscc))
        wanted = {key: members for key, members in buckets.items()
                  if len(members) >= threshold}
        existing: dict[tuple[str, str], uuid.UUID] = {}
        for group in session.scalars(select(DisputeGroup).where(
                DisputeGroup.office_id == ws.actor.office_id, DisputeGroup.deleted.is_(False),
                DisputeGroup.status != GroupStatus.CLOSED.value)):
            for key in (("uscc", group.respondent_uscc), ("name", group.respondent_name)):
                if key[1] and key in wanted:
                    existing.setdefault(key, group.id)
    touched = []
    for key, members in wanted.items():
        name, uscc = names[key]
        if key in existing:
            touched.append((existing[key], add_members(ws, existing[key], members)))
        else:
            touched.append(create_group(ws, GroupInput(
                (name or uscc)[:TITLE_MAX - 5] + "群体纠纷", respondent_name=name,
                respondent_uscc=uscc, origin=GroupOrigin.IMPORT), members))
    return touched
