"""设置 → 个人资料 / 本机构: the first-run form again, to change later.

Everyone edits their own profile; only an administrator edits the office (the office
half of the form is read-only for others, and the service refuses them anyway).
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from app.core.users import UserRole
from app.services import office_profile
from app.services.context import Workstation
from app.services.office_profile import MediatorProfile, OfficeProfile, ProfileField, ProfileRefused
from app.ui import messages
from app.ui.reference.profile_form import ProfileForm
from app.ui.tasks import TaskFailure, TaskRunner

OFFICE_FIELDS = (ProfileField.ORG_NAME, ProfileField.NUMBER_PREFIX, ProfileField.ADDRESS,
                 ProfileField.ORG_PHONE)


class ProfileDialog(QDialog):
    def __init__(self, ws: Workstation, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws, self.runner = ws, runner
        self.setObjectName("profileDialog")
        self.setWindowTitle(self.tr("个人资料与本机构"))
        col = QVBoxLayout(self)
        self.admin = ws.actor.role == UserRole.ADMIN
        note = QLabel(self.tr("这些信息打印在调解协议书和通知书上。") + (
            "" if self.admin else self.tr("本机构的信息只有管理员可以修改。")))
        note.setWordWrap(True)
        col.addWidget(note)
        self.form = ProfileForm()
        col.addWidget(self.form, 1)
        for field in OFFICE_FIELDS:
            self.form.edits[field].setReadOnly(not self.admin)
        for button in (self.form.peoples, self.form.market):
            button.setEnabled(self.admin)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(self.tr("保存"),
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("saveProfile")
        buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        col.addWidget(buttons)
        self.save_button.setEnabled(False)
        runner.query(self, lambda: office_profile.current(ws)).success(
            lambda found: self._loaded(*found)).run()

    def _loaded(self, office: OfficeProfile, me: MediatorProfile) -> None:
        self.loaded = (office, me)
        self.form.set_profile(office, me)
        self.save_button.setEnabled(True)

    def save(self) -> None:
        if not self.form.check():
            return
        ws, office, me = self.ws, self.form.office(), self.form.mediator()
        changed_office = office if self.admin and office != self.loaded[0] else None
        self.save_button.setEnabled(False)
        self.runner.op(self, lambda: office_profile.save_profile(ws, me, changed_office)) \
            .success(lambda _c: self.accept()).failure(self._failed).run()

    def _failed(self, failure: TaskFailure) -> None:
        self.save_button.setEnabled(True)
        if isinstance(failure.error, ProfileRefused):
            self.form.show_problems(failure.error.problems)
        else:
            self.form.general.setText(messages.error_text(failure.error))
            self.form.general.show()
