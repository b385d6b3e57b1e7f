"""视图 → 预警 and 设置 → 预警规则 as a supervisor uses them: the count in the window, the
warning in words with its cases, a case opened from it, an acknowledgement with a note;
rules refused beside their field, saved, and read-only for a mediator."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from PySide6.QtCore import Qt

from app.core.users import UserRole
from app.core.warnings import WarningRules
from app.services import cases, warnings
from app.services.dto import PartyInput
from app.ui.warnings.warning_rules_dialog import WarningRulesDialog
from tests.conftest import FIXED_NOW, complaint_form
from tests.ui.test_case_view import click


def _two_more(ws) -> list:
    """With the three seeded complaints against 上海悦动健身, five in a week."""
    found = []
    for n in range(2):
        case_id, changes = cases.intake_work_order(ws, complaint_form(
            source_ticket=f"131011520260301009{n}",
            received_at=FIXED_NOW - timedelta(hours=n + 1),
            complainant=PartyInput(role="applicant", party_type="person", name="钱多多",
                                   phone=f"1360000000{n}", address="上海市浦东新区")))
        found.append((case_id, changes))
    return found


def test_a_warning_from_the_count_to_its_case_and_its_acknowledgement(qtbot, window):
    assert not window.warnings.label.isVisible()
    ws = window.ws
    with qtbot.waitSignal(window.warnings.count_loaded, timeout=10_000) as counted:
        window.runner.op(window, lambda: _two_more(ws)[-1][1]).run()
    assert counted.args == [1]
    assert window.warnings.list_action.text() == "预警 (1)(&W)…"
    assert window.warnings.label.isVisible() and "预警 1 条待处理" in window.warnings.label.text()

    dialog = window.warnings.show_list()
    qtbot.waitUntil(lambda: dialog.cases.rowCount() > 0, timeout=10_000)
    table = dialog.table
    assert table.rowCount() == 1
    row = [table.item(0, c).text() for c in range(table.columnCount())]
    assert row[:4] == ["未确认", "同一经营者集中投诉", "上海悦动健身管理有限公司",
                       "7 日内 5 件工单指向同一经营者（共 5 件）"]
    assert dialog.cases.rowCount() == 5
    assert "同一经营者集中投诉（7 日内 5 件及以上）" in dialog.detail.text()

    cases.intake_work_order(ws, complaint_form(  # another business: not the warning's
        source_ticket="1310115202603010099", received_at=FIXED_NOW - timedelta(hours=5),
        respondent=PartyInput(role="respondent", party_type="business", name="某某餐饮有限公司",
                              address="上海市浦东新区")))
    with qtbot.waitSignal(window.queue.queue_loaded, timeout=10_000):
        click(qtbot, dialog.list_button)
    assert window.filter_bar.drill_label.text() == "预警：上海悦动健身管理有限公司"
    assert window.queue.model.rowCount() == 5  # exactly the warning's cases

    dialog.cases.selectRow(1)  # one of the two new ones: not the case on screen
    wanted = dialog.case_ids_shown()[1]
    assert wanted != window.casework.shown_case_id
    with qtbot.waitSignal(window.case_shown, timeout=10_000) as shown:
        click(qtbot, dialog.open_button)
    assert shown.args == [wanted]

    click(qtbot, dialog.ack_button)
    ack = dialog.ack_dialog
    ack.note.setPlainText("已联系街道，明日上门核查")
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        click(qtbot, ack.findChild(type(dialog.ack_button), "ackOk"))
    assert table.item(0, 0).text() == "已确认"
    assert dialog.ack_label.text().startswith((ws.actor.name or ws.actor.login) + " 于 ")
    assert "已联系街道，明日上门核查" in dialog.ack_label.text()
    qtbot.waitUntil(lambda: window.warnings.count == 0, timeout=10_000)
    assert not window.warnings.label.isVisible()
    assert window.warnings.list_action.text() == "预警(&W)…"


def _rules_dialog(qtbot, ws, runner) -> WarningRulesDialog:
    dialog = WarningRulesDialog(ws, runner)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(dialog.isEnabled, timeout=10_000)
    return dialog


def test_rules_refused_beside_their_field_and_nothing_saved(qtbot, ws, runner):
    dialog = _rules_dialog(qtbot, ws, runner)
    dialog.show()
    assert dialog.business_count.value() == 5 and dialog.keyword_list.toPlainText().startswith("跑路")
    dialog.business_count.setValue(1)
    dialog.repeat_days.setValue(400)
    dialog.keyword_list.setPlainText("  \n")
    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: any(p.isVisible() for p in dialog.problems.values())
                    and dialog.save_button.isEnabled(), timeout=10_000)
    shown = {f.value: p.text() for f, p in dialog.problems.items() if p.isVisible()}
    assert shown == {"business_count": "件数须在 2 到 1000 之间。",
                     "repeat_days": "天数须在 1 到 365 之间。",
                     "keywords": "至少填写一项（每行一个）；不用这条规则请取消勾选。"}
    assert warnings.current_rules(ws) == WarningRules()

    dialog.business_count.setValue(3)
    dialog.repeat_days.setValue(60)
    dialog.keyword_list.setPlainText("跑路、人去楼空\n关门")
    dialog.categories.setChecked(False)
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        click(qtbot, dialog.save_button)
    saved = warnings.current_rules(ws)
    assert (saved.business_count, saved.repeat_days, saved.categories_on) == (3, 60, False)
    assert saved.keywords == ("跑路", "人去楼空", "关门")


def test_a_mediator_reads_the_rules(qtbot, ws, runner):
    warnings.save_rules(ws, replace(WarningRules(), repeat_on=False))
    ws.actor = replace(ws.actor, role=UserRole.MEDIATOR)
    dialog = _rules_dialog(qtbot, ws, runner)
    dialog.show()
    assert not dialog.save_button.isVisible()
    assert dialog.business_count.isReadOnly() and dialog.keyword_list.isReadOnly()
    assert not dialog.business.isCheckable()
    assert dialog.repeat.title().endswith("（已关闭）")
    qtbot.keyClick(dialog.business_count, Qt.Key.Key_Up)
    assert dialog.business_count.value() == 5
