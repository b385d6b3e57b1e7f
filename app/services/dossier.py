"""The 卷宗 of a case: what it holds, item by item in filing order (the plan), whether it
may be made final (归档), and the builder's data.

A dossier draft's ``fields`` hold what the mediator decides:

* ``missing_reasons``: {item: why it is missing} (the 目录 says 缺 and the reason);
* ``placement``: {file key: item, or "exclude"}: where a file of the case goes when its
  default (by its name, app/core/dossier.py ``default_item``) is wrong; a key is
  ``att:<hex>`` for an attachment, ``doc:<hex>`` for a session record;
* ``rights_notice``: {"on", "method", "by", "to"}: how the 权利义务告知书 was given;
* ``retention``, ``remarks`` (cover and 备考表).

Documents of the desk go in as issued (final or signed, not void, not replaced by a
newer final version); the 申请书 / 登记表 and the 权利义务告知书 are made from the case;
the case's files go in as pages when they are PDFs or pictures, decoded in the preview
worker (app/services/previews.py: a hostile file spends its own process's memory and
time), and are listed with the reason when they cannot be.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.documents import DocumentKind, DocumentState
from app.core.dossier import (
    EXCLUDED,
    PLACEABLE,
    DossierCheck,
    DossierItem,
    ItemState,
    check_dossier,
    default_item,
)
from app.core.errors import UserFacingError
from app.core.evidence import EvidenceKind, kind_of_mime
from app.core.filenames import display_name
from app.core.parties import PartyRole
from app.core.timeutil import china_date
from app.core.workflow import Outcome, Source, Track
from app.documents import data as d
from app.documents import wording
from app.documents.wording import ENCRYPTED, UNREADABLE
from app.services import cases, previews
from app.services.context import Workstation
from app.services.documents import (  # the agreement's own reading of a party
    DocumentProblem,
    DocumentRefused,
    _party_block,
    _party_fields,
    date_in_figures,
)
from app.services.errors import CaseNotFound
from app.services.sync import files_of
from app.store.blobs import BlobCorrupt
from app.store.models import (
    Attachment,
    AuditEvent,
    Case,
    Document,
    MediationSession,
    Mediator,
    Office,
    Party,
)

# 总局令第121号 in force (research §0): a complaint received before is under the 暂行办法.
ORDER_121_FROM = date(2026, 4, 15)
PICTURE_SIDE = 1800  # pixels: an A4 page at about 150 dpi
JPEG_QUALITY = 88

# Why a file is listed but not bound in (printed in the 目录 and the 备考表).
NOT_DOWNLOADED = "文件尚未同步到本机，未装订入卷"
TOO_COMPLEX = "文件过大或过于复杂，未装订入卷"
_NOUNS = {EvidenceKind.DOCUMENT: "文档", EvidenceKind.SPREADSHEET: "表格",
          EvidenceKind.PRESENTATION: "演示文稿", EvidenceKind.AUDIO: "录音",
          EvidenceKind.VIDEO: "录像", EvidenceKind.TEXT: "文本"}
NOT_PRINTABLE = "{noun}文件不能转为纸质页面，电子文件随案保存"

# How a case came in, as the intake form prints it.
CHANNELS = {
    Source.HOTLINE_12315: "全国12315平台", Source.HOTLINE_12345: "12345热线",
    Source.WALK_IN: "来访", Source.PHONE: "来电", Source.ONLINE: "网上",
    Source.TRANSFER: "转办",
}
# The parties' roles on each track's forms.
ROLES = {
    Track.PEOPLES_MEDIATION: {PartyRole.APPLICANT: "申请人", PartyRole.RESPONDENT: "被申请人",
                              PartyRole.AGENT: "代理人"},
    Track.MARKET_COMPLAINT: {PartyRole.APPLICANT: "投诉人", PartyRole.RESPONDENT: "被投诉人",
                             PartyRole.AGENT: "代理人"},
}
# What the 目录 calls an item (a document of the desk keeps its own title).
ITEM_TITLES = {
    DossierItem.IDENTITY: "当事人身份证明",
    DossierItem.POWER_OF_ATTORNEY: "授权委托书",
    DossierItem.INVESTIGATION: "调查记录",
    DossierItem.EVIDENCE: "证据材料",
    DossierItem.SESSION_RECORD: "调解记录",
    DossierItem.AGREEMENT: "调解协议书",
    DossierItem.TERMINATION: "终止调解告知书",
    DossierItem.RECEIPTS: "履行凭证",
    DossierItem.FOLLOW_UP: "回访记录",
    DossierItem.JUDICIAL: "司法确认有关材料",
    DossierItem.NOTE: wording.NOTE_TITLE,
}
_PM_TITLES = {DossierItem.INVESTIGATION: "人民调解调查记录",
              DossierItem.EVIDENCE: "人民调解证据材料",
              DossierItem.SESSION_RECORD: "人民调解记录",
              DossierItem.AGREEMENT: "人民调解协议书",
              DossierItem.FOLLOW_UP: "人民调解回访记录"}
_MC_TITLES = {DossierItem.AGREEMENT: "调解书"}

_ITEM_OF_KIND = {
    DocumentKind.SESSION_RECORD: DossierItem.SESSION_RECORD,
    DocumentKind.AGREEMENT: DossierItem.AGREEMENT,
    DocumentKind.ORAL_AGREEMENT: DossierItem.AGREEMENT,
    DocumentKind.TERMINATION: DossierItem.TERMINATION,
    DocumentKind.REJECTION: DossierItem.INTAKE,  # an intake decision, filed with it
    DocumentKind.FOLLOW_UP: DossierItem.FOLLOW_UP,
}
_DONE = (DocumentState.FINAL.value, DocumentState.SIGNED.value)


def item_title(item: DossierItem, track: Track) -> str:
    """The item as the 目录 names it on ``track``."""
    if item is DossierItem.INTAKE:
        return wording.intake_title(track)
    if item is DossierItem.RIGHTS_NOTICE:
        return wording.notice_title(track)
    own = _PM_TITLES if track is Track.PEOPLES_MEDIATION else _MC_TITLES
    return own.get(item, ITEM_TITLES[item])


class DossierIncomplete(UserFacingError):
    """归档 refused: required items missing without a reason (in filing order)."""

    def __init__(self, items: tuple[DossierItem, ...]) -> None:
        self.items = items
        super().__init__("dossier incomplete: " + ", ".join(i.value for i in items))


# ---------------------------------------------------------------- the plan


@dataclass(frozen=True)
class DossierFile:
    """A document or file of the case, and the item it goes in."""

    key: str  # doc:<hex> / att:<hex>
    title: str  # as the 目录 names it
    item: DossierItem | None  # None: kept out of the dossier
    default: DossierItem  # where it goes unless placed elsewhere
    movable: bool  # the mediator may place it elsewhere (files, session records)
    note: str = ""  # 备注: the number of a document, the date of a record
    name: str = ""  # the file's own name or description (a document: its title)
    kind: EvidenceKind | None = None  # an attachment's kind (None: a document)
    doc_id: uuid.UUID | None = None
    attachment_id: uuid.UUID | None = None


@dataclass(frozen=True)
class DossierPlan:
    case_id: uuid.UUID
    track: Track
    outcome: Outcome | None
    mediated: bool
    files: tuple[DossierFile, ...]
    check: DossierCheck
    drafts: frozenset[DossierItem]  # items with a document still in draft (a hint)


@dataclass(frozen=True)
class DossierChecklist:
    """What the dossier editor shows: the plan, and the draft's own fields."""

    doc_id: uuid.UUID
    plan: DossierPlan
    fields: dict[str, Any]

    def titled(self, item: DossierItem) -> str:
        return item_title(item, self.plan.track)


