"""Every user-facing word for codes and enums, in one place, for Qt Linguist.

Core and services return enums and typed errors; this module turns them into Chinese.
Tables are marked with ``QT_TRANSLATE_NOOP(context, text)`` so ``pyside6-lupdate`` finds
the strings, and looked up through ``QCoreApplication.translate`` at run time (Picard's
``N_()`` pattern). A member missing from a table shows its stored value (a test walks every member).

The official wording of legal grounds (不予受理 / 终止调解) is quoted from the rules and
shown as is: it is the documents' wording (app.documents.wording), not interface text.
"""

from __future__ import annotations

import errno
import functools
from collections.abc import Callable, Mapping
from enum import Enum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDir

from app.core.calendar import CalendarSource
from app.core.deadlines import ClockKind, ClockStart, DueStatus, Unit
from app.core.delivery import DeliveryMethod
from app.core.errors import DomainError, TransitionErrorCode, UserFacingError
from app.core.follow_ups import FollowUpMethod, Performance, Satisfaction
from app.core.holiday_notice import NoticeError, NoticeProblem
from app.core.parties import IdType, PartyRole, PartyType, Sex
from app.core.users import UserRole
from app.core.work_order_import import ImportField, ValueProblem
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
from app.documents.wording import GroundWording
from app.documents.wording import ground_wording as wording_ground
from app.services import work_order_words
from app.services.calendar_admin import NotAdministrator
from app.services.errors import (
    CaseNotFound,
    CentrallyManaged,
    ClockError,
    ClockProblem,
    FieldProblem,
    StaleCase,
    ValidationFailed,
)
from app.services.office_profile import ProfileField, ProfileProblem, ProfileRefused
from app.services.rule_admin import RuleEditRefused
from app.services.store_keys import PassphraseRefused
from app.services.sync import ConflictGone, LinkError, LinkProblem
from app.services.work_order_files import WorkOrderFileError
from app.store.audit_chain import Break, Problem
from app.store.errors import StoreError, StoreErrorCode
from app.sync.central import CentralError, CentralErrorCode


def tr(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)


def _lookup(context: str, table: Mapping[Enum, str], member: Enum) -> str:
    text = table.get(member)
    if text is not None:
        return tr(context, text)
    return str(getattr(member, "value", member))


# ------------------------------------------------------------------ store errors

STORE_ERROR_TITLE = QT_TRANSLATE_NOOP("StoreError", "无法打开数据文件")

_STORE_ERRORS = {
    StoreErrorCode.UNWRITABLE_DIR: QT_TRANSLATE_NOOP(
        "StoreError",
        "数据文件夹无法写入：\n{path}\n\n请检查该文件夹是否存在、磁盘空间是否充足，"
        "以及当前用户是否有写入权限。",
    ),
    StoreErrorCode.NOT_A_STORE: QT_TRANSLATE_NOOP(
        "StoreError",
        "该文件不是调解工作台的数据文件：\n{path}\n\n软件未做任何修改。"
        "请确认选择的数据文件夹是否正确。",
    ),
    StoreErrorCode.CORRUPT: QT_TRANSLATE_NOOP(
        "StoreError",
        "数据文件已损坏，无法打开：\n{path}\n\n软件未做任何修改。"
        "请从 backups 文件夹恢复最近的备份，或联系管理员。",
    ),
    StoreErrorCode.NEWER_VERSION: QT_TRANSLATE_NOOP(
        "StoreError",
        "数据文件由更新版本的调解工作台创建，当前版本无法打开：\n{path}\n\n"
        "软件未做任何修改。请升级软件后再打开。",
    ),
    StoreErrorCode.LOCKED: QT_TRANSLATE_NOOP(
        "StoreError",
        "数据文件正被其他程序占用：\n{path}\n\n"
        "请关闭其他正在使用该文件的调解工作台窗口后重试。",
    ),
    StoreErrorCode.MIGRATION_FAILED: QT_TRANSLATE_NOOP(
        "StoreError",
        "数据文件升级失败：\n{path}\n\n升级前已备份到 {backups} 文件夹。"
        "请联系管理员并提供本提示。",
    ),
    StoreErrorCode.BACKUP_FAILED: QT_TRANSLATE_NOOP(
        "StoreError",
        "升级数据文件前的备份没有成功（备份不完整或无法通过检查，常见原因是磁盘空间不足）：\n"
        "{path}\n\n数据文件未做任何修改，也没有升级；不完整的备份已删除。"
        "请腾出至少与数据文件同样大小的磁盘空间后重新打开。",
    ),
    StoreErrorCode.KEY_NEEDED: QT_TRANSLATE_NOOP(
        "StoreError",
        "数据文件已加密，需要密钥才能打开：\n{path}\n\n软件未做任何修改。"
        "请在有人操作时打开调解工作台，输入启动密码或恢复码解锁。",
    ),
    StoreErrorCode.WRONG_KEY: QT_TRANSLATE_NOOP(
        "StoreError",
        "密钥不正确，无法解开加密的数据文件：\n{path}\n\n软件未做任何修改。"
        "请使用创建数据文件时记下的恢复码解锁。",
    ),
    StoreErrorCode.ENCRYPT_FAILED: QT_TRANSLATE_NOOP(
        "StoreError",
        "数据文件加密未完成：\n{path}\n\n原数据文件未做任何修改，仍可照常使用。"
        "请检查磁盘空间后重试。",
    ),
}

DAMAGED_PAGES = QT_TRANSLATE_NOOP("StoreError", "损坏位置：数据文件第 {pages} 页。")
DAMAGED_TABLES = QT_TRANSLATE_NOOP("StoreError", "涉及：{tables}。")
DAMAGE_FOUND_TITLE = QT_TRANSLATE_NOOP("StoreError", "数据文件有损坏")
DAMAGE_FOUND = QT_TRANSLATE_NOOP(
    "StoreError",
    "后台检查发现数据文件有损坏：\n{path}\n\n{where}\n\n损坏部分的案件可能显示不全或无法保存。"
    "请尽快关闭软件，把数据文件夹中的 backups 文件夹里最近的备份交给管理员恢复；"
    "在此之前请不要继续录入重要内容。",
)


def store_error_title() -> str:
    return tr("StoreError", STORE_ERROR_TITLE)


NEW_STORE_FAILED = QT_TRANSLATE_NOOP(
    "StoreError",
    "无法在此文件夹中建立数据文件：\n{path}\n\n请检查磁盘空间和文件夹权限后重试。",
)


def store_error_text(error: StoreError) -> str:
    path = Path(error.path)
    template = tr("StoreError", _STORE_ERRORS[error.code])
    if error.code is StoreErrorCode.MIGRATION_FAILED and error.backup is None:
        template = tr("StoreError", NEW_STORE_FAILED)  # no backup exists to point to
    text = template.format(path=path, backups=path.parent / "backups")
    if error.pages:
        text += "\n" + tr("StoreError", DAMAGED_PAGES).format(pages=page_list(error.pages))
    return text


def page_list(pages: tuple[int, ...] | list[int], limit: int = 12) -> str:
    shown = "、".join(f"{p:,}" for p in pages[:limit])
    return shown + (f" 等 {len(pages)} 处" if len(pages) > limit else "")


_STORE_TABLES = {
    "case_search": QT_TRANSLATE_NOOP("StoreError", "搜索索引"),  # and its FTS5 shadow tables
    "case_tags": QT_TRANSLATE_NOOP("StoreError", "案件标签"),
    "sync_outbox": QT_TRANSLATE_NOOP("StoreError", "待发送的修改"),
    "local_meta": QT_TRANSLATE_NOOP("StoreError", "本机设置"),
}


def _store_table_text(table: str) -> str:
    for prefix, words in _STORE_TABLES.items():
        if table.startswith(prefix):
            return tr("StoreError", words)
    return table_text(table)


def damage_text(path: Path, pages: tuple[int, ...], tables: tuple[str, ...]) -> str:
    """What a background check of the store found, in words (DAMAGE_FOUND)."""
    where = [tr("StoreError", DAMAGED_PAGES).format(pages=page_list(pages))] if pages else []
    if tables:
        where.append(tr("StoreError", DAMAGED_TABLES).format(
            tables="、".join(dict.fromkeys(_store_table_text(t) for t in tables))))
    return tr("StoreError", DAMAGE_FOUND).format(path=path, where="".join(where) or "—")


# ------------------------------------------------------------------ field problems

