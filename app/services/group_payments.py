"""A group's refunds (issue 17, items 4 and 5): the refund plan of the group agreement
(the business's undertaking, the formula, the due date), what each member is owed under
it, and what was paid and when (履行). The rules are app/core/groups.py.

Every change is audited: the plan in the group's history, a member's amount and each
payment in the member case's own history too.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, and_, case, func, select

from app.core.errors import UserFacingError
from app.core.groups import (
    GroupError,
    GroupStatus,
    MemberFacts,
    Payment,
    Performance,
    PerformanceState,
    RefundBasis,
    RefundFormula,
    group_progress,
    member_id,
    refund_fen,
)
from app.core.groups import GroupProgress as Progress
from app.core.ids import new_id
from app.core.money import AmountError, parse_amount, to_fen
from app.core.timeutil import china_date
from app.core.work_order_import import (
    ImportValueError,
    ValueProblem,
    clean_text,
    parse_received,
    phone_text,
    ticket_text,
)
from app.documents.files import replaced_whole
from app.documents.spreadsheets import Column, Table, write_workbook
from app.services import audit
from app.services.case_export import mask_name, may_export_personal_data
from app.services.context import Workstation
from app.services.dto import Changes
from app.services.errors import FieldProblem, ValidationFailed
from app.services.groups import (
    NotAMember,
    load_group,
    member_due_on,
    member_paid_fen,
    touch,
)
from app.services.work_order_files import read_sheets
from app.store.models import Case, DisputeGroup, GroupMember, GroupPayment, Office

if TYPE_CHECKING:
    from app.documents.refund_list import RefundList

NOTE_MAX = 500


@dataclass(frozen=True)
class RefundPlan:
    formula: RefundFormula
    due_on: date | None
    undertaking: str = ""
    agreement_prefix: str = ""


@dataclass(frozen=True)
class MemberPerformance:
    case_id: uuid.UUID
    ticket: str
    complainant: str
    performance: Performance
    state: PerformanceState
    individual: bool  # settled on their own, outside the group agreement


def formula_of(group: DisputeGroup) -> RefundFormula | None:
    """The group's formula as stored ("" basis: none agreed yet)."""
    if not group.refund_basis:
        return None
    share = Decimal(group.share_basis_points or 0) / 100
    return RefundFormula(RefundBasis(group.refund_basis), unit_price_fen=group.unit_price_fen or 0,
                         share_percent=share, fixed_fen=group.fixed_fen or 0)


@dataclass(frozen=True)
class PlanSaved:
    changes: Changes
    missing: int  # members the formula cannot count yet (their sessions or balance unknown)


def set_refund_plan(ws: Workstation, group_id: uuid.UUID, plan: RefundPlan, *,
                    everyone: bool = False) -> PlanSaved:
    """The group agreement's refund terms (a change is audited field by field), and, in
    the same transaction, the members under them counted again: the formula's amount
    from their facts (None while a fact it needs is unknown) and the plan's due date
    (unless they have a date of their own) — those with an amount or facts already, or (``everyone``) every member, as 退费方案…
    does (a fixed sum needs no facts). A member settling on their own keeps their own
    terms; one whose group agreement is issued keeps what it says."""
    formula = plan.formula
    now = ws.now()
    touched: set[uuid.UUID] = set()
    missing = 0
    with ws.store.unit_of_work() as session:
        group = load_group(ws, session, group_id)
        old_due = group.refund_due_on
        changes = audit.apply_changes(group, {
            "refund_basis": formula.basis.value,
            "unit_price_fen": formula.unit_price_fen or None,
            "share_basis_points": int(Decimal(formula.share_percent) * 100) or None,
            "fixed_fen": formula.fixed_fen or None,
            "refund_due_on": plan.due_on,
            "undertaking": plan.undertaking.strip(),
            "agreement_prefix": plan.agreement_prefix.strip(),
        })
        if changes:
            touch(ws, group)
            audit.record(session, actor=ws.actor.login, entity="dispute_groups",
                         entity_id=group.id, action="refund_plan", changes=changes,
                         office_id=group.office_id, at=now)
        for member in session.scalars(select(GroupMember).where(
                GroupMember.group_id == group.id, GroupMember.deleted.is_(False),
                GroupMember.individual.is_(False), GroupMember.agreement_number == "")):
            if not everyone and member.agreed_fen is None and member.unused_sessions is None \
                    and member.prepaid_balance_fen is None:
                continue  # not counted yet: set_member_facts will
            try:
                agreed = refund_fen(formula, MemberFacts(member.unused_sessions,
                                                         member.prepaid_balance_fen))
            except GroupError:
                agreed, missing = None, missing + 1
            values: dict[str, object] = {"agreed_fen": agreed}
            if member.due_on is None or member.due_on == old_due:
                values["due_on"] = plan.due_on  # a date of their own stays theirs
            counted = audit.apply_changes(member, values)
            if counted:
                touch(ws, member)
                audit.record(session, actor=ws.actor.login, entity="group_members",
                             entity_id=member.id, action="refund_amount", changes=counted,
                             case_id=member.case_id, office_id=group.office_id, at=now)
                touched.add(member.case_id)
    return PlanSaved(Changes(case_ids=frozenset(touched), history=bool(changes or touched)),
                     missing)