def _superseded(docs: list[Document]) -> set[uuid.UUID]:
    """Documents a newer version has replaced once that version is final."""
    return {x.supersedes_id for x in docs if x.supersedes_id and x.state in _DONE}


def _placement(fields: Mapping[str, Any]) -> dict[str, str]:
    value = fields.get("placement")
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _placed(placement: Mapping[str, str], key: str, default: DossierItem
            ) -> DossierItem | None:
    chosen = placement.get(key)
    if chosen == EXCLUDED:
        return None
    try:
        item = DossierItem(chosen) if chosen else default
    except ValueError:
        return default
    return item if item in PLACEABLE else default


def reasons_of(fields: Mapping[str, Any]) -> dict[str, str]:
    value = fields.get("missing_reasons")
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def plan(session: Session, case: Case, fields: Mapping[str, Any]) -> DossierPlan:
    """What the case's file holds now, and what it lacks."""
    track = Track(case.track)
    placement = _placement(fields)
    docs = list(session.scalars(select(Document).where(
        Document.case_id == case.id, Document.deleted.is_(False),
        Document.kind != DocumentKind.DOSSIER.value).order_by(Document.finalized_at)))
    replaced = _superseded(docs)
    done = [x for x in docs if x.state in _DONE and x.id not in replaced]
    drafts = frozenset(_ITEM_OF_KIND[DocumentKind(x.kind)] for x in docs
                       if x.state == DocumentState.DRAFT.value
                       and DocumentKind(x.kind) in _ITEM_OF_KIND)
    issued = {x.pdf_sha256 for x in docs if x.pdf_sha256}
    issued |= set(session.scalars(select(Document.pdf_sha256).where(
        Document.case_id == case.id, Document.kind == DocumentKind.DOSSIER.value,
        Document.pdf_sha256 != "")))
    scans = {x.scan_attachment_id: x for x in docs if x.scan_attachment_id}
    records = _session_days(session, done)

    files: list[DossierFile] = []
    order = list(_ITEM_OF_KIND)
    for x in sorted(done, key=lambda x: order.index(DocumentKind(x.kind))
                    if DocumentKind(x.kind) in _ITEM_OF_KIND else len(order)):
        kind = DocumentKind(x.kind)
        if kind not in _ITEM_OF_KIND:
            continue
        default = _ITEM_OF_KIND[kind]
        key = f"doc:{x.id.hex}"
        movable = kind is DocumentKind.SESSION_RECORD
        item = _placed(placement, key, default) if movable else default
        title = wording.title(kind, track)
        note = x.number or records.get(x.id, "")
        files.append(DossierFile(key, title, item, default, movable, note,
                                 f"{title}（{note}）" if note else title, doc_id=x.id))
    attachments = session.scalars(select(Attachment).where(
        Attachment.case_id == case.id, Attachment.deleted.is_(False))
        .order_by(Attachment.created_at))
    for a in attachments:
        if a.sha256 in issued:
            continue  # an issued document's own PDF: it is in as the document
        key = f"att:{a.id.hex}"
        name = display_name(a.description or a.filename)
        owner = scans.get(a.id)
        if owner is not None:
            if owner.state not in _DONE or owner.id in replaced:
                continue  # the signed paper of a withdrawn or replaced document
            default = _ITEM_OF_KIND.get(DocumentKind(owner.kind), DossierItem.EVIDENCE)
            title = f"{wording.title(DocumentKind(owner.kind), track)}签署件"
        else:
            default = default_item(a.filename, a.description)
            title = f"{item_title(default, track)}（{name}）"
        item = _placed(placement, key, default)
        if item is not None and item is not default and owner is None:
            title = f"{item_title(item, track)}（{name}）"
        files.append(DossierFile(key, title, item, default, True, "", name,
                                 kind_of_mime(a.mime_type), attachment_id=a.id))

    mediated = case.mediation_started_at is not None or bool(records)
    outcome = Outcome(case.outcome) if case.outcome else None
    present = {f.item for f in files if f.item is not None}
    check = check_dossier(track, outcome, present, reasons_of(fields), mediated=mediated)
    return DossierPlan(case.id, track, outcome, mediated, tuple(files), check, drafts)