_FIELD_PROBLEMS = {
    FieldProblem.REQUIRED: QT_TRANSLATE_NOOP("FieldProblem", "必填"),
    FieldProblem.TOO_LONG: QT_TRANSLATE_NOOP("FieldProblem", "内容过长"),
    FieldProblem.INVALID_PHONE: QT_TRANSLATE_NOOP(
        "FieldProblem", "电话号码格式不正确：手机 11 位，如 13812345678；座机带区号，如 021-58881234"),
    FieldProblem.INVALID_ID: QT_TRANSLATE_NOOP(
        "FieldProblem", "身份证号码校验位或出生日期不正确"
    ),
    FieldProblem.INVALID_USCC: QT_TRANSLATE_NOOP("FieldProblem", "统一社会信用代码校验位不正确"),
    FieldProblem.INVALID_AMOUNT: QT_TRANSLATE_NOOP(
        "FieldProblem", "金额格式不正确（最多两位小数，不能为负数）"
    ),
    FieldProblem.INVALID_CHOICE: QT_TRANSLATE_NOOP("FieldProblem", "选项无效"),
    FieldProblem.INVALID_DATE: QT_TRANSLATE_NOOP("FieldProblem", "日期不正确"),
    FieldProblem.UNKNOWN_MEDIATOR: QT_TRANSLATE_NOOP("FieldProblem", "承办人不存在或已停用"),
    FieldProblem.NOT_IN_RULES: QT_TRANSLATE_NOOP(
        "FieldProblem", "本案受理时适用的规则中没有这一理由（按收到日期确定适用的规则）"),
    FieldProblem.TOO_EARLY: QT_TRANSLATE_NOOP(
        "FieldProblem", "调解期限尚未届满，不能以“调解期限内未能达成调解协议”终止"),
    FieldProblem.IN_FUTURE: QT_TRANSLATE_NOOP("FieldProblem", "不能晚于现在"),
    FieldProblem.BEFORE_ACCEPTANCE: QT_TRANSLATE_NOOP(
        "FieldProblem", "不能早于受理日期：受理之前没有需要中止的期限"),
    FieldProblem.BEFORE_DECISION: QT_TRANSLATE_NOOP(
        "FieldProblem", "不能早于作出该决定的时间：送达的是这一决定"),
    FieldProblem.NOT_OWED: QT_TRANSLATE_NOOP("FieldProblem", "该告知不需要送达这一方"),
    FieldProblem.BEFORE_START: QT_TRANSLATE_NOOP(
        "FieldProblem", "不能早于该期限开始计算的时间"),
    FieldProblem.TOO_LATE: QT_TRANSLATE_NOOP(
        "FieldProblem", "核查期限届满之后不能再批准延长"),
}

_FIELD_NAMES = {
    "rejection_ground": QT_TRANSLATE_NOOP("FieldName", "不予受理依据"),
    "termination_ground": QT_TRANSLATE_NOOP("FieldName", "终止依据"),
    "source_ticket": QT_TRANSLATE_NOOP("FieldName", "工单号"),
    "title": QT_TRANSLATE_NOOP("FieldName", "标题"),
    "description": QT_TRANSLATE_NOOP("FieldName", "投诉内容"),
    "complainant_name": QT_TRANSLATE_NOOP("FieldName", "投诉人"),
    "respondent_name": QT_TRANSLATE_NOOP("FieldName", "被投诉方"),
    "entered_by": QT_TRANSLATE_NOOP("FieldName", "录入人"),
    "request": QT_TRANSLATE_NOOP("FieldName", "诉求"),
    "category": QT_TRANSLATE_NOOP("FieldName", "类别"),
    "issue_type": QT_TRANSLATE_NOOP("FieldName", "问题类型"),
    "region": QT_TRANSLATE_NOOP("FieldName", "区域"),
    "tags": QT_TRANSLATE_NOOP("FieldName", "标签"),
    "urgency": QT_TRANSLATE_NOOP("FieldName", "紧急程度"),
    "received_at": QT_TRANSLATE_NOOP("FieldName", "收到时间"),
    "amount_claimed": QT_TRANSLATE_NOOP("FieldName", "诉求金额"),
    "amount_recovered": QT_TRANSLATE_NOOP("FieldName", "挽回金额"),
    "mediator_id": QT_TRANSLATE_NOOP("FieldName", "承办人"),
    "satisfaction": QT_TRANSLATE_NOOP("FieldName", "满意度"),
    "performance": QT_TRANSLATE_NOOP("FieldName", "履行情况"),
    "expected_end": QT_TRANSLATE_NOOP("FieldName", "预计结束日期"),
    "started_on": QT_TRANSLATE_NOOP("FieldName", "中止开始日期"),
    "notice": QT_TRANSLATE_NOOP("FieldName", "送达事项"),
    "to": QT_TRANSLATE_NOOP("FieldName", "送达对象"),
    "method": QT_TRANSLATE_NOOP("FieldName", "送达方式"),
    "delivered_at": QT_TRANSLATE_NOOP("FieldName", "送达时间"),
    "note": QT_TRANSLATE_NOOP("FieldName", "备注"),
    "approved_by": QT_TRANSLATE_NOOP("FieldName", "批准人"),
    "approved_at": QT_TRANSLATE_NOOP("FieldName", "批准时间"),
    "ended_on": QT_TRANSLATE_NOOP("FieldName", "结束日期"),
    "reason": QT_TRANSLATE_NOOP("FieldName", "说明"),
    "name": QT_TRANSLATE_NOOP("FieldName", "姓名或名称"),
    "phone": QT_TRANSLATE_NOOP("FieldName", "联系电话"),
    "address": QT_TRANSLATE_NOOP("FieldName", "地址"),
    "id_number": QT_TRANSLATE_NOOP("FieldName", "证件号码"),
    "id_type": QT_TRANSLATE_NOOP("FieldName", "证件类型"),
    "party_type": QT_TRANSLATE_NOOP("FieldName", "当事人类型"),
    "birth_date": QT_TRANSLATE_NOOP("FieldName", "出生日期"),
    "occupation": QT_TRANSLATE_NOOP("FieldName", "职业"),
    "employer": QT_TRANSLATE_NOOP("FieldName", "工作单位"),
    "representative": QT_TRANSLATE_NOOP("FieldName", "法定代表人"),
    "ethnicity": QT_TRANSLATE_NOOP("FieldName", "民族"),
}

_FIELD_PREFIXES = {
    "complainant": QT_TRANSLATE_NOOP("FieldName", "投诉人"),
    "respondent": QT_TRANSLATE_NOOP("FieldName", "被投诉方"),
}


def field_problem_text(problem: FieldProblem) -> str:
    return _lookup("FieldProblem", _FIELD_PROBLEMS, problem)


def field_name(field: str) -> str:
    prefix, _, name = field.rpartition(".")
    text = tr("FieldName", _FIELD_NAMES[name]) if name in _FIELD_NAMES else name
    if prefix in _FIELD_PREFIXES:
        text = tr("FieldName", _FIELD_PREFIXES[prefix]) + text
    return text


def validation_text(error: ValidationFailed) -> str:
    return "\n".join(
        f"{field_name(f)}：{field_problem_text(p)}" for f, p in error.problems.items()
    )


# ------------------------------------------------------------------ sync

_CENTRAL_ERRORS = {
    CentralErrorCode.BAD_URL: QT_TRANSLATE_NOOP(
        "Sync", "中心数据库地址填写有误，请检查服务器、端口和数据库名。"),
    CentralErrorCode.UNREACHABLE: QT_TRANSLATE_NOOP(
        "Sync", "连不上中心数据库。请检查网络连接和服务器地址；如在外办公，请先连接单位网络"
                "（VPN）。"),
    CentralErrorCode.AUTH_FAILED: QT_TRANSLATE_NOOP(
        "Sync", "登录名或密码不正确。请重新输入；忘记密码请联系单位管理员。"),
    CentralErrorCode.NOT_INITIALISED: QT_TRANSLATE_NOOP(
        "Sync", "该数据库还不是调解工作台的中心数据库，请联系管理员先完成初始化。"),
    CentralErrorCode.SCHEMA_MISMATCH: QT_TRANSLATE_NOOP(
        "Sync", "中心数据库与本软件的版本不一致，请联系管理员升级。"),
    CentralErrorCode.NOT_A_USER: QT_TRANSLATE_NOOP(
        "Sync", "中心数据库中没有这个登录名的在岗用户，请联系管理员添加。"),
    CentralErrorCode.TLS_UNAVAILABLE: QT_TRANSLATE_NOOP(
        "Sync", "中心数据库不支持加密连接，而本机要求加密（密码和案件数据不能以明文经过网络）。"
                "请联系管理员为服务器启用 TLS；只有在可信的单位内网中，才可在“加密方式”中改选"
                "“优先加密”。"),
}