def refund_plan(ws: Workstation, group_id: uuid.UUID) -> RefundPlan | None:
    """The group's refund plan as stored (None: none agreed yet)."""
    with ws.store.unit_of_work() as session:
        group = load_group(ws, session, group_id)
        formula = formula_of(group)
        if formula is None:
            return None
        return RefundPlan(formula, group.refund_due_on, group.undertaking,
                          group.agreement_prefix)


class IndividualRefused(UserFacingError):
    """A member who already has the group's agreement (its number) cannot leave it for
    an individual track: the agreement is signed, or issued to be."""

    def __init__(self, case_id: uuid.UUID, agreement_number: str) -> None:
        self.case_id, self.agreement_number = case_id, agreement_number
        super().__init__(f"case {case_id} has the group agreement {agreement_number}")


def set_individual(ws: Workstation, group_id: uuid.UUID, case_id: uuid.UUID,
                   individual: bool) -> Changes:
    """单独处理: the member disagrees with the group agreement and is mediated and settled
    on their own (issue 17, item 4), or comes back to it. Leaving takes away the amount
    the group's formula gave them (it is not what they agreed; their own agreement says
    theirs), so the group's progress no longer counts them; coming back gives it again
    from their facts. Audited in the member case's own history. A member already holding
    the group agreement's number is refused (IndividualRefused)."""
    now = ws.now()
    with ws.store.unit_of_work() as session:
        group = load_group(ws, session, group_id)
        member = _member(session, group, case_id)
        if member.individual == individual:
            return Changes()
        if individual and member.agreement_number:
            raise IndividualRefused(case_id, member.agreement_number)
        values: dict[str, object] = {"individual": individual}
        formula = formula_of(group)
        if individual:
            values["agreed_fen"] = None
        elif formula is not None:
            try:
                values["agreed_fen"] = refund_fen(formula, MemberFacts(
                    member.unused_sessions, member.prepaid_balance_fen))
            except GroupError:
                pass  # a fact missing: no amount until it is entered
            if member.due_on is None:
                values["due_on"] = group.refund_due_on
        changes = audit.apply_changes(member, values)
        touch(ws, member)
        audit.record(session, actor=ws.actor.login, entity="group_members",
                     entity_id=member.id, action="individual", changes=changes,
                     case_id=case_id, office_id=group.office_id, at=now)
    return Changes(case_ids=frozenset({case_id}), history=True)


class NotIndividual(UserFacingError):
    """Own terms for a member under the group's formula (theirs come from it)."""

    def __init__(self, case_id: uuid.UUID) -> None:
        self.case_id = case_id
        super().__init__(f"case {case_id} follows the group's refund formula")