def _session_days(session: Session, docs: list[Document]) -> dict[uuid.UUID, str]:
    """The day of each session record's session (the 目录's 备注)."""
    days = {}
    for x in docs:
        if x.kind != DocumentKind.SESSION_RECORD.value:
            continue
        try:
            record = session.get(MediationSession, uuid.UUID(str((x.fields or {})
                                                                  .get("session_id"))))
        except ValueError:
            record = None
        days[x.id] = date_in_figures(china_date(record.started_at)) if record else ""
    return days


def checklist(ws: Workstation, doc_id: uuid.UUID) -> DossierChecklist:
    """The dossier draft's checklist, for its editor."""
    with ws.store.unit_of_work() as session:
        doc = _dossier(session, doc_id)
        case = session.get(Case, doc.case_id)
        return DossierChecklist(doc.id, plan(session, case, doc.fields or {}),
                                dict(doc.fields or {}))


def _dossier(session: Session, doc_id: uuid.UUID) -> Document:
    doc = session.get(Document, doc_id)
    if doc is None or doc.deleted or doc.kind != DocumentKind.DOSSIER.value:
        raise DocumentRefused(DocumentProblem.NOT_FOUND, doc_id)
    return doc


# ---------------------------------------------------------------- the lifecycle


def before_final(session: Session, ws: Workstation, doc: Document) -> None:
    """归档 only when every required item is there or its absence is explained."""
    case = session.get(Case, doc.case_id)
    missing = plan(session, case, doc.fields or {}).check.blocking
    if missing:
        raise DossierIncomplete(missing)


def after_final(session: Session, ws: Workstation, doc: Document, now: datetime) -> None:
    """The case is filed (the queue's 待归档 no longer lists it)."""
    case = session.get(Case, doc.case_id)
    if case.archived_on is None:
        case.archived_on = china_date(now)
        cases._touch(ws, case, now)


