"""The words of the office's own tables (case list, 日报, 周报, 每月一题): the Chinese a
supervisor reads in a workbook or a printed report. The screen's words for the same
values live in app/ui/messages.py, where Qt's translations find them; these are the
paper's, kept beside the other printed wording (app/documents/wording.py)."""

from __future__ import annotations

from app.core.workflow import CaseKind, CaseStatus, Outcome, Source, Track

STATUS: dict[CaseStatus, str] = {
    CaseStatus.RECEIVED: "待受理",
    CaseStatus.ACCEPTED: "已受理",
    CaseStatus.REJECTED: "不予受理",
    CaseStatus.ASSIGNED: "已派单",
    CaseStatus.MEDIATING: "调解中",
    CaseStatus.CLOSED: "已办结",
    CaseStatus.FOLLOWED_UP: "已回访",
    CaseStatus.RATED: "已评价",
}

SOURCE: dict[Source, str] = {
    Source.HOTLINE_12315: "12315",
    Source.HOTLINE_12345: "12345",
    Source.WALK_IN: "来访",
    Source.PHONE: "来电",
    Source.ONLINE: "网上",
    Source.TRANSFER: "转办",
}

KIND: dict[CaseKind, str] = {
    CaseKind.COMPLAINT: "投诉",
    CaseKind.REPORT: "举报",
    CaseKind.INQUIRY: "咨询",
}

TRACK: dict[Track, str] = {
    Track.PEOPLES_MEDIATION: "人民调解",
    Track.MARKET_COMPLAINT: "市场监管投诉",
}

OUTCOME: dict[Outcome, str] = {
    Outcome.SETTLED: "调解成功",
    Outcome.TERMINATED: "终止调解",
    Outcome.REFERRED: "转立案",
    Outcome.ANSWERED: "已答复",
    Outcome.NO_CASE: "不予立案",
}


def word(table: dict, value: str | None) -> str:
    """The word for a stored value; an unknown value (a newer version's) as stored."""
    if value is None or value == "":
        return ""
    for key, text in table.items():
        if key.value == value:
            return text
    return value
