"""The words of the office's own tables (case list, 日报, 周报, 每月一题): the Chinese a
supervisor reads in a workbook or a printed report. The screen's words for the same
values live in app/ui/messages.py, where Qt's translations find them; these are the
paper's, kept beside the other printed wording (app/documents/wording.py)."""

from __future__ import annotations

from app.core.stats import Dimension, Industry, Kpi
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


# The figures (app/core/stats.py) as the workbooks, reports and the command line name them.
KPI_LABELS: dict[Kpi, str] = {
    Kpi.RECEIVED: "接诉量",
    Kpi.ACCEPTED: "受理量",
    Kpi.CLOSED: "办结量",
    Kpi.REJECTED: "不予受理",
    Kpi.RESPONSE_24H: "24小时响应率",
    Kpi.DISPATCH_2H: "2小时派单率",
    Kpi.ON_TIME: "按时办结率",
    Kpi.COMPLETION: "办结率",
    Kpi.SUCCESS: "调解成功率",
    Kpi.SATISFACTION: "满意率",
    Kpi.RECOVERED: "挽回经济损失（元）",
    Kpi.REFERRALS: "诉转案",
    Kpi.REPEAT_COMPLAINANTS: "重复投诉人",
    Kpi.MULTI_CHANNEL: "多头诉求",
}
DIMENSION_LABELS: dict[Dimension, str] = {
    Dimension.SOURCE: "渠道", Dimension.KIND: "类型", Dimension.CATEGORY: "投诉分类",
    Dimension.ISSUE_TYPE: "问题类型", Dimension.REGION: "街镇",
    Dimension.RESPONDENT: "被投诉单位", Dimension.INDUSTRY: "行业",
    Dimension.MEDIATOR: "调解员",
}
INDUSTRY_LABELS = {
    Industry.RETAIL: "批发零售", Industry.CATERING: "住宿餐饮", Industry.FOOD: "食品",
    Industry.HOUSEHOLD_SERVICES: "居民服务", Industry.MEDICAL_BEAUTY: "医疗美容",
    Industry.CONSTRUCTION: "建筑装饰", Industry.MOTOR: "汽车", Industry.TELECOM: "信息通信",
    Industry.TOURISM: "旅游", Industry.REAL_ESTATE: "房地产", Industry.LABOUR: "劳务",
    Industry.CIVIL: "民间纠纷", Industry.OTHER: "其他",
}


def word(table: dict, value: str | None) -> str:
    """The word for a stored value; an unknown value (a newer version's) as stored."""
    if value is None or value == "":
        return ""
    for key, text in table.items():
        if key.value == value:
            return text
    return value
