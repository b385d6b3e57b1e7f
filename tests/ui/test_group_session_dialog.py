"""记录群体调解… as a mediator uses it (issue 17, item 3): the group's sessions tab opens
the dialog, its member table says who came, who was represented and who is left out,
saving records the session in each chosen member's case — their 调解记录 and timeline
show it with their attendance and position."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication, QComboBox

from app.core.group_sessions import Attendance
from app.core.sessions import SessionResult
from app.services import cases, groups
from app.services.groups import GroupInput, GroupParticulars, Representative
from app.ui.case.case_pane import Tab
from app.ui.case.timeline_model import SUMMARY_ROLE
from app.ui.groups.group_session_dialog import AttendanceModel, Column, GroupSessionDialog
from app.ui.groups.group_sessions_panel import GroupSessionsPanel
from tests.conftest import complaint_form
from tests.support.typing import type_text
from tests.ui.test_case_view import click, open_view

NAMES = ("李秀英", "王芳", "赵磊")


def make_group(ws):
    ids = []
    for i, name in enumerate(NAMES):
        form = complaint_form(source_ticket=f"G{i}")
        ids.append(cases.intake_work_order(
            ws, replace(form, complainant=replace(form.complainant, name=name)))[0])
    gid, _ = groups.create_group(ws, GroupInput("悦动健身预付卡退费",
                                                "上海悦动健身管理有限公司"), ids)
    groups.update_group(ws, gid, GroupParticulars(
        "悦动健身预付卡退费", "上海悦动健身管理有限公司",
        representatives=(Representative("李秀英", "13800135678", ids[0]),)))
    with ws.store.unit_of_work() as s:  # 赵磊 settles on his own (单独处理)
        from app.core.groups import member_id
        from app.store.models import GroupMember
        s.get(GroupMember, member_id(gid, ids[2])).individual = True
    return gid, ids


def open_dialog(qtbot, ws, runner, gid) -> tuple[GroupSessionsPanel, GroupSessionDialog]:
    panel = GroupSessionsPanel(ws, runner)
    qtbot.addWidget(panel)
    panel.resize(900, 500)
    panel.show()
    with qtbot.waitSignal(panel.loaded, timeout=10_000):
        panel.set_group(gid)
    assert panel.empty.isVisible()
    with qtbot.waitSignal(panel.dialog_opened, timeout=5_000) as opened:
        click(qtbot, panel.record_button)
    dialog = opened.args[0]
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 3 and dialog.save.isEnabled(),
                    timeout=10_000)
    return panel, dialog


def cell(dialog, row, column) -> str:
    return dialog.model.index(row, column).data()


def test_a_group_session_recorded_in_the_dialog_shows_in_each_member_case(qtbot, ws, runner):
    gid, ids = make_group(ws)
    panel, dialog = open_dialog(qtbot, ws, runner, gid)
    # who takes part, as the group stands: the representative in person, the one settling
    # on his own left out, the rest through the representatives
    assert [cell(dialog, r, Column.NAME) for r in range(3)] == list(NAMES)
    assert [cell(dialog, r, Column.ATTENDANCE) for r in range(3)] == [
        "本人参加", "由代表参加", "不记入"]
    assert dialog.complainants.text() == "李秀英"
    assert dialog.count.text() == "共 3 人，记入 2 人"

    for widget, text in ((dialog.place, "调解室"), (dialog.business, "周强（法定代表人）"),
                         (dialog.proposals, "按未消费课时退费，分三期付清。"),
                         (dialog.responses, "双方同意。")):
        widget.setFocus()
        type_text(widget, text)
    dialog.result.setCurrentIndex(dialog.result.findData(SessionResult.AGREED.value))
    # 赵磊 is recorded after all, as absent, with his own position: chosen in the table
    dialog.table.selectionModel().select(
        dialog.model.index(2, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
        | QItemSelectionModel.SelectionFlag.Rows)
    dialog.bulk.setCurrentIndex(dialog.bulk.findText("未参加"))
    click(qtbot, dialog.bulk_button)
    position = dialog.model.index(2, Column.POSITION)
    dialog.table.setFocus()
    dialog.table.setCurrentIndex(position)  # every edit trigger: the editor opens at once
    editor = QApplication.focusWidget()
    type_text(editor, "要求一次性退清。")
    dialog.table.commitData(editor)
    dialog.table.closeEditor(editor, dialog.table.itemDelegate().EndEditHint.NoHint)
    assert cell(dialog, 2, Column.POSITION) == "要求一次性退清。"
    assert dialog.count.text() == "共 3 人，记入 3 人"

    with qtbot.waitSignal(dialog.recorded, timeout=10_000) as saved:
        click(qtbot, dialog.save)
    assert set(saved.args[0].recorded) == set(ids)
    qtbot.waitUntil(lambda: panel.table.rowCount() == 1, timeout=10_000)
    assert "3 件（本人参加 1，由代表参加 1，未参加 1）" in panel.table.item(0, 3).text()
    assert "周强（法定代表人）" in panel.detail.toPlainText()
    assert "已记入 3 件" in panel.result.text()

    view = open_view(qtbot, ws, runner, ids[2])
    view.tabs.setCurrentIndex(Tab.SESSIONS)
    qtbot.waitUntil(lambda: view.sessions.records.count() == 1, timeout=10_000)
    assert "群体调解：悦动健身预付卡退费（未参加）" in view.sessions.records.item(0).text()
    detail = view.sessions.detail.toPlainText()
    for words in ("周强（法定代表人）（经营者代表）", "李秀英（投诉人代表）",
                  "要求一次性退清。", "按未消费课时退费"):
        assert words in detail, words
    view.tabs.setCurrentIndex(Tab.TIMELINE)
    model = view.timeline.model
    qtbot.waitUntil(lambda: any(
        "群体调解：悦动健身预付卡退费（未参加）" in str(model.index(r, 0).data(SUMMARY_ROLE))
        for r in range(model.rowCount())), timeout=10_000)


def test_a_refusal_is_shown_in_the_dialog_and_what_was_typed_is_kept(qtbot, ws, runner):
    gid, _ = make_group(ws)
    _, dialog = open_dialog(qtbot, ws, runner, gid)
    dialog.proposals.setFocus()
    type_text(dialog.proposals, "按未消费课时退费。")
    click(qtbot, dialog.save)  # no business representative, no result
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10_000)
    text = dialog.error.text()
    assert "经营者代表" in text and "调解结果" in text
    assert dialog.isVisible() and dialog.proposals.toPlainText() == "按未消费课时退费。"
    assert dialog.save.isEnabled()


def test_the_attendance_cell_is_chosen_from_a_list(qtbot, ws, runner):
    gid, _ = make_group(ws)
    _, dialog = open_dialog(qtbot, ws, runner, gid)
    index = dialog.model.index(1, Column.ATTENDANCE)
    dialog.table.setFocus()
    dialog.table.setCurrentIndex(index)  # every edit trigger: the list opens at once
    combo = QApplication.focusWidget()
    if not isinstance(combo, QComboBox):
        dialog.table.edit(index)
        combo = QApplication.focusWidget()
    assert isinstance(combo, QComboBox)
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "本人参加", "由代表参加", "未参加", "不记入"]
    combo.setCurrentIndex(combo.findData(Attendance.ATTENDED.value))
    dialog.table.commitData(combo)
    assert cell(dialog, 1, Column.ATTENDANCE) == "本人参加"


def test_the_member_model(qtmodeltester, ws):
    gid, _ = make_group(ws)
    model = AttendanceModel()
    model.set_members(groups.members_of(ws, gid))
    qtmodeltester.check(model)
    assert model.index(0, Column.NAME).data(Qt.ItemDataRole.ToolTipRole) == "投诉人代表"