_LINK_PROBLEMS = {
    LinkProblem.STORE_HAS_DATA: QT_TRANSLATE_NOOP(
        "Sync", "本机已经录入了案件，不能直接连接中心数据库：连接后本机的数据将全部来自中心。"
                "\n请请管理员把本机的案件导入中心数据库，再用一个新的数据文件夹连接。"),
    LinkProblem.ALREADY_LINKED: QT_TRANSLATE_NOOP(
        "Sync", "本机的数据已属于另一个中心数据库或另一个所，不能改连到这里。"),
    LinkProblem.NOT_A_USER: QT_TRANSLATE_NOOP(
        "Sync", "中心数据库中没有这个登录名的在岗用户，请联系管理员添加或启用。"),
    LinkProblem.NO_SCHEMA: QT_TRANSLATE_NOOP(
        "Sync", "该数据库还不是调解工作台的中心数据库（尚未初始化），请联系管理员。"),
    LinkProblem.OLD_SCHEMA: QT_TRANSLATE_NOOP(
        "Sync", "中心数据库的版本与本软件不一致，请联系管理员升级中心数据库或本软件。"),
}

CONFLICT_GONE = QT_TRANSLATE_NOOP("Sync", "该项已在别处处理，列表已刷新。")

_CONFLICT_KINDS = {
    "field": QT_TRANSLATE_NOOP("Sync", "同一内容被两处修改"),
    "edit_deleted": QT_TRANSLATE_NOOP("Sync", "案件已在中心被删除，此修改未生效"),
    "delete_edited": QT_TRANSLATE_NOOP("Sync", "删除未生效：案件已在中心被修改"),
    "duplicate_ticket": QT_TRANSLATE_NOOP("Sync", "同一工单被重复录入"),
    "final_document": QT_TRANSLATE_NOOP("Sync", "文书已定稿，此修改未进入定稿文书"),
}

_ATTENTION_REASONS = {
    "not_found": QT_TRANSLATE_NOOP("Sync", "案件不在本所（可能已移交其他所）"),
    "permission": QT_TRANSLATE_NOOP("Sync", "无权限"),
    "invalid": QT_TRANSLATE_NOOP("Sync", "数据不合规"),
    "exists": QT_TRANSLATE_NOOP("Sync", "中心已有相同的记录"),
    "moved": QT_TRANSLATE_NOOP("Sync", "案件已移交其他所"),
    "audit_mismatch": QT_TRANSLATE_NOOP(
        "Sync", "中心数据库中的这条操作记录与本机写入的不一致（可能被改动过）"),
}

_TABLE_NAMES = {
    "cases": QT_TRANSLATE_NOOP("Sync", "案件"),
    "parties": QT_TRANSLATE_NOOP("Sync", "当事人"),
    "notes": QT_TRANSLATE_NOOP("Sync", "备注"),
    "mediation_sessions": QT_TRANSLATE_NOOP("Sync", "调解记录"),
    "follow_ups": QT_TRANSLATE_NOOP("Sync", "回访"),
    "documents": QT_TRANSLATE_NOOP("Sync", "文书"),
    "attachments": QT_TRANSLATE_NOOP("Sync", "附件"),
    "clock_pauses": QT_TRANSLATE_NOOP("Sync", "计时中止"),
    "audit_events": QT_TRANSLATE_NOOP("Sync", "操作记录"),
    "mediators": QT_TRANSLATE_NOOP("Sync", "人员"),
    "offices": QT_TRANSLATE_NOOP("Sync", "所"),
    "office_settings": QT_TRANSLATE_NOOP("Sync", "本所设置"),
    "phrases": QT_TRANSLATE_NOOP("Sync", "常用语、模板和条款"),
}


def central_error_text(error: CentralError) -> str:
    return _lookup("Sync", _CENTRAL_ERRORS, error.code)


def link_problem_text(problem: LinkProblem) -> str:
    return _lookup("Sync", _LINK_PROBLEMS, problem)


def conflict_kind_text(kind: str) -> str:
    return tr("Sync", _CONFLICT_KINDS[kind]) if kind in _CONFLICT_KINDS else kind


def attention_reason_text(code: str, detail: str = "") -> str:
    if code in _ATTENTION_REASONS:
        return tr("Sync", _ATTENTION_REASONS[code])
    return detail or code


_AUDIT_BREAKS = {
    Problem.CHANGED: QT_TRANSLATE_NOOP(
        "Audit", "第 {seq} 条操作记录（{at}）的内容、操作人或时间被改动过。"),
    Problem.MISSING: QT_TRANSLATE_NOOP(
        "Audit", "第 {seq} 条操作记录（其后一条记于 {at}）被删除了。"),
    Problem.OUT_OF_CHAIN: QT_TRANSLATE_NOOP(
        "Audit", "有一条操作记录（{at}）不是由本程序写入的。"),
    Problem.TRUNCATED: QT_TRANSLATE_NOOP(
        "Audit", "从第 {seq} 条起最后的几条操作记录被删除了。"),
}


def audit_break_text(broken: Break) -> str:
    """The first broken link of the store's audit chain, in words."""
    at = "—"
    if broken.at:
        from datetime import UTC, datetime

        from app.ui.formatting import china_datetime

        try:
            at = china_datetime(datetime.fromisoformat(broken.at).replace(tzinfo=UTC))
        except ValueError:
            at = broken.at
    return tr("Audit", _AUDIT_BREAKS[broken.problem]).format(seq=broken.seq, at=at)


def table_text(table: str) -> str:
    return tr("Sync", _TABLE_NAMES[table]) if table in _TABLE_NAMES else table


def offline_text(error: BaseException) -> str:
    """Why the central database cannot be reached, for the 离线 indicator's tooltip."""
    if isinstance(error, CentralError):
        return central_error_text(error)
    return tr("Sync", _CENTRAL_ERRORS[CentralErrorCode.UNREACHABLE])


# ------------------------------------------------------------------ workflow errors

_TRANSITION_ERRORS = {
    TransitionErrorCode.NOT_ALLOWED: QT_TRANSLATE_NOOP(
        "TransitionError", "案件当前状态下不能进行此操作，请刷新后重试。"
    ),
    TransitionErrorCode.GROUND_REQUIRED: QT_TRANSLATE_NOOP("TransitionError", "请选择理由依据。"),
    TransitionErrorCode.GROUND_WRONG_TRACK: QT_TRANSLATE_NOOP(
        "TransitionError", "所选理由不适用于本案件的办理类型。"
    ),
    TransitionErrorCode.GROUND_NOT_APPLICABLE: QT_TRANSLATE_NOOP(
        "TransitionError", "此操作不需要选择理由依据。"
    ),
    TransitionErrorCode.MEDIATOR_REQUIRED: QT_TRANSLATE_NOOP("TransitionError", "请选择承办人。"),
    TransitionErrorCode.MEDIATOR_UNCHANGED: QT_TRANSLATE_NOOP(
        "TransitionError", "案件已由该承办人承办，请选择其他承办人。"
    ),
    TransitionErrorCode.OUTCOME_REQUIRED: QT_TRANSLATE_NOOP("TransitionError", "请选择办结结果。"),
    TransitionErrorCode.OUTCOME_WRONG_KIND: QT_TRANSLATE_NOOP(
        "TransitionError", "该办结结果不适用于此类案件。"
    ),
    TransitionErrorCode.OUTCOME_WRONG_STATUS: QT_TRANSLATE_NOOP(
        "TransitionError", "尚未开始调解，不能以该结果办结。"
    ),
    TransitionErrorCode.REASON_REQUIRED: QT_TRANSLATE_NOOP("TransitionError", "请填写说明。"),
    TransitionErrorCode.PAUSE_REASON_REQUIRED: QT_TRANSLATE_NOOP(
        "TransitionError", "请选择中止计时的原因。"
    ),
    TransitionErrorCode.PAUSED: QT_TRANSLATE_NOOP(
        "TransitionError", "计时中止期间不能办结，请先登记中止结束日期、恢复计时。"
    ),
}

_CLOCK_PROBLEMS = {
    ClockProblem.ALREADY_PAUSED: QT_TRANSLATE_NOOP("ClockProblem", "计时已经中止，不能重复中止。"),
    ClockProblem.NOT_PAUSED: QT_TRANSLATE_NOOP("ClockProblem", "计时没有中止，无需恢复。"),
    ClockProblem.CASE_NOT_OPEN: QT_TRANSLATE_NOOP(
        "ClockProblem", "案件已办结或不予受理，不能调整计时。"
    ),
    ClockProblem.NO_NOTICE: QT_TRANSLATE_NOOP(
        "ClockProblem", "本案没有需要送达的这项告知：尚未作出终止调解决定或举报处理决定，"
                        "或案件已重新办理。"
    ),
    ClockProblem.NOT_EXTENDABLE: QT_TRANSLATE_NOOP(
        "ClockProblem", "本案没有可以延长的核查期限：只有正在计时的举报核查期限，"
                        "在规则允许延长时才能延长。"
    ),
    ClockProblem.ALREADY_EXTENDED: QT_TRANSLATE_NOOP(
        "ClockProblem", "核查期限已经延长过一次，不能再次延长。"
    ),
}

