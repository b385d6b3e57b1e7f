"""设置 → 个人资料 / 本机构: the first-run form again, to change later, with how the
office's documents are finished (the seal line, the copies the office keeps) and how
many backups of the data file this computer keeps.

Everyone edits their own profile; only an administrator edits the office (the office
half of the form is read-only for others, and the service refuses them anyway).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.users import UserRole
from app.services import office_profile
from app.services.context import Workstation
from app.services.office_profile import (
    KEPT_COPIES_MAX,
    SEAL_TEXT_MAX,
    MediatorProfile,
    OfficeDocuments,
    OfficeProfile,
    ProfileField,
    ProfileRefused,
)
from app.ui import messages, settings
from app.ui.case.sections import error_label
from app.ui.reference.profile_form import ProfileForm
from app.ui.tasks import TaskFailure, TaskRunner
from app.ui.typed_input import GuardedDialog

OFFICE_FIELDS = (ProfileField.ORG_NAME, ProfileField.NUMBER_PREFIX, ProfileField.ADDRESS,
                 ProfileField.ORG_PHONE)
BACKUPS_MAX = 30


class ProfileDialog(GuardedDialog):
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
        self._finishing(self.form.rows)
        # The full name of a bureau (22 characters or more) shows whole.
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("汉") * 40)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(self.tr("保存"),
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("saveProfile")
        buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        col.addWidget(buttons)
        self.save_button.setEnabled(False)
        runner.query(self, lambda: (*office_profile.current(ws),
                                    office_profile.current_documents(ws))).success(
            lambda found: self._loaded(*found)).run()

    def _finishing(self, form: QFormLayout) -> None:
        """文书与备份: the seal line and copies (the office's), backups (this computer's)."""
        form.addRow(QLabel(self.tr("<b>文书与备份</b>")))
        self.seal_text = QLineEdit()
        self.seal_text.setObjectName("profile_seal_text")
        self.seal_text.setMaxLength(SEAL_TEXT_MAX + 10)  # over the limit is said, not cut
        self.seal_text.setReadOnly(not self.admin)
        self.seal_text.setAccessibleName(self.tr("盖章处文字"))
        self.seal_problem = error_label("profileProblem_seal_text")
        seal = QVBoxLayout()
        seal.setSpacing(2)
        seal.addWidget(self.seal_text)
        seal.addWidget(self.seal_problem)
        form.addRow(self.tr("盖章处文字"), seal)
        self.kept_copies = QSpinBox()
        self.kept_copies.setObjectName("profile_kept_copies")
        self.kept_copies.setRange(1, KEPT_COPIES_MAX)
        self.kept_copies.setSuffix(self.tr(" 份"))
        self.kept_copies.setEnabled(self.admin)
        self.kept_copies.setToolTip(self.tr("调解协议书默认份数 = 当事人人数 + 本机构留存份数"))
        form.addRow(self.tr("协议书本机构留存"), self.kept_copies)
        self.invited = QCheckBox(self.tr("特邀调解组织（调解书可申请司法确认）"))
        self.invited.setObjectName("profile_invited_mediation")
        self.invited.setEnabled(self.admin)
        self.invited.setToolTip(self.tr("勾选后，签署的调解书会提示30日内可申请司法确认，"
                                        "并进入“司法确认”视图"))
        form.addRow("", self.invited)
        self.backups = QSpinBox()
        self.backups.setObjectName("profile_backups_kept")
        self.backups.setRange(1, BACKUPS_MAX)
        self.backups.setSuffix(self.tr(" 份"))
        self.backups.setValue(max(1, min(BACKUPS_MAX, settings.STORE_BACKUPS_KEPT.get())))
        self.backups.setToolTip(self.tr("每次打开工作台时备份数据文件，只保留最近的几份（本机设置）"))
        form.addRow(self.tr("本机数据备份保留"), self.backups)
        self.form.track_group.buttonToggled.connect(lambda *_: self._seal_placeholder())
        self.form.track_group.buttonToggled.connect(lambda *_: self._invited_shown())
        self.seal_text.textEdited.connect(lambda _t: self.seal_problem.hide())

    def _invited_shown(self) -> None:
        """Only a market-regulation office chooses: people's mediation always may."""
        self.form.rows.setRowVisible(self.invited, self.form.market.isChecked())

    def _seal_placeholder(self) -> None:
        default = "（印章）" if self.form.market.isChecked() else "（人民调解委员会印）"
        self.seal_text.setPlaceholderText(self.tr("默认：{text}").format(text=default))

    def documents(self) -> OfficeDocuments:
        return OfficeDocuments(self.seal_text.text(), self.kept_copies.value(),
                               self.invited.isChecked() and self.form.market.isChecked())

    def _loaded(self, office: OfficeProfile, me: MediatorProfile,
                docs: OfficeDocuments) -> None:
        self.loaded = (office, me, docs)
        self.form.set_profile(office, me)
        self.seal_text.setText(docs.seal_text)
        self.kept_copies.setValue(docs.kept_copies)
        self.invited.setChecked(docs.invited_mediation)
        self._seal_placeholder()
        self._invited_shown()
        self.save_button.setEnabled(True)
        self.mark_untouched()  # what was read is nothing to lose

    def save(self) -> None:
        if not self.form.check():
            return
        ws, office, me, docs = self.ws, self.form.office(), self.form.mediator(), self.documents()
        changed_office = office if self.admin and office != self.loaded[0] else None
        changed_docs = docs if self.admin and docs != self.loaded[2] else None
        settings.STORE_BACKUPS_KEPT.set(self.backups.value())
        self.save_button.setEnabled(False)
        self.runner.op(self, lambda: office_profile.save_profile(
            ws, me, changed_office, changed_docs)) \
            .success(lambda _c: self.accept()).failure(self._failed).run()

    def _failed(self, failure: TaskFailure) -> None:
        self.save_button.setEnabled(True)
        if isinstance(failure.error, ProfileRefused):
            problems = failure.error.problems
            self.form.show_problems(problems)
            seal = problems.get(ProfileField.SEAL_TEXT)
            self.seal_problem.setText(
                messages.profile_problem_text(ProfileField.SEAL_TEXT, seal) if seal else "")
            self.seal_problem.setVisible(seal is not None)
        else:
            self.form.general.setText(messages.error_text(failure.error))
            self.form.general.show()
