"""A closed case's clocks as the mediator sees them (issue 14, item 5): nothing closing
settled shows 已超期; the notice still owed says who has not been told, and 登记送达…
records who was told, how and when; 延长核查期限… records the approval."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from app.core.delivery import DeliveryMethod
from app.core.parties import PartyRole
from app.core.workflow import CaseKind, Outcome, TerminationGround
from app.services import cases
from app.services.dto import PartyInput
from app.ui.case.case_pane import CasePane
from app.ui.case.delivery_dialog import DeliveryDialog
from app.ui.case.extension_dialog import ExtensionDialog
from app.ui.single_dialog import single_dialog
from tests.conftest import FIXED_NOW, complaint_form
from tests.ui.test_case_view import label_text, open_view


def terminated(ws, seeded):
    case_id = seeded.first
    cases.accept(ws, case_id)
    cases.assign(ws, case_id, seeded.colleague)
    cases.start_mediation(ws, case_id)
    cases.close(ws, case_id, Outcome.TERMINATED,
                termination_ground=TerminationGround.MC_ABSENT_OR_REFUSED,
                reason="被投诉人明确拒绝调解")
    return case_id


def button(view: CasePane, name: str) -> QPushButton | None:
    found = view.findChild(QPushButton, name)
    return found if found is not None and found.isVisibleTo(view) else None


def clock_labels(view: CasePane) -> list[str]:
    return [label.text() for label in view.findChildren(QLabel)
            if label.objectName().startswith("clock_") and label.isVisibleTo(view)]


def submit(qtbot, view: CasePane, dialog) -> None:
    with qtbot.waitSignal(view.history_loaded, timeout=10_000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def test_a_notice_owed_is_served_from_the_case_view(qtbot, ws, seeded, runner):
    case_id = terminated(ws, seeded)
    ws.now = lambda: FIXED_NOW + timedelta(days=20)  # past the notice's 7 working days
    view = open_view(qtbot, ws, runner, case_id)
    overdue = [t for t in clock_labels(view) if "已超期" in t]
    assert len(overdue) == 1 and label_text(view, "clock_termination_notice") in overdue
    assert label_text(view, "told_termination_notice_applicant") == "李秀英　尚未送达"
    assert label_text(view, "told_termination_notice_respondent").endswith("尚未送达")

    qtbot.mouseClick(button(view, "recordDelivery"), Qt.MouseButton.LeftButton)
    dialog = view.current_dialog
    assert isinstance(dialog, DeliveryDialog) and dialog.isVisible()
    assert dialog.to_combo.value() is PartyRole.APPLICANT
    assert "应于 2026-03-11（星期三）前告知投诉人、被投诉人" in dialog.notice_note.text()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.error_text("method") == "请选择送达方式。"
    dialog.method_combo.select(DeliveryMethod.SMS)
    dialog.when_edit.set_value(FIXED_NOW + timedelta(days=1))
    submit(qtbot, view, dialog)
    assert single_dialog(dialog) is None  # closed (and deleted) once recorded
    assert "短信送达" in label_text(view, "told_termination_notice_applicant")
    assert any("已超期" in t for t in clock_labels(view))  # the respondent is still owed

    qtbot.mouseClick(button(view, "recordDelivery"), Qt.MouseButton.LeftButton)
    dialog = view.current_dialog
    assert dialog.to_combo.value() is PartyRole.RESPONDENT
    assert dialog.to_combo.itemText(0).endswith("（已送达）")
    dialog.method_combo.select(DeliveryMethod.MAIL)
    dialog.note_edit.setPlainText("挂号信 XA123456789CN")
    submit(qtbot, view, dialog)
    assert "邮寄送达（挂号信 XA123456789CN）" in label_text(
        view, "told_termination_notice_respondent")
    assert not any("已超期" in t for t in clock_labels(view))
    assert "超期完成" in label_text(view, "clock_termination_notice")
    assert button(view, "recordDelivery") is None  # nothing is owed any more
    history = view.history.text()
    assert "登记送达" in history and "送达对象：被投诉人" in history
    assert "送达方式：邮寄" in history and "送达事项：终止调解决定" in history
    assert "create:" not in history and "respondent" not in history


def test_a_refused_delivery_is_said_in_the_dialog(qtbot, ws, seeded, runner):
    case_id = terminated(ws, seeded)
    view = open_view(qtbot, ws, runner, case_id)
    qtbot.mouseClick(button(view, "recordDelivery"), Qt.MouseButton.LeftButton)
    dialog = view.current_dialog
    dialog.method_combo.select(DeliveryMethod.PHONE)
    cases.reopen(ws, case_id, "投诉人补充了新证据")  # meanwhile, at another desk
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.general_error.isVisibleTo(dialog), timeout=10_000)
    assert dialog.isVisible()
    assert "本案没有需要送达的这项告知" in dialog.general_error.text()
    assert cases.get_case(ws, case_id).deliveries == ()


def test_a_closed_case_shows_no_overdue_on_what_closing_settled(qtbot, ws, seeded, runner):
    inquiry, _ = cases.intake_work_order(ws, complaint_form(
        kind=CaseKind.INQUIRY, source_ticket="1310115202603020007"))
    cases.close(ws, inquiry, Outcome.ANSWERED)
    ws.now = lambda: FIXED_NOW + timedelta(days=730)
    view = open_view(qtbot, ws, runner, inquiry)
    assert not any("已超期" in t for t in clock_labels(view))
    assert button(view, "recordDelivery") is None


def test_an_extension_of_the_report_verification_is_recorded(qtbot, ws, seeded, runner):
    report, _ = cases.intake_work_order(ws, complaint_form(
        kind=CaseKind.REPORT, source_ticket="1310115202603020008",
        complainant=PartyInput(role="reporter", party_type="person", name="王举报",
                               phone="13900001111")))
    cases.accept(ws, report)
    view = open_view(qtbot, ws, runner, report)
    before = label_text(view, "clock_report_verification")
    qtbot.mouseClick(button(view, "extendVerification"), Qt.MouseButton.LeftButton)
    dialog = view.current_dialog
    assert isinstance(dialog, ExtensionDialog)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.error_text("approved_by") == "请填写批准人。"
    assert dialog.error_text("reason") == "请填写延长理由。"
    dialog.approver_edit.setText("王建华（所长）")
    dialog.reason_edit.setPlainText("涉案商品需送检")
    submit(qtbot, view, dialog)
    assert label_text(view, "extension").startswith("王建华（所长） 于 2026-03-02 10:00 批准")
    assert label_text(view, "clock_report_verification") != before
    assert button(view, "extendVerification") is None
    history = view.history.text()
    assert "登记延长期限" in history and "批准人：王建华（所长）" in history
    assert "延长理由：涉案商品需送检" in history and "期限：举报核查" in history


def test_the_work_log_lists_a_delivery_and_an_extension(qtbot, ws, seeded, runner):
    case_id = terminated(ws, seeded)
    cases.record_delivery(ws, case_id, notice="termination_notice", to="respondent",
                          method=DeliveryMethod.PLATFORM, delivered_at=FIXED_NOW,
                          note="经12315平台告知")
    view = open_view(qtbot, ws, runner, case_id)
    qtbot.waitUntil(lambda: view.findChild(QLabel, "noteHeader_0") is not None, timeout=10_000)
    assert label_text(view, "noteHeader_0").endswith("送达终止调解决定：被投诉人（平台）")
    assert label_text(view, "noteText_0") == "经12315平台告知"
