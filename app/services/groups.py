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
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.core.errors import UserFacingError
from app.core.groups import (
    GroupOrigin,
    GroupStatus,
    Payment,
    Performance,
    PerformanceState,
    member_id,
)
from app.core.ids import new_id
from app.core.timeutil import china_date
from app.core.users import Permission, may
from app.core.validation import check_uscc
from app.core.workflow import OPEN_STATUSES, Action
from app.services import audit, batches
from app.services.batches import BatchRequest, BatchResult
from app.services.context import Workstation
from app.services.dto import Changes
from app.services.errors import NotPermitted
from app.store.models import (
    Case,
    DisputeGroup,
    EarlyWarning,
    GroupMember,
    GroupPayment,
    Mediator,
)

TITLE_MAX = 120
NAME_MAX = 120  # the business's name (the column's width)
NOTES_MAX = 2000
PERSON_MAX = 40  # a representative's name
PHONE_MAX = 30
REPRESENTATIVES_MAX = 20


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


class GroupChanged(UserFacingError):
    """The group was changed elsewhere since the caller read it (optimistic concurrency)."""

    def __init__(self, group_id: uuid.UUID, expected: int, actual: int) -> None:
        self.group_id, self.expected, self.actual = group_id, expected, actual
        super().__init__(f"group {group_id} is at version {actual}, not {expected}")


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


def member_due_on():
    """A member's last day to pay: their own due date, else the group's (a member whose
    amount was set before the group had a date has none of their own). Use with
    dispute_groups joined."""
    return func.coalesce(GroupMember.due_on, DisputeGroup.refund_due_on)


def member_paid_fen():
    """What was paid to the member of the row (0 when nothing): a correlated sum read
    through ix_group_payments_member."""
    return (select(func.coalesce(func.sum(GroupPayment.amount_fen), 0))
            .where(GroupPayment.member_id == GroupMember.id, GroupPayment.deleted.is_(False))
            .correlate(GroupMember).scalar_subquery())


def refund_overdue_cases(office_id: uuid.UUID, today: date):
    """A subquery of the case ids whose agreed group refund is overdue on ``today`` (a
    China date): an amount agreed, less than it paid, and the due date (the member's,
    else the group's) before today — a payment on the due date is in time. The queue's
    退款逾期 view and its 待回访 list (app/core/groups.Performance.state says the same).

    It is read from the members, not tested case by case: group members are few beside
    a million cases, so the cases are then looked up by id (their primary key), and
    each member's payments through ix_group_payments_member."""
    return (select(GroupMember.case_id)
            .join(DisputeGroup, DisputeGroup.id == GroupMember.group_id)
            .where(GroupMember.office_id == office_id, GroupMember.deleted.is_(False),
                   DisputeGroup.deleted.is_(False), GroupMember.agreed_fen.is_not(None),
                   member_due_on() < today, GroupMember.agreed_fen > member_paid_fen()))


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
    due_on: date | None = None
    state: PerformanceState | None = None  # None: no amount agreed yet
    unused_sessions: int | None = None
    prepaid_balance_fen: int | None = None
    phone: str = ""  # the complainant's, as entered (a representative's is picked from it)
    agreement_number: str = ""  # the group agreement issued to them ("" none yet)


