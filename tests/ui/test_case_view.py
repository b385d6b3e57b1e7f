"""The case view as a mediator uses it: tabs, edits in place with messages beside the
fields, the audited ID reveal, follow-ups, the history, the pause dialog.

The ``view`` fixture plays the window's part: after a write the view emits ``changed``
and the case is read again."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from app.core.workflow import Action, CaseStatus, Outcome, PauseReason
from app.services import cases
from app.services.dto import PartyInput
from app.services.errors import StaleCase
from app.ui.case.case_pane import CasePane, Tab
from app.ui.case.parties_tab import RevealDialog
from app.ui.case.pause_dialog import PauseDialog
from app.ui.operations.cases import perform_action
from tests.conftest import complaint_form

ID_NUMBER = "11010519491231002X"


def open_view(qtbot, ws, runner, case_id) -> CasePane:
    view = CasePane(ws, runner)
    qtbot.addWidget(view)
    runner.events.case_changed.connect(lambda ids: view.load(view.case.id))
    view.resize(640, 800)
    view.show()
    with qtbot.waitSignal(view.history_loaded, timeout=10_000):
        view.load(case_id)
    return view


def reload(qtbot, view: CasePane) -> None:
    with qtbot.waitSignal(view.history_loaded, timeout=10_000):
        view.load(view.case.id)


@pytest.fixture
def view(qtbot, ws, seeded, runner) -> CasePane:
    return open_view(qtbot, ws, runner, seeded.first)


def label_text(view: CasePane, name: str) -> str:
    label = view.findChild(QLabel, name)
    assert label is not None, f"no label {name}"
    return label.text()


def click(qtbot, widget) -> None:
    assert widget.isEnabled() and widget.isVisible()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_overview_shows_claim_amounts_and_clocks(view):
    assert label_text(view, "caseTicket") == "1310115202603020001"
    assert label_text(view, "caseStatus") == "待受理"
    assert "门店突然关闭" in label_text(view, "caseDescription")
    assert label_text(view, "caseRequest") == "退还剩余预付款3200元"
    assert label_text(view, "caseTags") == "预付式消费、群体性"
    assert label_text(view, "amountClaimed") == "3,200.00 元"
    # 7 working days after receipt on Sunday 2026-03-01 (counting from the next day).
    assert label_text(view, "clock_accept_decision").startswith("2026-03-10（星期二）")
    assert set(view.buttons) == {Action.ACCEPT, Action.REJECT}


def test_the_tabs(view):
    assert [view.tabs.tabText(i) for i in range(view.tabs.count())] == [
        "概况", "当事人", "调解记录", "工作记录", "证据", "时间线", "文书", "回访", "历史"]


def test_parties_are_masked(view):
    view.tabs.setCurrentIndex(Tab.PARTIES)
    applicant = label_text(view, "party_applicant")
    assert "李秀英" in applicant and "138****5678" in applicant
    assert "13800135678" not in applicant
    assert "上海悦动健身管理有限公司" in label_text(view, "party_respondent")


def test_an_edit_is_saved_and_shows_in_the_history(qtbot, view, ws, seeded):
    click(qtbot, view.overview.edit_button)
    form = view.overview.form
    form.fields["request"].setPlainText("退还剩余预付款3200元并赔偿")
    form.fields["amount_recovered"].setText("1500")
    with qtbot.waitSignal(view.history_loaded, timeout=10_000):
        click(qtbot, view.overview.save_button)
    detail = cases.get_case(ws, seeded.first)
    assert detail.request == "退还剩余预付款3200元并赔偿"
    assert str(detail.amount_recovered) == "1500.00"
    assert not view.overview.editing
    assert label_text(view, "amountRecovered") == "1,500.00 元"
    history = view.history.text()
    assert "修改案件信息" in history
    assert "诉求：退还剩余预付款3200元 → 退还剩余预付款3200元并赔偿" in history
    assert "挽回金额：1,500.00 元" in history


def test_a_refused_edit_shows_the_message_beside_the_field_and_keeps_the_text(qtbot, view, ws,
                                                                             seeded):
    before = cases.get_case(ws, seeded.first)
    click(qtbot, view.overview.edit_button)
    form = view.overview.form
    too_long = "预付式消费" * 8  # 40 characters; the store keeps 32
    form.fields["category"].setEditText(too_long)
    with qtbot.waitSignal(view.save_failed, timeout=10_000):
        click(qtbot, view.overview.save_button)
    assert form.message_text("category") == "内容过长"
    assert form.fields["category"].currentText() == too_long
    assert view.overview.editing
    assert cases.get_case(ws, seeded.first).version == before.version


def test_an_invalid_amount_is_caught_beside_the_field_before_saving(qtbot, view):
    click(qtbot, view.overview.edit_button)
    form = view.overview.form
    form.fields["amount_claimed"].setText("三千")
    click(qtbot, view.overview.save_button)
    assert form.message_text("amount_claimed").startswith("金额格式不正确")
    assert form.fields["amount_claimed"].text() == "三千"


def test_a_stale_edit_reloads_and_keeps_what_the_user_typed(qtbot, view, ws, seeded):
    click(qtbot, view.overview.edit_button)
    form = view.overview.form
    form.fields["request"].setPlainText("全额退款")
    cases.update_case(ws, seeded.first, {"region": "浦东新区"})  # someone else, meanwhile
    with qtbot.waitSignal(view.save_failed, timeout=10_000) as failed:
        click(qtbot, view.overview.save_button)
    assert isinstance(failed.args[0].error, StaleCase)
    assert "已被他人修改" in view.overview.edit_error.text()
    qtbot.waitUntil(lambda: form.fields["region"].text() == "浦东新区", timeout=10_000)
    assert form.fields["request"].toPlainText() == "全额退款"
    with qtbot.waitSignal(view.saved, timeout=10_000):
        click(qtbot, view.overview.save_button)
    detail = cases.get_case(ws, seeded.first)
    assert (detail.request, detail.region) == ("全额退款", "浦东新区")


def test_an_invalid_phone_shows_beside_the_field_and_keeps_the_value(qtbot, view, ws, seeded):
    view.tabs.setCurrentIndex(Tab.PARTIES)
    card = view.parties.card("applicant")
    click(qtbot, card.edit_button)
    phone = card.form.fields["phone"]
    phone.selectAll()
    qtbot.keyClicks(phone, "138001")
    click(qtbot, card.save_button)
    assert card.form.message_text("phone").startswith(
        "电话号码格式不正确：手机 11 位，如 13812345678")
    assert phone.text() == "138001"
    assert card.editing
    assert cases.get_case(ws, seeded.first).parties[0].phone == "13800135678"


def test_a_party_edit_is_saved(qtbot, view, ws, seeded):
    view.tabs.setCurrentIndex(Tab.PARTIES)
    card = view.parties.card("applicant")
    click(qtbot, card.edit_button)
    card.form.fields["address"].setText("上海市浦东新区张杨路600号")
    with qtbot.waitSignal(view.saved, timeout=10_000):
        click(qtbot, card.save_button)
    assert cases.get_case(ws, seeded.first).parties[0].address == "上海市浦东新区张杨路600号"


def test_revealing_an_id_number_asks_the_purpose_and_is_audited(qtbot, ws, seeded, runner):
    case_id, _ = cases.intake_work_order(ws, complaint_form(
        source_ticket="1310115202603020009",
        complainant=PartyInput(role="applicant", party_type="person", name="陈静",
                               phone="13600001234", id_type="resident_id",
                               id_number=ID_NUMBER)))
    view = open_view(qtbot, ws, runner, case_id)
    view.tabs.setCurrentIndex(Tab.PARTIES)
    assert label_text(view, "idNumber_applicant") == "110105********002X"
    assert ID_NUMBER not in label_text(view, "party_applicant")
    card = view.parties.card("applicant")
    click(qtbot, card.reveal_button)
    dialog = view.current_dialog
    assert isinstance(dialog, RevealDialog) and dialog.isVisible()
    click(qtbot, dialog.ok_button)  # no purpose yet
    assert dialog.isVisible() and dialog.error.text() == "请填写查看用途。"
    dialog.purpose.setCurrentIndex(0)
    with qtbot.waitSignal(view.history_loaded, timeout=10_000):
        click(qtbot, dialog.ok_button)
    assert label_text(view, "idNumber_applicant") == ID_NUMBER
    reveals = [e for e in cases.case_history(ws, case_id) if e.action == "reveal_id"]
    assert [(e.actor, e.reason) for e in reveals] == [("zhangmin", "核实当事人身份")]
    assert "查看完整证件号码" in view.history.text()
    assert "用途：核实当事人身份" in view.history.text()


def test_the_history_reads_as_a_timeline(qtbot, view, ws, seeded):
    cases.accept(ws, seeded.first)
    cases.assign(ws, seeded.first, seeded.colleague, reason="熟悉健身行业")
    reload(qtbot, view)
    text = view.history.text()
    lines = text.splitlines()
    assert lines[0].endswith("派单")  # newest first
    assert "状态：已受理 → 已派单" in text
    assert "承办人：王芳" in text
    assert "说明：熟悉健身行业" in text
    assert "状态：待受理 → 已受理" in text
    assert "登记工单" in text and "来源：12315" in text
    assert "联系电话：138****5678" in text  # masked here too
    for raw in ("accepted", "transition:", "mediator_id", "13800135678", "{"):
        assert raw not in text


def close_case(ws, case_id, mediator_id) -> None:
    cases.accept(ws, case_id)
    cases.assign(ws, case_id, mediator_id)
    cases.start_mediation(ws, case_id)
    cases.close(ws, case_id, Outcome.SETTLED, amount_recovered="3200")


def test_a_follow_up_is_recorded_once_the_case_is_closed(qtbot, view, ws, seeded):
    assert not view.follow_up.form_section.isVisibleTo(view)
    assert "案件办结后" in label_text(view, "followUpNotYet")
    close_case(ws, seeded.first, seeded.colleague)
    reload(qtbot, view)
    click(qtbot, view.buttons[Action.FOLLOW_UP])
    assert view.tabs.currentIndex() == Tab.FOLLOW_UP
    form = view.follow_up.form
    click(qtbot, view.follow_up.save_button)
    assert form.message_text("performance") == "必填"
    assert form.fields["performance"].select("performed")
    assert form.fields["satisfaction"].select("satisfied")
    form.fields["note"].setPlainText("已收到退款")
    with qtbot.waitSignal(view.history_loaded, timeout=10_000):
        click(qtbot, view.follow_up.save_button)
    detail = cases.get_case(ws, seeded.first)
    assert detail.status is CaseStatus.FOLLOWED_UP
    assert [(f.performance, f.satisfaction, f.note) for f in detail.follow_ups] == [
        ("performed", "satisfied", "已收到退款")]
    qtbot.waitUntil(lambda: view.findChild(QLabel, "followUp_0") is not None)
    assert "满意度：满意" in label_text(view, "followUp_0")
    assert "本案已回访" in label_text(view, "followUpNotYet")


def test_the_pause_dialog_needs_its_reason_and_expected_end(qtbot, view, ws, seeded, runner):
    cases.accept(ws, seeded.first)
    reload(qtbot, view)
    assert Action.PAUSE in view.buttons
    dialog = view.action_dialog(Action.PAUSE)
    qtbot.addWidget(dialog)
    assert isinstance(dialog, PauseDialog)
    # Recusal suspends a mediation only while it runs (暂行办法 第十九条第二款).
    assert PauseReason.RECUSAL not in dialog.reason_combo.values()
    sent = []
    dialog.submitted.connect(sent.append)
    dialog.show()
    click(qtbot, dialog.ok_button)
    assert dialog.error_text("pause_reason") == "请选择中止计时的原因。"
    assert dialog.reason_combo.select(PauseReason.APPRAISAL)
    click(qtbot, dialog.ok_button)
    assert dialog.error_text("expected_end") == "请选择预计结束日期。"
    assert sent == []
    dialog.end_edit.setDate(date(2026, 3, 20))
    click(qtbot, dialog.ok_button)
    assert len(sent) == 1
    with qtbot.waitSignal(view.history_loaded, timeout=10_000):
        runner.op(None, lambda: perform_action(ws, sent[0])) \
            .success(lambda changes: view.load(seeded.first)).run()
    detail = cases.get_case(ws, seeded.first)
    assert detail.paused
    assert [(p.reason, p.expected_end) for p in detail.pauses] == [
        ("appraisal", date(2026, 3, 20))]
    assert label_text(view, "caseStatus") == "已受理（计时中止）"
    assert "预计 2026-03-20 结束" in label_text(view, "pause_0")
    assert set(view.buttons) >= {Action.RESUME} and Action.PAUSE not in view.buttons
    assert "中止原因：鉴定" in view.history.text()