def after_void(session: Session, ws: Workstation, doc: Document, now: datetime) -> None:
    """A withdrawn dossier: the case is filed only while another one stands."""
    case = session.get(Case, doc.case_id)
    standing = session.scalar(select(Document.finalized_at).where(
        Document.case_id == case.id, Document.kind == DocumentKind.DOSSIER.value,
        Document.deleted.is_(False), Document.state.in_(_DONE), Document.id != doc.id)
        .order_by(Document.finalized_at).limit(1))
    archived = china_date(standing) if standing else None
    if case.archived_on != archived:
        case.archived_on = archived
        cases._touch(ws, case, now)


# ---------------------------------------------------------------- the builder's data


def dossier_data(session: Session, ws: Workstation, doc: Document, header: d.Header,
                 *, render_document, pool: previews.PreviewPool | None = None
                 ) -> d.DossierData:
    """The dossier's data. ``render_document(row)`` gives an issued document's PDF."""
    from app.documents import dossier_pages as pages  # reportlab: when a dossier is made

    case = session.get(Case, doc.case_id)
    if case is None:
        raise CaseNotFound(doc.case_id)
    f = doc.fields or {}
    track = Track(case.track)
    the_plan = plan(session, case, f)
    mediator = session.get(Mediator, case.mediator_id) if case.mediator_id else None
    mediator_name = mediator.name if mediator else ""
    parties = _parties(session, case, track)
    today = china_date(ws.now())
    reasons = reasons_of(f)
    files = _files_of(ws)
    # A complaint's file is the office's own, under its name (not the committee's); the
    # forms made here carry no number and no verification code of their own.
    committee = header.committee
    if track is Track.MARKET_COMPLAINT:
        office = session.get(Office, case.office_id)
        committee = d.Committee(office.name or committee.name, committee.number_prefix)
    plain = d.Header(committee, header.track, draft=header.draft)
    pool = pool or previews.default_pool()

    entries: list[d.DossierEntry] = []
    for check in the_plan.check.items:
        item = check.item
        if item is DossierItem.NOTE:
            continue  # the builder makes it last, counting the pages
        if item is DossierItem.INTAKE:
            entries.append(_generated(item_title(item, track), pages.build_intake,
                                      _intake(session, case, track, parties, plain)))
        elif item is DossierItem.RIGHTS_NOTICE:
            entries.append(_generated(item_title(item, track), pages.build_rights_notice,
                                      _notice(case, track, parties, plain, f, mediator_name)))
        for placed in the_plan.files:
            if placed.item is not item:
                continue
            if placed.doc_id is not None:
                row = session.get(Document, placed.doc_id)
                entries.append(d.DossierEntry(placed.title, render_document(row), placed.note))
            else:
                entries.append(_file_entry(session, placed, files, pool))
        if check.state in (ItemState.MISSING, ItemState.EXCUSED):
            entries.append(d.DossierEntry(item_title(item, track), note=reasons.get(
                item.value, "").strip(), mark=d.MISSING_MARK))

    sides = {ROLES[track][PartyRole.APPLICANT], ROLES[track][PartyRole.RESPONDENT]}
    names = [p.name for p in parties if p.role in sides]
    return d.DossierData(
        committee=committee,
        volume_name=f"{'与'.join(names)}{case.category.removesuffix('纠纷')}纠纷" if names
        else case.title,
        volume_number=_volume_number(session, case.id),
        mediator=mediator_name,
        mediation_from=china_date(case.mediation_started_at or case.accepted_at
                                  or case.received_at),
        mediation_to=china_date(case.closed_at) if case.closed_at else None,
        filed_by=ws.actor.name, filed_on=today if header.draft else
        china_date(doc.finalized_at) if doc.finalized_at else today,
        retention=f.get("retention", "长期"), entries=tuple(entries),
        remarks=f.get("remarks", ""),
        mediator_label="人民调解员" if track is Track.PEOPLES_MEDIATION else "承办人",
        back_note=True, draft=header.draft)


def _generated(title: str, build, data) -> d.DossierEntry:
    out = io.BytesIO()
    build(data, out)
    return d.DossierEntry(title, out.getvalue())


