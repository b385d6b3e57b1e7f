"""设置 → 更换恢复码 / 更改启动密码: the encrypted store's key, wrapped anew.

The key file is rewritten on the write lane (services.store_keys); the store itself and
the keyring entry stay as they are. A plain store has nothing to re-wrap, so both
actions are off; 更改启动密码 needs a store that has a passphrase.
"""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox, QWidget

from app.services import store_keys
from app.store.database import Store
from app.ui.security.store_key_dialogs import NewPassphraseDialog, RecoveryCodeDialog
from app.ui.tasks import TaskRunner


def _replace_recovery_code(args: tuple, state) -> str:
    data_dir, key = args
    return store_keys.replace_recovery_code(data_dir, key)


def _set_passphrase(args: tuple, state) -> None:
    data_dir, key, passphrase = args
    store_keys.set_passphrase(data_dir, key, passphrase)


class StoreKeyActions:
    def __init__(self, window: QWidget, runner: TaskRunner, store: Store) -> None:
        self.window = window
        self.runner = runner
        self.store = store
        self.data_dir = store.path.parent
        tr = window.tr
        self.recovery_action = QAction(tr("更换恢复码(&R)…"), window)
        self.recovery_action.setMenuRole(QAction.MenuRole.NoRole)
        self.recovery_action.triggered.connect(self.replace_recovery_code)
        self.passphrase_action = QAction(tr("更改启动密码(&P)…"), window)
        self.passphrase_action.setMenuRole(QAction.MenuRole.NoRole)
        self.passphrase_action.triggered.connect(self.change_passphrase)
        encrypted = store.key is not None
        self.recovery_action.setEnabled(encrypted)
        self.passphrase_action.setEnabled(encrypted and store_keys.has_passphrase(self.data_dir))

    def actions(self) -> list[QAction]:
        return [self.recovery_action, self.passphrase_action]

    def replace_recovery_code(self) -> None:
        tr = self.window.tr
        box = QMessageBox(QMessageBox.Icon.Question, tr("更换恢复码"), tr(
            "将生成新的恢复码，原来的恢复码随即失效（启动密码和系统钥匙串不受影响）。"
            "新恢复码只显示一次，请准备好抄写或打印。"), QMessageBox.StandardButton.NoButton,
            self.window)
        go = box.addButton(tr("生成新恢复码"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(tr("取消"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is not go:
            return
        self.runner.write(_replace_recovery_code, (self.data_dir, self.store.key),
                          on_done=self._show_code, context=self.window,
                          name="replace_recovery_code")

    def _show_code(self, code: str) -> None:
        dialog = RecoveryCodeDialog(code, in_keyring=store_keys.keyring_works(),
                                    data_dir=self.data_dir, parent=self.window)
        dialog.exec()

    def change_passphrase(self) -> None:
        dialog = NewPassphraseDialog(reason="change", parent=self.window)
        if not dialog.exec():
            return
        self.runner.write(_set_passphrase, (self.data_dir, self.store.key, dialog.value()),
                          on_done=self._passphrase_changed, context=self.window,
                          name="change_passphrase")

    def _passphrase_changed(self, _result: object) -> None:
        tr = self.window.tr
        box = QMessageBox(QMessageBox.Icon.Information, tr("更改启动密码"),
                          tr("启动密码已更改，下次启动时请输入新密码。"),
                          QMessageBox.StandardButton.Ok, self.window)
        box.button(QMessageBox.StandardButton.Ok).setText(tr("确定"))
        box.exec()
