"""The words of 统计 on screen: each figure, breakdown and industry, and the ways a value
is shown (a rate, money, a change against the period before)."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from app.core.money import format_amount
from app.core.stats import (
    NO_VALUE,
    Dimension,
    Industry,
    Kpi,
    Rate,
    RatePart,
    ScopeKind,
    StatsError,
    StatsErrorCode,
)
from app.ui import messages

CONTEXT = "Stats"


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


_KPI = {
    Kpi.RECEIVED: QT_TRANSLATE_NOOP("Stats", "新收工单"),
    Kpi.ACCEPTED: QT_TRANSLATE_NOOP("Stats", "受理"),
    Kpi.CLOSED: QT_TRANSLATE_NOOP("Stats", "办结"),
    Kpi.REJECTED: QT_TRANSLATE_NOOP("Stats", "不予受理"),
    Kpi.RESPONSE_24H: QT_TRANSLATE_NOOP("Stats", "24小时响应率"),
    Kpi.DISPATCH_2H: QT_TRANSLATE_NOOP("Stats", "2小时派单率"),
    Kpi.ON_TIME: QT_TRANSLATE_NOOP("Stats", "按期办结率"),
    Kpi.COMPLETION: QT_TRANSLATE_NOOP("Stats", "办结率"),
    Kpi.SUCCESS: QT_TRANSLATE_NOOP("Stats", "调解成功率"),
    Kpi.SATISFACTION: QT_TRANSLATE_NOOP("Stats", "满意率"),
    Kpi.RECOVERED: QT_TRANSLATE_NOOP("Stats", "挽回经济损失"),
    Kpi.REFERRALS: QT_TRANSLATE_NOOP("Stats", "诉转案"),
    Kpi.REPEAT_COMPLAINANTS: QT_TRANSLATE_NOOP("Stats", "重复投诉人"),
    Kpi.MULTI_CHANNEL: QT_TRANSLATE_NOOP("Stats", "多头诉求"),
}

_DIMENSION = {
    Dimension.SOURCE: QT_TRANSLATE_NOOP("Stats", "按渠道"),
    Dimension.KIND: QT_TRANSLATE_NOOP("Stats", "按类型"),
    Dimension.CATEGORY: QT_TRANSLATE_NOOP("Stats", "按类别"),
    Dimension.ISSUE_TYPE: QT_TRANSLATE_NOOP("Stats", "按问题"),
    Dimension.REGION: QT_TRANSLATE_NOOP("Stats", "按街镇"),
    Dimension.RESPONDENT: QT_TRANSLATE_NOOP("Stats", "被投诉最多的经营者"),
    Dimension.INDUSTRY: QT_TRANSLATE_NOOP("Stats", "按行业"),
    Dimension.MEDIATOR: QT_TRANSLATE_NOOP("Stats", "按承办人"),
}

_INDUSTRY = {
    Industry.RETAIL: QT_TRANSLATE_NOOP("Stats", "批发零售"),
    Industry.CATERING: QT_TRANSLATE_NOOP("Stats", "餐饮住宿"),
    Industry.FOOD: QT_TRANSLATE_NOOP("Stats", "食品"),
    Industry.HOUSEHOLD_SERVICES: QT_TRANSLATE_NOOP("Stats", "居民服务"),
    Industry.MEDICAL_BEAUTY: QT_TRANSLATE_NOOP("Stats", "医疗美容"),
    Industry.CONSTRUCTION: QT_TRANSLATE_NOOP("Stats", "建筑装饰"),
    Industry.MOTOR: QT_TRANSLATE_NOOP("Stats", "汽车销售维修"),
    Industry.TELECOM: QT_TRANSLATE_NOOP("Stats", "通信服务"),
    Industry.TOURISM: QT_TRANSLATE_NOOP("Stats", "旅游"),
    Industry.REAL_ESTATE: QT_TRANSLATE_NOOP("Stats", "房地产与物业"),
    Industry.LABOUR: QT_TRANSLATE_NOOP("Stats", "劳务"),
    Industry.CIVIL: QT_TRANSLATE_NOOP("Stats", "民间纠纷"),
    Industry.OTHER: QT_TRANSLATE_NOOP("Stats", "其他"),
}


_RATE_PART = {
    RatePart.DENOMINATOR: QT_TRANSLATE_NOOP("Stats", "计入的案件"),
    RatePart.NUMERATOR: QT_TRANSLATE_NOOP("Stats", "达标的案件"),
    RatePart.MISSED: QT_TRANSLATE_NOOP("Stats", "未达标的案件"),
}

_SCOPE = {
    ScopeKind.ME: QT_TRANSLATE_NOOP("Stats", "我的案件"),
    ScopeKind.MEDIATOR: QT_TRANSLATE_NOOP("Stats", "一位调解员"),
    ScopeKind.OFFICE: QT_TRANSLATE_NOOP("Stats", "本机构"),
    ScopeKind.OFFICES: QT_TRANSLATE_NOOP("Stats", "多个机构"),
    ScopeKind.ALL: QT_TRANSLATE_NOOP("Stats", "全部机构"),
}


def rate_part_text(part: RatePart) -> str:
    return tr(_RATE_PART[part])


def scope_text(kind: ScopeKind) -> str:
    return tr(_SCOPE[kind])


def kpi_text(kpi: Kpi) -> str:
    return tr(_KPI[kpi])


def dimension_text(dimension: Dimension) -> str:
    return tr(_DIMENSION[dimension])


def industry_text(industry: Industry) -> str:
    return tr(_INDUSTRY[industry])


def count_text(n: int) -> str:
    return f"{n:,}"


def money_text(fen: int) -> str:
    yuan = Decimal(fen) / 100
    if abs(yuan) >= 100_000:
        return tr("{n} 万元").format(n=f"{yuan / 10_000:,.1f}")
    return tr("{n} 元").format(n=format_amount(yuan))


def rate_text(rate: Rate) -> str:
    return rate.percent()


def count_change(now: int, before: int) -> str:
    diff = now - before
    return tr("持平") if diff == 0 else f"{diff:+,}"


def money_change(now: int, before: int) -> str:
    diff = now - before
    if diff == 0:
        return tr("持平")
    return ("+" if diff > 0 else "-") + money_text(abs(diff))


def rate_change(now: Rate, before: Rate) -> str:
    """In percentage points (个百分点), the way offices report a rate's change."""
    if now.value is None or before.value is None:
        return ""
    points = (now.value - before.value) * 100
    if abs(points) < 0.05:
        return tr("持平")
    return tr("{n} 个百分点").format(n=f"{points:+.1f}")


