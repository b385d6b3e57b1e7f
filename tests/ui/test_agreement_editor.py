"""The agreement editor as a mediator uses it: the pages beside the form, kept up to date
as clauses are added from the library, edited, moved and deleted; parties' printed
particulars; everything saved to the draft, closing included; a font problem shown in
words."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from app.core.documents import DocumentKind
from app.documents import wording
from app.documents.errors import MissingGlyphs
from app.services import documents
from app.ui.documents.agreement_editor import AgreementEditor
from app.ui.operations import documents as ops
from tests.support.typing import type_text
from tests.ui.test_case_view import click
from tests.ui.test_documents_tab import case_id, office, open_tab  # noqa: F401 - fixtures


@pytest.fixture
def tab(qtbot, ws, runner, case_id):  # noqa: F811
    tab = open_tab(qtbot, ws, runner, case_id)
    yield tab
    tab.close_editors()


def open_editor(qtbot, tab, ws, case_id, size=(1200, 800)) -> AgreementEditor:  # noqa: F811
    doc_id, _ = documents.create_draft(ws, case_id, DocumentKind.AGREEMENT)
    doc = documents.get_document(ws, doc_id)
    with qtbot.waitSignal(tab.editor_opened, timeout=10_000) as opened:
        tab.open_editor(doc)
    editor = opened.args[0]
    if size is not None:  # None: as large as it opens
        editor.resize(*size)
    qtbot.waitUntil(lambda: len(editor.pages.pages) > 0, timeout=20_000)
    return editor


def stored(ws, editor) -> dict:
    return documents.get_document(ws, editor.doc.id).fields


def page_pictures(editor) -> list:
    return [label.pixmap().toImage() for label in editor.pages.pages]


def test_the_editor_shows_the_draft_and_its_pages(qtbot, tab, ws, case_id):  # noqa: F811
    editor = open_editor(qtbot, tab, ws, case_id)
    assert [f.party["name"] for f in editor.party_forms] == ["赵建国", "上海悦动健身管理有限公司"]
    assert editor.disputes.toPlainText() == "退还剩余预付款3200元"
    assert editor.copies.value() == 3 and editor.mediator.text() == "王芳"
    assert len(editor.clauses) == 2
    # The refund's amount is a value beside its clause, shown in capitals as it prints.
    assert editor.clauses[0].text().endswith("退还【金额】。")
    assert editor.clauses[0].amount_edit.text() == "3200"
    assert editor.clauses[0].capitals.text() == "大写：人民币叁仟贰佰元整"
    assert not editor.clauses[1].money_row.isVisibleTo(editor)  # 纠纷了结 names no money
    assert not editor.pages.pages[0].pixmap().isNull()
    assert editor.pages.pages[0].pixmap().width() > 300
    # A business party has no sex, ethnicity or occupation to print.
    assert set(editor.party_forms[1].edits) == {"phone", "address"}


def test_editing_a_clause_saves_the_draft_and_redraws_the_pages(qtbot, tab, ws,
                                                                 case_id):  # noqa: F811
    editor = open_editor(qtbot, tab, ws, case_id)
    before = page_pictures(editor)
    row = editor.clauses[1]
    row.edit.setFocus()
    row.edit.moveCursor(row.edit.textCursor().MoveOperation.End)
    with qtbot.waitSignal(editor.preview_ready, timeout=20_000):
        type_text(row.edit, "双方互不追究。")
    assert stored(ws, editor)["clauses"][1].endswith("双方互不追究。")
    assert page_pictures(editor) != before


def test_a_clause_from_the_library_with_its_blanks_filled(qtbot, tab, ws,
                                                          case_id):  # noqa: F811
    editor = open_editor(qtbot, tab, ws, case_id)
    template = next(c for c in wording.CLAUSES if c.key == "compensation")
    dialog = editor.choose_clause(template)
    assert dialog.edits["payer"].text() == "上海悦动健身管理有限公司"
    assert dialog.edits["payee"].text() == "赵建国"
    dialog.set_blank("amount", "2,400")
    assert dialog.capitals.text() == "2,400.00 元　大写：人民币贰仟肆佰元整"
    dialog.set_blank("amount", "12.345")
    assert dialog.error.text() == "金额格式不对，请输入如 3200 或 3,200.50。"
    assert not dialog.ok.isEnabled()
    dialog.set_blank("amount", "2400")
    with qtbot.waitSignal(editor.preview_ready, timeout=20_000):
        click(qtbot, dialog.ok)
    text = editor.clauses[-1].text()
    assert text == "上海悦动健身管理有限公司于2026年3月9日前向赵建国支付赔偿金【金额】。"
    fields = stored(ws, editor)
    # The claimed amount (the draft's refund clause) and the new one, each a value.
    assert fields["clauses"][-1] == {"text": text.replace("【金额】", "{amount}"),
                                     "amount": "2400.00"}
    assert fields["clauses"][0]["amount"] == "3200.00" and fields["amounts"] == []
    # Changing the figure changes everything printed from it: there is nothing else to edit.
    with qtbot.waitSignal(editor.preview_ready, timeout=20_000):
        editor.clauses[-1].amount_edit.setText("2200")
    assert editor.clauses[-1].capitals.text() == "大写：人民币贰仟贰佰元整"
    assert stored(ws, editor)["clauses"][-1]["amount"] == "2200.00"
    assert editor.clauses[-1].number.text() == "3."


def test_clauses_move_and_go(qtbot, tab, ws, case_id):  # noqa: F811
    editor = open_editor(qtbot, tab, ws, case_id)
    first, second = (row.text() for row in editor.clauses)
    assert not editor.clauses[0].up.isEnabled()
    click(qtbot, editor.clauses[0].down)
    assert [row.text() for row in editor.clauses] == [second, first]
    assert [row.number.text() for row in editor.clauses] == ["1.", "2."]
    with qtbot.waitSignal(editor.preview_ready, timeout=20_000):
        click(qtbot, editor.clauses[0].delete)
    # The refund stays, with its amount.
    assert stored(ws, editor)["clauses"] == [
        {"text": first.replace("【金额】", "{amount}"), "amount": "3200.00"}]


def test_a_partys_printed_particulars(qtbot, tab, ws, case_id):  # noqa: F811
    editor = open_editor(qtbot, tab, ws, case_id)
    person = editor.party_forms[0]
    person.edits["sex"].setCurrentIndex(1)
    person.edits["occupation"].setFocus()
    with qtbot.waitSignal(editor.preview_ready, timeout=20_000):
        type_text(person.edits["occupation"], "教师")
    party = stored(ws, editor)["parties"][0]
    assert party["sex"] == "M" and party["occupation"] == "教师"  # one spelling: Sex
    assert party["name"] == "赵建国"


def test_closing_at_once_keeps_what_was_typed(qtbot, tab, ws, case_id):  # noqa: F811
    editor = open_editor(qtbot, tab, ws, case_id)
    editor.performance.setFocus()
    type_text(editor.performance, "3日内转账")
    assert editor.dirty
    with qtbot.waitSignal(tab.owner.runner.events.changed, timeout=10_000):
        editor.close()  # before the preview timer fires
    assert stored(ws, editor)["performance"] == "3日内转账"
    assert editor.doc.id not in tab.editors


def test_a_character_no_font_has_is_named(qtbot, tab, ws, case_id, monkeypatch):  # noqa: F811
    editor = open_editor(qtbot, tab, ws, case_id)

    def no_glyph(*args):
        raise MissingGlyphs({"𠮷"})

    monkeypatch.setattr(ops, "preview", no_glyph)
    with qtbot.waitSignal(editor.preview_failed, timeout=20_000) as failed:
        editor.facts.setFocus()
        type_text(editor.facts, "𠮷")
    assert failed.args[0].startswith("以下字符没有可用字体，打印会出现空框：𠮷（U+20BB7）")
    assert editor.problems.isVisible()
    assert "𠮷（U+20BB7）" in editor.problems.text()


def test_an_oral_agreement_asks_only_for_what_its_form_prints(qtbot, tab, ws,
                                                               case_id):  # noqa: F811
    doc_id, _ = documents.create_draft(ws, case_id, DocumentKind.ORAL_AGREEMENT)
    with qtbot.waitSignal(tab.editor_opened, timeout=10_000) as opened:
        tab.open_editor(documents.get_document(ws, doc_id))
    editor = opened.args[0]
    with qtbot.waitSignal(editor.preview_ready, timeout=20_000):
        pass
    assert editor.windowTitle().startswith("口头协议登记表（第1版）")
    assert editor.facts.isVisibleTo(editor) and not editor.responsibility.isVisibleTo(editor)
    assert not editor.copies.isVisibleTo(editor)


def test_the_offices_own_clauses_follow_the_builtins(qtbot, tab, ws, runner,
                                                     case_id):  # noqa: F811
    from app.services import clauses
    from app.services.clauses import ClauseInput

    clauses.save_clause(ws, ClauseInput("分期退款",
                                        "{payer}于{deadline}前分两期向{payee}退还{amount}。"))
    editor = open_editor(qtbot, tab, ws, case_id)
    menu = editor.clause_menu

    def offered() -> list[str]:
        return [a.text() for a in menu.actions() if a.text()]

    qtbot.waitUntil(lambda: "分期退款" in offered(), timeout=5_000)
    assert offered() == [*(c.title for c in wording.CLAUSES), "本机构条款", "分期退款", "空白条款"]
    next(a for a in menu.actions() if a.text() == "分期退款").trigger()
    dialog = editor.current_dialog
    assert list(dialog.edits) == ["payer", "payee", "amount", "deadline"]
    assert dialog.edits["payer"].text() == "上海悦动健身管理有限公司"
    assert dialog.edits["payee"].text() == "赵建国"
    dialog.set_blank("amount", "1200")
    with qtbot.waitSignal(editor.preview_ready, timeout=20_000):
        click(qtbot, dialog.ok)
    assert editor.clauses[-1].text() == (
        "上海悦动健身管理有限公司于2026年3月9日前分两期向赵建国退还【金额】。")
    assert stored(ws, editor)["clauses"][-1]["amount"] == "1200.00"

    # Saved in the 条款库 while the editor is open: offered at once; no blanks, in at once.
    runner.op(None, lambda: clauses.save_clause(ws, ClauseInput("不再追究", "双方互不追究。"))) \
        .run()
    qtbot.waitUntil(lambda: "不再追究" in offered(), timeout=5_000)
    with qtbot.waitSignal(editor.preview_ready, timeout=20_000):
        next(a for a in menu.actions() if a.text() == "不再追究").trigger()
    assert editor.clauses[-1].text() == "双方互不追究。"


def test_the_preview_zooms_and_draws_its_pages_for_the_size_shown(qtbot, tab, ws,
                                                                   case_id):  # noqa: F811
    """Issue 16, item 7: a mediator enlarges the pages to read them."""
    editor = open_editor(qtbot, tab, ws, case_id)
    fitted = editor.pages.pages[0].pixmap().width()
    assert editor.zoom_label.text() == "100%"
    with qtbot.waitSignal(editor.preview_ready, timeout=20_000):
        qtbot.mouseClick(editor.findChild(QPushButton, "zoomIn"), Qt.MouseButton.LeftButton)
        qtbot.mouseClick(editor.findChild(QPushButton, "zoomIn"), Qt.MouseButton.LeftButton)
    assert editor.zoom_label.text() == "150%"
    qtbot.waitUntil(lambda: editor.pages.pages[0].pixmap().width() > fitted * 1.4,
                    timeout=10_000)
    assert editor.pages.images[0].width() >= editor.pages.pages[0].pixmap().width() - 10
    qtbot.mouseClick(editor.findChild(QPushButton, "zoomFit"), Qt.MouseButton.LeftButton)
    assert editor.zoom_label.text() == "100%"
    qtbot.waitUntil(lambda: abs(editor.pages.pages[0].pixmap().width() - fitted) < 10,
                    timeout=10_000)
