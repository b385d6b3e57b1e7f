"""The workstation window as a mediator uses it: lists, counts, the case pane, actions."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from app.core.workflow import Action, CaseStatus, RejectionGround
from app.services import cases
from app.services.dto import CaseDetail
from app.services.queue import QueueView
from app.ui.case.assign_dialog import AssignDialog
from app.ui.case.reject_dialog import RejectDialog
from app.ui.main_window import MainWindow
from app.ui.operations.cases import ActionRequest
from app.ui.queue.queue_model import CASE_ID_ROLE, Column
from tests.conftest import complaint_form
from tests.ui.test_queue_window import open_window


def column_texts(window: MainWindow, column: Column) -> list[str]:
    model = window.model
    return [model.index(r, column).data() for r in range(model.rowCount())]


def select(qtbot, window: MainWindow, case_id) -> CaseDetail:
    """Click the case's row and wait for the pane to show it."""
    row = window.model.row_of(case_id)
    assert row is not None, "the case is not listed"
    rect = window.queue_view.visualRect(window.model.index(row, Column.TICKET))
    if window.queue_view.selected_case_id() != case_id:
        with qtbot.waitSignal(window.case_shown, timeout=10_000,
                              check_params_cb=lambda shown: shown == case_id):
            qtbot.mouseClick(window.queue_view.viewport(), Qt.MouseButton.LeftButton,
                             pos=rect.center())
    qtbot.waitUntil(lambda: not window.loading)
    assert window.case_view.case is not None and window.case_view.case.id == case_id
    return window.case_view.case


def pane_text(window: MainWindow, name: str) -> str:
    label = window.case_view.findChild(QLabel, name)
    assert label is not None, f"no {name} in the case pane"
    return label.text()


def click_action(qtbot, window: MainWindow, action: Action) -> None:
    button = window.case_view.buttons[action]
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    if action in (Action.ACCEPT, Action.START_MEDIATION):
        confirm_action(qtbot, window)


def confirm_action(qtbot, window: MainWindow, *, go: bool = True) -> QMessageBox:
    """Answer the question an action without a dialog asks (受理, 开始调解)."""
    qtbot.waitUntil(lambda: window.casework.current_question is not None
                    and window.casework.current_question.isVisible(), timeout=5000)
    box = window.casework.current_question
    role = QMessageBox.ButtonRole.AcceptRole if go else QMessageBox.ButtonRole.RejectRole
    [button] = [b for b in box.buttons() if box.buttonRole(b) == role]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    return box


def wait_for_action_buttons(qtbot, window: MainWindow, *actions: Action) -> None:
    qtbot.waitUntil(lambda: set(actions) <= set(window.case_view.buttons), timeout=10_000)
    qtbot.waitUntil(lambda: not window.loading, timeout=10_000)


def test_lists_the_cases_newest_first_with_counts(window, seeded):
    assert column_texts(window, Column.TICKET) == [
        "1310115202603020001", "1310115202602280002", "1310115202602270003"]
    assert column_texts(window, Column.STATUS) == ["待受理", "待受理", "已受理"]
    assert column_texts(window, Column.COMPLAINANT) == ["李秀英", "欧阳娜", "赵建国"]
    assert window.sidebar.current_view() is QueueView.ALL  # nothing is the user's yet
    assert window.sidebar.count_shown(QueueView.ALL) == "3"
    assert window.sidebar.count_shown(QueueView.TO_ACCEPT) == "2"
    assert window.sidebar.count_shown(QueueView.MINE) == "0"
    assert window.sidebar.count_shown(QueueView.MEDIATING) == "0"
    assert window.sidebar.count_shown(QueueView.DUE_TODAY) == "0"
    assert "全部：共 3 件" in window.count_label.text()
    assert str(window.ws.store.path) in window.path_label.text()


