"""Words of the session-record screens (Qt Linguist context "Session")."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

from app.core.group_sessions import GroupRole
from app.core.sessions import SessionMode, SessionResult, TextField
from app.core.workflow import Track
from app.services.sessions import SessionFinished, SessionNotFound
from app.ui import messages
from app.ui.messages import tr

MODES = {
    SessionMode.PHONE: QT_TRANSLATE_NOOP("Session", "电话"),
    SessionMode.VIDEO: QT_TRANSLATE_NOOP("Session", "视频"),
    SessionMode.WECHAT: QT_TRANSLATE_NOOP("Session", "微信"),
    SessionMode.ON_SITE: QT_TRANSLATE_NOOP("Session", "现场"),
    SessionMode.AT_HOME: QT_TRANSLATE_NOOP("Session", "居家"),
    SessionMode.HOME_VISIT: QT_TRANSLATE_NOOP("Session", "上门"),
}

RESULTS = {
    SessionResult.AGREED: QT_TRANSLATE_NOOP("Session", "达成协议"),
    SessionResult.PARTIAL: QT_TRANSLATE_NOOP("Session", "部分达成"),
    SessionResult.NONE: QT_TRANSLATE_NOOP("Session", "未达成协议"),
    SessionResult.NEXT_STEP: QT_TRANSLATE_NOOP("Session", "继续调解"),
}

TEXT_FIELDS = {
    TextField.STATEMENT: QT_TRANSLATE_NOOP("Session", "当事人陈述"),
    TextField.EVIDENCE: QT_TRANSLATE_NOOP("Session", "证据情况"),
    TextField.PROPOSALS: QT_TRANSLATE_NOOP("Session", "调解意见"),
    TextField.RESPONSES: QT_TRANSLATE_NOOP("Session", "各方意见"),
    TextField.NEXT_STEP: QT_TRANSLATE_NOOP("Session", "下一步"),
}

# The people at a group session (群体调解) as a member's record lists them.
GROUP_ROLES = {
    GroupRole.BUSINESS_REPRESENTATIVE: QT_TRANSLATE_NOOP("Session", "经营者代表"),
    GroupRole.COMPLAINANT_REPRESENTATIVE: QT_TRANSLATE_NOOP("Session", "投诉人代表"),
}

# The parts a finish can find wrong, by the service's field names.
PARTS = {
    "mode": QT_TRANSLATE_NOOP("Session", "调解方式"),
    "participants": QT_TRANSLATE_NOOP("Session", "参加人"),
    "statements": QT_TRANSLATE_NOOP("Session", "陈述或调解意见"),
    "result": QT_TRANSLATE_NOOP("Session", "调解结果"),
    "next_step_on": QT_TRANSLATE_NOOP("Session", "下次调解日期"),
    "place": QT_TRANSLATE_NOOP("Session", "地点"),
    "evidence": QT_TRANSLATE_NOOP("Session", "证据情况"),
    "proposals": QT_TRANSLATE_NOOP("Session", "调解意见"),
    "responses": QT_TRANSLATE_NOOP("Session", "各方意见"),
    "next_step": QT_TRANSLATE_NOOP("Session", "下一步"),
    "text": QT_TRANSLATE_NOOP("Session", "补充内容"),
    "title": QT_TRANSLATE_NOOP("Session", "标题"),
    "body": QT_TRANSLATE_NOOP("Session", "内容"),
    "fields": QT_TRANSLATE_NOOP("Session", "模板内容"),
    "field": QT_TRANSLATE_NOOP("Session", "适用栏目"),
}

def mode_text(mode: str) -> str:
    try:
        return tr("Session", MODES[SessionMode(mode)])
    except ValueError:
        return mode


def result_text(result: str) -> str:
    try:
        return tr("Session", RESULTS[SessionResult(result)])
    except ValueError:
        return result


def role_text(role: str) -> str:
    """A participant's role as the record names it (people's mediation wording; the
    representatives at a group session as such)."""
    if role in GROUP_ROLES:
        return tr("Session", GROUP_ROLES[GroupRole(role)])
    return messages.party_role_text(role, Track.PEOPLES_MEDIATION)


def participant_text(name: str, role: str) -> str:
    role = role_text(role)
    return f"{name}（{role}）" if role else name


def part_text(part: str) -> str:
    if part.startswith("statement:"):
        return tr("Session", "{name}的陈述").format(name=part.partition(":")[2])
    return tr("Session", PARTS[part]) if part in PARTS else part


def problems_text(problems: dict) -> str:
    """One line per part: '调解结果：必填' in the words every form uses."""
    return "\n".join(f"{part_text(k)}：{messages.field_problem_text(v)}"
                     for k, v in problems.items())


def duration_text(seconds: int | None) -> str:
    if seconds is None:
        return ""
    hours, rest = divmod(max(0, seconds), 3600)
    minutes = rest // 60
    if hours:
        return tr("Session", "{h} 小时 {m} 分钟").format(h=hours, m=minutes)
    return tr("Session", "{m} 分钟").format(m=max(1, minutes) if seconds else 0)


def clock_text(seconds: int) -> str:
    hours, rest = divmod(max(0, seconds), 3600)
    return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


messages.register_explainer(SessionNotFound, lambda e: tr(
    "Session", "找不到这份调解记录或草稿，可能已被完成或放弃。"))
messages.register_explainer(SessionFinished, lambda e: tr(
    "Session", "这份调解记录已经完成，不能再修改；如需更正，请添加补充说明。"))
