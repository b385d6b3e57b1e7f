"""工作记录 as a mediator uses it: a quick note, the contact log with a promised callback,
the marks when the callback falls due, and the queue's 待回电 view."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from app.services import notes, queue
from app.services.queue import QueueQuery, QueueView
from app.ui.case.case_pane import CasePane, Tab
from app.ui.case.notes_tab import NotesTab
from app.ui.qtcompat import emit
from app.ui.queue.queue_model import CALLBACK_ROLE, Column, QueueModel
from app.ui.tasks import SyncTaskRunner
from tests.conftest import FIXED_NOW
from tests.support.stores import raw_rows
from tests.ui.test_case_view import open_view


@pytest.fixture
def view(qtbot, ws, seeded, runner) -> CasePane:
    v = open_view(qtbot, ws, runner, seeded.first)
    v.tabs.setCurrentIndex(Tab.NOTES)
    qtbot.waitUntil(lambda: v.notes.page is not None, timeout=10_000)
    return v


def set_clock(ws, minutes: int) -> None:
    moved = FIXED_NOW + timedelta(minutes=minutes)
    ws.now = lambda: moved


def text_of(tab: NotesTab, name: str) -> str:
    label = tab.findChild(QLabel, name)
    return label.text() if label is not None else ""


def entry_texts(tab: NotesTab, n: int) -> str:
    return " ".join(label.text() for label in tab.findChildren(QLabel)
                    if label.objectName().endswith(f"_{n}")
                    and label.objectName().startswith("note"))


def test_a_typed_note_is_saved_with_ctrl_enter_and_listed(qtbot, view):
    tab = view.notes
    assert "尚无工作记录" in text_of(tab, "noNotes")
    tab.note_edit.insertPlainText("与经营者电话沟通，对方同意退还部分费用。")
    with qtbot.waitSignal(view.saved, timeout=10_000):
        qtbot.keyClick(tab.note_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "同意退还部分费用" in text_of(tab, "noteText_0"), timeout=10_000)
    # Author and China time (10:00 in Beijing is 02:00 UTC).
    assert text_of(tab, "noteHeader_0") == "2026-03-02 10:00　zhangmin　工作记录"
    assert tab.note_edit.toPlainText() == ""


def test_a_blank_note_is_not_sent(qtbot, view):
    tab = view.notes
    qtbot.keyClicks(tab.note_edit, "   ")
    qtbot.mouseClick(tab.save_note_button, Qt.MouseButton.LeftButton)
    assert tab.note_error.isVisible() and "必填" in tab.note_error.text()
    assert notes.list_notes(view.ws, view.case.id) == []


def test_a_contact_with_a_callback_is_marked_when_due(qtbot, view, ws):
    tab = view.notes
    assert tab.form.fields["contact_with"].currentText() == "李秀英（投诉人）"
    tab.form.fields["result"].select("no_answer")
    tab.contact_text.insertPlainText("电话未接通，稍后再打。")
    qtbot.mouseClick(tab.callback.quick_buttons["in_an_hour"], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(view.saved, timeout=10_000):
        qtbot.mouseClick(tab.save_contact_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "无人接听" in text_of(tab, "noteHeader_0"), timeout=10_000)
    assert "电话联系 李秀英：无人接听" in text_of(tab, "noteHeader_0")
    assert text_of(tab, "noteCallback_0") == "约定回电 11:01"
    assert tab.callback_mark() is None  # not due yet
    [case_due] = [c.due_at for c in notes.due_callbacks(ws, now=FIXED_NOW + timedelta(hours=2))]
    assert case_due == FIXED_NOW + timedelta(minutes=61)

    set_clock(ws, 90)  # 11:30: half an hour late
    emit(tab.clock.timeout)  # the minute tick
    assert tab.callback_mark() == "overdue"
    assert "已逾期 29 分钟" in tab.banner.text() and "李秀英" in tab.banner.text()
    assert text_of(tab, "noteCallback_0") == "约定回电 11:01（已逾期 29 分钟）"


def test_a_later_contact_settles_the_callback(qtbot, view, ws):
    notes.log_contact(ws, view.case.id, channel="phone", contact_with="李秀英",
                      result="no_answer", callback_at=FIXED_NOW + timedelta(minutes=30))
    set_clock(ws, 40)
    with qtbot.waitSignal(view.notes.notes_loaded, timeout=10_000):
        view.notes.reload()
    assert view.notes.callback_mark() == "overdue"
    tab = view.notes
    tab.form.fields["result"].select("reached")
    with qtbot.waitSignal(view.saved, timeout=10_000):
        qtbot.mouseClick(tab.save_contact_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已接通" in text_of(tab, "noteHeader_0"), timeout=10_000)
    assert tab.callback_mark() is None
    assert "已由之后的联系处理" in text_of(tab, "noteCallback_1")


def test_the_number_for_a_callback_is_shown_on_request_audited_and_put_in_the_contact_form(
        qtbot, view, ws):
    """Issue 16, item 2: masked everywhere, the number is revealed for the callback
    beside the banner, the reveal is in the audit trail, and the contact form is ready."""
    notes.log_contact(ws, view.case.id, channel="phone", contact_with="李秀英",
                      result="no_answer", callback_at=FIXED_NOW + timedelta(minutes=30))
    set_clock(ws, 40)
    with qtbot.waitSignal(view.notes.notes_loaded, timeout=10_000):
        view.notes.reload()
    tab = view.notes
    assert tab.callback_mark() == "overdue"
    assert tab.reveal_button.isVisible()
    assert not tab.dial_number.isVisible()
    phone = next(p.phone for p in view.case.parties if p.name == "李秀英")
    assert phone not in tab.banner.text()
    qtbot.mouseClick(tab.reveal_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(tab.dial_number.isVisible, timeout=10_000)
    assert tab.dial_number.text() == phone
    assert tab.form.fields["contact_with"].currentText() == "李秀英（投诉人）"
    assert tab.form.fields["channel"].value() == "phone"
    assert tab.contact_text.hasFocus() or tab.focusWidget() is tab.contact_text
    assert raw_rows(ws.store, "SELECT actor, reason FROM audit_events "
                              "WHERE action = 'reveal_phone'") == [("zhangmin", "回电")]
    # Logging the call clears the number from the form (it is never saved in a note).
    tab.form.fields["result"].select("reached")
    with qtbot.waitSignal(view.saved, timeout=10_000):
        qtbot.mouseClick(tab.save_contact_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not tab.dial_number.isVisible(), timeout=10_000)
    assert tab.dial_number.text() == ""
    assert all(phone not in n.text for n in notes.list_notes(ws, view.case.id))


def test_a_callback_in_the_past_is_refused_beside_the_field(qtbot, view, ws):
    tab = view.notes
    tab.form.fields["result"].select("reached")
    tab.callback.set_value(FIXED_NOW - timedelta(hours=1))
    qtbot.mouseClick(tab.save_contact_button, Qt.MouseButton.LeftButton)
    assert "须晚于现在" in tab.form.message_text("callback_at")
    assert notes.list_notes(ws, view.case.id) == []


# ------------------------------------------------------------------ the queue


def test_the_queue_lists_due_callbacks_under_their_own_view(qtbot, ws, seeded, runner):
    from app.ui.main_window import MainWindow

    notes.log_contact(ws, seeded.second, channel="phone", contact_with="欧阳娜",
                      result="no_answer", callback_at=FIXED_NOW + timedelta(hours=1))
    set_clock(ws, 30)  # not yet due (10:30; due 11:00)
    w = MainWindow(ws, runner, store_path=ws.store.path, remember=False)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.settled, timeout=10_000):
        w.show()
    assert w.sidebar.count_shown(QueueView.CALLBACKS) == "0"

    set_clock(ws, 75)  # 11:15: a quarter of an hour late
    # The sidebar asks for fresh counts once a minute (the window refreshes them).
    w.sidebar.refresh_timer.setInterval(1)
    with qtbot.waitSignal(w.sidebar.refresh_wanted, timeout=5_000):
        pass
    w.sidebar.refresh_timer.setInterval(60_000)
    with qtbot.waitSignal(w.counts_loaded, timeout=10_000):
        w.refresh()
    assert w.sidebar.count_shown(QueueView.CALLBACKS) == "1"
    with qtbot.waitSignal(w.queue_loaded, timeout=10_000):
        w.sidebar.select_view(QueueView.CALLBACKS)
    assert w.model.rowCount() == 1
    assert w.model.case_id(0) == seeded.second
    cell = w.model.index(0, Column.DEADLINE)
    assert cell.data().startswith("待回电 11:00")
    assert cell.data(CALLBACK_ROLE) == "overdue"
    assert "已逾期 15 分钟" in cell.data(Qt.ItemDataRole.ToolTipRole)

    # Calling back from the case pane settles it: the count follows.
    tab = w.case_view.notes
    with qtbot.waitSignal(w.case_shown, timeout=10_000):
        w.queue_view.select_row(0)
    w.case_view.tabs.setCurrentIndex(Tab.NOTES)
    qtbot.waitUntil(lambda: tab.callback_mark() == "overdue", timeout=10_000)
    assert tab.form.fields["contact_with"].currentText() == "欧阳娜（投诉人）"
    tab.form.fields["result"].select("reached")
    with qtbot.waitSignal(w.counts_loaded, timeout=10_000):
        qtbot.mouseClick(tab.save_contact_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.sidebar.count_shown(QueueView.CALLBACKS) == "0",
                    timeout=10_000)


def test_a_mediator_sees_only_own_callbacks(ws, seeded):
    from dataclasses import replace

    notes.log_contact(ws, seeded.first, channel="phone", contact_with="李秀英",
                      result="no_answer", callback_at=FIXED_NOW + timedelta(hours=1))
    set_clock(ws, 120)
    assert queue.count_cases(ws, QueueQuery(view=QueueView.CALLBACKS)) == 1  # an admin
    ws.actor = replace(ws.actor, role="mediator")
    assert queue.count_cases(ws, QueueQuery(view=QueueView.CALLBACKS)) == 0  # not assigned


def test_the_queue_model_with_a_callback_row_passes_the_checks(qtbot, qtmodeltester, ws,
                                                              seeded):
    notes.log_contact(ws, seeded.first, channel="phone", contact_with="李秀英",
                      result="no_answer", callback_at=FIXED_NOW + timedelta(hours=1))
    set_clock(ws, 50)  # due within the quarter hour
    model = QueueModel(SyncTaskRunner(), ws, page_size=2)
    model.set_query(QueueQuery(view=QueueView.ALL))
    qtmodeltester.check(model)
    marked = [r for r in range(model.rowCount())
              if model.index(r, Column.DEADLINE).data(CALLBACK_ROLE)]
    assert [model.case_id(r) for r in marked] == [seeded.first]
    assert model.index(marked[0], Column.DEADLINE).data(CALLBACK_ROLE) == "soon"
