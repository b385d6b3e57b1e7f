"""The words of a warning (预警): what the rule saw, said as a fact, and whether someone
has acknowledged it. A repeat complainant is a number of work orders from one phone,
never a label on the person."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.core.warnings import WarningRule
from app.core.workflow import Source
from app.services.warnings import WarningView
from app.ui import formatting, messages


def _tr(text: str) -> str:
    return QCoreApplication.translate("Warning", text)


def _sources(values: list[str]) -> str:
    words = []
    for value in values:
        try:
            words.append(messages.source_text(Source(value)))
        except ValueError:
            words.append(value)
    return "、".join(words)


def fact_text(w: WarningView) -> str:
    """What the rule saw, e.g. 7 日内 5 件投诉指向同一经营者."""
    peak = w.detail.get("peak") if isinstance(w.detail.get("peak"), int) else w.count
    if w.rule == WarningRule.BUSINESS_VOLUME:
        text = _tr("{days} 日内 {peak} 件工单指向同一经营者").format(days=w.window_days,
                                                                  peak=peak)
    elif w.rule == WarningRule.REPEAT_PHONE:
        text = _tr("同一号码 {days} 日内 {peak} 次诉求").format(days=w.window_days, peak=peak)
    elif w.rule == WarningRule.KEYWORD:
        text = _tr("出现关键词：{words}").format(
            words="、".join(w.detail.get("keywords") or []))
    elif w.rule == WarningRule.KEY_CATEGORY:
        text = _tr("三品一特：{category}").format(category=w.detail.get("category", ""))
    elif w.rule == WarningRule.MULTI_CHANNEL:
        text = _tr("同一纠纷经{sources}等多个渠道反映").format(
            sources=_sources(w.detail.get("sources") or []))
    else:
        text = str(w.rule)
    return text + _tr("（共 {count} 件）").format(count=w.count)


def status_text(w: WarningView) -> str:
    if w.acknowledged_at is None:
        return _tr("未确认")
    if w.grown_since_ack:
        return _tr("确认后新增 {n} 件").format(n=w.grown_since_ack)
    return _tr("已确认")


def acknowledged_text(w: WarningView) -> str:
    """Who acknowledged it, when, and their note; or that nobody has yet."""
    if w.acknowledged_at is None:
        return _tr("尚未确认。")
    text = _tr("{name} 于 {at} 确认").format(
        name=w.acknowledged_by, at=formatting.china_datetime(w.acknowledged_at))
    if w.ack_note:
        text += _tr("：{note}").format(note=w.ack_note)
    else:
        text += _tr("（未填写说明）")
    if w.grown_since_ack:
        text += _tr("\n确认之后又新增 {n} 件，需再次确认。").format(n=w.grown_since_ack)
    return text


def rule_threshold_text(w: WarningView) -> str:
    """The rule as it stood when the warning fired."""
    rule = messages.warning_rule_text(w.rule)
    if w.threshold and w.window_days:
        return _tr("{rule}（{days} 日内 {n} 件及以上）").format(
            rule=rule, days=w.window_days, n=w.threshold)
    if w.window_days:
        return _tr("{rule}（{days} 日内）").format(rule=rule, days=w.window_days)
    return rule
