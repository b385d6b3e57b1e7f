"""The fixed wording of the documents (printed text, not screen text): the sentences of
the notices, the official wording and citation of each legal ground, the names of the
document kinds, party roles and follow-up answers as the forms print them, the clause
library of the agreement. A clause is a template with named blanks; the mediator edits
the result freely.

Core enums carry no words: what the screen says about them is in app/ui/messages.py,
what a document prints is here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.core import clauses
from app.core.documents import DocumentKind
from app.core.follow_ups import FollowUpMethod, Performance, Satisfaction
from app.core.group_sessions import Attendance, GroupRole
from app.core.groups import RefundBasis
from app.core.money import format_amount, from_fen
from app.core.parties import IdType, PartyRole, Sex
from app.core.sessions import SessionResult
from app.core.workflow import RejectionGround, TerminationGround, Track

# What each kind is called on paper, in PDF file names and in the dossier's contents.
TITLES: dict[DocumentKind, str] = {
    DocumentKind.AGREEMENT: "人民调解协议书",
    DocumentKind.SESSION_RECORD: "人民调解记录",
    DocumentKind.ORAL_AGREEMENT: "口头协议登记表",
    DocumentKind.TERMINATION: "终止调解告知书",
    DocumentKind.REJECTION: "不予受理告知书",
    DocumentKind.FOLLOW_UP: "人民调解回访记录",
    DocumentKind.DOSSIER: "调解卷宗",
}

# People's-mediation names of the parties; a case's own track's are ``role(track, …)``.
ROLES: dict[PartyRole, str] = {
    PartyRole.APPLICANT: "申请人",
    PartyRole.RESPONDENT: "被申请人",
    PartyRole.AGENT: "代理人",
    PartyRole.REPORTER: "举报人",
}
SEXES: dict[Sex, str] = {Sex.MALE: "男", Sex.FEMALE: "女"}


@dataclass(frozen=True)
class TrackWording:
    """What the paper says differently on the two tracks: people's mediation (人民调解法
    第二十八、二十九条, the Ministry of Justice model forms) and a market-regulation
    bureau's mediation of a complaint (暂行办法 第二十二条: a 调解书 signed or sealed by both
    sides under the bureau's seal, one copy each and one archived)."""

    agreement_title: str
    agreement_noun: str  # 本协议 / 本调解书
    roles: Mapping[PartyRole, str]
    person_sign: str  # after a person's role
    business_sign: str  # after a business's role
    representative: str  # a business's signer
    mediator: str  # who mediated, as they sign
    recorder: str
    default_seal: str  # where the seal goes, unless the office words it itself
    we: str  # how the notices speak of the issuing body ("" = by the office's name)
    session_record_title: str
    follow_up_title: str
    oral_agreement: bool  # 口头协议 (人民调解法 第二十八条) exists on this track
    notify_both: bool  # a termination is told to both parties (暂行办法 第二十一条第二款)


WORDING: dict[Track, TrackWording] = {
    Track.PEOPLES_MEDIATION: TrackWording(
        agreement_title="人民调解协议书", agreement_noun="本协议",
        roles={PartyRole.APPLICANT: "申请人", PartyRole.RESPONDENT: "被申请人",
               PartyRole.AGENT: "代理人", PartyRole.REPORTER: "举报人"},
        person_sign="（签名盖章或按指印）", business_sign="（盖章）",
        representative="法定代表人或委托代理人（签名）", mediator="人民调解员（签名）",
        recorder="记录人（签名）", default_seal="（人民调解委员会印）", we="本委员会",
        session_record_title="人民调解记录", follow_up_title="人民调解回访记录",
        oral_agreement=True, notify_both=False),
    Track.MARKET_COMPLAINT: TrackWording(
        agreement_title="调解书", agreement_noun="本调解书",
        roles={PartyRole.APPLICANT: "投诉人", PartyRole.RESPONDENT: "被投诉人",
               PartyRole.AGENT: "代理人", PartyRole.REPORTER: "举报人"},
        person_sign="（签字）", business_sign="（盖章）",
        representative="法定代表人或委托代理人（签字）", mediator="调解人员（签名）",
        recorder="记录人（签名）", default_seal="（印章）", we="",
        session_record_title="调解记录", follow_up_title="回访记录",
        oral_agreement=False, notify_both=True),
}


