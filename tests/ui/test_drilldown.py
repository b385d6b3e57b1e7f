"""A figure's cases shown in the queue: a chip names them, the other filters narrow them,
its × gives the whole list back."""

from __future__ import annotations

from datetime import date

from app.core.workflow import CaseStatus, Source
from app.services.queue import QueueFilter, QueueView
from app.ui.queue.filter_bar_view import narrowed


def test_narrowed_keeps_cases_matching_both():
    base = QueueFilter(sources=frozenset({Source.HOTLINE_12315, Source.HOTLINE_12345}),
                       received_from=date(2026, 3, 1), received_to=date(2026, 3, 31))
    more = QueueFilter(sources=frozenset({Source.HOTLINE_12345}),
                       statuses=frozenset({CaseStatus.RECEIVED}),
                       received_from=date(2026, 3, 10))
    both = narrowed(base, more)
    assert both.sources == {Source.HOTLINE_12345}
    assert both.statuses == {CaseStatus.RECEIVED}
    assert (both.received_from, both.received_to) == (date(2026, 3, 10), date(2026, 3, 31))
    assert narrowed(base, QueueFilter()) == base


def test_a_drilldown_lists_the_cases_of_the_figure_until_its_chip_is_closed(qtbot, window):
    queue = window.queue
    queue.sidebar.select_view(QueueView.TO_ACCEPT)
    qtbot.waitUntil(lambda: not window.loading, timeout=10_000)
    with qtbot.waitSignal(queue.queue_loaded, timeout=10_000):
        queue.show_drilldown("统计：12345 渠道", QueueFilter(
            sources=frozenset({Source.HOTLINE_12345})))
    assert queue.sidebar.current_view() is QueueView.ALL
    assert window.filter_bar.drill_chip.isVisibleTo(window)
    assert window.filter_bar.drill_label.text() == "统计：12345 渠道"
    assert window.queue.model.rowCount() == 1  # the one 12345 case of the seeded three

    with qtbot.waitSignal(queue.queue_loaded, timeout=10_000):
        window.filter_bar.findChild(type(window.filter_bar.clear_button), "drillClose").click()
    assert not window.filter_bar.drill_chip.isVisibleTo(window)
    assert window.queue.model.rowCount() == 3