STALE_CASE = QT_TRANSLATE_NOOP("Errors", "该案件已被他人修改，请刷新后重试。")
CASE_NOT_FOUND = QT_TRANSLATE_NOOP("Errors", "找不到该案件，可能已被删除。请刷新后重试。")
DOMAIN_ERROR = QT_TRANSLATE_NOOP("Errors", "操作未完成：数据不符合办理规则。")
# The runner logs every unexpected failure with its traceback (app/services/logs.py).
UNEXPECTED = QT_TRANSLATE_NOOP(
    "Errors", "发生意外错误，操作未完成。详细信息已写入日志（帮助 → 关于 → 打开日志文件夹）。\n"
              "请重试一次；如果仍然出错，请记下出错前的操作步骤和出现的时间，联系管理员。"
)
INPUT_PROBLEMS = QT_TRANSLATE_NOOP("Errors", "请更正以下内容：")
NOT_ADMINISTRATOR = QT_TRANSLATE_NOOP("Errors", "只有管理员可以修改这项设置。")
PASSPHRASE_REFUSED = QT_TRANSLATE_NOOP("Errors", "当前启动密码不正确，没有做任何修改。")
CENTRALLY_MANAGED = QT_TRANSLATE_NOOP(
    "Errors", "本机已连接中心数据库：节假日安排、期限规则、机构和人员信息由中心数据库的管理员"
              "维护，这里不能修改，也没有做任何改动。")


def transition_error_text(code: TransitionErrorCode) -> str:
    return _lookup("TransitionError", _TRANSITION_ERRORS, code)


def clock_problem_text(code: ClockProblem) -> str:
    return _lookup("ClockProblem", _CLOCK_PROBLEMS, code)


def _domain_text(error: DomainError) -> str:
    if isinstance(error.code, TransitionErrorCode):
        return transition_error_text(error.code)
    return tr("Errors", DOMAIN_ERROR)


@functools.singledispatch
def error_text(error: BaseException) -> str:
    """A clear sentence for any error a task can raise: the words registered for the
    error's type, the most specific one (its MRO decides, not a hand-kept order)."""
    return tr("Errors", UNEXPECTED)


def register_explainer(kind: type[UserFacingError], explain: Callable[[Any], str]) -> None:
    """A feature's own errors, worded in its own texts module."""
    error_text.register(kind, explain)


_FILE_REASONS = {
    errno.EACCES: QT_TRANSLATE_NOOP("Errors", "没有写入权限"),
    errno.EPERM: QT_TRANSLATE_NOOP("Errors", "没有写入权限"),
    errno.ENOSPC: QT_TRANSLATE_NOOP("Errors", "磁盘空间不足"),
    errno.ENOENT: QT_TRANSLATE_NOOP("Errors", "文件夹不存在"),
    errno.EROFS: QT_TRANSLATE_NOOP("Errors", "磁盘是只读的"),
    errno.EISDIR: QT_TRANSLATE_NOOP("Errors", "这是一个文件夹"),
}
FILE_FAILED = QT_TRANSLATE_NOOP("Errors", "无法读写 {path}：{reason}。请换一个位置或检查磁盘后再试，"
                                          "已有的数据没有改变。")


def _file_error_text(error: OSError) -> str:
    """A file a task read or wrote (an export, a report, a print file) that the system
    refused: which file and why, in words. An OSError without a file (the network) is
    the unexpected kind."""
    if not error.filename:
        return tr("Errors", UNEXPECTED)
    reason = _FILE_REASONS.get(error.errno)
    return tr("Errors", FILE_FAILED).format(
        path=QDir.toNativeSeparators(str(error.filename)),
        reason=tr("Errors", reason) if reason else (error.strerror or str(error)))


error_text.register(OSError, _file_error_text)
register_explainer(StoreError, store_error_text)
register_explainer(ValidationFailed,
                   lambda e: tr("Errors", INPUT_PROBLEMS) + "\n" + validation_text(e))
register_explainer(StaleCase, lambda e: tr("Errors", STALE_CASE))
register_explainer(CaseNotFound, lambda e: tr("Errors", CASE_NOT_FOUND))
register_explainer(ClockError, lambda e: clock_problem_text(e.code))
register_explainer(DomainError, _domain_text)
register_explainer(CentralError, central_error_text)
register_explainer(LinkError, lambda e: link_problem_text(e.problem))
register_explainer(ConflictGone, lambda e: tr("Sync", CONFLICT_GONE))
register_explainer(NotAdministrator, lambda e: tr("Errors", NOT_ADMINISTRATOR))
register_explainer(CentrallyManaged, lambda e: tr("Errors", CENTRALLY_MANAGED))
register_explainer(PassphraseRefused, lambda e: tr("Errors", PASSPHRASE_REFUSED))
register_explainer(ProfileRefused, lambda e: _profile_refused_text(e))
register_explainer(RuleEditRefused, lambda e: rule_edit_text(e))


# ------------------------------------------------------------------ enums

_STATUS = {
    CaseStatus.RECEIVED: QT_TRANSLATE_NOOP("CaseStatus", "待受理"),
    CaseStatus.ACCEPTED: QT_TRANSLATE_NOOP("CaseStatus", "已受理"),
    CaseStatus.REJECTED: QT_TRANSLATE_NOOP("CaseStatus", "不予受理"),
    CaseStatus.ASSIGNED: QT_TRANSLATE_NOOP("CaseStatus", "已派单"),
    CaseStatus.MEDIATING: QT_TRANSLATE_NOOP("CaseStatus", "调解中"),
    CaseStatus.CLOSED: QT_TRANSLATE_NOOP("CaseStatus", "已办结"),
    CaseStatus.FOLLOWED_UP: QT_TRANSLATE_NOOP("CaseStatus", "已回访"),
    CaseStatus.RATED: QT_TRANSLATE_NOOP("CaseStatus", "已评价"),
}

_SOURCE = {
    Source.HOTLINE_12315: QT_TRANSLATE_NOOP("Source", "12315"),
    Source.HOTLINE_12345: QT_TRANSLATE_NOOP("Source", "12345"),
    Source.WALK_IN: QT_TRANSLATE_NOOP("Source", "来访"),
    Source.PHONE: QT_TRANSLATE_NOOP("Source", "来电"),
    Source.ONLINE: QT_TRANSLATE_NOOP("Source", "网上"),
    Source.TRANSFER: QT_TRANSLATE_NOOP("Source", "转办"),
}

_KIND = {
    CaseKind.COMPLAINT: QT_TRANSLATE_NOOP("CaseKind", "投诉"),
    CaseKind.REPORT: QT_TRANSLATE_NOOP("CaseKind", "举报"),
    CaseKind.INQUIRY: QT_TRANSLATE_NOOP("CaseKind", "咨询"),
}

_TRACK = {
    Track.PEOPLES_MEDIATION: QT_TRANSLATE_NOOP("Track", "人民调解"),
    Track.MARKET_COMPLAINT: QT_TRANSLATE_NOOP("Track", "市场监管投诉"),
}

_OUTCOME = {
    Outcome.SETTLED: QT_TRANSLATE_NOOP("Outcome", "调解成功"),
    Outcome.TERMINATED: QT_TRANSLATE_NOOP("Outcome", "终止调解"),
    Outcome.REFERRED: QT_TRANSLATE_NOOP("Outcome", "转立案"),
    Outcome.ANSWERED: QT_TRANSLATE_NOOP("Outcome", "已答复"),
    Outcome.NO_CASE: QT_TRANSLATE_NOOP("Outcome", "不予立案"),
}

_ACTION = {
    Action.ACCEPT: QT_TRANSLATE_NOOP("Action", "受理"),
    Action.REJECT: QT_TRANSLATE_NOOP("Action", "不予受理"),
    Action.ASSIGN: QT_TRANSLATE_NOOP("Action", "派单"),
    Action.START_MEDIATION: QT_TRANSLATE_NOOP("Action", "开始调解"),
    Action.PAUSE: QT_TRANSLATE_NOOP("Action", "中止计时"),
    Action.RESUME: QT_TRANSLATE_NOOP("Action", "恢复计时"),
    Action.CLOSE: QT_TRANSLATE_NOOP("Action", "办结"),
    Action.FOLLOW_UP: QT_TRANSLATE_NOOP("Action", "回访"),
    Action.RATE: QT_TRANSLATE_NOOP("Action", "评价"),
    Action.REOPEN: QT_TRANSLATE_NOOP("Action", "重新办理"),
}

