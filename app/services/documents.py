"""Documents (文书) of a case: drafts filled from the case, the builders' data, and the
lifecycle draft → final (numbered, PDF hash and content hash stored, immutable) →
signed (date, scan) or void (keeps its number). A change after final is a new version.

The fields of a document are plain JSON the mediator edits (see ``default_fields``);
the builders' data is made from them at render time, with the office's committee and
number. Builders live in app/documents, one per kind (``BUILDERS``).
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.clauses import (
    AMOUNT_MARK,
    AgreedClause,
    amount_problems,
    clause_amounts,
    printed_clause,
    read_clause,
    stored_clause,
)
from app.core.deadlines import judicial_confirmation_deadline
from app.core.documents import (
    NUMBERED_KINDS,
    DocumentKind,
    DocumentState,
    content_hash,
    format_number,
    missing_fields,
)
from app.core.errors import UserFacingError
from app.core.ids import new_id
from app.core.parties import PartyRole, PartyType
from app.core.sessions import participants_from_json, statements_from_json
from app.core.timeutil import china_date
from app.core.workflow import RejectionGround, TerminationGround, Track
from app.documents import data as d
from app.documents import wording
from app.services import audit, cases, group_sessions, office_profile
from app.services import sync as sync_service
from app.services.context import Workstation
from app.services.dto import Changes
from app.services.errors import CaseNotFound
from app.services.reference import calendar
from app.store.blobs import BlobStore
from app.store.models import (
    Attachment,
    Case,
    Document,
    FollowUp,
    MediationSession,
    Mediator,
    Office,
    Party,
)
from app.sync import numbers


class DocumentProblem:
    NOT_FOUND = "not_found"
    NOT_DRAFT = "not_draft"  # final documents do not change: make a new version
    NOT_FINAL = "not_final"
    MISSING_FIELDS = "missing_fields"
    NO_NUMBER_LEFT = "no_number_left"  # linked and offline with every reserved number used
    NEGATIVE_AMOUNT = "negative_amount"
    NO_AGREEMENT = "no_agreement"
    # A final document whose fields no longer give the content hash it was finalised
    # with: altered behind the services' back, so it is not printed.
    CONTENT_MISMATCH = "content_mismatch"
    NOT_ON_TRACK = "not_on_track"  # e.g. a 口头协议 on a market-regulation complaint
    # A notice citing rules no administrator has verified: issued only on an explicit
    # confirmation, which is recorded (detail: the rule set's name).
    RULES_UNVERIFIED = "rules_unverified"
    # Figures and capitals that disagree, or an amount no clause names (detail: clause
    # numbers from 1; 0 for the 本协议所涉金额 line).
    AMOUNT_MISMATCH = "amount_mismatch"


class DocumentRefused(UserFacingError):
    def __init__(self, problem: str, detail: Any = None) -> None:
        self.problem = problem
        self.detail = detail
        super().__init__(f"document: {problem} {detail or ''}".strip())


@dataclass(frozen=True)
class DocumentView:
    id: uuid.UUID
    case_id: uuid.UUID
    kind: DocumentKind
    state: DocumentState
    number: str
    version_no: int
    supersedes_id: uuid.UUID | None
    fields: dict[str, Any]
    pdf_sha256: str
    content_sha256: str
    finalized_at: datetime | None
    signed_on: date | None
    confirmation_deadline: date | None  # 司法确认: the last day, once signed
    confirmation_provisional: bool  # that day depends on a year without its notice (暂定)
    track: Track  # whose law its paper follows: the case's
    void_reason: str
    missing: tuple[str, ...]  # required fields still empty (a draft)
    scan_attachment_id: uuid.UUID | None = None  # the signed paper's scan


# ---------------------------------------------------------------- the fields of a draft


def _age(birth: date | None, on: date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _party_fields(p: Party) -> dict[str, Any]:
    business = p.party_type == PartyType.BUSINESS
    return {"role": str(p.role), "name": p.name, "business": business,
            "sex": p.sex, "ethnicity": p.ethnicity,
            "birth_date": p.birth_date.isoformat() if p.birth_date else None,
            "occupation": p.occupation, "phone": p.phone,
            "address": p.address if business else p.employer or p.address,
            "id_type": p.id_type if business else "",
            "id_number": p.id_number if business else "",
            "representative": p.representative}


def default_fields(session: Session, case: Case, kind: DocumentKind, *,
                   ref: uuid.UUID | None = None) -> dict[str, Any]:
    """What a new draft of ``kind`` starts with, from the case."""
    parties = list(session.scalars(select(Party).where(
        Party.case_id == case.id, Party.deleted.is_(False)).order_by(Party.sort_order)))
    mediator = session.get(Mediator, case.mediator_id) if case.mediator_id else None
    mediator_name = mediator.name if mediator else ""
    applicant = next((p.name for p in parties if p.role == PartyRole.APPLICANT), "")
    respondent = next((p.name for p in parties if p.role == PartyRole.RESPONDENT), "")
    if kind in (DocumentKind.AGREEMENT, DocumentKind.ORAL_AGREEMENT):
        amount = Decimal(case.amount_claimed_fen) / 100 if case.amount_claimed_fen else None
        # The first clause follows the dispute (a refund, damages, the service done);
        # its amount is a value, typed once, printed with its capitals from it.
        key = wording.default_clause_key(case.category, case.issue_type, case.title)
        template = next(c for c in wording.CLAUSES if c.key == key)
        clauses: list = []
        if "amount" not in template.blanks or amount:
            text = wording.fill_clause(template, payer=respondent, payee=applicant,
                                       amount=AMOUNT_MARK)
            clauses.append(stored_clause(AgreedClause(text, amount if amount else None)))
        clauses.append(wording.clause("settled"))
        return {"parties": [_party_fields(p) for p in parties if p.role != PartyRole.REPORTER],
                "facts": case.description, "disputes": case.request, "responsibility": "",
                "clauses": clauses, "performance": "", "mediator": mediator_name,
                "recorder": "", "copies": sum(1 for p in parties if p.role in (
                    PartyRole.APPLICANT, PartyRole.RESPONDENT))
                + office_profile.document_settings(session, case.office_id).kept_copies}
    if kind in (DocumentKind.TERMINATION, DocumentKind.REJECTION):
        ground = case.termination_ground if kind is DocumentKind.TERMINATION \
            else case.rejection_ground
        # A bureau tells both sides of a termination (暂行办法 第二十一条第二款).
        both = kind is DocumentKind.TERMINATION and wording.for_track(case.track).notify_both
        addressee = "、".join(n for n in (applicant, respondent) if n) if both else applicant
        return {"addressee": addressee, "other": respondent, "applicant": applicant,
                "respondent": respondent, "ground": ground or "",
                "reason": case.status_reason, "mediator": mediator_name,
                "dispute": case.category or case.title}
    if kind is DocumentKind.SESSION_RECORD:
        if ref is None:
            ref = session.scalar(select(MediationSession.id).where(
                MediationSession.case_id == case.id, MediationSession.addendum_to.is_(None),
                MediationSession.deleted.is_(False))
                .order_by(MediationSession.started_at.desc()).limit(1))
        return {"session_id": ref.hex if ref else "", "recorder": mediator_name}
    if kind is DocumentKind.FOLLOW_UP:
        if ref is None:
            ref = session.scalar(select(FollowUp.id).where(FollowUp.case_id == case.id)
                                 .order_by(FollowUp.followed_at.desc()).limit(1))
        return {"follow_up_id": ref.hex if ref else ""}
    return {"retention": "长期", "remarks": ""}


# ---------------------------------------------------------------- lifecycle


def create_draft(ws: Workstation, case_id: uuid.UUID, kind: DocumentKind, *,
                 ref: uuid.UUID | None = None) -> tuple[uuid.UUID, Changes]:
    now = ws.now()
    with ws.store.unit_of_work() as session:
        case = _case(session, case_id)
        if kind is DocumentKind.ORAL_AGREEMENT and not wording.for_track(case.track).oral_agreement:
            raise DocumentRefused(DocumentProblem.NOT_ON_TRACK, kind.value)
        doc = Document(id=new_id(), version=1, modified_at=now, modified_by=ws.actor.login,
                       deleted=False, case_id=case.id, office_id=case.office_id,
                       kind=kind.value, number="", fields=default_fields(session, case, kind,
                                                                          ref=ref),
                       state=DocumentState.DRAFT.value, pdf_sha256="", version_no=1)
        session.add(doc)
        audit.record(session, actor=ws.actor.login, entity="documents", entity_id=doc.id,
                     action="create", changes={"kind": [None, kind.value]},
                     case_id=case.id, office_id=case.office_id, at=now)
        return doc.id, Changes(case_ids=frozenset({case.id}), history=True)


def update_draft(ws: Workstation, doc_id: uuid.UUID, fields: Mapping[str, Any]) -> Changes:
    now = ws.now()
    with ws.store.unit_of_work() as session:
        doc = _doc(session, doc_id)
        if doc.state != DocumentState.DRAFT:
            raise DocumentRefused(DocumentProblem.NOT_DRAFT, doc.number)
        merged = {**(doc.fields or {}), **fields}
        if merged != doc.fields:
            doc.fields = merged
            cases._touch(ws, doc, now)
        return Changes(case_ids=frozenset({doc.case_id}))


def discard_draft(ws: Workstation, doc_id: uuid.UUID) -> Changes:
    """A draft thrown away (a tombstone, so the other workstations drop it too)."""
    now = ws.now()
    with ws.store.unit_of_work() as session:
        doc = _doc(session, doc_id)
        if doc.state != DocumentState.DRAFT:
            raise DocumentRefused(DocumentProblem.NOT_DRAFT, doc.number)
        doc.deleted = True
        cases._touch(ws, doc, now)
        audit.record(session, actor=ws.actor.login, entity="documents", entity_id=doc.id,
                     action="discard", case_id=doc.case_id, office_id=doc.office_id, at=now)
        return Changes(case_ids=frozenset({doc.case_id}), history=True)


# The kinds that state a ground and its legal basis from the case's rule set.
RULE_CITING_KINDS = frozenset({DocumentKind.TERMINATION, DocumentKind.REJECTION})


def finalize(ws: Workstation, doc_id: uuid.UUID, *, files: BlobStore | None = None,
             rules_unverified_ack: bool = False) -> Changes:
    """Final: required fields checked, numbered (offline too), rendered with its number
    and content hash, the PDF kept by hash; from now on it never changes."""
    now = ws.now()
    standalone = not sync_service.is_linked(ws.store)  # a local counter, else the blocks
    with ws.store.unit_of_work() as session:
        doc = _doc(session, doc_id)
        if doc.state != DocumentState.DRAFT:
            raise DocumentRefused(DocumentProblem.NOT_DRAFT, doc.number)
        kind = DocumentKind(doc.kind)
        missing = missing_fields(kind, doc.fields or {}, _track(session, doc))
        if missing:
            raise DocumentRefused(DocumentProblem.MISSING_FIELDS, missing)
        if kind in (DocumentKind.AGREEMENT, DocumentKind.ORAL_AGREEMENT):
            fields = doc.fields or {}
            wrong = amount_problems(fields.get("clauses", []), fields.get("amounts", []))
            if wrong:  # figures and capitals must say one sum before anyone signs
                raise DocumentRefused(DocumentProblem.AMOUNT_MISMATCH, wrong)
        unverified = None
        if kind in RULE_CITING_KINDS:
            rules = cases.case_rule_set(ws, session, _case(session, doc.case_id))
            if rules is not None and not rules.confirmed:
                if not rules_unverified_ack:
                    raise DocumentRefused(DocumentProblem.RULES_UNVERIFIED, rules.name)
                unverified = rules.code
        hooks = _lifecycle().get(kind)
        if hooks is not None:
            hooks.before_final(session, ws, doc)
        office = session.get(Office, doc.office_id)
        if kind in NUMBERED_KINDS:
            year = china_date(now).year
            try:
                seq = numbers.take_number(session.connection(), doc.office_id, year,
                                          standalone=standalone)
            except numbers.NoNumberLeft as exc:
                raise DocumentRefused(DocumentProblem.NO_NUMBER_LEFT, year) from exc
            doc.number = format_number(office.number_prefix or "调", year, seq)
            doc.number_year, doc.number_seq = year, seq
        elif kind is DocumentKind.FOLLOW_UP:
            doc.number = _agreement_number(session, doc.case_id)
        doc.content_sha256 = _content_hash(doc)
        pdf = _render(session, ws, doc, final=True)
        file_issued_pdf(session, ws, doc, (files or _files(ws)).put_bytes(pdf), len(pdf), now)
        doc.state = DocumentState.FINAL.value
        doc.finalized_at = now
        cases._touch(ws, doc, now)
        if hooks is not None:
            hooks.after_final(session, ws, doc, now)
        audit.record(session, actor=ws.actor.login, entity="documents", entity_id=doc.id,
                     action="finalize", changes={
                         "number": [None, doc.number], "pdf_sha256": [None, doc.pdf_sha256],
                         # issued on the mediator's word although the rules are unverified
                         **({"rules_unverified": [None, unverified]} if unverified else {})},
                     case_id=doc.case_id, office_id=doc.office_id, at=now)
        return Changes(case_ids=frozenset({doc.case_id}), history=True)


def file_issued_pdf(session: Session, ws: Workstation, doc: Document, sha256: str,
                    size: int, now: datetime) -> None:
    """The issued PDF (kept by its hash in the blob store) named on the document; it
    joins the case file as an attachment, so it travels to the other workstations (and
    the dossier) like any file of the case."""
    doc.pdf_sha256 = sha256
    session.add(Attachment(
        id=new_id(), version=1, modified_at=now, modified_by=ws.actor.login,
        deleted=False, case_id=doc.case_id, sha256=doc.pdf_sha256,
        filename=f"{wording.title(DocumentKind(doc.kind), _track(session, doc))}"
                 f"{doc.number or f'（第{doc.version_no}版）'}.pdf",
        mime_type="application/pdf", size=size, created_at=now,
        author=ws.actor.login, description="文书定稿"))


def agreement_data(session: Session, ws: Workstation, doc: Document) -> d.AgreementData:
    """What the agreement builder is given for ``doc`` as issued (final: its number and
    verification code), whether or not ``doc`` is in the session yet."""
    return _agreement_data(session, ws, doc, _header(session, doc, final=True))


def content_hash_of(doc: Document) -> str:
    return _content_hash(doc)


def sign(ws: Workstation, doc_id: uuid.UUID, signed_on: date, *,
         scan_attachment_id: uuid.UUID | None = None) -> Changes:
    now = ws.now()
    with ws.store.unit_of_work() as session:
        doc = _doc(session, doc_id)
        if doc.state != DocumentState.FINAL:
            raise DocumentRefused(DocumentProblem.NOT_FINAL, doc.state)
        doc.state = DocumentState.SIGNED.value
        doc.signed_on = signed_on
        doc.scan_attachment_id = scan_attachment_id
        cases._touch(ws, doc, now)
        case = session.get(Case, doc.case_id)
        if doc.kind == DocumentKind.AGREEMENT and _confirmable(session, case):
            # The queue's 司法确认 view reminds of the window from now on.
            case.confirmation_due_on = judicial_confirmation_deadline(
                signed_on, calendar(ws, session)).due
            cases._touch(ws, case, now)
        audit.record(session, actor=ws.actor.login, entity="documents", entity_id=doc.id,
                     action="sign", changes={"signed_on": [None, signed_on.isoformat()]},
                     case_id=doc.case_id, office_id=doc.office_id, at=now)
        return Changes(case_ids=frozenset({doc.case_id}), history=True)


def void(ws: Workstation, doc_id: uuid.UUID, reason: str) -> Changes:
    """Withdrawn: stays readable and keeps its number, which is never issued again."""
    now = ws.now()
    with ws.store.unit_of_work() as session:
        doc = _doc(session, doc_id)
        if doc.state == DocumentState.VOID:
            return Changes(case_ids=frozenset({doc.case_id}))
        before = doc.state
        doc.state = DocumentState.VOID.value
        doc.void_reason = reason.strip()
        cases._touch(ws, doc, now)
        hooks = _lifecycle().get(DocumentKind(doc.kind))
        if hooks is not None:
            hooks.after_void(session, ws, doc, now)
        if before == DocumentState.SIGNED and doc.kind == DocumentKind.AGREEMENT:
            case = session.get(Case, doc.case_id)
            case.confirmation_due_on = None  # nothing left to confirm
            cases._touch(ws, case, now)
        audit.record(session, actor=ws.actor.login, entity="documents", entity_id=doc.id,
                     action="void", changes={"state": [before, "void"]}, reason=reason,
                     case_id=doc.case_id, office_id=doc.office_id, at=now)
        return Changes(case_ids=frozenset({doc.case_id}), history=True)


def new_version(ws: Workstation, doc_id: uuid.UUID) -> tuple[uuid.UUID, Changes]:
    """A draft copy of a final document to change; the old one stays as it was."""
    now = ws.now()
    with ws.store.unit_of_work() as session:
        old = _doc(session, doc_id)
        if old.state == DocumentState.DRAFT:
            raise DocumentRefused(DocumentProblem.NOT_FINAL, old.state)
        doc = Document(id=new_id(), version=1, modified_at=now, modified_by=ws.actor.login,
                       deleted=False, case_id=old.case_id, office_id=old.office_id,
                       kind=old.kind, number="", fields=dict(old.fields or {}),
                       state=DocumentState.DRAFT.value, pdf_sha256="",
                       version_no=old.version_no + 1, supersedes_id=old.id)
        session.add(doc)
        audit.record(session, actor=ws.actor.login, entity="documents", entity_id=doc.id,
                     action="new_version", changes={"version_no": [None, doc.version_no]},
                     case_id=old.case_id, office_id=old.office_id, at=now)
        return doc.id, Changes(case_ids=frozenset({old.case_id}), history=True)


# ---------------------------------------------------------------- reading and rendering


def list_documents(ws: Workstation, case_id: uuid.UUID) -> list[DocumentView]:
    with ws.store.unit_of_work() as session:
        rows = session.scalars(select(Document).where(
            Document.case_id == case_id, Document.deleted.is_(False))
            .order_by(Document.modified_at))
        cal = calendar(ws, session)
        case = _case(session, case_id)
        confirmable = _confirmable(session, case)
        return [_view(r, cal, case.track, confirmable) for r in rows]


def get_document(ws: Workstation, doc_id: uuid.UUID) -> DocumentView:
    with ws.store.unit_of_work() as session:
        doc = _doc(session, doc_id)
        case = _case(session, doc.case_id)
        return _view(doc, calendar(ws, session), case.track, _confirmable(session, case))


def _confirmable(session: Session, case: Case) -> bool:
    return office_profile.may_confirm_judicially(
        case.track, office_profile.document_settings(session, case.office_id))


def render(ws: Workstation, doc_id: uuid.UUID) -> bytes:
    """The PDF: a final document's stored bytes (checked), a draft rendered now."""
    with ws.store.unit_of_work() as session:
        return _pdf(session, ws, _doc(session, doc_id))


