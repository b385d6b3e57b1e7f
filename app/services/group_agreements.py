"""Agreements by the hundred (issue 17, item 4): the group agreement (the business's
undertaking and the refund formula, app/core/groups.py) made into each member's own
调解协议书 — their name and particulars, their amount in figures and capitals, the
group's consecutive numbers — issued in their own case like any agreement (final,
immutable, the PDF kept by its hash and filed with the case), and one print job of them
all with each member's copies.

The PDFs are laid out in worker processes (app/core/parallel.py) before anything is
written; the rows are then written in one transaction, so a cancel (or a failure)
issues nothing and takes no number. A member settling on their own (``individual``), without
an agreed amount, whose case is not in mediation, or who already holds a live agreement
of the group is listed with the reason and left as they are.

The group's numbers are its own series (prefix + 0001 …), continuing from the highest
the group has issued. Only the group's lead mediator or someone who dispatches may draw
them up, so one desk numbers a group's agreements.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.clauses import AgreedClause, stored_clause
from app.core.documents import DocumentKind, DocumentState, missing_fields
from app.core.errors import UserFacingError
from app.core.groups import RefundFormula, agreement_numbers
from app.core.ids import new_id
from app.core.money import from_fen
from app.core.parallel import ordered_map
from app.core.parties import IdType, PartyRole
from app.core.users import Permission, may
from app.core.workflow import CaseStatus
from app.documents import wording
from app.documents.agreement import render_agreements
from app.documents.data import AgreementData
from app.documents.files import replaced_whole
from app.documents.pdf_join import join_pdfs
from app.services import audit, documents
from app.services import sync as sync_service
from app.services.context import Workstation
from app.services.dto import Changes
from app.services.group_payments import formula_of
from app.services.groups import load_group, touch
from app.store.models import Case, DisputeGroup, Document, GroupMember, Mediator

CHUNK = 8  # agreements a worker lays out per task
NUMBER_WIDTH = 4  # 群3-0001
PREFIX_MAX = 64 - NUMBER_WIDTH  # a document number holds 64 characters
# The member's case must be in mediation: accepted (and assigned) or being mediated.
_MEDIATED = frozenset({CaseStatus.ACCEPTED, CaseStatus.ASSIGNED, CaseStatus.MEDIATING})
_SIGNING = (PartyRole.APPLICANT, PartyRole.RESPONDENT)  # the parties an agreement binds


class AgreementProblem(StrEnum):
    """Why the group's agreements cannot be drawn up at all."""

    NO_PLAN = "no_plan"  # no refund formula agreed yet
    NO_PREFIX = "no_prefix"  # the group's number prefix is not set
    PREFIX_TOO_LONG = "prefix_too_long"
    NOT_LEAD = "not_lead"  # neither the lead mediator nor a dispatcher
    CANCELLED = "cancelled"  # stopped before the end: nothing issued
    PREFIX_TAKEN = "prefix_taken"  # another group of the office numbers with it
    NO_MEMBER = "no_member"  # no member can have one yet (the specimen has no one to show)


class MemberSkip(StrEnum):
    """Why a member got no agreement in this run (each left as they are)."""

    INDIVIDUAL = "individual"  # settles on their own
    NO_AMOUNT = "no_amount"  # the formula gave them nothing yet (a fact missing)
    NOT_IN_MEDIATION = "not_in_mediation"  # not accepted yet, or closed
    HAS_AGREEMENT = "has_agreement"  # already holds a live agreement of the group
    NO_COMPLAINANT = "no_complainant"  # the case names no complainant to sign
    MISSING_FIELDS = "missing_fields"  # the case lacks what an agreement must say


class GroupAgreementRefused(UserFacingError):
    def __init__(self, problem: AgreementProblem, detail: str = "") -> None:
        self.problem, self.detail = problem, detail
        super().__init__(f"{problem.value}: {detail}" if detail else problem.value)


@dataclass(frozen=True)
class IssuedAgreement:
    case_id: uuid.UUID
    document_id: uuid.UUID
    number: str
    complainant: str
    amount_fen: int
    copies: int


