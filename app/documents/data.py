"""What a document builder is given: plain, already-worded data (no database, no Qt).

The services gather these from a case (app/services/documents.py); the builders in this
package lay them out (one ``build_<kind>(data, out)`` per kind). Text is as the mediator
wrote it: builders escape it, never interpret it as markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from app.core.workflow import Track


@dataclass(frozen=True)
class Committee:
    name: str  # 张江镇人民调解委员会 / 浦东新区市场监管局张江所
    number_prefix: str = ""  # 浦消调 → （2026）浦消调字第0123号
    seal_text: str = ""  # where the seal goes; "" = （人民调解委员会印） or （印章） by the name


@dataclass(frozen=True)
class Verification:
    """Printed as a QR code and a line of text on a final document, so a paper copy can
    be checked against the workstation: the number and the SHA-256 of the document's
    content (its fields, canonically serialised; see app/core/documents.py)."""

    number: str
    content_sha256: str


@dataclass(frozen=True)
class PartyBlock:
    """One party as the agreement lists it (人民调解法 Art 29 (1))."""

    role: str  # 申请人 / 被申请人 / 代理人 … (already in words)
    name: str
    is_business: bool = False
    sex: str = ""  # 男 / 女
    ethnicity: str = ""
    age: int | None = None
    occupation: str = ""
    contact: str = ""  # phone as it may be printed (the parties' own document)
    address: str = ""  # 单位或住址
    id_label: str = ""  # 居民身份证 / 统一社会信用代码
    id_number: str = ""
    representative: str = ""  # a business signs through its representative and seals


@dataclass(frozen=True)
class Header:
    committee: Committee
    track: Track = Track.PEOPLES_MEDIATION  # whose law the paper follows
    number: str = ""  # "" on a draft: the number line says 草稿
    draft: bool = True  # a draft carries a 草稿 watermark and no verification
    verification: Verification | None = None
    version_no: int = 1


@dataclass(frozen=True)
class Signatory:
    """A signature block: a party (sign, seal or fingerprint), the mediator, the recorder."""

    caption: str  # 申请人（签名盖章或按指印） / 人民调解员（签名） / 记录人（签名）
    name: str = ""  # printed under the line, for reading; the signature is on paper


@dataclass(frozen=True)
class AgreementData:
    """人民调解协议书 (人民调解法 Art 28-29; research/domain_rules.md §3.2)."""

    header: Header
    parties: tuple[PartyBlock, ...]
    facts: str  # 纠纷主要事实
    disputes: str  # 争议事项
    responsibility: str = ""  # 各方当事人的责任
    clauses: tuple[str, ...] = ()  # 经调解，自愿达成如下协议：1. … 2. …
    performance: str = ""  # 履行方式、时限
    copies: int = 3  # one per party plus one for the committee
    signatories: tuple[Signatory, ...] = ()
    mediator: str = ""
    recorder: str = ""
    signed_on: date | None = None  # printed 二〇二六年十一月二十二日; blank line when None
    amounts: tuple[Decimal, ...] = ()  # every amount the clauses name (figures + capitals)
    # The parties may apply for 司法确认 (people's mediation; a bureau's 特邀调解组织): the
    # agreement says so, with the 30 days.
    confirmable: bool = False


@dataclass(frozen=True)
class SessionRecordData:
    """人民调解记录 for signature: time, place, cause, participants, parties, statements."""

    header: Header
    started: str  # already worded: 2026年11月22日 14:00—14:45
    place: str
    mode: str  # 电话 / 视频 / 微信 / 现场 …
    cause: str  # 事由
    participants: tuple[str, ...]
    parties: tuple[PartyBlock, ...]
    statements: tuple[tuple[str, str], ...]  # (who, what they said)
    evidence: str = ""
    proposals: str = ""
    responses: str = ""
    result: str = ""
    addenda: tuple[tuple[str, str], ...] = ()  # (dated caption, text)
    signatories: tuple[Signatory, ...] = ()
    recorder: str = ""
    # A member's record of a group session (群体调解, issue 17): the group's name, how
    # this member took part and their own position, already worded ("" otherwise).
    group: str = ""
    attendance: str = ""
    position: str = ""


@dataclass(frozen=True)
class NoticeData:
    """The one-page notices: 终止调解告知书, 不予受理告知书, 口头协议登记 (表), 回访记录.
    ``title`` and the paragraphs are worded by the service; ``rows`` are label/value lines
    printed as a table (e.g. 回访 fields), ``signatories`` at the foot."""

    header: Header
    title: str
    addressee: str = ""  # 李秀英： (a notice's salutation), "" for a record
    paragraphs: tuple[str, ...] = ()
    rows: tuple[tuple[str, str], ...] = ()
    signatories: tuple[Signatory, ...] = ()
    dated: date | None = None


@dataclass(frozen=True)
class Picture:
    """A picture of the case's files, decoded out of process and re-encoded as a JPEG:
    printed on a page of its own, scaled to fit."""

    jpeg: bytes
    width: int  # pixels
    height: int


@dataclass(frozen=True)
class DossierEntry:
    """One row of the 卷内目录 and its pages: a PDF (a document as issued, a generated
    form, a file of the case), a picture, or no pages at all (``mark`` says what the
    页号 column shows instead: 缺 for a missing item; ``note`` why)."""

    title: str  # 文书名称 in the 卷内目录
    pdf: bytes = b""  # the document's own pages (final PDFs as issued)
    note: str = ""
    picture: Picture | None = None
    mark: str = ""  # 缺, or — for a file that is not bound in
    # A file of the case: one that cannot be read is listed with the reason instead of
    # stopping the dossier (a document of the desk's own that cannot be read stops it).
    attachment: bool = False


MISSING_MARK = "缺"
UNBOUND_MARK = "—"


@dataclass(frozen=True)
class IntakeData:
    """人民调解申请书 (people's mediation) or 投诉登记表 (a market-regulation complaint):
    the case as it came in (research §3.2; 暂行办法 第九条)."""

    header: Header
    track: Track
    parties: tuple[PartyBlock, ...]  # roles already in the track's words
    facts: str  # 纠纷简要情况 / 争议事实
    request: str  # 申请事项 / 投诉请求, one a line
    received_on: date | None
    accepted_on: date | None = None
    channel: str = ""  # 来访 / 全国12315平台 … (already in words)
    ticket: str = ""  # 工单编号
    recorded_by: str = ""  # 登记人


@dataclass(frozen=True)
class RightsNoticeData:
    """权利义务告知书 of the case's track, and how it was given if that is recorded."""

    header: Header
    track: Track
    interim_rules: bool  # a complaint under the 暂行办法 (received before 2026-04-15)
    parties: tuple[PartyBlock, ...]  # who was told
    delivered_on: date | None = None
    delivery_method: str = ""  # 当面告知 / 电话告知 / 书面送达 …
    delivered_by: str = ""
    delivered_to: str = ""  # as the mediator wrote it; "" = every party


@dataclass(frozen=True)
class DossierData:
    """卷宗: cover, 卷内目录 (with page numbers), then every document of the case in order,
    and (``back_note``) the 备考表 last."""

    committee: Committee
    volume_name: str  # 卷名: 李秀英与上海悦动健身管理有限公司预付式消费纠纷
    volume_number: str  # 卷号
    mediator: str
    mediation_from: date | None
    mediation_to: date | None
    filed_by: str  # 立卷人
    filed_on: date | None
    retention: str  # 保管期限 (configurable; no national rule)
    entries: tuple[DossierEntry, ...] = field(default_factory=tuple)
    remarks: str = ""
    mediator_label: str = "人民调解员"  # 承办人 on a market-regulation complaint
    back_note: bool = False  # end with the 备考表 (pages counted, what is missing and why)
    draft: bool = False  # the pages it makes carry the 草稿 watermark
