"""视图 → 群体纠纷管理 (issue 17): the group and its members, a batch 受理 asked first and
run with its result listed member by member, and the progress of the refunds."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QMessageBox

from app.core.groups import MemberFacts, RefundBasis, RefundFormula
from app.services import cases, group_payments, groups
from app.services.group_payments import RefundPlan
from app.services.groups import GroupInput
from tests.conftest import complaint_form
from tests.ui.test_queue_window import open_window


def test_a_batch_accept_from_the_groupopen_window(qtbot, ws, runner):
    ids = [cases.intake_work_order(ws, complaint_form(source_ticket=f"G{i}"))[0]
           for i in range(3)]
    cases.accept(ws, ids[1])  # already accepted: left as it is, and said so
    gid, _ = groups.create_group(ws, GroupInput("悦动健身预付卡退费", "上海悦动健身管理有限公司"),
                                 ids)
    group_payments.set_refund_plan(ws, gid, RefundPlan(
        RefundFormula(RefundBasis.FIXED, fixed_fen=50_000), due_on=date(2026, 3, 31)))
    group_payments.set_member_facts(ws, gid, {i: MemberFacts() for i in ids})
    group_payments.record_payment(ws, gid, ids[0], paid_on=date(2026, 3, 1), amount_fen=50_000)
    w = open_window(qtbot, ws, runner)
    with qtbot.waitSignal(w.groups_action.triggered, timeout=1000):
        w.groups_action.trigger()
    dialog = w.groups_dialog
    qtbot.waitUntil(lambda: dialog.member_table.rowCount() == 3, timeout=10_000)
    assert dialog.table.item(0, 0).text() == "悦动健身预付卡退费"
    assert dialog.table.item(0, 3).text() == "3"
    assert "已退款 ¥500.00 / ¥1,500.00，1 / 3 人已履行" in dialog.progress_label.text()
    assert [dialog.member_table.item(r, 0).text() for r in range(3)] == ["G0", "G1", "G2"]

    dialog.accept_button.click()
    box = dialog.question
    assert isinstance(box, QMessageBox) and "不能撤销" in box.text()
    with qtbot.waitSignal(dialog.batch_done, timeout=10_000) as done:
        box.buttons()[0].click()  # 受理
    result = done.args[0]
    assert set(result.done) == {ids[0], ids[2]}
    text = dialog.result.text()
    assert "已办理 2 件，1 件保持原样" in text and "G1：" in text
    qtbot.waitUntil(lambda: all(dialog.member_table.item(r, 2).text() == "已受理"
                                for r in range(3)), timeout=10_000)
    assert not dialog.undo_button.isEnabled()  # 受理 cannot be undone


def test_a_group_made_from_a_warning_opens_the_groupopen_window(qtbot, ws, runner):
    """预警 → 建立群体纠纷: the warning's cases become one group, kept with the warning it
    came from, and the group window opens on it."""
    from app.core.groups import GroupOrigin
    from app.services import warnings

    for i in range(3):
        cases.intake_work_order(ws, complaint_form(source_ticket=f"W{i}",
                                                   description="老板跑路了，门店关门"))
    assert warnings.list_warnings(ws)
    w = open_window(qtbot, ws, runner)
    dialog = w.warnings.show_list()
    qtbot.waitUntil(lambda: dialog.group_button.isEnabled(), timeout=10_000)
    warning = dialog.selected()
    assert len(warning.case_ids) == 3
    with qtbot.waitSignal(dialog.group_made, timeout=10_000):
        dialog.group_button.click()
    qtbot.waitUntil(lambda: getattr(w, "groups_dialog", None) is not None
                    and w.groups_dialog.member_table.rowCount() == 3, timeout=10_000)
    [group] = groups.list_groups(ws)
    assert group.origin is GroupOrigin.WARNING and group.members == 3
    assert set(groups.groups_of(ws, warning.case_ids)) == set(warning.case_ids)


def test_the_businesss_refund_list_and_ours_from_the_group_window(qtbot, ws, runner, tmp_path):
    """导入退款记录… records the business's list and says which rows were left out;
    退款清单… writes ours."""
    from openpyxl import Workbook, load_workbook

    ids = [cases.intake_work_order(ws, complaint_form(source_ticket=f"R{i}"))[0]
           for i in range(2)]
    gid, _ = groups.create_group(ws, GroupInput("悦动健身预付卡退费"), ids)
    group_payments.set_refund_plan(ws, gid, RefundPlan(
        RefundFormula(RefundBasis.FIXED, fixed_fen=50_000), due_on=date(2026, 3, 31)))
    group_payments.set_member_facts(ws, gid, {i: MemberFacts() for i in ids})
    book = Workbook()
    book.active.append(["工单号", "姓名", "退款金额", "退款日期"])
    book.active.append(["R0", "李秀英", 500, "2026-03-01"])
    book.active.append(["X9", "赵六", 100, "2026-03-01"])
    theirs = tmp_path / "经营者退款明细.xlsx"
    book.save(theirs)
    w = open_window(qtbot, ws, runner)
    dialog = w.show_groups()
    qtbot.waitUntil(lambda: dialog.member_table.rowCount() == 2, timeout=10_000)
    dialog.import_payments(theirs)
    qtbot.waitUntil(lambda: "已登记退款 1 笔" in dialog.result.text(), timeout=10_000)
    assert "第 3 行（赵六）：本群体中没有这个人" in dialog.result.text()
    qtbot.waitUntil(lambda: dialog.member_table.item(0, 4).text() == "¥500.00",
                    timeout=10_000)
    ours = tmp_path / "退款清单.xlsx"
    dialog.save_refund_list(ours)
    qtbot.waitUntil(lambda: "退款清单已保存" in dialog.result.text(), timeout=10_000)
    rows = list(load_workbook(ours, read_only=True).active.iter_rows(values_only=True))
    assert [r[1] for r in rows if r and isinstance(r[0], int)] == ["R0", "R1"]


def test_batch_assign_undo_and_close_with_each_members_amount(qtbot, ws, runner):
    """批量派单… asks for the mediator and can be undone; 批量办结… closes each member
    with the outcome chosen and its own agreed refund as the amount recovered."""
    from app.core.workflow import Action, Outcome
    from app.services import batches
    from app.services.batches import BatchRequest
    from app.store.models import Case

    ids = [cases.intake_work_order(ws, complaint_form(source_ticket=f"C{i}"))[0]
           for i in range(2)]
    gid, _ = groups.create_group(ws, GroupInput("悦动健身预付卡退费"), ids)
    group_payments.set_refund_plan(ws, gid, RefundPlan(
        RefundFormula(RefundBasis.SESSIONS, unit_price_fen=12_850), due_on=date(2026, 3, 31)))
    group_payments.set_member_facts(ws, gid, {ids[0]: MemberFacts(unused_sessions=2),
                                              ids[1]: MemberFacts(unused_sessions=5)})
    batches.run_batch(ws, ids, BatchRequest(Action.ACCEPT))
    w = open_window(qtbot, ws, runner)
    dialog = w.show_groups()
    qtbot.waitUntil(lambda: dialog.member_table.rowCount() == 2
                    and dialog.more_buttons[Action.ASSIGN].isEnabled(), timeout=10_000)
    dialog.more_buttons[Action.ASSIGN].click()
    qtbot.waitUntil(lambda: dialog.options is not None and dialog.options.isVisible(),
                    timeout=10_000)
    assert dialog.options.choice.count() >= 1
    with qtbot.waitSignal(dialog.batch_done, timeout=10_000) as done:
        dialog.options.accept()
    assert set(done.args[0].done) == set(ids)
    qtbot.waitUntil(dialog.undo_button.isEnabled, timeout=10_000)
    with qtbot.waitSignal(dialog.batch_done, timeout=10_000) as undone:
        dialog.undo_button.click()
    assert set(undone.args[0].done) == set(ids)
    with ws.store.unit_of_work() as session:
        assert [session.get(Case, i).mediator_id for i in ids] == [None, None]
    me = cases.list_mediators(ws)[0][0]
    batches.run_batch(ws, ids, BatchRequest(Action.ASSIGN, mediator_id=me))
    batches.run_batch(ws, ids, BatchRequest(Action.START_MEDIATION))
    dialog.more_buttons[Action.CLOSE].click()
    qtbot.waitUntil(lambda: dialog.options is not None and dialog.options.action is Action.CLOSE
                    and dialog.options.isVisible(), timeout=10_000)
    options = dialog.options
    options.choice.setCurrentIndex(options.choice.findData(Outcome.SETTLED))
    assert options.amounts.isChecked()
    with qtbot.waitSignal(dialog.batch_done, timeout=10_000) as closed:
        options.accept()
    assert set(closed.args[0].done) == set(ids)
    with ws.store.unit_of_work() as session:
        assert [(session.get(Case, i).status, session.get(Case, i).amount_recovered_fen)
                for i in ids] == [("closed", 25_700), ("closed", 64_250)]


def test_a_notice_to_every_member_from_the_group_window(qtbot, ws, runner):
    """批量通知…: an empty notice is refused in the dialog; a written one is in every
    member's contact log and the result says so."""
    from app.services import notes

    ids = [cases.intake_work_order(ws, complaint_form(source_ticket=f"N{i}"))[0]
           for i in range(2)]
    groups.create_group(ws, GroupInput("悦动健身预付卡退费"), ids)
    w = open_window(qtbot, ws, runner)
    dialog = w.show_groups()
    qtbot.waitUntil(lambda: dialog.notice_button.isEnabled(), timeout=10_000)
    dialog.notice_button.click()
    options = dialog.notice_options
    assert options is not None and options.isVisible()
    options._accept_if_written()
    assert options.isVisible() and "请填写通知的内容" in options.problem.text()
    options.text.setPlainText("经营者已承诺三十日内退款。")
    with qtbot.waitSignal(dialog.batch_done, timeout=10_000):
        options._accept_if_written()
    assert "通知：已办理 2 件" in dialog.result.text()
    for case_id in ids:
        assert [n.text for n in notes.list_notes(ws, case_id) if n.kind == "contact"] == [
            "经营者已承诺三十日内退款。"]