def _pdf(session: Session, ws: Workstation, doc: Document) -> bytes:
    if doc.state == DocumentState.DRAFT:
        return _render(session, ws, doc, final=False)
    if doc.pdf_sha256:
        files = _files(ws)
        if files.has(doc.pdf_sha256):
            return files.read(doc.pdf_sha256)  # read() checks the bytes against the hash
    return _render_final(session, ws, doc)


def _render_final(session: Session, ws: Workstation, doc: Document) -> bytes:
    """A final document's PDF made again from its frozen fields: one issued on another
    workstation whose file has not arrived, or one that never had a file (the demo
    generator's documents: pdf_sha256 empty, rendered when first opened, each time; the
    immutability trigger keeps a hash from being added later). The fields must still give
    the content hash recorded at finalisation, which the printed QR code carries, so an
    altered row is refused rather than printed as final. Dates print as of finalisation."""
    if doc.content_sha256 and doc.content_sha256 != _content_hash(doc):
        raise DocumentRefused(DocumentProblem.CONTENT_MISMATCH, doc.number)
    return _render(session, ws, doc, final=True)


def _content_hash(doc: Document) -> str:
    return content_hash({"kind": doc.kind, "number": doc.number, "fields": doc.fields})


def render_for_case(ws: Workstation, case_id: uuid.UUID, kind: DocumentKind) -> bytes:
    """The case's newest document of ``kind``, or (none yet) a draft made from the case
    and not kept: what `mediation-desk render` prints."""
    with ws.store.unit_of_work() as session:
        case = _case(session, case_id)
        doc = session.scalar(select(Document).where(
            Document.case_id == case_id, Document.kind == kind.value,
            Document.deleted.is_(False)).order_by(Document.version_no.desc(),
                                                  Document.modified_at.desc()).limit(1))
        if doc is None:
            doc = Document(id=new_id(), case_id=case.id, office_id=case.office_id,
                           kind=kind.value, number="", state=DocumentState.DRAFT.value,
                           fields=default_fields(session, case, kind), version_no=1)
        missing = missing_fields(kind, doc.fields or {}, case.track)
        if missing and kind is not DocumentKind.DOSSIER:
            raise DocumentRefused(DocumentProblem.MISSING_FIELDS, missing)
        pdf = _pdf(session, ws, doc)
        session.expunge_all()  # a draft made here is not kept
        return pdf


