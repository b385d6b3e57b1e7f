"""设置 → 中心数据库: how this workstation reaches its central database.

Linked: the mode, the server, the login and the TLS settings; the address and TLS
settings may change (the same database reached another way), and the saved password
may be replaced or forgotten. Standalone: the connect page, which links the store if it
has no cases yet (a store with cases is refused with the reason).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.services import credentials
from app.services import sync as sync_service
from app.services.central_link import CentralLink
from app.services.context import Workstation
from app.store.database import Store
from app.sync.central import CentralConfig
from app.ui import tab_order
from app.ui.forms import form_layout
from app.ui.qtcompat import emit
from app.ui.sync.connect_dialog import ERROR_STYLE, ConnectPage
from app.ui.sync.connect_form import SSL_MODE_TEXT, ConnectForm, FormProblem
from app.ui.tasks import TaskFailure, TaskRunner


@dataclass(frozen=True)
class ConnectionChange:
    store: Store
    config: CentralConfig
    password: str | None  # None: keep the one in use
    remember: bool
    forget: bool


def save_connection(change: ConnectionChange) -> None:
    sync_service.update_connection(change.store, change.config)
    if change.forget:
        credentials.forget_password(change.config)
    elif change.password and change.remember:
        credentials.save_password(change.config, change.password)


class ConnectionDialog(QDialog):
    linked = Signal(object, object)  # Workstation, CentralLink: a standalone store joined
    saved = Signal(object, object)  # CentralConfig, password or None

    def __init__(self, store: Store, runner: TaskRunner, link: CentralLink | None,
                 parent: QWidget | None = None, *, login: str = "",
                 keyring_ok: bool | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.runner = runner
        self.link = link
        self.setObjectName("connectionDialog")
        self.setWindowTitle(self.tr("中心数据库"))
        self.keyring_ok = credentials.keyring_available() if keyring_ok is None \
            else keyring_ok
        col = QVBoxLayout(self)
        info = form_layout()
        self.mode_label = QLabel()
        self.mode_label.setObjectName("modeLabel")
        info.addRow(self.tr("使用方式："), self.mode_label)
        col.addLayout(info)
        self.error_label = QLabel()
        self.error_label.setObjectName("connectionError")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox()
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setText(self.tr("关闭"))
        close.clicked.connect(self.reject)

        if link is None:
            self.mode_label.setText(self.tr("单机使用（数据只保存在本机）"))
            note = QLabel(self.tr("连接中心数据库后，本机的数据全部来自中心数据库，"
                                  "因此只有尚未录入案件的工作台可以连接。"))
            note.setWordWrap(True)
            col.addWidget(note)
            self.page = ConnectPage(store, runner, keyring_ok=self.keyring_ok)
            self.form = self.page.form
            col.addWidget(self.page, 1)
            self.connect_button = self.buttons.addButton(
                self.tr("连接"), QDialogButtonBox.ButtonRole.ActionRole)
            self.connect_button.setObjectName("connectButton")
            self.connect_button.clicked.connect(self.page.start)
            self.page.busy_changed.connect(lambda b: self.connect_button.setEnabled(not b))
            self.page.connected.connect(self._linked)
        else:
            config = link.config
            self.mode_label.setText(self.tr("连接中心数据库"))
            self.server_label = QLabel(config.display())
            self.server_label.setObjectName("serverLabel")
            self.server_label.setWordWrap(True)
            info.addRow(self.tr("中心数据库："), self.server_label)
            login = login or config.login
            info.addRow(self.tr("登录名："), QLabel(login))
            tls = self.tr(SSL_MODE_TEXT.get(config.effective_sslmode, config.effective_sslmode)) + (f"，{self.tr('根证书')} {config.sslrootcert}"
                                    if config.sslrootcert else "")
            info.addRow(self.tr("加密："), QLabel(tls))
            heading = QLabel(self.tr("修改连接方式（同一个中心数据库）："))
            col.addWidget(heading)
            self.form = ConnectForm(keyring_ok=self.keyring_ok)
            self.form.set_config(config, login)
            self.form.lock_login()
            self.form.password.setPlaceholderText(self.tr("不修改请留空"))
            col.addWidget(self.form, 1)
            self.forget_button = self.buttons.addButton(
                self.tr("忘记已保存的密码"), QDialogButtonBox.ButtonRole.ResetRole)
            self.forget_button.setObjectName("forgetPasswordButton")
            self.forget_button.setVisible(self.keyring_ok and config.needs_password)
            self.forget_button.clicked.connect(lambda: self._save(forget=True))
            self.save_button = self.buttons.addButton(
                self.tr("保存"), QDialogButtonBox.ButtonRole.AcceptRole)
            self.save_button.setObjectName("saveButton")
            self.save_button.clicked.connect(lambda: self._save(forget=False))
        col.addWidget(self.error_label)
        col.addWidget(self.buttons)
        tab_order.button_box(self.buttons)
        em = self.fontMetrics().horizontalAdvance("汉")
        self.resize(em * 44, em * 36)

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def _linked(self, ws: Workstation, link: CentralLink) -> None:
        emit(self.linked, ws, link)
        self.accept()

    def _save(self, *, forget: bool) -> None:
        try:
            value = self.form.value(require_password=False)  # empty: keep the one in use
        except FormProblem as problem:
            self.show_error(problem.message)
            return
        password = value.password
        change = ConnectionChange(self.store, value.config, password, value.remember, forget)
        self.save_button.setEnabled(False)
        self.runner.op(self, lambda: save_connection(change)) \
            .success(lambda _r: self._saved(change)).failure(self._failed).run()

    def _saved(self, change: ConnectionChange) -> None:
        emit(self.saved, change.config, change.password)
        if change.forget:
            self.forget_button.setEnabled(False)
            self.forget_button.setText(self.tr("已忘记保存的密码"))
            self.save_button.setEnabled(True)
            return
        self.accept()

    def _failed(self, failure: TaskFailure) -> None:
        from app.ui import messages

        if hasattr(self, "save_button"):
            self.save_button.setEnabled(True)
        self.show_error(messages.error_text(failure.error))

