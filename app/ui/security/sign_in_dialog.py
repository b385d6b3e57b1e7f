"""登录: who is at the computer, on a standalone store that several people share.

Shown at start (and by 文件 → 切换用户) once anyone on the store has a sign-in password.
The password is checked on the write lane (a scrypt hash takes tens of milliseconds, and
a wrong try is counted in the store)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.services import office_users
from app.services.context import Workstation
from app.services.office_users import SignInChoice
from app.store.database import Store
from app.ui import messages
from app.ui.forms import form_layout
from app.ui.security.store_key_dialogs import ERROR_STYLE, _label, _width
from app.ui.tasks import Task, TaskFailure, TaskRunner


class SignInDialog(QDialog):
    """``workstation`` once accepted: signed in as the person chosen."""

    def __init__(self, store: Store, runner: TaskRunner, choices: list[SignInChoice],
                 last: object | None, *, switching: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.runner = store, runner
        self.workstation: Workstation | None = None
        self.task: Task | None = None
        self.setObjectName("signInDialog")
        self.setWindowTitle(self.tr("切换用户") if switching else self.tr("登录调解工作台"))
        col = QVBoxLayout(self)
        col.addWidget(_label(self.tr("本机数据由多人共用。请选择您的姓名并输入您的登录密码：")))
        form = form_layout()
        self.person = QComboBox()
        self.person.setObjectName("signInPerson")
        for choice in choices:
            # Never the login as if it were a name: a nameless user is shown by login.
            who = choice.name or self.tr("登录名 {login}").format(login=choice.login)
            label = f"{who}（{messages.user_role_text(choice.role)}）"
            if not choice.has_password:
                label += self.tr(" — 未设置密码")
            self.person.addItem(label, choice.id)
        index = self.person.findData(last) if last is not None else -1
        self.person.setCurrentIndex(max(index, 0))
        form.addRow(self.tr("姓名"), self.person)
        self.password = QLineEdit()
        self.password.setObjectName("signInPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("登录密码"), self.password)
        col.addLayout(form)
        self.error_label = _label("", "signInProblem")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.hide()
        col.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("登录"))
        self.ok_button.setObjectName("signInButton")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            self.tr("取消") if switching else self.tr("退出"))
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        col.addWidget(buttons)
        self.person.currentIndexChanged.connect(self._person_changed)
        _width(self, 28)
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def _person_changed(self) -> None:
        self.error_label.hide()
        self.password.clear()
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def submit(self) -> None:
        if self.task is not None or not self.password.text():
            return
        self.ok_button.setEnabled(False)
        self.password.setEnabled(False)
        user_id, password, store = self.person.currentData(), self.password.text(), self.store
        self.task = self.runner.op(self, lambda: office_users.sign_in(store, user_id, password),
                                   name="sign_in") \
            .success(self._signed_in).failure(self._refused).run()

    def _signed_in(self, ws: Workstation) -> None:
        self.task = None
        self.workstation = ws
        self.accept()

    def _refused(self, failure: TaskFailure) -> None:
        self.task = None
        self.ok_button.setEnabled(True)
        self.password.setEnabled(True)
        self.password.selectAll()
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)
        self.error_label.setText(messages.error_text(failure.error))
        self.error_label.show()
        _width(self, 28)


def sign_in_on_open(store: Store, runner: TaskRunner, *, switching: bool = False,
                    parent: QWidget | None = None) -> Workstation | None:
    """The signed-in workstation, asking who it is; None when the person cancelled."""
    choices, last = office_users.sign_in_choices(store)
    dialog = SignInDialog(store, runner, choices, last, switching=switching, parent=parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.workstation
