"""设置 → 期限规则: an administrator lengthens a limit and marks the set 已核实; a limit of
zero is refused in words; a mediator sees the rules read-only."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QMessageBox

from app.core.users import UserRole
from app.services import rule_admin
from app.ui.reference.rules_dialog import RulesDialog


def test_an_administrator_edits_and_verifies_a_rule_set(qtbot, ws, seeded, runner,
                                                       monkeypatch, tmp_path):
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: told.append(box.text()) or 0)
    dialog = RulesDialog(ws, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.table.rowCount() > 0, timeout=5000)
    view = dialog.current()
    assert dialog.heading.text() == f"<b>{view.name}</b>"
    assert dialog.table.item(0, 2).text() in ("个工作日", "日", "个月", "小时")
    dialog.table.cellWidget(0, 1).setValue(0)
    dialog.save()
    qtbot.waitUntil(lambda: dialog.problem.isVisible(), timeout=5000)
    assert dialog.problem.text() == "第1条：时限必须大于零。"
    limit = view.rules[0].limit
    dialog.table.cellWidget(0, 1).setValue(limit + 2)
    dialog.verified.setChecked(True)
    dialog.save()
    qtbot.waitUntil(lambda: bool(told), timeout=20_000)
    assert told[0].startswith("已重新计算 ")
    saved = {v.code: v for v in rule_admin.rule_sets(ws)}[view.code]
    assert saved.rules[0].limit == limit + 2 and saved.verified_by == ws.actor.login
    qtbot.waitUntil(lambda: dialog.verified_note.text().startswith("核实人："), timeout=5000)
    assert ws.actor.login not in dialog.verified_note.text()  # a name, never the login
    dialog.grab().save(str(tmp_path / "rules.png"))


def test_a_mediator_sees_the_rules_read_only(qtbot, ws, runner):
    ws.actor = replace(ws.actor, role=UserRole.MEDIATOR)
    dialog = RulesDialog(ws, runner)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() > 0, timeout=5000)
    assert not dialog.save_button.isVisible() and not dialog.verified.isEnabled()
    assert not dialog.table.cellWidget(0, 1).isEnabled()
    assert dialog.table.cellWidget(0, 4).isReadOnly()


def test_an_administrator_words_a_ground_and_its_basis_and_no_hedge_passes(
        qtbot, ws, runner, monkeypatch):
    """The 总局令第121号 set: its grounds as its notices print them, edited once the
    article is known; a hedge is refused in words (issue 14, item 1)."""
    monkeypatch.setattr(QMessageBox, "exec", lambda box: 0)  # the recompute's report
    dialog = RulesDialog(ws, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.sets.count() > 0, timeout=5000)
    row = next(i for i in range(dialog.sets.count())
               if dialog.sets.item(i).data(0x0100) == "samr-order121-2026")
    dialog.sets.setCurrentRow(row)
    dialog.tabs.setCurrentIndex(1)
    view = dialog.current()
    line = next(i for i, g in enumerate(view.grounds) if g.code == "mc_false_materials")
    assert dialog.grounds.item(line, 0).text() == "不予受理"
    assert dialog.grounds.cellWidget(line, 1).text() == "提供虚假材料"
    basis = dialog.grounds.cellWidget(line, 2)
    basis.setText("第十六条（据报道，未核实）")
    dialog.save()
    qtbot.waitUntil(dialog.problem.isVisible, timeout=5000)
    assert dialog.problem.text().startswith("“提供虚假材料”：文书上的理由和依据要写确定的法律规定")
    basis.setText("《市场监督管理投诉举报处理办法》第十六条第（一）项")
    dialog.save()
    qtbot.waitUntil(lambda: {g.code: g for g in {v.code: v for v in rule_admin.rule_sets(ws)}[
        "samr-order121-2026"].grounds}["mc_false_materials"].basis.endswith("第（一）项"),
        timeout=10_000)
