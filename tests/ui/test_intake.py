"""新建工单 as a clerk takes a call: typing into the real widgets, the checks beside the
fields, the probable-duplicate warning and linking, and a new case carried through
acceptance and assignment to 调解中 with the case view's buttons."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt

from app.core.workflow import Action, CaseStatus, Source
from app.services import cases, queue
from app.services.duplicates import DuplicateReason
from app.ui.case.assign_dialog import AssignDialog
from app.ui.case.intake_dialog import DuplicateDialog, IntakeDialog
from app.ui.qtcompat import emit
from tests.conftest import complaint_form
from tests.ui.test_main_window import confirm_action

USCC = "91310115MA1K3YJ10A"


def click(qtbot, widget) -> None:
    assert widget.isEnabled() and widget.isVisible()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def type_into(qtbot, dialog: IntakeDialog, key: str, text: str) -> None:
    widget = dialog.field(key)
    widget.setFocus()
    if hasattr(widget, "setPlainText"):
        widget.setPlainText("")
    elif hasattr(widget, "clear"):
        widget.clear()
    if text.isascii():
        qtbot.keyClicks(widget, text)
    elif hasattr(widget, "insertPlainText"):
        widget.insertPlainText(text)  # what an input method commits
    else:
        widget.insert(text)
    if hasattr(widget, "editingFinished"):
        emit(widget.editingFinished)  # the user tabbed on: the live check runs


def fill(qtbot, dialog: IntakeDialog, *, ticket="1310115202603020101", name="周晓梅",
         phone="13911112222", business="上海快乐童年教育培训有限公司") -> None:
    type_into(qtbot, dialog, "source_ticket", ticket)
    type_into(qtbot, dialog, "complainant.name", name)
    type_into(qtbot, dialog, "complainant.phone", phone)
    type_into(qtbot, dialog, "complainant.address", "上海市闵行区莘庄镇1号")
    type_into(qtbot, dialog, "respondent.name", business)
    type_into(qtbot, dialog, "respondent.id_number", USCC)
    type_into(qtbot, dialog, "description", "报名少儿英语课程，机构停课后拒绝退费。")
    type_into(qtbot, dialog, "request", "退还剩余课时费")
    type_into(qtbot, dialog, "amount_claimed", "4800")
    dialog.field("category").setEditText("教育培训")
    click(qtbot, dialog.tag_buttons["预付式消费"])


@pytest.fixture
def dialog(qtbot, ws, seeded, runner) -> IntakeDialog:
    d = IntakeDialog(ws, runner)
    qtbot.addWidget(d)
    d.show()
    return d


def save_expecting_duplicates(qtbot, dialog: IntakeDialog) -> DuplicateDialog:
    with qtbot.waitSignal(dialog.duplicates_checked, timeout=10_000) as checked:
        click(qtbot, dialog.save_button)
    assert checked.args[0], "no duplicate found"
    qtbot.waitUntil(lambda: dialog.duplicate_dialog is not None
                    and dialog.duplicate_dialog.isVisible(), timeout=10_000)
    return dialog.duplicate_dialog


def table_rows(dup: DuplicateDialog) -> list[list[str]]:
    t = dup.table
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def test_required_fields_and_live_checks_are_shown_beside_the_fields(qtbot, dialog, ws):
    type_into(qtbot, dialog, "complainant.phone", "138001")
    assert dialog.message_text("complainant.phone").startswith(
        "电话号码格式不正确：手机 11 位，如 13812345678")
    type_into(qtbot, dialog, "respondent.id_number", "91310115MA1K3YJ10B")
    assert dialog.message_text("respondent.id_number") == "统一社会信用代码校验位不正确"
    type_into(qtbot, dialog, "complainant.id_number", "110105194912310021")
    assert dialog.message_text("complainant.id_number") == "身份证号码校验位或出生日期不正确"
    click(qtbot, dialog.save_button)
    # 12315 work orders need their ticket; a complaint needs name, phone, respondent.
    for key in ("source_ticket", "complainant.name", "respondent.name", "description"):
        assert dialog.message_text(key) == "必填", key
    assert dialog.message_text("complainant.phone").startswith(
        "电话号码格式不正确：手机 11 位，如 13812345678")
    assert dialog.field("complainant.phone").text() == "138001"
    assert dialog.isVisible() and not dialog.busy
    assert queue.count_cases(ws, queue.QueueQuery()) == 3  # nothing was saved


def test_a_walk_in_needs_no_ticket(qtbot, dialog, ws):
    dialog.source_combo.select(Source.WALK_IN)
    fill(qtbot, dialog, ticket="")
    with qtbot.waitSignal(dialog.created, timeout=10_000) as created:
        click(qtbot, dialog.save_button)
    detail = cases.get_case(ws, created.args[0])
    assert detail.source is Source.WALK_IN
    assert detail.source_ticket.startswith("WALK_IN-20260302-")
    assert not dialog.isVisible()


def test_a_saved_work_order_holds_what_was_typed(qtbot, dialog, ws):
    fill(qtbot, dialog)
    with qtbot.waitSignal(dialog.created, timeout=10_000) as created:
        click(qtbot, dialog.save_button)
    detail = cases.get_case(ws, created.args[0])
    assert detail.status is CaseStatus.RECEIVED
    assert detail.source_ticket == "1310115202603020101"
    assert detail.category == "教育培训"
    assert detail.tags == ("预付式消费",)
    assert str(detail.amount_claimed) == "4800.00"
    assert detail.received_at == datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    applicant, respondent = detail.parties
    assert (applicant.name, applicant.phone) == ("周晓梅", "13911112222")
    assert (respondent.name, respondent.id_type) == ("上海快乐童年教育培训有限公司", "uscc")
    assert detail.linked_case_id is None


def test_the_same_ticket_is_flagged_and_can_be_linked(qtbot, dialog, ws, seeded):
    fill(qtbot, dialog, ticket="1310115202603020001")
    dup = save_expecting_duplicates(qtbot, dialog)
    assert table_rows(dup) == [["1310115202603020001", "2026-03-01 09:30", "李秀英",
                                "上海悦动健身管理有限公司", "待受理", "同一工单号"]]
    with qtbot.waitSignal(dialog.created, timeout=10_000) as created:
        click(qtbot, dup.link_button)
    assert cases.get_case(ws, created.args[0]).linked_case_id == seeded.first


def test_the_same_phone_and_business_within_30_days_is_flagged(qtbot, dialog, ws, seeded):
    # The same complainant and business 40 days earlier is another matter.
    old, _ = cases.intake_work_order(ws, complaint_form(
        source_ticket="1310115202601200001", received_at=datetime(2026, 1, 21, 2, 0, tzinfo=UTC)))
    fill(qtbot, dialog, phone="138 0013 5678", business="上海悦动健身管理有限公司")
    dup = save_expecting_duplicates(qtbot, dialog)
    rows = table_rows(dup)
    assert [r[0] for r in rows] == ["1310115202603020001"]
    assert rows[0][5] == "同一电话、同一被投诉方（30日内）"
    assert dup.candidates[0].reasons == (DuplicateReason.SAME_PHONE_AND_BUSINESS,)
    assert old not in {c.case.id for c in dup.candidates}
    with qtbot.waitSignal(dialog.created, timeout=10_000) as created:
        click(qtbot, dup.new_button)
    assert cases.get_case(ws, created.args[0]).linked_case_id is None


def test_going_back_from_the_duplicate_warning_saves_nothing(qtbot, dialog, ws, seeded):
    fill(qtbot, dialog, ticket="1310115202603020001")
    dup = save_expecting_duplicates(qtbot, dialog)
    click(qtbot, dup.back_button)
    qtbot.waitUntil(lambda: not dialog.busy)
    assert dialog.isVisible() and dialog.created_id is None
    assert dialog.field("complainant.name").text() == "周晓梅"
    assert queue.count_cases(ws, queue.QueueQuery()) == 3  # nothing was saved


def test_a_reporter_is_recorded_as_such(qtbot, dialog, ws):
    from app.core.workflow import CaseKind

    assert dialog.kind_combo.select(CaseKind.REPORT)
    assert dialog.complainant_box.title() == "举报人"
    fill(qtbot, dialog)
    with qtbot.waitSignal(dialog.created, timeout=10_000) as created:
        click(qtbot, dialog.save_button)
    detail = cases.get_case(ws, created.args[0])
    assert detail.kind is CaseKind.REPORT and detail.reporter_confidential
    assert detail.parties[0].role == "reporter"


# ------------------------------------------------------------------ in the window


def test_from_intake_to_mediation_with_the_real_buttons(qtbot, window, ws, seeded):
    window.new_case_action.trigger()
    dialog = window.intake_dialog
    assert isinstance(dialog, IntakeDialog)
    qtbot.waitUntil(dialog.isVisible)
    fill(qtbot, dialog)
    with qtbot.waitSignal(dialog.created, timeout=10_000) as created:
        click(qtbot, dialog.save_button)
    case_id = created.args[0]
    # The new case opens in the case view.
    qtbot.waitUntil(lambda: window.case_view.case is not None
                    and window.case_view.case.id == case_id, timeout=10_000)
    qtbot.waitUntil(lambda: not window.loading, timeout=10_000)
    assert window.queue_view.selected_case_id() == case_id

    view = window.case_view
    assert set(view.buttons) == {Action.ACCEPT, Action.REJECT}
    with qtbot.waitSignal(window.action_done, timeout=10_000):
        click(qtbot, view.buttons[Action.ACCEPT])
        confirm_action(qtbot, window)
    qtbot.waitUntil(lambda: Action.ASSIGN in view.buttons, timeout=10_000)
    assert cases.get_case(ws, case_id).status is CaseStatus.ACCEPTED

    click(qtbot, view.buttons[Action.ASSIGN])
    qtbot.waitUntil(lambda: isinstance(window.current_dialog, AssignDialog)
                    and window.current_dialog.isVisible(), timeout=10_000)
    assign = window.current_dialog
    assert assign.mediator_combo.select(seeded.colleague)
    with qtbot.waitSignal(window.action_done, timeout=10_000):
        click(qtbot, assign.ok_button)
    qtbot.waitUntil(lambda: Action.START_MEDIATION in view.buttons, timeout=10_000)
    assert cases.get_case(ws, case_id).status is CaseStatus.ASSIGNED

    with qtbot.waitSignal(window.action_done, timeout=10_000):
        click(qtbot, view.buttons[Action.START_MEDIATION])
        confirm_action(qtbot, window)
    detail = cases.get_case(ws, case_id)
    assert detail.status is CaseStatus.MEDIATING
    assert detail.mediator_id == seeded.colleague
    qtbot.waitUntil(lambda: view.status_label.text() == "调解中", timeout=10_000)
    qtbot.waitUntil(lambda: "状态：已派单 → 调解中" in view.history.text(), timeout=10_000)


def test_terminating_needs_a_ground_and_pausing_a_reason(qtbot, window, ws, seeded):
    from app.core.workflow import Outcome, TerminationGround
    from app.ui.case.close_dialog import CloseDialog
    from app.ui.case.pause_dialog import PauseDialog

    cases.assign(ws, seeded.accepted, seeded.colleague)
    cases.start_mediation(ws, seeded.accepted)
    row = window.model.row_of(seeded.accepted)
    with qtbot.waitSignal(window.case_shown, timeout=10_000):
        window.queue_view.selectRow(row)
    qtbot.waitUntil(lambda: Action.PAUSE in window.case_view.buttons, timeout=10_000)

    click(qtbot, window.case_view.buttons[Action.PAUSE])
    pause = window.current_dialog
    assert isinstance(pause, PauseDialog) and pause.isVisible()
    click(qtbot, pause.ok_button)
    assert pause.error_text("pause_reason") == "请选择中止计时的原因。"
    pause.reject()

    click(qtbot, window.case_view.buttons[Action.CLOSE])
    close = window.current_dialog
    assert isinstance(close, CloseDialog) and close.isVisible()
    assert close.outcome_combo.select(Outcome.TERMINATED)
    click(qtbot, close.ok_button)
    assert close.error_text("ground") == "请选择终止调解的依据。"
    assert close.ground_combo.select(TerminationGround.MC_OTHER)
    click(qtbot, close.ok_button)
    assert close.error_text("reason") == "所选依据须填写具体说明。"
    assert cases.get_case(ws, seeded.accepted).status is CaseStatus.MEDIATING
    close.reason_edit.setPlainText("经营者已注销")
    with qtbot.waitSignal(window.action_done, timeout=10_000):
        click(qtbot, close.ok_button)
    detail = cases.get_case(ws, seeded.accepted)
    assert (detail.status, detail.outcome) == (CaseStatus.CLOSED, Outcome.TERMINATED)
    assert detail.termination_ground == TerminationGround.MC_OTHER.value