def for_track(track: Track | str | None) -> TrackWording:
    """A case's track's wording; a value this version does not know reads as people's
    mediation, the forms this product started from."""
    try:
        return WORDING[Track(track)]
    except ValueError:
        return WORDING[Track.PEOPLES_MEDIATION]


def title(kind: DocumentKind, track: Track | str | None) -> str:
    """What a document of this kind is called on this track's paper."""
    words = for_track(track)
    if kind is DocumentKind.AGREEMENT:
        return words.agreement_title
    if kind is DocumentKind.SESSION_RECORD:
        return words.session_record_title
    if kind is DocumentKind.FOLLOW_UP:
        return words.follow_up_title
    return TITLES[kind]


def role(track: Track | str | None, value: object) -> str:
    """A party's role as this track's paper names it (申请人 / 投诉人 …); the roles of
    the people at a group session as GROUP_ROLES names them."""
    if value in GROUP_ROLES:
        return GROUP_ROLES[GroupRole(value)]
    return printed(for_track(track).roles, value)


# 群体调解 (issue 17): who else sat at the table, and how a member took part.
GROUP_ROLES: dict[GroupRole, str] = {
    GroupRole.BUSINESS_REPRESENTATIVE: "经营者代表",
    GroupRole.COMPLAINANT_REPRESENTATIVE: "投诉人代表",
}
ATTENDANCE: dict[Attendance, str] = {
    Attendance.ATTENDED: "本人参加",
    Attendance.REPRESENTED: "由代表参加",
    Attendance.ABSENT: "未参加",
}


def sex(value: object) -> str:
    """As printed, whatever spelling was stored (M/F, male/female, 男/女); "" if none."""
    found = Sex.parse(value)
    return SEXES[found] if found is not None else ""

ID_LABELS: dict[IdType, str] = {
    IdType.RESIDENT_ID: "居民身份证",
    IdType.USCC: "统一社会信用代码",
    IdType.PASSPORT: "护照",
    IdType.OTHER: "其他证件",
}

SESSION_RESULTS: dict[SessionResult, str] = {
    SessionResult.AGREED: "达成协议",
    SessionResult.PARTIAL: "部分达成",
    SessionResult.NONE: "未达成协议",
    SessionResult.NEXT_STEP: "继续调解",
}

# The 回访记录's answers.
FOLLOW_UP_METHODS: dict[FollowUpMethod, str] = {
    FollowUpMethod.PHONE: "电话",
    FollowUpMethod.SMS: "短信",
    FollowUpMethod.WECHAT: "微信",
    FollowUpMethod.VISIT: "上门",
    FollowUpMethod.IN_PERSON: "来访",
}
PERFORMANCE: dict[Performance, str] = {
    Performance.PERFORMED: "已履行",
    Performance.PARTIAL: "部分履行",
    Performance.NOT_PERFORMED: "未履行",
    Performance.NOT_APPLICABLE: "不涉及履行",
}
SATISFACTION: dict[Satisfaction, str] = {
    Satisfaction.VERY_SATISFIED: "非常满意",
    Satisfaction.SATISFIED: "满意",
    Satisfaction.AVERAGE: "一般",
    Satisfaction.DISSATISFIED: "不满意",
}


def printed(table: Mapping[Any, str], value: Any) -> str:
    """A stored value in a document's words; a value this version does not know (synced
    from a newer one) is printed as stored rather than left out."""
    if value is None or value == "":
        return ""
    enum = type(next(iter(table)))
    try:
        return table.get(enum(value), str(value))
    except ValueError:
        return str(value)


@dataclass(frozen=True)
class GroundWording:
    text: str  # the rule's own words, verbatim where the rule is known
    citation: str  # where it is written


_INTERIM = "市场监督管理投诉举报处理暂行办法"
_PML = "人民调解法"