@dataclass(frozen=True)
class AgreementRun:
    issued: tuple[IssuedAgreement, ...]
    skipped: dict[uuid.UUID, MemberSkip] = field(default_factory=dict)
    changes: Changes = Changes()
    # each skipped member as the page names them: ticket and complainant
    labels: dict[uuid.UUID, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Draft:
    member: GroupMember
    case: Case
    doc: Document
    data: AgreementData


def may_draw_up(ws: Workstation, group: DisputeGroup) -> bool:
    return (may(ws.actor.role, Permission.DISPATCH) or group.lead_mediator_id is None
            or group.lead_mediator_id == ws.actor.mediator_id)


def draw_up(ws: Workstation, group_id: uuid.UUID, case_ids: Sequence[uuid.UUID] | None = None,
            *, progress: Callable[[int, int], None] | None = None,
            cancelled: Callable[[], bool] | None = None,
            workers: int | None = None) -> AgreementRun:
    """Each eligible member's agreement, issued (final and numbered) in their case;
    ``case_ids``: only these members (None: every member). ``progress(done, total)`` is
    called as agreements are laid out; ``cancelled()`` is asked as often.

    Laying out takes a while (a minute for thousands) and writes nothing to the store:
    the PDFs go to the blob store by their hash (one never issued is an unreferenced
    file, like any upload abandoned). Only then are the rows written, in one short
    transaction that reads the group again: a member changed meanwhile gets the
    agreement their rows now say, laid out there."""
    now = ws.now()
    files = sync_service.files_of(ws.store)
    with ws.store.unit_of_work() as session:  # reads only: no write lock while laying out
        group = load_group(ws, session, group_id)
        formula = _check_plan(ws, session, group)
        drafts, _skipped = _drafts(session, ws, group, formula, case_ids, now)
        session.expunge_all()
    total = len(drafts)
    if progress is not None:
        progress(0, total)
    laid: dict[str, tuple[str, int]] = {}  # content hash → (PDF's hash, size)
    chunks = [[d.data for d in drafts[i:i + CHUNK]] for i in range(0, total, CHUNK)]
    laid_out = ordered_map(render_agreements, _no_context, (), chunks, workers=workers,
                           min_items=2)
    try:
        for n, pdfs in enumerate(laid_out):
            if cancelled is not None and cancelled():
                raise GroupAgreementRefused(AgreementProblem.CANCELLED)
            for draft, pdf in zip(drafts[n * CHUNK:(n + 1) * CHUNK], pdfs, strict=True):
                laid[draft.doc.content_sha256] = (files.put_bytes(pdf), len(pdf))
            if progress is not None:
                progress(len(laid), total)
    finally:
        laid_out.close()  # a cancel stops the workers' queue too
    del drafts
    with ws.store.unit_of_work() as session:
        group = load_group(ws, session, group_id)
        formula = _check_plan(ws, session, group)
        drafts, skipped = _drafts(session, ws, group, formula, case_ids, now)
        labels = {c.id: f"{c.source_ticket} {c.complainant_name}".strip()
                  for c in session.scalars(select(Case).where(Case.id.in_(list(skipped))))}
        issued = []
        for draft in drafts:
            pdf = laid.get(draft.doc.content_sha256)
            if pdf is None:  # changed while the others were laid out
                [body] = render_agreements(None, [draft.data])
                pdf = (files.put_bytes(body), len(body))
            issued.append(_issue(session, ws, group, draft, pdf, now))
        if issued:
            audit.record(session, actor=ws.actor.login, entity="dispute_groups",
                         entity_id=group.id, action="agreements", changes={
                             "issued": [None, len(issued)],
                             "numbers": [None, f"{issued[0].number}—{issued[-1].number}"]},
                         office_id=group.office_id, at=now)
    ids = frozenset(a.case_id for a in issued)
    return AgreementRun(tuple(issued), skipped,
                        Changes(case_ids=ids, history=bool(ids)), labels)


def _no_context() -> None:
    return None


def _check_plan(ws: Workstation, session: Session, group: DisputeGroup) -> RefundFormula:
    if not may_draw_up(ws, group):
        raise GroupAgreementRefused(AgreementProblem.NOT_LEAD)
    formula = formula_of(group)
    if formula is None:
        raise GroupAgreementRefused(AgreementProblem.NO_PLAN)
    prefix = group.agreement_prefix.strip()
    if not prefix:
        raise GroupAgreementRefused(AgreementProblem.NO_PREFIX)
    if len(prefix) > PREFIX_MAX:
        raise GroupAgreementRefused(AgreementProblem.PREFIX_TOO_LONG, str(PREFIX_MAX))
    # A number is unique in the office: two groups numbering with one prefix would not be.
    other = session.scalar(select(DisputeGroup.title).where(
        DisputeGroup.office_id == group.office_id, DisputeGroup.id != group.id,
        DisputeGroup.deleted.is_(False), DisputeGroup.agreement_prefix == prefix).limit(1))
    if other is not None:
        raise GroupAgreementRefused(AgreementProblem.PREFIX_TAKEN, other)
    return formula


def _members(session: Session, group: DisputeGroup) -> list[tuple[GroupMember, Case]]:
    """The group's live members, in the order their complaints came in."""
    return [(m, c) for m, c in session.execute(
        select(GroupMember, Case).join(Case, Case.id == GroupMember.case_id)
        .where(GroupMember.group_id == group.id, GroupMember.deleted.is_(False),
               Case.deleted.is_(False))
        .order_by(Case.received_at, Case.source_ticket))]


def _live_agreements(session: Session, group: DisputeGroup) -> set[uuid.UUID]:
    """Members' cases holding a live (not void) agreement of this group."""
    return set(session.scalars(
        select(Document.case_id).join(GroupMember, GroupMember.case_id == Document.case_id)
        .where(GroupMember.group_id == group.id, GroupMember.deleted.is_(False),
               Document.kind == DocumentKind.AGREEMENT.value, Document.deleted.is_(False),
               Document.state != DocumentState.VOID.value,
               Document.number.startswith(group.agreement_prefix.strip(),
                                          autoescape=True))))


def _next_number(session: Session, group: DisputeGroup, prefix: str) -> int:
    """After the highest number the office has given with the group's prefix, void ones
    included: a number is never issued twice."""
    highest = 0
    for number in session.scalars(select(Document.number).where(
            Document.office_id == group.office_id,
            Document.kind == DocumentKind.AGREEMENT.value,
            Document.number.startswith(prefix, autoescape=True))):
        tail = number[len(prefix):]
        if tail.isdigit():
            highest = max(highest, int(tail))
    return highest + 1


def _drafts(session: Session, ws: Workstation, group: DisputeGroup, formula: RefundFormula,
            case_ids: Sequence[uuid.UUID] | None, now: datetime
            ) -> tuple[list[_Draft], dict[uuid.UUID, MemberSkip]]:
    prefix = group.agreement_prefix.strip()
    everyone = _members(session, group)
    wanted = None if case_ids is None else set(case_ids)
    holding = _live_agreements(session, group)
    lead = session.get(Mediator, group.lead_mediator_id) if group.lead_mediator_id else None
    chosen: list[tuple[GroupMember, Case, dict]] = []
    skipped: dict[uuid.UUID, MemberSkip] = {}
    for member, case in everyone:
        if wanted is not None and case.id not in wanted:
            continue
        why = _skip(member, case, holding)
        if why is None:
            fields = _fields(session, ws, group, formula, member, case, lead)
            if not any(p.get("role") == PartyRole.APPLICANT for p in fields["parties"]):
                why = MemberSkip.NO_COMPLAINANT
            elif missing_fields(DocumentKind.AGREEMENT, fields, case.track):
                why = MemberSkip.MISSING_FIELDS
        if why is not None:
            skipped[case.id] = why
            continue
        chosen.append((member, case, fields))
    numbers = agreement_numbers(prefix, _next_number(session, group, prefix), len(chosen),
                                width=NUMBER_WIDTH)
    drafts = []
    for (member, case, fields), number in zip(chosen, numbers, strict=True):
        doc = Document(id=new_id(), version=1, modified_at=now, modified_by=ws.actor.login,
                       deleted=False, case_id=case.id, office_id=case.office_id,
                       kind=DocumentKind.AGREEMENT.value, number=number, fields=fields,
                       state=DocumentState.FINAL.value, pdf_sha256="", version_no=1,
                       finalized_at=now)
        doc.content_sha256 = documents.content_hash_of(doc)
        drafts.append(_Draft(member, case, doc, documents.agreement_data(session, ws, doc)))
    return drafts, skipped


def _skip(member: GroupMember, case: Case, holding: set[uuid.UUID]) -> MemberSkip | None:
    if member.individual:
        return MemberSkip.INDIVIDUAL
    if case.id in holding:
        return MemberSkip.HAS_AGREEMENT
    if case.status not in _MEDIATED:
        return MemberSkip.NOT_IN_MEDIATION
    if member.agreed_fen is None or member.agreed_fen <= 0:
        return MemberSkip.NO_AMOUNT
    return None


def _fields(session: Session, ws: Workstation, group: DisputeGroup, formula: RefundFormula,
            member: GroupMember, case: Case, lead: Mediator | None) -> dict:
    """The member's agreement as a mediator would have filled the form: the case's
    parties (the business added when the work order named none), the group's
    undertaking, the member's refund by the formula, the usual closing clauses."""
    fields = documents.default_fields(session, case, DocumentKind.AGREEMENT)
    parties = [p for p in fields["parties"] if p.get("role") in _SIGNING]
    applicants = [p for p in parties if p.get("role") == PartyRole.APPLICANT]
    respondents = [p for p in parties if p.get("role") == PartyRole.RESPONDENT]
    if not respondents and group.respondent_name:
        respondents = [{"role": PartyRole.RESPONDENT.value, "name": group.respondent_name,
                        "business": True,
                        "id_type": IdType.USCC.value if group.respondent_uscc else "",
                        "id_number": group.respondent_uscc}]
    payer = respondents[0]["name"] if respondents else group.respondent_name
    payee = "、".join(p.get("name", "") for p in applicants)
    due = member.due_on or group.refund_due_on
    deadline = documents.date_in_figures(due) if due else ""
    amount = from_fen(member.agreed_fen)
    clauses: list = []
    if group.undertaking.strip():
        clauses.append(group.undertaking.strip())
    clauses.append(stored_clause(AgreedClause(wording.group_refund_clause(
        formula.basis, payer=payer, payee=payee, deadline=deadline,
        unused_sessions=member.unused_sessions, unit_price_fen=formula.unit_price_fen,
        balance_fen=member.prepaid_balance_fen, share_percent=formula.share_percent),
        amount)))
    clauses.append(wording.clause("default", payer=payer, payee=payee))
    clauses.append(wording.clause("settled"))
    kept = fields["copies"] - sum(1 for p in fields["parties"]
                                  if p.get("role") in _SIGNING)
    fields.update(
        parties=applicants + respondents, clauses=clauses,
        facts=case.description.strip() or group.title,
        disputes=case.request.strip() or wording.group_dispute(payer),
        performance=wording.group_performance(payer, payee, deadline),
        mediator=lead.name if lead else fields.get("mediator") or ws.actor.name,
        copies=len(applicants) + len(respondents) + max(kept, 0),
        group={"id": group.id.hex, "title": group.title})
    return fields


def _issue(session: Session, ws: Workstation, group: DisputeGroup, draft: _Draft,
           pdf: tuple[str, int], now: datetime) -> IssuedAgreement:
    """``pdf``: the laid-out PDF's hash in the blob store and its size."""
    doc, member = draft.doc, draft.member
    session.add(doc)
    documents.file_issued_pdf(session, ws, doc, *pdf, now)
    member.agreement_number = doc.number
    touch(ws, member)
    audit.record(session, actor=ws.actor.login, entity="documents", entity_id=doc.id,
                 action="finalize", changes={
                     "number": [None, doc.number], "pdf_sha256": [None, doc.pdf_sha256],
                     "group": [None, group.title]},
                 case_id=doc.case_id, office_id=doc.office_id, at=now)
    return IssuedAgreement(draft.case.id, doc.id, doc.number,
                           ", ".join(p.name for p in draft.data.parties
                                     if not p.is_business) or draft.case.complainant_name,
                           member.agreed_fen or 0, draft.data.copies)


# ---------------------------------------------------------------- lifecycle hooks
# (services/documents.py calls these for every agreement; a group's carries "group")


def before_final(session: Session, ws: Workstation, doc: Document) -> None:
    """Nothing to check: a group's agreements are issued final by ``draw_up``."""


def after_final(session: Session, ws: Workstation, doc: Document, now: datetime) -> None:
    """Nothing to do: see ``before_final``."""


def after_void(session: Session, ws: Workstation, doc: Document, now: datetime) -> None:
    """A member's group agreement withdrawn: the member holds no agreement of the group
    any more (a new one may be drawn up, with a new number, or the member may go their
    own way); the number stays taken."""
    group = (doc.fields or {}).get("group")
    if not isinstance(group, dict) or not group.get("id"):
        return
    member = session.scalar(select(GroupMember).where(
        GroupMember.group_id == uuid.UUID(group["id"]), GroupMember.case_id == doc.case_id,
        GroupMember.deleted.is_(False)))
    if member is None or member.agreement_number != doc.number:
        return
    changes = audit.apply_changes(member, {"agreement_number": ""})
    touch(ws, member)
    audit.record(session, actor=ws.actor.login, entity="group_members", entity_id=member.id,
                 action="agreement_void", changes=changes, case_id=doc.case_id,
                 office_id=doc.office_id, at=now)


# ---------------------------------------------------------------- printing


@dataclass(frozen=True)
class PrintItem:
    """One member's issued agreement in the print job: its PDF and how many copies."""

    case_id: uuid.UUID
    number: str
    copies: int
    pdf: bytes


def issued_agreements(ws: Workstation, group_id: uuid.UUID) -> list[IssuedAgreement]:
    """The group's live agreements (final or signed), in number order."""
    with ws.store.unit_of_work() as session:
        group = load_group(ws, session, group_id)
        rows = session.execute(
            select(Document, GroupMember.agreed_fen, Case.complainant_name)
            .join(GroupMember, GroupMember.case_id == Document.case_id)
            .join(Case, Case.id == Document.case_id)
            .where(GroupMember.group_id == group.id, GroupMember.deleted.is_(False),
                   Document.kind == DocumentKind.AGREEMENT.value, Document.deleted.is_(False),
                   Document.state.in_((DocumentState.FINAL.value, DocumentState.SIGNED.value)),
                   Document.number.startswith(group.agreement_prefix.strip() or "\0",
                                              autoescape=True))
            .order_by(Document.number))
        return [IssuedAgreement(doc.case_id, doc.id, doc.number, name, agreed or 0,
                                int((doc.fields or {}).get("copies") or 1))
                for doc, agreed, name in rows]


def print_items(ws: Workstation, group_id: uuid.UUID, *,
                cancelled: Callable[[], bool] | None = None) -> Iterator[PrintItem]:
    """The issued PDFs one at a time (the stored bytes, checked against their hash), so a
    print job of thousands never holds them all."""
    for agreement in issued_agreements(ws, group_id):
        if cancelled is not None and cancelled():
            return
        yield PrintItem(agreement.case_id, agreement.number, agreement.copies,
                        documents.render(ws, agreement.document_id))


def write_print_job(ws: Workstation, group_id: uuid.UUID, path: Path, *,
                    progress: Callable[[int, int], None] | None = None,
                    cancelled: Callable[[], bool] | None = None) -> int:
    """The whole print job as one PDF file (for a print shop, or a printer that takes
    files): each member's agreement as many times as it has copies, collated. Returns
    the pages written; the file appears whole or not at all."""
    agreements = issued_agreements(ws, group_id)

    def sources() -> Iterator[tuple[bytes, int]]:
        for n, agreement in enumerate(agreements):
            if cancelled is not None and cancelled():
                raise GroupAgreementRefused(AgreementProblem.CANCELLED)
            yield documents.render(ws, agreement.document_id), max(1, agreement.copies)
            if progress is not None:
                progress(n + 1, len(agreements))

    with replaced_whole(path) as partial, partial.open("wb") as out:
        pages = join_pdfs(sources(), out)
    # Every member's particulars leave the store in one file: recorded like the refund
    # list (who, when, how many), and no file stands unless it is recorded.
    try:
        with ws.store.unit_of_work() as session:
            audit.record(session, actor=ws.actor.login, entity="dispute_groups",
                         entity_id=group_id, action="export:agreements",
                         changes=audit.created({"agreements": len(agreements), "pages": pages,
                                                "file": path.name}),
                         office_id=ws.actor.office_id, at=ws.now())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return pages


def specimen(ws: Workstation, group_id: uuid.UUID) -> bytes:
    """The group agreement as a draft (草稿) for the first member who would get one: what
    every member's will say, before any is issued."""
    with ws.store.unit_of_work() as session:
        group = load_group(ws, session, group_id)
        formula = _check_plan(ws, session, group)
        drafts, skipped = _drafts(session, ws, group, formula, None, ws.now())
        if not drafts:
            raise GroupAgreementRefused(AgreementProblem.NO_MEMBER, ", ".join(
                sorted({why.value for why in skipped.values()})))
        data = drafts[0].data
        session.expunge_all()  # nothing made here is kept
    draft_header = replace(data.header, draft=True, verification=None)
    [pdf] = render_agreements(None, [replace(data, header=draft_header)])
    return pdf