def set_own_terms(ws: Workstation, group_id: uuid.UUID, case_id: uuid.UUID, *,
                  agreed_fen: int | None, due_on: date | None) -> Changes:
    """What a member settling on their own (单独处理) agreed in their own agreement: the
    amount and the last day to pay, so their refund is followed like the others'
    (逾期, 退款逾期, 回访). A member under the group's formula gets theirs from it, so is
    refused (NotIndividual); so is a negative amount (ValidationFailed)."""
    if agreed_fen is not None and agreed_fen < 0:
        raise ValidationFailed({"agreed_fen": FieldProblem.INVALID_AMOUNT})
    now = ws.now()
    with ws.store.unit_of_work() as session:
        group = load_group(ws, session, group_id)
        member = _member(session, group, case_id)
        if not member.individual:
            raise NotIndividual(case_id)
        changes = audit.apply_changes(member, {"agreed_fen": agreed_fen, "due_on": due_on})
        if changes:
            touch(ws, member)
            audit.record(session, actor=ws.actor.login, entity="group_members",
                         entity_id=member.id, action="own_terms", changes=changes,
                         case_id=case_id, office_id=group.office_id, at=now)
    return Changes(case_ids=frozenset({case_id}), history=bool(changes))


def set_member_facts(ws: Workstation, group_id: uuid.UUID,
                     facts: Mapping[uuid.UUID, MemberFacts]) -> tuple[dict[uuid.UUID, int],
                                                                      dict[uuid.UUID, GroupError]]:
    """Each member's unused sessions or prepaid balance, and the amount the group's
    formula gives them (agreed_fen; due on the group's date unless their own). Returns
    (case → amount, case → why no amount: a fact missing or wrong). A member settling on
    their own keeps the amount they agreed."""
    now = ws.now()
    amounts: dict[uuid.UUID, int] = {}
    problems: dict[uuid.UUID, GroupError] = {}
    with ws.store.unit_of_work() as session:
        group = load_group(ws, session, group_id)
        formula = formula_of(group)
        for case_id, fact in facts.items():
            member = _member(session, group, case_id)
            values = {"unused_sessions": fact.unused_sessions,
                      "prepaid_balance_fen": fact.prepaid_balance_fen}
            if formula is not None and not member.individual:
                try:
                    amounts[case_id] = values["agreed_fen"] = refund_fen(formula, fact)
                except GroupError as exc:
                    problems[case_id] = exc
                if member.due_on is None:
                    values["due_on"] = group.refund_due_on
            changes = audit.apply_changes(member, values)
            if changes:
                touch(ws, member)
                audit.record(session, actor=ws.actor.login, entity="group_members",
                             entity_id=member.id, action="refund_amount", changes=changes,
                             case_id=case_id, office_id=group.office_id, at=now)
    return amounts, problems


def record_payment(ws: Workstation, group_id: uuid.UUID, case_id: uuid.UUID, *,
                   paid_on: date, amount_fen: int, note: str = "",
                   source: str = "manual") -> Changes:
    """A refund paid to a member, entered by hand or from the business's list."""
    problems: dict[str, FieldProblem] = {}
    if amount_fen <= 0:
        problems["amount"] = FieldProblem.INVALID_AMOUNT
    if paid_on > china_date(ws.now()):
        problems["paid_on"] = FieldProblem.IN_FUTURE
    if len(note.strip()) > NOTE_MAX:
        problems["note"] = FieldProblem.TOO_LONG
    if problems:
        raise ValidationFailed(problems)
    now = ws.now()
    with ws.store.unit_of_work() as session:
        group = load_group(ws, session, group_id)
        member = _member(session, group, case_id)
        payment = GroupPayment(id=new_id(), office_id=group.office_id, member_id=member.id,
                               case_id=case_id, paid_on=paid_on, amount_fen=amount_fen,
                               source=source, note=note.strip(), version=1, modified_at=now,
                               modified_by=ws.actor.login, deleted=False)
        session.add(payment)
        audit.record(session, actor=ws.actor.login, entity="group_payments",
                     entity_id=payment.id, action="pay", case_id=case_id,
                     changes=audit.created({"paid_on": paid_on, "amount_fen": amount_fen,
                                            "source": source}),
                     office_id=group.office_id, at=now)
    return Changes(case_ids=frozenset({case_id}), history=True)


def performances(ws: Workstation, group_id: uuid.UUID,
                 today: date | None = None) -> list[MemberPerformance]:
    """Each member with an agreed amount: what was paid and whether it is overdue, in
    the order of their tickets."""
    today = today or china_date(ws.now())
    with ws.store.unit_of_work() as session:
        group = load_group(ws, session, group_id)
        return _performances(session, [group.id], today)


