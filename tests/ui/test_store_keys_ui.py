"""The encrypted store as the mediator meets it: the recovery code shown once, the
passphrase asked at start, the choice to encrypt an old plain store, the demo store."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QInputDialog, QMessageBox

from app.services import cases, store_keys
from app.services.reference import open_workstation
from app.store.database import STORE_FILENAME, is_encrypted_store, open_store
from app.ui import app as gui
from app.ui.security import store_opener
from app.ui.security.store_key_dialogs import (
    EncryptChoiceDialog,
    NewPassphraseDialog,
    RecoveryCodeDialog,
    UnlockDialog,
)
from app.ui.tasks import TaskRunner
from tests.conftest import complaint_form
from tests.support.memory_keyring import use_memory_keyring, use_no_keyring

PASSPHRASE = "调解员的启动密码"


def folder_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def runner(qapp):
    r = TaskRunner()
    yield r
    r.shutdown()
    r.deleteLater()


class Script:
    """(Keep a reference while the dialogs run.) Answers the modal dialogs that appear, in order: each step is (dialog type,
    action); the action returns True when the step is done (False: look again soon)."""

    def __init__(self, steps: list[tuple[type, Callable[[QDialog], bool]]]) -> None:
        self.steps = list(steps)
        self.seen: list[QDialog] = []
        self.errors: list[BaseException] = []
        QTimer.singleShot(0, self._tick)

    def _tick(self) -> None:
        if not self.steps:
            return
        kind, action = self.steps[0]
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind):
            if dialog not in self.seen:
                self.seen.append(dialog)
            try:
                done = action(dialog)
            except BaseException as exc:  # kept for the test to raise
                self.errors.append(exc)
                self.steps.clear()
                dialog.done(0)
                return
            if done:
                self.steps.pop(0)
        QTimer.singleShot(20, self._tick)


def confirm_code(codes: list[str]) -> Callable[[QDialog], bool]:
    def act(dialog: RecoveryCodeDialog) -> bool:
        codes.append(dialog.code_label.text())
        dialog.confirm.setChecked(True)
        dialog.done_button.click()
        return True
    return act


def test_the_recovery_code_dialog_closes_only_once_the_code_is_kept(qtbot):
    dialog = RecoveryCodeDialog("ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345", in_keyring=True,
                                data_dir=Path("/data"))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.code_label.text() == "ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345"
    assert not dialog.done_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()  # not without saying the code is kept
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345"
    assert "ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345" in dialog.document().toPlainText()
    dialog.confirm.setChecked(True)
    assert dialog.done_button.isEnabled()
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        qtbot.mouseClick(dialog.done_button, Qt.MouseButton.LeftButton)


def test_a_new_folder_gets_an_encrypted_store_and_the_code_once(qapp, tmp_path, monkeypatch):
    folder = tmp_path / "data"
    codes: list[str] = []
    monkeypatch.setattr(gui, "take_screenshot", lambda window, path: 0)
    with use_memory_keyring() as ring:
        runner = TaskRunner()
        script = Script([(RecoveryCodeDialog, confirm_code(codes))])
        opened = store_opener.open_for_gui(folder, runner, interactive=True, demo=False)
        assert script.errors == []
        assert opened is not None and opened.store.encrypted and not opened.demo
        opened.store.close()
        assert len(codes) == 1 and is_encrypted_store(folder)
        assert len(ring.passwords) == 1 and codes[0] not in str(ring.passwords)
        # The next start asks nothing (the keyring has the key), never shows the code again.
        assert gui.run_gui(folder, screenshot=tmp_path / "shot.png") == 0
        opened = store_opener.open_for_gui(folder, runner, interactive=True, demo=False)
        opened.store.close()
        assert len(codes) == 1
        runner.shutdown()
        # The code shown is the one that unlocks the store on another computer.
        ring.passwords.clear()
        assert store_keys.unlock_with_recovery_code(folder, codes[0]) is not None
    assert codes[0] not in (folder / "store-key.json").read_text()


def test_without_a_keyring_a_wrong_passphrase_is_refused_then_the_right_one_opens(
        qapp, tmp_path, runner):
    folder = tmp_path / "data"
    with use_no_keyring():
        store, _ = store_keys.create_encrypted_store(folder, passphrase=PASSPHRASE)
        cases.intake_work_order(open_workstation(store, login="zhangmin"), complaint_form())
        store.close()
        before = folder_digest(folder)
        problems: list[str] = []

        def wrong(dialog: UnlockDialog) -> bool:
            dialog.secret.setText("不对的密码12345")
            dialog.ok_button.click()
            return True

        def after_wrong(dialog: UnlockDialog) -> bool:
            if not dialog.error_label.isVisible():
                return False
            problems.append(dialog.error_label.text())
            assert dialog.isVisible()
            assert folder_digest(folder) == before
            dialog.secret.setText(PASSPHRASE)
            dialog.ok_button.click()
            return True

        script = Script([(UnlockDialog, wrong), (UnlockDialog, after_wrong)])
        opened = store_opener.open_for_gui(folder, runner, interactive=True, demo=False)
        assert script.errors == []
        assert opened is not None and opened.store.encrypted
        with opened.store.engine.connect() as con:
            assert con.exec_driver_sql("SELECT count(*) FROM cases").scalar() == 1
        opened.store.close()
        assert len(script.seen) == 1
        assert problems == ["启动密码不正确，请重试。数据未做任何修改。"]
        # A screenshot never waits for a passphrase: it is refused at once, nothing changed.
        before = folder_digest(folder)
        assert gui.run_gui(folder, screenshot=tmp_path / "shot.png") == 2
        assert folder_digest(folder) == before


def test_the_recovery_code_unlocks_when_the_passphrase_is_forgotten(qapp, tmp_path, runner):
    folder = tmp_path / "data"
    with use_no_keyring():
        store, new = store_keys.create_encrypted_store(folder, passphrase=PASSPHRASE)
        store.close()

        def use_code(dialog: UnlockDialog) -> bool:
            dialog.switch_button.click()
            assert dialog.recovery
            dialog.secret.setText(new.recovery_code.lower())
            dialog.ok_button.click()
            return True

        def new_passphrase(dialog: NewPassphraseDialog) -> bool:
            dialog.passphrase.setText("新的启动密码ABC")
            dialog.again.setText("新的启动密码ABC")
            dialog._accept()
            return True

        script = Script([(UnlockDialog, use_code), (NewPassphraseDialog, new_passphrase)])
        opened = store_opener.open_for_gui(folder, runner, interactive=True, demo=False)
        assert script.errors == []
        assert opened is not None
        opened.store.close()
        assert store_keys.unlock_with_passphrase(folder, "新的启动密码ABC") == new.key
        assert store_keys.unlock_with_passphrase(folder, PASSPHRASE) is None


@pytest.mark.parametrize("choice", ["encrypt", "later"])
def test_an_old_plain_store_is_offered_encryption(qapp, tmp_path, runner, choice):
    folder = tmp_path / "data"
    store = open_store(folder)
    cases.intake_work_order(open_workstation(store, login="zhangmin"), complaint_form())
    store.close()
    codes: list[str] = []

    def choose(dialog: EncryptChoiceDialog) -> bool:
        (dialog.encrypt_button if choice == "encrypt" else dialog.later_button).click()
        return True

    steps = [(EncryptChoiceDialog, choose)]
    if choice == "encrypt":
        steps.append((RecoveryCodeDialog, confirm_code(codes)))
    with use_memory_keyring():
        script = Script(steps)
        opened = store_opener.open_for_gui(folder, runner, interactive=True, demo=False)
        assert script.errors == [] and not script.steps
        assert opened is not None
        assert opened.store.encrypted is (choice == "encrypt")
        with opened.store.engine.connect() as con:
            assert con.exec_driver_sql("SELECT count(*) FROM cases").scalar() == 1
        opened.store.close()
    assert is_encrypted_store(folder) is (choice == "encrypt")
    assert len(codes) == (1 if choice == "encrypt" else 0)
    data = (folder / STORE_FILENAME).read_bytes()
    assert ("李秀英".encode() in data) is (choice == "later")


def test_the_demo_store_stays_plain_and_the_title_says_so(qapp, tmp_path, monkeypatch):
    pytest.importorskip("app.demo.generator")
    folder = tmp_path / "demo"
    titles: list[str] = []

    def shot(window, path) -> int:
        titles.append(window.windowTitle())
        return 0

    monkeypatch.setattr(gui, "take_screenshot", shot)
    with use_no_keyring():  # a fresh headless machine: no keyring, nobody typing
        assert gui.run_gui(folder, demo_cases=20, screenshot=tmp_path / "w.png") == 0
        # Opened again as scripts/demo does (with --demo, a person at the screen): no
        # question is asked of a demo store.
        assert gui.run_gui(folder, screenshot=tmp_path / "w.png") == 0
    assert not is_encrypted_store(folder)
    assert all("演示数据" in t for t in titles) and len(titles) == 2


def test_encrypting_on_request_from_the_settings_menu(qtbot, window):
    assert not window.encrypted and window.encrypt_action.isEnabled()
    assert "未加密" in window.windowTitle()
    window.encrypt_action.trigger()
    dialog = window.encrypt_dialog
    assert isinstance(dialog, EncryptChoiceDialog) and dialog.isVisible()
    qtbot.mouseClick(dialog.later_button, Qt.MouseButton.LeftButton)
    assert window.isVisible() and not window.encrypt_requested  # 以后再说: nothing happens
    window.encrypt_action.trigger()
    qtbot.mouseClick(window.encrypt_dialog.encrypt_button, Qt.MouseButton.LeftButton)
    # The window closes so that run_gui converts the closed store and opens it again.
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
    assert window.encrypt_requested


def test_an_encrypted_store_offers_no_conversion(qtbot, ws, runner):
    from app.ui.main_window import MainWindow

    w = MainWindow(ws, runner, store_path=ws.store.path, remember=False, encrypted=True)
    qtbot.addWidget(w)
    assert w.windowTitle() == "调解工作台"
    assert not w.encrypt_action.isEnabled()
    assert "已加密" in w.path_label.text()


def test_run_gui_converts_on_request_and_reopens_the_store_encrypted(qapp, tmp_path,
                                                                     monkeypatch):
    folder = tmp_path / "data"
    store = open_store(folder)
    cases.intake_work_order(open_workstation(store, login="zhangmin"), complaint_form())
    store.close()
    windows: list = []
    codes: list[str] = []

    class Window(gui.MainWindow):
        def show(self) -> None:
            super().show()
            windows.append(self)
            if len(windows) == 1:
                self.encrypt_requested = True  # as 设置 → 加密数据文件… does
            QTimer.singleShot(0, self.close)

    monkeypatch.setattr(gui, "MainWindow", Window)
    monkeypatch.setattr(EncryptChoiceDialog, "exec", lambda self: 0)  # 以后再说 at start
    monkeypatch.setattr(RecoveryCodeDialog, "exec",
                        lambda self: codes.append(self.code) or 1)
    with use_memory_keyring():
        assert gui.run_gui(folder) == 0
        assert [w.encrypted for w in windows] == [False, True]
        assert len(codes) == 1 and is_encrypted_store(folder)
        store = store_keys.open_local_store(folder)
        with store.engine.connect() as con:
            assert con.exec_driver_sql("SELECT count(*) FROM cases").scalar() == 1
        store.close()


def _answer_question(button_text: str) -> Callable[[QDialog], bool]:
    def act(box: QMessageBox) -> bool:
        [button] = [b for b in box.buttons() if b.text() == button_text]
        button.click()
        return True
    return act


def _passphrase(text: str) -> Callable[[QDialog], bool]:
    def act(ask: QInputDialog) -> bool:
        ask.setTextValue(text)
        ask.accept()
        return True
    return act


def _read_and_close(told: list[str]) -> Callable[[QDialog], bool]:
    def act(box: QMessageBox) -> bool:
        told.append(box.text())
        box.buttons()[0].click()
        return True
    return act


def test_a_lost_recovery_code_is_replaced_and_the_passphrase_changed_from_settings(
        qtbot, tmp_path, runner):
    from app.ui.main_window import MainWindow

    folder = tmp_path / "data"
    with use_no_keyring():
        store, first = store_keys.create_encrypted_store(folder, passphrase=PASSPHRASE)
        window = MainWindow(open_workstation(store, login="zhangmin"), runner,
                            store_path=store.path, remember=False)
        qtbot.addWidget(window)
        actions = window.key_actions
        assert actions.recovery_action.isEnabled() and actions.passphrase_action.isEnabled()
        menu_texts = [a.text() for a in window.menuBar().actions()[-2].menu().actions()]
        assert "更换恢复码(&R)…" in menu_texts and "更改启动密码(&P)…" in menu_texts

        # Someone at the unlocked window without the passphrase mints nothing.
        told: list[str] = []
        script = Script([(QMessageBox, _answer_question("生成新恢复码")),
                         (QInputDialog, _passphrase("不是这个密码123")),
                         (QMessageBox, _read_and_close(told))])
        actions.recovery_action.trigger()
        qtbot.waitUntil(lambda: not script.steps, timeout=10_000)
        assert script.errors == [] and told == ["当前启动密码不正确，没有做任何修改。"]
        assert store_keys.unlock_with_recovery_code(folder, first.recovery_code) == first.key

        codes: list[str] = []
        script = Script([(QMessageBox, _answer_question("生成新恢复码")),
                         (QInputDialog, _passphrase(PASSPHRASE)),
                         (RecoveryCodeDialog, confirm_code(codes))])
        actions.recovery_action.trigger()
        qtbot.waitUntil(lambda: not script.steps, timeout=10_000)
        assert script.errors == [] and len(codes) == 1 and codes[0] != first.recovery_code
        # The new code unlocks; the lost one no longer does; the passphrase still does.
        assert store_keys.unlock_with_recovery_code(folder, codes[0]) == first.key
        assert store_keys.unlock_with_recovery_code(folder, first.recovery_code) is None
        assert store_keys.unlock_with_passphrase(folder, PASSPHRASE) == first.key

        def new_passphrase(dialog: NewPassphraseDialog) -> bool:
            dialog.passphrase.setText("换了的启动密码XYZ")
            dialog.again.setText("换了的启动密码XYZ")
            dialog._accept()
            return True

        script = Script([(QInputDialog, _passphrase(PASSPHRASE)),
                         (NewPassphraseDialog, new_passphrase),
                         (QMessageBox, _answer_question("确定"))])
        actions.passphrase_action.trigger()
        qtbot.waitUntil(lambda: not script.steps, timeout=10_000)
        assert script.errors == []
        assert store_keys.unlock_with_passphrase(folder, "换了的启动密码XYZ") == first.key
        assert store_keys.unlock_with_passphrase(folder, PASSPHRASE) is None
        assert store_keys.unlock_with_recovery_code(folder, codes[0]) == first.key
        window.close()
        store.close()


def test_a_plain_store_offers_no_key_actions(window):
    assert not window.key_actions.recovery_action.isEnabled()
    assert not window.key_actions.passphrase_action.isEnabled()


def test_on_a_shared_keyring_store_only_the_administrator_replaces_the_recovery_code(
        qtbot, tmp_path, runner):
    """No passphrase to ask (the keyring unlocks it): on a store several people share, the
    administrator's own sign-in password is asked instead, and a mediator is refused."""
    from app.core.users import UserRole
    from app.services import office_users
    from app.services.office_users import NewUser
    from app.ui.main_window import MainWindow

    folder = tmp_path / "data"
    with use_memory_keyring():
        store, first = store_keys.create_encrypted_store(folder)
        admin = open_workstation(store, login="zhangmin")
        office_users.set_password(admin, admin.actor.mediator_id, "zhang-2026")
        office_users.add_user(admin, NewUser("李秀英", "lixiuying", UserRole.MEDIATOR,
                                             "li-xiu-ying-8"))
        window = MainWindow(admin, runner, store_path=store.path, remember=False)
        qtbot.addWidget(window)
        actions = window.key_actions
        told: list[str] = []
        script = Script([(QMessageBox, _answer_question("生成新恢复码")),
                         (QInputDialog, _passphrase("not-my-password")),
                         (QMessageBox, _read_and_close(told))])
        actions.recovery_action.trigger()
        qtbot.waitUntil(lambda: not script.steps, timeout=10_000)
        assert script.errors == [] and told == ["当前密码不正确，没有做任何修改。"]
        assert store_keys.unlock_with_recovery_code(folder, first.recovery_code) == first.key

        codes: list[str] = []
        script = Script([(QMessageBox, _answer_question("生成新恢复码")),
                         (QInputDialog, _passphrase("zhang-2026")),
                         (RecoveryCodeDialog, confirm_code(codes))])
        actions.recovery_action.trigger()
        qtbot.waitUntil(lambda: not script.steps, timeout=10_000)
        assert script.errors == [] and len(codes) == 1
        assert store_keys.unlock_with_recovery_code(folder, codes[0]) == first.key
        window.close()

        her = office_users.sign_in(store, next(u.id for u in office_users.users(admin)
                                               if u.login == "lixiuying"), "li-xiu-ying-8")
        window = MainWindow(her, runner, store_path=store.path, remember=False)
        qtbot.addWidget(window)
        told = []
        script = Script([(QMessageBox, _answer_question("生成新恢复码")),
                         (QInputDialog, _passphrase("li-xiu-ying-8")),
                         (QMessageBox, _read_and_close(told))])
        window.key_actions.recovery_action.trigger()
        qtbot.waitUntil(lambda: not script.steps, timeout=10_000)
        assert script.errors == [] and told[0].startswith("您的角色（调解员）不能管理用户、权限和数据文件的恢复码")
        assert store_keys.unlock_with_recovery_code(folder, codes[0]) == first.key
        window.close()
        store.close()
