"""Words of the group-session screens (Qt Linguist context "GroupSession"): how a member
took part, who sat at the table, and what a recording refused."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

from app.core.group_sessions import Attendance
from app.services.errors import ValidationFailed
from app.ui import messages
from app.ui.messages import tr
from app.ui.session import session_texts

CONTEXT = "GroupSession"

ATTENDANCE = {
    Attendance.ATTENDED: QT_TRANSLATE_NOOP("GroupSession", "本人参加"),
    Attendance.REPRESENTED: QT_TRANSLATE_NOOP("GroupSession", "由代表参加"),
    Attendance.ABSENT: QT_TRANSLATE_NOOP("GroupSession", "未参加"),
}
NOT_RECORDED = QT_TRANSLATE_NOOP("GroupSession", "不记入")

# The parts a recording can find wrong, by the service's field names.
PARTS = {
    "business_representative": QT_TRANSLATE_NOOP("GroupSession", "经营者代表"),
    "complainant_representatives": QT_TRANSLATE_NOOP("GroupSession", "投诉人代表"),
    "members": QT_TRANSLATE_NOOP("GroupSession", "记入的成员"),
    "ended_at": QT_TRANSLATE_NOOP("GroupSession", "结束时间"),
}


def attendance_text(value: str | None) -> str:
    """How a member took part; None: the session is not recorded in their case."""
    if not value:
        return tr(CONTEXT, NOT_RECORDED)
    try:
        return tr(CONTEXT, ATTENDANCE[Attendance(value)])
    except ValueError:  # written by a newer version
        return value


def problems_text(error: ValidationFailed) -> str:
    """One line per part, in the words of the dialog's own captions."""
    lines = []
    for part, problem in error.problems.items():
        name = tr(CONTEXT, PARTS[part]) if part in PARTS else session_texts.part_text(part)
        lines.append(f"{name}：{messages.field_problem_text(problem)}")
    return "\n".join(lines)
