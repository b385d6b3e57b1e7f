"""Esc, 取消 or × never throw typed input away unasked (issue 16, item 1): 新建工单 asks
保存草稿 / 放弃 / 继续编辑, keeps a draft as it is typed and offers it back; an action
dialog with a typed reason asks 放弃 / 继续编辑; an untouched dialog closes at once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.services import cases, intake_drafts
from app.ui.case.intake_dialog import IntakeDialog
from app.ui.case.pause_dialog import PauseDialog
from tests.conftest import complaint_form
from tests.ui.test_intake import fill, type_into


def open_intake(qtbot, ws, runner, parent=None) -> IntakeDialog:
    dialog = IntakeDialog(ws, runner, parent)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def focus_field(qtbot, dialog: IntakeDialog, key: str):
    """The field with the keyboard focus, as a user who clicked into it."""
    dialog.activateWindow()
    field = dialog.field(key)
    field.setFocus()
    qtbot.waitUntil(field.hasFocus, timeout=5000)
    return field


def press_escape(qtbot, dialog) -> None:
    qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Escape)


def question(qtbot, dialog) -> QMessageBox:
    qtbot.waitUntil(lambda: dialog.discard_question is not None
                    and dialog.discard_question.isVisible(), timeout=5000)
    return dialog.discard_question


def answer(qtbot, box: QMessageBox, text: str) -> None:
    [button] = [b for b in box.buttons() if b.text() == text]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_escape_on_an_untouched_form_closes_it_at_once(qtbot, ws, seeded, runner):
    dialog = open_intake(qtbot, ws, runner)
    press_escape(qtbot, dialog)
    assert not dialog.isVisible() and dialog.discard_question is None


def test_escape_on_a_filled_form_asks_and_continue_editing_keeps_everything(
        qtbot, ws, seeded, runner):
    dialog = open_intake(qtbot, ws, runner)
    fill(qtbot, dialog)
    press_escape(qtbot, dialog)
    box = question(qtbot, dialog)
    assert sorted(b.text() for b in box.buttons()) == sorted(["保存草稿", "放弃", "继续编辑"])
    answer(qtbot, box, "继续编辑")
    assert dialog.isVisible()
    assert dialog.field("complainant.name").text() == "周晓梅"
    assert "停课" in dialog.field("description").toPlainText()
    # 取消 asks the same
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert question(qtbot, dialog).isVisible()


def test_a_draft_saved_on_closing_is_offered_back_and_restores_the_form(
        qtbot, ws, seeded, runner):
    dialog = open_intake(qtbot, ws, runner)
    fill(qtbot, dialog, name="周晓梅", phone="13911112222")
    press_escape(qtbot, dialog)
    answer(qtbot, question(qtbot, dialog), "保存草稿")
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    assert intake_drafts.load_intake_draft(ws).values["complainant.name"] == "周晓梅"

    again = open_intake(qtbot, ws, runner)
    qtbot.waitUntil(again.draft_bar.isVisible, timeout=5000)
    assert "未保存的工单草稿" in again.draft_label.text()
    assert again.field("complainant.name").text() == ""
    qtbot.mouseClick(again.restore_button, Qt.MouseButton.LeftButton)
    assert again.field("complainant.name").text() == "周晓梅"
    assert again.field("complainant.phone").text() == "13911112222"
    assert again.field("category").currentText() == "教育培训"
    assert again.tag_buttons["预付式消费"].isChecked()
    assert not again.draft_bar.isVisible()
    # Put back and unchanged: kept already, so Esc closes without a question.
    press_escape(qtbot, again)
    assert not again.isVisible()
    assert intake_drafts.load_intake_draft(ws) is not None


def test_discarding_forgets_the_draft_and_saving_the_case_forgets_it_too(
        qtbot, ws, seeded, runner):
    dialog = open_intake(qtbot, ws, runner)
    fill(qtbot, dialog)
    dialog.save_draft()
    qtbot.waitUntil(lambda: intake_drafts.load_intake_draft(ws) is not None, timeout=5000)
    press_escape(qtbot, dialog)
    answer(qtbot, question(qtbot, dialog), "放弃")
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    assert intake_drafts.load_intake_draft(ws) is None

    second = open_intake(qtbot, ws, runner)
    fill(qtbot, second, ticket="1310115202603020999")
    second.save_draft()
    qtbot.waitUntil(lambda: intake_drafts.load_intake_draft(ws) is not None, timeout=5000)
    with qtbot.waitSignal(second.created, timeout=10_000):
        qtbot.mouseClick(second.save_button, Qt.MouseButton.LeftButton)
    assert intake_drafts.load_intake_draft(ws) is None


def test_typing_is_kept_as_a_draft_without_closing(qtbot, ws, seeded, runner, monkeypatch):
    """A crash or kill after typing loses at most the last two seconds."""
    dialog = open_intake(qtbot, ws, runner)
    type_into(qtbot, dialog, "complainant.name", "李秀英")
    assert dialog._draft_timer.isActive()
    assert dialog._draft_timer.interval() <= 2000
    qtbot.waitUntil(lambda: intake_drafts.load_intake_draft(ws) is not None, timeout=5000)
    assert intake_drafts.load_intake_draft(ws).values["complainant.name"] == "李秀英"


def test_an_action_dialog_with_a_typed_reason_asks_before_closing(qtbot, ws, seeded):
    case_id, _ = cases.intake_work_order(ws, complaint_form())
    detail = cases.get_case(ws, case_id)
    dialog = PauseDialog(detail)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    press_escape(qtbot, dialog)
    assert not dialog.isVisible()  # nothing typed

    dialog = PauseDialog(detail)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.note_edit.setFocus()
    dialog.note_edit.insertPlainText("等待经营者提供资产核查结果")
    press_escape(qtbot, dialog)
    box = question(qtbot, dialog)
    assert sorted(b.text() for b in box.buttons()) == ["放弃", "继续编辑"]
    answer(qtbot, box, "继续编辑")
    assert dialog.isVisible()
    press_escape(qtbot, dialog)
    answer(qtbot, question(qtbot, dialog), "放弃")
    assert not dialog.isVisible()


def test_a_field_error_goes_as_soon_as_the_field_is_fixed(qtbot, ws, seeded):
    """Issue 16, item 8: 请选择承办人 does not stay once a mediator is chosen."""
    from app.services.cases import list_mediators
    from app.ui.case.assign_dialog import AssignDialog

    cases.accept(ws, seeded.first, expected_version=cases.get_case(ws, seeded.first).version)
    dialog = AssignDialog(cases.get_case(ws, seeded.first), list_mediators(ws))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.error_text("mediator_id") == "请选择承办人。"
    dialog.mediator_combo.setCurrentIndex(0)
    assert dialog.error_text("mediator_id") == ""
