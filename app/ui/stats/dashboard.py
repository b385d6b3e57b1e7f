"""视图 → 统计: the supervisor's figures for a period and a scope.

KPI tiles with the period before beside them, the trend against last year, breakdowns
(category, the businesses with the most complaints, channel, 街镇, industry, mediator)
and hot words. Every tile, bar, point and word opens the cases behind it in the queue,
with the queue's own filters. The figures load first and the charts after, both in the
background: the window never waits on them. Above the charts, while the scope has group
disputes (群体性纠纷) under way, each one's refunds so far (已退款 ¥X / ¥Y, N/M 人退清,
逾期): a row opens the group's window.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, QDir, QStandardPaths, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QColor, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.groups import GroupStatus
from app.core.stats import (
    RATE_KPIS,
    Dimension,
    Granularity,
    Industry,
    Kpi,
    RatePart,
    ScopeKind,
    StatsError,
    StatsRange,
)
from app.core.timeutil import china_today
from app.core.workflow import CaseKind, Source
from app.services import dashboard, reports
from app.services.context import Workstation
from app.services.dashboard import Charts, Tiles
from app.services.group_payments import GroupProgressRow
from app.services.reports import ReportKind
from app.ui import messages
from app.ui.case.time_edit import OneTabDateEdit
from app.ui.formatting import yuan
from app.ui.qtcompat import emit
from app.ui.row_tables import row_item, row_table
from app.ui.stats import stats_texts as texts
from app.ui.stats.charts import BarChart, Series, TrendChart
from app.ui.stats.tiles import KpiTile
from app.ui.tasks import LatestOnly, TaskFailure, TaskRunner

# The tiles, in reading order: volume, the pledges, the results.
TILE_KPIS = (Kpi.RECEIVED, Kpi.CLOSED, Kpi.RESPONSE_24H, Kpi.DISPATCH_2H, Kpi.ON_TIME,
             Kpi.COMPLETION, Kpi.SUCCESS, Kpi.SATISFACTION, Kpi.RECOVERED, Kpi.REFERRALS,
             Kpi.REPEAT_COMPLAINANTS, Kpi.MULTI_CHANNEL)
TILES_PER_ROW = 6
GROUP_ROWS_SHOWN = 6  # the group table's height; more scroll inside it


class Period:
    TODAY = "today"
    WEEK = "week"
    MONTH = "month"
    LAST_MONTH = "last_month"
    QUARTER = "quarter"
    YEAR = "year"
    LAST_30 = "last_30"
    CUSTOM = "custom"


def period_range(period: str, today: date) -> StatsRange:
    """This week, this month … up to today (a period not over yet is counted so far)."""
    if period == Period.TODAY:
        return StatsRange(today, today)
    if period == Period.WEEK:
        return StatsRange(today - timedelta(days=today.weekday()), today)
    if period == Period.MONTH:
        return StatsRange(today.replace(day=1), today)
    if period == Period.LAST_MONTH:
        last = today.replace(day=1) - timedelta(days=1)
        return StatsRange.month(last.year, last.month)
    if period == Period.QUARTER:
        return StatsRange(date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today)
    if period == Period.YEAR:
        return StatsRange(date(today.year, 1, 1), today)
    return StatsRange(today - timedelta(days=29), today)


@dataclass(frozen=True)
class _Pick:
    label: str
    value: str


class StatsDashboard(QWidget):
    """A window of its own beside the main one (a supervisor keeps it open)."""

    drill = Signal(str, object)  # the words for the chip, the QueueFilter
    tiles_loaded = Signal()
    charts_loaded = Signal()
    report_saved = Signal(object)  # ReportResult
    groups_loaded = Signal()
    open_group = Signal(object)  # uuid.UUID: show this group dispute's window

    def __init__(self, ws: Workstation, runner: TaskRunner, parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("statsDashboard")
        self.setWindowTitle(self.tr("统计"))
        self.ws, self.runner = ws, runner
        self.tiles_data: Tiles | None = None
        self.charts_data: Charts | None = None
        self._reads = LatestOnly(runner, self)
        self._chart_reads = LatestOnly(runner, self)
        self._group_reads = LatestOnly(runner, self)
        self.groups_data: tuple[GroupProgressRow, ...] = ()

        self.period = QComboBox()
        self.period.setObjectName("statsPeriod")
        for pick in (_Pick(self.tr("今天"), Period.TODAY), _Pick(self.tr("本周"), Period.WEEK),
                     _Pick(self.tr("本月"), Period.MONTH),
                     _Pick(self.tr("上月"), Period.LAST_MONTH),
                     _Pick(self.tr("本季度"), Period.QUARTER),
                     _Pick(self.tr("本年"), Period.YEAR),
                     _Pick(self.tr("近30天"), Period.LAST_30),
                     _Pick(self.tr("自定义"), Period.CUSTOM)):
            self.period.addItem(pick.label, pick.value)
        self.period.setCurrentIndex(self.period.findData(Period.MONTH))
        self.date_from = OneTabDateEdit()
        self.date_to = OneTabDateEdit()
        for edit, name in ((self.date_from, "statsFrom"), (self.date_to, "statsTo")):
            edit.setObjectName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.scope = QComboBox()
        self.scope.setObjectName("statsScope")
        for kind in (ScopeKind.OFFICE, ScopeKind.ME):
            self.scope.addItem(texts.scope_text(kind), kind.value)
        self.refresh_button = QPushButton(self.tr("刷新"))
        self.refresh_button.setObjectName("statsRefresh")
        self.busy = QProgressBar()
        self.busy.setObjectName("statsBusy")
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setTextVisible(False)
        self.state = QLabel()
        self.state.setObjectName("statsState")
        self.report_button = QPushButton(self.tr("导出报表"))
        self.report_button.setObjectName("statsReports")
        self.report_menu = QMenu(self.report_button)
        for kind, text in ((ReportKind.DAILY, self.tr("日报（期间最后一天）…")),
                           (ReportKind.WEEKLY, self.tr("周报（期间最后一周）…")),
                           (ReportKind.TOPIC, self.tr("每月一题（期间最后一月）…"))):
            action = self.report_menu.addAction(text)
            action.setObjectName(f"report_{kind.value}")
            action.triggered.connect(lambda _=False, k=kind: self.export_report(k))
        self.report_button.setMenu(self.report_menu)

        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("期间")))
        bar.addWidget(self.period)
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel(self.tr("至")))
        bar.addWidget(self.date_to)
        bar.addSpacing(12)
        bar.addWidget(QLabel(self.tr("范围")))
        bar.addWidget(self.scope)
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.busy)
        bar.addWidget(self.state, 1)
        bar.addWidget(self.report_button)

        self.tiles: dict[Kpi, KpiTile] = {}
        tile_grid = QGridLayout()
        tile_grid.setSpacing(6)
        for n, kpi in enumerate(TILE_KPIS):
            tile = KpiTile(texts.kpi_text(kpi))
            tile.setObjectName(f"tile_{kpi.value}")
            tile.clicked.connect(lambda k=kpi: self.open_figure(k))
            tile.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            tile.customContextMenuRequested.connect(
                lambda pos, k=kpi: self._tile_menu(k, pos))
            self.tiles[kpi] = tile
            tile_grid.addWidget(tile, n // TILES_PER_ROW, n % TILES_PER_ROW)

        self.trend = TrendChart(self.tr("收结案趋势（虚线为去年同期）"))
        self.trend.setObjectName("trendChart")
        self.trend.clicked.connect(lambda index, _s: self._open_period(index))
        self.charts: dict[Dimension, BarChart] = {}
        for dimension in dashboard.CHART_DIMENSIONS:
            chart = BarChart(texts.dimension_text(dimension),
                             horizontal=dimension in (Dimension.RESPONDENT, Dimension.CATEGORY,
                                                      Dimension.REGION, Dimension.MEDIATOR,
                                                      Dimension.INDUSTRY))
            chart.setObjectName(f"chart_{dimension.value}")
            chart.clicked.connect(lambda index, _s, d=dimension: self._open_row(d, index))
            self.charts[dimension] = chart
        self.words = QTableWidget(0, 3)
        self.words.setObjectName("hotWords")
        self.words.setTabKeyNavigation(False)  # Tab goes on; arrows move in the table
        self.words.setHorizontalHeaderLabels([self.tr("热词"), self.tr("件数"), self.tr("上期")])
        self.words.verticalHeader().hide()
        self.words.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.words.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.words.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.words.setMinimumHeight(220)
        self.words.itemActivated.connect(lambda item: self._open_word(item.row()))
        self.words.itemClicked.connect(lambda item: self._open_word(item.row()))
        words_box = QWidget()
        words_layout = QVBoxLayout(words_box)
        words_layout.setContentsMargins(0, 0, 0, 0)
        words_title = QLabel(self.tr("热词（单击查看案件）"))
        font = words_title.font()
        font.setBold(True)
        words_title.setFont(font)
        words_layout.addWidget(words_title)
        words_layout.addWidget(self.words)

        self.group_table = row_table("groupProgress", [
            self.tr("群体纠纷"), self.tr("被投诉经营者"), self.tr("状态"), self.tr("已退款"),
            self.tr("已退清"), self.tr("逾期")], 0)
        header = self.group_table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column in range(2, 6):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.group_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.group_table.itemActivated.connect(lambda item: self._open_group(item.row()))
        self.group_table.itemClicked.connect(lambda item: self._open_group(item.row()))
        self.groups_box = QWidget()
        self.groups_box.setObjectName("groupProgressBox")
        groups_layout = QVBoxLayout(self.groups_box)
        groups_layout.setContentsMargins(0, 0, 0, 0)
        groups_title = QLabel(self.tr("群体纠纷退款进度（截至今天，单击打开群体纠纷）"))
        groups_title.setFont(font)
        groups_layout.addWidget(groups_title)
        groups_layout.addWidget(self.group_table)
        self.groups_box.hide()

        body = QWidget()
        grid = QGridLayout(body)
        grid.addWidget(self.groups_box, 0, 0, 1, 2)  # hidden while there are none
        grid.addWidget(self.trend, 1, 0, 1, 2)
        grid.addWidget(self.charts[Dimension.CATEGORY], 2, 0)
        grid.addWidget(self.charts[Dimension.RESPONDENT], 2, 1)
        grid.addWidget(self.charts[Dimension.SOURCE], 3, 0)
        grid.addWidget(words_box, 3, 1)
        grid.addWidget(self.charts[Dimension.REGION], 4, 0)
        grid.addWidget(self.charts[Dimension.INDUSTRY], 4, 1)
        grid.addWidget(self.charts[Dimension.MEDIATOR], 5, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        scroll = QScrollArea()
        scroll.setObjectName("statsScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(tile_grid)
        layout.addWidget(scroll, 1)

        self.period.currentIndexChanged.connect(self._period_changed)
        self.date_from.dateChanged.connect(self._dates_edited)
        self.date_to.dateChanged.connect(self._dates_edited)
        self.scope.currentIndexChanged.connect(lambda _i: self.reload())
        self.refresh_button.clicked.connect(self.reload)
        self._fit_to_screen()
        self._show_dates(self.current_range())
        self._load_people()
        self.reload()

    # ------------------------------------------------------------ choices

    def current_range(self) -> StatsRange:
        period = self.period.currentData()
        if period == Period.CUSTOM:
            start = self.date_from.date().toPython()
            end = self.date_to.date().toPython()
            return StatsRange(min(start, end), max(start, end))
        return period_range(period, china_today(self.ws.now()))

    def current_scope(self):
        kind = ScopeKind(self.scope.currentData().split(":", 1)[0])
        login = self.scope.currentData().partition(":")[2]
        return dashboard.scope_for(kind, login)

    def set_period(self, period: str) -> None:
        self.period.setCurrentIndex(self.period.findData(period))

    def set_custom_range(self, start: date, end: date) -> None:
        self.set_period(Period.CUSTOM)
        self._show_dates(StatsRange(start, end))
        self.reload()

    def _period_changed(self, _index: int) -> None:
        custom = self.period.currentData() == Period.CUSTOM
        if not custom:
            self._show_dates(self.current_range())
            self.reload()

    def _dates_edited(self) -> None:
        if self._quiet_dates:
            return
        if self.period.currentData() != Period.CUSTOM:
            self.period.blockSignals(True)
            self.set_period(Period.CUSTOM)
            self.period.blockSignals(False)
        self.reload()

    _quiet_dates = False

    def _show_dates(self, rng: StatsRange) -> None:
        self._quiet_dates = True
        try:
            self.date_from.setDate(QDate(rng.start))
            self.date_to.setDate(QDate(rng.end))
        finally:
            self._quiet_dates = False

    def _load_people(self) -> None:
        ws = self.ws
        self.runner.query(self, lambda: dashboard.people(ws)).success(self._show_people).run()

    def _show_people(self, people) -> None:
        others = [p for p in people if p.login != self.ws.actor.login]
        if not others:
            return
        self.scope.blockSignals(True)
        for person in others:
            self.scope.addItem(self.tr("调解员：{name}").format(name=person.name),
                               f"{ScopeKind.MEDIATOR.value}:{person.login}")
        self.scope.blockSignals(False)

    # ------------------------------------------------------------ loading

    def reload(self) -> None:
        try:
            rng, scope = self.current_range(), self.current_scope()
        except StatsError as error:
            self._show_failure(error)
            return
        ws = self.ws
        self.busy.show()
        self.state.setText(self.tr("正在计算…"))
        self.state.setStyleSheet("")
        self._reads.query(lambda: dashboard.tiles(ws, rng, scope), name="stats_tiles") \
            .success(self._show_tiles).failure(self._failed).run()

    def _show_tiles(self, data: Tiles) -> None:
        self.tiles_data = data
        k, p = data.kpis, data.previous
        for kpi, tile in self.tiles.items():
            now, before = k.value(kpi), p.value(kpi)
            if kpi in RATE_KPIS:
                tile.show_figure(texts.rate_text(now), texts.rate_text(before),
                                 texts.rate_change(now, before), detail=texts.rate_detail(now))
            elif kpi is Kpi.RECOVERED:
                tile.show_figure(texts.money_text(now), texts.money_text(before),
                                 texts.money_change(now, before))
            else:
                tile.show_figure(texts.count_text(now), texts.count_text(before),
                                 texts.count_change(now, before))
        emit(self.tiles_loaded)
        ws, rng, resolved = self.ws, data.range, data.scope
        self._group_reads.query(lambda: dashboard.group_progress(ws, resolved),
                                name="stats_groups") \
            .success(self._show_groups).failure(self._failed).run()
        self._chart_reads.query(lambda: dashboard.charts(ws, rng, resolved),
                                name="stats_charts") \
            .success(self._show_charts).failure(self._failed).run()

    def _show_charts(self, data: Charts) -> None:
        self.charts_data = data
        self.busy.hide()
        self.state.setText(self.tr("{start} 至 {end}，与前一期（{days} 天）比较").format(
            start=f"{data.range.start:%Y-%m-%d}", end=f"{data.range.end:%Y-%m-%d}",
            days=data.range.days))
        periods = [self._period_label(p.period, data.granularity) for p in data.trend]
        self.trend.set_data(periods, [
            Series(self.tr("新收"), [p.received for p in data.trend]),
            Series(self.tr("办结"), [p.closed for p in data.trend]),
            Series(self.tr("去年同期新收"), [p.received_last_year for p in data.trend],
                   dashed=True)])
        for dimension, chart in self.charts.items():
            rows = data.breakdowns.get(dimension, ())
            chart.set_data([self._row_label(dimension, r.key, r.label) for r in rows], [
                Series(self.tr("新收"), [r.received for r in rows]),
                Series(self.tr("办结"), [r.closed for r in rows])])
        self.words.setRowCount(len(data.hot_words))
        for row, word in enumerate(data.hot_words):
            for column, value in enumerate((word.word, f"{word.cases:,}",
                                            f"{word.previous:,}")):
                item = QTableWidgetItem(value)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.words.setItem(row, column, item)
        emit(self.charts_loaded)

    def _show_groups(self, rows: tuple[GroupProgressRow, ...]) -> None:
        self.groups_data = rows
        table = self.group_table
        table.setRowCount(len(rows))
        for n, g in enumerate(rows):
            cells = (g.title, g.respondent_name, messages.group_status_text(_status(g.status)),
                     self.tr("{paid} / {agreed}").format(paid=yuan(g.paid_fen),
                                                        agreed=yuan(g.agreed_fen)),
                     self.tr("{n}/{m} 人").format(n=g.settled, m=g.with_amount),
                     self.tr("{n} 人").format(n=g.overdue) if g.overdue else self.tr("无"))
            for column, text in enumerate(cells):
                item = row_item(text, g.group_id if column == 0 else None)
                if column >= 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if column == 5 and g.overdue:
                    item.setForeground(QColor("#B00020"))
                table.setItem(n, column, item)
        shown = min(len(rows), GROUP_ROWS_SHOWN)
        # The header's own wish, not its height now: before the first layout that is a
        # default a pixel or two short, and the last row would be clipped.
        header = table.horizontalHeader()
        table.setFixedHeight(max(header.height(), header.sizeHint().height())
                             + 2 * table.frameWidth()
                             + sum(table.rowHeight(r) for r in range(shown)))
        self.groups_box.setVisible(bool(rows))
        emit(self.groups_loaded)

    def _open_group(self, row: int) -> None:
        if 0 <= row < len(self.groups_data):
            emit(self.open_group, self.groups_data[row].group_id)

    def _failed(self, failure: TaskFailure) -> None:
        self._show_failure(failure.error)

    def _show_failure(self, error: BaseException) -> None:
        self.busy.hide()
        text = messages.error_text(error)
        self.state.setText(self.tr("统计没有算出：{reason}").format(reason=text))
        self.state.setStyleSheet("color: #B00020;")

    # ------------------------------------------------------------ drill-down

    def _period_text(self) -> str:
        rng = self.tiles_data.range if self.tiles_data else self.current_range()
        return f"{rng.start:%Y-%m-%d}～{rng.end:%Y-%m-%d}"

    def open_figure(self, kpi: Kpi, part: RatePart = RatePart.DENOMINATOR) -> None:
        if self.tiles_data is None:
            return
        words = "" if part is RatePart.DENOMINATOR else f"（{texts.rate_part_text(part)}）"
        label = self.tr("统计：{figure}{part} {period}").format(
            figure=texts.kpi_text(kpi), part=words, period=self._period_text())
        emit(self.drill, label, self.tiles_data.filters[kpi, part])

    def _tile_menu(self, kpi: Kpi, pos) -> None:
        if kpi not in RATE_KPIS:
            return
        menu = QMenu(self)
        for part in RatePart:
            action = QAction(self.tr("查看{part}").format(part=texts.rate_part_text(part)), menu)
            action.triggered.connect(lambda _=False, p=part: self.open_figure(kpi, p))
            menu.addAction(action)
        menu.popup(self.tiles[kpi].mapToGlobal(pos))

    def _open_row(self, dimension: Dimension, index: int) -> None:
        if self.charts_data is None:
            return
        rows = self.charts_data.breakdowns.get(dimension, ())
        if not 0 <= index < len(rows):
            return
        row = rows[index]
        label = self.tr("统计：{what}“{value}” {period}").format(
            what=texts.dimension_text(dimension).removeprefix(self.tr("按")),
            value=self._row_label(dimension, row.key, row.label), period=self._period_text())
        emit(self.drill, label, row.filter)

    def _open_period(self, index: int) -> None:
        if self.charts_data is None or self.tiles_data is None:
            return
        point = self.charts_data.trend[index]
        rng = point.period
        base = self.tiles_data.filters[Kpi.RECEIVED, RatePart.DENOMINATOR]
        label = self.tr("统计：{start}～{end} 新收").format(
            start=f"{rng.start:%Y-%m-%d}", end=f"{rng.end:%Y-%m-%d}")
        emit(self.drill, label, replace(base, received_from=rng.start, received_to=rng.end))

    def _open_word(self, row: int) -> None:
        if self.charts_data is None or self.tiles_data is None:
            return
        if not 0 <= row < len(self.charts_data.hot_words):
            return
        word = self.charts_data.hot_words[row].word
        label = self.tr("统计：热词“{word}” {period}").format(word=word,
                                                            period=self._period_text())
        emit(self.drill, label, dashboard.hot_word_filter(
            word, self.charts_data.range, self.tiles_data.scope))

    # ------------------------------------------------------------ reports

    def export_report(self, kind: ReportKind, target: str | None = None) -> None:
        """A report for the period's last day, week or month, in the scope shown, as PDF
        or .xlsx (by the name chosen), written in the background."""
        try:
            day, scope = self.current_range().end, self.current_scope()
        except StatsError as error:
            self._show_failure(error)
            return
        if target is None:
            folder = QStandardPaths.writableLocation(
                QStandardPaths.StandardLocation.DocumentsLocation) or QDir.homePath()
            name = {ReportKind.DAILY: self.tr("日报"), ReportKind.WEEKLY: self.tr("周报"),
                    ReportKind.TOPIC: self.tr("每月一题")}[kind] + f"-{day:%Y%m%d}.pdf"
            target, _ = QFileDialog.getSaveFileName(
                self, self.tr("导出报表"), str(Path(folder) / name),
                self.tr("PDF 文件 (*.pdf);;Excel 工作簿 (*.xlsx)"))
        if not target:
            return
        path = Path(target)
        if path.suffix.lower() not in (".pdf", ".xlsx"):
            path = path.with_name(path.name + ".pdf")
        ws = self.ws
        self.state.setText(self.tr("正在生成报表…"))
        self.state.setStyleSheet("")
        self.runner.query(self, lambda: reports.write_report(ws, kind, day, path, scope=scope),
                          name="write_report") \
            .success(self._report_written).failure(self._failed).run()

    def _report_written(self, result) -> None:
        self.state.setText(self.tr("已导出 {path}").format(
            path=QDir.toNativeSeparators(str(result.path))))
        emit(self.report_saved, result)

    # ------------------------------------------------------------ words

    def _row_label(self, dimension: Dimension, key: str, label: str) -> str:
        if not key:
            return self.tr("（未分派）") if dimension is Dimension.MEDIATOR else self.tr("（未填）")
        try:
            if dimension is Dimension.SOURCE:
                return messages.source_text(Source(key))
            if dimension is Dimension.KIND:
                return messages.kind_text(CaseKind(key))
            if dimension is Dimension.INDUSTRY:
                return texts.industry_text(Industry(key))
        except ValueError:
            return key
        return label or key

    def _period_label(self, rng: StatsRange, granularity: Granularity) -> str:
        if granularity is Granularity.MONTH:
            return self.tr("{y}年{m}月").format(y=rng.start.year, m=rng.start.month)
        if granularity is Granularity.WEEK:
            return self.tr("{m}/{d}起").format(m=rng.start.month, d=rng.start.day)
        return f"{rng.start.month}/{rng.start.day}"

    # ------------------------------------------------------------ window

    def _fit_to_screen(self) -> None:
        screen = self.screen() or QGuiApplication.primaryScreen()
        area = screen.availableGeometry() if screen is not None else None
        width, height = 1300, 860
        if area is not None:
            width, height = min(width, area.width() - 40), min(height, area.height() - 60)
        self.resize(width, height)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._reads.forget()
        self._chart_reads.forget()
        self._group_reads.forget()
        super().closeEvent(event)




def _status(value: str) -> GroupStatus | str:
    try:
        return GroupStatus(value)
    except ValueError:
        return value  # a newer version's status, shown as it is