def members_of(ws: Workstation, group_id: uuid.UUID,
               today: date | None = None) -> list[MemberRow]:
    """The group's live members in the order of their tickets, with what was paid and
    whether their refund is overdue (app/core/groups.Performance)."""
    today = today or china_date(ws.now())
    with ws.store.unit_of_work() as session:
        group = load_group(ws, session, group_id)
        paid: dict[uuid.UUID, list[Payment]] = {}
        for key, paid_on, amount in session.execute(
                select(GroupPayment.member_id, GroupPayment.paid_on, GroupPayment.amount_fen)
                .join(GroupMember, GroupMember.id == GroupPayment.member_id)
                .where(GroupMember.group_id == group.id, GroupPayment.deleted.is_(False))):
            paid.setdefault(key, []).append(Payment(paid_on, amount))
        rows = []
        for m, ticket, name, phone, status, paused, due_on in session.execute(
                select(GroupMember, Case.source_ticket, Case.complainant_name,
                       Case.complainant_phone, Case.status, Case.paused, member_due_on())
                .join(Case, Case.id == GroupMember.case_id)
                .join(DisputeGroup, DisputeGroup.id == GroupMember.group_id)
                .where(GroupMember.group_id == group.id, GroupMember.deleted.is_(False),
                       Case.deleted.is_(False))
                .order_by(Case.source_ticket)):
            payments = tuple(paid.get(m.id, ()))
            if m.agreed_fen is None:
                due_on = None  # nothing owed: no date to owe it by
            state = (Performance(m.agreed_fen, due_on, payments).state(today)
                     if m.agreed_fen is not None else None)
            rows.append(MemberRow(
                m.case_id, ticket, name, status, paused, m.representative, m.individual,
                m.agreed_fen, sum(p.amount_fen for p in payments), due_on, state,
                m.unused_sessions, m.prepaid_balance_fen, phone or "",
                m.agreement_number or ""))
        return rows


GROUP_THRESHOLD = 10  # new cases against one business that make a group at import


def _respondents(ws: Workstation, session: Session, ids: Sequence[uuid.UUID]
                 ) -> Iterator[tuple[uuid.UUID, tuple[str, str], tuple[str, str]]]:
    """Each of the office's live cases among ``ids`` that names a respondent: (case, the
    respondent's key — its credit code, else its name —, (name, credit code))."""
    for start in range(0, len(ids), 500):
        for case_id, uscc, name in session.execute(
                select(Case.id, Case.respondent_uscc, Case.respondent_name).where(
                    Case.id.in_(ids[start:start + 500]),
                    Case.office_id == ws.actor.office_id, Case.deleted.is_(False))):
            name, uscc = (name or "").strip(), uscc or ""
            key = ("uscc", uscc) if uscc else ("name", name)
            if key[1]:
                yield case_id, key, (name, uscc)


def group_by_respondent(ws: Workstation, case_ids: Sequence[uuid.UUID | str],
                        threshold: int = GROUP_THRESHOLD) -> list[tuple[uuid.UUID, Membership]]:
    """The rule at import: new cases sharing a respondent (its credit code, else its name)
    that number ``threshold`` or more join the office's live group of that respondent,
    or make one (origin IMPORT). Returns each group touched with what joined it."""
    ids = [uuid.UUID(i) if isinstance(i, str) else i for i in dict.fromkeys(case_ids)]
    buckets: dict[tuple[str, str], list[uuid.UUID]] = {}
    names: dict[tuple[str, str], tuple[str, str]] = {}
    with ws.store.unit_of_work() as session:
        for case_id, key, named in _respondents(ws, session, ids):
            buckets.setdefault(key, []).append(case_id)
            names.setdefault(key, named)
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


# ---------------------------------------------------------------- the group's particulars


@dataclass(frozen=True)
class Representative:
    """A complainants' representative: usually a member (``case_id``), named as they
    gave their name; the phone as entered (the UI masks it where it only shows it)."""

    name: str
    phone: str = ""
    case_id: uuid.UUID | None = None


@dataclass(frozen=True)
class GroupParticulars:
    """What 编辑… changes of a group."""

    title: str
    respondent_name: str = ""
    respondent_uscc: str = ""
    lead_mediator_id: uuid.UUID | None = None
    representatives: tuple[Representative, ...] = ()
    status: GroupStatus = GroupStatus.OPEN
    notes: str = ""


@dataclass(frozen=True)
class GroupDetail:
    """The group page's heading: its particulars as stored, and the names to show."""

    id: uuid.UUID
    version: int
    particulars: GroupParticulars
    status: GroupStatus | str  # as stored (a newer version's status is shown as is)
    origin: GroupOrigin | str
    lead_mediator: str  # the name ("" when none)


def _representatives(raw) -> tuple[Representative, ...]:
    out = []
    for item in raw or ():
        if not isinstance(item, dict):
            continue
        try:
            case_id = uuid.UUID(str(item["case_id"])) if item.get("case_id") else None
        except ValueError:
            case_id = None
        out.append(Representative(str(item.get("name", "")), str(item.get("phone", "")),
                                  case_id))
    return tuple(out)