_PAUSE_REASON = {
    PauseReason.INSPECTION: QT_TRANSLATE_NOOP("PauseReason", "检定、检验、检测"),
    PauseReason.APPRAISAL: QT_TRANSLATE_NOOP("PauseReason", "鉴定"),
    PauseReason.RECUSAL: QT_TRANSLATE_NOOP("PauseReason", "回避申请中止"),
}

_CLOCK_KIND = {
    ClockKind.ACCEPT_DECISION: QT_TRANSLATE_NOOP("ClockKind", "受理决定"),
    ClockKind.MEDIATION: QT_TRANSLATE_NOOP("ClockKind", "调解期限"),
    ClockKind.TERMINATION_NOTICE: QT_TRANSLATE_NOOP("ClockKind", "终止调解告知"),
    ClockKind.REPORT_VERIFICATION: QT_TRANSLATE_NOOP("ClockKind", "举报核查"),
    ClockKind.REPORT_NOTICE: QT_TRANSLATE_NOOP("ClockKind", "举报告知"),
    ClockKind.MEDIATION_TARGET: QT_TRANSLATE_NOOP("ClockKind", "调解目标期限"),
    ClockKind.JUDICIAL_CONFIRMATION: QT_TRANSLATE_NOOP("ClockKind", "司法确认申请期"),
    ClockKind.PLEDGE_DISPATCH: QT_TRANSLATE_NOOP("ClockKind", "承诺派单"),
    ClockKind.PLEDGE_RESPONSE: QT_TRANSLATE_NOOP("ClockKind", "承诺响应"),
}

_DUE_STATUS = {
    DueStatus.OVERDUE: QT_TRANSLATE_NOOP("DueStatus", "已超期"),
    DueStatus.DUE_TODAY: QT_TRANSLATE_NOOP("DueStatus", "今日到期"),
    DueStatus.DUE_SOON: QT_TRANSLATE_NOOP("DueStatus", "即将到期"),
    DueStatus.ON_TRACK: QT_TRANSLATE_NOOP("DueStatus", "正常"),
    DueStatus.PAUSED: QT_TRANSLATE_NOOP("DueStatus", "计时中止"),
    DueStatus.DONE: QT_TRANSLATE_NOOP("DueStatus", "按期完成"),
    DueStatus.DONE_LATE: QT_TRANSLATE_NOOP("DueStatus", "超期完成"),
}

_PARTY_ROLE_COMPLAINT = {
    PartyRole.APPLICANT: QT_TRANSLATE_NOOP("PartyRole", "投诉人"),
    PartyRole.RESPONDENT: QT_TRANSLATE_NOOP("PartyRole", "被投诉人"),
    PartyRole.AGENT: QT_TRANSLATE_NOOP("PartyRole", "代理人"),
    PartyRole.REPORTER: QT_TRANSLATE_NOOP("PartyRole", "举报人"),
}
_PARTY_ROLE_MEDIATION = {
    PartyRole.APPLICANT: QT_TRANSLATE_NOOP("PartyRole", "申请人"),
    PartyRole.RESPONDENT: QT_TRANSLATE_NOOP("PartyRole", "被申请人"),
    PartyRole.AGENT: QT_TRANSLATE_NOOP("PartyRole", "代理人"),
    PartyRole.REPORTER: QT_TRANSLATE_NOOP("PartyRole", "举报人"),
}

_PARTY_TYPE = {
    PartyType.PERSON: QT_TRANSLATE_NOOP("Choice", "个人"),
    PartyType.BUSINESS: QT_TRANSLATE_NOOP("Choice", "单位"),
}

_ID_TYPE = {
    IdType.RESIDENT_ID: QT_TRANSLATE_NOOP("Choice", "居民身份证"),
    IdType.USCC: QT_TRANSLATE_NOOP("Choice", "统一社会信用代码"),
    IdType.PASSPORT: QT_TRANSLATE_NOOP("Choice", "护照"),
    IdType.OTHER: QT_TRANSLATE_NOOP("Choice", "其他证件"),
}

_FOLLOW_UP_METHOD = {
    FollowUpMethod.PHONE: QT_TRANSLATE_NOOP("Choice", "电话"),
    FollowUpMethod.SMS: QT_TRANSLATE_NOOP("Choice", "短信"),
    FollowUpMethod.WECHAT: QT_TRANSLATE_NOOP("Choice", "微信"),
    FollowUpMethod.VISIT: QT_TRANSLATE_NOOP("Choice", "上门"),
    FollowUpMethod.IN_PERSON: QT_TRANSLATE_NOOP("Choice", "来访"),
}

_DELIVERY_METHOD = {
    DeliveryMethod.IN_PERSON: QT_TRANSLATE_NOOP("Choice", "当面"),
    DeliveryMethod.MAIL: QT_TRANSLATE_NOOP("Choice", "邮寄"),
    DeliveryMethod.SMS: QT_TRANSLATE_NOOP("Choice", "短信"),
    DeliveryMethod.PHONE: QT_TRANSLATE_NOOP("Choice", "电话告知"),
    DeliveryMethod.PLATFORM: QT_TRANSLATE_NOOP("Choice", "平台"),
}

_PERFORMANCE = {
    Performance.PERFORMED: QT_TRANSLATE_NOOP("Choice", "已履行"),
    Performance.PARTIAL: QT_TRANSLATE_NOOP("Choice", "部分履行"),
    Performance.NOT_PERFORMED: QT_TRANSLATE_NOOP("Choice", "未履行"),
    Performance.NOT_APPLICABLE: QT_TRANSLATE_NOOP("Choice", "不涉及履行"),
}

_SATISFACTION = {
    Satisfaction.VERY_SATISFIED: QT_TRANSLATE_NOOP("Satisfaction", "非常满意"),
    Satisfaction.SATISFIED: QT_TRANSLATE_NOOP("Satisfaction", "满意"),
    Satisfaction.AVERAGE: QT_TRANSLATE_NOOP("Satisfaction", "一般"),
    Satisfaction.DISSATISFIED: QT_TRANSLATE_NOOP("Satisfaction", "不满意"),
}

_SEX = {
    Sex.MALE: QT_TRANSLATE_NOOP("Choice", "男"),
    Sex.FEMALE: QT_TRANSLATE_NOOP("Choice", "女"),
}


def sex_text(value: Any) -> str:
    """A party's sex in words, whatever spelling it was stored in; "" when not given."""
    sex = Sex.parse(value)
    return _lookup("Choice", _SEX, sex) if sex is not None else ""


_USER_ROLE = {
    UserRole.MEDIATOR: QT_TRANSLATE_NOOP("UserRole", "调解员"),
    UserRole.SUPERVISOR: QT_TRANSLATE_NOOP("UserRole", "负责人"),
    UserRole.ADMIN: QT_TRANSLATE_NOOP("UserRole", "管理员"),
}


def _member_text(context: str, table: Mapping[Enum, str], enum: type[Enum], value: Any) -> str:
    """A stored value's words; "" for none, the value itself when this version does not
    know it (synced from a newer one)."""
    if value is None or value == "":
        return ""
    try:
        member = enum(value)
    except ValueError:
        return str(value)
    return _lookup(context, table, member)


def ground_wording(ground: RejectionGround | TerminationGround) -> GroundWording:
    """A legal ground's words and where they come from, as the screens name it (a
    notice prints the case's own rule set's wording)."""
    return wording_ground(ground)


def status_text(status: CaseStatus) -> str:
    return _lookup("CaseStatus", _STATUS, status)


def source_text(source: Source) -> str:
    return _lookup("Source", _SOURCE, source)


def kind_text(kind: CaseKind) -> str:
    return _lookup("CaseKind", _KIND, kind)


def track_text(track: Track) -> str:
    return _lookup("Track", _TRACK, track)


def outcome_text(outcome: Outcome) -> str:
    return _lookup("Outcome", _OUTCOME, outcome)


def action_text(action: Action) -> str:
    return _lookup("Action", _ACTION, action)


def pause_reason_text(reason: PauseReason) -> str:
    return _lookup("PauseReason", _PAUSE_REASON, reason)


