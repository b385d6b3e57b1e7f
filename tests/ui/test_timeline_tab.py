"""The 时间线 tab as a mediator reads it: everything on the case in time order, newest at
the top, in Chinese; filters; the order; double-click; a slow read of the previous case
never replaces the case on screen."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QPoint, Qt

from app.core.workflow import Outcome
from app.services import cases
from app.services.timeline import EntryKind, case_timeline
from app.ui.case.timeline_model import KIND_ROLE, SUMMARY_ROLE, TimelineModel
from app.ui.case.timeline_tab import TimelineTab
from app.ui.tasks import Lane, SyncTaskRunner, TaskRunner
from tests.conftest import complaint_form
from tests.services.test_timeline import add_attachment, add_mediator, add_note, add_session

T0 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 China time


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def make_case(ws, ticket="1310115202603020001") -> uuid.UUID:
    case_id, _ = cases.intake_work_order(ws, complaint_form(source_ticket=ticket))
    return case_id


def busy_case(ws) -> uuid.UUID:
    """A case with one of each: accepted, assigned, mediating, a note, a contact, a
    session, evidence, an addendum, closed."""
    case_id = make_case(ws)
    colleague = add_mediator(ws)
    for minutes, step in ((0, lambda: cases.accept(ws, case_id)),
                          (5, lambda: cases.assign(ws, case_id, colleague)),
                          (10, lambda: cases.start_mediation(ws, case_id))):
        ws.now = lambda m=minutes: at(m)
        step()
    add_note(ws, case_id, at(20), "当事人同意先行退还部分费用")
    add_note(ws, case_id, at(30), "", kind="contact", contact_with="张三", channel="phone",
             contact_result="no_answer", callback_at=datetime(2026, 11, 24, 2, 0, tzinfo=UTC))
    session = add_session(ws, case_id, at(60), minutes=45, mode="电话", result="agreed")
    add_attachment(ws, case_id, at(110), "发票.jpg", 1_258_291)
    add_session(ws, case_id, at(60), addendum_to=session, addendum_text="协议金额更正为3000元",
                finalized_at=at(120))
    ws.now = lambda: at(130)
    cases.close(ws, case_id, Outcome.SETTLED)
    return case_id


def open_tab(qtbot, ws, runner) -> TimelineTab:
    tab = TimelineTab(SimpleNamespace(ws=ws, runner=runner))
    qtbot.addWidget(tab)
    tab.resize(520, 700)
    tab.show()
    return tab


def show(qtbot, tab: TimelineTab, ws, case_id) -> None:
    with qtbot.waitSignal(tab.loaded, timeout=10_000) as blocker:
        tab.show_case(cases.get_case(ws, case_id))
    assert blocker.args == [case_id]


def summaries(tab: TimelineTab) -> list[str]:
    m = tab.model
    return [m.data(m.index(r), SUMMARY_ROLE) for r in range(m.rowCount())]


def test_the_case_reads_newest_first_in_chinese(qtbot, ws, runner):
    case_id = busy_case(ws)
    tab = open_tab(qtbot, ws, runner)
    show(qtbot, tab, ws, case_id)
    assert summaries(tab) == [
        "状态：调解中 → 已办结（调解成功）",
        "补正 2026-11-23 电话调解记录：协议金额更正为3000元",
        "添加证据 发票.jpg（1.2 MB）",
        "电话调解 45 分钟，结果：达成协议",
        "联系张三（电话）：无人接听，约定 11月24日 10:00 回电",
        "当事人同意先行退还部分费用",
        "状态：已派单 → 调解中",
        "状态：已受理 → 已派单，承办人：王芳",
        "状态：待受理 → 已受理",
    ]
    # Each row: China time, the kind, who, what.
    me = ws.actor.name
    assert tab.lines()[-1] == f"2026-11-23 09:00  状态  {me}  状态：待受理 → 已受理"
    assert tab.lines()[3].startswith(f"2026-11-23 10:00  调解  {me}  电话调解")
    assert tab.count_label.text() == "共 9 条"
    assert tab.stack.currentWidget() is tab.view


def test_oldest_first_on_request(qtbot, ws, runner):
    case_id = busy_case(ws)
    tab = open_tab(qtbot, ws, runner)
    show(qtbot, tab, ws, case_id)
    newest_first = summaries(tab)
    tab.order.setCurrentIndex(TimelineTab.OLDEST_FIRST)
    assert summaries(tab) == newest_first[::-1]
    assert summaries(tab)[0] == "状态：待受理 → 已受理"


@pytest.mark.parametrize(("button", "kinds"), [
    (1, {"session", "addendum"}),
    (2, {"note", "contact"}),
    (3, {"evidence"}),
    (4, {"status"}),
])
def test_a_filter_shows_only_its_kinds(qtbot, ws, runner, button, kinds):
    case_id = busy_case(ws)
    tab = open_tab(qtbot, ws, runner)
    show(qtbot, tab, ws, case_id)
    qtbot.mouseClick(tab.filters.button(button), Qt.MouseButton.LeftButton)
    m = tab.model
    shown = [m.data(m.index(r), KIND_ROLE) for r in range(m.rowCount())]
    assert shown and set(shown) == kinds
    assert tab.count_label.text() == f"{len(shown)} / 9 条"
    qtbot.mouseClick(tab.filters.button(0), Qt.MouseButton.LeftButton)
    assert m.rowCount() == 9 and tab.count_label.text() == "共 9 条"


def test_the_filter_stays_when_the_case_is_read_again(qtbot, ws, runner):
    case_id = busy_case(ws)
    tab = open_tab(qtbot, ws, runner)
    show(qtbot, tab, ws, case_id)
    qtbot.mouseClick(tab.filters.button(2), Qt.MouseButton.LeftButton)
    add_note(ws, case_id, at(200), "新的工作笔记")
    show(qtbot, tab, ws, case_id)
    assert summaries(tab)[0] == "新的工作笔记"
    assert len(summaries(tab)) == 3


def test_an_empty_case_says_so(qtbot, ws, runner):
    tab = open_tab(qtbot, ws, runner)
    show(qtbot, tab, ws, make_case(ws))
    assert tab.stack.currentWidget() is tab.message
    assert tab.message.text().startswith("尚无记录")


def test_double_click_asks_to_open_sessions_and_evidence(qtbot, ws, runner):
    case_id = busy_case(ws)
    tab = open_tab(qtbot, ws, runner)
    show(qtbot, tab, ws, case_id)
    asked = []
    tab.open_requested.connect(lambda kind, ref: asked.append((kind, ref)))
    m = tab.model
    for row in range(m.rowCount()):
        rect = tab.view.visualRect(m.index(row))
        # As a mouse sends it: a click, then the double-click.
        qtbot.mouseClick(tab.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(tab.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    timeline = case_timeline(ws, case_id)
    openable = [(e.kind, e.ref_id) for e in reversed(timeline.entries)
                if e.kind in (EntryKind.SESSION, EntryKind.ADDENDUM, EntryKind.EVIDENCE)]
    assert asked == openable and len(asked) == 3


def test_the_model_passes_the_qt_checks(qtbot, qtmodeltester, ws):
    qtmodeltester.check(TimelineModel())
    model = TimelineModel()
    model.set_timeline(case_timeline(ws, busy_case(ws)))
    qtmodeltester.check(model)
    model.set_kinds({EntryKind.STATUS})
    model.set_newest_first(False)
    qtmodeltester.check(model)


class HeldReads(TaskRunner):
    """Reads wait until the test finishes them, in the order it chooses."""

    def __init__(self) -> None:
        super().__init__()
        self.held = []

    def _submit(self, task, lane) -> None:
        if lane is Lane.READ:
            self.held.append(task)
        else:
            super()._submit(task, lane)


def test_switching_cases_quickly_shows_the_last_case(qtbot, ws):
    first = busy_case(ws)
    second = make_case(ws, ticket="1310115202603020002")
    add_note(ws, second, at(1), "第二件案件的笔记")
    runner = HeldReads()
    tab = open_tab(qtbot, ws, runner)
    tab.show_case(cases.get_case(ws, first))
    tab.show_case(cases.get_case(ws, second))
    slow_first, second_read = runner.held
    with qtbot.waitSignal(tab.loaded, timeout=5_000):
        second_read.execute()
    # The first case's read was asked to stop; if it ran anyway, what it brings is dropped.
    assert slow_first.cancelled
    slow_first.state._cancel.clear()
    slow_first.execute()
    assert summaries(tab) == ["第二件案件的笔记"]
    assert tab.case.id == second


def test_a_hidden_tab_reads_when_it_is_shown(qtbot, ws):
    case_id = busy_case(ws)
    runner = HeldReads()
    tab = TimelineTab(SimpleNamespace(ws=ws, runner=runner))
    qtbot.addWidget(tab)
    tab.show_case(cases.get_case(ws, case_id))
    assert runner.held == []
    tab.show()
    assert len(runner.held) == 1
    with qtbot.waitSignal(tab.loaded, timeout=5_000):
        runner.held[0].execute()
    assert tab.model.rowCount() == 9


def test_ten_thousand_entries_scroll_to_the_oldest(qtbot, ws, monkeypatch):
    from app.services.timeline import NoteSummary, Timeline, TimelineEntry
    from app.ui.case import timeline_tab

    case_id = make_case(ws)
    entries = tuple(TimelineEntry(EntryKind.NOTE, at(n), "zhangmin", uuid.uuid4().hex,
                                  NoteSummary(f"第{n}条")) for n in range(10_000))
    monkeypatch.setattr(timeline_tab, "case_timeline", lambda ws, case_id: Timeline(
        case_id, entries, {"zhangmin": "张敏"}, {}))
    tab = open_tab(qtbot, ws, SyncTaskRunner())
    show(qtbot, tab, ws, case_id)
    assert tab.count_label.text() == "共 10,000 条"
    top = tab.view.indexAt(tab.view.viewport().rect().topLeft())
    assert tab.model.data(top, SUMMARY_ROLE) == "第9999条"
    tab.view.scrollToBottom()
    bottom = tab.view.indexAt(tab.view.viewport().rect().bottomLeft() + QPoint(1, -2))
    assert tab.model.data(bottom, SUMMARY_ROLE) == "第0条"
