"""The 文书 tab as a mediator uses it: new drafts from the case, the list, finalising
(refused with the missing fields named, or numbered), signing and the 司法确认 deadline,
voiding with a reason, new versions, printing (preview, copies, batch) and export."""

from __future__ import annotations

import hashlib
import io
from datetime import date

import pytest
from pypdf import PdfReader
from PySide6.QtGui import QColor, QImage
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewWidget
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import update

from app.core.documents import DocumentKind, DocumentState
from app.core.workflow import Track
from app.services import cases, documents, evidence
from app.store.models import Case, Office
from app.ui.case.documents_tab import DocumentsTab
from app.ui.documents import printing
from app.ui.operations import documents as ops
from tests.support.documents import dated
from tests.support.typing import type_text
from tests.ui.test_case_view import click, open_view


@pytest.fixture
def office(ws):
    with ws.store.unit_of_work() as s:
        s.execute(update(Office).values(number_prefix="浦消调",
                                        committee_name="张江镇人民调解委员会"))


@pytest.fixture
def case_id(ws, seeded, office):
    """An accepted people's-mediation case with a mediator (王芳): its agreement can be
    complete, and once signed it may be taken to court for 司法确认."""
    with ws.store.unit_of_work() as s:
        s.execute(update(Case).where(Case.id == seeded.accepted)
                  .values(track=Track.PEOPLES_MEDIATION.value))
    cases.assign(ws, seeded.accepted, seeded.colleague)
    return seeded.accepted


def test_a_bureau_complaint_offers_its_own_papers(qtbot, ws, runner, seeded, office):
    """A 12315 complaint mediated by the bureau: 调解书 and 调解记录, no 口头协议登记表."""
    tab = open_tab(qtbot, ws, runner, seeded.second)
    offered = [a.text() for a in tab.new_menu.actions() if a.isVisible()]
    assert offered[:2] == ["调解书", "调解记录"] and "口头协议登记表" not in offered
    tab.close_editors()


def open_tab(qtbot, ws, runner, case_id) -> DocumentsTab:
    view = open_view(qtbot, ws, runner, case_id)
    tab = DocumentsTab(view)
    qtbot.addWidget(tab)
    tab.resize(520, 640)
    tab.show()
    with qtbot.waitSignal(tab.loaded, timeout=10_000):
        tab.show_case(view.case)
    return tab


@pytest.fixture
def tab(qtbot, ws, runner, case_id):
    tab = open_tab(qtbot, ws, runner, case_id)
    yield tab
    tab.close_editors()


def agreement(ws, case_id, **fields) -> documents.DocumentView:
    doc_id, _ = documents.create_draft(ws, case_id, DocumentKind.AGREEMENT)
    clauses = dated(documents.get_document(ws, doc_id).fields["clauses"], "2026年3月9日")  # the refund's deadline
    documents.update_draft(ws, doc_id, {"performance": "2026年3月9日前银行转账。",
                                        "clauses": clauses, **fields})
    return documents.get_document(ws, doc_id)


def final_agreement(ws, case_id) -> documents.DocumentView:
    doc = agreement(ws, case_id)
    documents.finalize(ws, doc.id)
    return documents.get_document(ws, doc.id)


def reload(qtbot, tab: DocumentsTab) -> None:
    with qtbot.waitSignal(tab.loaded, timeout=10_000):
        tab.reload()


def lines(tab: DocumentsTab) -> list[str]:
    return [tab.list.item(n).text() for n in range(tab.list.count())]