# 不予受理 / 终止调解 grounds: the wording the notices print and the screens quote as is.
# The 121号令 additions are reported by the press; the full text was NOT FOUND, so their
# wording and article number are reported, not verified (and say so).
_REJECTION_GROUNDS: dict[RejectionGround, tuple[str, str]] = {
    RejectionGround.MC_OUT_OF_SCOPE: ("投诉事项不属于市场监督管理部门职责，或者本行政机关不具有处理权限",
        f"《{_INTERIM}》第十五条第（一）项"),
    RejectionGround.MC_ALREADY_HANDLED: ("法院、仲裁机构、市场监督管理部门或者其他行政机关、消费者协会或者依法成立的其他调解组织已经受理或者处理过同一消费者权益争议",
        f"《{_INTERIM}》第十五条第（二）项"),
    RejectionGround.MC_NOT_CONSUMER_DISPUTE: ("不是为生活消费需要购买、使用商品或者接受服务，或者不能证明与被投诉人之间存在消费者权益争议",
        f"《{_INTERIM}》第十五条第（三）项"),
    RejectionGround.MC_TIME_BARRED: ("投诉人知道或者应当知道自己的权益受到被投诉人侵害之日起超过三年",
        f"《{_INTERIM}》第十五条第（四）项"),
    RejectionGround.MC_MISSING_MATERIALS: ("未提供规定的投诉材料",
        f"《{_INTERIM}》第十五条第（五）项（第九条第一款、第十条）"),
    RejectionGround.MC_OTHER: ("法律、法规、规章规定不予受理的其他情形",
        f"《{_INTERIM}》第十五条第（六）项"),
    RejectionGround.MC_FALSE_MATERIALS: ("提供虚假材料",
        "《市场监督管理投诉举报处理办法》（总局令第121号）"),
    RejectionGround.MC_IMPERSONATION: ("冒用他人名义",
        "《市场监督管理投诉举报处理办法》（总局令第121号）"),
    RejectionGround.MC_IDENTITY_REFUSED: ("拒不配合核验真实身份信息",
        "《市场监督管理投诉举报处理办法》（总局令第121号）"),
    RejectionGround.PM_PARTY_REFUSES: ("当事人一方明确拒绝调解",
        f"《{_PML}》第十七条"),
    RejectionGround.PM_ALREADY_HANDLED: ("纠纷已由人民法院、公安机关或者其他国家机关受理或者处理",
        f"实践做法（参见《{_PML}》第十八条）"),
    RejectionGround.PM_NOT_CIVIL_DISPUTE: ("不属于民间纠纷",
        f"《{_PML}》第二条"),
    RejectionGround.PM_OTHER: ("其他不宜受理的情形",
        "实践做法"),
}
_TERMINATION_GROUNDS: dict[TerminationGround, tuple[str, str]] = {
    TerminationGround.MC_WITHDRAWN_OR_SETTLED: ("投诉人撤回投诉或者双方自行和解",
        f"《{_INTERIM}》第二十一条第一款第（一）项"),
    TerminationGround.MC_NO_AGREEMENT_ON_TESTING: ("投诉人与被投诉人对委托承担检定、检验、检测、鉴定工作的技术机构或者费用承担无法协商一致",
        f"《{_INTERIM}》第二十一条第一款第（二）项"),
    TerminationGround.MC_ABSENT_OR_REFUSED: ("投诉人或者被投诉人无正当理由不参加调解，或者被投诉人明确拒绝调解",
        f"《{_INTERIM}》第二十一条第一款第（三）项"),
    TerminationGround.MC_NO_AGREEMENT_POSSIBLE: ("经组织调解，投诉人或者被投诉人明确表示无法达成调解协议",
        f"《{_INTERIM}》第二十一条第一款第（四）项"),
    TerminationGround.MC_TIME_LIMIT_EXPIRED: ("调解期限内投诉人和被投诉人未能达成调解协议",
        f"《{_INTERIM}》第二十一条第一款第（五）项"),
    TerminationGround.MC_REJECTION_GROUND_FOUND: ("受理投诉后，发现存在不予受理情形",
        f"《{_INTERIM}》第二十一条第一款第（六）项"),
    TerminationGround.MC_OTHER: ("法律、法规、规章规定的应当终止调解的其他情形",
        f"《{_INTERIM}》第二十一条第一款第（七）项"),
    TerminationGround.MC_UNLAWFUL_CLAIM: ("敲诈勒索、骗取赔偿等违法索赔",
        "《市场监督管理投诉举报处理办法》（总局令第121号）"),
    TerminationGround.PM_FAILED: ("调解不成",
        f"《{_PML}》第二十六条"),
    TerminationGround.PM_PARTY_WITHDRAWS: ("当事人要求终止调解",
        f"《{_PML}》第二十三条第（二）项"),
    TerminationGround.PM_PARTY_REFUSES: ("当事人一方明确拒绝调解",
        f"《{_PML}》第十七条"),
    TerminationGround.PM_OTHER: ("其他应当终止调解的情形",
        "实践做法"),
}
# Keyed by kind: a rejection and a termination ground may share a value (mc_other).
REJECTION_GROUNDS: dict[RejectionGround, GroundWording] = {
    g: GroundWording(text, citation) for g, (text, citation) in _REJECTION_GROUNDS.items()}
