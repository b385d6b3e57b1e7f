"""The words of the case view: the choices that are not core enums (sex, urgency; an
enum's words are in app/ui/messages.py) and the
history timeline, where an audit event becomes "2026-03-02 10:00 张敏 受理 / 状态：待受理 →
已受理" instead of raw JSON.

The history is a registry, not an if/elif chain: one table of headlines by (entity,
action), one of field names, one of value formatters by field. Pure functions without
widgets, so they are tested without a window.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP

from app.core.filenames import display_name
from app.core.money import from_fen
from app.core.validation import mask_phone
from app.core.workflow import (
    Action,
    CaseKind,
    CaseStatus,
    Outcome,
    PauseReason,
    RejectionGround,
    Source,
    TerminationGround,
    Track,
)
from app.services.dto import AuditEntry
from app.ui import formatting, messages
from app.ui.case import clock_texts, contact_texts, evidence_texts
from app.ui.messages import tr
from app.ui.session import session_texts

# ------------------------------------------------------------------ choice labels

URGENCY = {
    0: QT_TRANSLATE_NOOP("Choice", "一般"),
    1: QT_TRANSLATE_NOOP("Choice", "紧急"),
    2: QT_TRANSLATE_NOOP("Choice", "特急"),
}
def choice_text(table: Mapping[Any, str], value: Any) -> str:
    return tr("Choice", table[value]) if value in table else ("" if value is None else str(value))


def choices(table: Mapping[Any, str]) -> list[tuple[str, Any, str]]:
    """Items for a ChoiceCombo."""
    return [(tr("Choice", text), value, "") for value, text in table.items()]


# ------------------------------------------------------------------ history

_HEADLINES = {
    ("cases", "create"): QT_TRANSLATE_NOOP("History", "登记工单"),
    ("cases", "update"): QT_TRANSLATE_NOOP("History", "修改案件信息"),
    ("parties", "create"): QT_TRANSLATE_NOOP("History", "登记当事人"),
    ("parties", "update"): QT_TRANSLATE_NOOP("History", "修改当事人信息"),
    ("parties", "reveal_id"): QT_TRANSLATE_NOOP("History", "查看完整证件号码"),
    ("parties", "reveal_phone"): QT_TRANSLATE_NOOP("History", "查看完整电话号码"),
    ("clock_pauses", "pause"): QT_TRANSLATE_NOOP("History", "中止计时"),
    ("clock_pauses", "resume"): QT_TRANSLATE_NOOP("History", "恢复计时"),
    ("follow_ups", "create"): QT_TRANSLATE_NOOP("History", "登记回访"),
    ("notes", "create:contact"): QT_TRANSLATE_NOOP("History", "联系登记"),
    ("notes", "create:delivery"): QT_TRANSLATE_NOOP("History", "登记送达"),
    ("notes", "create:extension"): QT_TRANSLATE_NOOP("History", "登记延长期限"),
    ("mediation_sessions", "create"): QT_TRANSLATE_NOOP("History", "完成调解记录"),
    ("mediation_sessions", "addendum"): QT_TRANSLATE_NOOP("History", "补充调解记录"),
    ("attachments", "create"): QT_TRANSLATE_NOOP("History", "添加证据材料"),
    ("documents", "create"): QT_TRANSLATE_NOOP("History", "新建文书草稿"),
    ("documents", "finalize"): QT_TRANSLATE_NOOP("History", "文书定稿"),
    ("documents", "sign"): QT_TRANSLATE_NOOP("History", "登记文书签署"),
    ("documents", "void"): QT_TRANSLATE_NOOP("History", "作废文书"),
    ("documents", "new_version"): QT_TRANSLATE_NOOP("History", "制作文书新版本"),
    ("documents", "discard"): QT_TRANSLATE_NOOP("History", "删除文书草稿"),
}

_FIELDS = {
    "status": QT_TRANSLATE_NOOP("History", "状态"),
    "number": QT_TRANSLATE_NOOP("History", "编号"),
    "signed_on": QT_TRANSLATE_NOOP("History", "签署日期"),
    "rules_unverified": QT_TRANSLATE_NOOP("History", "适用规则尚未核实，经调解员确认出具"),
    "outcome": QT_TRANSLATE_NOOP("History", "办结结果"),
    "mediator_id": QT_TRANSLATE_NOOP("History", "承办人"),
    "accepted_at": QT_TRANSLATE_NOOP("History", "受理时间"),
    "assigned_at": QT_TRANSLATE_NOOP("History", "派单时间"),
    "mediation_started_at": QT_TRANSLATE_NOOP("History", "开始调解时间"),
    "closed_at": QT_TRANSLATE_NOOP("History", "办结时间"),
    "reopened_at": QT_TRANSLATE_NOOP("History", "重新办理时间"),
    "notice": QT_TRANSLATE_NOOP("History", "送达事项"),
    "to": QT_TRANSLATE_NOOP("History", "送达对象"),
    "delivered_at": QT_TRANSLATE_NOOP("History", "送达时间"),
    "clock": QT_TRANSLATE_NOOP("History", "期限"),
    "approved_by": QT_TRANSLATE_NOOP("History", "批准人"),
    "approved_at": QT_TRANSLATE_NOOP("History", "批准时间"),
    "followed_up_at": QT_TRANSLATE_NOOP("History", "回访时间"),
    "rejection_ground": QT_TRANSLATE_NOOP("History", "不予受理依据"),
    "termination_ground": QT_TRANSLATE_NOOP("History", "终止调解依据"),
    "status_reason": QT_TRANSLATE_NOOP("History", "办理说明"),
    "paused": QT_TRANSLATE_NOOP("History", "计时"),
    "source": QT_TRANSLATE_NOOP("History", "来源"),
    "kind": QT_TRANSLATE_NOOP("History", "类型"),
    "track": QT_TRANSLATE_NOOP("History", "办理程序"),
    "complainant_name": QT_TRANSLATE_NOOP("History", "投诉人"),
    "complainant_phone": QT_TRANSLATE_NOOP("History", "投诉人电话"),
    "complainant_phone_tail": QT_TRANSLATE_NOOP("History", "投诉人电话后四位"),
    "respondent_name": QT_TRANSLATE_NOOP("History", "被投诉方"),
    "amount_claimed_fen": QT_TRANSLATE_NOOP("History", "诉求金额"),
    "amount_recovered_fen": QT_TRANSLATE_NOOP("History", "挽回金额"),
    "role": QT_TRANSLATE_NOOP("History", "身份"),
    "method": QT_TRANSLATE_NOOP("History", "回访方式"),
    "note": QT_TRANSLATE_NOOP("History", "备注"),
    "sex": QT_TRANSLATE_NOOP("History", "性别"),
    "channel": QT_TRANSLATE_NOOP("History", "联系方式"),
    "contact_with": QT_TRANSLATE_NOOP("History", "联系对象"),
    "contact_result": QT_TRANSLATE_NOOP("History", "联系结果"),
    "callback_at": QT_TRANSLATE_NOOP("History", "约定回电"),
    "callback_due_at": QT_TRANSLATE_NOOP("History", "待回电"),
    "first_contact_at": QT_TRANSLATE_NOOP("History", "首次联系时间"),
    "text": QT_TRANSLATE_NOOP("History", "情况"),
    "mode": QT_TRANSLATE_NOOP("History", "调解方式"),
    "result": QT_TRANSLATE_NOOP("History", "调解结果"),
    "next_step_on": QT_TRANSLATE_NOOP("History", "下次调解日期"),
    "duration_seconds": QT_TRANSLATE_NOOP("History", "用时"),
    "addendum": QT_TRANSLATE_NOOP("History", "补充内容"),
    "filename": QT_TRANSLATE_NOOP("History", "文件名"),
    "mime_type": QT_TRANSLATE_NOOP("History", "文件类型"),
    "size": QT_TRANSLATE_NOOP("History", "大小"),
    "description": QT_TRANSLATE_NOOP("History", "说明"),
}
# Field names that mean something else on another entity.
_ENTITY_FIELDS = {
    ("clock_pauses", "reason"): QT_TRANSLATE_NOOP("History", "中止原因"),
    ("notes", "method"): QT_TRANSLATE_NOOP("History", "送达方式"),
    ("notes", "reason"): QT_TRANSLATE_NOOP("History", "延长理由"),
}

YES_NO_PAUSED = {True: QT_TRANSLATE_NOOP("History", "已中止"),
                 False: QT_TRANSLATE_NOOP("History", "计时中")}
_ID_NUMBER_MARKS = {
    "(recorded)": QT_TRANSLATE_NOOP("History", "已登记（不显示）"),
    "(hidden)": QT_TRANSLATE_NOOP("History", "（不显示）"),
    "(changed)": QT_TRANSLATE_NOOP("History", "已更改（不显示）"),
}
EMPTY = QT_TRANSLATE_NOOP("History", "（空）")


def _enum(enum: type, text: Callable[[Any], str]) -> Callable[[Any, HistoryContext], str]:
    def fmt(value: Any, ctx: HistoryContext) -> str:
        try:
            return text(enum(value))
        except ValueError:
            return str(value)
    return fmt


def _ground(enum: type) -> Callable[[Any, HistoryContext], str]:
    def fmt(value: Any, ctx: HistoryContext) -> str:
        try:
            return messages.ground_wording(enum(value)).text
        except ValueError:
            return str(value)
    return fmt


def _when(value: Any, ctx: HistoryContext) -> str:
    try:
        return formatting.china_datetime(datetime.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _day(value: Any, ctx: HistoryContext) -> str:
    try:
        return formatting.day(date.fromisoformat(str(value)[:10]))
    except ValueError:
        return str(value)


def _fen(value: Any, ctx: HistoryContext) -> str:
    try:
        return formatting.amount(from_fen(int(value)))
    except (TypeError, ValueError):
        return str(value)


def _table(table: Mapping[Any, str], context: str = "Choice"):
    return lambda value, ctx: tr(context, table[value]) if value in table else str(value)


_VALUES: dict[str, Callable[[Any, HistoryContext], str]] = {
    "status": _enum(CaseStatus, messages.status_text),
    "outcome": _enum(Outcome, messages.outcome_text),
    "kind": _enum(CaseKind, messages.kind_text),
    "track": _enum(Track, messages.track_text),
    "source": _enum(Source, messages.source_text),
    "rejection_ground": _ground(RejectionGround),
    "termination_ground": _ground(TerminationGround),
    "mediator_id": lambda value, ctx: ctx.mediators.get(str(value), str(value)),
    "received_at": _when,
    "accepted_at": _when,
    "assigned_at": _when,
    "mediation_started_at": _when,
    "closed_at": _when,
    "reopened_at": _when,
    "followed_up_at": _when,
    "delivered_at": _when,
    "approved_at": _when,
    "notice": lambda value, ctx: clock_texts.notice_text(str(value)),
    "clock": lambda value, ctx: messages.clock_kind_text(str(value)),
    "to": lambda value, ctx: messages.party_role_text(str(value), ctx.track),
    "expected_end": _day,
    "ended_on": _day,
    "birth_date": _day,
    "amount_claimed_fen": _fen,
    "amount_recovered_fen": _fen,
    "paused": _table(YES_NO_PAUSED, "History"),
    "id_number": _table(_ID_NUMBER_MARKS, "History"),
    "id_type": lambda value, ctx: messages.id_type_text(value),
    "party_type": lambda value, ctx: messages.party_type_text(value),
    "sex": lambda value, ctx: messages.sex_text(value),
    "urgency": _table(URGENCY),
    "method": lambda value, ctx: messages.follow_up_method_text(value),
    "performance": lambda value, ctx: messages.performance_text(value),
    "satisfaction": lambda value, ctx: messages.satisfaction_text(value),
    "tags": lambda value, ctx: "、".join(t for t in str(value).split(",") if t),
    # Phones stay masked in the history as everywhere else on screen (PIPL).
    "phone": lambda value, ctx: mask_phone(str(value)),
    "complainant_phone": lambda value, ctx: mask_phone(str(value)),
    "channel": lambda value, ctx: contact_texts.channel_text(str(value)),
    "contact_result": lambda value, ctx: contact_texts.result_text(str(value)),
    "callback_at": _when,
    "callback_due_at": _when,
    "first_contact_at": _when,
    "result": lambda value, ctx: session_texts.result_text(str(value)),
    "next_step_on": _day,
    "duration_seconds": lambda value, ctx: session_texts.duration_text(int(value)),
    "size": lambda value, ctx: evidence_texts.size_text(int(value)),
    # a synced attachment's name is display text only (no bidi or control marks)
    "filename": lambda value, ctx: display_name(str(value)),
}
_ENTITY_VALUES: dict[tuple[str, str], Callable[[Any, HistoryContext], str]] = {
    ("clock_pauses", "reason"): _enum(PauseReason, messages.pause_reason_text),
    ("notes", "method"): lambda value, ctx: messages.delivery_method_text(str(value)),
    ("documents", "kind"): lambda value, ctx: _document_kind(value, ctx),
    ("documents", "rules_unverified"): lambda value, ctx: tr("History", "是"),
}


def _document_kind(value: Any, ctx: HistoryContext) -> str:
    from app.core.documents import DocumentKind
    from app.ui.documents import document_texts

    try:
        return document_texts.kind_text(DocumentKind(value), ctx.track)
    except ValueError:
        return str(value)
# Bookkeeping columns that say nothing a reader needs.
_HIDDEN_FIELDS = frozenset({"complainant_phone_tail", "sha256", "pdf_sha256"})


@dataclass(frozen=True)
class HistoryContext:
    mediators: Mapping[str, str]  # mediator id -> name
    people: Mapping[str, str]  # login -> name
    track: Track = Track.MARKET_COMPLAINT


@dataclass(frozen=True)
class HistoryLine:
    when: str
    who: str
    what: str
    details: tuple[str, ...]
    reason: str

    def text(self) -> str:
        lines = [f"{self.when}　{self.who}　{self.what}", *self.details]
        if self.reason:
            lines.append(self.reason)
        return "\n".join(lines)


def field_label(entity: str, field: str) -> str:
    if (entity, field) in _ENTITY_FIELDS:
        return tr("History", _ENTITY_FIELDS[entity, field])
    if field in _FIELDS:
        return tr("History", _FIELDS[field])
    return messages.field_name(field)


def field_value(entity: str, field: str, value: Any, ctx: HistoryContext) -> str:
    if value is None or value == "":
        return tr("History", EMPTY)
    if field == "role":
        return messages.party_role_text(str(value), ctx.track)
    fmt = _ENTITY_VALUES.get((entity, field)) or _VALUES.get(field)
    return fmt(value, ctx) if fmt else str(value)


def headline(entry: AuditEntry) -> str:
    text = _HEADLINES.get((entry.entity, entry.action))
    if text is not None:
        return tr("History", text)
    if entry.action.startswith("transition:"):
        try:
            return messages.action_text(Action(entry.action.partition(":")[2]))
        except ValueError:
            pass
    return f"{entry.entity} {entry.action}"


def history_line(entry: AuditEntry, ctx: HistoryContext) -> HistoryLine:
    details = []
    for field, change in entry.changes.items():
        if field in _HIDDEN_FIELDS:
            continue
        old, new = (list(change) + [None, None])[:2] if isinstance(change, list) else (None,
                                                                                       change)
        label = field_label(entry.entity, field)
        new_text = field_value(entry.entity, field, new, ctx)
        if old is None or old == "":
            details.append(tr("History", "{field}：{new}").format(field=label, new=new_text))
        else:
            details.append(tr("History", "{field}：{old} → {new}").format(
                field=label, old=field_value(entry.entity, field, old, ctx), new=new_text))
    reason = ""
    if entry.reason:
        if entry.action in ("reveal_id", "reveal_phone"):
            reason = tr("History", "用途：{reason}").format(reason=entry.reason)
        else:
            reason = tr("History", "说明：{reason}").format(reason=entry.reason)
    return HistoryLine(
        when=formatting.china_datetime(entry.at),
        who=ctx.people.get(entry.actor, entry.actor),
        what=headline(entry),
        details=tuple(details),
        reason=reason,
    )
