"""Where the central database is and who logs in: the form shared by the first-run
dialog and the connection settings. Server, port, database and login (or a connection
address typed whole), the password (masked), the TLS mode and root certificate, and
记住密码 when this computer has a system password store — or, when it has none, a
plain sentence saying why the password will be asked each session."""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app.services import central_address, credentials
from app.services.central_address import ServerFields
from app.sync.central import SSL_MODES, CentralConfig, CentralError
from app.ui.forms import form_layout

SSL_MODE_TEXT = {
    "disable": "不加密（disable）",
    "allow": "尽量不加密（allow）",
    "prefer": "优先加密（prefer，本机上的数据库默认）",
    "require": "必须加密（require，默认）",
    "verify-ca": "加密并验证证书（verify-ca）",
    "verify-full": "加密并验证证书和服务器名（verify-full）",
}


class FormProblem(Exception):
    def __init__(self, message: str, widget: QWidget | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.widget = widget


@dataclass(frozen=True)
class ConnectionInput:
    config: CentralConfig
    password: str | None
    login: str
    remember: bool


class ConnectForm(QWidget):
    def __init__(self, parent: QWidget | None = None, *,
                 keyring_ok: bool | None = None) -> None:
        super().__init__(parent)
        self.keyring_ok = credentials.keyring_available() if keyring_ok is None \
            else keyring_ok
        self.use_url = QCheckBox(self.tr("直接填写连接地址（URL）"))
        self.use_url.setObjectName("useUrl")
        self.host = QLineEdit()
        self.host.setObjectName("host")
        self.host.setPlaceholderText(self.tr("例如 db.pudong.gov.cn 或 10.0.0.5"))
        self.port = QSpinBox()
        self.port.setObjectName("port")
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.database = QLineEdit("mediation")
        self.database.setObjectName("database")
        self.url = QLineEdit()
        self.url.setObjectName("url")
        self.url.setPlaceholderText("postgresql://登录名@服务器:5432/mediation")
        self.url.setToolTip(self.tr("PostgreSQL：postgresql://登录名@服务器:端口/数据库\n"
                                    "共享文件：sqlite:////路径/central.sqlite"))
        self.login = QLineEdit()
        self.login.setObjectName("login")
        self.login.setPlaceholderText(self.tr("管理员分配的登录名，例如 zhangmin"))
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.sslmode = QComboBox()
        self.sslmode.setObjectName("sslmode")
        for mode in SSL_MODES:
            self.sslmode.addItem(self.tr(SSL_MODE_TEXT[mode]), mode)
        # Until the user picks a mode it follows the server: require, or prefer when
        # the database is on this computer (nothing crosses a network).
        self._sslmode_auto = True
        self.sslmode.activated.connect(self._sslmode_chosen)
        self.rootcert = QLineEdit()
        self.rootcert.setObjectName("rootcert")
        self.rootcert.setPlaceholderText(self.tr("可选：单位提供的根证书文件（.crt / .pem）"))
        browse = QPushButton(self.tr("浏览…"))
        browse.setObjectName("browseRootcert")
        browse.clicked.connect(self._pick_rootcert)
        cert_row = QHBoxLayout()
        cert_row.setContentsMargins(0, 0, 0, 0)
        cert_row.addWidget(self.rootcert, 1)
        cert_row.addWidget(browse)
        cert_box = QWidget()
        cert_box.setLayout(cert_row)
        self.remember = QCheckBox(self.tr("记住密码（保存在系统密码库中）"))
        self.remember.setObjectName("rememberPassword")
        self.remember.setChecked(True)
        self.keyring_note = QLabel(self.tr(
            "本机没有可用的系统密码库（如 Windows 凭据管理器、macOS 钥匙串或 GNOME 密钥环），"
            "为安全起见密码不会保存在文件中，每次打开调解工作台时需要重新输入密码。"))
        self.keyring_note.setObjectName("noKeyringNote")
        self.keyring_note.setWordWrap(True)
        self.remember.setVisible(self.keyring_ok)
        self.keyring_note.setVisible(not self.keyring_ok)

        # One box for the text the administrator sent (an address, a libpq string or
        # lines of 服务器：… 登录名：…): it fills every field below.
        self.pasted = QPlainTextEdit()
        self.pasted.setObjectName("pastedConnection")
        self.pasted.setTabChangesFocus(True)
        self.pasted.setPlaceholderText(self.tr("可将管理员发来的连接信息整段粘贴到这里"))
        self.pasted.setFixedHeight(self.fontMetrics().height() * 3 + 12)
        self.fill_button = QPushButton(self.tr("填入各项"))
        self.fill_button.setObjectName("fillFromPasted")
        self.fill_button.clicked.connect(self.fill_from_pasted)
        self.pasted_problem = QLabel()
        self.pasted_problem.setObjectName("pastedProblem")
        self.pasted_problem.setStyleSheet("color: #b42318")
        self.pasted_problem.setWordWrap(True)
        paste_row = QHBoxLayout()
        paste_row.setContentsMargins(0, 0, 0, 0)
        paste_row.addWidget(self.pasted, 1)
        paste_row.addWidget(self.fill_button)
        paste_box = QWidget()
        paste_box.setLayout(paste_row)

        self.form = form_layout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.addRow(self.tr("连接信息："), paste_box)
        self.form.addRow("", self.pasted_problem)
        self.form.setRowVisible(self.pasted_problem, False)
        self.form.addRow(self.tr("服务器："), self.host)
        self.form.addRow(self.tr("端口："), self.port)
        self.form.addRow(self.tr("数据库："), self.database)
        self.form.addRow(self.tr("连接地址："), self.url)
        self.form.addRow("", self.use_url)
        self.form.addRow(self.tr("登录名："), self.login)
        self.form.addRow(self.tr("密码："), self.password)
        self.form.addRow(self.tr("加密方式："), self.sslmode)
        self.form.addRow(self.tr("根证书："), cert_box)
        self.form.addRow("", self.remember)
        self.form.addRow("", self.keyring_note)
        self.use_url.toggled.connect(self._url_mode)
        self.host.textChanged.connect(self._follow_server)
        self.url.textChanged.connect(self._follow_server)
        self._url_mode(False)

    def _url_mode(self, on: bool) -> None:
        for widget in (self.host, self.port, self.database):
            self.form.setRowVisible(widget, not on)
        self.form.setRowVisible(self.url, on)
        self._follow_server()

    def _sslmode_chosen(self, _index: int) -> None:
        self._sslmode_auto = False

    def _follow_server(self) -> None:
        if not self._sslmode_auto:
            return
        if self.use_url.isChecked():
            mode = central_address.sslmode_for_address(self.url.text())
        else:
            mode = central_address.sslmode_for_host(self.host.text())
        self.sslmode.setCurrentIndex(SSL_MODES.index(mode))

    def _pick_rootcert(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择根证书"), self.rootcert.text(),
            self.tr("证书文件 (*.crt *.pem *.cer);;所有文件 (*)"))
        if path:
            self.rootcert.setText(path)

    def fill_from_pasted(self) -> bool:
        """Fill the fields from the pasted text; its password goes into the masked field
        and the box is emptied, so the password is not left on screen."""
        try:
            pasted = central_address.read_connection_text(self.pasted.toPlainText())
        except CentralError:
            self.pasted_problem.setText(self.tr(
                "没有看出服务器地址。请粘贴管理员发来的完整连接信息，例如“服务器：db.example.cn”"
                "“登录名：zhangmin”，或 postgresql://zhangmin@服务器:5432/mediation。"))
            self.form.setRowVisible(self.pasted_problem, True)
            return False
        self.form.setRowVisible(self.pasted_problem, False)
        if pasted.fields is not None:
            self.use_url.setChecked(False)
            self.host.setText(pasted.fields.host)
            self.port.setValue(pasted.fields.port)
            if pasted.fields.database:
                self.database.setText(pasted.fields.database)
        else:
            self.use_url.setChecked(True)
            self.url.setText(pasted.address)
        if pasted.login:
            self.login.setText(pasted.login)
        if pasted.password:
            self.password.setText(pasted.password)
        if pasted.sslmode in SSL_MODES:
            self._sslmode_auto = False
            self.sslmode.setCurrentIndex(SSL_MODES.index(pasted.sslmode))
        if pasted.sslrootcert:
            self.rootcert.setText(pasted.sslrootcert)
        self.pasted.clear()
        return True

    # ------------------------------------------------------------ values

    def set_config(self, config: CentralConfig, login: str = "") -> None:
        """Fill the form from a saved connection (never with a password)."""
        fields = central_address.server_fields(config)
        if fields is not None:
            self.use_url.setChecked(False)
            self.host.setText(fields.host)
            self.port.setValue(fields.port)
            self.database.setText(fields.database)
        else:
            self.use_url.setChecked(True)
        self.url.setText(config.url)
        self.login.setText(login or config.login)
        self._sslmode_auto = not config.sslmode
        if config.sslmode:
            self.sslmode.setCurrentIndex(max(0, self.sslmode.findData(config.sslmode)))
        else:
            self._follow_server()
        self.rootcert.setText(config.sslrootcert)

    def lock_login(self) -> None:
        """A linked workstation keeps its login: only the way to the server may change."""
        self.login.setReadOnly(True)
        self.login.setToolTip(self.tr("本机已绑定此登录名；要换人使用，请用新的数据文件夹。"))

    def value(self, *, require_password: bool = True) -> ConnectionInput:
        """What the form says, checked; FormProblem names what is missing. A password
        typed inside the address is taken out of it (and into the masked field) here,
        before anything keeps or shows the address."""
        login = self.login.text().strip()
        sslmode = self.sslmode.currentData() or ""
        rootcert = self.rootcert.text().strip()
        password: str | None = self.password.text() or None
        if self.use_url.isChecked():
            text = self.url.text().strip()
            if not text:
                raise FormProblem(self.tr("请填写连接地址。"), self.url)
            try:
                typed = central_address.read_address(
                    text, "" if self._sslmode_auto else sslmode, rootcert, login)
            except CentralError:
                raise FormProblem(self.tr("连接地址无法识别，请检查格式，例如 "
                                          "postgresql://zhangmin@服务器:5432/mediation"),
                                  self.url) from None
            inline = typed.password
            if inline and not password:
                self.password.setText(inline)
            password = password or inline
            if typed.shown != text:
                self.url.setText(typed.shown)  # the address without its password
            config, login = typed.config, typed.login
        else:
            host = self.host.text().strip()
            database = self.database.text().strip()
            if not host:
                raise FormProblem(self.tr("请填写服务器地址。"), self.host)
            if not database:
                raise FormProblem(self.tr("请填写数据库名。"), self.database)
            if not login:
                raise FormProblem(self.tr("请填写登录名。"), self.login)
            config = central_address.config_from_fields(
                ServerFields(host, self.port.value(), database), login, sslmode, rootcert)
        if not login:
            raise FormProblem(self.tr("请填写登录名。"), self.login)
        if require_password and config.needs_password and not password:
            raise FormProblem(self.tr("请填写密码。"), self.password)
        if not config.sslmode and config.needs_password:
            config = replace(config, sslmode=config.effective_sslmode)
        return ConnectionInput(config, password, login,
                               self.keyring_ok and self.remember.isChecked())

    def set_enabled(self, enabled: bool) -> None:
        for child in self.findChildren(QWidget):
            child.setEnabled(enabled)
