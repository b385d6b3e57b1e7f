"""The session-record editor as a mediator uses it: start from the case, type, leave,
come back, finish, correct; templates and quick phrases; reopened after a restart."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from app.core.phrases import PhraseKind
from app.core.sessions import SessionResult
from app.services import sessions
from app.ui.case.case_pane import Tab
from app.ui.main_window import MainWindow
from app.ui.session.phrase_dialog import PhraseDialog
from app.ui.session.session_editor import SessionEditor
from tests.conftest import FIXED_NOW
from tests.support.typing import type_text
from tests.ui.test_case_view import click, open_view


@pytest.fixture
def view(qtbot, ws, seeded, runner):
    view = open_view(qtbot, ws, runner, seeded.first)
    view.tabs.setCurrentIndex(Tab.SESSIONS)
    yield view
    for editor in list(view.session_editors.editors.values()):
        editor.close()


def start_editor(qtbot, view) -> SessionEditor:
    with qtbot.waitSignal(view.session_editors.opened, timeout=10_000) as opened:
        click(qtbot, view.sessions.start_button)
    editor = opened.args[0]
    qtbot.waitUntil(lambda: editor.template_combo.count() > 1, timeout=10_000)
    return editor


def type_into(qtbot, widget, text: str) -> None:
    widget.setFocus()
    type_text(widget, text)


def stored(ws, editor) -> sessions.DraftView:
    return sessions.load_draft(ws, editor.draft.id)


def test_a_new_record_lists_the_parties_and_runs_its_timer(qtbot, view, ws):
    editor = start_editor(qtbot, view)
    names = [editor.participants.item(n).text() for n in range(editor.participants.count())]
    assert names == ["李秀英（申请人）", "上海悦动健身管理有限公司（被申请人）"]
    assert editor.windowTitle() == "调解记录 — 1310115202603020001"
    assert editor.clock.text() == "00:00:00"
    assert editor.pause_button.text() == "暂停计时"
    ws.now = lambda: stored(ws, editor).created_at + timedelta(minutes=3, seconds=5)
    editor._show_clock()
    assert editor.clock.text() == "00:03:05"
    click(qtbot, editor.pause_button)
    assert editor.pause_button.text() == "继续计时"
    assert editor.content().timer.running_since is None
    assert editor.content().timer.elapsed == 185


def test_typing_is_saved_within_a_second_or_two(qtbot, view, ws):
    editor = start_editor(qtbot, view)
    with qtbot.waitSignal(editor.saved, timeout=5_000):
        type_into(qtbot, editor.proposals, "建议退还2400元")
    assert stored(ws, editor).content.proposals == "建议退还2400元"
    assert editor.save_state.text().startswith("草稿已自动保存")
    with qtbot.waitSignal(editor.saved, timeout=5_000):
        type_into(qtbot, editor.statement_edit("李秀英"), "门店关了")
    assert stored(ws, editor).content.statement_of("李秀英") == "门店关了"


def test_leaving_the_window_saves_at_once(qtbot, view, ws):
    editor = start_editor(qtbot, view)
    type_into(qtbot, editor.evidence, "发票一张")
    assert editor.dirty
    before = editor.revision
    editor._on_focus_changed(editor.evidence, view.sessions.start_button)
    # Handed to the write lane now, not when the one-second timer fires.
    assert editor.revision == before + 1 and not editor._save_timer.isActive()
    qtbot.waitUntil(lambda: stored(ws, editor).content.evidence == "发票一张", timeout=5_000)


def test_closing_keeps_the_draft_and_it_comes_back_exactly(qtbot, view, ws):
    editor = start_editor(qtbot, view)
    editor.place.setText("张江所调解室")
    type_into(qtbot, editor.responses, "双方同意再谈")
    editor.result.setCurrentIndex(editor.result.findData(SessionResult.NEXT_STEP.value))
    content = editor.content()
    draft_id = editor.draft.id
    with qtbot.waitSignal(view.sessions.loaded, timeout=5_000):
        editor.close()  # saved on the spot
        view.sessions.reload()
    assert draft_id not in view.session_editors.editors
    again = sessions.load_draft(ws, draft_id)
    assert again.content == content and not again.open
    (line,) = [w for w in view.sessions.findChildren(QPushButton, "continueDraft")
               if w.isVisible()]
    with qtbot.waitSignal(view.session_editors.opened, timeout=5_000) as opened:
        click(qtbot, line)
    reopened = opened.args[0]
    assert reopened.content() == content
    assert reopened.place.text() == "张江所调解室"


def test_finishing_files_the_record_which_then_reads_but_never_edits(qtbot, view, ws):
    editor = start_editor(qtbot, view)
    type_into(qtbot, editor.statement_edit("李秀英"), "要求退款<script>alert(1)</script>")
    type_into(qtbot, editor.proposals, "建议退还2400元")
    editor.result.setCurrentIndex(editor.result.findData(SessionResult.AGREED.value))
    click(qtbot, editor.finish_button)
    box = editor.current_message
    assert box is not None and "不能再修改" in box.text()
    with qtbot.waitSignal(editor.finished, timeout=10_000):
        box.accept()
    qtbot.waitUntil(lambda: view.sessions.records.count() == 1, timeout=10_000)
    assert "达成协议" in view.sessions.records.item(0).text()
    detail = view.sessions.detail.toPlainText()
    assert "要求退款<script>alert(1)</script>" in detail  # shown as typed, never run
    assert "建议退还2400元" in detail
    assert not view.session_editors.editors
    assert view.sessions.findChildren(QPushButton, "continueDraft") == [] or all(
        not b.isVisible() for b in view.sessions.findChildren(QPushButton, "continueDraft"))


def test_finishing_an_incomplete_record_says_what_is_missing(qtbot, view, ws):
    editor = start_editor(qtbot, view)
    for n in range(editor.participants.count()):
        editor.participants.item(n).setCheckState(Qt.CheckState.Unchecked)
    editor.finish()
    qtbot.waitUntil(editor.problems.isVisible, timeout=5_000)
    text = editor.problems.text()
    assert "参加人：" in text and "调解结果：" in text
    assert editor.finish_button.isEnabled()
    assert stored(ws, editor).id == editor.draft.id  # still a draft


def test_an_addendum_is_dated_and_shown_after_the_record(qtbot, view, ws):
    editor = start_editor(qtbot, view)
    type_into(qtbot, editor.proposals, "建议退还2400元")
    editor.result.setCurrentIndex(editor.result.findData(SessionResult.PARTIAL.value))
    editor.finish()
    qtbot.waitUntil(lambda: view.sessions.records.count() == 1, timeout=10_000)
    click(qtbot, view.sessions.addendum_button)
    dialog = view.sessions.current_dialog
    dialog.submit()  # empty: refused with a message
    qtbot.waitUntil(dialog.error.isVisible, timeout=5_000)
    assert dialog.error.text() == "请填写补充内容。"
    dialog.text.setPlainText("更正：金额为2500元。")
    dialog.submit()
    qtbot.waitUntil(lambda: "补充 1 条" in view.sessions.records.item(0).text(),
                    timeout=10_000)
    detail = view.sessions.detail.toPlainText()
    assert "建议退还2400元" in detail
    assert "补充说明（" in detail and "更正：金额为2500元。" in detail
    assert "补充 1 条" in view.sessions.records.item(0).text()


def test_templates_fill_empty_parts_and_phrases_go_where_the_cursor_is(qtbot, view, ws):
    editor = start_editor(qtbot, view)
    titles = [editor.template_combo.itemText(n) for n in range(editor.template_combo.count())]
    assert "预付卡退费" in titles and "网购退货退款" not in titles  # the case is 预付式消费
    editor.proposals.setPlainText("已释法。")
    editor.template_combo.activated.emit(titles.index("预付卡退费"))
    assert editor.evidence.toPlainText().startswith("申请人提供了会员卡")
    assert editor.proposals.toPlainText().startswith("已释法。\n调解员依据单用途预付卡")
    # A phrase: into the text box last written in, at the cursor.
    statement = editor.statement_edit("上海悦动健身管理有限公司")
    type_into(qtbot, statement, "我方")
    editor._on_focus_changed(None, statement)
    items = [editor.phrase_list.item(n) for n in range(editor.phrase_list.count())]
    need = next(i for i in items if i.text() == "需核实记录")
    assert all(i.data(Qt.ItemDataRole.UserRole).field in ("", "statement") for i in items)
    editor.phrase_list.itemDoubleClicked.emit(need)
    assert statement.toPlainText() == "我方需要核实订单及交易记录后再作答复。"


def test_an_office_phrase_added_in_the_manager_is_offered_at_once(qtbot, view, ws):
    editor = start_editor(qtbot, view)
    dialog = PhraseDialog(ws, editor.runner, "预付式消费", editor)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.entries.count() > 0, timeout=5_000)
    dialog.new(PhraseKind.PHRASE)
    dialog.save()  # no title, no text
    qtbot.waitUntil(lambda: bool(dialog.error.text()), timeout=5_000)
    assert "标题：" in dialog.error.text() and "内容：" in dialog.error.text()
    dialog.title_edit.setText("会员卡已冻结")
    dialog.body_edit.setPlainText("经核实，会员卡已被商家冻结。")
    with qtbot.waitSignal(editor.runner.events.changed, timeout=5_000):
        dialog.save()
    qtbot.waitUntil(lambda: any(
        editor.phrase_list.item(n).text() == "会员卡已冻结"
        for n in range(editor.phrase_list.count())), timeout=5_000)
    # Built-ins are read-only in the manager.
    builtin = next(dialog.entries.item(n) for n in range(dialog.entries.count())
                   if dialog.entries.item(n).data(Qt.ItemDataRole.UserRole).builtin)
    dialog.entries.setCurrentItem(builtin)
    assert dialog.title_edit.isReadOnly() and not dialog.save_button.isEnabled()
    assert dialog.copy_button.isEnabled()


def test_an_editor_open_when_the_app_quits_is_reopened_at_the_next_start(
        qtbot, ws, seeded, runner):
    first = MainWindow(ws, runner, store_path=ws.store.path, remember=False)
    qtbot.addWidget(first)
    with qtbot.waitSignal(first.settled, timeout=10_000):
        first.show()
    editors = first.case_view.session_editors
    with qtbot.waitSignal(editors.opened, timeout=10_000) as opened:
        editors.start(seeded.first, "微信")
    editor = opened.args[0]
    editor.proposals.setPlainText("微信里说好了退款方式")  # not yet saved by the timer
    first.close()
    assert not editor.isVisible()
    (draft,) = sessions.open_drafts(ws)
    assert draft.content.proposals == "微信里说好了退款方式" and draft.open

    second = MainWindow(ws, runner, store_path=ws.store.path, remember=False)
    qtbot.addWidget(second)
    with qtbot.waitSignal(second.case_view.session_editors.opened, timeout=10_000) as again:
        second.show()
    reopened = again.args[0]
    assert reopened.proposals.toPlainText() == "微信里说好了退款方式"
    assert reopened.mode.currentText() == "微信"
    reopened.close()
    assert not sessions.load_draft(ws, draft.id).open
    second.close()


def test_the_history_words_records_contacts_and_evidence(qtbot, view, ws, seeded, tmp_path):
    from dataclasses import replace
    from datetime import timedelta

    from app.services import evidence, notes
    from tests.sync.test_sync_records import PNG
    from tests.ui.test_case_view import reload

    draft, _ = sessions.start_draft(ws, seeded.first, "电话")
    content = replace(draft.content.with_statement("李秀英", "要求退款"),
                      result=SessionResult.AGREED.value)
    sessions.finish_session(ws, draft.id, content)
    sessions.add_addendum(ws, draft.id, "更正：金额为2500元。")
    notes.log_contact(ws, seeded.first, channel="phone", contact_with="李秀英",
                      result="no_answer", callback_at=ws.now() + timedelta(hours=2))
    receipt = tmp_path / "收据.png"
    receipt.write_bytes(PNG)
    evidence.attach_file(ws, seeded.first, receipt)
    reload(qtbot, view)
    history = view.history.text()
    for words in ("完成调解记录", "调解方式：电话", "调解结果：达成协议", "补充调解记录",
                  "补充内容：更正：金额为2500元。", "联系登记", "联系方式：电话",
                  "联系结果：无人接听", "约定回电：2026-03-02 12:00", "添加证据材料",
                  "文件名：收据.png"):
        assert words in history, words
    assert "sha256" not in history and "create:contact" not in history


def test_a_record_double_clicked_in_the_timeline_opens_on_its_tab(qtbot, view, ws, seeded):
    from app.services.timeline import EntryKind
    from tests.ui.test_case_view import reload

    records = []
    for proposals in ("第一次方案", "第二次方案"):
        draft, _ = sessions.start_draft(ws, seeded.first, "电话")
        content = draft.content.with_statement("李秀英", "要求退款")
        from dataclasses import replace
        sessions.finish_session(ws, draft.id, replace(
            content, proposals=proposals, result=SessionResult.NEXT_STEP.value,
            next_step_on=ws.now().date() + timedelta(days=3)))
        records.append(draft.id)
    sessions.add_addendum(ws, records[0], "补充：对方已确认。")
    reload(qtbot, view)
    qtbot.waitUntil(lambda: view.sessions.records.count() == 2, timeout=5_000)
    view.tabs.setCurrentIndex(Tab.TIMELINE)
    (first,) = [r for r in sessions.case_sessions(ws, seeded.first).sessions
                if r.id == records[0]]
    addendum = first.addenda[0].id
    view.timeline.open_requested.emit(EntryKind.ADDENDUM, addendum)
    assert view.tabs.currentIndex() == Tab.SESSIONS
    assert "第一次方案" in view.sessions.detail.toPlainText()
    view.timeline.open_requested.emit(EntryKind.SESSION, records[1])
    assert "第二次方案" in view.sessions.detail.toPlainText()


def test_the_start_is_shown_and_kept_in_china_time_whatever_the_machines_zone(
        qtbot, view, ws, monkeypatch):
    """Issue 16, item 9: a laptop set to another zone still shows 10:00 for a session
    that started at 10:00 in Beijing, and keeps that instant."""
    import time

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        editor = start_editor(qtbot, view)  # started now: 02:00 UTC, 10:00 in Beijing
        assert editor.started.text() == "2026-03-02 10:00"
        assert editor.content().started_at == FIXED_NOW
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_a_participant_added_by_hand_gets_a_statement_box_and_is_saved(qtbot, view, ws):
    """Issue 16, item 6: 李明 (代理人) speaks like a party, and adding him is kept."""
    editor = start_editor(qtbot, view)
    editor.other_name.setText("李明")
    editor.other_role.setText("代理人")
    with qtbot.waitSignal(editor.saved, timeout=5_000):
        editor.add_other_participant()
    assert [p.name for p in stored(ws, editor).content.participants][-1] == "李明"
    box = editor.statement_edit("李明")
    assert box.isVisible()
    with qtbot.waitSignal(editor.saved, timeout=5_000):
        type_into(qtbot, box, "代理人同意分期退款")
    assert stored(ws, editor).content.statement_of("李明") == "代理人同意分期退款"