def group_detail(ws: Workstation, group_id: uuid.UUID) -> GroupDetail:
    with ws.store.unit_of_work() as session:
        group = load_group(ws, session, group_id)
        lead = session.get(Mediator, group.lead_mediator_id) if group.lead_mediator_id else None
        status = _status(group.status)
        return GroupDetail(
            group.id, group.version or 0,
            GroupParticulars(group.title, group.respondent_name, group.respondent_uscc,
                             group.lead_mediator_id, _representatives(group.representatives),
                             status if isinstance(status, GroupStatus) else GroupStatus.OPEN,
                             group.notes),
            status, _origin(group.origin), lead.name if lead is not None else "")


def update_group(ws: Workstation, group_id: uuid.UUID, values: GroupParticulars, *,
                 expected_version: int | None = None) -> Changes:
    """The group's particulars (编辑…), audited field by field in the group's history.
    A wrong field is refused (GroupInvalid naming it) and nothing changes; a group
    changed elsewhere since ``expected_version`` is refused (GroupChanged). Members named
    as representatives are marked so in their member rows, and those no longer named
    unmarked, each in the member case's own history."""
    title = values.title.strip()
    if not title or len(title) > TITLE_MAX:
        raise GroupInvalid("title")
    name = values.respondent_name.strip()
    if len(name) > NAME_MAX:
        raise GroupInvalid("respondent_name")
    uscc = values.respondent_uscc.strip().upper()
    notes = values.notes.strip()
    if len(notes) > NOTES_MAX:
        raise GroupInvalid("notes")
    try:
        status = GroupStatus(values.status)
    except ValueError:
        raise GroupInvalid("status") from None
    reps = [Representative(r.name.strip(), r.phone.strip(), r.case_id)
            for r in values.representatives]
    if len(reps) > REPRESENTATIVES_MAX or any(
            not r.name or len(r.name) > PERSON_MAX or len(r.phone) > PHONE_MAX for r in reps):
        raise GroupInvalid("representatives")
    now = ws.now()
    with ws.store.unit_of_work() as session:
        group = load_group(ws, session, group_id)
        if expected_version is not None and (group.version or 0) != expected_version:
            raise GroupChanged(group.id, expected_version, group.version or 0)
        # A code already stored (an import's) may be kept as it is; a new one must be one.
        if uscc and uscc != group.respondent_uscc and not check_uscc(uscc).valid:
            raise GroupInvalid("respondent_uscc")
        if values.lead_mediator_id is not None:
            lead = session.get(Mediator, values.lead_mediator_id)
            if (lead is None or lead.deleted or lead.office_id != group.office_id
                    or (not lead.active and lead.id != group.lead_mediator_id)):
                raise GroupInvalid("lead_mediator_id")
        members = {m.case_id: m for m in session.scalars(select(GroupMember).where(
            GroupMember.group_id == group.id, GroupMember.deleted.is_(False)))}
        if any(r.case_id is not None and r.case_id not in members for r in reps):
            raise GroupInvalid("representatives")
        changes = audit.apply_changes(group, {
            "title": title, "respondent_name": name, "respondent_uscc": uscc,
            "lead_mediator_id": values.lead_mediator_id, "status": status.value,
            "notes": notes,
            "representatives": [{"name": r.name, "phone": r.phone,
                                 "case_id": r.case_id.hex if r.case_id else None}
                                for r in reps]})
        if changes:
            touch(ws, group)
            audit.record(session, actor=ws.actor.login, entity="dispute_groups",
                         entity_id=group.id, action="edit", changes=changes,
                         office_id=group.office_id, at=now)
        named = {r.case_id for r in reps if r.case_id is not None}
        touched = set()
        for case_id, member in members.items():
            if member.representative != (case_id in named):
                member.representative = case_id in named
                touch(ws, member)
                audit.record(session, actor=ws.actor.login, entity="group_members",
                             entity_id=member.id, action="representative", case_id=case_id,
                             changes={"representative": [not member.representative,
                                                         member.representative]},
                             office_id=group.office_id, at=now)
                touched.add(case_id)
    return Changes(case_ids=frozenset(touched), history=bool(changes or touched))


