"""Issue 17, item 5: 视图 → 统计 shows each group dispute under way with its refunds so
far (已退款 ¥X / ¥Y, N/M 人退清, 逾期), and a row opens the group's window on it."""

from __future__ import annotations

import os
from datetime import date

from app.core.groups import MemberFacts, RefundBasis, RefundFormula
from app.services import cases, group_payments, groups, hot_words
from app.services.group_payments import RefundPlan
from app.services.groups import GroupInput
from app.ui.stats.dashboard import StatsDashboard
from tests.conftest import complaint_form

DUE = date(2026, 2, 27)


def _group(ws, title: str, prefix: str, n: int, paid: int):
    ids = [cases.intake_work_order(ws, complaint_form(source_ticket=f"{prefix}{i:03d}"))[0]
           for i in range(n)]
    gid, _ = groups.create_group(ws, GroupInput(title, "上海悦动健身管理有限公司"), ids)
    group_payments.set_refund_plan(ws, gid, RefundPlan(
        RefundFormula(RefundBasis.FIXED, fixed_fen=128_000), due_on=DUE))
    group_payments.set_member_facts(ws, gid, {i: MemberFacts() for i in ids})
    for case_id in ids[:paid]:
        group_payments.record_payment(ws, gid, case_id, paid_on=DUE, amount_fen=128_000)
    return gid


def test_the_dashboard_lists_the_groups_progress_and_opens_a_group(qtbot, window):
    ws = window.ws
    _group(ws, "小天鹅培训退费", "S", 2, 2)
    gym = _group(ws, "悦动健身预付卡退费", "G", 4, 1)
    hot_words.catch_up(ws.store)
    window.stats_action.trigger()
    board = window.stats_window
    assert isinstance(board, StatsDashboard)
    qtbot.waitUntil(lambda: board.groups_box.isVisibleTo(board), timeout=10_000)
    table = board.group_table
    assert table.rowCount() == 2
    cells = [[table.item(r, c).text() for c in range(table.columnCount())]
             for r in range(table.rowCount())]
    # The overdue group first: 1 of 4 paid in full, the other 3 late.
    assert cells[0] == ["悦动健身预付卡退费", "上海悦动健身管理有限公司", "处理中",
                        "¥1,280.00 / ¥5,120.00", "1/4 人", "3 人"]
    assert cells[1][3:] == ["¥2,560.00 / ¥2,560.00", "2/2 人", "无"]
    # Nothing is cut off: every row fits the table's height, every text its column.
    assert table.verticalScrollBar().maximum() == 0
    for c in range(2, 6):
        widest = max(table.fontMetrics().horizontalAdvance(row[c]) for row in cells)
        assert table.columnWidth(c) >= widest, cells[0][c]
    if os.environ.get("SHOT_DIR"):  # a picture to look at while working
        board.resize(1366, 768)
        qtbot.wait(100)
        board.grab().save(os.path.join(os.environ["SHOT_DIR"], "stats_groups.png"))

    with qtbot.waitSignal(board.open_group, timeout=5_000) as opened:
        table.itemClicked.emit(table.item(0, 2))
    assert opened.args == [gym]
    dialog = window.groups_dialog
    qtbot.waitUntil(lambda: dialog.selected() is not None and dialog.selected().id == gym,
                    timeout=10_000)