@dataclass(frozen=True)
class CasePerformance:
    """A member case's refund under its group's agreement (the case's 回访 tab)."""

    group_id: uuid.UUID
    group_title: str
    member: MemberPerformance


def case_performance(ws: Workstation, case_id: uuid.UUID,
                     today: date | None = None) -> CasePerformance | None:
    """The refund the case's group agreed for it, what was paid and whether it is
    overdue; None when the case is in no live group or has no amount agreed."""
    today = today or china_date(ws.now())
    with ws.store.unit_of_work() as session:
        found = session.execute(
            select(GroupMember.group_id, DisputeGroup.title)
            .join(DisputeGroup, DisputeGroup.id == GroupMember.group_id)
            .where(GroupMember.case_id == case_id, GroupMember.deleted.is_(False),
                   DisputeGroup.deleted.is_(False))).first()
        if found is None:
            return None
        group_id, title = found
        rows = _performances(session, [group_id], today, case_id=case_id)
    return CasePerformance(group_id, title, rows[0]) if rows else None


def progress(ws: Workstation, group_id: uuid.UUID, today: date | None = None) -> Progress:
    """已退款 ¥paid / ¥agreed, members settled of members (the group page, the dashboard)."""
    rows = performances(ws, group_id, today)
    return group_progress((r.performance for r in rows), today or china_date(ws.now()))


def overdue(ws: Workstation, today: date | None = None) -> list[MemberPerformance]:
    """Members of the office's groups whose refund is overdue (the 逾期履行 view and the
    follow-up list), the longest overdue first."""
    today = today or china_date(ws.now())
    with ws.store.unit_of_work() as session:
        ids = list(session.scalars(select(DisputeGroup.id).where(
            DisputeGroup.office_id == ws.actor.office_id, DisputeGroup.deleted.is_(False))))
        rows = _performances(session, ids, today)
    late = [r for r in rows if r.state is PerformanceState.OVERDUE]
    return sorted(late, key=lambda r: (r.performance.due_on or today, r.ticket))


def _performances(session, group_ids: Iterable[uuid.UUID], today: date,
                  case_id: uuid.UUID | None = None) -> list[MemberPerformance]:
    group_ids = list(group_ids)
    if not group_ids:
        return []
    one = [GroupMember.case_id == case_id] if case_id is not None else []
    members = session.execute(
        select(GroupMember, Case.source_ticket, Case.complainant_name, member_due_on())
        .join(Case, Case.id == GroupMember.case_id)
        .join(DisputeGroup, DisputeGroup.id == GroupMember.group_id)
        .where(GroupMember.group_id.in_(group_ids), GroupMember.deleted.is_(False),
               GroupMember.agreed_fen.is_not(None), *one)
        .order_by(Case.source_ticket)).all()
    paid: dict[uuid.UUID, list[Payment]] = {}
    for member_key, paid_on, amount in session.execute(
            select(GroupPayment.member_id, GroupPayment.paid_on, GroupPayment.amount_fen)
            .join(GroupMember, GroupMember.id == GroupPayment.member_id)
            .where(GroupMember.group_id.in_(group_ids), GroupPayment.deleted.is_(False),
                   *one)):
        paid.setdefault(member_key, []).append(Payment(paid_on, amount))
    out = []
    for member, ticket, name, due_on in members:
        perf = Performance(member.agreed_fen, due_on,
                           tuple(sorted(paid.get(member.id, ()), key=lambda p: p.paid_on)))
        out.append(MemberPerformance(member.case_id, ticket, name, perf, perf.state(today),
                                     member.individual))
    return out


@dataclass(frozen=True)
class GroupProgressRow:
    """One live group's refunds so far, over its members in a scope (the supervisor's
    dashboard): 已退款 ¥paid / ¥agreed, settled of members with an amount, overdue."""

    group_id: uuid.UUID
    title: str
    respondent_name: str
    status: str  # app.core.groups.GroupStatus
    members: int  # live members in the scope
    with_amount: int  # of them, members with an agreed refund
    settled: int  # paid in full
    overdue: int  # not all paid and the due date passed
    agreed_fen: int
    paid_fen: int  # an overpayment refunds no one else (capped at each member's amount)


