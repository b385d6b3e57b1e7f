"""设置 → 条款库 as a mediator uses it: a clause written with blanks inserted by button,
the preview as the agreement will read, refusals beside their field in words, a clause
changed, deleted after a question, and a built-in copied to be changed."""

from __future__ import annotations

import pytest

from app.core.clauses import ClauseBlank
from app.services import clauses
from app.services.clauses import ClauseField, ClauseInput, ClauseRefused
from app.ui import messages
from app.ui.documents import clause_texts
from app.ui.documents.clause_library_dialog import ClauseLibraryDialog
from tests.support.typing import type_text
from tests.ui.test_case_view import click

AVAILABLE = "付款方、收款方、申请人、被申请人、金额、期限、支付方式"


@pytest.mark.parametrize(("data", "words"), [
    (ClauseInput("", "双方保密。"), "请填写标题。"),
    (ClauseInput("保密", " "), "请填写条款正文。"),
    (ClauseInput("条" * 41, "双方保密。"), "标题不能超过40个字。"),
    (ClauseInput("保密", "密" * 1001), "正文不能超过1000个字。"),
    (ClauseInput("保密", "{payer}于{foo}前付清。"),
     f"条款中的“{{foo}}”不是可用的填空，可用：{AVAILABLE}。"),
    (ClauseInput("保密", "{payer于期限前付清。"),
     "条款中的花括号不成对：填空写成“{付款方}”这样，正文中不用其他花括号。"),
    (ClauseInput("退款", "{付款方}退款。"),  # the service takes {payer}, not the shown name
     f"条款中的“{{付款方}}”不是可用的填空，可用：{AVAILABLE}。"),
])
def test_each_refusal_in_words(qapp, ws, data, words):
    with pytest.raises(ClauseRefused) as caught:
        clauses.save_clause(ws, data)
    assert messages.error_text(caught.value) == words
    assert clauses.office_clauses(ws) == []


def test_a_title_the_office_has_in_words(qapp, ws):
    clauses.save_clause(ws, ClauseInput("分期退款", "分两期退还。"))
    with pytest.raises(ClauseRefused) as caught:
        clauses.save_clause(ws, ClauseInput("分期退款", "{foo}"))
    assert messages.error_text(caught.value) == (
        "本机构已有同名的条款，请换一个标题。\n"
        f"条款中的“{{foo}}”不是可用的填空，可用：{AVAILABLE}。")


def test_a_text_is_shown_with_chinese_names_and_stored_with_the_blanks_keys(qapp):
    stored = "{payer}于{deadline}前向{payee}退还{amount}，{foo}不变。"
    shown = clause_texts.shown(stored)
    assert shown == "{付款方}于{期限}前向{收款方}退还{金额}，{foo}不变。"
    assert clause_texts.stored(shown) == stored
    assert clause_texts.stored("｛付款方｝以{ 支付方式 }支付") == "{payer}以{method}支付"


@pytest.fixture
def dialog(qtbot, ws, runner) -> ClauseLibraryDialog:
    d = ClauseLibraryDialog(ws, runner)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitUntil(lambda: "退款" in d.entry_titles(), timeout=5_000)
    return d


def save(qtbot, dialog, runner) -> None:
    with qtbot.waitSignal(runner.events.changed, timeout=5_000):
        click(qtbot, dialog.save_button)