def _file_entry(session: Session, placed: DossierFile, files, pool: previews.PreviewPool
                ) -> d.DossierEntry:
    """A file of the case as pages, or listed with why it is not."""
    row = session.get(Attachment, placed.attachment_id)

    def unbound(reason: str) -> d.DossierEntry:
        return d.DossierEntry(placed.title, note=reason, mark=d.UNBOUND_MARK, attachment=True)

    if placed.kind not in (EvidenceKind.IMAGE, EvidenceKind.PDF):
        noun = _NOUNS.get(placed.kind, "")
        return unbound(NOT_PRINTABLE.format(noun=noun) if noun else UNREADABLE)
    if not files.has(row.sha256):
        return unbound(NOT_DOWNLOADED)
    try:
        content = files.read(row.sha256)
    except (BlobCorrupt, OSError):
        return unbound(UNREADABLE)
    try:
        if placed.kind is EvidenceKind.PDF:
            pool.pdf_info(content)  # readable within the worker's limits
            return d.DossierEntry(placed.title, content, placed.note, attachment=True)
        return d.DossierEntry(placed.title, note=placed.note,
                              picture=_picture(pool.image(content, PICTURE_SIDE)),
                              attachment=True)
    except previews.PreviewFailed as exc:
        if exc.problem in (previews.PreviewProblem.TIME, previews.PreviewProblem.MEMORY,
                           previews.PreviewProblem.TOO_LARGE):
            return unbound(TOO_COMPLEX)
        if placed.kind is EvidenceKind.PDF and b"/Encrypt" in content[-4096:] + content[:4096]:
            return unbound(ENCRYPTED)
        return unbound(UNREADABLE)


def _picture(bitmap: previews.Bitmap) -> d.Picture:
    """The worker's decoded pixels as a JPEG (made here from pixels, never from the file)."""
    from PIL import Image

    mode = "RGBA" if bitmap.format == "RGBA8888" else "RGB"
    image = Image.frombuffer(mode, (bitmap.width, bitmap.height), bitmap.pixels, "raw", mode,
                             bitmap.stride, 1)
    if mode == "RGBA":
        white = Image.new("RGB", image.size, (255, 255, 255))
        white.paste(image, mask=image.getchannel("A"))
        image = white
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY)
    return d.Picture(out.getvalue(), bitmap.width, bitmap.height)


def _parties(session: Session, case: Case, track: Track) -> list[d.PartyBlock]:
    """The parties as the track's forms name them (a reporter never: confidential)."""
    roles = ROLES[track]
    on = china_date(case.received_at)
    out = []
    for p in session.scalars(select(Party).where(
            Party.case_id == case.id, Party.deleted.is_(False)).order_by(Party.sort_order)):
        if p.role not in roles:
            continue
        out.append(replace(_party_block(_party_fields(p), on, track), role=roles[p.role]))
    return out


def _intake(session: Session, case: Case, track: Track, parties: list[d.PartyBlock],
            header: d.Header) -> d.IntakeData:
    login = session.scalar(select(AuditEvent.actor).where(
        AuditEvent.case_id == case.id, AuditEvent.entity == "cases",
        AuditEvent.action == "create").order_by(AuditEvent.at).limit(1))
    recorder = session.scalar(select(Mediator.name).where(Mediator.login == login)) \
        if login else None
    return d.IntakeData(
        header=header, track=track, parties=tuple(parties), facts=case.description,
        request=case.request, received_on=china_date(case.received_at),
        accepted_on=china_date(case.accepted_at) if case.accepted_at else None,
        channel=wording.printed(CHANNELS, case.source), ticket=case.source_ticket,
        recorded_by=recorder or "")


def _notice(case: Case, track: Track, parties: list[d.PartyBlock], header: d.Header,
            fields: Mapping[str, Any], mediator: str) -> d.RightsNoticeData:
    given = fields.get("rights_notice") if isinstance(fields.get("rights_notice"), dict) \
        else {}
    try:
        on = date.fromisoformat(str(given.get("on") or ""))
    except ValueError:
        on = None
    return d.RightsNoticeData(
        header=header, track=track,
        interim_rules=china_date(case.received_at) < ORDER_121_FROM,
        parties=tuple(p for p in parties if p.role != ROLES[track][PartyRole.AGENT]),
        delivered_on=on,
        delivery_method=str(given.get("method") or "").strip(),
        delivered_by=str(given.get("by") or "").strip() or mediator,
        delivered_to=str(given.get("to") or "").strip())


def _volume_number(session: Session, case_id: uuid.UUID) -> str:
    """卷号: the number of the case's agreement, or else of its termination notice."""
    for kind in (DocumentKind.AGREEMENT, DocumentKind.ORAL_AGREEMENT,
                 DocumentKind.TERMINATION):
        number = session.scalar(select(Document.number).where(
            Document.case_id == case_id, Document.kind == kind.value,
            Document.number != "", Document.state != DocumentState.VOID.value)
            .order_by(Document.version_no.desc()).limit(1))
        if number:
            return number
    return ""


def _files_of(ws: Workstation):
    return files_of(ws.store)