def progress_by_group(conn: Connection, today: date, *,
                      offices: Iterable[uuid.UUID] = (),
                      mediators: Iterable[uuid.UUID] = ()) -> list[GroupProgressRow]:
    """Each live group that is not closed, with its progress over the members whose
    cases are in ``offices`` and assigned to ``mediators`` (empty: any; centrally
    row-level security keeps offices apart) — in one grouped query, the most overdue
    first, then the largest. The same rules as app/core/groups.group_progress."""
    offices, mediators = sorted(offices), sorted(mediators)
    scope = [Case.office_id.in_(offices)] if offices else []
    if mediators:
        scope.append(Case.mediator_id.in_(mediators))
    member = (select(GroupMember.group_id.label("group_id"),
                     GroupMember.agreed_fen.label("agreed"),
                     member_paid_fen().label("paid"), member_due_on().label("due_on"))
              .join(DisputeGroup, DisputeGroup.id == GroupMember.group_id)
              .join(Case, Case.id == GroupMember.case_id)
              .where(GroupMember.deleted.is_(False), DisputeGroup.deleted.is_(False),
                     DisputeGroup.status != GroupStatus.CLOSED.value,
                     Case.deleted.is_(False), *scope)
              .subquery())
    owed = member.c.agreed.is_not(None)
    settled = and_(owed, member.c.paid >= member.c.agreed)
    late = and_(owed, member.c.paid < member.c.agreed, member.c.due_on < today)
    counted = case((member.c.paid > member.c.agreed, member.c.agreed), else_=member.c.paid)
    overdue = func.sum(case((late, 1), else_=0))
    size = func.count()
    rows = conn.execute(
        select(DisputeGroup.id, DisputeGroup.title, DisputeGroup.respondent_name,
               DisputeGroup.status, size, func.count(member.c.agreed),
               func.sum(case((settled, 1), else_=0)), overdue,
               func.coalesce(func.sum(member.c.agreed), 0),
               func.coalesce(func.sum(case((owed, counted), else_=0)), 0))
        .join(member, member.c.group_id == DisputeGroup.id)
        .group_by(DisputeGroup.id, DisputeGroup.title, DisputeGroup.respondent_name,
                  DisputeGroup.status)
        .order_by(overdue.desc(), size.desc(), DisputeGroup.title))
    return [GroupProgressRow(gid, title, respondent or "", status, int(n), int(with_amount),
                             int(done or 0), int(late_n or 0), int(agreed or 0),
                             int(paid or 0))
            for gid, title, respondent, status, n, with_amount, done, late_n, agreed, paid
            in rows]


def _member(session, group: DisputeGroup, case_id: uuid.UUID) -> GroupMember:
    member = session.get(GroupMember, member_id(group.id, case_id))
    if member is None or member.deleted:
        raise NotAMember(group.id, case_id)
    return member



_STATE_WORDS = {PerformanceState.NOT_DUE: "未到期", PerformanceState.OVERDUE: "逾期",
                PerformanceState.PAID: "已履行"}


def refund_list(ws: Workstation, group_id: uuid.UUID, today: date | None = None) -> RefundList:
    """退款清单: each member with an agreed refund, what was paid and what is left, with
    the totals (app/documents/refund_list.py lays it out)."""
    from app.documents.refund_list import RefundLine, RefundList  # reportlab behind it

    today = today or china_date(ws.now())
    with ws.store.unit_of_work() as session:
        group = load_group(ws, session, group_id)
        office = session.get(Office, group.office_id)
        title, respondent = group.title, group.respondent_name
        rows = _performances(session, [group.id], today)
    progress = group_progress((r.performance for r in rows), today)
    # The case list's rule: names masked for a role that may not take personal data out.
    masked = not may_export_personal_data(ws)
    lines = [RefundLine(n, r.ticket, mask_name(r.complainant) if masked else r.complainant,
                        r.performance.agreed_fen,
                        r.performance.paid_fen, r.performance.outstanding_fen,
                        r.performance.due_on, _STATE_WORDS[r.state])
             for n, r in enumerate(rows, 1)]
    return RefundList(office.name if office is not None else "", title, respondent, today,
                      lines, progress.settled, progress.overdue)


