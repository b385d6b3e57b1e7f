"""The queue window on 100,000 demo cases, used as a mediator uses it: the counts, the
header sort, the filters and the search box, checked against the services directly."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from pypinyin import Style, lazy_pinyin
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from app.core.workflow import CaseStatus
from app.demo.generator import generate_demo_data
from app.services import queue
from app.services.queue import QueueFilter, QueueQuery, QueueView, SortKey
from app.services.reference import open_workstation
from app.store.database import open_store
from app.ui.main_window import MainWindow
from app.ui.queue.queue_model import CASE_ID_ROLE, PLACEHOLDER, Column, QueueModel
from app.ui.tasks import SyncTaskRunner, TaskRunner

CASES = 100_000
REFERENCE_NOW = datetime(2026, 11, 20, 6, 30, tzinfo=UTC)  # a Friday, 14:30 in China

# The module builds a 100,000-case store first (15–25 s).
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def big_store(tmp_path_factory):
    """Made once for the module (about 15 s)."""
    store = open_store(tmp_path_factory.mktemp("queue100k"))
    generate_demo_data(store, CASES, seed=11, now=REFERENCE_NOW, login="zhangmin")
    yield store
    store.close()


@pytest.fixture
def big_ws(big_store):
    ws = open_workstation(big_store, login="zhangmin")
    ws.now = lambda: REFERENCE_NOW
    return ws


@pytest.fixture
def big_window(qtbot, big_ws):
    runner = TaskRunner()
    w = MainWindow(big_ws, runner, store_path=big_ws.store.path, remember=False)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.settled, timeout=30_000):
        w.show()
    yield w
    w.close()
    assert runner.shutdown()


def sql(store, query: str, *params):
    con = sqlite3.connect(store.path)
    try:
        return con.execute(query, params).fetchall()
    finally:
        con.close()


def first_tickets(window: MainWindow, n: int = 30) -> list[str]:
    return [window.model.index(r, Column.TICKET).data() for r in range(n)]


def service_tickets(ws, query: QueueQuery, n: int = 30) -> list[str]:
    return [s.source_ticket for s in queue.fetch_cases(ws, query, 0, n).rows]


def wait_loaded(qtbot, window: MainWindow, act) -> None:
    with qtbot.waitSignal(window.queue_loaded, timeout=20_000):
        act()
    qtbot.waitUntil(lambda: not window.loading, timeout=20_000)


def listed_ids(qtbot, model: QueueModel) -> list:
    """Every listed case id, row by row as a scrolling view asks for them."""
    ids = []
    for r in range(model.rowCount()):
        index = model.index(r, 0)
        if index.data(CASE_ID_ROLE) is None:
            qtbot.waitUntil(lambda index=index: index.data(CASE_ID_ROLE) is not None,
                            timeout=20_000)
        ids.append(index.data(CASE_ID_ROLE))
    return ids


def test_opens_on_my_cases_with_counts_that_match_the_services(qtbot, big_window, big_ws):
    w = big_window
    counts = queue.view_counts(big_ws)
    assert counts[QueueView.ALL] == CASES
    assert counts[QueueView.MINE] > 0
    assert w.sidebar.current_view() is QueueView.MINE  # the user has cases
    assert w.model.rowCount() == queue.count_cases(big_ws, QueueQuery(view=QueueView.MINE))
    for view in QueueView:
        assert w.sidebar.count_shown(view) == f"{counts[view]:,}", view
    wait_loaded(qtbot, w, lambda: w.sidebar.select_view(QueueView.ALL))
    assert w.model.rowCount() == CASES
    assert f"共 {CASES:,} 件" in w.count_label.text()
    assert first_tickets(w) == service_tickets(big_ws, w.model.query)
    # Only pages are held, never a row per case.
    assert w.model.held_rows() <= w.model.max_pages * w.model.page_size


def test_visible_rows_show_the_case_data(big_window, big_ws):
    w = big_window
    rows = queue.fetch_cases(big_ws, w.model.query, 0, 25).rows
    for r, summary in enumerate(rows):
        cell = lambda column, r=r: w.model.index(r, column).data()  # noqa: E731
        assert cell(Column.TICKET) == summary.source_ticket
        assert cell(Column.COMPLAINANT) == summary.complainant_name
        assert cell(Column.RESPONDENT) == summary.respondent_name
        assert cell(Column.CATEGORY) == summary.category
        assert cell(Column.MEDIATOR) == summary.mediator_name
        assert cell(Column.TAGS) == "、".join(summary.tags)
        assert w.model.index(r, 0).data(CASE_ID_ROLE) == summary.id
        assert (cell(Column.DEADLINE) != "") == (summary.next_deadline_on is not None)


def test_a_deep_row_arrives_with_its_page(qtbot, big_window, big_ws):
    w = big_window
    wait_loaded(qtbot, w, lambda: w.sidebar.select_view(QueueView.ALL))
    row = 61_234
    w.queue_view.scrollTo(w.model.index(row, 0))
    index = w.model.index(row, Column.TICKET)
    assert index.data() == PLACEHOLDER
    qtbot.waitUntil(lambda: index.data() != PLACEHOLDER, timeout=20_000)
    expected = queue.fetch_cases(big_ws, w.model.query, row, 1).rows[0]
    assert index.data() == expected.source_ticket


@pytest.mark.parametrize(("column", "key"), [(Column.COMPLAINANT, SortKey.COMPLAINANT),
                                             (Column.DEADLINE, SortKey.DEADLINE),
                                             (Column.STATUS, SortKey.STATUS)])
def test_a_header_click_sorts_in_sql(qtbot, big_window, big_ws, column, key):
    w = big_window
    wait_loaded(qtbot, w, lambda: w.sidebar.select_view(QueueView.ALL))
    header = w.queue_view.horizontalHeader()
    header.setSectionHidden(column, False)
    w.queue_view.scrollTo(w.model.index(0, column))
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    click = lambda: qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,  # noqa: E731
                                     pos=QPoint(x, 5))
    wait_loaded(qtbot, w, click)
    ascending = QueueQuery(view=QueueView.ALL, sort=key, descending=False)
    assert w.model.query == ascending
    assert first_tickets(w) == service_tickets(big_ws, ascending)
    assert w.model.rowCount() == CASES
    wait_loaded(qtbot, w, click)  # the second click turns the order round
    descending = replace(ascending, descending=True)
    assert w.model.query == descending
    assert first_tickets(w) == service_tickets(big_ws, descending)


def test_filters_reduce_the_count_as_the_services_do(qtbot, big_window, big_ws):
    w = big_window
    wait_loaded(qtbot, w, lambda: w.sidebar.select_view(QueueView.ALL))
    bar = w.filter_bar
    wait_loaded(qtbot, w, lambda: bar.status_button.set_selected({"mediating", "received"}))
    statuses = frozenset({CaseStatus.MEDIATING, CaseStatus.RECEIVED})
    expected = queue.count_cases(big_ws, QueueQuery(filter=QueueFilter(statuses=statuses)))
    assert 0 < w.model.rowCount() == expected < CASES
    assert {w.model.index(r, Column.STATUS).data() for r in range(50)} <= {"调解中", "待受理"}
    assert "已筛选" in w.count_label.text()

    category = bar.category_button.options()[0]
    wait_loaded(qtbot, w, lambda: bar.category_button.set_selected({category}))
    both = QueueFilter(statuses=statuses, categories=frozenset({category}))
    assert w.model.rowCount() == queue.count_cases(big_ws, QueueQuery(filter=both)) < expected
    assert {w.model.index(r, Column.CATEGORY).data() for r in range(20)} == {category}
    assert first_tickets(w, 20) == service_tickets(big_ws, QueueQuery(filter=both), 20)

    wait_loaded(qtbot, w, lambda: qtbot.mouseClick(bar.clear_button, Qt.MouseButton.LeftButton))
    assert w.model.rowCount() == CASES


@pytest.fixture(scope="module")
def target(big_store):
    """The newest case whose complainant has a resident ID: every kind of search for it
    puts it first (results are newest first)."""
    (case_hex, ticket, name, phone, id_number), = sql(big_store, """
        SELECT c.id, c.source_ticket, c.complainant_name, c.complainant_phone, p.id_number
        FROM cases c JOIN parties p ON p.case_id = c.id AND p.role = 'applicant'
        WHERE c.deleted = false AND p.id_type = 'resident_id' AND length(c.complainant_phone) = 11
        ORDER BY c.received_at DESC LIMIT 1""")
    return dict(id=case_hex, ticket=ticket, name=name, phone=phone, id_number=id_number)


def query_kinds(target) -> dict[str, str]:
    name = target["name"]
    return {
        "2-character Chinese": name[:2],
        "pinyin initials": "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)),
        "full pinyin": "".join(lazy_pinyin(name)),
        "last four phone digits": target["phone"][-4:],
        "ticket number": target["ticket"],
        "ID number": target["id_number"],
    }


def type_into(qtbot, box, text: str) -> None:
    """Keys for Latin letters and digits; Chinese arrives as an input method commits it."""
    if text.isascii():
        qtbot.keyClicks(box, text)
    else:
        event = QInputMethodEvent()
        event.setCommitString(text)
        QApplication.sendEvent(box, event)


def test_the_search_box_finds_by_name_pinyin_phone_ticket_and_id(qtbot, big_window, big_ws,
                                                                target):
    import uuid

    w = big_window
    wait_loaded(qtbot, w, lambda: w.sidebar.select_view(QueueView.ALL))
    box = w.filter_bar.search_box
    assert box.isEnabled()  # a demo store's search index is complete
    expected = uuid.UUID(hex=target["id"])
    for kind, text in query_kinds(target).items():
        qtbot.keyClick(w, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
        assert box.hasFocus(), "Ctrl+F puts the cursor in the search box"
        box.clear()
        def typed(text=text):
            type_into(qtbot, box, text)
            qtbot.keyClick(box, Qt.Key.Key_Return)
        wait_loaded(qtbot, w, typed)
        assert w.model.query.search == text
        assert w.model.index(0, 0).data(CASE_ID_ROLE) == expected, kind
        assert w.model.rowCount() == queue.count_cases(big_ws, w.model.query), kind
        outcome = w.model.search_outcome
        if outcome.more:  # capped at the newest 500, and the status bar says so
            assert w.model.rowCount() == 500 and w.search_label.isVisible()
            assert "500" in w.search_label.text()
    # Esc clears the search and lists everything again.
    wait_loaded(qtbot, w, lambda: qtbot.keyClick(box, Qt.Key.Key_Escape))
    assert box.text() == "" and w.model.rowCount() == CASES


def test_next_and_previous_case_by_keyboard(qtbot, big_window):
    w = big_window
    w.queue_view.select_row(0)
    first = w.queue_view.selected_case_id()
    w.queue_view.setFocus()
    qtbot.keyClick(w, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    assert w.queue_view.selected_row() == 1
    second = w.queue_view.selected_case_id()
    assert second is not None and second != first
    qtbot.waitUntil(lambda: w.case_view.case is not None and w.case_view.case.id == second,
                    timeout=20_000)
    qtbot.keyClick(w, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert w.queue_view.selected_case_id() == first


def test_paged_model_passes_qt_model_checks_on_a_search_result(qtbot, qtmodeltester, big_ws):
    model = QueueModel(SyncTaskRunner(), big_ws, page_size=50, max_pages=3)
    with qtbot.waitSignal(model.loaded, timeout=20_000):
        model.set_query(QueueQuery(search="退费"))
    assert 150 < model.rowCount() <= 500
    qtmodeltester.check(model)
    ids = listed_ids(qtbot, model)
    assert len(set(ids)) == len(ids) == model.rowCount()
    assert model.held_rows() <= 3 * 50