def test_a_status_view_lists_only_its_cases(qtbot, window, seeded):
    with qtbot.waitSignal(window.queue_loaded, timeout=10_000):
        window.sidebar.select_view(QueueView.TO_ACCEPT)
    assert column_texts(window, Column.STATUS) == ["待受理", "待受理"]
    assert window.view_actions[QueueView.TO_ACCEPT].isChecked()
    assert "待受理：共 2 件" in window.count_label.text()
    with qtbot.waitSignal(window.queue_loaded, timeout=10_000):
        window.view_actions[QueueView.MEDIATING].trigger()  # 视图 menu, Ctrl+7
    assert column_texts(window, Column.TICKET) == []
    assert window.sidebar.current_view() is QueueView.MEDIATING
    assert "调解中：共 0 件" in window.count_label.text()


def test_selecting_a_case_shows_its_summary_with_masked_parties(qtbot, window, seeded):
    case = select(qtbot, window, seeded.first)
    assert pane_text(window, "caseTicket") == "1310115202603020001"
    assert pane_text(window, "caseStatus") == "待受理"
    applicant = pane_text(window, "party_applicant")
    assert "李秀英" in applicant and "138****5678" in applicant
    assert "13800135678" not in applicant
    assert "上海悦动健身管理有限公司" in pane_text(window, "party_respondent")
    labels = [w.text() for w in window.case_view.findChildren(QLabel)]
    assert "3,200.00 元" in labels
    assert any(t.startswith("受理决定") for t in labels)  # the clock's row caption
    assert any("2026-03-10" in t for t in labels)  # 7 working days after 2026-03-01
    # Only what the workflow allows now is offered, and the menu agrees.
    assert set(window.case_view.buttons) == {Action.ACCEPT, Action.REJECT}
    assert case.allowed_actions == (Action.ACCEPT, Action.REJECT)
    assert window.case_actions[Action.ACCEPT].isEnabled()
    assert not window.case_actions[Action.START_MEDIATION].isEnabled()


def test_accept_assign_and_start_mediation(qtbot, window, ws, seeded):
    select(qtbot, window, seeded.first)
    with qtbot.waitSignal(window.action_done, timeout=10_000):
        click_action(qtbot, window, Action.ACCEPT)
    wait_for_action_buttons(qtbot, window, Action.ASSIGN)
    assert cases.get_case(ws, seeded.first).status is CaseStatus.ACCEPTED
    assert Action.ACCEPT not in window.case_view.buttons

    click_action(qtbot, window, Action.ASSIGN)
    qtbot.waitUntil(lambda: isinstance(window.current_dialog, AssignDialog)
                    and window.current_dialog.isVisible(), timeout=10_000)
    dialog = window.current_dialog
    combo = dialog.mediator_combo
    names = [combo.itemText(i) for i in range(combo.count())]
    assert "王芳" in names
    combo.setCurrentIndex(names.index("王芳"))
    with qtbot.waitSignal(window.action_done, timeout=10_000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_dialog is None
                    or not window.current_dialog.isVisible())
    wait_for_action_buttons(qtbot, window, Action.START_MEDIATION)

    with qtbot.waitSignal(window.action_done, timeout=10_000):
        click_action(qtbot, window, Action.START_MEDIATION)
    detail = cases.get_case(ws, seeded.first)
    assert detail.status is CaseStatus.MEDIATING
    assert detail.mediator_id == seeded.colleague
    # The row shows the new status and the sidebar counts follow.
    row = window.model.row_of(seeded.first)
    qtbot.waitUntil(lambda: window.model.index(row, Column.STATUS).data() == "调解中")
    assert window.model.index(row, Column.MEDIATOR).data() == "王芳"
    qtbot.waitUntil(lambda: window.sidebar.count_shown(QueueView.MEDIATING) == "1")
    assert window.sidebar.count_shown(QueueView.TO_ACCEPT) == "1"
    qtbot.waitUntil(lambda: pane_text(window, "caseStatus") == "调解中")


