"""The workstation's sync UI against a real central database (an SQLite file): the
first-run choice, connecting and the first sync, the password in the keyring only,
the status bar, and settling a conflict in the conflicts window."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from app.services import cases
from app.services import sync as sync_service
from app.services.central_link import CentralLink
from app.services.sync import Mode
from app.store.database import open_store
from app.store.models import Case
from app.sync.central import CentralConfig
from app.ui import app as gui
from app.ui.main_window import MainWindow
from app.ui.security.store_key_dialogs import RecoveryCodeDialog
from app.ui.sync.connect_dialog import FirstRunDialog
from app.ui.sync.sync_controller import SyncController
from tests.conftest import complaint_form
from tests.support.documents import ready_agreement
from tests.support.memory_keyring import use_memory_keyring, use_no_keyring
from tests.sync.conftest import Central, Desk, build_central, desk_maker


@pytest.fixture
def central(tmp_path) -> Central:
    url = f"sqlite:///{tmp_path / 'central' / 'central.sqlite'}"
    build_central(url)
    return Central("sqlite", url)


@pytest.fixture
def make_desk(central, tmp_path):
    yield from desk_maker(central, tmp_path)


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "data")
    yield s
    s.close()


def fill_form(dialog: FirstRunDialog, url: str, login: str) -> None:
    form = dialog.connect_page.form
    form.use_url.setChecked(True)
    form.url.setText(url)
    form.login.setText(login)


def test_first_run_standalone_choice_is_kept(qtbot, store, runner):
    assert sync_service.sync_settings(store) is None
    dialog = FirstRunDialog(store, runner, keyring_ok=True)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.standalone_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 2, timeout=10_000)
    fill_profile(dialog)
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        qtbot.mouseClick(dialog.finish_button, Qt.MouseButton.LeftButton)
    assert dialog.choice is Mode.STANDALONE
    assert sync_service.sync_settings(store).mode is Mode.STANDALONE


def fill_profile(dialog: FirstRunDialog) -> None:
    from app.services.office_profile import ProfileField as F

    form = dialog.profile_form
    form.peoples.setChecked(True)
    for field, text in ((F.MEDIATOR_NAME, "张敏"), (F.MEDIATOR_PHONE, "13812345678"),
                        (F.ORG_NAME, "张江镇人民调解委员会"), (F.NUMBER_PREFIX, "张江调"),
                        (F.ADDRESS, "上海市浦东新区张江路100号")):
        form.edits[field].setText(text)


def test_run_gui_asks_once_and_not_for_screenshots(qapp, tmp_path, monkeypatch):
    asked = []
    monkeypatch.setattr(FirstRunDialog, "exec", lambda self: asked.append(self) or 0)
    assert gui.run_gui(tmp_path / "new", screenshot=tmp_path / "shot.png") == 0
    assert asked == []  # a screenshot works standalone, without asking
    s = open_store(tmp_path / "new")
    assert sync_service.sync_settings(s).mode is Mode.STANDALONE
    s.close()
    shown = []
    monkeypatch.setattr(RecoveryCodeDialog, "exec", lambda self: shown.append(self.code) or 1)
    with use_memory_keyring():
        assert gui.run_gui(tmp_path / "other") == 0  # the dialog was closed: quit
    assert len(asked) == 1
    assert len(shown) == 1  # a new real store is encrypted; its recovery code shown once


def test_connecting_links_syncs_and_opens_as_the_user(qtbot, store, runner, central,
                                                      make_desk, tmp_path):
    colleague = make_desk("mdt_wangfang")
    case_id, _ = cases.intake_work_order(colleague.ws, complaint_form())
    colleague.sync()
    with use_memory_keyring() as ring:
        dialog = FirstRunDialog(store, runner)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.mouseClick(dialog.central_button, Qt.MouseButton.LeftButton)
        assert dialog.pages.currentIndex() == 1
        fill_form(dialog, central.admin_url, "mdt_zhangmin")
        with qtbot.waitSignal(dialog.accepted, timeout=30_000):
            qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
        assert ring.passwords == {}  # an SQLite central database has no password
    assert dialog.choice is Mode.CENTRAL
    ws = dialog.workstation
    assert (ws.actor.login, ws.actor.name) == ("mdt_zhangmin", "张敏")
    link = dialog.link
    window = MainWindow(ws, runner, store_path=store.path, remember=False,
                        sync=SyncController(link, runner))
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.queue_loaded, timeout=10_000):
        window.show()
    ids = {window.model.case_id(n) for n in range(window.model.rowCount())}
    assert case_id in ids  # the case another desk pushed
    assert "张敏" in window.user_label.text()
    qtbot.waitUntil(lambda: window.sync_status.online_label.text() == "● 在线",
                    timeout=20_000)
    window.close()
    link.close()


def test_a_wrong_login_is_explained_in_chinese(qtbot, store, runner, central):
    dialog = FirstRunDialog(store, runner, keyring_ok=True)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.pages.setCurrentIndex(1)
    fill_form(dialog, central.admin_url, "nobody")
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    label = dialog.connect_page.error_label
    qtbot.waitUntil(label.isVisible, timeout=10_000)
    assert "没有这个登录名" in label.text()
    assert dialog.connect_button.isEnabled()
    assert sync_service.sync_settings(store) is None


def test_a_store_with_cases_is_not_linked_and_says_why(qtbot, ws, runner, central):
    cases.intake_work_order(ws, complaint_form())
    window = MainWindow(ws, runner, store_path=ws.store.path, remember=False)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.settled, timeout=10_000):
        window.show()
    dialog = window.show_connection()
    form = dialog.form
    form.use_url.setChecked(True)
    form.url.setText(central.admin_url)
    form.login.setText("mdt_zhangmin")
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    label = dialog.page.error_label
    qtbot.waitUntil(label.isVisible, timeout=10_000)
    assert "已经录入了案件" in label.text()
    assert sync_service.sync_settings(ws.store).mode is Mode.STANDALONE


def test_the_password_goes_to_the_keyring_not_the_data_folder(qtbot, store, runner,
                                                              monkeypatch):
    """A PostgreSQL login: the password is saved in the keyring; no file in the data
    folder holds it (the connection itself is faked: no server needed)."""
    from app.services import central_link as sync_ops

    secret = "Zq-密码-8841-unique"
    seen = {}

    def fake_connect(config, password):
        seen["password"] = password
        return FakeEngine()

    class FakeEngine:
        def dispose(self):
            pass

    monkeypatch.setattr(sync_ops.sync_service, "connect", fake_connect)
    monkeypatch.setattr(sync_ops.sync_service, "link_central",
                        lambda store, config, engine, login=None: _link(store, config, login))
    with use_memory_keyring() as ring:
        dialog = FirstRunDialog(store, runner)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.pages.setCurrentIndex(1)
        form = dialog.connect_page.form
        assert form.remember.isVisible() and not form.keyring_note.isVisible()
        form.host.setText("db.pudong.example")
        form.login.setText("zhangmin")
        form.password.setText(secret)
        form.sslmode.setCurrentIndex(form.sslmode.findData("verify-full"))
        assert form.password.echoMode() == form.password.EchoMode.Password
        qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
        # The first sync fails (no real server): the link and the password are kept.
        qtbot.waitUntil(lambda: "mediation-desk" in {k[0] for k in ring.passwords},
                        timeout=10_000)
        assert ring.passwords == {
            ("mediation-desk", "zhangmin@db.pudong.example:5432/mediation"): secret}
        qtbot.waitUntil(lambda: not dialog.connect_page.busy, timeout=10_000)
    assert seen["password"] == secret
    settings = sync_service.sync_settings(store)
    assert settings.config.sslmode == "verify-full"
    assert "zhangmin@db.pudong.example" in settings.config.url
    store.engine.dispose()
    for path in Path(store.path).parent.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert secret.encode("utf-8") not in data, path
            assert secret.encode("utf-16-le") not in data, path


def _link(store, config, login):
    with store.unit_of_work() as session:
        for key, value in ((sync_service.MODE_KEY, "central"),
                           (sync_service.URL_KEY, config.url),
                           (sync_service.SSLMODE_KEY, config.sslmode),
                           (sync_service.LOGIN_KEY, login)):
            sync_service._set_meta(session, key, value)
    return None


def test_without_a_keyring_the_form_says_the_password_is_asked_each_time(qtbot, store,
                                                                         runner):
    with use_no_keyring():
        dialog = FirstRunDialog(store, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.pages.setCurrentIndex(1)
    form = dialog.connect_page.form
    assert not form.remember.isVisible()
    assert form.keyring_note.isVisible()
    assert "本机没有可用的系统密码库" in form.keyring_note.text()
    assert "重新输入密码" in form.keyring_note.text()


def linked_window(qtbot, runner, desk: Desk, **controller_args) -> MainWindow:
    link = CentralLink(desk.store, desk.config)
    controller = SyncController(link, runner, **controller_args)
    window = MainWindow(desk.ws, runner, store_path=desk.store.path, remember=False,
                        sync=controller)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.settled, timeout=10_000):
        window.show()
    window._test_link = link
    return window


def test_the_status_bar_shows_pending_changes_and_offline(qtbot, runner, make_desk,
                                                          tmp_path):
    desk = make_desk()
    cases.intake_work_order(desk.ws, complaint_form())
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the central folder should be")
    desk.config = CentralConfig(f"sqlite:///{blocker / 'central.sqlite'}")
    window = linked_window(qtbot, runner, desk)
    status = window.sync_status
    qtbot.waitUntil(lambda: status.online_label.text() == "● 离线", timeout=20_000)
    assert "连不上中心数据库" in status.online_label.toolTip()
    assert window.current_message is None  # offline is a state, not a popup
    qtbot.waitUntil(lambda: status.pending_label.text().startswith("待发送 "), timeout=10_000)
    assert int(status.pending_label.text().split()[-1]) >= 3
    assert window.sync.retry_timer.isActive()
    window.close()
    window._test_link.close()


def test_sync_now_sends_the_changes_and_pulls_those_of_others(qtbot, runner, make_desk):
    desk, other = make_desk(), make_desk("mdt_wangfang")
    window = linked_window(qtbot, runner, desk)
    qtbot.waitUntil(lambda: window.sync.online is True and not window.sync.busy,
                    timeout=20_000)
    case_id, _ = cases.intake_work_order(other.ws, complaint_form())
    other.sync()
    with qtbot.waitSignal(window.queue_loaded, timeout=20_000):
        window.sync_now_action.trigger()
        window.sync_now_action.trigger()  # single flight: no second sync at once
    ids = {window.model.case_id(n) for n in range(window.model.rowCount())}
    assert case_id in ids
    status = window.sync_status
    qtbot.waitUntil(lambda: status.pending_label.text() == "待发送 0", timeout=10_000)
    assert status.last_label.text().startswith("上次同步 ")
    window.close()
    window._test_link.close()


def make_conflict(make_desk):
    a, b = make_desk("mdt_zhangmin"), make_desk("mdt_wangfang")
    case_id, _ = cases.intake_work_order(a.ws, complaint_form())
    a.sync(), b.sync()
    cases.update_case(a.ws, case_id, {"title": "甲的标题"})
    cases.update_case(b.ws, case_id, {"title": "乙的标题"})
    a.sync()
    assert b.sync().conflicts == 1
    return a, b, case_id


def open_conflicts(qtbot, runner, desk):
    """The conflicts window of a desk, loaded and shown: (the dialog, its page)."""
    from app.ui.sync.conflicts_view import ConflictsDialog

    dialog = ConflictsDialog(desk.ws, runner)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.reload()
    dialog.show()
    return dialog, dialog.conflicts_page


def test_a_conflict_is_settled_in_the_conflicts_window(qtbot, runner, make_desk):
    a, b, case_id = make_conflict(make_desk)
    window = linked_window(qtbot, runner, b)
    status = window.sync_status
    qtbot.waitUntil(lambda: status.conflicts_button.isVisible(), timeout=20_000)
    assert status.conflicts_button.text() == "冲突 1"
    qtbot.mouseClick(status.conflicts_button, Qt.MouseButton.LeftButton)
    dialog = window.conflicts_dialog
    page = dialog.conflicts_page
    qtbot.waitUntil(lambda: page.list.count() == 1, timeout=10_000)
    assert "标题" in page.list.item(0).text()
    assert page.central_box.value.toPlainText() == "甲的标题"
    assert page.submitted_box.value.toPlainText() == "乙的标题"
    assert page.submitted_box.heading.text().startswith("本机提交的值")
    assert page.base_box.value.toPlainText()  # the value both started from
    assert page.take_button.text() == "采用提交的值"
    assert page.keep_button.text() == "保留中心的值"
    with qtbot.waitSignal(dialog.runner.events.changed, timeout=10_000):
        qtbot.mouseClick(page.take_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.list.count() == 0, timeout=10_000)
    assert sync_service.list_conflicts(b.ws) == []
    with b.store.sessions() as s:
        assert s.get(Case, case_id).title == "乙的标题"
    window.close()
    window._test_link.close()


def test_an_edit_of_a_deleted_case_shows_what_the_centre_changed_before(qtbot, runner,
                                                                         make_desk):
    a, b = make_desk("mdt_zhangmin"), make_desk("mdt_wangfang")
    case_id, _ = cases.intake_work_order(a.ws, complaint_form())
    a.sync(), b.sync()
    cases.update_case(a.ws, case_id, {"title": "甲的标题"})
    a.sync()
    cases.update_case(b.ws, case_id, {"title": "乙的标题"})
    with a.store.unit_of_work() as s:
        case = s.get(Case, case_id)
        case.deleted, case.version = True, case.version + 1
    a.sync(), b.sync()
    dialog, page = open_conflicts(qtbot, runner, b)
    central = page.central_box.value.toPlainText()
    assert "（已删除）" in central and "标题：甲的标题" in central
    assert "删除之前，中心也修改过同样的内容" in page.explain_label.text()
    assert "乙的标题" in page.submitted_box.value.toPlainText()
    assert page.take_button.text() == "恢复案件并采用修改"


def test_a_duplicate_ticket_offers_merge_or_keep_both(qtbot, runner, make_desk):
    a, b = make_desk("mdt_zhangmin"), make_desk("mdt_wangfang")
    cases.intake_work_order(a.ws, complaint_form())
    cases.intake_work_order(b.ws, complaint_form())
    a.sync(), b.sync(), a.sync()
    dialog, page = open_conflicts(qtbot, runner, a)
    assert page.kind_label.text() == "同一工单被重复录入"
    assert (page.take_button.text(), page.keep_button.text()) == ("合并为一件", "确为两件")
    # Each side says enough to tell whether they are one case: who, against whom, when.
    for box in (page.central_box, page.submitted_box):
        shown = box.value.toPlainText()
        assert "投诉人：李秀英" in shown and "被投诉方：上海悦动健身管理有限公司" in shown
        assert "收到时间" in shown and "录入人：mdt_" in shown
    import os

    if os.environ.get("MD_SHOTS"):
        dialog.grab().save(os.environ["MD_SHOTS"] + "/duplicate.png")


def test_the_password_is_asked_once_per_session(qtbot, runner, store):
    config = CentralConfig("postgresql://zhangmin@db.example:5432/mediation")
    link = CentralLink(store, config)
    asked = []
    controller = SyncController(link, runner)
    controller.password_needed.connect(asked.append)
    with use_no_keyring():
        controller.sync_now()
        qtbot.waitUntil(lambda: not controller.busy, timeout=10_000)
        controller.sync_now()
        qtbot.waitUntil(lambda: not controller.busy, timeout=10_000)
    assert asked == [False]
    assert controller.waiting_for_password
    controller.sync_now(asked=True)  # F9: the user asks, so ask again
    assert asked == [False, False]
    controller.stop()


def test_an_unexpected_failure_is_shown_once_and_retried(qtbot, runner, store, monkeypatch):
    from app.ui.sync import sync_controller as module

    def broken(args, state):
        raise RuntimeError("bug")

    monkeypatch.setattr(module, "run_sync", broken)
    controller = SyncController(CentralLink(store, CentralConfig("sqlite:////x.sqlite")),
                                runner)
    reported = []
    controller.error_reported.connect(reported.append)
    for _ in range(3):
        controller.sync_now()
        qtbot.waitUntil(lambda: not controller.busy, timeout=10_000)
    assert len(reported) == 1
    assert controller.backoff.failures == 3
    assert controller.retry_timer.isActive()
    controller.stop()


@pytest.fixture(autouse=True)
def close_stray_dialogs():
    yield
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible():
            widget.reject()



def test_an_edit_too_late_for_a_final_document_is_shown_and_redone_as_a_new_version(
        qtbot, runner, make_desk):
    from app.services import documents

    a, b = make_desk("mdt_zhangmin"), make_desk("mdt_wangfang")
    case_id, _ = cases.intake_work_order(a.ws, complaint_form())
    doc_id = ready_agreement(a.ws, case_id)
    a.sync(), b.sync()
    documents.finalize(a.ws, doc_id)
    documents.update_draft(b.ws, doc_id, {"performance": "乙离线改成了现金支付。"})
    a.sync(), b.sync()
    dialog, page = open_conflicts(qtbot, runner, b)
    assert page.kind_label.text() == "文书已定稿，此修改未进入定稿文书"
    assert "乙离线改成了现金支付" in page.submitted_box.value.toPlainText()
    assert "银行转账" in page.central_box.value.toPlainText()
    assert (page.take_button.text(), page.keep_button.text()) == \
        ("以这次修改新建版本", "放弃这次修改")
    import os

    if os.environ.get("MD_SHOTS"):
        dialog.grab().save(os.environ["MD_SHOTS"] + "/final_document.png")
    with qtbot.waitSignal(dialog.runner.events.changed, timeout=10_000):
        qtbot.mouseClick(page.take_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.list.count() == 0, timeout=10_000)
    listed = documents.list_documents(b.ws, case_id)
    assert sorted((d.version_no, d.state.value) for d in listed) == [(1, "final"), (2, "draft")]
    assert documents.get_document(b.ws, doc_id).fields["performance"] == "银行转账。"


def test_the_administrators_connection_text_fills_the_form(qtbot, store, runner, tmp_path):
    dialog = FirstRunDialog(store, runner, keyring_ok=True)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.central_button, Qt.MouseButton.LeftButton)
    form = dialog.connect_page.form
    form.pasted.setPlainText("随便写的话")
    assert not form.fill_from_pasted() and form.pasted_problem.isVisible()
    form.pasted.setPlainText("服务器：db.pudong.gov.cn\n端口：6432\n数据库：mediation\n"
                             "登录名：mdt_zhangmin\n初始密码：Tmp-2026-xyz\n加密方式：verify-full")
    qtbot.mouseClick(form.fill_button, Qt.MouseButton.LeftButton)
    assert (form.host.text(), form.port.value(), form.database.text(), form.login.text()) == (
        "db.pudong.gov.cn", 6432, "mediation", "mdt_zhangmin")
    assert form.password.text() == "Tmp-2026-xyz" and form.pasted.toPlainText() == ""
    assert form.sslmode.currentData() == "verify-full" and not form.pasted_problem.isVisible()
    value = form.value()
    assert value.password == "Tmp-2026-xyz" and "Tmp-2026-xyz" not in value.config.url
    dialog.grab().save(str(tmp_path / "connect.png"))


def test_a_calendar_loaded_centrally_moves_the_queue_and_nothing_is_sent_back(
        qtbot, runner, make_desk, central):
    """The central administrator loads next year's notice; at the window's next sync the
    case due on a new day off moves, the window says why, and the recompute it runs
    after the pull has nothing to send (the central database sent the new deadlines)."""
    from datetime import UTC, date, datetime

    from app.services import central_reference
    from tests.services.test_calendar_admin import NOTICE_2027

    desk = make_desk()
    desk.ws.now = lambda: datetime(2026, 12, 24, 2, 0, tzinfo=UTC)
    case_id, _ = cases.intake_work_order(desk.ws, complaint_form(
        received_at=datetime(2026, 12, 23, 2, 0, tzinfo=UTC)))
    desk.sync()
    window = linked_window(qtbot, runner, desk)
    qtbot.waitUntil(lambda: window.sync.online is True and not window.sync.busy,
                    timeout=20_000)
    central_reference.import_calendar(central.admin(), central_reference.read_notice(
        NOTICE_2027), actor="王科长")
    with qtbot.waitSignal(window.sync_wiring.note, timeout=20_000,
                          check_params_cb=lambda text, _ms: "节假日" in text) as told:
        window.sync_now_action.trigger()
    assert told.args[0] == "中心数据库更新了节假日安排或办理时限，在办案件的期限已随之更新"
    with desk.store.sessions() as s:
        assert s.get(Case, case_id).next_deadline_on == date(2027, 1, 4)
    assert desk.client.pending_count() == 0
    assert window.sync_status.pending_label.text() == "待发送 0"
    window.close()
    window._test_link.close()
