"""The dialogs around the encrypted store: the recovery code shown once, the passphrase
on a computer without a keyring, unlocking by passphrase or recovery code, and the
choice to encrypt a store made by an earlier version."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.store_keys import MIN_PASSPHRASE
from app.ui.forms import form_layout
from app.ui.operations.store_keys import UnlockRequest, unlock
from app.ui.tasks import Task, TaskFailure, TaskRunner

ERROR_STYLE = "color: #b42318"


def _label(text: str, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    return label


def _width(widget: QWidget, chars: int) -> None:
    """``chars`` Chinese characters wide, and tall enough for its wrapped labels at that
    width (a window's layout does not ask its labels' height for width by itself)."""
    layout = widget.layout()
    layout.activate()
    width = max(widget.fontMetrics().horizontalAdvance("汉") * chars,
                layout.minimumSize().width())
    height = (layout.heightForWidth(width) if layout.hasHeightForWidth()
              else layout.sizeHint().height())
    widget.setMinimumSize(width, height)
    widget.resize(width, height)


class RecoveryCodeDialog(QDialog):
    """The recovery code, shown once when a store's key is made. It closes only after
    the mediator says it is written down or printed."""

    def __init__(self, code: str, *, in_keyring: bool, data_dir: Path | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code = code
        self.data_dir = data_dir
        self.setObjectName("recoveryCodeDialog")
        self.setWindowTitle(self.tr("恢复码 — 请现在记下"))
        col = QVBoxLayout(self)
        where = (self.tr("数据文件已加密，密钥保存在本机的系统钥匙串中。") if in_keyring
                 else self.tr("数据文件已加密，每次启动时用您设置的启动密码解锁。"))
        col.addWidget(_label(where + self.tr(
            "\n\n下面的恢复码是打开数据的最后手段：更换电脑、重装系统、钥匙串被清除或"
            "忘记启动密码时，只有它能解锁数据。恢复码只显示这一次，软件不保存它。"
            "请抄写或打印，存放在电脑以外的安全地方。")))
        self.code_label = QLabel(code)
        self.code_label.setObjectName("recoveryCode")
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(max(font.pointSizeF(), 10) * 1.6)
        font.setWeight(QFont.Weight.Bold)
        self.code_label.setFont(font)
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code_label.setStyleSheet("padding: 12px; border: 1px solid #98a2b3;"
                                      "background: #f9fafb")
        col.addWidget(self.code_label)
        col.addWidget(_label(self.tr("输入时不区分大小写，短横线可省略。")))
        row = QDialogButtonBox()
        self.copy_button = row.addButton(self.tr("复制"), QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setObjectName("copyRecoveryCode")
        self.print_button = row.addButton(self.tr("打印…"),
                                          QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button.setObjectName("printRecoveryCode")
        self.copy_button.clicked.connect(self.copy)
        self.print_button.clicked.connect(self.print_code)
        col.addWidget(row)
        self.confirm = QCheckBox(self.tr("我已抄写或打印恢复码，并妥善保管"))
        self.confirm.setObjectName("recoveryCodeKept")
        col.addWidget(self.confirm)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.done_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.done_button.setText(self.tr("完成"))
        self.done_button.setEnabled(False)
        self.confirm.toggled.connect(self.done_button.setEnabled)
        buttons.accepted.connect(self.accept)
        col.addWidget(buttons)
        _width(self, 34)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.code)

    def document(self) -> QTextDocument:
        """The page printed: what the code is for, and the code."""
        doc = QTextDocument()
        doc.setHtml(self.tr(
            "<h2>调解工作台 数据恢复码</h2>"
            "<p>更换电脑、重装系统、系统钥匙串被清除或忘记启动密码时，"
            "用此恢复码解锁本机的调解数据。请与电脑分开存放，不要拍照或发送给他人。</p>"
            "<p style='font-size:20pt; font-family:monospace'><b>{code}</b></p>"
            "<p>数据文件夹：{folder}</p>").format(code=self.code, folder=self.data_dir or ""))
        return doc

    def print_code(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.document().print_(printer)

    def reject(self) -> None:
        # Esc or the close box: only once the code is kept (it is never shown again).
        if self.confirm.isChecked():
            self.accept()


class NewPassphraseDialog(QDialog):
    """A passphrase for a computer without a keyring: the data key is wrapped with it."""

    def __init__(self, *, reason: str = "no_keyring", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newPassphraseDialog")
        self.setWindowTitle(self.tr("更改启动密码") if reason == "change"
                            else self.tr("设置启动密码"))
        col = QVBoxLayout(self)
        if reason == "no_keyring":
            text = self.tr("数据文件将被加密。这台电脑没有可用的系统钥匙串，无法替您保存密钥，"
                           "请设置一个启动密码：每次打开调解工作台时输入它。")
        elif reason == "change":
            text = self.tr("请设置新的启动密码，以后启动时输入它"
                           "（原来的启动密码不再有效，恢复码不变）。")
        else:
            text = self.tr("已用恢复码解锁。请设置新的启动密码，以后启动时输入它"
                           "（原来的启动密码不再有效，恢复码不变）。")
        col.addWidget(_label(text))
        form = form_layout()
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("newPassphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setObjectName("newPassphraseAgain")
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("启动密码："), self.passphrase)
        form.addRow(self.tr("再次输入："), self.again)
        col.addLayout(form)
        col.addWidget(_label(self.tr("至少 {n} 个字符。忘记启动密码时可用恢复码解锁。").format(
            n=MIN_PASSPHRASE)))
        self.error_label = _label("", "passphraseProblem")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.hide()
        col.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("确定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            {"no_keyring": self.tr("退出"), "change": self.tr("取消")}.get(reason,
                                                                       self.tr("跳过")))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        col.addWidget(buttons)
        _width(self, 30)
        self.passphrase.setFocus(Qt.FocusReason.OtherFocusReason)

    def value(self) -> str:
        return self.passphrase.text()

    def _accept(self) -> None:
        problem = ""
        if len(self.passphrase.text()) < MIN_PASSPHRASE:
            problem = self.tr("启动密码至少需要 {n} 个字符。").format(n=MIN_PASSPHRASE)
        elif self.passphrase.text() != self.again.text():
            problem = self.tr("两次输入的启动密码不一致，请重新输入。")
        self.error_label.setText(problem)
        self.error_label.setVisible(bool(problem))
        _width(self, 30)
        if not problem:
            self.accept()


class UnlockDialog(QDialog):
    """The passphrase (or the recovery code) that unlocks an encrypted store. A wrong one
    is said plainly and may be tried again; nothing on disk changes."""

    def __init__(self, data_dir: Path, runner: TaskRunner, *, passphrase: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.runner = runner
        self.key: bytes | None = None
        self.used_recovery = False
        self.task: Task | None = None
        self.setObjectName("unlockDialog")
        self.setWindowTitle(self.tr("解锁数据文件"))
        col = QVBoxLayout(self)
        self.intro = _label("", "unlockIntro")
        col.addWidget(self.intro)
        self.secret = QLineEdit()
        self.secret.setObjectName("unlockSecret")
        col.addWidget(self.secret)
        self.error_label = _label("", "unlockProblem")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.hide()
        col.addWidget(self.error_label)
        self.switch_button = QPushButton(self.tr("忘记启动密码？使用恢复码"))
        self.switch_button.setObjectName("useRecoveryCode")
        self.switch_button.setFlat(True)
        self.switch_button.clicked.connect(lambda: self._set_mode(recovery=True))
        col.addWidget(self.switch_button, 0, Qt.AlignmentFlag.AlignLeft)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("解锁"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("退出"))
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        col.addWidget(buttons)
        col.addWidget(_label(self.tr("数据文件夹：{folder}").format(folder=self.data_dir)))
        _width(self, 32)
        self._set_mode(recovery=not passphrase)

    def _set_mode(self, *, recovery: bool) -> None:
        self.recovery = recovery
        self.secret.clear()
        self.error_label.hide()
        if recovery:
            self.intro.setText(self.tr(
                "数据文件已加密，这台电脑的系统钥匙串中没有它的密钥（更换了电脑、重装了系统"
                "或钥匙串被清除），或忘记了启动密码。\n请输入创建数据文件时记下的恢复码："))
            self.secret.setEchoMode(QLineEdit.EchoMode.Normal)
            self.secret.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
        else:
            self.intro.setText(self.tr("数据文件已加密。请输入启动密码："))
            self.secret.setEchoMode(QLineEdit.EchoMode.Password)
            self.secret.setPlaceholderText("")
        self.switch_button.setVisible(not recovery)
        self.secret.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.layout() is not None:
            _width(self, 32)

    def submit(self) -> None:
        if self.task is not None or not self.secret.text().strip():
            return
        self.ok_button.setEnabled(False)
        self.secret.setEnabled(False)
        request = UnlockRequest(self.data_dir, self.secret.text(), self.recovery)
        self.task = self.runner.query(self, lambda: unlock(request), name="unlock_store") \
            .success(self._on_done).failure(self._on_failed).run()

    def _finish_try(self) -> None:
        self.task = None
        self.ok_button.setEnabled(True)
        self.secret.setEnabled(True)
        self.secret.selectAll()
        self.secret.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_done(self, key: bytes | None) -> None:
        self._finish_try()
        if key is not None:
            self.key = key
            self.used_recovery = self.recovery
            self.accept()
            return
        self.error_label.setText(
            self.tr("恢复码不正确，请核对后重试（28 个字母和数字，短横线可省略）。"
                    "数据未做任何修改。") if self.recovery
            else self.tr("启动密码不正确，请重试。数据未做任何修改。"))
        self.error_label.show()
        _width(self, 32)

    def _on_failed(self, failure: TaskFailure) -> None:
        self._finish_try()
        self.error_label.setText(self.tr("无法读取密钥文件：{error}").format(
            error=failure.error))
        self.error_label.show()


class EncryptChoiceDialog(QDialog):
    """A plain store (made by an earlier version): encrypt it now, or later."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("encryptChoiceDialog")
        self.setWindowTitle(self.tr("加密数据文件"))
        col = QVBoxLayout(self)
        col.addWidget(_label(self.tr(
            "本机的数据文件尚未加密：电脑丢失或被盗时，当事人的姓名、电话、身份证号等"
            "个人信息可被直接读取。\n\n加密后，数据文件、备份和证据文件只能在本机"
            "（或凭恢复码）打开。加密会生成一个恢复码，请准备好纸笔或打印机。"
            "数据较多时需要几分钟，期间请勿关闭电脑。")))
        col.addWidget(_label(self.tr("数据文件：{path}").format(path=path)))
        buttons = QDialogButtonBox()
        self.encrypt_button = buttons.addButton(self.tr("加密（推荐）"),
                                                QDialogButtonBox.ButtonRole.AcceptRole)
        self.encrypt_button.setObjectName("encryptNow")
        self.encrypt_button.setDefault(True)
        self.later_button = buttons.addButton(self.tr("以后再说"),
                                              QDialogButtonBox.ButtonRole.RejectRole)
        self.later_button.setObjectName("encryptLater")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        col.addWidget(buttons)
        col.addWidget(_label(self.tr("以后也可在“设置 → 加密数据文件…”中加密。")))
        _width(self, 32)