def open_reject_dialog(qtbot, window, case_id) -> RejectDialog:
    select(qtbot, window, case_id)
    click_action(qtbot, window, Action.REJECT)
    dialog = window.current_dialog
    assert isinstance(dialog, RejectDialog) and dialog.isVisible()
    return dialog


def test_reject_on_the_catch_all_ground_needs_a_reason(qtbot, window, ws, seeded):
    before = cases.get_case(ws, seeded.first)
    dialog = open_reject_dialog(qtbot, window, seeded.first)
    combo = dialog.ground_combo
    assert combo.currentIndex() == -1
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.error_text("ground") == "请选择不予受理的依据。"

    assert combo.select(RejectionGround.MC_OTHER)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.error_text("reason") == "所选依据须填写具体说明。"
    assert dialog.isVisible() and not dialog.busy
    after = cases.get_case(ws, seeded.first)
    assert (after.status, after.version) == (CaseStatus.RECEIVED, before.version)


def test_the_service_refusal_of_a_reasonless_reject_is_shown_in_chinese(qtbot, window, ws,
                                                                        seeded):
    before = cases.get_case(ws, seeded.first)
    dialog = open_reject_dialog(qtbot, window, seeded.first)
    # What an out-of-date dialog might send: core still refuses it.
    request = ActionRequest(Action.REJECT, before.id, before.version,
                            rejection_ground=RejectionGround.MC_OTHER, reason="  ")
    with qtbot.waitSignal(window.action_failed, timeout=10_000):
        dialog.submitted.emit(request)
    assert dialog.error_text("reason") == "请填写说明。"
    assert dialog.isVisible()
    after = cases.get_case(ws, seeded.first)
    assert (after.status, after.version) == (CaseStatus.RECEIVED, before.version)


def test_reject_with_a_ground_closes_the_dialog_and_the_case(qtbot, window, ws, seeded):
    dialog = open_reject_dialog(qtbot, window, seeded.second)
    assert dialog.ground_combo.select(RejectionGround.MC_TIME_BARRED)
    assert "第十五条第（四）项" in dialog.citation.text()
    with qtbot.waitSignal(window.action_done, timeout=10_000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    detail = cases.get_case(ws, seeded.second)
    assert detail.status is CaseStatus.REJECTED
    assert detail.rejection_ground == RejectionGround.MC_TIME_BARRED.value
    qtbot.waitUntil(lambda: window.sidebar.count_shown(QueueView.CLOSED) == "1")


def test_a_case_changed_elsewhere_is_refused_with_a_message(qtbot, window, ws, seeded):
    select(qtbot, window, seeded.first)
    cases.accept(ws, seeded.first)  # another window, or a sync, got there first
    with qtbot.waitSignal(window.action_failed, timeout=10_000):
        click_action(qtbot, window, Action.ACCEPT)
    box = window.current_message
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert box.text() == "该案件已被他人修改，请刷新后重试。"
    box.close()
    # The pane reloads the case as it now is.
    qtbot.waitUntil(lambda: pane_text(window, "caseStatus") == "已受理", timeout=10_000)


def test_a_deadline_in_a_year_without_a_calendar_is_marked_provisional(qtbot, ws, runner):
    late = datetime(2026, 12, 28, 2, 0, tzinfo=UTC)
    ws.now = lambda: late
    case_id, _ = cases.intake_work_order(ws, complaint_form(received_at=late))
    w = MainWindow(ws, runner, store_path=ws.store.path, remember=False)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.settled, timeout=10_000):
        w.show()
    badge = w.model.index(w.model.row_of(case_id), Column.DEADLINE).data()
    assert "暂定" in badge
    assert w.case_view.case.id == case_id  # the first row opens by itself
    labels = [label.text() for label in w.case_view.findChildren(QLabel)]
    assert any("2027-" in t and "暂定" in t for t in labels)


