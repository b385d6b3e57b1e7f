"""文件 → 导入工单… (issue 15): the wizard driven through to a finished import, and a
cancelled one leaving the store as it was."""

from __future__ import annotations

from PySide6.QtWidgets import QWizard
from sqlalchemy import func, select

from app.core.work_order_import import ImportField
from app.store.models import Case
from app.ui.importing.import_wizard import ImportWizard
from tests.support.work_order_exports import write_export

WAIT = 20_000


def _cases(ws) -> int:
    with ws.store.unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(Case))


def _open(qtbot, wizard, path):
    wizard.file_page.open(path)
    qtbot.waitUntil(lambda: wizard.file_page.isComplete(), timeout=WAIT)


def test_wizard_imports_the_valid_rows(qtbot, ws, runner, tmp_path):
    before = _cases(ws)
    wizard = ImportWizard(ws, runner)
    qtbot.addWidget(wizard)
    wizard.show()
    _open(qtbot, wizard, write_export(tmp_path / "export.xlsx"))
    page = wizard.file_page
    assert page.sheet_combo.currentData() == "工单明细"
    assert "（隐藏）" in page.sheet_combo.itemText(0)  # the hidden sheet is offered, marked
    assert "第 3 行" in page.status.text()
    wizard.next()
    mapping = wizard.mapping_page
    qtbot.waitUntil(lambda: mapping.preview.rowCount() > 0, timeout=WAIT)
    assert mapping.combos[0].currentData() == ImportField.TICKET.value
    headers = [mapping.preview.horizontalHeaderItem(c).text()
               for c in range(mapping.preview.columnCount())]
    content = headers.index("诉求内容")
    assert mapping.preview.item(0, content).text() == "门店关门，要求退费&赔偿"
    # the user says column 10 (所属街镇) is not to be imported: the preview follows
    mapping.combos[9].setCurrentIndex(0)
    mapping._changed(9)
    qtbot.waitUntil(lambda: "所属街镇" not in [
        mapping.preview.horizontalHeaderItem(c).text()
        for c in range(mapping.preview.columnCount())], timeout=WAIT)
    wizard.next()
    report = wizard.report_page
    qtbot.waitUntil(lambda: wizard.prepared is not None, timeout=WAIT)
    assert "可以导入 5 行，不能导入 2 行" in report.counts.text()
    assert report.table.rowCount() == 3
    assert not report.isComplete()  # whole file with bad rows: nothing to do
    out = tmp_path / "问题.xlsx"
    report.save_report(out)
    qtbot.waitUntil(lambda: out.exists() and "已保存" in report.saved.text(), timeout=WAIT)
    report.valid.setChecked(True)
    assert report.isComplete()
    with qtbot.waitSignal(wizard.imported, timeout=WAIT) as done:
        wizard.next()
    assert done.args[0].created == 5
    assert "新建 5" in wizard.run_page.result.text()
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    assert _cases(ws) == before + 5


def test_wizard_says_a_file_is_not_an_export(qtbot, ws, runner, tmp_path):
    wizard = ImportWizard(ws, runner)
    qtbot.addWidget(wizard)
    path = tmp_path / "notes.txt"
    path.write_text("x", encoding="utf-8")
    wizard.file_page.open(path)
    qtbot.waitUntil(lambda: "不是表格文件" in wizard.file_page.status.text(), timeout=WAIT)
    assert not wizard.file_page.isComplete()


def test_main_window_opens_the_wizard(qtbot, window):
    window.findChild(type(window.refresh_action), "importAction").trigger()
    assert isinstance(window.import_wizard, ImportWizard)
    assert window.import_wizard.isVisible()
    window.import_wizard.close()


def test_the_wizard_can_make_a_group_of_one_businesss_complaints(qtbot, ws, runner, tmp_path):
    """Issue 17: 群体纠纷 on the file page — off by default; on, the number chosen goes
    with the import and the result says how many groups were made or joined."""
    from app.services import groups
    from tests.support.work_order_exports import plain_rows

    rows = plain_rows(4)
    for row in rows:
        row[6] = "上海悦动健身管理有限公司"
    wizard = ImportWizard(ws, runner)
    qtbot.addWidget(wizard)
    wizard.show()
    _open(qtbot, wizard, write_export(tmp_path / "gym.xlsx", rows))
    page = wizard.file_page
    assert not page.group_check.isChecked() and not page.group_count.isEnabled()
    assert wizard.options().group_threshold == 0
    page.group_check.setChecked(True)
    page.group_count.setValue(3)
    assert wizard.options().group_threshold == 3
    wizard.next()
    qtbot.waitUntil(lambda: wizard.mapping_page.preview.rowCount() > 0, timeout=WAIT)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.prepared is not None, timeout=WAIT)
    with qtbot.waitSignal(wizard.imported, timeout=WAIT) as done:
        wizard.next()
    assert done.args[0].groups == 1
    assert "群体纠纷：1 个" in wizard.run_page.result.text()
    [group] = groups.list_groups(ws)
    assert group.members == 4
