"""The office's reports (issue 15, item 5): 日报 (a day), 周报 (a week, Monday to Sunday)
and 每月一题 (a month's top problem with its cases), each as a workbook (.xlsx) or a PDF
with its own charts. The figures are app/services/stats.py's, for the same scope the
dashboard uses; the layout is app/documents/stats_report.py's.

A report names businesses and work-order numbers but no complainant: it goes to the
district and the bureau, not to a party.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path

from sqlalchemy import func, select

from app.core.stats import (
    Dimension,
    Granularity,
    Kpi,
    Kpis,
    Rate,
    StatsRange,
    StatsScope,
)
from app.core.timeutil import CHINA_TZ, china_date, to_china_datetime
from app.core.workflow import CaseStatus, Track
from app.documents import report_wording as words
from app.documents.files import replaced_whole
from app.documents.report_wording import KPI_LABELS
from app.documents.spreadsheets import Column, write_workbook
from app.documents.stats_report import (
    BarChart,
    FigureLine,
    ReportTable,
    StatsReport,
    build_report_pdf,
    report_sheets,
)
from app.services import hot_words, queue, stats
from app.services.case_export import mask_name
from app.services.context import Workstation
from app.services.dashboard import hot_word_scope
from app.services.queue import QueueFilter, filter_conditions
from app.services.stats import ResolvedScope, StatsOverview
from app.services.stats_export import row_label
from app.store.models import LIVE, Case, Office

OFFICE_SCOPE = StatsScope()
CASES_LISTED = 300  # a day's or a topic's cases printed; more are counted, not listed
HOT_WORDS_LISTED = 20


class ReportKind(StrEnum):
    DAILY = "daily"  # 日报
    WEEKLY = "weekly"  # 周报
    TOPIC = "topic"  # 每月一题


class ReportFormat(StrEnum):
    XLSX = "xlsx"
    PDF = "pdf"


TITLES = {
    ReportKind.DAILY: "消费纠纷调解工作日报",
    ReportKind.WEEKLY: "消费纠纷调解工作周报",
    ReportKind.TOPIC: "每月一题",
}
COMPARED = {ReportKind.DAILY: "前一日", ReportKind.WEEKLY: "上周", ReportKind.TOPIC: "上月"}

# The figures a report lists, in this order.
REPORT_KPIS = (Kpi.RECEIVED, Kpi.ACCEPTED, Kpi.CLOSED, Kpi.REJECTED, Kpi.RESPONSE_24H,
               Kpi.DISPATCH_2H, Kpi.ON_TIME, Kpi.COMPLETION, Kpi.SUCCESS, Kpi.SATISFACTION,
               Kpi.RECOVERED, Kpi.REFERRALS, Kpi.REPEAT_COMPLAINANTS, Kpi.MULTI_CHANNEL)

CASE_COLUMNS = (Column("工单编号", 23), Column("登记时间", 12), Column("类别", 11),
                Column("被投诉方", 25), Column("状态", 10), Column("摘要", 27))


@dataclass(frozen=True)
class ReportResult:
    path: Path
    title: str
    period: StatsRange


def report_range(kind: ReportKind, day: date) -> StatsRange:
    """The day itself, its week (Monday to Sunday) or its calendar month."""
    if kind is ReportKind.DAILY:
        return StatsRange(day, day)
    if kind is ReportKind.WEEKLY:
        return StatsRange.week_of(day)
    return StatsRange.month(day.year, day.month)


def write_report(ws: Workstation, kind: ReportKind, day: date, path: Path, *,
                 scope: StatsScope = OFFICE_SCOPE, fmt: ReportFormat | None = None
                 ) -> ReportResult:
    """Count the report's figures and write it to ``path`` (.xlsx or .pdf by ``fmt``, else
    by the file's suffix). A PDF that cannot be drawn (a glyph no font has) raises before
    anything is written."""
    report = build_report(ws, kind, day, scope=scope)
    save_report(report, path, fmt)
    return ReportResult(path, report.title, report_range(kind, day))


def save_report(report: StatsReport, path: Path, fmt: ReportFormat | None = None) -> None:
    """A laid-out report to ``path``: .xlsx or .pdf by ``fmt``, else by the suffix. A PDF
    is drawn whole before it replaces the file (a glyph no font has leaves nothing)."""
    fmt = fmt or ReportFormat(path.suffix.lower().lstrip(".") or "pdf")
    if fmt is ReportFormat.XLSX:
        write_workbook(path, report_sheets(report))
        return
    with replaced_whole(path) as partial, partial.open("wb") as out:
        build_report_pdf(report, out)


def build_report(ws: Workstation, kind: ReportKind, day: date, *,
                 scope: StatsScope = OFFICE_SCOPE) -> StatsReport:
    rng = report_range(kind, day)
    resolved = stats.desk_scope(ws, scope)
    now = ws.now()
    with ws.store.unit_of_work() as session:
        conn = session.connection()
        office = session.get(Office, ws.actor.office_id)
        organisation = office.name if office is not None else ""
        overview = stats.overview(conn, rng, resolved, now=now, granularity=Granularity.DAY)
        if kind is ReportKind.TOPIC:
            return _topic(conn, ws, overview, resolved, organisation)
        report = _figures_report(kind, overview, organisation, now)
        if kind is ReportKind.DAILY:
            counts = queue.view_counts(ws)
            opened = _case_list(conn, queue_filter(overview, Kpi.RECEIVED))
            return replace(report, paragraphs=(*report.paragraphs, _standing(counts)),
                           tables=(_list_table("当日新收工单", *opened),
                                   _breakdown_table(overview, Dimension.CATEGORY),
                                   _breakdown_table(overview, Dimension.SOURCE)),
                           charts=(_breakdown_chart(overview, Dimension.CATEGORY),))
        top_words = hot_words.hot_words(conn, rng.start, rng.end,
                                        hot_word_scope(ws, resolved), limit=HOT_WORDS_LISTED)
    word_table = ReportTable("热词", (Column("热词", 16), Column("件数", 10),
                                       Column("上周", 10)),
                             [(w.word, w.cases, w.previous) for w in top_words])
    trend = BarChart("每日收结案", [f"{p.period.start.month}月{p.period.start.day}日"
                                    for p in overview.trend],
                     [("新收", [p.received for p in overview.trend]),
                      ("办结", [p.closed for p in overview.trend])])
    return replace(report, charts=(trend, _breakdown_chart(overview, Dimension.CATEGORY),
                                   _breakdown_chart(overview, Dimension.RESPONDENT)),
                   tables=(_breakdown_table(overview, Dimension.CATEGORY),
                           _breakdown_table(overview, Dimension.RESPONDENT),
                           _breakdown_table(overview, Dimension.REGION),
                           _breakdown_table(overview, Dimension.SOURCE),
                           word_table))


# ---------------------------------------------------------------- the parts


def queue_filter(overview: StatsOverview, kpi: Kpi) -> QueueFilter:
    return stats.kpi_filter(kpi, overview.range, overview.scope,
                            now=to_china_datetime(overview.range.end))


def _period_text(rng: StatsRange) -> str:
    if rng.start == rng.end:
        return f"{rng.start.year}年{rng.start.month}月{rng.start.day}日"
    end = (f"{rng.end.month}月{rng.end.day}日" if rng.end.year == rng.start.year
           else f"{rng.end.year}年{rng.end.month}月{rng.end.day}日")
    return f"{rng.start.year}年{rng.start.month}月{rng.start.day}日至{end}"


def _value(kpi: Kpi, k: Kpis) -> str:
    value = k.value(kpi)
    if isinstance(value, Rate):
        return value.percent()
    if kpi is Kpi.RECOVERED:
        return f"{value / 100:,.2f}"
    return f"{value:,}"


def _change(kpi: Kpi, now: Kpis, before: Kpis) -> str:
    a, b = now.value(kpi), before.value(kpi)
    if isinstance(a, Rate) and isinstance(b, Rate):
        if a.value is None or b.value is None:
            return ""
        points = (a.value - b.value) * 100
        return "持平" if abs(points) < 0.05 else f"{points:+.1f} 个百分点"
    diff = int(a) - int(b)
    if diff == 0:
        return "持平"
    return f"{diff / 100:+,.2f}" if kpi is Kpi.RECOVERED else f"{diff:+,}"


def _figures_report(kind: ReportKind, overview: StatsOverview, organisation: str,
                    now) -> StatsReport:
    k, p = overview.kpis, overview.previous
    figures = [FigureLine(KPI_LABELS[kpi], _value(kpi, k), _value(kpi, p),
                          _change(kpi, k, p)) for kpi in REPORT_KPIS]
    summary = (f"{_period_text(overview.range)}，新收工单{k.received:,}件"
               f"（{COMPARED[kind]}{p.received:,}件），办结{k.closed:,}件，"
               f"为消费者挽回经济损失{k.recovered_fen / 100:,.2f}元。")
    rates = [f"{KPI_LABELS[kpi]}{k.value(kpi).percent()}" for kpi in
             (Kpi.RESPONSE_24H, Kpi.ON_TIME, Kpi.SUCCESS, Kpi.SATISFACTION)
             if k.value(kpi).denominator]
    if rates:
        summary += "其中" + "，".join(rates) + "。"
    top = overview.breakdowns.get(Dimension.CATEGORY, ())
    if top and top[0].received:
        summary += f"投诉最多的类别为“{row_label(Dimension.CATEGORY, top[0].key, top[0].label)}”（{top[0].received:,}件）。"
    made = f"制表时间：{to_china_datetime(now).astimezone(CHINA_TZ):%Y年%m月%d日 %H:%M}"
    return StatsReport(TITLES[kind], organisation, _period_text(overview.range),
                       f"{COMPARED[kind]}（{_period_text(overview.range.previous())}）", made,
                       figures, paragraphs=(summary,))


def _standing(counts) -> str:
    return (f"截至制表时，在办案件中待受理{counts[queue.QueueView.TO_ACCEPT]:,}件、"
            f"调解中{counts[queue.QueueView.MEDIATING]:,}件；"
            f"已超期{counts[queue.QueueView.OVERDUE]:,}件，今日到期{counts[queue.QueueView.DUE_TODAY]:,}件。")


def _breakdown_table(overview: StatsOverview, dimension: Dimension) -> ReportTable:
    label = {Dimension.CATEGORY: "按类别", Dimension.SOURCE: "按渠道", Dimension.REGION: "按街镇",
             Dimension.RESPONDENT: "被投诉最多的经营者"}[dimension]
    first = {Dimension.RESPONDENT: "被投诉方"}.get(dimension, label.removeprefix("按"))
    rows = [(row_label(dimension, r.key, r.label), r.received, r.closed, r.recovered_fen)
            for r in overview.breakdowns.get(dimension, ())]
    return ReportTable(label, (Column(first, 30 if dimension is Dimension.RESPONDENT else 16),
                               Column("新收", 10), Column("其中已办结", 12),
                               Column("挽回金额（元）", 16, money=True)), rows)


def _breakdown_chart(overview: StatsOverview, dimension: Dimension) -> BarChart:
    rows = overview.breakdowns.get(dimension, ())[:10]
    title = {Dimension.CATEGORY: "新收工单按类别", Dimension.RESPONDENT: "被投诉最多的经营者"}[
        dimension]
    return BarChart(title, [row_label(dimension, r.key, r.label) for r in rows],
                    [("新收", [r.received for r in rows]), ("办结", [r.closed for r in rows])],
                    horizontal=True)


def _case_list(conn, f: QueueFilter) -> tuple[list[tuple], int]:
    where = [LIVE, *filter_conditions(f)]
    total = conn.scalar(select(func.count()).select_from(Case).where(*where)) or 0
    rows = conn.execute(
        select(Case.source_ticket, Case.received_at, Case.category, Case.track,
               Case.respondent_name, Case.status, Case.title)
        .where(*where).order_by(Case.received_at).limit(CASES_LISTED)).all()
    # The other side of a people's mediation is a neighbour or a relative, not a
    # business: a private person is not named in a report.
    listed = [(r.source_ticket, r.received_at, r.category,
               mask_name(r.respondent_name) if r.track == Track.PEOPLES_MEDIATION.value
               else r.respondent_name, words.word(words.STATUS, r.status), r.title)
              for r in rows]
    return listed, total


def _list_table(title: str, rows: list[tuple], total: int) -> ReportTable:
    note = f"另有{total - len(rows):,}件未列出。" if total > len(rows) else ""
    return ReportTable(title, CASE_COLUMNS, rows, note=note)


def _topic(conn, ws: Workstation, overview: StatsOverview, resolved: ResolvedScope,
           organisation: str) -> StatsReport:
    """每月一题: the month's most complained-of problem (问题类型, else 类别) and its cases."""
    dimension = Dimension.ISSUE_TYPE
    rows = [r for r in stats.breakdown(conn, dimension, overview.range, resolved,
                                       now=to_china_datetime(overview.range.end)) if r.key]
    if not rows:
        dimension = Dimension.CATEGORY
        rows = [r for r in overview.breakdowns.get(dimension, ()) if r.key]
    period = _period_text(overview.range)
    made = f"制表时间：{to_china_datetime(ws.now()).astimezone(CHINA_TZ):%Y年%m月%d日 %H:%M}"
    title = f"每月一题（{overview.range.start.year}年{overview.range.start.month}月）"
    if not rows:
        return StatsReport(title, organisation, period, "上月", made, (),
                           paragraphs=("本月没有新收工单。",))
    top = rows[0]
    problem = top.label or top.key
    topic_filter = top.filter
    last_month = overview.range.start - timedelta(days=1)
    month_before = StatsRange.month(last_month.year, last_month.month)
    previous = replace(topic_filter, received_from=month_before.start,
                       received_to=month_before.end)
    before = conn.scalar(select(func.count()).select_from(Case).where(
        LIVE, *filter_conditions(previous))) or 0
    total = overview.kpis.received or 1
    businesses = conn.execute(
        select(Case.respondent_name, func.count().label("n"),
               func.sum(Case.amount_claimed_fen).label("claimed"))
        .where(LIVE, *filter_conditions(topic_filter), Case.respondent_name != "",
               Case.track != Track.PEOPLES_MEDIATION.value)
        .group_by(Case.respondent_name).order_by(func.count().desc(), Case.respondent_name)
        .limit(10)).all()
    listed, count = _case_list(conn, topic_filter)
    settled = conn.scalar(select(func.count()).select_from(Case).where(
        LIVE, *filter_conditions(topic_filter),
        Case.status.in_([CaseStatus.CLOSED.value, CaseStatus.FOLLOWED_UP.value,
                         CaseStatus.RATED.value]))) or 0
    change = "持平" if before == top.received else (
        f"增加{top.received - before:,}件" if top.received > before
        else f"减少{before - top.received:,}件")
    text = (f"{period}，本机构新收涉及“{problem}”的工单{top.received:,}件，占全部新收工单"
            f"{top.received / total:.1%}，较上月（{before:,}件）{change}；已办结{settled:,}件，"
            f"挽回经济损失{top.recovered_fen / 100:,.2f}元。")
    if businesses:
        text += ("集中涉及" + "、".join(f"{b.respondent_name}（{b.n}件）" for b in businesses[:3])
                 + "。")
    figures = (FigureLine(f"“{problem}”新收", f"{top.received:,}", f"{before:,}", change),
               FigureLine("占全部新收", f"{top.received / total:.1%}", "", ""),
               FigureLine("其中已办结", f"{settled:,}", "", ""),
               FigureLine("挽回经济损失（元）", f"{top.recovered_fen / 100:,.2f}", "", ""))
    business_table = ReportTable("涉及的经营者", (Column("被投诉方", 30), Column("件数", 10),
                                                 Column("争议金额（元）", 16, money=True)),
                                 [(b.respondent_name, b.n, int(b.claimed or 0))
                                  for b in businesses])
    others = ReportTable("本月其他突出问题", (Column("问题", 20), Column("新收", 10),
                                               Column("其中已办结", 12)),
                         [(r.label or r.key, r.received, r.closed) for r in rows[1:6]])
    chart = BarChart(f"“{problem}”涉及的经营者", [b.respondent_name for b in businesses],
                     [("件数", [b.n for b in businesses])], horizontal=True)
    return StatsReport(title, organisation, period, f"上月（{_period_text(month_before)}）",
                       made, figures, paragraphs=(text,), charts=(chart,),
                       tables=(business_table, _list_table(f"“{problem}”工单", listed, count),
                               others))


def default_day(ws: Workstation, kind: ReportKind) -> date:
    """Today for 日报 and 周报 (so far); last month for 每月一题 in a month's first week."""
    today = china_date(ws.now())
    if kind is ReportKind.TOPIC and today.day <= 7:
        return today.replace(day=1) - timedelta(days=1)
    return today

