"""设置 → 更换恢复码 / 更改启动密码, for an encrypted store that is open.

A mediator who lost the recovery code gets a new one (the old stops working); one who
unlocks with a passphrase can change it. Wrapping the key runs scrypt (about half a
second), so it runs on the write lane.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

from app.services import office_users, store_keys
from app.services.context import Workstation
from app.ui import messages
from app.ui.security.store_key_dialogs import NewPassphraseDialog, RecoveryCodeDialog
from app.ui.tasks import TaskFailure, TaskRunner


class StoreKeyActions(QObject):
    """The two menu actions and what they do; disabled for a plain store."""

    def __init__(self, parent: QWidget, runner: TaskRunner, ws: Workstation) -> None:
        super().__init__(parent)
        self.window = parent
        self.runner = runner
        self.ws = ws
        self.store = store = ws.store
        self.data_dir = Path(store.path).parent
        self.recovery_action = QAction(self.tr("更换恢复码(&R)…"), parent)
        self.recovery_action.setObjectName("replaceRecoveryCodeAction")
        self.recovery_action.setMenuRole(QAction.MenuRole.NoRole)
        self.recovery_action.triggered.connect(self.replace_recovery_code)
        self.passphrase_action = QAction(self.tr("更改启动密码(&P)…"), parent)
        self.passphrase_action.setObjectName("changePassphraseAction")
        self.passphrase_action.setMenuRole(QAction.MenuRole.NoRole)
        self.passphrase_action.triggered.connect(self.change_passphrase)
        self.refresh()

    def actions(self) -> list[QAction]:
        return [self.recovery_action, self.passphrase_action]

    def refresh(self) -> None:
        encrypted = self.store.encrypted
        self.recovery_action.setEnabled(encrypted)
        self.passphrase_action.setEnabled(
            encrypted and store_keys.has_passphrase(self.data_dir))

    def replace_recovery_code(self) -> None:
        if not self.store.encrypted:
            return
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("更换恢复码"), self.tr(
            "将生成新的恢复码，原来的恢复码随即失效，数据本身不变。\n"
            "新恢复码只显示一次，请准备好抄写或打印。"), QMessageBox.StandardButton.NoButton,
            self.window)
        go = box.addButton(self.tr("生成新恢复码"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is not go:
            return
        current = self._current_passphrase()
        if current is False:
            return
        # A shared store without a passphrase: the administrator's own sign-in password.
        shared = current == "" and office_users.sign_in_required(self.store)
        password = self._ask_secret(self.tr("请输入您的登录密码：")) if shared else ""
        if password is False:
            return
        key, data_dir, ws = self.store.key, self.data_dir, self.ws

        def replace() -> tuple[str, bool]:
            if shared:
                office_users.confirm_administrator(ws, str(password))
            # The keyring is asked here too: a Secret Service call may block.
            code = store_keys.replace_recovery_code(data_dir, key, current or None)
            return code, store_keys.how_to_unlock(data_dir) is store_keys.Unlock.KEYRING

        (self.runner.op(self, replace)
         .success(lambda found: self._show_code(*found)).failure(self._failed).run())

    def _current_passphrase(self) -> str | bool:
        """The current passphrase where the store has one ("" where it has none); False
        when the person cancelled."""
        if not store_keys.has_passphrase(self.data_dir):
            return ""
        return self._ask_secret(self.tr("请输入当前的启动密码："))

    def _ask_secret(self, label: str) -> str | bool:
        ask = QInputDialog(self.window)
        ask.setObjectName("currentPassphraseDialog")
        ask.setWindowTitle(self.tr("确认身份"))
        ask.setLabelText(label)
        ask.setTextEchoMode(QLineEdit.EchoMode.Password)
        ask.setOkButtonText(self.tr("确定"))
        ask.setCancelButtonText(self.tr("取消"))
        if ask.exec() != QDialog.DialogCode.Accepted:
            return False
        return ask.textValue()

    def _show_code(self, code: str, in_keyring: bool) -> None:
        RecoveryCodeDialog(code, in_keyring=in_keyring, data_dir=self.data_dir,
                           parent=self.window).exec()

    def change_passphrase(self) -> None:
        if not self.store.encrypted:
            return
        current = self._current_passphrase()
        if current is False:
            return
        dialog = NewPassphraseDialog(reason="change", parent=self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        key, passphrase = self.store.key, dialog.value()
        (self.runner.op(self, lambda: store_keys.change_passphrase(
            self.data_dir, key, str(current), passphrase))
         .success(self._passphrase_changed).failure(self._failed).run())

    def _passphrase_changed(self, _result: object) -> None:
        self._tell(QMessageBox.Icon.Information, self.tr("更改启动密码"),
                   self.tr("启动密码已更改，下次启动时请输入新的启动密码。"))

    def _failed(self, failure: TaskFailure) -> None:
        self._tell(QMessageBox.Icon.Warning, self.tr("未能完成"),
                   messages.error_text(failure.error))

    def _tell(self, icon: QMessageBox.Icon, title: str, text: str) -> None:
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, self.window)
        box.addButton(self.tr("确定"), QMessageBox.ButtonRole.AcceptRole)
        box.exec()
