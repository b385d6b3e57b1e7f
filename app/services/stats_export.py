"""The figures as a workbook and as plain rows (issue 15): a sheet of KPIs with the
period before beside them, one sheet per breakdown, the trend. Chinese column names,
bold frozen header, widths that fit (written by app/documents/spreadsheets.py, as every
workbook the office hands on). The command line writes it (mediation-desk stats
--format xlsx).

The labels are the paper's (app/documents/report_wording.py): the workbook and the
command line print them without Qt; the dashboard shows its own words for the same
enums.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.core.money import format_amount, from_fen
from app.core.stats import RATE_KPIS, Dimension, Kpi, Kpis, Rate
from app.documents.report_wording import (
    DIMENSION_LABELS,
    INDUSTRY_LABELS,
    KIND,
    KPI_LABELS,
    SOURCE,
)
from app.documents.spreadsheets import Column, Table
from app.documents.spreadsheets import write_workbook as write_tables
from app.services.stats import StatsOverview

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
    words: dict[Any, str] = {Dimension.SOURCE: SOURCE, Dimension.KIND: KIND,
                             Dimension.INDUSTRY: INDUSTRY_LABELS}.get(dimension, {})
    if words:
        return next((w for k, w in words.items() if k.value == key), key or UNSET)
    return label or UNSET


def breakdown_rows(overview: StatsOverview, dimension: Dimension) -> list[list[Any]]:
    """Group | 接诉量 | 其中已办结 | 挽回经济损失 (fen: the sheet shows yuan)."""
    return [[row_label(dimension, r.key, r.label), r.received, r.closed, r.recovered_fen]
            for r in overview.breakdowns.get(dimension, ())]


def trend_rows(overview: StatsOverview) -> list[list[Any]]:
    return [[p.period.start.isoformat() if p.period.start == p.period.end
             else f"{p.period.start.isoformat()}～{p.period.end.isoformat()}",
             p.received, p.received_last_year, p.closed, p.closed_last_year]
            for p in overview.trend]


def text_width(value: Any) -> int:
    """Columns a text takes in a fixed-width terminal or a sheet (CJK counts two)."""
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _fitted(titles: Sequence[str], rows: Sequence[Sequence[Any]], *,
            money: Sequence[int] = ()) -> list[Column]:
    """Columns as wide as their text (8 to 60), money columns shown as yuan."""
    columns = []
    for i, title in enumerate(titles):
        widest = max([text_width(title), *(text_width(r[i]) for r in rows)])
        columns.append(Column(title, min(max(widest + 2, 8), 60), money=i in money))
    return columns


def write_workbook(overview: StatsOverview, out: Path) -> None:
    """The figures with the period before, one sheet per breakdown, the trend."""
    period = f"{overview.range.start.isoformat()}～{overview.range.end.isoformat()}"
    previous = overview.range.previous()
    figures = kpi_rows(overview)
    titles = ["指标", f"本期 {period}", f"上期 {previous.start.isoformat()}～{previous.end.isoformat()}"]
    tables = [Table("指标", _fitted(titles, figures), figures)]
    for dimension, label in DIMENSION_LABELS.items():
        if dimension not in overview.breakdowns:
            continue
        rows = breakdown_rows(overview, dimension)
        tables.append(Table(label, _fitted([label, "接诉量", "其中已办结", "挽回经济损失（元）"],
                                           rows, money=(3,)), rows))
    rows = trend_rows(overview)
    tables.append(Table("趋势", _fitted(["时段", "接诉量", "去年同期接诉量", "办结量",
                                         "去年同期办结量"], rows), rows))
    write_tables(out, tables)


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
