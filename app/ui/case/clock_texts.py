"""Words of a case's clock records (context "ClockRecords"): who a notice is owed to, how
it was served (送达), an approved extension. Shared by the overview, its dialogs and the
工作记录 tab."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from app.core.deadlines import ClockKind
from app.core.parties import PartyRole
from app.services.dto import CaseDetail, DeliveryView
from app.ui import formatting, messages

# What a notice tells, as the dialog and the overview name it.
NOTICES = {
    ClockKind.TERMINATION_NOTICE: QT_TRANSLATE_NOOP("ClockRecords", "终止调解决定"),
    ClockKind.REPORT_NOTICE: QT_TRANSLATE_NOOP("ClockRecords", "举报处理结果（是否立案）"),
}


def tr(text: str) -> str:
    return QCoreApplication.translate("ClockRecords", text)


def notice_text(kind: ClockKind | str) -> str:
    try:
        return tr(NOTICES[ClockKind(kind)])
    except (KeyError, ValueError):
        return messages.clock_kind_text(kind)


def party_names(case: CaseDetail, role: PartyRole) -> str:
    """The names of the case's parties in ``role``; the reporter is the first party of a
    report whatever role it was recorded in."""
    names = [p.name for p in case.parties if p.role == role]
    if not names and role is PartyRole.REPORTER and case.parties:
        names = [case.parties[0].name]
    return "、".join(names)


def party_label(case: CaseDetail, role: PartyRole) -> str:
    """投诉人 李秀英 (the role as the case's track words it, then the names)."""
    role_text = messages.party_role_text(role, case.track)
    names = party_names(case, role)
    return f"{role_text} {names}" if names else role_text


def delivery_text(case: CaseDetail, delivery: DeliveryView) -> str:
    """2026-03-03 10:00 短信送达（备注）."""
    text = tr("{when} {method}送达").format(
        when=formatting.china_datetime(delivery.delivered_at),
        method=messages.delivery_method_text(delivery.method))
    return text + (tr("（{note}）").format(note=delivery.note) if delivery.note else "")


def told_text(case: CaseDetail, kind: ClockKind, role: PartyRole,
              decided_at: datetime) -> str:
    """How ``role`` was told of the notice's decision: its first 送达 since, or 尚未送达."""
    found = [d for d in case.deliveries
             if d.notice is kind and d.to is role and d.delivered_at >= decided_at]
    if not found:
        return tr("尚未送达")
    return delivery_text(case, min(found, key=lambda d: d.delivered_at))