def write_refund_list(ws: Workstation, group_id: uuid.UUID, path: Path,
                      today: date | None = None) -> Path:
    """The refund list to ``path`` (.xlsx, else PDF), drawn whole before it replaces the
    file, and audited like the case list: no list of names leaves the store unrecorded."""
    from app.documents.refund_list import build_refund_pdf, refund_sheets

    rl = refund_list(ws, group_id, today)
    if path.suffix.lower() == ".xlsx":
        write_workbook(path, refund_sheets(rl))
    else:
        with replaced_whole(path) as partial, partial.open("wb") as out:
            build_refund_pdf(rl, out)
    try:
        with ws.store.unit_of_work() as session:
            audit.record(session, actor=ws.actor.login, entity="dispute_groups",
                         entity_id=group_id, action="export:refund_list",
                         changes=audit.created({"rows": len(rl.lines), "file": path.name,
                                                "masked": not may_export_personal_data(ws)}),
                         office_id=ws.actor.office_id, at=ws.now())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


# ---------------------------------------------------------------- the business's list


class PaymentProblem(StrEnum):
    NO_HEADER = "no_header"  # no row names a member column and an amount column
    NO_MEMBER = "no_member"  # no member has this ticket, or this name and phone
    AMBIGUOUS = "ambiguous"  # the name fits several members and nothing tells them apart
    BAD_AMOUNT = "bad_amount"
    BAD_DATE = "bad_date"
    DUPLICATE = "duplicate"  # the same payment again, in the file or already recorded


@dataclass(frozen=True)
class PaymentImport:
    """What a refund list from the business did: payments recorded, their total, and
    each row left out with why (row numbers as the spreadsheet shows them)."""

    recorded: int
    total_fen: int
    problems: tuple[tuple[int, PaymentProblem, str], ...]  # (row, problem, the row's name)
    changes: Changes = Changes()


def write_payment_report(result: PaymentImport, out: Path, *,
                         problem_words: Callable[[PaymentProblem], str],
                         headers: tuple[str, str, str] = ("行号", "姓名", "未登记的原因"),
                         title: str = "未登记的退款") -> int:
    """The rows of a business's refund list that were not recorded, with why, as an
    .xlsx to send back to the business or check by hand (written whole). The words come
    from the caller (the window's translated ones). Returns the rows written."""
    columns = [Column(headers[0], 8), Column(headers[1], 16), Column(headers[2], 50, wrap=True)]
    rows = [(row, who, problem_words(problem)) for row, problem, who in result.problems]
    return write_workbook(Path(out), [Table(title, columns, rows)])


_HEADERS = {
    "ticket": ("工单号", "工单编号", "投诉单号"),
    "name": ("姓名", "投诉人", "退款人", "消费者", "会员姓名", "客户姓名"),
    "phone": ("联系电话", "手机号", "手机号码", "电话", "手机"),
    "amount": ("退款金额", "实退金额", "金额", "退款金额（元）", "退款金额(元)"),
    "paid_on": ("退款日期", "付款日期", "日期", "退款时间", "到账日期"),
}


def _header(rows: list[list[object]]) -> tuple[int, dict[str, int]] | None:
    """The header row among the first ten (a title may stand above it) and its columns."""
    for at, row in enumerate(rows[:10]):
        found = {}
        for column, cell in enumerate(row):
            text = clean_text(cell).replace(" ", "")
            for key, names in _HEADERS.items():
                if text in names and key not in found:
                    found[key] = column
        if "amount" in found and ("ticket" in found or "name" in found):
            return at, found
    return None