TERMINATION_GROUNDS: dict[TerminationGround, GroundWording] = {
    g: GroundWording(text, citation) for g, (text, citation) in _TERMINATION_GROUNDS.items()}


def ground_wording(ground: RejectionGround | TerminationGround) -> GroundWording:
    """A ground's words and where they come from, as the screens quote them; what a
    notice prints comes from the case's own rule set."""
    if isinstance(ground, RejectionGround):
        return REJECTION_GROUNDS[ground]
    return TERMINATION_GROUNDS[ground]

TERMINATION_TITLE = "终止调解告知书"
TERMINATION_TEXT = ("你（单位）与{other}之间的{dispute}纠纷，{who}已于{accepted}受理并"
                    "组织调解。因{ground}，{according}决定终止调解。")
TERMINATION_ADVICE = "你（单位）可以依法通过仲裁、行政、司法等途径维护自己的权利。"
# 人民调解法 第三十三条: printed on an agreement the parties may take to court.
JUDICIAL_CONFIRMATION_NOTE = ("双方当事人可以自本协议生效之日起三十日内共同向人民法院申请司法确认；"
                              "经确认有效后，一方拒绝履行或者未全部履行的，对方可以向人民法院申请强制执行。")
# A bureau's termination, told to both sides in one notice.
TERMINATION_TEXT_BOTH = ("{applicant}与{respondent}之间的{dispute}消费纠纷，{who}已于{accepted}"
                         "受理投诉并组织调解。因{ground}，{according}决定终止调解。")
TERMINATION_ADVICE_BOTH = "双方可以依法通过协商、仲裁、诉讼等途径解决争议。"
REJECTION_TITLE = "不予受理告知书"
REJECTION_TEXT = ("你（单位）于{received}提出的{dispute}投诉，经审查，{ground}，{according}"
                  "决定不予受理。")
# People's mediation: an application to mediate a dispute, not a complaint.
REJECTION_TEXT_PM = ("你（单位）于{received}申请调解的{dispute}纠纷，经审查，{ground}，"
                     "{according}决定不予受理。")


def according(basis: str) -> str:
    """根据《…》第X条的规定， — or nothing, where no text states the ground: a notice
    cites the law it rests on, never a guess."""
    return f"根据{basis}的规定，" if basis.strip() else ""
REJECTION_ADVICE = "特此告知。"
ORAL_TITLE = "人民调解口头协议登记表"
ORAL_NOTE = "当事人认为无需制作调解协议书，采取口头协议方式，调解员记录协议内容如上（人民调解法第二十八条）。"


def money(amount: Decimal) -> str:
    """人民币3,200.00元（大写：人民币叁仟贰佰元整）."""
    return clauses.money_text(amount)


@dataclass(frozen=True)
class ClauseTemplate:
    key: str
    title: str  # what the clause library lists
    text: str  # with blanks: {payer} {payee} {amount} {deadline} {method} {applicant} …
    blanks: tuple[str, ...] = ()


CLAUSES: tuple[ClauseTemplate, ...] = (
    ClauseTemplate("refund", "退款", "{payer}于{deadline}前向{payee}退还{amount}。",
                   ("payer", "payee", "amount", "deadline")),
    ClauseTemplate("compensation", "赔偿", "{payer}于{deadline}前向{payee}支付赔偿金{amount}。",
                   ("payer", "payee", "amount", "deadline")),
    ClauseTemplate("method", "支付方式", "上述款项以{method}方式支付至{payee}指定的账户。",
                   ("method", "payee")),
    ClauseTemplate("perform", "继续履行", "{payer}于{deadline}前按约定为{payee}完成服务"
                   "（或重新履行至符合约定），双方共同确认。", ("payer", "payee", "deadline")),
    ClauseTemplate("replace", "更换或维修", "{payer}于{deadline}前为{payee}免费更换同型号商品（或维修至正常使用）。",
                   ("payer", "payee", "deadline")),
    ClauseTemplate("withdraw", "撤回投诉", "{applicant}收到上述款项后，撤回对{respondent}的投诉，"
                   "不再就本纠纷向有关部门主张权利。", ("applicant", "respondent")),
    ClauseTemplate("confidential", "保密", "双方对本协议内容负有保密义务，未经对方同意不得向第三方披露，"
                   "法律另有规定的除外。"),
    ClauseTemplate("default", "违约责任", "{payer}未按期足额履行的，{payee}可以就履行问题依法向"
                   "人民法院提起诉讼。", ("payer", "payee")),
    ClauseTemplate("settled", "纠纷了结", "本协议履行完毕后，双方就本纠纷再无其他争议。"),
)


