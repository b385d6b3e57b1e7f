"""The words of the 文书 screens: kinds, states, field names and the refusals of the
documents service and the PDF builders, as a mediator reads them."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QT_TRANSLATE_NOOP

from app.core.documents import DocumentKind, DocumentState
from app.core.workflow import Track
from app.documents.errors import BadAmount, MissingGlyphs, NoFont
from app.services.documents import DocumentProblem, DocumentRefused
from app.services.evidence import EvidenceError
from app.ui import formatting, messages
from app.ui.messages import tr

# In the order the 新建文书 menu offers them.
_KINDS = {
    DocumentKind.AGREEMENT: QT_TRANSLATE_NOOP("DocumentKind", "人民调解协议书"),
    DocumentKind.SESSION_RECORD: QT_TRANSLATE_NOOP("DocumentKind", "人民调解记录"),
    DocumentKind.ORAL_AGREEMENT: QT_TRANSLATE_NOOP("DocumentKind", "口头协议登记表"),
    DocumentKind.TERMINATION: QT_TRANSLATE_NOOP("DocumentKind", "终止调解告知书"),
    DocumentKind.REJECTION: QT_TRANSLATE_NOOP("DocumentKind", "不予受理告知书"),
    DocumentKind.FOLLOW_UP: QT_TRANSLATE_NOOP("DocumentKind", "回访记录"),
    DocumentKind.DOSSIER: QT_TRANSLATE_NOOP("DocumentKind", "调解卷宗"),
}
MENU_KINDS = tuple(_KINDS)
# A bureau's papers on a market-regulation complaint (暂行办法 第二十二条).
_MARKET_KINDS = {
    DocumentKind.AGREEMENT: QT_TRANSLATE_NOOP("DocumentKind", "调解书"),
    DocumentKind.SESSION_RECORD: QT_TRANSLATE_NOOP("DocumentKind", "调解记录"),
}

_STATES = {
    DocumentState.DRAFT: QT_TRANSLATE_NOOP("DocumentState", "草稿"),
    DocumentState.FINAL: QT_TRANSLATE_NOOP("DocumentState", "已定稿"),
    DocumentState.SIGNED: QT_TRANSLATE_NOOP("DocumentState", "已签署"),
    DocumentState.VOID: QT_TRANSLATE_NOOP("DocumentState", "已作废"),
}

# The fields of a document's JSON, as the forms name them.
_FIELDS = {
    "parties": QT_TRANSLATE_NOOP("DocumentField", "当事人"),
    "facts": QT_TRANSLATE_NOOP("DocumentField", "纠纷主要事实"),
    "disputes": QT_TRANSLATE_NOOP("DocumentField", "争议事项"),
    "responsibility": QT_TRANSLATE_NOOP("DocumentField", "各方责任"),
    "clauses": QT_TRANSLATE_NOOP("DocumentField", "协议内容（条款）"),
    "performance": QT_TRANSLATE_NOOP("DocumentField", "履行方式、时限"),
    "mediator": QT_TRANSLATE_NOOP("DocumentField", "人民调解员"),
    "recorder": QT_TRANSLATE_NOOP("DocumentField", "记录人"),
    "copies": QT_TRANSLATE_NOOP("DocumentField", "份数"),
    "addressee": QT_TRANSLATE_NOOP("DocumentField", "告知对象"),
    "other": QT_TRANSLATE_NOOP("DocumentField", "对方当事人"),
    "ground": QT_TRANSLATE_NOOP("DocumentField", "理由"),
    "reason": QT_TRANSLATE_NOOP("DocumentField", "具体情况"),
    "dispute": QT_TRANSLATE_NOOP("DocumentField", "纠纷名称"),
    "session_id": QT_TRANSLATE_NOOP("DocumentField", "调解记录（需先完成一份调解记录）"),
    "follow_up_id": QT_TRANSLATE_NOOP("DocumentField", "回访（需先在“回访”页登记回访）"),
    "retention": QT_TRANSLATE_NOOP("DocumentField", "保管期限"),
    "remarks": QT_TRANSLATE_NOOP("DocumentField", "备考"),
}

# Text fields each kind without a rich editor lets the mediator change.
SIMPLE_FIELDS: dict[DocumentKind, tuple[str, ...]] = {
    DocumentKind.TERMINATION: ("addressee", "other", "dispute", "reason", "mediator"),
    DocumentKind.REJECTION: ("addressee", "other", "dispute", "reason", "mediator"),
    DocumentKind.SESSION_RECORD: ("recorder",),
    DocumentKind.FOLLOW_UP: (),
}
MULTILINE_FIELDS = frozenset({"reason", "remarks", "facts", "disputes", "responsibility",
                              "performance"})


def kind_text(kind: DocumentKind, track: Track | str | None = None) -> str:
    """What the kind is called on the case's track (调解书 on a bureau's complaint)."""
    if track == Track.MARKET_COMPLAINT and kind in _MARKET_KINDS:
        return tr("DocumentKind", _MARKET_KINDS[kind])
    return tr("DocumentKind", _KINDS[kind])


def offered(kind: DocumentKind, track: Track | str | None) -> bool:
    """Whether the 新建文书 menu offers the kind on this track (no 口头协议 for a bureau)."""
    return not (kind is DocumentKind.ORAL_AGREEMENT and track == Track.MARKET_COMPLAINT)


def state_text(state: DocumentState) -> str:
    return tr("DocumentState", _STATES[state])


def field_text(name: str, track: Track | str | None = None) -> str:
    if name == "mediator" and track == Track.MARKET_COMPLAINT:
        return tr("DocumentField", "调解人员")
    return tr("DocumentField", _FIELDS[name]) if name in _FIELDS else name


def fields_text(names: list[str] | tuple[str, ...]) -> str:
    return "、".join(field_text(n) for n in names)


def number_text(number: str) -> str:
    return number or tr("DocumentState", _STATES[DocumentState.DRAFT])


def version_text(version_no: int) -> str:
    return tr("Documents", "第{n}版").format(n=version_no)


def deadline_text(deadline: date, today: date, provisional: bool = False) -> str:
    """司法确认 2026-04-01（星期三）前，剩 5 天 / 今日截止 / 已过期 3 天; 暂定 where the day
    depends on a year whose holiday notice is not out yet."""
    left = (deadline - today).days
    when = formatting.day_with_weekday(deadline)
    if provisional:
        when += tr("Documents", "（暂定，待公布节假日安排）")
    if left > 0:
        rest = tr("Documents", "剩 {n} 天").format(n=left)
    elif left == 0:
        rest = tr("Documents", "今日截止")
    else:
        rest = tr("Documents", "已过 {n} 天").format(n=-left)
    return tr("Documents", "申请司法确认截止 {when}，{rest}").format(when=when, rest=rest)


DEADLINE_WARNING_DAYS = 7


def deadline_is_near(deadline: date, today: date) -> bool:
    return (deadline - today).days <= DEADLINE_WARNING_DAYS


def glyphs_text(error: MissingGlyphs) -> str:
    chars = "、".join(f"{c}（U+{ord(c):04X}）" for c in error.chars)
    return tr("Documents", "以下字符没有可用字体，打印会出现空框：{chars}。请安装含这些字的字体"
              "（如花园明朝 HanaMinB），或改写这些字。").format(chars=chars)


def no_font_text(error: NoFont) -> str:
    return tr("Documents", "找不到可用于打印的中文字体（TrueType），无法生成文书。"
              "请安装 AR PL UMing、花园明朝或霞鹜文楷等字体后再试。")


def bad_amount_text(error: BadAmount) -> str:
    amount = f"{error.amount}" if error.amount is not None else ""
    return tr("Documents", "金额 {amount} 无法打印：金额须为不超过一万亿元的非负数，最多两位小数。"
              ).format(amount=amount).replace("金额  ", "金额")


def refused_text(error: DocumentRefused) -> str:
    p = error.problem
    if p == DocumentProblem.MISSING_FIELDS:
        return tr("Documents", "还不能定稿，请先填写：{fields}").format(
            fields=fields_text(list(error.detail or ())))
    if p == DocumentProblem.NOT_DRAFT:
        return tr("Documents", "这份文书已定稿，不能再修改；如需改动请制作新版本。")
    if p == DocumentProblem.NOT_FINAL:
        return tr("Documents", "这份文书尚未定稿。")
    if p == DocumentProblem.NO_NUMBER_LEFT:
        return tr("Documents", "本机预留的{year}年文书编号已用完，请连接办公室网络同步后再定稿。").format(
            year=error.detail)
    if p == DocumentProblem.NEGATIVE_AMOUNT:
        return tr("Documents", "金额不能为负数：{amounts}").format(
            amounts="、".join(error.detail or ()))
    if p == DocumentProblem.NO_AGREEMENT:
        return tr("Documents", "本案还没有调解协议书。")
    if p == DocumentProblem.NOT_FOUND:
        return tr("Documents", "找不到这份文书或它引用的记录，可能已被删除。")
    if p == DocumentProblem.NOT_ON_TRACK:
        return tr("Documents", "市场监管投诉调解没有口头协议登记表：达成协议的，请制作调解书；"
                  "不制作调解书的，请做好调解记录（《市场监督管理投诉举报处理暂行办法》第二十二条）。")
    if p == DocumentProblem.AMOUNT_MISMATCH:
        where = [n for n in (error.detail or ()) if n]
        text = tr("Documents", "金额前后不一致，不能定稿：")
        if where:
            text += tr("Documents", "第{n}条的金额数字与大写不符，或条款中缺少金额的位置。").format(
                n="、".join(str(n) for n in where))
        if 0 in (error.detail or ()):
            text += tr("Documents", "“所涉金额”中有条款里没有的金额。")
        return text + tr("Documents", "请在条款旁的“金额”一栏填写数字，大写会自动生成。")
    if p == DocumentProblem.RULES_UNVERIFIED:
        return tr("Documents", "本案适用的规则（{name}）尚未核实，请管理员在 设置 → 期限规则 中核实后"
                  "再出具文书。").format(name=error.detail or "")
    if p == DocumentProblem.CONTENT_MISMATCH:
        return tr("Documents", "这份文书的存档内容与定稿时不一致，可能被改动过，已停止打印。"
                  "请联系管理员核查。")
    return messages.error_text(Exception(p))


def error_text(error: BaseException) -> str:
    if isinstance(error, EvidenceError):  # the signed scan
        from app.ui.case.evidence_texts import problem_text

        return problem_text(error)
    return messages.error_text(error)


# The service's and the builders' errors, worded here (checked before the generic ones).
messages.register_explainer(DocumentRefused, refused_text)
messages.register_explainer(MissingGlyphs, glyphs_text)
messages.register_explainer(NoFont, no_font_text)
messages.register_explainer(BadAmount, bad_amount_text)
