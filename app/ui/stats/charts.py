"""The dashboard's charts, drawn with pyqtgraph (README, "统计图表": why pyqtgraph and
not QtCharts). Every bar and every point can be clicked: the dashboard opens the cases
behind it in the queue.

pyqtgraph (and numpy under it) is imported when the first chart is made, not when the
workstation starts: most days nobody opens 统计.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.ui.qtcompat import emit

# Blue, orange, green, grey: told apart also by people who cannot tell red from green.
SERIES_COLOURS = ("#2F6DB5", "#E08A2E", "#5E8C31", "#8A8A8A")


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]
    dashed: bool = False


def _pg():
    import pyqtgraph as pg  # ~0.5 s with numpy: only when a chart is made

    pg.setConfigOptions(antialias=True, background="w", foreground="#202020")
    return pg


class _ChartBase(QWidget):
    clicked = Signal(int, int)  # category (or period) index, series index

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pg = _pg()
        self.title_text = title
        self.title = QLabel(f"<b>{escape(title)}</b>")
        self.title.setObjectName("chartTitle")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.plot = self.pg.PlotWidget()
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setMinimumHeight(180)
        self.empty = QLabel(self.tr("本期没有数据"))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.empty, 1)
        self.plot.scene().sigMouseClicked.connect(self._scene_clicked)
        self.categories: list[str] = []
        self.series: list[Series] = []

    def _show_legend(self, entries: list[tuple[str, Series]]) -> None:
        """The key beside the title, where it never covers a bar or a line."""
        parts = [f"<b>{escape(self.title_text)}</b>"]
        for colour, one in entries:
            mark = "╌" if one.dashed else "■"
            parts.append(f'<span style="color:{colour}">{mark}</span>&nbsp;{escape(one.name)}')
        self.title.setText("&nbsp;&nbsp;&nbsp;".join(parts))

    def _show_empty(self, empty: bool) -> None:
        self.plot.setVisible(not empty)
        self.empty.setVisible(empty)

    def _scene_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or not self.categories:
            return
        point = self.plot.getPlotItem().vb.mapSceneToView(event.scenePos())
        hit = self.hit(point)
        if hit is not None:
            emit(self.clicked, *hit)

    def hit(self, point: QPointF) -> tuple[int, int] | None:
        raise NotImplementedError

    def click(self, index: int, series: int = 0) -> None:
        """As if the user clicked that bar or point (keyboard and tests)."""
        if 0 <= index < len(self.categories):
            emit(self.clicked, index, series)


class BarChart(_ChartBase):
    """Grouped bars, one group per category. ``horizontal``: categories down the side
    (long names such as businesses), the first at the top."""

    def __init__(self, title: str, *, horizontal: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.horizontal = horizontal
        self.group_width = 0.7

    def set_data(self, categories: Sequence[str], series: Sequence[Series]) -> None:
        pg = self.pg
        self.categories, self.series = list(categories), list(series)
        plot = self.plot.getPlotItem()
        plot.clear()
        self._show_empty(not self.categories)
        if not self.categories:
            return
        n = len(self.categories)
        k = max(1, len(self.series))
        width = self.group_width / k
        positions = [self._position(i) for i in range(n)]
        top = 0.0
        for s, one in enumerate(self.series):
            # Horizontal: the first series on top of its group, as the key reads.
            slot = k - 1 - s if self.horizontal else s
            offset = -self.group_width / 2 + width * (slot + 0.5)
            centres = [p + offset for p in positions]
            colour = QColor(SERIES_COLOURS[s % len(SERIES_COLOURS)])
            values = [float(v) for v in one.values]
            top = max([top, *values])
            if self.horizontal:
                item = pg.BarGraphItem(x0=0, y=centres, height=width * 0.95, width=values,
                                       brush=colour, pen=None, name=one.name)
            else:
                item = pg.BarGraphItem(x=centres, height=values, width=width * 0.95,
                                       brush=colour, pen=None, name=one.name)
            plot.addItem(item)
            for centre, value in zip(centres, values, strict=False):
                label = pg.TextItem(_number(value), color="#202020",
                                    anchor=(0, 0.5) if self.horizontal else (0.5, 1))
                label.setPos(*((value, centre) if self.horizontal else (centre, value)))
                plot.addItem(label)
        ticks = [[(p, _short(c, 14 if self.horizontal else 8))
                  for p, c in zip(positions, self.categories, strict=False)]]
        axis = plot.getAxis("left" if self.horizontal else "bottom")
        axis.setTicks(ticks)
        if self.horizontal:  # room for the names, which the axis does not measure itself
            metrics = QFontMetrics(self.font())
            axis.setWidth(12 + max(metrics.horizontalAdvance(t) for _, t in ticks[0]))
        if self.horizontal:
            plot.setYRange(-0.6, n - 0.4, padding=0)
            plot.setXRange(0, max(1.0, top * 1.2), padding=0)
            self.plot.setMinimumHeight(max(180, 26 * n + 50))
        else:
            plot.setXRange(-0.6, n - 0.4, padding=0)
            plot.setYRange(0, max(1.0, top * 1.15), padding=0)
        self._show_legend([(SERIES_COLOURS[s % len(SERIES_COLOURS)], one)
                           for s, one in enumerate(self.series)] if len(self.series) > 1 else [])

    def _position(self, index: int) -> float:
        # Horizontal: the first category at the top (largest y).
        return float(len(self.categories) - 1 - index) if self.horizontal else float(index)

    def hit(self, point: QPointF) -> tuple[int, int] | None:
        along = point.y() if self.horizontal else point.x()
        across = point.x() if self.horizontal else point.y()
        for index in range(len(self.categories)):
            offset = along - self._position(index)
            if abs(offset) <= self.group_width / 2 and across >= 0:
                k = max(1, len(self.series))
                slot = min(k - 1, int((offset + self.group_width / 2) / (self.group_width / k)))
                return index, (k - 1 - slot if self.horizontal else slot)
        return None


class TrendChart(_ChartBase):
    """Lines over periods (days, weeks or months); a dashed line for last year."""

    def set_data(self, periods: Sequence[str], series: Sequence[Series]) -> None:
        pg = self.pg
        self.categories, self.series = list(periods), list(series)
        plot = self.plot.getPlotItem()
        plot.clear()
        self._show_empty(not self.categories)
        if not self.categories:
            return
        xs = list(range(len(self.categories)))
        top = 0.0
        for s, one in enumerate(self.series):
            # Last year's line in grey: beside this year's, not competing with it.
            colour = SERIES_COLOURS[-1] if one.dashed else SERIES_COLOURS[s % 3]
            style = Qt.PenStyle.DashLine if one.dashed else Qt.PenStyle.SolidLine
            values = [float(v) for v in one.values]
            top = max([top, *values])
            plot.plot(xs, values, pen=pg.mkPen(colour, width=2, style=style),
                      symbol="o", symbolSize=6, symbolBrush=colour, symbolPen=None,
                      name=one.name)
        self._show_legend([(SERIES_COLOURS[-1] if one.dashed else SERIES_COLOURS[s % 3], one)
                           for s, one in enumerate(self.series)])
        step = max(1, len(xs) // 12)
        plot.getAxis("bottom").setTicks(
            [[(x, self.categories[x]) for x in xs[::step]]])
        plot.setXRange(-0.5, len(xs) - 0.5, padding=0)
        plot.setYRange(0, max(1.0, top * 1.15), padding=0)

    def hit(self, point: QPointF) -> tuple[int, int] | None:
        index = round(point.x())
        if 0 <= index < len(self.categories) and abs(point.x() - index) <= 0.4:
            return index, 0
        return None


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"
