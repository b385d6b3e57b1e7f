"""The figures as a workbook and as plain rows (issue 15): a sheet of KPIs with the
period before beside them, one sheet per breakdown, the trend. Chinese column names,
bold frozen header, widths that fit. The command line writes it (mediation-desk stats
--format xlsx); the daily and weekly reports reuse ``kpi_rows``, ``write_sheet`` and
``write_workbook``.

Labels live here, not in app/ui/messages.py, because the workbook and the command line
print them without Qt; the dashboard shows its own words for the same enums.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.core.money import format_amount, from_fen
from app.core.stats import RATE_KPIS, Dimension, Industry, Kpi, Kpis, Rate
from app.core.workflow import CaseKind, Source
from app.services.stats import StatsOverview

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
SOURCE_LABELS = {Source.HOTLINE_12315: "12315", Source.HOTLINE_12345: "12345",
                 Source.WALK_IN: "来访", Source.PHONE: "来电", Source.ONLINE: "网络",
                 Source.TRANSFER: "转办"}
KIND_LABELS = {CaseKind.COMPLAINT: "投诉", CaseKind.REPORT: "举报", CaseKind.INQUIRY: "咨询"}
INDUSTRY_LABELS = {
    Industry.RETAIL: "批发零售", Industry.CATERING: "住宿餐饮", Industry.FOOD: "食品",
    Industry.HOUSEHOLD_SERVICES: "居民服务", Industry.MEDICAL_BEAUTY: "医疗美容",
    Industry.CONSTRUCTION: "建筑装饰", Industry.MOTOR: "汽车", Industry.TELECOM: "信息通信",
    Industry.TOURISM: "旅游", Industry.REAL_ESTATE: "房地产", Industry.LABOUR: "劳务",
    Industry.CIVIL: "民间纠纷", Industry.OTHER: "其他",
}
UNSET = "（未填）"


def value_text(kpi: Kpi, kpis: Kpis) -> str:
    value = kpis.value(kpi)
    if isinstance(value, Rate):
        return f"{value.percent()}（{value.numerator}/{value.denominator}）"
    if kpi is Kpi.RECOVERED:
        return format_amount(from_fen(value))
    if kpi is Kpi.REPEAT_COMPLAINANTS:
        return f"{value}人（{kpis.repeat_cases}件）"
    return str(value)


def kpi_rows(overview: StatsOverview) -> list[list[Any]]:
    """指标 | 本期 | 上期 (and for a rate, its numerator and denominator)."""
    rows = []
    for kpi in Kpi:
        rows.append([KPI_LABELS[kpi], value_text(kpi, overview.kpis),
                     value_text(kpi, overview.previous)])
    return rows


def row_label(dimension: Dimension, key: str, label: str) -> str:
    words: dict[Any, str] = {Dimension.SOURCE: SOURCE_LABELS, Dimension.KIND: KIND_LABELS,
                             Dimension.INDUSTRY: INDUSTRY_LABELS}.get(dimension, {})
    if words:
        return next((w for k, w in words.items() if k.value == key), key or UNSET)
    return label or UNSET


def breakdown_rows(overview: StatsOverview, dimension: Dimension) -> list[list[Any]]:
    return [[row_label(dimension, r.key, r.label), r.received, r.closed,
             float(from_fen(r.recovered_fen))]
            for r in overview.breakdowns.get(dimension, ())]


def trend_rows(overview: StatsOverview) -> list[list[Any]]:
    return [[p.period.start.isoformat() if p.period.start == p.period.end
             else f"{p.period.start.isoformat()}～{p.period.end.isoformat()}",
             p.received, p.received_last_year, p.closed, p.closed_last_year]
            for p in overview.trend]


def write_sheet(sheet, header: Sequence[str], rows: Sequence[Sequence[Any]], *,
                money_columns: Sequence[int] = ()) -> None:
    """Header in bold on a grey ground, frozen; columns as wide as their text."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDDDDD")
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        sheet.append(list(row))
    for column in money_columns:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = "#,##0.00"
    sheet.freeze_panes = "A2"
    for index, _ in enumerate(header, start=1):
        width = max((_text_width(c.value) for (c,) in sheet.iter_rows(
            min_col=index, max_col=index)), default=8)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 60)


def _text_width(value: Any) -> int:
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def write_workbook(overview: StatsOverview, out: Path, *, title: str = "") -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "指标"
    period = f"{overview.range.start.isoformat()}～{overview.range.end.isoformat()}"
    previous = overview.range.previous()
    write_sheet(sheet, ["指标", f"本期 {period}",
                        f"上期 {previous.start.isoformat()}～{previous.end.isoformat()}"],
                kpi_rows(overview))
    for dimension, label in DIMENSION_LABELS.items():
        if dimension not in overview.breakdowns:
            continue
        write_sheet(book.create_sheet(label), [label, "接诉量", "其中已办结", "挽回经济损失（元）"],
                    breakdown_rows(overview, dimension), money_columns=(4,))
    write_sheet(book.create_sheet("趋势"), ["时段", "接诉量", "去年同期接诉量", "办结量",
                                           "去年同期办结量"], trend_rows(overview))
    if title:
        book.properties.title = title
    book.save(out)


def as_json(overview: StatsOverview) -> dict[str, Any]:
    """Plain values: rates as numerator, denominator and value (null when nothing to
    measure), money in fen."""
    def kpis_json(k: Kpis) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for kpi in Kpi:
            value = k.value(kpi)
            if kpi in RATE_KPIS:
                assert isinstance(value, Rate)
                out[kpi.value] = {"numerator": value.numerator,
                                  "denominator": value.denominator, "value": value.value}
            else:
                out[kpi.value] = value
        out["repeat_cases"] = k.repeat_cases
        return out

    return {
        "from": overview.range.start.isoformat(), "to": overview.range.end.isoformat(),
        "scope": str(overview.scope.scope),
        "kpis": kpis_json(overview.kpis), "previous": kpis_json(overview.previous),
        "breakdowns": {d.value: [{"key": r.key, "label": r.label, "received": r.received,
                                  "closed": r.closed, "recovered_fen": r.recovered_fen}
                                 for r in rows] for d, rows in overview.breakdowns.items()},
        "granularity": overview.granularity.value,
        "trend": [{"from": p.period.start.isoformat(), "to": p.period.end.isoformat(),
                   "received": p.received, "closed": p.closed,
                   "received_last_year": p.received_last_year,
                   "closed_last_year": p.closed_last_year} for p in overview.trend],
    }
