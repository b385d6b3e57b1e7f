"""The paged queue model on a small store: Qt's model checks, pages on demand, stale
pages dropped, changed rows shown in place, SQL sort through ``sort()``; on 600 demo
cases, rows deep in the list read by key from anchors."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from app.core.deadlines import DueStatus
from app.services import queue
from app.services.queue import QueueQuery, QueueView, SortKey
from app.ui.operations.queue import load_rows
from app.ui.queue.queue_model import (
    CASE_ID_ROLE,
    DUE_STATUS_ROLE,
    LOADED_ROLE,
    PLACEHOLDER,
    Column,
    QueueModel,
)
from app.ui.tasks import SyncTaskRunner
from tests.support.stores import demo_workstation


def opened(qtbot, model: QueueModel, query: QueueQuery) -> None:
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.set_query(query)


def all_tickets(qtbot, model: QueueModel) -> list[str]:
    """Every row's ticket, waiting for the pages as a scrolling view would."""
    def texts():
        return [model.index(r, Column.TICKET).data() for r in range(model.rowCount())]
    texts()  # asks for the pages
    qtbot.waitUntil(lambda: PLACEHOLDER not in texts(), timeout=10_000)
    return texts()


def test_empty_model(qtmodeltester, ws):
    qtmodeltester.check(QueueModel(SyncTaskRunner(), ws))


def test_paged_model_passes_the_checks_and_fills_pages_on_demand(qtbot, qtmodeltester,
                                                                 ws, seeded):
    model = QueueModel(SyncTaskRunner(), ws, page_size=2, max_pages=2)
    opened(qtbot, model, QueueQuery())
    qtmodeltester.check(model)
    assert model.rowCount() == 3 and model.columnCount() == len(Column)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in Column]
    assert headers[:3] == ["工单号", "状态", "下一期限"] and "标签" in headers
    # The first page came with the count; the third row's page is asked for on sight.
    assert model.index(0, Column.TICKET).data(LOADED_ROLE) is True
    assert model.index(2, Column.TICKET).data() == PLACEHOLDER
    assert model.index(2, Column.TICKET).data(LOADED_ROLE) is False
    with qtbot.waitSignal(model.page_loaded, timeout=10_000) as page:
        pass
    assert page.args == [2]
    assert model.index(2, Column.TICKET).data() == "1310115202602270003"
    assert model.index(2, Column.TICKET).data(CASE_ID_ROLE) == seeded.accepted
    # Deadlines as of the fixed test clock, 2026-03-02: the 7-working-day acceptance
    # decision for the work order received on 2026-03-01 is due 2026-03-10.
    first = model.index(0, Column.DEADLINE)
    assert first.data() == "受理：剩 6 个工作日"  # which deadline, in its unit
    assert DueStatus(first.data(DUE_STATUS_ROLE)) is DueStatus.ON_TRACK
    assert model.index(0, Column.TAGS).data() == "预付式消费、群体性"
    assert model.held_rows() <= 2 * 2


def test_sort_runs_in_sql_and_drops_pages_of_the_old_order(qtbot, ws, seeded):
    model = QueueModel(SyncTaskRunner(), ws, page_size=2)
    opened(qtbot, model, QueueQuery())
    model.index(2, 0).data()  # a page of the newest-first order is wanted ...
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.sort(Column.COMPLAINANT, Qt.SortOrder.AscendingOrder)
    assert model.query.sort is SortKey.COMPLAINANT and not model.query.descending
    expected = [s.source_ticket for s in queue.fetch_cases(ws, model.query, 0, 10).rows]
    assert all_tickets(qtbot, model) == expected  # ... and never shows up in this one
    names = [model.index(r, Column.COMPLAINANT).data() for r in range(3)]
    assert names == ["李秀英", "欧阳娜", "赵建国"]  # pinyin order: li, ouyang, zhao


def test_a_changed_case_is_shown_in_place(qtbot, ws, seeded):
    from app.services import cases

    model = QueueModel(SyncTaskRunner(), ws)
    opened(qtbot, model, QueueQuery(view=QueueView.TO_ACCEPT))
    row = model.row_of(seeded.second)
    cases.accept(ws, seeded.second)
    update = load_rows(ws, frozenset({seeded.second}))
    with qtbot.waitSignal(model.dataChanged):
        model.replace_row(update.rows[0])
    assert model.index(row, Column.STATUS).data() == "已受理"
    assert model.rowCount() == 2  # it stays until the next refresh


