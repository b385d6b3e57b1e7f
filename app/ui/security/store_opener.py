"""Opening the store at start as a person would expect: a new real store is created
encrypted and its recovery code shown once; an encrypted one opens with the key from
the keyring, or asks the passphrase or the recovery code; a plain one made by an
earlier version is offered encryption (加密 recommended, or 以后再说).

Without a person at the screen (``--screenshot``) nothing is ever asked: a store that
needs a passphrase is refused with KEY_NEEDED. Demo stores (``--demo``) stay plain and
are marked as demo data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QProgressDialog

from app.services import store_keys
from app.services.store_keys import StoreKind, Unlock
from app.store.database import Store, open_store
from app.store.errors import StoreError, StoreErrorCode
from app.ui import messages, settings
from app.ui.security.store_key_dialogs import (
    EncryptChoiceDialog,
    NewPassphraseDialog,
    RecoveryCodeDialog,
    UnlockDialog,
)
from app.ui.tasks import T, TaskFailure, TaskRunner


@dataclass(frozen=True)
class OpenedStore:
    store: Store
    demo: bool  # holds demo data (the window title says so)


def _tr(text: str) -> str:
    return QCoreApplication.translate("StoreOpener", text)


def open_for_gui(data_dir: Path, runner: TaskRunner, *, interactive: bool,
                 demo: bool) -> OpenedStore | None:
    """The store of data_dir, opened (None: the person chose to quit). Raises
    StoreError as open_store does."""
    data_dir = Path(data_dir)
    keep = max(1, settings.STORE_BACKUPS_KEPT.get())
    kind = store_keys.store_kind(data_dir)
    if kind is StoreKind.NEW:
        if demo or not interactive:
            return OpenedStore(open_store(data_dir, keep_backups=keep), demo=demo)
        store = create_encrypted(data_dir)
        return None if store is None else OpenedStore(store, demo=False)
    if kind is StoreKind.PLAIN:
        store = _open_local(runner, data_dir, keep_backups=keep)
        is_demo = store_keys.is_demo(store)
        if not interactive or demo or is_demo:
            return OpenedStore(store, demo=is_demo or demo)
        if EncryptChoiceDialog(store.path).exec() != QDialog.DialogCode.Accepted:
            return OpenedStore(store, demo=False)
        store.close()
        return OpenedStore(encrypt_and_reopen(data_dir, runner), demo=False)
    how = store_keys.how_to_unlock(data_dir)
    if how is Unlock.KEYRING:
        store = _open_local(runner, data_dir, keep_backups=keep)
    else:
        if not interactive:
            raise StoreError(StoreErrorCode.KEY_NEEDED, data_dir / "store.sqlite",
                             "the key is not in this computer's keyring")
        key = ask_key(data_dir, runner, passphrase=how is Unlock.PASSPHRASE)
        if key is None:
            return None
        store = _open_local(runner, data_dir, key=key, keep_backups=keep)
    return OpenedStore(store, demo=store_keys.is_demo(store))


def _open_local(runner: TaskRunner, data_dir: Path, **options) -> Store:
    """open_local_store on the write lane, a busy dialog up after 300 ms: opening checks
    the store, and an upgrade backs it up and migrates it (minutes on a million cases),
    which must not freeze the window. Raises StoreError as open_local_store does."""
    store, failure = _wait(
        runner, lambda: store_keys.open_local_store(data_dir, **options),
        _tr("正在打开数据文件…\n如需升级数据格式，可能需要几分钟，请勿关闭程序。"))
    if failure is not None:
        raise failure.error
    return store


def create_encrypted(data_dir: Path) -> Store | None:
    """A new encrypted store; its recovery code is shown once. None: the person quit."""
    passphrase = None
    if not store_keys.keyring_works():
        dialog = NewPassphraseDialog(reason="no_keyring")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        passphrase = dialog.value()
    store, new = store_keys.create_encrypted_store(
        data_dir, passphrase=passphrase, keep_backups=max(1, settings.STORE_BACKUPS_KEPT.get()))
    RecoveryCodeDialog(new.recovery_code, in_keyring=new.in_keyring, data_dir=data_dir).exec()
    return store


def ask_key(data_dir: Path, runner: TaskRunner, *, passphrase: bool) -> bytes | None:
    dialog = UnlockDialog(data_dir, runner, passphrase=passphrase)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.key is None:
        return None
    if dialog.used_recovery and not store_keys.keyring_works():
        # The passphrase was forgotten (or never set on this computer): a new one.
        again = NewPassphraseDialog(reason="recovered")
        if again.exec() == QDialog.DialogCode.Accepted:
            key, passphrase = dialog.key, again.value()
            _wait(runner, lambda: store_keys.set_passphrase(data_dir, key, passphrase),
                  _tr("正在保存启动密码…"))
    return dialog.key


def encrypt_and_reopen(data_dir: Path, runner: TaskRunner) -> Store:
    """Encrypt the (closed) plain store with progress shown, show the recovery code, and
    open it again. A failure is explained and the plain store opens as it was."""
    passphrase = None
    keep = max(1, settings.STORE_BACKUPS_KEPT.get())
    if not store_keys.keyring_works():
        dialog = NewPassphraseDialog(reason="no_keyring")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return store_keys.open_local_store(data_dir, keep_backups=keep)
        passphrase = dialog.value()
    result, failure = _wait(
        runner, lambda: store_keys.encrypt_existing_store(data_dir, passphrase=passphrase),
        _tr("正在加密数据文件，请勿关闭电脑…"))
    if failure is not None:
        error = failure.error
        text = (messages.store_error_text(error) if isinstance(error, StoreError)
                else messages.error_text(error))
        QMessageBox(QMessageBox.Icon.Warning, _tr("数据文件未加密"), text,
                    QMessageBox.StandardButton.Ok).exec()
        return store_keys.open_local_store(data_dir, keep_backups=keep)
    RecoveryCodeDialog(result.recovery_code, in_keyring=result.in_keyring,
                       data_dir=data_dir).exec()
    return store_keys.open_local_store(data_dir, key=result.key, keep_backups=keep)


def _wait(runner: TaskRunner, fn: Callable[[], T], label: str
          ) -> tuple[T | None, TaskFailure | None]:
    """Run ``fn`` on the write lane behind a modal busy dialog; (result, failure)."""
    from app.ui.app import wait_for

    dialog = QProgressDialog(label, "", 0, 0)
    dialog.setCancelButton(None)
    dialog.setWindowTitle(_tr("调解工作台"))
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(300)
    results: list = []
    failures: list[TaskFailure] = []
    task = runner.op(None, fn).success(results.append).failure(failures.append).run()
    wait_for(task.finished, lambda: bool(results or failures), timeout_ms=None,
             also=task.failed)
    dialog.reset()  # stops its show-after-300-ms timer: a quick job must not leave it up
    dialog.close()
    dialog.deleteLater()
    return (results[0] if results else None), (failures[0] if failures else None)