# Which deadline, in a word, where a row has room for little (the queue's 下一期限).
_CLOCK_KIND_SHORT = {
    ClockKind.ACCEPT_DECISION: QT_TRANSLATE_NOOP("ClockKindShort", "受理"),
    ClockKind.MEDIATION: QT_TRANSLATE_NOOP("ClockKindShort", "调解"),
    ClockKind.TERMINATION_NOTICE: QT_TRANSLATE_NOOP("ClockKindShort", "告知"),
    ClockKind.REPORT_VERIFICATION: QT_TRANSLATE_NOOP("ClockKindShort", "核查"),
    ClockKind.REPORT_NOTICE: QT_TRANSLATE_NOOP("ClockKindShort", "告知"),
    ClockKind.MEDIATION_TARGET: QT_TRANSLATE_NOOP("ClockKindShort", "调解"),
    ClockKind.JUDICIAL_CONFIRMATION: QT_TRANSLATE_NOOP("ClockKindShort", "司法确认"),
    ClockKind.PLEDGE_DISPATCH: QT_TRANSLATE_NOOP("ClockKindShort", "派单"),
    ClockKind.PLEDGE_RESPONSE: QT_TRANSLATE_NOOP("ClockKindShort", "响应"),
}


def clock_kind_short_text(kind: ClockKind | str) -> str:
    return _clock_words(kind, "ClockKindShort", _CLOCK_KIND_SHORT)


def clock_kind_text(kind: ClockKind | str) -> str:
    return _clock_words(kind, "ClockKind", _CLOCK_KIND)


def _clock_words(kind: ClockKind | str, context: str, table: Mapping[Enum, str]) -> str:
    try:
        member = ClockKind(kind)
    except ValueError:
        return str(kind)  # a kind a newer version wrote: shown as it is
    return _lookup(context, table, member)


def due_status_text(status: DueStatus) -> str:
    return _lookup("DueStatus", _DUE_STATUS, status)


def party_role_text(role: PartyRole | str, track: Track) -> str:
    """投诉人 / 被投诉人 on a complaint, 申请人 / 被申请人 in people's mediation."""
    table = _PARTY_ROLE_MEDIATION if track is Track.PEOPLES_MEDIATION else _PARTY_ROLE_COMPLAINT
    return _member_text("PartyRole", table, PartyRole, role)


def party_type_text(party_type: PartyType | str) -> str:
    return _member_text("Choice", _PARTY_TYPE, PartyType, party_type)


def id_type_text(id_type: IdType | str) -> str:
    return _member_text("Choice", _ID_TYPE, IdType, id_type)


def follow_up_method_text(method: FollowUpMethod | str) -> str:
    return _member_text("Choice", _FOLLOW_UP_METHOD, FollowUpMethod, method)


def delivery_method_text(method: DeliveryMethod | str) -> str:
    return _member_text("Choice", _DELIVERY_METHOD, DeliveryMethod, method)


def performance_text(performance: Performance | str) -> str:
    return _member_text("Choice", _PERFORMANCE, Performance, performance)


def satisfaction_text(level: Satisfaction | str | None) -> str:
    return _member_text("Satisfaction", _SATISFACTION, Satisfaction, level)


def user_role_text(role: UserRole | str) -> str:
    return _member_text("UserRole", _USER_ROLE, UserRole, role)


_NOTICE_PROBLEM = {
    NoticeProblem.NO_YEAR: QT_TRANSLATE_NOOP(
        "NoticeProblem", "没有看出这是哪一年的安排：请连同标题（关于××××年部分节假日安排的通知）一起粘贴，或选择年份。"),
    NoticeProblem.NO_ITEMS: QT_TRANSLATE_NOOP(
        "NoticeProblem", "没有找到放假安排：通知中应有“一、元旦：1月1日至3日放假……”这样的条目。"),
    NoticeProblem.NO_DAYS: QT_TRANSLATE_NOOP("NoticeProblem", "这一条没有写放假日期。"),
    NoticeProblem.BAD_DATE: QT_TRANSLATE_NOOP("NoticeProblem", "日期“{detail}”不存在。"),
    NoticeProblem.WEEKDAY: QT_TRANSLATE_NOOP(
        "NoticeProblem", "“{detail}”括号中的星期与日历不符，请核对原文。"),
    NoticeProblem.DAY_COUNT: QT_TRANSLATE_NOOP(
        "NoticeProblem", "写的是共{detail}天，与所写的起止日期不符。"),
    NoticeProblem.OTHER_YEAR: QT_TRANSLATE_NOOP(
        "NoticeProblem", "日期 {detail} 不在这一年，也不在相邻年份。"),
    NoticeProblem.BOTH: QT_TRANSLATE_NOOP(
        "NoticeProblem", "{detail} 既写作放假又写作上班。"),
    NoticeProblem.WORKDAY_ON_WEEKDAY: QT_TRANSLATE_NOOP(
        "NoticeProblem", "{detail} 本来就是工作日，不需要写作调休上班，请核对原文。"),
}


def notice_problem_text(problem: NoticeProblem | str) -> str:
    return _member_text("NoticeProblem", _NOTICE_PROBLEM, NoticeProblem, problem)


def notice_error_text(error: NoticeError) -> str:
    """What is wrong with a pasted holiday notice, naming its line."""
    text = notice_problem_text(error.problem).format(detail=error.detail)
    if error.line is None:
        return text
    return QCoreApplication.translate("NoticeProblem", "第{line}行：").format(
        line=error.line) + text


_PROFILE_FIELD = {
    ProfileField.MEDIATOR_NAME: QT_TRANSLATE_NOOP("Profile", "姓名"),
    ProfileField.MEDIATOR_PHONE: QT_TRANSLATE_NOOP("Profile", "联系电话"),
    ProfileField.CERTIFICATE_NO: QT_TRANSLATE_NOOP("Profile", "调解员证号"),
    ProfileField.ORG_NAME: QT_TRANSLATE_NOOP("Profile", "机构全称"),
    ProfileField.NUMBER_PREFIX: QT_TRANSLATE_NOOP("Profile", "文书编号前缀"),
    ProfileField.ADDRESS: QT_TRANSLATE_NOOP("Profile", "地址"),
    ProfileField.ORG_PHONE: QT_TRANSLATE_NOOP("Profile", "机构电话"),
    ProfileField.SEAL_TEXT: QT_TRANSLATE_NOOP("Profile", "盖章处文字"),
    ProfileField.KEPT_COPIES: QT_TRANSLATE_NOOP("Profile", "本机构留存份数"),
}
_PROFILE_PROBLEM = {
    ProfileProblem.EMPTY: QT_TRANSLATE_NOOP("Profile", "请填写{field}。"),
    ProfileProblem.TOO_LONG: QT_TRANSLATE_NOOP("Profile", "{field}太长，请核对。"),
    ProfileProblem.BAD_PREFIX: QT_TRANSLATE_NOOP(
        "Profile", "编号前缀只能是1至8个汉字，不能以“字”或“号”结尾，例如“浦消调”。"),
    ProfileProblem.BAD_PHONE: QT_TRANSLATE_NOOP(
        "Profile", "{field}不是有效的电话号码（手机11位，座机请带区号）。"),
    ProfileProblem.NOT_ADMINISTRATOR: QT_TRANSLATE_NOOP(
        "Profile", "只有管理员可以修改本机构的信息。"),
    ProfileProblem.BAD_COPIES: QT_TRANSLATE_NOOP("Profile", "{field}应为1至5份。"),
}


def profile_field_text(field: ProfileField) -> str:
    return _lookup("Profile", _PROFILE_FIELD, field)


def profile_problem_text(field: ProfileField | None, problem: ProfileProblem) -> str:
    words = _lookup("Profile", _PROFILE_PROBLEM, problem)
    return words.format(field=profile_field_text(field) if field is not None else "")


def _profile_refused_text(error: ProfileRefused) -> str:
    return "\n".join(profile_problem_text(f, p) for f, p in error.problems.items())


_UNIT = {
    Unit.WORKING_DAYS: QT_TRANSLATE_NOOP("Rules", "个工作日"),
    Unit.CALENDAR_DAYS: QT_TRANSLATE_NOOP("Rules", "日"),
    Unit.HOURS: QT_TRANSLATE_NOOP("Rules", "小时"),
    Unit.MONTHS: QT_TRANSLATE_NOOP("Rules", "个月"),
}
_CLOCK_START = {
    ClockStart.RECEIVED: QT_TRANSLATE_NOOP("Rules", "自收到之日"),
    ClockStart.ACCEPTED: QT_TRANSLATE_NOOP("Rules", "自受理之日"),
    ClockStart.TERMINATED: QT_TRANSLATE_NOOP("Rules", "自终止之日"),
    ClockStart.VERIFIED: QT_TRANSLATE_NOOP("Rules", "自核查决定之日"),
    ClockStart.EFFECTIVE: QT_TRANSLATE_NOOP("Rules", "自协议生效之日"),
    ClockStart.ASSIGNED: QT_TRANSLATE_NOOP("Rules", "自分派之日"),
}
_RULE_EDIT = {
    "not_administrator": QT_TRANSLATE_NOOP("Rules", "只有管理员可以修改期限规则。"),
    "limit_not_positive": QT_TRANSLATE_NOOP("Rules", "时限必须大于零。"),
    "citation_too_long": QT_TRANSLATE_NOOP("Rules", "依据太长，请精简到300字以内。"),
    "unknown": QT_TRANSLATE_NOOP("Rules", "找不到这套规则，可能已被删除。"),
    "invalid": QT_TRANSLATE_NOOP("Rules", "这样修改后的规则不成立，请核对。"),
    "ground_empty": QT_TRANSLATE_NOOP("Rules", "理由的文字不能为空。"),
    "ground_too_long": QT_TRANSLATE_NOOP("Rules", "理由或其依据太长，请精简。"),
    "ground_hedged": QT_TRANSLATE_NOOP(
        "Rules", "文书上的理由和依据要写确定的法律规定，不能含“未核实”“据报道”“暂定”等说法；"
        "尚不清楚条款的，只写法规名称。"),
}


