"""Issue 17, item 5, on screen: the 退款逾期 view in the sidebar with its count (its
tooltip says what it lists, and 待回访's says an overdue member is called again), and a
member case's 回访 tab showing the refund its group agreed and what came of it."""

from __future__ import annotations

from datetime import date

from app.core.groups import MemberFacts, RefundBasis, RefundFormula
from app.core.workflow import Outcome
from app.services import cases, group_payments, groups
from app.services.group_payments import RefundPlan
from app.services.groups import GroupInput
from app.services.queue import QueueView
from tests.conftest import complaint_form
from tests.ui.test_case_view import label_text, open_view
from tests.ui.test_queue_window import open_window

DUE = date(2026, 2, 27)  # before FIXED_NOW's China date (2026-03-02)


def _group(ws, n: int = 3):
    ids = [cases.intake_work_order(ws, complaint_form(source_ticket=f"U{i:03d}"))[0]
           for i in range(n)]
    gid, _ = groups.create_group(ws, GroupInput("悦动健身预付卡退费"), ids)
    group_payments.set_refund_plan(ws, gid, RefundPlan(
        RefundFormula(RefundBasis.FIXED, fixed_fen=128_000), due_on=DUE))
    group_payments.set_member_facts(ws, gid, {i: MemberFacts() for i in ids})
    return gid, ids


def test_the_sidebar_shows_overdue_refunds_with_their_count(qtbot, ws, runner):
    gid, ids = _group(ws)
    group_payments.record_payment(ws, gid, ids[0], paid_on=DUE, amount_fen=128_000)
    w = open_window(qtbot, ws, runner)
    side = w.queue.sidebar
    assert side.title_of(QueueView.REFUND_OVERDUE) == "退款逾期"
    qtbot.waitUntil(lambda: side.count_shown(QueueView.REFUND_OVERDUE) == "2", timeout=10_000)
    item = side._items[QueueView.REFUND_OVERDUE]
    assert "退款未付清" in item.toolTip() and "2 件" in item.toolTip()
    assert "再次回访" in side._items[QueueView.TO_FOLLOW_UP].toolTip()
    with qtbot.waitSignal(w.queue_loaded, timeout=10_000):
        w.queue.view_actions[QueueView.REFUND_OVERDUE].trigger()
    qtbot.waitUntil(lambda: not w.loading, timeout=10_000)
    assert w.model.rowCount() == 2


def test_the_follow_up_tab_shows_a_members_refund(qtbot, ws, runner):
    gid, ids = _group(ws, 2)
    group_payments.record_payment(ws, gid, ids[0], paid_on=date(2026, 2, 25),
                                  amount_fen=50_000)
    cases.accept(ws, ids[0])
    cases.assign(ws, ids[0], ws.actor.mediator_id)
    cases.start_mediation(ws, ids[0])
    cases.close(ws, ids[0], Outcome.SETTLED, amount_recovered="1280")
    view = open_view(qtbot, ws, runner, ids[0])
    tab = view.follow_up
    qtbot.waitUntil(lambda: tab.refund.isVisibleTo(tab), timeout=10_000)
    assert label_text(view, "refundGroup") == "悦动健身预付卡退费"
    assert label_text(view, "refundFigures") == \
        "应退 ¥1,280.00，已退 ¥500.00，到期日 2026-02-27"
    assert label_text(view, "refundState") == "逾期未履行，尚欠 ¥780.00，需再次回访"
    # Paid in full: the state says so.
    group_payments.record_payment(ws, gid, ids[0], paid_on=date(2026, 3, 2),
                                  amount_fen=78_000)
    with qtbot.waitSignal(view.history_loaded, timeout=10_000):
        view.load(ids[0])
    qtbot.waitUntil(lambda: label_text(view, "refundState").startswith("已履行"),
                    timeout=10_000)
    assert "2026-03-02" in label_text(view, "refundState")
    # A case in no group shows no refund.
    other = cases.intake_work_order(ws, complaint_form(source_ticket="U900"))[0]
    view.load(other)
    qtbot.waitUntil(lambda: view.case.id == other, timeout=10_000)
    assert not tab.refund.isVisibleTo(tab)
    with qtbot.waitSignal(view.history_loaded, timeout=10_000):
        view.load(other)  # its refund read again: none
    assert not tab.refund.isVisibleTo(tab)
