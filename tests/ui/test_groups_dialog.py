"""视图 → 群体纠纷管理 (issue 17): the group and its members, a batch 受理 asked first and
run with its result listed member by member, and the progress of the refunds."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
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
    assert dialog.unmatched_action.isEnabled()
    left_out = tmp_path / "未登记"
    with qtbot.waitSignal(dialog.unmatched_saved, timeout=10_000):
        dialog.save_unmatched(left_out)
    rows = list(load_workbook(left_out.with_suffix(".xlsx"), read_only=True)
                .active.iter_rows(values_only=True))
    assert ("行号", "姓名", "未登记的原因") in rows
    assert [tuple(r)[:2] for r in rows[1:]] == [(3, "赵六")] and "本群体中没有这个人" in rows[1][2]
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


def _shown(qtbot, ws, runner, ids, **values):
    gid, _ = groups.create_group(ws, GroupInput("悦动健身", "上海悦动健身管理有限公司", **values),
                                 ids)
    w = open_window(qtbot, ws, runner)
    dialog = w.show_groups()
    qtbot.waitUntil(lambda: dialog.member_table.rowCount() == len(ids)
                    and dialog.detail is not None, timeout=10_000)
    return gid, w, dialog


def test_the_groups_page_shows_its_particulars_and_edits_them(qtbot, ws, runner):
    """编辑…: the name, the business's code, the status, a representative picked from the
    members, and notes; the page shows them (the representative's phone masked)."""
    from app.core.groups import GroupStatus
    from app.ui.groups.group_dialogs import GroupEditDialog

    ids = [cases.intake_work_order(ws, complaint_form(source_ticket=f"E{i}"))[0]
           for i in range(2)]
    gid, _w, dialog = _shown(qtbot, ws, runner, ids)
    assert dialog.particulars["respondent"].text() == "上海悦动健身管理有限公司"
    assert dialog.particulars["plan"].text() == "尚未确定"
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == ["成员", "群体调解", "协议书"]
    dialog.edit_button.click()
    qtbot.waitUntil(lambda: isinstance(dialog.form, GroupEditDialog)
                    and dialog.form.isVisible(), timeout=10_000)
    form = dialog.form
    form.title.setText("悦动健身预付卡退费")
    form.uscc.setText("91310115MA1K4LXK2X")  # a wrong check digit: refused, kept open
    form.pick.setCurrentIndex(1)  # 李秀英（E0）
    form.add_picked()
    form.status.setCurrentIndex(1)  # 履行中
    form.notes.setPlainText("经营者承诺月底前退款")
    form.submit()
    qtbot.waitUntil(form.problem.isVisible, timeout=10_000)
    assert "统一社会信用代码不正确" in form.problem.text() and form.isVisible()
    form.uscc.setText("91310115MA1K4LXK21")
    with qtbot.waitSignal(dialog.member_done, timeout=10_000):
        form.submit()
    qtbot.waitUntil(lambda: dialog.table.item(0, 0).text() == "悦动健身预付卡退费"
                    and "138****5678" in dialog.particulars["representatives"].text(),
                    timeout=10_000)
    assert dialog.particulars["representatives"].text() == "李秀英 138****5678"
    assert "履行中" in dialog.particulars["status"].text()
    assert "91310115MA1K4LXK21" in dialog.particulars["respondent"].text()
    assert dialog.particulars["notes"].text() == "经营者承诺月底前退款"
    qtbot.waitUntil(lambda: dialog.member_table.item(0, 7).text() == "代表", timeout=10_000)
    assert groups.group_detail(ws, gid).particulars.status is GroupStatus.SETTLING


def test_refund_plan_member_facts_a_payment_and_an_individual_track(qtbot, ws, runner):
    """退费方案… counts each member's refund from their facts; 退费数据… gives one member
    theirs; 登记退款… pays it (已履行); the member left 逾期; 单独处理 takes one out."""
    from app.ui.groups.group_dialogs import MemberFactsDialog, PaymentDialog, RefundPlanDialog

    ids = [cases.intake_work_order(ws, complaint_form(source_ticket=f"F{i}"))[0]
           for i in range(3)]
    gid, _ = groups.create_group(ws, GroupInput("悦动健身"), ids)
    group_payments.set_member_facts(ws, gid, {ids[0]: MemberFacts(unused_sessions=2),
                                              ids[1]: MemberFacts(unused_sessions=4)})
    w = open_window(qtbot, ws, runner)
    dialog = w.show_groups()
    qtbot.waitUntil(lambda: dialog.member_table.rowCount() == 3 and dialog.detail is not None,
                    timeout=10_000)
    dialog.plan_button.click()
    form = dialog.form
    assert isinstance(form, RefundPlanDialog) and form.unit_price.isVisible()
    form.submit()  # no unit price: refused in the dialog
    assert form.problem.isVisible() and "单价" in form.problem.text()
    form.unit_price.setText("128.50")
    form.due.setDate(QDate(2026, 3, 1))  # passed already: unpaid members are overdue
    with qtbot.waitSignal(dialog.member_done, timeout=10_000):
        form.submit()
    assert "1 位成员缺少未使用次数或预付余额" in dialog.result.text()
    qtbot.waitUntil(lambda: dialog.member_table.item(1, 3).text() == "¥514.00", timeout=10_000)
    assert dialog.particulars["plan"].text() == "未使用次数 × ¥128.50，2026-03-01 前履行"
    assert dialog.member_table.item(1, 6).text() == "逾期未履行"
    assert dialog.member_table.item(1, 5).text() == "2026-03-01"

    dialog.member_table.selectRow(2)
    dialog.facts_button.click()
    facts = dialog.form
    assert isinstance(facts, MemberFactsDialog)
    facts.sessions.setText("1")
    with qtbot.waitSignal(dialog.member_done, timeout=10_000):
        facts.submit()
    qtbot.waitUntil(lambda: dialog.member_table.item(2, 3).text() == "¥128.50", timeout=10_000)

    dialog.member_table.selectRow(0)
    dialog.pay_button.click()
    pay = dialog.form
    assert isinstance(pay, PaymentDialog) and pay.amount.text() == "257.00"
    pay.note.setText("银行转账")
    with qtbot.waitSignal(dialog.member_done, timeout=10_000):
        pay.submit()
    qtbot.waitUntil(lambda: dialog.member_table.item(0, 6).text() == "已履行", timeout=10_000)
    assert dialog.member_table.item(0, 4).text() == "¥257.00"
    assert "已退款 ¥257.00 / ¥899.50，1 / 3 人已履行，2 人逾期" in dialog.progress_label.text()

    dialog.member_table.selectRow(1)
    qtbot.waitUntil(lambda: dialog.individual_button.text() == "单独处理", timeout=1000)
    dialog.individual_button.click()
    with qtbot.waitSignal(dialog.member_done, timeout=10_000):
        dialog.question.buttons()[0].click()
    qtbot.waitUntil(lambda: dialog.member_table.item(1, 7).text() == "单独处理", timeout=10_000)
    assert dialog.member_table.item(1, 3).text() == ""
    assert dialog.individual_button.text() == "回到群体协议"
    assert "已退款 ¥257.00 / ¥385.50，1 / 2 人已履行" in dialog.progress_label.text()

    # on their own track, 退费数据… asks what their own agreement says
    dialog.facts_button.click()
    own = dialog.form
    assert isinstance(own, MemberFactsDialog) and own.own_amount.isVisible()
    assert not own.sessions.isVisible()
    own.own_amount.setText("600")
    own.own_due.setDate(QDate(2026, 3, 1))
    with qtbot.waitSignal(dialog.member_done, timeout=10_000):
        own.submit()
    qtbot.waitUntil(lambda: dialog.member_table.item(1, 3).text() == "¥600.00", timeout=10_000)
    assert dialog.member_table.item(1, 6).text() == "逾期未履行"


def test_a_supervisor_reassigns_the_whole_group_and_a_mediator_is_told_why_not(
        qtbot, ws, runner):
    from dataclasses import replace

    from app.core.users import UserRole
    from app.core.workflow import Action
    from app.services import batches
    from app.services.batches import BatchRequest
    from app.store.models import Case
    from app.ui.groups.group_dialogs import ReassignDialog

    ids = [cases.intake_work_order(ws, complaint_form(source_ticket=f"A{i}"))[0]
           for i in range(2)]
    batches.run_batch(ws, ids, BatchRequest(Action.ACCEPT))
    actor = ws.actor
    ws.actor = replace(actor, role=UserRole.MEDIATOR)
    gid, _w, dialog = _shown(qtbot, ws, runner, ids)
    dialog.reassign_button.click()
    assert dialog.error.isVisible() and dialog.form is None
    assert "不能把案件分派给其他调解员" in dialog.error.text()
    ws.actor = replace(actor, role=UserRole.SUPERVISOR)
    dialog.reassign_button.click()
    qtbot.waitUntil(lambda: isinstance(dialog.form, ReassignDialog)
                    and dialog.form.isVisible(), timeout=10_000)
    me = dialog.form.choice.currentData()
    with qtbot.waitSignal(dialog.batch_done, timeout=10_000) as done:
        dialog.form.submit()
    assert set(done.args[0].done) == set(ids)
    assert "已办理 2 件" in dialog.result.text()
    with ws.store.unit_of_work() as session:
        assert [session.get(Case, i).mediator_id for i in ids] == [me, me]
    assert groups.group_detail(ws, gid).particulars.lead_mediator_id == me


def test_another_page_joins_the_group_page_as_a_tab(qtbot, ws, runner):
    from PySide6.QtWidgets import QWidget

    class Page(QWidget):
        shown = []

        def set_group(self, group_id):
            self.shown.append(group_id)

    ids = [cases.intake_work_order(ws, complaint_form(source_ticket="T0"))[0]]
    gid, _w, dialog = _shown(qtbot, ws, runner, ids)
    page = Page()
    index = dialog.add_page(page, "另一页")
    assert index == dialog.tabs.count() - 1
    assert dialog.tabs.tabText(index) == "另一页" and page.shown == [gid]


def test_a_group_from_three_cases_selected_in_the_queue(qtbot, ws, runner):
    """Ctrl-click three rows; the case pane follows the last clicked; 案件 → 建立群体纠纷…
    names the group after their business; a case another group holds is named with that
    group and stays there; the group window opens on the new group."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    from app.ui.groups.group_selection import SelectionGroupDialog

    ids = [cases.intake_work_order(ws, complaint_form(source_ticket=f"Q{i}"))[0]
           for i in range(4)]
    groups.create_group(ws, GroupInput("早先的群体"), [ids[3]])
    w = open_window(qtbot, ws, runner)
    view = w.queue_view
    rows = [w.model.row_of(i) for i in ids[1:]]
    view.select_row(rows[0])
    for row in rows[1:]:
        rect = view.visualRect(w.model.index(row, 0))
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.ControlModifier, rect.center())
    assert set(view.selected_case_ids()) == set(ids[1:])
    qtbot.waitUntil(lambda: w.casework.shown_case_id == w.model.case_id(rows[-1]),
                    timeout=10_000)  # the pane follows the last clicked
    menu = w.group_selection.show_menu(view.viewport().mapToGlobal(view.rect().center()))
    assert [a.text() for a in menu.actions()] == ["建立群体纠纷(&G)…", "加入群体纠纷(&J)…"]
    menu.close()
    assert w.group_selection.make_action in w.case_menu.actions()
    w.group_selection.make_action.trigger()
    qtbot.waitUntil(lambda: isinstance(w.group_selection.dialog, SelectionGroupDialog)
                    and w.group_selection.dialog.isVisible(), timeout=10_000)
    form = w.group_selection.dialog
    assert form.respondent.text() == "上海悦动健身管理有限公司"
    assert form.title.text() == "上海悦动健身管理有限公司群体纠纷"
    assert form.new_choice.isChecked()
    form.title.setText("悦动健身预付卡退费")
    with qtbot.waitSignal(w.group_selection.group_made, timeout=10_000) as made:
        form.submit()
    box = w.group_selection.message
    assert isinstance(box, QMessageBox)
    assert "2 件工单加入" in box.text() and "Q3：已在群体“早先的群体”中" in box.text()
    assert groups.groups_of(ws, ids[1:]) == {ids[1]: "悦动健身预付卡退费",
                                             ids[2]: "悦动健身预付卡退费", ids[3]: "早先的群体"}
    dialog = w.groups_dialog
    qtbot.waitUntil(lambda: dialog.selected() is not None
                    and dialog.selected().id == made.args[0]
                    and dialog.member_table.rowCount() == 2, timeout=10_000)

    # 加入群体纠纷…: the first case joins the group just made
    view.select_row(w.model.row_of(ids[0]))
    w.group_selection.join_action.trigger()
    qtbot.waitUntil(lambda: w.group_selection.dialog is not form
                    and w.group_selection.dialog.isVisible(), timeout=10_000)
    join = w.group_selection.dialog
    assert join.join_choice.isChecked()
    join.existing.setCurrentIndex(next(n for n in range(join.existing.count())
                                       if join.existing.itemData(n) == made.args[0]))
    with qtbot.waitSignal(w.group_selection.group_made, timeout=10_000):
        join.submit()
    assert "1 件工单已加入群体纠纷" in w.group_selection.message.text()
    assert groups.groups_of(ws, [ids[0]]) == {ids[0]: "悦动健身预付卡退费"}


def test_the_case_page_names_its_group_and_opens_it(qtbot, ws, runner):
    ids = [cases.intake_work_order(ws, complaint_form(source_ticket=f"P{i}"))[0]
           for i in range(3)]
    groups.create_group(ws, GroupInput("别的群体"), [ids[2]])
    gid, _ = groups.create_group(ws, GroupInput("悦动健身预付卡退费"), ids[:2])
    w = open_window(qtbot, ws, runner)
    pane = w.case_view
    w.open_case(ids[0])
    qtbot.waitUntil(lambda: pane.group_box.isVisible() and pane.group_label.text()
                    == "群体纠纷：悦动健身预付卡退费（共 2 件）", timeout=10_000)
    pane.group_button.click()
    dialog = w.groups_dialog
    qtbot.waitUntil(lambda: dialog.selected() is not None and dialog.selected().id == gid
                    and dialog.member_table.rowCount() == 2, timeout=10_000)
    uncounted = cases.intake_work_order(ws, complaint_form(source_ticket="P9"))[0]
    w.open_case(uncounted)
    qtbot.waitUntil(lambda: pane.case is not None and pane.case.id == uncounted,
                    timeout=10_000)
    qtbot.waitUntil(lambda: not pane.group_box.isVisible(), timeout=10_000)


def test_the_group_page_has_its_agreements_tab_on_the_chosen_group(qtbot, ws, runner):
    from tests.services.test_group_agreements import _group

    gid, _ids, _names = _group(ws, 2)
    w = open_window(qtbot, ws, runner)
    dialog = w.show_groups(gid)
    titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert "协议书" in titles
    dialog.tabs.setCurrentWidget(dialog.agreements)
    qtbot.waitUntil(lambda: dialog.agreements.group_id == gid, timeout=10_000)
    qtbot.waitUntil(lambda: dialog.agreements.draw_button.isEnabled(), timeout=10_000)
    assert "尚未生成协议书" in dialog.agreements.summary.text()


def open_new_group(qtbot, ws, runner, title: str, ticket_prefix: str, members: int):
    """A new group of ``members`` new cases (tickets prefix0, prefix1 …) on its page,
    its member list loaded: (the cases' ids, the dialog)."""
    ids = [cases.intake_work_order(ws, complaint_form(source_ticket=f"{ticket_prefix}{i}"))[0]
           for i in range(members)]
    gid, _ = groups.create_group(ws, GroupInput(title), ids)
    dialog = open_window(qtbot, ws, runner).show_groups(gid)
    qtbot.waitUntil(lambda: dialog.member_table.rowCount() == members, timeout=10_000)
    return ids, dialog


def test_a_member_taken_out_of_the_group_leaves_its_list(qtbot, ws, runner):
    ids, dialog = open_new_group(qtbot, ws, runner, "误并入的群体", "X", 3)
    dialog.member_table.selectRow(1)
    assert dialog.remove_button.isEnabled()
    dialog.remove_button.click()
    box = dialog.question
    assert isinstance(box, QMessageBox) and "X1" in box.text() and "误并入的群体" in box.text()
    with qtbot.waitSignal(dialog.member_done, timeout=10_000):
        box.buttons()[0].click()  # 移出
    qtbot.waitUntil(lambda: dialog.member_table.rowCount() == 2, timeout=10_000)
    assert [dialog.member_table.item(r, 0).text() for r in range(2)] == ["X0", "X2"]
    assert groups.groups_of(ws, ids) == {ids[0]: "误并入的群体", ids[2]: "误并入的群体"}


def test_a_list_that_cannot_be_written_says_where_and_why(qtbot, ws, runner, tmp_path):
    _ids, dialog = open_new_group(qtbot, ws, runner, "悦动健身预付卡退费", "W", 2)
    target = tmp_path / "不存在的文件夹" / "退款清单.xlsx"
    dialog.save_refund_list(target)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10_000)
    text = dialog.error.text()
    assert "文件夹不存在" in text and "退款清单.xlsx" in text and ".part" not in text
    assert not target.parent.exists()