# ---------------------------------------------------------------- builders' data


def _header(session: Session, doc: Document, *, final: bool) -> d.Header:
    office = session.get(Office, doc.office_id)
    finish = office_profile.document_settings(session, office.id)
    track = _track(session, doc)
    # A bureau's paper is issued in its own name; people's mediation in the committee's.
    issuer = office.name if track is Track.MARKET_COMPLAINT else office.committee_name
    committee = d.Committee(issuer or office.name or office.committee_name,
                            office.number_prefix, finish.seal_text)
    verification = d.Verification(doc.number, doc.content_sha256) \
        if final and doc.content_sha256 else None
    return d.Header(committee, track, number=doc.number, draft=not final,
                    verification=verification, version_no=doc.version_no)


def _track(session: Session, doc: Document) -> Track:
    case = session.get(Case, doc.case_id)
    try:
        return Track(case.track)
    except ValueError:
        return Track.PEOPLES_MEDIATION


_ROLE_ORDER = {role: n for n, role in enumerate(PartyRole)}


def _grouped(parties: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Parties by role (申请人 together, then 被申请人 …), each role in its own order."""
    def rank(p: Mapping[str, Any]) -> int:
        try:
            return _ROLE_ORDER[PartyRole(p.get("role"))]
        except ValueError:
            return len(_ROLE_ORDER)
    return sorted(parties, key=rank)


def _party_block(p: Mapping[str, Any], on: date, track: Track) -> d.PartyBlock:
    birth = p.get("birth_date")
    return d.PartyBlock(
        role=wording.role(track, p.get("role", "")), name=p.get("name", ""),
        is_business=bool(p.get("business")),
        sex=wording.sex(p.get("sex")),
        ethnicity=p.get("ethnicity") or "",
        age=_age(date.fromisoformat(birth), on) if birth else None,
        occupation=p.get("occupation") or "", contact=p.get("phone") or "",
        address=p.get("address") or "",
        id_label=wording.ID_LABELS.get(p.get("id_type") or "", ""),
        id_number=p.get("id_number") or "", representative=p.get("representative") or "")


def _signatories(parties: list[d.PartyBlock], mediator: str, recorder: str, track: Track
                 ) -> tuple[d.Signatory, ...]:
    """Each party as its track signs (a business: seal and representative), the mediator
    and the recorder."""
    from app.documents.agreement import party_signatories  # reportlab behind it

    words = wording.for_track(track)
    return (*party_signatories(parties, track), d.Signatory(words.mediator, mediator),
            d.Signatory(words.recorder, recorder))


def _agreement_data(session: Session, ws: Workstation, doc: Document, header: d.Header
                    ) -> d.AgreementData:
    f = doc.fields or {}
    on = doc.signed_on or _issued_on(ws, doc)  # the parties' ages as of then
    track = header.track
    parties = [_party_block(p, on, track) for p in _grouped(f.get("parties", []))]
    stored = list(f.get("clauses", []))
    # Amounts are the clauses' own values; a draft from before kept them in a list.
    amounts = tuple(clause_amounts(stored)) or tuple(Decimal(str(a))
                                                     for a in f.get("amounts", []))
    if any(a < 0 for a in amounts):
        raise DocumentRefused(DocumentProblem.NEGATIVE_AMOUNT, [str(a) for a in amounts if a < 0])
    return d.AgreementData(
        header=header, parties=tuple(parties), facts=f.get("facts", ""),
        disputes=f.get("disputes", ""), responsibility=f.get("responsibility", ""),
        clauses=tuple(t for t in (printed_clause(read_clause(c)) for c in stored) if t.strip()),
        performance=f.get("performance", ""), copies=int(f.get("copies") or len(parties) + 1),
        signatories=_signatories(parties, f.get("mediator", ""), f.get("recorder", ""), track),
        mediator=f.get("mediator", ""), recorder=f.get("recorder", ""),
        signed_on=doc.signed_on, amounts=amounts,
        confirmable=_confirmable(session, session.get(Case, doc.case_id)))


def _session_record_data(session: Session, ws: Workstation, doc: Document, header: d.Header
                         ) -> d.SessionRecordData:
    f = doc.fields or {}
    record = session.get(MediationSession, uuid.UUID(f["session_id"]))
    if record is None:
        raise DocumentRefused(DocumentProblem.NOT_FOUND, f["session_id"])
    case = session.get(Case, doc.case_id)
    started = record.started_at.astimezone(_china())
    ended = record.ended_at.astimezone(_china()) if record.ended_at else None
    when = f"{date_in_figures(started)} {started:%H:%M}" + (f"—{ended:%H:%M}" if ended else "")
    addenda = session.scalars(select(MediationSession).where(
        MediationSession.addendum_to == record.id).order_by(MediationSession.started_at))
    track = header.track
    parties = [_party_block(p, china_date(ws.now()), track) for p in _grouped(
        _party_fields(p) for p in session.scalars(
            select(Party).where(Party.case_id == case.id, Party.deleted.is_(False))
            .order_by(Party.sort_order)))]
    participants = participants_from_json(record.participants)
    return d.SessionRecordData(
        header=header, started=when, place=record.place, mode=record.mode,
        cause=case.title or case.category, participants=tuple(
            f"{p.name}（{wording.role(track, p.role)}）" if p.role else p.name
            for p in participants),
        parties=tuple(parties),
        statements=tuple((s.name, s.text) for s in statements_from_json(record.statements)),
        evidence=record.evidence, proposals=record.proposals, responses=record.responses,
        result=wording.printed(wording.SESSION_RESULTS, record.result),
        addenda=tuple((f"补充说明（{date_in_figures(a.started_at.astimezone(_china()))}）",
                       a.addendum_text) for a in addenda),
        signatories=tuple(d.Signatory(f"{p.role}（签名）", p.name) for p in parties)
        + (d.Signatory(wording.for_track(track).mediator, f.get("recorder", "")),),
        recorder=f.get("recorder", ""),
        **_group_session_words(session, record))


def _group_session_words(session: Session, record: MediationSession) -> dict[str, str]:
    """A member's record of a group session: the group, how the member took part and
    their own position (nothing for an ordinary record)."""
    if record.group_session_id is None:
        return {}
    found = group_sessions.groups_of_sessions(session, [record.group_session_id])
    group = found.get(record.group_session_id)
    return {"group": group.group_title if group is not None else "",
            "attendance": wording.printed(wording.ATTENDANCE, record.attendance),
            "position": record.position or ""}


def _ground_words(ws: Workstation, session: Session, case: Case, enum, value) -> tuple[str, str]:
    """A ground's words and legal basis from the case's own rule set: the repealed
    暂行办法 never on a case received under 总局令第121号, and no basis where none is known."""
    try:
        ground = enum(value)
    except ValueError:
        return str(value or ""), ""
    rules = cases.case_rule_set(ws, session, case)
    found = rules.ground(ground) if rules is not None else None
    if found is not None:
        return found.text, found.basis
    return wording.ground_wording(ground).text, ""


def _notice_data(session: Session, ws: Workstation, doc: Document, header: d.Header
                 ) -> d.NoticeData:
    f = doc.fields or {}
    kind = DocumentKind(doc.kind)
    case = session.get(Case, doc.case_id)
    office = session.get(Office, doc.office_id)
    today = _issued_on(ws, doc)
    track = header.track
    words = wording.for_track(track)
    if kind in (DocumentKind.TERMINATION, DocumentKind.REJECTION):
        enum = TerminationGround if kind is DocumentKind.TERMINATION else RejectionGround
        ground_text, basis = _ground_words(ws, session, case, enum, f.get("ground"))
        reason = f.get("reason", "")
        # The termination says "…之间的{dispute}纠纷": a category such as 物业纠纷 says it already.
        dispute = str(f.get("dispute") or "").removesuffix("纠纷")
        who = _who_decides(case, office)
        signatories: tuple[d.Signatory, ...] = ()  # the issuing body's seal signs it
        if kind is DocumentKind.TERMINATION:
            title = wording.TERMINATION_TITLE
            accepted = _day(case.accepted_at or case.received_at)
            if words.notify_both:
                text = wording.TERMINATION_TEXT_BOTH.format(
                    applicant=f.get("applicant") or "投诉人",
                    respondent=f.get("respondent") or f.get("other") or "被投诉人",
                    dispute=dispute, who=who, ground=ground_text,
                    according=wording.according(basis), accepted=accepted)
                advice = wording.TERMINATION_ADVICE_BOTH
            else:
                text = wording.TERMINATION_TEXT.format(
                    other=f.get("other") or "对方", dispute=dispute, who=who,
                    ground=ground_text, according=wording.according(basis), accepted=accepted)
                advice = wording.TERMINATION_ADVICE
                signatories = (d.Signatory(words.mediator, f.get("mediator", "")),)
        else:
            title, advice = wording.REJECTION_TITLE, wording.REJECTION_ADVICE
            template = wording.REJECTION_TEXT if track is Track.MARKET_COMPLAINT \
                else wording.REJECTION_TEXT_PM
            text = template.format(received=_day(case.received_at), dispute=dispute,
                                   ground=ground_text, according=wording.according(basis))
        paragraphs = (text, *((reason,) if reason else ()), advice)
        return d.NoticeData(header=header, title=title, addressee=f"{f.get('addressee', '')}：",
                            paragraphs=paragraphs, signatories=signatories, dated=today)
    if kind is DocumentKind.ORAL_AGREEMENT:
        parties = [_party_block(p, today, track) for p in _grouped(f.get("parties", []))]
        rows = [(f"{p.role}", f"{p.name}　{p.contact}".strip()) for p in parties]
        rows += [("纠纷主要事实", f.get("facts", "")),
                 ("协议内容", "\n".join(f"{n}. {c}" for n, c in enumerate(
                     [t for t in (printed_clause(read_clause(c)) for c in f.get("clauses", []))
                      if t.strip()], 1))),
                 ("履行方式、时限", f.get("performance", ""))]
        return d.NoticeData(header=header, title=wording.ORAL_TITLE, rows=tuple(rows),
                            paragraphs=(wording.ORAL_NOTE,),
                            signatories=_signatories(parties, f.get("mediator", ""),
                                                     f.get("recorder", ""), track), dated=today)
    # 回访记录: the follow-up as recorded, under the agreement's number.
    follow = session.get(FollowUp, uuid.UUID(f["follow_up_id"]))
    if follow is None:
        raise DocumentRefused(DocumentProblem.NOT_FOUND, f["follow_up_id"])
    mediator = session.scalar(select(Mediator.name).where(Mediator.login == follow.by))
    names = "、".join(f"{wording.role(track, p.role)}{p.name}" for p in session.scalars(
        select(Party).where(Party.case_id == case.id, Party.deleted.is_(False),
                            Party.role.in_([PartyRole.APPLICANT, PartyRole.RESPONDENT]))
        .order_by(Party.role, Party.sort_order)))
    rows = ((f"{words.agreement_title}编号", doc.number or _agreement_number(session, doc.case_id)),
            ("当事人", names),
            ("回访事由", case.title or case.category),
            ("回访时间", f"{date_in_figures(follow.followed_at.astimezone(_china()))} "
                         f"{follow.followed_at.astimezone(_china()):%H:%M}"),
            ("回访方式", wording.printed(wording.FOLLOW_UP_METHODS, follow.method)),
            ("履行情况", wording.printed(wording.PERFORMANCE, follow.performance)),
            ("满意程度", wording.printed(wording.SATISFACTION, follow.satisfaction)),
            ("回访情况", follow.note))
    return d.NoticeData(header=header, title=words.follow_up_title, rows=rows,
                        # A login is not a name: an unnamed follower signs by hand.
                        signatories=(d.Signatory("回访人（签名）", mediator or ""),),
                        dated=china_date(follow.followed_at))


def _dossier_data(session: Session, ws: Workstation, doc: Document, header: d.Header
                  ) -> d.DossierData:
    """The case file: see app/services/dossier.py. Documents go in as issued."""
    from app.services import dossier

    files = _files(ws)

    def issued(row: Document) -> bytes:
        if row.pdf_sha256 and files.has(row.pdf_sha256):
            return files.read(row.pdf_sha256)
        return _render_final(session, ws, row)  # issued elsewhere and not downloaded yet

    return dossier.dossier_data(session, ws, doc, header, render_document=issued)


def _builders() -> dict[DocumentKind, tuple[Callable, Callable]]:
    """kind → (data maker, builder): the registry of document kinds."""
    from app.documents.agreement import build_agreement
    from app.documents.dossier import build_dossier
    from app.documents.notices import build_notice
    from app.documents.session_record import build_session_record

    return {
        DocumentKind.AGREEMENT: (_agreement_data, build_agreement),
        DocumentKind.SESSION_RECORD: (_session_record_data, build_session_record),
        DocumentKind.ORAL_AGREEMENT: (_notice_data, build_notice),
        DocumentKind.TERMINATION: (_notice_data, build_notice),
        DocumentKind.REJECTION: (_notice_data, build_notice),
        DocumentKind.FOLLOW_UP: (_notice_data, build_notice),
        DocumentKind.DOSSIER: (_dossier_data, build_dossier),
    }


def _lifecycle() -> dict[DocumentKind, Any]:
    """kind → its lifecycle hooks (``before_final``, ``after_final``, ``after_void``):
    the kinds whose finalising checks or changes more than the document itself."""
    from app.services import dossier, group_agreements

    return {DocumentKind.DOSSIER: dossier, DocumentKind.AGREEMENT: group_agreements}


def _render(session: Session, ws: Workstation, doc: Document, *, final: bool) -> bytes:
    make, build = _builders()[DocumentKind(doc.kind)]
    data = make(session, ws, doc, _header(session, doc, final=final))
    out = io.BytesIO()
    build(data, out)
    return out.getvalue()


# ---------------------------------------------------------------- helpers


def _case(session: Session, case_id: uuid.UUID) -> Case:
    case = session.get(Case, case_id)
    if case is None or case.deleted:
        raise CaseNotFound(case_id)
    return case


def _doc(session: Session, doc_id: uuid.UUID) -> Document:
    doc = session.get(Document, doc_id)
    if doc is None or doc.deleted:
        raise DocumentRefused(DocumentProblem.NOT_FOUND, doc_id)
    return doc


def _agreement_number(session: Session, case_id: uuid.UUID) -> str:
    return session.scalar(select(Document.number).where(
        Document.case_id == case_id, Document.kind == DocumentKind.AGREEMENT.value,
        Document.number != "", Document.state != DocumentState.VOID.value)
        .order_by(Document.version_no.desc()).limit(1)) or ""


def _files(ws: Workstation) -> BlobStore:
    return sync_service.files_of(ws.store)


def _china():
    from app.core.timeutil import CHINA_TZ

    return CHINA_TZ


def _issued_on(ws: Workstation, doc: Document) -> date:
    """The date a document speaks from: a final one's finalisation day (so rendering it
    again later prints the same date), a draft's today."""
    if doc.finalized_at is not None and doc.state != DocumentState.DRAFT:
        return china_date(doc.finalized_at)
    return china_date(ws.now())


