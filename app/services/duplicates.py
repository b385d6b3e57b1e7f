"""Probable duplicates of a work order being taken (重复投诉 / 多头投诉).

Before intake saves, the dialog asks here: the same source ticket (one hotline work order
registered twice), or the same complainant phone against the same business within 30
days of receipt (the same dispute reaching the office by several channels). The user can
then link the new case to the old one (``IntakeForm.link_to``) instead of a second file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from sqlalchemy import or_, select

from app.core.parties import IdType
from app.core.validation import check_phone
from app.services.context import Workstation
from app.services.dto import CaseSummary, IntakeForm
from app.services.queue import _summary
from app.store.models import Case, Mediator

DUPLICATE_WINDOW = timedelta(days=30)
MAX_CANDIDATES = 20


class DuplicateReason(StrEnum):
    SAME_TICKET = "same_ticket"  # 同一工单号
    SAME_PHONE_AND_BUSINESS = "same_phone_and_business"  # 同一投诉人电话、同一被投诉方


@dataclass(frozen=True)
class DuplicateCandidate:
    case: CaseSummary
    reasons: tuple[DuplicateReason, ...]


def _normalized_phone(raw: str) -> str:
    checked = check_phone(raw)
    return checked.normalized if checked.valid else raw.strip()


def find_probable_duplicates(ws: Workstation, form: IntakeForm) -> list[DuplicateCandidate]:
    """Existing live cases that look like the work order in ``form``, newest first."""
    ticket = form.source_ticket.strip()
    phone = _normalized_phone(form.complainant.phone) if form.complainant.phone else ""
    business = " ".join(form.respondent.name.split()) if form.respondent else ""
    credit_code = (form.respondent.id_number.strip().upper()
                   if form.respondent and form.respondent.id_type == IdType.USCC else "")
    conditions = []
    if ticket:
        conditions.append(Case.source_ticket == ticket)
    if phone and (business or credit_code):
        # The same business: by its credit code when both have one, else by name.
        same_business = [Case.respondent_name == business] if business else []
        if credit_code:
            same_business.append(Case.respondent_uscc == credit_code)
        conditions.append(
            (Case.complainant_phone == phone)
            & or_(*same_business)
            & (Case.received_at >= form.received_at - DUPLICATE_WINDOW)
            & (Case.received_at <= form.received_at + DUPLICATE_WINDOW)
        )
    if not conditions:
        return []
    query = (
        select(Case, Mediator.name)
        .outerjoin(Mediator, Mediator.id == Case.mediator_id)
        .where(Case.deleted.is_(False), or_(*conditions))
        .order_by(Case.received_at.desc())
        .limit(MAX_CANDIDATES)
    )
    found = []
    with ws.store.unit_of_work() as session:
        for case, mediator_name in session.execute(query):
            reasons = []
            if ticket and case.source_ticket == ticket:
                reasons.append(DuplicateReason.SAME_TICKET)
            if phone and case.complainant_phone == phone and (
                    (business and case.respondent_name == business)
                    or (credit_code and case.respondent_uscc == credit_code)):
                reasons.append(DuplicateReason.SAME_PHONE_AND_BUSINESS)
            found.append(DuplicateCandidate(_summary(case, mediator_name or ""), tuple(reasons)))
    return found
