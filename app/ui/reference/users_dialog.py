"""设置 → 用户与权限: the people of this office, what each role may do, and (on a
standalone store, for an administrator) adding colleagues and setting their passwords.

On a workstation linked to a central database the list mirrors the central
``mediators`` rows and is read-only: the central administrator adds people there.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.passwords import MIN_LENGTH
from app.core.users import ROLE_PERMISSIONS, Permission, UserRole, may
from app.services import office_users, sync
from app.services.context import Workstation
from app.services.dto import Changes
from app.services.office_users import (
    NewUser,
    UserChange,
    UserField,
    UserProblem,
    UserRefused,
    UserView,
)
from app.ui import messages
from app.ui.case.sections import error_label
from app.ui.forms import form_layout
from app.ui.reference import users_texts as texts
from app.ui.reference.holiday_dialog import fit_to_screen
from app.ui.tasks import LatestOnly, TaskFailure, TaskRunner
from app.ui.typed_input import GuardedDialog

ROLES = (UserRole.MEDIATOR, UserRole.SUPERVISOR, UserRole.ADMIN)
COLUMNS = ("姓名", "登录名", "角色", "电话", "调解员证号", "在办案件", "登录密码", "状态")


def _item(text: str, *, centre: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled)
    if centre:
        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
    return item


class UsersDialog(QDialog):
    def __init__(self, ws: Workstation, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws, self.runner = ws, runner
        self.views: list[UserView] = []
        self.linked = False
        self.setObjectName("usersDialog")
        self.setWindowTitle(self.tr("用户与权限"))
        col = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setObjectName("usersIntro")
        self.intro.setWordWrap(True)
        col.addWidget(self.intro)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("usersTable")
        self.table.setTabKeyNavigation(False)  # Tab goes on; arrows move in the table
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemDoubleClicked.connect(lambda _item: self.edit_user())
        col.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("添加用户…"))
        self.add_button.setObjectName("addUser")
        self.add_button.clicked.connect(self.add_user)
        self.edit_button = QPushButton(self.tr("修改…"))
        self.edit_button.setObjectName("editUser")
        self.edit_button.clicked.connect(self.edit_user)
        self.password_button = QPushButton(self.tr("设置登录密码…"))
        self.password_button.setObjectName("setPassword")
        self.password_button.clicked.connect(self.set_password)
        for button in (self.add_button, self.edit_button, self.password_button):
            row.addWidget(button)
        row.addStretch(1)
        col.addLayout(row)
        col.addWidget(QLabel(self.tr("<b>各角色可以做什么</b>")))
        col.addWidget(self._permissions_table())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.rejected.connect(self.reject)
        col.addWidget(buttons)
        self.loader = LatestOnly(runner, self)
        runner.events.changed.connect(self._on_changed)
        self._update_buttons()
        fit_to_screen(self, self.fontMetrics().horizontalAdvance("汉") * 56,
                      self.fontMetrics().height() * 32)
        self.reload()

    def _permissions_table(self) -> QTableWidget:
        table = QTableWidget(len(Permission), len(ROLES))
        table.setObjectName("permissionsTable")
        table.setTabKeyNavigation(False)
        table.setHorizontalHeaderLabels([messages.user_role_text(r) for r in ROLES])
        table.setVerticalHeaderLabels([texts.permission_text(p) for p in Permission])
        for r, permission in enumerate(Permission):
            for c, role in enumerate(ROLES):
                table.setItem(r, c, _item("✓" if permission in ROLE_PERMISSIONS[role] else "—",
                                          centre=True))
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.resizeRowsToContents()
        height = table.horizontalHeader().sizeHint().height() + sum(
            table.rowHeight(r) for r in range(table.rowCount())) + 2 * table.frameWidth()
        table.setFixedHeight(height)
        return table

    # ------------------------------------------------------------ loading

    def reload(self) -> None:
        ws = self.ws
        self.loader.query(lambda: (office_users.users(ws), sync.is_linked(ws.store)),
                          name="office_users").success(lambda found: self._loaded(*found)).run()

    def _on_changed(self, changes: Changes) -> None:
        if changes.reference:
            self.reload()

    def _loaded(self, views: list[UserView], linked: bool) -> None:
        selected = self.selected()
        self.views, self.linked = views, linked
        admin = may(self.ws.actor.role, Permission.MANAGE_USERS)
        if linked:
            self.intro.setText(self.tr(
                "本工作台连接了中心数据库：人员和角色由中心数据库管理员维护，这里只能查看。"))
        elif admin:
            self.intro.setText(self.tr(
                "共用本机数据的人员。有人设置了登录密码后，每个人打开工作台时都要选择自己的"
                "姓名并输入自己的密码。停用的人员不能再登录，其经办的案件和记录保留。"))
        else:
            self.intro.setText(self.tr("只有管理员可以添加或修改用户；您可以设置自己的登录密码。"))
        self.table.setRowCount(len(views))
        for r, v in enumerate(views):
            name = v.name + (self.tr("（我）") if v.is_me else "")
            cells = (_item(name), _item(v.login), _item(messages.user_role_text(v.role)),
                     _item(v.phone), _item(v.certificate_no),
                     _item(str(v.open_cases), centre=True),
                     _item(self.tr("已设置") if v.has_password else self.tr("未设置"),
                           centre=True),
                     _item(self.tr("在用") if v.active else self.tr("已停用"), centre=True))
            for c, item in enumerate(cells):
                self.table.setItem(r, c, item)
        if selected is not None:
            row = next((i for i, v in enumerate(views) if v.id == selected.id), None)
            if row is not None:
                self.table.selectRow(row)
        self._update_buttons()

    def selected(self) -> UserView | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.views):
            return None
        return self.views[rows[0].row()]

    def _selection_changed(self) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        admin = may(self.ws.actor.role, Permission.MANAGE_USERS) and not self.linked
        chosen = self.selected()
        self.add_button.setEnabled(admin)
        self.edit_button.setEnabled(admin and chosen is not None)
        self.password_button.setEnabled(not self.linked and chosen is not None and (
            admin or chosen.is_me))

    # ------------------------------------------------------------ actions

    def add_user(self) -> None:
        UserEditDialog(self.ws, self.runner, None, parent=self).open()

    def edit_user(self) -> None:
        chosen = self.selected()
        if chosen is not None and self.edit_button.isEnabled():
            UserEditDialog(self.ws, self.runner, chosen, parent=self).open()

    def set_password(self) -> None:
        chosen = self.selected()
        if chosen is not None and self.password_button.isEnabled():
            PasswordDialog(self.ws, self.runner, chosen, parent=self).open()


def _save_or_cancel(dialog: QDialog, name: str) -> tuple[QDialogButtonBox, QPushButton]:
    """保存 (named ``name``, calling the dialog's save) and 取消."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                               | QDialogButtonBox.StandardButton.Cancel)
    save = buttons.button(QDialogButtonBox.StandardButton.Save)
    save.setText(dialog.tr("保存"))
    save.setObjectName(name)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(dialog.tr("取消"))
    buttons.accepted.connect(dialog.save)
    buttons.rejected.connect(dialog.reject)
    return buttons, save


class _FieldForm:
    """Edits in a form, each with its complaint on one line below it."""

    def __init__(self, form: QFormLayout) -> None:
        self.form = form
        self.problems: dict[UserField, QLabel] = {}

    def add(self, field: UserField, label: str, widget: QWidget) -> QWidget:
        problem = error_label(f"userProblem_{field.value}")
        problem.setWordWrap(True)
        box = QVBoxLayout()
        box.setSpacing(2)
        box.addWidget(widget)
        box.addWidget(problem)
        self.form.addRow(label, box)
        self.problems[field] = problem
        return widget

    def show(self, problems: dict[UserField | None, UserProblem]) -> None:
        for field, label in self.problems.items():
            problem = problems.get(field)
            label.setText(texts.problem_text(field, problem) if problem else "")
            label.setVisible(problem is not None)


class UserEditDialog(GuardedDialog):
    """添加用户 (with the first password) or 修改 (name, role, phone, whether active)."""

    def __init__(self, ws: Workstation, runner: TaskRunner, user: UserView | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws, self.runner, self.user = ws, runner, user
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setObjectName("userEditDialog")
        self.setWindowTitle(self.tr("添加用户") if user is None else self.tr("修改用户"))
        col = QVBoxLayout(self)
        form = form_layout()
        self.fields = _FieldForm(form)
        self.name = self.fields.add(UserField.NAME, self.tr("姓名 *"), QLineEdit())
        self.name.setObjectName("userName")
        self.login = QLineEdit()
        self.login.setObjectName("userLogin")
        self.role = QComboBox()
        self.role.setObjectName("userRole")
        for role in ROLES:
            self.role.addItem(messages.user_role_text(role), role)
        self.phone = QLineEdit()
        self.phone.setObjectName("userPhone")
        self.certificate = QLineEdit()
        self.certificate.setObjectName("userCertificate")
        self.password = QLineEdit()
        self.password.setObjectName("userPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setObjectName("userPasswordAgain")
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.active = QCheckBox(self.tr("可以登录（停用后不能登录，经办记录保留）"))
        self.active.setObjectName("userActive")
        self.login_edited = False
        self.suggester = LatestOnly(runner, self)
        if user is None:
            self.fields.add(UserField.LOGIN, self.tr("登录名 *"), self.login)
            self.login.setPlaceholderText(self.tr("按姓名拼音自动填写，可修改"))
            self.login.textEdited.connect(self._login_edited)
            self.name.textChanged.connect(self._suggest_login)
        self.fields.add(UserField.ROLE, self.tr("角色"), self.role)
        self.fields.add(UserField.PHONE, self.tr("电话"), self.phone)
        self.fields.add(UserField.CERTIFICATE_NO, self.tr("调解员证号"), self.certificate)
        if user is None:
            self.fields.add(UserField.PASSWORD, self.tr("登录密码 *"), self.password)
            form.addRow(self.tr("再次输入密码 *"), self.again)
        else:
            self.fields.add(UserField.ACTIVE, "", self.active)
            self.name.setText(user.name)
            self.role.setCurrentIndex(ROLES.index(user.role))
            self.phone.setText(user.phone)
            self.certificate.setText(user.certificate_no)
            self.active.setChecked(user.active)
        col.addLayout(form)
        self.general = error_label("userProblem")
        self.general.setWordWrap(True)
        col.addWidget(self.general)
        buttons, self.save_button = _save_or_cancel(self, "saveUser")
        col.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("汉") * 34)

    def _login_edited(self) -> None:
        self.login_edited = bool(self.login.text())

    def _suggest_login(self, name: str) -> None:
        if self.login_edited or not name.strip():
            return
        ws = self.ws
        self.suggester.query(lambda: office_users.suggest_login(ws, name),
                             name="suggest_login").success(self._suggested).run()

    def _suggested(self, login: str) -> None:
        if not self.login_edited:
            self.login.setText(login)

    def save(self) -> None:
        ws, user = self.ws, self.user
        role = UserRole(self.role.currentData())
        if user is None:
            if self.password.text() != self.again.text():
                self._show({UserField.PASSWORD: None}, self.tr("两次输入的密码不一致，请重新输入。"))
                return
            new = NewUser(self.name.text(), self.login.text(), role, self.password.text(),
                          self.phone.text(), self.certificate.text())
            work = lambda: office_users.add_user(ws, new)  # noqa: E731
        else:
            change = UserChange(self.name.text(), role, self.phone.text(),
                                self.certificate.text(), self.active.isChecked())
            work = lambda: office_users.update_user(ws, user.id, change)  # noqa: E731
        self.save_button.setEnabled(False)
        self.runner.op(self, work, name="save_user").success(lambda _c: self.accept()) \
            .failure(self._refused).run()

    def _refused(self, failure: TaskFailure) -> None:
        self.save_button.setEnabled(True)
        error = failure.error
        if isinstance(error, UserRefused):
            general = error.problems.get(None)
            self._show(error.problems,
                       texts.problem_text(None, general) if general is not None else "")
        else:
            self._show({}, messages.error_text(error))

    def _show(self, problems: dict, general: str) -> None:
        self.fields.show({f: p for f, p in problems.items() if f is not None and p is not None})
        if UserField.PASSWORD in problems and problems[UserField.PASSWORD] is None:
            self.fields.problems[UserField.PASSWORD].setText(general)
            self.fields.problems[UserField.PASSWORD].show()
            general = ""
        self.general.setText(general)
        self.general.setVisible(bool(general))
        self.adjustSize()


class PasswordDialog(QDialog):
    """设置登录密码: one's own (the current one asked, if any) or, for an administrator,
    a colleague's."""

    def __init__(self, ws: Workstation, runner: TaskRunner, user: UserView,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws, self.runner, self.user = ws, runner, user
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setObjectName("passwordDialog")
        self.setWindowTitle(self.tr("设置登录密码：{name}").format(name=user.name or user.login))
        col = QVBoxLayout(self)
        if not user.is_me:
            note = QLabel(self.tr("为同事重设密码后，请当面告诉对方，并请其登录后自行更改。"))
            note.setWordWrap(True)
            col.addWidget(note)
        form = form_layout()
        self.current = QLineEdit()
        self.current.setObjectName("currentPassword")
        self.current.setEchoMode(QLineEdit.EchoMode.Password)
        if user.is_me and user.has_password:
            form.addRow(self.tr("当前密码"), self.current)
        self.password = QLineEdit()
        self.password.setObjectName("newPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("至少{n}个字符").format(
            n=MIN_LENGTH))
        form.addRow(self.tr("新密码"), self.password)
        self.again = QLineEdit()
        self.again.setObjectName("newPasswordAgain")
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("再次输入"), self.again)
        col.addLayout(form)
        self.problem = error_label("passwordProblem")
        self.problem.setWordWrap(True)
        col.addWidget(self.problem)
        buttons, self.save_button = _save_or_cancel(self, "savePassword")
        col.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("汉") * 28)

    def save(self) -> None:
        if self.password.text() != self.again.text():
            self._say(self.tr("两次输入的密码不一致，请重新输入。"))
            return
        ws, user_id = self.ws, self.user.id
        password, current = self.password.text(), self.current.text() or None
        self.save_button.setEnabled(False)
        self.runner.op(self, lambda: office_users.set_password(
            ws, user_id, password, current=current), name="set_password") \
            .success(lambda _c: self.accept()).failure(self._refused).run()

    def _refused(self, failure: TaskFailure) -> None:
        self.save_button.setEnabled(True)
        self._say(messages.error_text(failure.error))

    def _say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(True)
        self.adjustSize()

