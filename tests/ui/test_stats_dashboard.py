"""视图 → 统计: figures load in the background, and each tile, bar and hot word opens the
cases behind it in the queue."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from app.core.stats import Dimension, Kpi
from app.core.users import UserRole
from app.services import hot_words
from app.services.dashboard import people
from app.services.reports import ReportKind
from app.ui.stats.dashboard import StatsDashboard


@pytest.fixture
def dashboard(qtbot, window):
    hot_words.catch_up(window.ws.store)
    window.stats_action.trigger()
    board = window.stats_window
    assert isinstance(board, StatsDashboard)
    with qtbot.waitSignal(board.charts_loaded, timeout=20_000):
        board.set_custom_range(date(2026, 2, 1), date(2026, 3, 2))
    return board


def test_tiles_show_the_period_beside_the_one_before(dashboard):
    tile = dashboard.tiles[Kpi.RECEIVED]
    assert tile.value.text() == "3"  # the three seeded cases, 27 Feb – 1 Mar
    assert tile.previous.text().startswith("上期 0")
    assert "+3" in tile.previous.text()
    assert dashboard.tiles[Kpi.ON_TIME].value.text() == "—"  # nothing closed: no rate
    assert not dashboard.busy.isVisible()


def test_a_tile_opens_its_cases_in_the_queue(qtbot, window, dashboard):
    with qtbot.waitSignal(window.queue.queue_loaded, timeout=10_000):
        dashboard.tiles[Kpi.RECEIVED].clicked.emit()
    assert window.queue.model.rowCount() == 3
    assert "新收工单" in window.filter_bar.drill_label.text()


def test_a_bar_and_a_hot_word_open_their_cases(qtbot, window, dashboard):
    chart = dashboard.charts[Dimension.SOURCE]
    labels = chart.categories
    index = labels.index("12345")
    with qtbot.waitSignal(window.queue.queue_loaded, timeout=10_000):
        chart.click(index)
    assert window.queue.model.rowCount() == 1
    assert "12345" in window.filter_bar.drill_label.text()

    words = [w.word for w in dashboard.charts_data.hot_words]
    assert "健身卡" in words or "预付" in "".join(words)
    row = 0
    expected = dashboard.charts_data.hot_words[row].cases
    with qtbot.waitSignal(window.queue.queue_loaded, timeout=10_000):
        dashboard.words.itemClicked.emit(dashboard.words.item(row, 0))
    assert window.queue.model.rowCount() == expected
    assert "热词" in window.filter_bar.drill_label.text()


def test_colleagues_are_offered_as_scopes_only_to_those_who_see_the_office(qtbot, dashboard):
    qtbot.waitUntil(lambda: dashboard.scope.count() > 2, timeout=10_000)
    offered = [dashboard.scope.itemText(i) for i in range(dashboard.scope.count())]
    assert "调解员：王芳" in offered
    mediator = dataclasses.replace(dashboard.ws, actor=dataclasses.replace(
        dashboard.ws.actor, role=UserRole.MEDIATOR))
    assert [p.login for p in people(mediator)] == [mediator.actor.login]


def test_a_report_is_written_in_the_background_for_the_period_shown(qtbot, dashboard,
                                                                    tmp_path):
    target = tmp_path / "周报"
    with qtbot.waitSignal(dashboard.report_saved, timeout=20_000) as saved:
        dashboard.export_report(ReportKind.WEEKLY, target=str(target))
    result = saved.args[0]
    assert result.path == tmp_path / "周报.pdf" and result.path.stat().st_size > 1000
    assert result.period.end == date(2026, 3, 8)  # the week of the period's last day
    assert "已导出" in dashboard.state.text()