# What an agreement's first clause is, by what the dispute is about: money back for a
# purchase or a prepaid card, damages for harm done (a neighbour's leak), the service
# done for a service not done.
_COMPENSATION_WORDS = ("损害", "损坏", "漏水", "渗水", "邻里", "相邻", "赔偿", "人身", "伤",
                       "财产", "交通", "宠物")
_PERFORMANCE_WORDS = ("维修", "装修", "家政", "物业", "培训", "快递", "服务质量", "售后",
                      "安装")


def default_clause_key(*about: str) -> str:
    """refund, compensation or perform, by the words of the case's category and title."""
    text = "".join(about)
    if any(w in text for w in _COMPENSATION_WORDS):
        return "compensation"
    if any(w in text for w in _PERFORMANCE_WORDS):
        return "perform"
    return "refund"


def clause(key: str, **blanks: str) -> str:
    """A built-in clause's text with its blanks filled; an unfilled blank stays visible
    as ____."""
    return fill_clause(next(c for c in CLAUSES if c.key == key), **blanks)


def fill_clause(template: ClauseTemplate, **blanks: str) -> str:
    """Any clause's text (built-in or an office's own) with its blanks filled."""
    return clauses.fill(template.text, blanks)


# ---------------------------------------------------------------- group agreements


def group_refund_clause(basis: RefundBasis, *, payer: str, payee: str, deadline: str,
                        unused_sessions: int | None, unit_price_fen: int,
                        balance_fen: int | None, share_percent: Decimal) -> str:
    """A member's refund under the group's formula: how their sum was reached, then the
    sum (clauses.AMOUNT_MARK: printed in figures and capitals). ``deadline`` as written
    (2026年4月30日), "" when none."""
    when = f"于{deadline}前" if deadline else ""
    match basis:
        case RefundBasis.SESSIONS:
            how = (f"按未使用课时（次数）{unused_sessions}次、每次"
                   f"{format_amount(from_fen(unit_price_fen))}元计算，")
        case RefundBasis.BALANCE_SHARE:
            how = (f"按预付余额{format_amount(from_fen(balance_fen or 0))}元的"
                   f"{Decimal(share_percent).normalize():f}%计算，")
        case _:
            how = ""
    return f"{payer}{how}{when}向{payee}退还{clauses.AMOUNT_MARK}。"


def group_dispute(payer: str) -> str:
    """争议事项 of a member whose work order states no request."""
    return f"要求{payer}退还预付费用。"


def group_performance(payer: str, payee: str, deadline: str) -> str:
    """履行方式、时限 of a member's group agreement ("" without a due date)."""
    return f"{payer}于{deadline}前将上述款项一次性支付给{payee}。" if deadline else ""


# ---------------------------------------------------------------- the dossier (卷宗)
# Its pages' titles and why a file is not bound in: here, not beside the builders, so
# the service lists a dossier's items without loading reportlab and pypdf.

APPLICATION_TITLE = "人民调解申请书"
REGISTER_TITLE = "投诉登记表"
PM_NOTICE_TITLE = "人民调解当事人权利义务告知书"
MC_NOTICE_TITLE = "投诉调解权利义务告知书"
NOTE_TITLE = "备考表"


def notice_title(track: Track) -> str:
    return PM_NOTICE_TITLE if track is Track.PEOPLES_MEDIATION else MC_NOTICE_TITLE


def intake_title(track: Track) -> str:
    return APPLICATION_TITLE if track is Track.PEOPLES_MEDIATION else REGISTER_TITLE


# Why a file of the case is listed but not bound in (the 目录's 备注, the 备考表).
UNREADABLE = "文件已损坏或格式无法识别，未装订入卷"
ENCRYPTED = "文件设有密码，无法读取，未装订入卷"
NO_PAGES = "文件没有页面，未装订入卷"