def test_geometry_splitter_and_view_are_remembered(qtbot, ws, seeded, runner):
    first = MainWindow(ws, runner, store_path=ws.store.path)
    qtbot.addWidget(first)
    with qtbot.waitSignal(first.settled, timeout=10_000):
        first.show()
    first.resize(700, 500)  # within the offscreen screen, 800 x 600
    first.splitter.setSizes([120, 330, 240])
    sizes = first.splitter.sizes()
    with qtbot.waitSignal(first.queue_loaded, timeout=10_000):
        first.sidebar.select_view(QueueView.TO_ACCEPT)
    first.close()

    second = MainWindow(ws, runner, store_path=ws.store.path)
    qtbot.addWidget(second)
    with qtbot.waitSignal(second.settled, timeout=10_000):
        second.show()
    assert second.sidebar.current_view() is QueueView.TO_ACCEPT
    assert (second.width(), second.height()) == (700, 500)
    assert second.splitter.sizes() == sizes
    assert column_texts(second, Column.STATUS) == ["待受理", "待受理"]
    assert isinstance(second.splitter.saveState(), QByteArray)


def test_rows_carry_the_case_id(window, seeded):
    ids = [window.model.index(r, 0).data(CASE_ID_ROLE) for r in range(window.model.rowCount())]
    assert ids == [seeded.first, seeded.second, seeded.accepted]


def test_about_names_the_data_and_log_folders_and_settings_opens_the_holiday_calendar(
        qtbot, window, monkeypatch):
    from PySide6.QtWidgets import QLabel

    from app.services import logs
    from app.ui.about_dialog import AboutDialog

    shown: list[AboutDialog] = []
    monkeypatch.setattr(AboutDialog, "exec", lambda d: shown.append(d) or 0)
    window._about()
    [about] = shown
    text = {label.objectName(): label.text() for label in about.findChildren(QLabel)}
    assert text["aboutDataDir"] == str(window.store_path.parent)
    assert text["aboutLogDir"] == str(logs.log_dir())
    assert text["aboutDatabase"] == "单机使用（本机数据文件）"
    assert text["aboutVersion"]

    settings_menu = [a.menu() for a in window.menuBar().actions() if a.text() == "设置(&T)"][0]
    holiday = [a for a in settings_menu.actions() if a.text() == "节假日安排(&H)…"][0]
    holiday.trigger()
    assert window.holiday_dialog is not None and window.holiday_dialog.isVisible()
    first = window.holiday_dialog
    holiday.trigger()
    assert window.holiday_dialog is first  # one at a time
    first.close()


def test_an_empty_store_says_how_to_start_and_the_guide_goes_once_there_are_cases(
        qtbot, ws, runner, monkeypatch):
    """Issue 16, item 9: not a blank table — 新建工单, 导入工单 and the demo data."""
    w = open_window(qtbot, ws, runner)
    guide = w.queue_view.empty_state
    qtbot.waitUntil(guide.isVisible, timeout=10_000)
    assert guide.heading.text() == "还没有工单"
    assert "新建工单" in guide.text.text() and "打开演示数据" in guide.text.text()
    assert guide.geometry().contains(w.queue_view.viewport().rect().center())
    opened = []
    monkeypatch.setattr(w, "show_import_wizard", lambda: opened.append("import"))
    qtbot.mouseClick(guide.import_button, Qt.MouseButton.LeftButton)
    assert opened == ["import"]
    started = []
    monkeypatch.setattr("app.ui.main_window.QProcess.startDetached",
                        lambda program, args: started.append((program, args)) or (True, 1))
    qtbot.mouseClick(guide.demo_button, Qt.MouseButton.LeftButton)
    [(program, args)] = started
    folder = Path(args[args.index("--data-dir") + 1])
    assert "--demo" in args and folder != ws.store.path.parent
    assert ws.store.path.parent not in folder.parents  # never inside the office's store
    assert "演示数据" in w.statusBar().currentMessage()
    qtbot.mouseClick(guide.new_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.casework.intake_dialog is not None
                    and w.casework.intake_dialog.isVisible(), timeout=5000)
    w.casework.intake_dialog.close_without_asking()
    cases.intake_work_order(ws, complaint_form())
    w.refresh()
    qtbot.waitUntil(lambda: w.model.rowCount() == 1, timeout=10_000)
    assert not guide.isVisible()