_CALENDAR_SOURCE = {
    CalendarSource.CHINESECALENDAR: QT_TRANSLATE_NOOP("Calendar", "随程序提供"),
    CalendarSource.ADMIN: QT_TRANSLATE_NOOP("Calendar", "管理员录入"),
    CalendarSource.OFFICIAL: QT_TRANSLATE_NOOP("Calendar", "国务院通知"),
    CalendarSource.SYNC: QT_TRANSLATE_NOOP("Calendar", "中心数据库"),
}


def calendar_source_text(source: CalendarSource | str) -> str:
    return _member_text("Calendar", _CALENDAR_SOURCE, CalendarSource, source)


def unit_text(unit: Unit | str) -> str:
    return _member_text("Rules", _UNIT, Unit, unit)


def clock_start_text(start: ClockStart | str) -> str:
    return _member_text("Rules", _CLOCK_START, ClockStart, start)


def rule_edit_text(error: RuleEditRefused) -> str:
    text = tr("Rules", _RULE_EDIT.get(error.problem, _RULE_EDIT["invalid"]))
    if error.ground is not None:
        kind, code = error.ground
        enum = RejectionGround if kind == "rejection" else TerminationGround
        try:
            return f"“{ground_wording(enum(code)).text}”：{text}"
        except ValueError:
            return text
    if error.rule is None:
        return text
    return tr("Rules", "第{n}条：").format(n=error.rule + 1) + text


def enum_choices(enum: type[Enum], text: Callable[[Any], str]) -> list[tuple[str, Any, str]]:
    """Items for a ChoiceCombo: every member, in declaration order, in words."""
    return [(text(member), member, "") for member in enum]


# The import's words live without Qt in app/services/work_order_words.py (the command
# line and the .xlsx report say them too); looked up here through translate().
_IMPORT_FIELD = work_order_words.FIELD_WORDS
_IMPORT_PROBLEM = work_order_words.PROBLEM_WORDS


_FILE_PROBLEM = work_order_words.FILE_WORDS


def _file_problem_text(error: WorkOrderFileError) -> str:
    return _lookup("ImportProblem", _FILE_PROBLEM, error.problem).format(name=error.path.name)


register_explainer(WorkOrderFileError, _file_problem_text)


def import_field_text(field: ImportField) -> str:
    return _lookup("ImportField", _IMPORT_FIELD, field)


def import_problem_text(problem: ValueProblem) -> str:
    return _lookup("ImportProblem", _IMPORT_PROBLEM, problem)


# Every core enum a person reads, and the function that words it (the test that walks
# every member of every enum starts here).
ENUM_TEXTS: dict[type[Enum], Callable[[Any], str]] = {
    CaseStatus: status_text,
    Source: source_text,
    CaseKind: kind_text,
    Track: track_text,
    Outcome: outcome_text,
    Action: action_text,
    PauseReason: pause_reason_text,
    ClockKind: clock_kind_text,
    DueStatus: due_status_text,
    PartyRole: lambda role: party_role_text(role, Track.MARKET_COMPLAINT),
    PartyType: party_type_text,
    IdType: id_type_text,
    FollowUpMethod: follow_up_method_text,
    DeliveryMethod: delivery_method_text,
    Performance: performance_text,
    Satisfaction: satisfaction_text,
    UserRole: user_role_text,
    ImportField: import_field_text,
    ValueProblem: import_problem_text,
    Sex: sex_text,
    RejectionGround: lambda g: ground_wording(g).text,
    TerminationGround: lambda g: ground_wording(g).text,
    TransitionErrorCode: transition_error_text,
    NoticeProblem: notice_problem_text,
    Unit: unit_text,
    CalendarSource: calendar_source_text,
    ClockStart: clock_start_text,
}


# ---- issue 15: import of work orders
# The words themselves are in app/services/work_order_words.py (the command line says
# them too); a refusal of the import reads them through translate().
from app.services.work_order_import import WorkOrderImportError  # noqa: E402


def _import_refusal_text(error: WorkOrderImportError) -> str:
    return tr("ImportProblem", work_order_words.REFUSAL_WORDS.get(
        error.refusal.value, error.refusal.value)).format(detail=error.detail)


register_explainer(WorkOrderImportError, _import_refusal_text)


# ---- issue 15: warnings (预警) -------------------------------------------------------

from app.core.warnings import (  # noqa: E402  (this block is appended for an easy merge)
    COUNT_MAX,
    COUNT_MIN,
    DAYS_MAX,
    DAYS_MIN,
    LIST_MAX,
    WORD_MAX,
    RuleField,
    RuleProblem,
    WarningRule,
    WarningRulesRefused,
)
from app.services.warnings import AckNoteTooLong, WarningNotFound  # noqa: E402

_WARNING_RULE = {
    WarningRule.BUSINESS_VOLUME: QT_TRANSLATE_NOOP("WarningRule", "同一经营者集中投诉"),
    WarningRule.KEYWORD: QT_TRANSLATE_NOOP("WarningRule", "敏感关键词"),
    WarningRule.KEY_CATEGORY: QT_TRANSLATE_NOOP("WarningRule", "三品一特"),
    WarningRule.REPEAT_PHONE: QT_TRANSLATE_NOOP("WarningRule", "同一号码多次诉求"),
    WarningRule.MULTI_CHANNEL: QT_TRANSLATE_NOOP("WarningRule", "多渠道重复诉求"),
}
_WARNING_RULE_FIELD = {
    RuleField.BUSINESS_COUNT: QT_TRANSLATE_NOOP("WarningRule", "集中投诉件数"),
    RuleField.BUSINESS_DAYS: QT_TRANSLATE_NOOP("WarningRule", "集中投诉天数"),
    RuleField.KEYWORDS: QT_TRANSLATE_NOOP("WarningRule", "关键词"),
    RuleField.CATEGORIES: QT_TRANSLATE_NOOP("WarningRule", "三品一特类别"),
    RuleField.REPEAT_COUNT: QT_TRANSLATE_NOOP("WarningRule", "同一号码次数"),
    RuleField.REPEAT_DAYS: QT_TRANSLATE_NOOP("WarningRule", "同一号码天数"),
    RuleField.CHANNEL_DAYS: QT_TRANSLATE_NOOP("WarningRule", "多渠道天数"),
}
_WARNING_RULE_PROBLEM = {
    RuleProblem.COUNT_RANGE: QT_TRANSLATE_NOOP(
        "WarningRule", "件数须在 {count_min} 到 {count_max} 之间。"),
    RuleProblem.DAYS_RANGE: QT_TRANSLATE_NOOP(
        "WarningRule", "天数须在 {days_min} 到 {days_max} 之间。"),
    RuleProblem.EMPTY_LIST: QT_TRANSLATE_NOOP(
        "WarningRule", "至少填写一项（每行一个）；不用这条规则请取消勾选。"),
    RuleProblem.WORD_TOO_LONG: QT_TRANSLATE_NOOP("WarningRule", "每项不超过 {word_max} 个字。"),
    RuleProblem.LIST_TOO_LONG: QT_TRANSLATE_NOOP("WarningRule", "最多 {list_max} 项。"),
    RuleProblem.NOT_PERMITTED: QT_TRANSLATE_NOOP(
        "WarningRule", "只有管理员或负责人可以修改预警规则，调解员可以查看。"),
}


def warning_rule_text(rule: WarningRule | str) -> str:
    return _lookup("WarningRule", _WARNING_RULE, rule) if isinstance(rule, WarningRule) \
        else str(rule)


def warning_rule_field_text(field: RuleField) -> str:
    return _lookup("WarningRule", _WARNING_RULE_FIELD, field)


def warning_rule_problem_text(problem: RuleProblem) -> str:
    return _lookup("WarningRule", _WARNING_RULE_PROBLEM, problem).format(
        count_min=COUNT_MIN, count_max=COUNT_MAX, days_min=DAYS_MIN, days_max=DAYS_MAX,
        word_max=WORD_MAX, list_max=LIST_MAX)


