"""The group page's 协议书 tab (issue 17, item 4): a specimen first, then every member's
agreement drawn up in the background, listed with its number and copies, and one print
job — to a printer and to a PDF file — with each member's copies."""

from __future__ import annotations

import io

from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QMessageBox

from app.services import documents
from app.ui.documents.page_view import PageView
from app.ui.groups.agreements_panel import GroupAgreementsPanel
from tests.services.test_group_agreements import PREFIX, _group


def _panel(qtbot, ws, runner, gid) -> GroupAgreementsPanel:
    panel = GroupAgreementsPanel(ws, runner)
    qtbot.addWidget(panel)
    panel.resize(1000, 600)
    panel.show()
    with qtbot.waitSignal(panel.loaded, timeout=10_000):
        panel.set_group(gid)
    return panel


def test_agreements_are_drawn_up_listed_and_printed_as_one_job(qtbot, ws, runner, tmp_path):
    gid, ids, names = _group(ws, 3)
    panel = _panel(qtbot, ws, runner, gid)
    assert "尚未生成协议书" in panel.summary.text()
    assert not panel.print_button.isEnabled()

    with qtbot.waitSignal(panel.specimen_shown, timeout=30_000) as shown:
        panel.specimen_button.click()
    view = shown.args[0].findChild(PageView)
    assert shown.args[0].isVisible() and len(view.pages) >= 2  # the draft's pages
    qtbot.wait(200)  # laid out
    first, second = view.pages[0].geometry(), view.pages[1].geometry()
    assert first.height() > first.width()  # a whole A4 page, not a strip of one
    assert second.top() > first.bottom()  # one below the other, not drawn over it
    shown.args[0].reject()

    panel.draw_button.click()
    box = panel.question
    assert isinstance(box, QMessageBox) and "定稿编号" in box.text()
    with qtbot.waitSignal(panel.drawn, timeout=60_000) as drawn:
        box.buttons()[0].click()  # 生成
    assert len(drawn.args[0].issued) == 3
    assert f"已生成协议书 3 份（{PREFIX}0001 至 {PREFIX}0003）" in panel.result.text()
    qtbot.waitUntil(lambda: panel.table.rowCount() == 3, timeout=10_000)
    assert [panel.table.item(r, 0).text() for r in range(3)] == [
        f"{PREFIX}{n:04d}" for n in (1, 2, 3)]
    assert [panel.table.item(r, 1).text() for r in range(3)] == names
    assert [panel.table.item(r, 2).text() for r in range(3)] == ["¥128.50", "¥257.00",
                                                                 "¥385.50"]
    assert "共需打印 9 份" in panel.summary.text()
    assert panel.print_button.isEnabled()

    pages_each = len(PdfReader(io.BytesIO(documents.render(
        ws, drawn.args[0].issued[0].document_id))).pages)
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    with qtbot.waitSignal(panel.printed, timeout=60_000) as printed:
        panel.print_to(printer)
    assert printed.args[0] == 9 * pages_each
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == 9 * pages_each

    with qtbot.waitSignal(panel.saved, timeout=60_000):
        panel.save_print_job(tmp_path / "协议书打印")
    job = PdfReader(tmp_path / "协议书打印.pdf")
    assert len(job.pages) == 9 * pages_each
    assert names[2] in job.pages[6 * pages_each].extract_text()
    assert "打印文件已保存到" in panel.result.text()


def test_without_a_plan_the_panel_says_what_to_do_first(qtbot, ws, runner):
    from app.services import cases, groups
    from app.services.groups import GroupInput
    from tests.conftest import complaint_form

    ids = [cases.intake_work_order(ws, complaint_form(source_ticket=f"N{i}"))[0]
           for i in range(2)]
    gid, _ = groups.create_group(ws, GroupInput("无方案"), ids)
    panel = _panel(qtbot, ws, runner, gid)
    panel.specimen_button.click()
    qtbot.waitUntil(lambda: panel.error.isVisible(), timeout=10_000)
    assert "尚未确定退费方案" in panel.error.text()