def rate_detail(rate: Rate) -> str:
    if not rate.denominator:
        return tr("本期没有计入的案件（{none}）").format(none=NO_VALUE)
    return tr("达标 {n} 件 / 计入 {d} 件").format(n=rate.numerator, d=rate.denominator)


_ERRORS = {
    StatsErrorCode.BAD_RANGE: QT_TRANSLATE_NOOP("Stats", "结束日期早于开始日期。"),
    StatsErrorCode.RANGE_TOO_LONG: QT_TRANSLATE_NOOP("Stats", "统计期间不能超过三年。"),
    StatsErrorCode.UNKNOWN_SCOPE: QT_TRANSLATE_NOOP("Stats", "统计范围无法识别。"),
    StatsErrorCode.SCOPE_NOT_ALLOWED: QT_TRANSLATE_NOOP(
        "Stats", "您的角色不能查看这个范围的统计（查看其他调解员需负责人或管理员）。"),
    StatsErrorCode.UNKNOWN_MEDIATOR: QT_TRANSLATE_NOOP("Stats", "找不到这位调解员。"),
    StatsErrorCode.UNKNOWN_OFFICE: QT_TRANSLATE_NOOP("Stats", "找不到这个机构。"),
    StatsErrorCode.CENTRAL_ONLY: QT_TRANSLATE_NOOP(
        "Stats", "多个机构或全区的统计只能在中心数据库上计算。"),
}


def stats_error_code_text(code: StatsErrorCode) -> str:
    return tr(_ERRORS[code])


def stats_error_text(error: StatsError) -> str:
    return stats_error_code_text(error.code)


messages.register_explainer(StatsError, stats_error_text)
