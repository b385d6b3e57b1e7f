"""Joining a central database: the first-run choice (单机使用 or 连接中心数据库), the
connect page shared with the settings, and the password asked once per session.

Connecting runs off the GUI thread: log in, check the login is a user of the central
database, bind the store to it; then the first sync downloads the office's data with
progress (cancellable: an interrupted first sync resumes where it stopped next time);
then the workstation opens as that user.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QCommandLinkButton,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.services import office_profile
from app.services import sync as sync_service
from app.services.central_link import (
    CentralLink,
    Connected,
    ConnectRequest,
    connect_and_link,
    first_sync,
)
from app.services.context import Workstation
from app.services.office_profile import (
    MediatorProfile,
    OfficeProfile,
    ProfileField,
    ProfileRefused,
)
from app.services.reference import open_workstation
from app.services.sync import Mode
from app.store.database import Store
from app.sync.client import Progress
from app.ui import messages
from app.ui.qtcompat import emit
from app.ui.reference.profile_form import ProfileForm
from app.ui.sync.connect_form import ConnectForm, FormProblem
from app.ui.sync.sync_controller import ProgressRelay
from app.ui.tasks import Task, TaskFailure, TaskRunner, TaskState

ERROR_STYLE = "color: #b42318"


class ConnectPage(QWidget):
    """The form, then the connection and the first sync with their progress."""

    connected = Signal(object, object)  # Workstation, CentralLink
    busy_changed = Signal(bool)

    def __init__(self, store: Store, runner: TaskRunner, parent: QWidget | None = None, *,
                 keyring_ok: bool | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.runner = runner
        self.task: Task | None = None
        self.link: CentralLink | None = None
        self.form = ConnectForm(keyring_ok=keyring_ok)
        self.error_label = QLabel()
        self.error_label.setObjectName("connectError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.hide()
        self.status_label = QLabel()
        self.status_label.setObjectName("connectStatus")
        self.status_label.hide()
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("firstSyncProgress")
        self.progress_bar.hide()
        self.relay = ProgressRelay(self)
        self.relay.progress.connect(self._on_progress)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.status_label)
        layout.addWidget(self.progress_bar)
        layout.addStretch(1)

    @property
    def busy(self) -> bool:
        return self.task is not None

    def _set_busy(self, busy: bool) -> None:
        self.form.set_enabled(not busy)
        emit(self.busy_changed, busy)

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def start(self) -> None:
        if self.busy:
            return
        try:
            value = self.form.value()
        except FormProblem as problem:
            self.show_error(problem.message)
            if problem.widget is not None:
                problem.widget.setFocus()
            return
        self.show_error("")
        self._set_busy(True)
        self.status_label.setText(self.tr("正在连接 {server}…").format(
            server=value.config.display()))
        self.status_label.show()
        request = ConnectRequest(self.store, value.config, value.password, value.login,
                                 value.remember)
        self.task = self.runner.task(
            self, lambda state: connect_and_link(request, state.raise_if_cancelled)) \
            .success(self._on_connected).failure(self._on_failed).run()
        self.task.failed.connect(self._on_cancelled)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.status_label.setText(self.tr("正在取消…"))

    def _on_connected(self, result: Connected) -> None:
        self.link = result.link
        self.status_label.setText(self.tr(
            "已连接，正在从中心数据库下载本所的案件（第一次需要几分钟）…"))
        self.progress_bar.setRange(0, 0)
        self.progress_bar.show()
        link, report = result.link, self.relay.report

        def download(state: TaskState) -> Workstation:
            def progress(p: Progress) -> None:
                state.raise_if_cancelled()
                report(p)

            return first_sync(link, progress)

        self.task = self.runner.task(self, download).success(self._on_synced) \
            .failure(self._on_failed).run()
        self.task.failed.connect(self._on_cancelled)

    def _on_progress(self, progress: Progress) -> None:
        if progress.total:
            self.progress_bar.setRange(0, max(1, progress.total))
            self.progress_bar.setValue(min(progress.done, progress.total))
            self.progress_bar.setFormat(self.tr("已下载 {done} / {total}").format(
                done=f"{progress.done:,}", total=f"{progress.total:,}"))
        else:
            self.progress_bar.setRange(0, 0)

    def _on_synced(self, ws: Workstation) -> None:
        self.task = None
        self.progress_bar.hide()
        self.status_label.setText(self.tr("已完成。"))
        emit(self.connected, ws, self.link)

    def _on_failed(self, failure: TaskFailure) -> None:
        self.task = None
        self._set_busy(False)
        self.progress_bar.hide()
        self.status_label.hide()
        self.show_error(messages.error_text(failure.error))
        if self.link is not None:
            self.link.close()
            self.link = None

    def _on_cancelled(self, failure: TaskFailure) -> None:
        from app.ui.tasks import TaskCancelled

        if isinstance(failure.error, TaskCancelled):
            self._on_failed(failure)
            self.show_error(self.tr("已取消。下次连接时从中断处继续下载。"))


def _beside_back(back: QPushButton, buttons: QDialogButtonBox) -> QHBoxLayout:
    """返回 at the left, the box's buttons at the right. Inside the box (as a reset
    button) Tab never reached 返回: it went from the last field straight to the box's
    default button."""
    row = QHBoxLayout()
    row.addWidget(back)
    row.addWidget(buttons, 1)
    return row


class FirstRunDialog(QDialog):
    """单机使用 or 连接中心数据库, asked once for a new data folder."""

    def __init__(self, store: Store, runner: TaskRunner, parent: QWidget | None = None, *,
                 keyring_ok: bool | None = None, resume: sync_service.SyncSettings
                 | None = None, login: str = "") -> None:
        super().__init__(parent)
        self.store = store
        self.runner = runner
        self.choice: Mode | None = None
        self.workstation: Workstation | None = None
        self.link: CentralLink | None = None
        self.setObjectName("firstRunDialog")
        self.setWindowTitle(self.tr("调解工作台 — 开始使用"))

        choose = QWidget()
        col = QVBoxLayout(choose)
        heading = QLabel(self.tr("这台电脑上的调解工作台如何使用？"))
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        col.addWidget(heading)
        self.standalone_button = QCommandLinkButton(
            self.tr("单机使用"),
            self.tr("案件只保存在这台电脑上，不与其他人共享。以后仍可在“设置 → 中心数据库”"
                    "中连接（尚未录入案件时）。"))
        self.standalone_button.setObjectName("standaloneButton")
        self.central_button = QCommandLinkButton(
            self.tr("连接中心数据库"),
            self.tr("与本所、本区的同事共享案件：需要管理员提供的服务器地址、登录名和密码。"
                    "断网时照常办理，联网后自动同步。"))
        self.central_button.setObjectName("centralButton")
        col.addWidget(self.standalone_button)
        col.addWidget(self.central_button)
        self.choice_error = QLabel()
        self.choice_error.setStyleSheet(ERROR_STYLE)
        self.choice_error.hide()
        col.addWidget(self.choice_error)
        col.addStretch(1)
        quit_box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        quit_box.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("退出"))
        quit_box.rejected.connect(self.reject)
        col.addWidget(quit_box)

        connect = QWidget()
        ccol = QVBoxLayout(connect)
        intro = QLabel(self.tr("请填写管理员提供的中心数据库信息："))
        intro.setWordWrap(True)
        ccol.addWidget(intro)
        self.connect_page = ConnectPage(store, runner, keyring_ok=keyring_ok)
        ccol.addWidget(self.connect_page, 1)
        self.buttons = QDialogButtonBox()
        self.back_button = QPushButton(self.tr("返回"))
        self.back_button.setObjectName("backButton")
        self.connect_button = QPushButton(self.tr("连接"))
        self.connect_button.setObjectName("connectButton")
        self.connect_button.setDefault(True)
        self.cancel_button = QPushButton(self.tr("取消下载"))
        self.cancel_button.setObjectName("cancelConnectButton")
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.addButton(self.connect_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button.hide()
        ccol.addLayout(_beside_back(self.back_button, self.buttons))

        profile = QWidget()
        pcol = QVBoxLayout(profile)
        pintro = QLabel(self.tr("请填写您和本机构的信息：它们将打印在调解协议书和通知书上，"
                                "以后可在“设置”中修改。您将成为本机构的管理员。"))
        pintro.setWordWrap(True)
        pcol.addWidget(pintro)
        self.profile_form = ProfileForm()
        pcol.addWidget(self.profile_form, 1)
        pbuttons = QDialogButtonBox()
        self.profile_back = QPushButton(self.tr("返回"))
        self.profile_back.setObjectName("profileBackButton")
        self.finish_button = QPushButton(self.tr("开始使用"))
        self.finish_button.setObjectName("finishStandaloneButton")
        self.finish_button.setDefault(True)
        pbuttons.addButton(self.finish_button, QDialogButtonBox.ButtonRole.AcceptRole)
        pcol.addLayout(_beside_back(self.profile_back, pbuttons))
        self.profile_back.clicked.connect(lambda: self.pages.setCurrentIndex(0))
        self.finish_button.clicked.connect(self._finish_standalone)

        self.pages = QStackedWidget()
        self.pages.addWidget(choose)
        self.pages.addWidget(connect)
        self.pages.addWidget(profile)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)

        self.standalone_button.clicked.connect(self._standalone)
        self.central_button.clicked.connect(lambda: self.pages.setCurrentIndex(1))
        self.back_button.clicked.connect(self._back)
        self.connect_button.clicked.connect(self.connect_page.start)
        self.cancel_button.clicked.connect(self.connect_page.cancel)
        self.connect_page.busy_changed.connect(self._busy)
        self.connect_page.connected.connect(self._connected)
        em = self.fontMetrics().horizontalAdvance("汉")
        self.resize(em * 44, em * 34)
        if resume is not None and resume.config is not None:
            # Linked before, but the first sync did not finish: connect again.
            self.connect_page.form.set_config(resume.config, login)
            self.pages.setCurrentIndex(1)

    def _busy(self, busy: bool) -> None:
        self.connect_button.setEnabled(not busy)
        self.back_button.setEnabled(not busy)
        self.cancel_button.setVisible(busy)

    def _back(self) -> None:
        if self.pages.currentIndex() == 1 and not self.connect_page.busy:
            self.pages.setCurrentIndex(0)

    def _standalone(self) -> None:
        """单机使用: who the mediator and the office are, before anything is kept."""
        store = self.store
        self.runner.op(self, lambda: office_profile.for_first_run(open_workstation(store))) \
            .success(lambda found: self._ask_profile(*found)).run()

    def _ask_profile(self, office: OfficeProfile, me: MediatorProfile) -> None:
        self.profile_form.set_profile(office, me)
        self.pages.setCurrentIndex(2)
        self.profile_form.edits[ProfileField.MEDIATOR_NAME].setFocus()

    def _finish_standalone(self) -> None:
        if not self.profile_form.check():
            return
        self.finish_button.setEnabled(False)
        store, office, me = self.store, self.profile_form.office(), self.profile_form.mediator()

        def set_up():
            changes = office_profile.set_up_standalone(open_workstation(store), office, me)
            sync_service.choose_standalone(store)
            return changes

        self.runner.op(self, set_up).success(self._standalone_chosen) \
            .failure(self._standalone_failed).run()

    def _standalone_chosen(self, _result: object) -> None:
        self.choice = Mode.STANDALONE
        self.accept()

    def _standalone_failed(self, failure: TaskFailure) -> None:
        self.finish_button.setEnabled(True)
        if isinstance(failure.error, ProfileRefused):
            self.profile_form.show_problems(failure.error.problems)
            return
        self.profile_form.general.setText(messages.error_text(failure.error))
        self.profile_form.general.show()

    def _connected(self, ws: Workstation, link: CentralLink) -> None:
        self.choice = Mode.CENTRAL
        self.workstation = ws
        self.link = link
        self.accept()

    def reject(self) -> None:
        if self.connect_page.busy:
            self.connect_page.cancel()
            return
        super().reject()


class PasswordDialog(QDialog):
    """The central database password, asked when no saved one works."""

    def __init__(self, server: str, login: str, *, wrong: bool, keyring_ok: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("passwordDialog")
        self.setWindowTitle(self.tr("登录中心数据库"))
        col = QVBoxLayout(self)
        text = self.tr("请输入 {login} 登录中心数据库的密码：\n{server}").format(
            login=login, server=server)
        label = QLabel(text)
        label.setWordWrap(True)
        col.addWidget(label)
        self.wrong_label = QLabel(self.tr("密码不正确，请重新输入。"))
        self.wrong_label.setObjectName("wrongPassword")
        self.wrong_label.setStyleSheet(ERROR_STYLE)
        self.wrong_label.setVisible(wrong)
        col.addWidget(self.wrong_label)
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        col.addWidget(self.password)
        self.remember = QCheckBox(self.tr("记住密码（保存在系统密码库中）"))
        self.remember.setObjectName("rememberPassword")
        self.remember.setChecked(True)
        self.remember.setVisible(keyring_ok)
        col.addWidget(self.remember)
        if not keyring_ok:
            note = QLabel(self.tr("本机没有可用的系统密码库，密码不会保存，"
                                  "每次打开调解工作台时需要重新输入。"))
            note.setObjectName("noKeyringNote")
            note.setWordWrap(True)
            col.addWidget(note)
        self.keyring_ok = keyring_ok
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("登录"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("暂不登录"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        col.addWidget(buttons)
        later = QLabel(self.tr("暂不登录时照常在本机办理，修改稍后同步（同步 → 立即同步，F9）。"))
        later.setWordWrap(True)
        later.setEnabled(False)
        col.addWidget(later)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("汉") * 30)
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def _accept(self) -> None:
        if self.password.text():
            self.accept()

    @property
    def remember_password(self) -> bool:
        return self.keyring_ok and self.remember.isChecked()