def import_payments(ws: Workstation, group_id: uuid.UUID, path: Path) -> PaymentImport:
    """The business's refund list (.xlsx, .xls or .csv) recorded as payments: a row is
    matched to a member by ticket, else by name and phone, else by a name only one
    member has. A payment already recorded (same member, day and amount) is not recorded
    again, so the same list imported twice records nothing the second time."""
    sheets = [s for s in read_sheets(path) if not s.hidden] or read_sheets(path)
    found = next(((s, h) for s in sheets if (h := _header(s.rows)) is not None), None)
    if found is None:
        return PaymentImport(0, 0, ((1, PaymentProblem.NO_HEADER, ""),))
    sheet, (header_at, columns) = found
    today = china_date(ws.now())
    now = ws.now()
    problems: list[tuple[int, PaymentProblem, str]] = []
    recorded = total = 0
    touched: set[uuid.UUID] = set()
    with ws.store.unit_of_work() as session:
        group = load_group(ws, session, group_id)
        members = session.execute(
            select(GroupMember, Case.source_ticket, Case.complainant_name,
                   Case.complainant_phone)
            .join(Case, Case.id == GroupMember.case_id)
            .where(GroupMember.group_id == group.id, GroupMember.deleted.is_(False))).all()
        by_ticket = {ticket: m for m, ticket, _, _ in members}
        by_name_phone = {(name, _digits(phone)): m for m, _, name, phone in members}
        by_name: dict[str, list[GroupMember]] = {}
        for m, _, name, _ in members:
            by_name.setdefault(name, []).append(m)
        seen = {(member, paid_on, amount) for member, paid_on, amount in session.execute(
            select(GroupPayment.member_id, GroupPayment.paid_on, GroupPayment.amount_fen)
            .join(GroupMember, GroupMember.id == GroupPayment.member_id)
            .where(GroupMember.group_id == group.id, GroupPayment.deleted.is_(False)))}

        def cell(row: list[object], key: str) -> object:
            column = columns.get(key)
            return row[column] if column is not None and column < len(row) else None

        for at, row in enumerate(sheet.rows[header_at + 1:], start=header_at + 2):
            if all(clean_text(c) == "" for c in row):
                continue
            name = clean_text(cell(row, "name"))
            try:
                ticket = ticket_text(cell(row, "ticket")) if cell(row, "ticket") else ""
                phone = _digits(phone_text(cell(row, "phone"))) if cell(row, "phone") else ""
            except ImportValueError:
                ticket = phone = ""
            member = by_ticket.get(ticket) if ticket else None
            if member is None and name:
                member = by_name_phone.get((name, phone)) if phone else None
                if member is None and not ticket:
                    named = by_name.get(name, [])
                    if len(named) > 1:
                        problems.append((at, PaymentProblem.AMBIGUOUS, name))
                        continue
                    member = named[0] if named and not phone else None
            if member is None:
                problems.append((at, PaymentProblem.NO_MEMBER, name or ticket))
                continue
            try:
                amount = to_fen(parse_amount(clean_text(cell(row, "amount"))))
                if amount <= 0:
                    raise ValueError(amount)
            except (AmountError, ValueError):
                problems.append((at, PaymentProblem.BAD_AMOUNT, name or ticket))
                continue
            raw_day = cell(row, "paid_on")
            try:
                paid_on = parse_received(raw_day).date() if raw_day not in (None, "") else today
                if paid_on > today:
                    raise ImportValueError(ValueProblem.BAD_DATE, raw_day)
            except ImportValueError:
                problems.append((at, PaymentProblem.BAD_DATE, name or ticket))
                continue
            key = (member.id, paid_on, amount)
            if key in seen:
                problems.append((at, PaymentProblem.DUPLICATE, name or ticket))
                continue
            seen.add(key)
            payment = GroupPayment(id=new_id(), office_id=group.office_id, member_id=member.id,
                                   case_id=member.case_id, paid_on=paid_on, amount_fen=amount,
                                   source="import", note=path.name[:NOTE_MAX], version=1,
                                   modified_at=now, modified_by=ws.actor.login, deleted=False)
            session.add(payment)
            audit.record(session, actor=ws.actor.login, entity="group_payments",
                         entity_id=payment.id, action="pay", case_id=member.case_id,
                         changes=audit.created({"paid_on": paid_on, "amount_fen": amount,
                                                "source": "import"}),
                         office_id=group.office_id, at=now)
            recorded += 1
            total += amount
            touched.add(member.case_id)
    return PaymentImport(recorded, total, tuple(problems),
                         Changes(case_ids=frozenset(touched), history=bool(touched)))


def _digits(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())