def test_a_sort_keeps_the_count_until_a_case_changes(qtbot, ws, seeded):
    from app.services import cases

    model = QueueModel(SyncTaskRunner(), ws)
    opened(qtbot, model, QueueQuery(view=QueueView.TO_ACCEPT))
    assert model.rowCount() == 2
    cases.accept(ws, seeded.second)  # changed behind the model's back: not counted again
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.sort(Column.COMPLAINANT, Qt.SortOrder.AscendingOrder)
    assert model.rowCount() == 2
    # Told of the change (as the window is), the model counts at the next sort.
    model.replace_row(load_rows(ws, frozenset({seeded.second})).rows[0])
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.sort(Column.COMPLAINANT, Qt.SortOrder.DescendingOrder)
    assert model.rowCount() == 1
    # A refresh (the same query again) always counts.
    cases.accept(ws, seeded.first)
    opened(qtbot, model, model.query)
    assert model.rowCount() == 0


def test_search_outcome_and_count_come_with_the_first_page(qtbot, ws, seeded):
    model = QueueModel(SyncTaskRunner(), ws)
    opened(qtbot, model, replace(QueueQuery(), search="欧阳"))
    assert model.rowCount() == 1
    assert model.index(0, Column.COMPLAINANT).data() == "欧阳娜"
    assert model.search_outcome is not None and model.search_outcome.matched == 1
    opened(qtbot, model, QueueQuery())
    assert model.search_outcome is None and model.rowCount() == 3


# ------------------------------------------------------------------ deep rows, by key

DEMO_NOW = datetime(2026, 11, 20, 6, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory):
    """600 demo cases: with pages of 5 the model keeps an anchor every 125 rows."""
    ws = demo_workstation(tmp_path_factory.mktemp("queue600") / "data", 600, seed=7,
                          now=DEMO_NOW, chunk_cases=600)
    yield ws
    ws.store.close()


def wait_row(qtbot, model: QueueModel, row: int):
    index = model.index(row, Column.TICKET)
    index.data()  # asks for its page
    qtbot.waitUntil(lambda: index.data() != PLACEHOLDER, timeout=10_000)
    return index


@pytest.mark.parametrize(("sort", "descending"), [
    (SortKey.RECEIVED, True), (SortKey.RECEIVED, False), (SortKey.DEADLINE, False),
    (SortKey.COMPLAINANT, True), (SortKey.STATUS, False), (SortKey.MEDIATOR, True)])
def test_scrolled_to_the_middle_the_model_shows_the_rows_offset_paging_gives(
        qtbot, qtmodeltester, demo_ws, sort, descending):
    model = QueueModel(SyncTaskRunner(), demo_ws, page_size=5, max_pages=4)
    query = QueueQuery(view=QueueView.ALL, sort=sort, descending=descending)
    opened(qtbot, model, query)
    assert model.rowCount() == 600
    qtbot.waitUntil(lambda: model.anchored, timeout=10_000)  # once shown a moment
    expected = [r.id for r in queue.fetch_cases(demo_ws, query, 0, 600).rows]
    # A jump to the middle, rows around it, the page above it (read backwards from the
    # page below), the last row and back to the top.
    for row in (300, 301, 309, 296, 599, 1, 437, 180):
        index = wait_row(qtbot, model, row)
        assert index.data(CASE_ID_ROLE) == expected[row], row
    assert model.held_rows() <= 4 * 5
    qtmodeltester.check(model)


def test_a_page_read_after_a_case_was_added_joins_the_page_above(qtbot, demo_ws):
    from app.services import cases
    from tests.conftest import complaint_form

    model = QueueModel(SyncTaskRunner(), demo_ws, page_size=5)
    query = QueueQuery(view=QueueView.ALL, sort=SortKey.RECEIVED, descending=True)
    opened(qtbot, model, query)
    shown = [model.index(r, 0).data(CASE_ID_ROLE) for r in range(5)]
    # A new case at the top of the list, before the second page is read.
    cases.intake_work_order(demo_ws, complaint_form(
        source_ticket="NEW-TOP", received_at=DEMO_NOW - timedelta(minutes=1)))
    now = [r.id for r in queue.fetch_cases(demo_ws, query, 0, 20).rows]
    assert now[1:6] == shown
    following = [wait_row(qtbot, model, r).data(CASE_ID_ROLE) for r in range(5, 10)]
    assert following == now[6:11]  # neither the fifth row again nor one skipped
