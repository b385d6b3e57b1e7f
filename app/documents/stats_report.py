"""The office's reports (日报, 周报, 每月一题) laid out: a title and period, the figures
beside the previous period's, bar charts drawn by reportlab itself, and tables. The
service words and counts everything (app/services/reports.py); this only lays it out,
as a PDF here and as a workbook through app/documents/spreadsheets.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, BinaryIO

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer, Table

from app.core.timeutil import CHINA_TZ, as_aware
from app.documents.fonts import FontSet
from app.documents.spreadsheets import Column
from app.documents.spreadsheets import Table as SheetTable
from app.documents.typography import SMALL_SIZE, TEXT_W, Composer, paragraph_style

SERIES_COLOURS = (colors.HexColor("#2F6DB5"), colors.HexColor("#E08A2E"),
                  colors.HexColor("#7A9E3B"), colors.HexColor("#8E5BA8"))


@dataclass(frozen=True)
class FigureLine:
    """One figure: its name, this period's value, the previous period's, and the change
    in words (e.g. "+12", "-3.5 个百分点"), all as the report prints them."""

    label: str
    current: str
    previous: str
    change: str = ""


@dataclass(frozen=True)
class BarChart:
    title: str
    categories: Sequence[str]
    series: Sequence[tuple[str, Sequence[float]]]  # (name, one value per category)
    horizontal: bool = False  # long labels (businesses) read better across


@dataclass(frozen=True)
class ReportTable:
    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Any]]
    note: str = ""  # printed under the table (e.g. "另有 12 件未列出")


@dataclass(frozen=True)
class StatsReport:
    title: str  # 消费纠纷调解工作日报
    organisation: str  # the office (or "全区") the figures are of
    period: str  # 2026年3月2日, 2026年3月2日至3月8日
    compared_with: str  # what "上期" means here: 前一日, 上周, 上月
    made: str  # 制表时间 …
    figures: Sequence[FigureLine]
    paragraphs: Sequence[str] = ()  # the summary a supervisor reads first
    charts: Sequence[BarChart] = ()
    tables: Sequence[ReportTable] = field(default_factory=tuple)


FIGURE_COLUMNS = (Column("指标", 22), Column("本期", 14), Column("上期", 14),
                  Column("变化", 16))


def report_sheets(report: StatsReport) -> list[SheetTable]:
    """The report as workbook sheets: the figures first, then each table, then each
    chart's numbers (so the office can draw its own)."""
    heading = (report.title, f"{report.organisation}　{report.period}",
               f"上期为{report.compared_with}　{report.made}")
    sheets = [SheetTable("指标", FIGURE_COLUMNS,
                         [(f.label, f.current, f.previous, f.change) for f in report.figures],
                         heading=heading)]
    for table in report.tables:
        sheets.append(SheetTable(table.title, table.columns, table.rows,
                                 heading=(table.title,)))
    for chart in report.charts:
        columns = [Column("项目", 24), *(Column(name, 12) for name, _ in chart.series)]
        rows = [(category, *(values[i] for _, values in chart.series))
                for i, category in enumerate(chart.categories)]
        sheets.append(SheetTable(chart.title, columns, rows, heading=(chart.title,)))
    return sheets


def build_report_pdf(report: StatsReport, out: BinaryIO, *,
                     fonts: FontSet | None = None) -> None:
    """Writes the report to ``out`` (A4); MissingGlyphs before writing anything."""
    c = Composer(None, fonts)
    font = c.fonts.main.name
    small = paragraph_style("report_small", fontName=font, fontSize=SMALL_SIZE, leading=17)
    # Lists of cases are wide: a smaller face keeps a work-order number on one line.
    cell = paragraph_style("report_cell", fontName=font, fontSize=9, leading=12,
                           alignment=TA_LEFT)
    story: list[Flowable] = [
        c.title(report.title),
        Spacer(1, 4),
        c.para(f"{report.organisation}　统计期间：{report.period}", c.small_style),
        c.para(f"上期为{report.compared_with}。{report.made}", c.small_style),
        Spacer(1, 6),
    ]
    for paragraph in report.paragraphs:
        story += c.body(paragraph)
    story.append(Spacer(1, 4))
    story.append(_table(c, [list(col.title for col in FIGURE_COLUMNS)]
                        + [[f.label, f.current, f.previous, f.change] for f in report.figures],
                        [0.34, 0.2, 0.2, 0.26], small))
    for chart in report.charts:
        story += [CondPageBreak(80 * mm), *c.heading(chart.title), _chart(chart, c)]
    for table in report.tables:
        total = sum(col.width for col in table.columns) or 1
        rows = [[col.title for col in table.columns]]
        rows += [[_text(v, col) for v, col in zip(row, table.columns, strict=False)]
                 for row in table.rows]
        story += [*c.heading(table.title),
                  _table(c, rows, [col.width / total for col in table.columns],
                         cell if len(table.columns) > 4 else small)]
        if table.note:
            story.append(c.para(table.note, c.small_style))
    c.render(story, out, title=report.title)