@dataclass(frozen=True)
class CaseGroup:
    """The group a case belongs to (the case page's 群体纠纷 line)."""

    id: uuid.UUID
    title: str
    members: int


def group_of_case(ws: Workstation, case_id: uuid.UUID) -> CaseGroup | None:
    with ws.store.unit_of_work() as session:
        held = _groups_holding(session, [case_id]).get(case_id)
        if held is None:
            return None
        count = session.scalar(
            select(func.count()).select_from(GroupMember)
            .join(Case, Case.id == GroupMember.case_id)
            .where(GroupMember.group_id == held[0], GroupMember.deleted.is_(False),
                   Case.deleted.is_(False)))
        return CaseGroup(held[0], held[1], int(count or 0))


def reassign_group(ws: Workstation, group_id: uuid.UUID, mediator_id: uuid.UUID, *,
                   progress: Callable[[int, int], None] | None = None,
                   cancelled: Callable[[], bool] | None = None) -> BatchResult:
    """整组改派 (issue 17, item 6): the mediator becomes the group's lead and every open
    member not already theirs is assigned to them, in one batch (run_batch's ASSIGN:
    each member audited in its own history, those the workflow refuses — not accepted
    yet, say — listed and left as they are; the batch can be undone like any batch of
    assignments, the lead stays). Only a role that dispatches may (app/core/users.py;
    the central database's cases_dispatch trigger, migration 0011, refuses it too): a
    plain mediator is refused before anything changes. A cancel changes nothing, the
    lead included."""
    if not may(ws.actor.role, Permission.DISPATCH):
        raise NotPermitted(Permission.DISPATCH, ws.actor.role)
    open_values = [s.value for s in OPEN_STATUSES]
    with ws.store.unit_of_work() as session:
        group = load_group(ws, session, group_id)
        ids = list(session.scalars(
            select(Case.id).join(GroupMember, GroupMember.case_id == Case.id)
            .where(GroupMember.group_id == group.id, GroupMember.deleted.is_(False),
                   Case.deleted.is_(False), Case.status.in_(open_values),
                   (Case.mediator_id.is_(None)) | (Case.mediator_id != mediator_id))
            .order_by(Case.source_ticket)))
    result = batches.run_batch(ws, ids, BatchRequest(Action.ASSIGN, mediator_id=mediator_id),
                               progress=progress, cancelled=cancelled)
    with ws.store.unit_of_work() as session:
        group = load_group(ws, session, group_id)
        changes = audit.apply_changes(group, {"lead_mediator_id": mediator_id})
        if changes:
            touch(ws, group)
            audit.record(session, actor=ws.actor.login, entity="dispute_groups",
                         entity_id=group.id, action="reassign", changes=changes,
                         office_id=group.office_id, at=ws.now())
    return BatchResult(result.action, result.done, result.refused,
                       Changes(case_ids=result.changes.case_ids, history=True,
                               queue=result.changes.queue), result.undoable)


@dataclass(frozen=True)
class Respondent:
    """The business most of a selection complains of (a new group's prefilled name)."""

    name: str
    uscc: str
    cases: int  # how many of the selection name it


def common_respondent(ws: Workstation, case_ids: Sequence[uuid.UUID]) -> Respondent | None:
    """The respondent named by most of ``case_ids`` (by credit code, else by name; a tie
    goes to the first in the selection's order); None when none names one."""
    ids = list(dict.fromkeys(case_ids))
    order = {case_id: n for n, case_id in enumerate(ids)}
    counts: dict[tuple[str, str], list[int]] = {}
    names: dict[tuple[str, str], tuple[str, str]] = {}
    with ws.store.unit_of_work() as session:
        for case_id, key, named in _respondents(ws, session, ids):
            counts.setdefault(key, []).append(order[case_id])
            names.setdefault(key, named)
    if not counts:
        return None
    key = min(counts, key=lambda k: (-len(counts[k]), min(counts[k])))
    return Respondent(*names[key], len(counts[key]))