def _warning_rules_refused_text(error: WarningRulesRefused) -> str:
    return "\n".join(
        (f"{warning_rule_field_text(f)}：" if f is not None else "")
        + warning_rule_problem_text(p) for f, p in error.problems.items())


register_explainer(WarningRulesRefused, _warning_rules_refused_text)
register_explainer(WarningNotFound, lambda e: tr("WarningRule", "这条预警已不存在。"))
register_explainer(AckNoteTooLong, lambda e: tr(
    "WarningRule", "确认说明不能超过 {limit} 个字。").format(limit=e.limit))
ENUM_TEXTS[WarningRule] = warning_rule_text
ENUM_TEXTS[RuleField] = warning_rule_field_text
ENUM_TEXTS[RuleProblem] = warning_rule_problem_text


# ---- issue 17: group disputes (群体性纠纷)
from app.core.groups import (  # noqa: E402
    GroupErrorCode,
    GroupOrigin,
    GroupStatus,
    PerformanceState,
    RefundBasis,
)
from app.services.batches import BatchCancelled, NothingToUndo  # noqa: E402
from app.services.group_payments import (  # noqa: E402
    IndividualRefused,
    NotIndividual,
    PaymentProblem,
)
from app.services.groups import (  # noqa: E402
    GroupChanged,
    GroupInvalid,
    GroupNotFound,
    MemberRefusal,
    NotAMember,
)

_GROUP_STATUS = {
    GroupStatus.OPEN: QT_TRANSLATE_NOOP("Group", "处理中"),
    GroupStatus.SETTLING: QT_TRANSLATE_NOOP("Group", "履行中"),
    GroupStatus.CLOSED: QT_TRANSLATE_NOOP("Group", "已结束"),
}
_GROUP_ORIGIN = {
    GroupOrigin.WARNING: QT_TRANSLATE_NOOP("Group", "由预警建立"),
    GroupOrigin.SELECTION: QT_TRANSLATE_NOOP("Group", "由选中的工单建立"),
    GroupOrigin.IMPORT: QT_TRANSLATE_NOOP("Group", "导入时按被诉主体建立"),
}
_REFUND_BASIS = {
    RefundBasis.SESSIONS: QT_TRANSLATE_NOOP("Group", "未使用次数 × 单价"),
    RefundBasis.BALANCE_SHARE: QT_TRANSLATE_NOOP("Group", "预付余额 × 比例"),
    RefundBasis.FIXED: QT_TRANSLATE_NOOP("Group", "每人固定金额"),
}
_PERFORMANCE_STATE = {
    PerformanceState.NOT_DUE: QT_TRANSLATE_NOOP("Group", "未到期"),
    PerformanceState.OVERDUE: QT_TRANSLATE_NOOP("Group", "逾期未履行"),
    PerformanceState.PAID: QT_TRANSLATE_NOOP("Group", "已履行"),
}
_GROUP_ERROR = {
    GroupErrorCode.FORMULA_INVALID: QT_TRANSLATE_NOOP(
        "Group", "退费方案不完整：单价、固定金额须大于零，比例须在 0.01% 到 100% 之间。"),
    GroupErrorCode.FACT_MISSING: QT_TRANSLATE_NOOP(
        "Group", "缺少按退费方案计算所需的数据（未使用次数或预付余额）。"),
    GroupErrorCode.FACT_INVALID: QT_TRANSLATE_NOOP("Group", "未使用次数和预付余额不能为负数。"),
    GroupErrorCode.NUMBER_INVALID: QT_TRANSLATE_NOOP("Group", "协议编号须从 1 起连续编排。"),
}
_MEMBER_REFUSAL = {
    MemberRefusal.NO_SUCH_CASE: QT_TRANSLATE_NOOP("Group", "本机构没有这件工单，或已删除"),
    MemberRefusal.IN_ANOTHER_GROUP: QT_TRANSLATE_NOOP("Group", "已在群体“{group}”中"),
    MemberRefusal.NOT_A_MEMBER: QT_TRANSLATE_NOOP("Group", "不在本群体中"),
}
_PAYMENT_PROBLEM = {
    PaymentProblem.NO_HEADER: QT_TRANSLATE_NOOP(
        "Group", "没有找到表头：需要“工单号”或“姓名”列，以及“退款金额”列"),
    PaymentProblem.NO_MEMBER: QT_TRANSLATE_NOOP("Group", "本群体中没有这个人（工单号或姓名、电话对不上）"),
    PaymentProblem.AMBIGUOUS: QT_TRANSLATE_NOOP("Group", "同名的成员不止一位，请填写工单号或电话"),
    PaymentProblem.BAD_AMOUNT: QT_TRANSLATE_NOOP("Group", "退款金额不是有效的金额"),
    PaymentProblem.BAD_DATE: QT_TRANSLATE_NOOP("Group", "退款日期无法识别或晚于今天"),
    PaymentProblem.DUPLICATE: QT_TRANSLATE_NOOP("Group", "这笔退款已经登记过"),
}
_GROUP_FIELD = {
    "title": QT_TRANSLATE_NOOP("Group", "请填写群体名称（不超过 120 个字）。"),
    "lead_mediator_id": QT_TRANSLATE_NOOP("Group", "所选牵头调解员不在本机构的名单中。"),
    "warning_id": QT_TRANSLATE_NOOP("Group", "这条预警已不存在。"),
    "respondent_name": QT_TRANSLATE_NOOP("Group", "被投诉方名称不能超过 120 个字。"),
    "respondent_uscc": QT_TRANSLATE_NOOP(
        "Group", "统一社会信用代码不正确：应为 18 位，且校验位相符。不知道可以留空。"),
    "status": QT_TRANSLATE_NOOP("Group", "请选择群体纠纷的状态。"),
    "notes": QT_TRANSLATE_NOOP("Group", "备注不能超过 2000 个字。"),
    "representatives": QT_TRANSLATE_NOOP(
        "Group", "代表须填写姓名（不超过 40 个字），电话不超过 30 位，最多 20 位代表，"
                 "选自成员的须仍在本群体中。"),
}


def group_status_text(status: GroupStatus | str) -> str:
    return _lookup("Group", _GROUP_STATUS, status) if isinstance(status, GroupStatus) \
        else str(status)


def group_origin_text(origin: GroupOrigin | str) -> str:
    return _lookup("Group", _GROUP_ORIGIN, origin) if isinstance(origin, GroupOrigin) \
        else str(origin)


def member_refusal_text(refusal: MemberRefusal, group: str = "") -> str:
    """Why a case did not join or leave a group (``group``: the group that holds it)."""
    return _lookup("Group", _MEMBER_REFUSAL, refusal).format(group=group)


register_explainer(GroupNotFound, lambda e: tr("Group", "这个群体已不存在。"))
register_explainer(NotAMember, lambda e: tr("Group", "这件工单已不在本群体中。"))
register_explainer(BatchCancelled, lambda e: tr("Group", "已取消批量操作，所有工单保持原样。"))
register_explainer(NothingToUndo, lambda e: tr(
    "Group", "没有可以撤销的批量操作（受理、开始调解、办结不能撤销）。"))
register_explainer(GroupChanged, lambda e: tr(
    "Group", "这个群体纠纷刚被他人修改过，请关闭后重新打开“编辑…”再改。"))
register_explainer(IndividualRefused, lambda e: tr(
    "Group", "这位成员已按群体协议出具协议书（{number}）；如其不同意，请先在该案件的文书中作废该协议书，"
    "再改为单独处理。").format(number=e.agreement_number))
register_explainer(NotIndividual, lambda e: tr(
    "Group", "这位成员按群体的退费方案计算应退金额；只有单独处理的成员才另行填写本人约定的金额和期限。"))
register_explainer(GroupInvalid, lambda e: tr("Group", _GROUP_FIELD.get(
    e.field, QT_TRANSLATE_NOOP("Group", "群体信息有误。"))))
ENUM_TEXTS[GroupStatus] = group_status_text
ENUM_TEXTS[GroupOrigin] = group_origin_text
ENUM_TEXTS[RefundBasis] = lambda b: _lookup("Group", _REFUND_BASIS, b)
ENUM_TEXTS[PerformanceState] = lambda s: _lookup("Group", _PERFORMANCE_STATE, s)
ENUM_TEXTS[GroupErrorCode] = lambda c: _lookup("Group", _GROUP_ERROR, c)
ENUM_TEXTS[MemberRefusal] = member_refusal_text
ENUM_TEXTS[PaymentProblem] = lambda p: _lookup("Group", _PAYMENT_PROBLEM, p)