def test_the_case_on_the_right_goes_when_a_filter_leaves_it_out_but_stays_after_an_action(
        qtbot, window, ws, seeded):
    """Issue 16, item 9: the pane never shows a case the list the user chose leaves out."""
    case = select(qtbot, window, seeded.first)
    assert window.casework.shown_case_id == seeded.first
    with qtbot.waitSignal(window.queue_loaded, timeout=10_000):
        window.filter_bar.search("没有这样的案件词语")
    qtbot.waitUntil(lambda: window.casework.shown_case_id is None, timeout=10_000)
    assert window.model.rowCount() == 0
    assert window.case_view.case is None
    with qtbot.waitSignal(window.queue_loaded, timeout=10_000):
        window.filter_bar.search("")
    assert window.model.rowCount() > 0
    # Accepting a case in 待受理 takes it out of that list: it stays on the right.
    with qtbot.waitSignal(window.queue_loaded, timeout=10_000):
        window.sidebar.select_view(QueueView.TO_ACCEPT)
    select(qtbot, window, seeded.first)
    with qtbot.waitSignal(window.action_done, timeout=10_000):
        click_action(qtbot, window, Action.ACCEPT)
    wait_for_action_buttons(qtbot, window, Action.ASSIGN)
    with qtbot.waitSignal(window.queue_loaded, timeout=10_000):
        window.refresh()  # F5: the list without it
    assert window.model.row_of(seeded.first) is None
    assert window.casework.shown_case_id == seeded.first
    assert window.case_view.case is not None and case.id == seeded.first


def test_every_case_tab_is_in_sight_at_1366_by_768(qtbot, window, seeded):
    """Issue 16, item 5: nine tabs no longer hide behind arrows; they wrap onto a second
    row, and the buttons follow the page shown."""
    from PySide6.QtCore import QRect

    window.resize(1366, 768)
    select(qtbot, window, seeded.first)
    rows = window.case_view.tab_rows
    qtbot.waitUntil(lambda: rows.isVisible() and rows.width() > 0, timeout=5000)
    assert not window.case_view.tabs.tabBar().isVisible()
    area = QRect(0, 0, rows.width(), rows.height())
    texts = [b.text() for b in rows.buttons]
    assert texts == ["概况", "当事人", "调解记录", "工作记录", "证据", "时间线", "文书", "回访", "历史"]
    for button in rows.buttons:
        assert button.isVisible() and area.contains(button.geometry()), button.text()
    qtbot.mouseClick(rows.buttons[8], Qt.MouseButton.LeftButton)
    assert window.case_view.tabs.currentIndex() == 8
    window.case_view.tabs.setCurrentIndex(2)
    assert rows.buttons[2].isChecked() and not rows.buttons[8].isChecked()


def test_accepting_asks_first_and_cancel_leaves_the_case_as_it_was(qtbot, window, ws, seeded):
    """Issue 16, item 8: 受理 starts the clock and cannot be undone: it is asked first."""
    case = select(qtbot, window, seeded.first)
    qtbot.mouseClick(window.case_view.buttons[Action.ACCEPT], Qt.MouseButton.LeftButton)
    box = confirm_action(qtbot, window, go=False)
    assert f"受理工单 {case.source_ticket}？" in box.text()
    assert "受理后开始计算调解期限" in box.text() and "不能撤销" in box.text()
    qtbot.wait(100)
    assert cases.get_case(ws, seeded.first).status is CaseStatus.RECEIVED
    with qtbot.waitSignal(window.action_done, timeout=10_000):
        click_action(qtbot, window, Action.ACCEPT)
    assert cases.get_case(ws, seeded.first).status is CaseStatus.ACCEPTED