def _day(dt: datetime | None) -> str:
    return date_in_figures(china_date(dt)) if dt else ""


def date_in_figures(d: date | datetime) -> str:
    """2026年3月2日: no leading zeros, as documents write a date in figures."""
    return f"{d.year}年{d.month}月{d.day}日"


def _who_decides(case: Case, office: Office) -> str:
    """本委员会 for people's mediation; the market-regulation office speaks as itself
    (本局 / 本所) on its own track: the wording follows the case's track (DOMAIN.md)."""
    if case.track == Track.PEOPLES_MEDIATION.value:
        return "本委员会"
    name = office.name or ""
    return "本局" if name.endswith("局") else "本所" if name.endswith("所") else "本机关"


def _view(doc: Document, cal, track: Track | str | None, confirmable: bool) -> DocumentView:
    kind = DocumentKind(doc.kind)
    deadline = None
    if (confirmable and doc.signed_on and kind is DocumentKind.AGREEMENT
            and doc.state == DocumentState.SIGNED):
        deadline = judicial_confirmation_deadline(doc.signed_on, cal)
    return DocumentView(
        id=doc.id, case_id=doc.case_id, kind=kind, state=DocumentState(doc.state),
        number=doc.number, version_no=doc.version_no, supersedes_id=doc.supersedes_id,
        fields=dict(doc.fields or {}), pdf_sha256=doc.pdf_sha256,
        content_sha256=doc.content_sha256, finalized_at=doc.finalized_at,
        signed_on=doc.signed_on, confirmation_deadline=deadline.due if deadline else None,
        confirmation_provisional=bool(deadline and deadline.provisional),
        track=Track(track) if track in set(Track) else Track.PEOPLES_MEDIATION,
        void_reason=doc.void_reason,
        scan_attachment_id=doc.scan_attachment_id,
        missing=tuple(missing_fields(kind, doc.fields or {}, track))
        if doc.state == DocumentState.DRAFT else ())