def pages_of(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def pdf_printer(path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


@pytest.fixture(autouse=True)
def quick_printing(monkeypatch):
    """Pages rasterised at 100 dpi for the printer (600 on paper): the same pages, faster."""
    monkeypatch.setattr(printing, "MAX_PRINT_DPI", 100.0)


def test_a_new_agreement_is_made_from_the_case_listed_and_opened(qtbot, tab, ws, case_id):
    assert tab.empty.isVisible() and not tab.list.isVisible()
    action = next(a for a in tab.new_menu.actions() if a.text() == "人民调解协议书")
    assert [a.text() for a in tab.new_menu.actions()] == [
        "人民调解协议书", "人民调解记录", "口头协议登记表", "终止调解告知书", "不予受理告知书",
        "回访记录", "调解卷宗"]
    with qtbot.waitSignal(tab.editor_opened, timeout=10_000) as opened:
        action.trigger()
    editor = opened.args[0]
    qtbot.waitUntil(lambda: tab.list.count() == 1, timeout=10_000)
    assert lines(tab) == ["人民调解协议书　草稿　第1版\n草稿"]
    assert tab.list.item(0).isSelected()
    assert "尚缺：协议内容（条款）、履行方式、时限" in tab.detail.text()
    assert editor.windowTitle() == "人民调解协议书（第1版）— 1310115202602270003"
    assert documents.list_documents(ws, case_id)[0].state is DocumentState.DRAFT


def test_finalising_with_fields_missing_names_them_and_changes_nothing(qtbot, ws, runner,
                                                                       seeded, office):
    tab = open_tab(qtbot, ws, runner, seeded.first)  # no mediator on this case yet
    doc_id, _ = documents.create_draft(ws, seeded.first, DocumentKind.AGREEMENT)
    reload(qtbot, tab)
    click(qtbot, tab.buttons["finalize"])
    assert tab.error.isVisible()
    assert tab.error.text() == "还不能定稿，请先填写：协议内容（条款）、履行方式、时限、人民调解员"
    assert tab.current_dialog is None  # nothing asked, nothing numbered
    # The service's own refusal reads the same (an editor had unsaved changes, say).
    tab.error.hide()
    doc = tab.current()
    tab.confirm_finalize(doc, check_missing=False)
    box = tab.current_dialog
    assert isinstance(box, QMessageBox) and "不能再修改" in box.text()
    box.accept()
    qtbot.waitUntil(tab.error.isVisible, timeout=10_000)
    assert tab.error.text() == "还不能定稿，请先填写：协议内容（条款）、履行方式、时限、人民调解员"
    stored = documents.get_document(ws, doc_id)
    assert stored.state is DocumentState.DRAFT and stored.number == ""


def test_finalising_a_complete_agreement_numbers_it(qtbot, tab, ws, case_id):
    doc = agreement(ws, case_id)
    reload(qtbot, tab)
    assert tab.detail.text() == "内容已齐全，可以定稿。"
    click(qtbot, tab.buttons["finalize"])
    box = tab.current_dialog
    assert isinstance(box, QMessageBox)
    with qtbot.waitSignal(tab.owner.runner.events.changed, timeout=20_000):
        box.accept()
    qtbot.waitUntil(lambda: "已定稿" in lines(tab)[0], timeout=10_000)
    assert lines(tab) == ["人民调解协议书　（2026）浦消调字第0001号　第1版\n已定稿"]
    assert documents.get_document(ws, doc.id).number == "（2026）浦消调字第0001号"
    assert not tab.buttons["edit"].isEnabled() and tab.buttons["sign"].isEnabled()


def test_signing_registers_the_date_and_shows_the_confirmation_deadline(qtbot, tab, ws,
                                                                        case_id, tmp_path):
    final_agreement(ws, case_id)
    reload(qtbot, tab)
    scan = tmp_path / "签署件.png"
    paper = QImage(210, 297, QImage.Format.Format_RGB32)
    paper.fill(QColor("white"))
    assert paper.save(str(scan))
    click(qtbot, tab.buttons["sign"])
    dialog = tab.current_dialog
    assert dialog.date() == date(2026, 3, 2)  # today, in China
    dialog.scan.setText(str(scan))
    with qtbot.waitSignal(tab.owner.runner.events.changed, timeout=20_000):
        click(qtbot, dialog.ok)
    qtbot.waitUntil(lambda: "已签署" in lines(tab)[0], timeout=10_000)
    assert lines(tab)[0].endswith(
        "已签署 · 签署 2026-03-02 · 申请司法确认截止 2026-04-01（星期三），剩 30 天")
    assert tab.deadline.isVisible()
    assert tab.deadline.text() == "申请司法确认截止 2026-04-01（星期三），剩 30 天"
    assert "font-weight" not in tab.deadline.styleSheet()  # a month left: no warning
    scan_view = next(f for f in evidence.list_evidence(ws, case_id)
                     if f.filename == "签署件.png")
    assert scan_view.description == "签署后的调解文书扫描件"


def test_a_deadline_a_week_away_or_past_is_marked(qtbot, tab, ws, case_id):
    doc = final_agreement(ws, case_id)
    documents.sign(ws, doc.id, date(2026, 1, 27))  # last day 2026-02-26: past
    reload(qtbot, tab)
    assert tab.deadline.text() == "申请司法确认截止 2026-02-26（星期四），已过 4 天"
    assert "#b54708" in tab.deadline.styleSheet()
    assert tab.list.item(0).foreground().color().name() == "#b54708"


def test_voiding_needs_a_reason(qtbot, tab, ws, case_id):
    doc = final_agreement(ws, case_id)
    reload(qtbot, tab)
    click(qtbot, tab.buttons["void"])
    dialog = tab.current_dialog
    click(qtbot, dialog.ok)
    assert dialog.isVisible() and dialog.error.text() == "请填写作废原因。"
    assert documents.get_document(ws, doc.id).state is DocumentState.FINAL
    dialog.reason.setFocus()
    type_text(dialog.reason, "当事人姓名有误")
    with qtbot.waitSignal(tab.owner.runner.events.changed, timeout=10_000):
        click(qtbot, dialog.ok)
    qtbot.waitUntil(lambda: "已作废" in lines(tab)[0], timeout=10_000)
    assert "作废原因：当事人姓名有误" in lines(tab)[0]
    assert "（2026）浦消调字第0001号" in lines(tab)[0]  # the number stays with it
    stored = documents.get_document(ws, doc.id)
    assert stored.state is DocumentState.VOID and stored.void_reason == "当事人姓名有误"


def test_a_new_version_is_a_second_draft(qtbot, tab, ws, case_id):
    final_agreement(ws, case_id)
    reload(qtbot, tab)
    with qtbot.waitSignal(tab.editor_opened, timeout=10_000) as opened:
        click(qtbot, tab.buttons["new_version"])
    opened.args[0].close()
    qtbot.waitUntil(lambda: tab.list.count() == 2, timeout=10_000)
    assert lines(tab)[0] == "人民调解协议书　草稿　第2版\n草稿"
    assert lines(tab)[1].startswith("人民调解协议书　（2026）浦消调字第0001号　第1版")


def test_printing_gives_the_pages_times_the_copies_chosen(qtbot, tab, ws, case_id, tmp_path):
    doc = final_agreement(ws, case_id)
    pages = pages_of(documents.render(ws, doc.id))
    out = tmp_path / "printed.pdf"
    tab.printer_factory = lambda: pdf_printer(out)
    reload(qtbot, tab)
    with qtbot.waitSignal(tab.print_ready, timeout=20_000) as ready:
        click(qtbot, tab.buttons["batch_print"])
    dialog = ready.args[0]
    # Default: one copy for each party and one for the committee.
    assert doc.fields["copies"] == 3 and dialog.printer().copyCount() == 3
    with qtbot.waitSignal(tab.printed, timeout=60_000) as printed:
        dialog.accept()
    assert printed.args == [pages * 3]
    assert pages_of(out.read_bytes()) == pages * 3
    assert tab.status.text() == f"已送出打印：{pages * 3} 页。"


def test_copies_collated_or_not_and_a_page_range(qtbot, ws, case_id, tmp_path):
    doc = final_agreement(ws, case_id)
    items = ops.printables(ws, (doc.id, doc.id), printing.PREVIEW_DPI, _state())
    pages = len(items[0].page_sizes)
    seen: list[tuple[int, int]] = []

    def image(pdf, page, dpi):
        seen.append(page)
        return items[0].previews[page]

    printer = pdf_printer(tmp_path / "a.pdf")
    printing.prepare(printer, copies=2)
    printer.setCollateCopies(False)
    assert printing.paint_pages(printer, items, page_image=image) == pages * 2 * 2
    assert seen[:2] == [0, 1] if pages > 1 else seen[:1] == [0]  # each page drawn once
    printer = pdf_printer(tmp_path / "b.pdf")
    printing.prepare(printer, copies=2)
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(1, 1)
    assert printing.paint_pages(printer, items, page_image=image) == 2
    assert pages_of((tmp_path / "b.pdf").read_bytes()) == 2


def _state():
    from app.ui.tasks import TaskState

    return TaskState(lambda done, total: None)


def test_print_preview_shows_every_page(qtbot, tab, ws, case_id):
    doc = agreement(ws, case_id)
    pages = pages_of(documents.render(ws, doc.id))
    reload(qtbot, tab)
    with qtbot.waitSignal(tab.print_ready, timeout=20_000) as ready:
        click(qtbot, tab.buttons["print"])
    dialog = ready.args[0]
    preview = dialog.findChild(QPrintPreviewWidget)
    qtbot.waitUntil(lambda: preview.pageCount() == pages, timeout=10_000)
    # Issue 16, item 3: the whole toolbar shows (nothing behind "»"), and 打印 / 关闭
    # are our own buttons, in Chinese.
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QPushButton, QToolBar, QToolButton

    toolbar = dialog.findChild(QToolBar)
    extension = toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    assert extension is None or not extension.isVisible()
    assert dialog.findChild(QPushButton, "previewPrint").text() == "打印…"
    close = dialog.findChild(QPushButton, "previewClose")
    assert close.text() == "关闭" and close.isVisible()
    qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_export_writes_the_exact_bytes_of_a_final_document(qtbot, tab, ws, case_id, tmp_path,
                                                          monkeypatch):
    doc = final_agreement(ws, case_id)
    reload(qtbot, tab)
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "协议书.pdf"
    target.write_bytes(b"an older file")
    monkeypatch.setattr(tab, "ask_save_path", lambda d: str(target))
    assert tab.suggested_name(doc) == "人民调解协议书（2026）浦消调字第0001号.pdf"
    with qtbot.waitSignal(tab.exported, timeout=10_000):
        click(qtbot, tab.buttons["export"])
    assert hashlib.sha256(target.read_bytes()).hexdigest() == doc.pdf_sha256
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["协议书.pdf"]  # no temporary left
    assert tab.status.text().startswith("已导出")


def test_the_tab_fits_a_narrow_case_pane(qtbot, tab, ws, case_id):
    agreement(ws, case_id)
    reload(qtbot, tab)
    assert tab.minimumSizeHint().width() <= 240
    tab.resize(260, 600)
    qtbot.waitUntil(lambda: tab.width() == 260)
    for button in tab.buttons.values():
        assert button.geometry().right() <= tab.width()


def test_a_notice_is_corrected_in_a_plain_form(qtbot, tab, ws, case_id):
    doc_id, _ = documents.create_draft(ws, case_id, DocumentKind.TERMINATION)
    reload(qtbot, tab)
    tab.select(doc_id)
    click(qtbot, tab.buttons["edit"])
    dialog = tab.current_dialog
    assert dialog.windowTitle() == "编辑终止调解告知书"
    assert dialog.edits["addressee"].text() == "赵建国"
    dialog.edits["reason"].setPlainText("被申请人明确拒绝继续调解。")
    with qtbot.waitSignal(tab.owner.runner.events.changed, timeout=10_000):
        click(qtbot, dialog.ok)
    assert documents.get_document(ws, doc_id).fields["reason"] == "被申请人明确拒绝继续调解。"


def test_a_font_problem_before_printing_is_told_in_words(qtbot, tab, ws, case_id, monkeypatch):
    from app.documents.errors import MissingGlyphs

    agreement(ws, case_id)
    reload(qtbot, tab)

    def no_glyph(*args):
        raise MissingGlyphs({"𠮷"})

    monkeypatch.setattr(ops, "printables", no_glyph)
    click(qtbot, tab.buttons["print"])
    qtbot.waitUntil(tab.error.isVisible, timeout=10_000)
    assert tab.error.text().startswith("以下字符没有可用字体，打印会出现空框：𠮷（U+20BB7）")
    assert tab.current_dialog is None


def test_a_hostile_final_pdf_from_the_central_database_cannot_stall_printing(
        qtbot, tab, ws, case_id, monkeypatch):
    """A final document's PDF is read as stored, and stored ones come from the central
    database: its pages are drawn by the preview workers under their limits, and one
    over them is said in words (the tab goes on)."""
    from app.services import previews
    from tests.security.test_hostile_files import slow_pdf

    small = previews.PreviewPool(seconds=2.0)
    monkeypatch.setattr(previews, "default_pool", lambda: small)
    try:
        final_agreement(ws, case_id)
        reload(qtbot, tab)
        monkeypatch.setattr(documents, "render", lambda ws, doc_id: slow_pdf())
        click(qtbot, tab.buttons["print"])
        qtbot.waitUntil(tab.error.isVisible, timeout=30_000)
        assert tab.error.text().startswith("无法预览")
        assert tab.current_dialog is None
    finally:
        small.close()


def test_the_preview_toolbar_speaks_chinese_with_qts_translations(qtbot, qapp):
    """Issue 16, items 3 and 4: the tooltips come from Qt's own zh_CN translations, which
    the app installs at start."""
    from PySide6.QtPrintSupport import QPrintPreviewDialog
    from PySide6.QtWidgets import QToolBar

    from app.ui import language

    language.install(qapp, language.Language.SIMPLIFIED)
    assert language.installed(qapp)
    try:
        dialog = QPrintPreviewDialog()
        qtbot.addWidget(dialog)
        tips = [a.toolTip() for a in dialog.findChild(QToolBar).actions() if a.toolTip()]
        assert "打印" in tips and "放大" in tips
        assert not [t for t in tips if t.isascii()]
    finally:
        language.remove(qapp)