def _text(value: Any, column: Column) -> str:
    if value is None:
        return ""
    if column.money and isinstance(value, int):
        return f"{value / 100:,.2f}"
    if column.percent and isinstance(value, float):
        return f"{value * 100:.1f}%"
    if isinstance(value, datetime):  # the China wall-clock time the office reads
        return f"{as_aware(value).astimezone(CHINA_TZ):%m-%d %H:%M}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value)


def _table(c: Composer, rows: list[list[Any]], shares: Sequence[float], style) -> Flowable:
    data = [[c.para(str(v), style) for v in row] for row in rows]
    table = Table(data, colWidths=[TEXT_W * s for s in shares], repeatRows=1, hAlign="LEFT",
                  splitInRow=1)
    table.setStyle(c.table_style([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.Color(0.4, 0.4, 0.4)),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE5F0")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def _chart(chart: BarChart, c: Composer) -> Flowable:
    """A bar chart with its legend, in our font (the axis labels are Chinese)."""
    font = c.fonts.main.name
    for text in (*chart.categories, *(name for name, _ in chart.series)):
        c.markup(text)  # a label no font draws refuses the report, as any text would
    rows = max(1, len(chart.categories))
    width = TEXT_W
    height = (max(50 * mm, 7 * mm * rows + 20 * mm) if chart.horizontal else 70 * mm)
    drawing = Drawing(width, height)
    bars = HorizontalBarChart() if chart.horizontal else VerticalBarChart()
    left = 48 * mm if chart.horizontal else 14 * mm
    bars.x, bars.y = left, 16 * mm if not chart.horizontal else 12 * mm
    bars.width = width - left - 6 * mm
    bars.height = height - bars.y - 10 * mm
    data = [list(values) or [0] for _, values in chart.series] or [[0]]
    bars.data = data
    categories = list(chart.categories) or [""]
    if chart.horizontal:  # the first category at the top, as a ranking reads
        bars.data = [list(reversed(d)) for d in data]
        categories = list(reversed(categories))
    bars.categoryAxis.categoryNames = categories
    top = max((max(d) for d in data if d), default=0)
    bars.valueAxis.valueMin = 0
    bars.valueAxis.valueMax = max(1, top * 1.15)
    for axis in (bars.categoryAxis, bars.valueAxis):
        axis.labels.fontName = font
        axis.labels.fontSize = 8
    if not chart.horizontal and len(categories) > 12:
        bars.categoryAxis.labels.angle = 45
        bars.categoryAxis.labels.boxAnchor = "ne"
    for i in range(len(data)):
        bars.bars[i].fillColor = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        bars.bars[i].strokeColor = None
    drawing.add(bars)
    if len(chart.series) > 1:
        legend = Legend()
        legend.fontName, legend.fontSize = font, 8
        legend.x, legend.y = width - 60 * mm, height - 2 * mm
        legend.alignment = "right"
        legend.columnMaximum = 1
        legend.deltax = 50 * mm
        legend.colorNamePairs = [(SERIES_COLOURS[i % len(SERIES_COLOURS)], name)
                                 for i, (name, _) in enumerate(chart.series)]
        drawing.add(legend)
    elif not chart.series:
        drawing.add(String(width / 2, height / 2, "无数据", fontName=font, fontSize=10,
                           textAnchor="middle"))
    return KeepTogether([drawing])