def test_a_clause_written_with_blanks_is_saved_changed_and_deleted(qtbot, ws, runner, dialog):
    builtins = [c.title for c in clauses.clause_library(ws)]
    assert dialog.entry_titles()[:len(builtins)] == builtins
    click(qtbot, dialog.new_button)
    assert not dialog.title_edit.isReadOnly() and not dialog.delete_button.isEnabled()
    type_text(dialog.title_edit, "分期退款")
    dialog.body_edit.setFocus()
    click(qtbot, dialog.blank_buttons[ClauseBlank.PAYER])
    type_text(dialog.body_edit, "分两期向")
    click(qtbot, dialog.blank_buttons[ClauseBlank.PAYEE])
    type_text(dialog.body_edit, "退还")
    click(qtbot, dialog.blank_buttons[ClauseBlank.AMOUNT])
    type_text(dialog.body_edit, "。")
    assert dialog.body_edit.toPlainText() == "{付款方}分两期向{收款方}退还{金额}。"
    assert dialog.preview.text() == "____分两期向____退还____。"
    save(qtbot, dialog, runner)
    qtbot.waitUntil(lambda: "分期退款" in dialog.entry_titles(), timeout=5_000)
    (mine,) = clauses.office_clauses(ws)
    assert mine.text == "{payer}分两期向{payee}退还{amount}。"
    assert mine.blanks == ("payer", "payee", "amount")
    assert dialog.current.key == mine.key and dialog.delete_button.isEnabled()

    # A blank that does not exist: named beside the text, nothing saved.
    dialog.body_edit.setPlainText("{付款方}于{最后期限}前退还。")
    click(qtbot, dialog.save_button)
    problem = dialog.problems[ClauseField.TEXT]
    qtbot.waitUntil(problem.isVisible, timeout=5_000)
    assert problem.text() == f"条款中的“{{最后期限}}”不是可用的填空，可用：{AVAILABLE}。"
    assert not dialog.problems[ClauseField.TITLE].isVisible()
    assert clauses.office_clauses(ws)[0].version == 1
    dialog.body_edit.setPlainText("{付款方}于{期限}前分两期向{收款方}退还{金额}。")
    assert not problem.isVisible()  # being fixed
    save(qtbot, dialog, runner)
    qtbot.waitUntil(lambda: clauses.office_clauses(ws)[0].version == 2, timeout=5_000)
    assert clauses.office_clauses(ws)[0].blanks == ("payer", "payee", "amount", "deadline")

    # Deleting asks first; 取消 keeps it.
    click(qtbot, dialog.delete_button)
    box = dialog.current_message
    assert box.objectName() == "confirmDeleteClause" and "分期退款" in box.text()
    box.reject()
    assert len(clauses.office_clauses(ws)) == 1
    click(qtbot, dialog.delete_button)
    with qtbot.waitSignal(runner.events.changed, timeout=5_000):
        dialog.current_message.accept()
    qtbot.waitUntil(lambda: "分期退款" not in dialog.entry_titles(), timeout=5_000)
    assert clauses.office_clauses(ws) == []
    assert dialog.current is None and dialog.title_edit.text() == ""


def test_an_empty_title_is_named_beside_it(qtbot, ws, runner, dialog):
    click(qtbot, dialog.new_button)
    dialog.body_edit.setPlainText("双方保密。")
    click(qtbot, dialog.save_button)
    problem = dialog.problems[ClauseField.TITLE]
    qtbot.waitUntil(problem.isVisible, timeout=5_000)
    assert problem.text() == "请填写标题。"
    assert dialog.save_button.isEnabled() and clauses.office_clauses(ws) == []


def test_a_builtin_is_read_only_and_copied_to_be_changed(qtbot, ws, runner, dialog):
    dialog.select("退款", builtin=True)
    assert dialog.title_edit.isReadOnly() and dialog.body_edit.isReadOnly()
    assert not dialog.save_button.isEnabled() and not dialog.delete_button.isEnabled()
    assert not dialog.blank_buttons[ClauseBlank.PAYER].isEnabled()
    assert dialog.body_edit.toPlainText() == "{付款方}于{期限}前向{收款方}退还{金额}。"
    assert dialog.preview.text() == "____于____前向____退还____。"
    with qtbot.waitSignal(runner.events.changed, timeout=5_000):
        click(qtbot, dialog.copy_button)
    qtbot.waitUntil(lambda: dialog.current is not None and not dialog.current.builtin,
                    timeout=5_000)
    assert dialog.title_edit.text() == "退款" and not dialog.title_edit.isReadOnly()
    dialog.title_edit.setText("退款（本所）")
    dialog.body_edit.setPlainText(dialog.body_edit.toPlainText().replace("退还", "全额退还"))
    save(qtbot, dialog, runner)
    qtbot.waitUntil(lambda: "退款（本所）" in dialog.entry_titles(), timeout=5_000)
    (mine,) = clauses.office_clauses(ws)
    assert mine.text == "{payer}于{deadline}前向{payee}全额退还{amount}。"


def test_the_settings_menu_opens_one_library(qtbot, window):
    settings_menu = [a.menu() for a in window.menuBar().actions() if a.text() == "设置(&T)"][0]
    action = [a for a in settings_menu.actions() if a.text() == "条款库(&L)…"][0]
    action.trigger()
    first = window.clause_library_dialog
    assert isinstance(first, ClauseLibraryDialog) and first.isVisible()
    action.trigger()
    assert window.clause_library_dialog is first  # one at a time
    first.close()


def test_the_dialog_fits_a_small_laptop_screen(dialog):
    hint = dialog.minimumSizeHint()
    assert hint.width() < 1366 * 0.9 and hint.height() < 768 * 0.9
