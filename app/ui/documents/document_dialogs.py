"""The small dialogs of the 文书 tab: 登记签署 (date and the signed scan), 作废 (a reason
is required), and the plain form of a document kind without a rich editor."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QDir, QStandardPaths
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.documents import DocumentView
from app.ui.case.sections import error_label, note_label
from app.ui.case.time_edit import OneTabDateEdit
from app.ui.documents import document_texts as texts
from app.ui.forms import form_layout
from app.ui.typed_input import GuardedDialog


def _buttons(dialog: QDialog, ok_text: str, ok_name: str) -> tuple[QDialogButtonBox, QPushButton]:
    buttons = QDialogButtonBox()
    ok = buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
    ok.setObjectName(ok_name)
    buttons.addButton(dialog.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
    buttons.rejected.connect(dialog.reject)
    return buttons, ok


class SignDialog(GuardedDialog):
    """登记签署: the day the parties signed, and optionally the scan of the signed paper
    (kept with the case's evidence)."""

    def __init__(self, doc: DocumentView, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.setObjectName("signDialog")
        self.setWindowTitle(self.tr("登记签署"))
        layout = QVBoxLayout(self)
        layout.addWidget(note_label(self.tr(
            "各方当事人签名（盖章或按指印）、调解员签名并加盖调解委员会印章后，登记签署日期。"
            "调解协议书自签署之日起生效，可在三十日内共同申请司法确认。"), name="signHint"))
        form = form_layout()
        self.signed_on = OneTabDateEdit()
        self.signed_on.setObjectName("signedOn")
        self.signed_on.setCalendarPopup(True)
        self.signed_on.setDisplayFormat("yyyy-MM-dd")
        self.signed_on.setDate(QDate(today.year, today.month, today.day))
        self.signed_on.setMaximumDate(QDate(today.year, today.month, today.day))
        form.addRow(self.tr("签署日期"), self.signed_on)
        scan_row = QHBoxLayout()
        self.scan = QLineEdit()
        self.scan.setObjectName("scanPath")
        self.scan.setPlaceholderText(self.tr("可不选；选了会作为证据材料保存"))
        choose = QPushButton(self.tr("选择文件…"))
        choose.setObjectName("chooseScan")
        choose.clicked.connect(self.choose_scan)
        scan_row.addWidget(self.scan, 1)
        scan_row.addWidget(choose)
        form.addRow(self.tr("签署件扫描"), scan_row)
        layout.addLayout(form)
        self.error = error_label("signError")
        layout.addWidget(self.error)
        buttons, self.ok = _buttons(self, self.tr("登记签署"), "signOk")
        buttons.accepted.connect(self.submit)
        layout.addWidget(buttons)
        em = self.fontMetrics().horizontalAdvance("汉")
        self.resize(em * 30, self.sizeHint().height())

    def choose_scan(self) -> None:
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or QDir.homePath()
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择签署件扫描"), folder,
            self.tr("扫描件 (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;所有文件 (*)"))
        if path:
            self.scan.setText(QDir.toNativeSeparators(path))

    def date(self) -> date:
        q = self.signed_on.date()
        return date(q.year(), q.month(), q.day())

    def scan_path(self) -> str:
        return self.scan.text().strip()

    def submit(self) -> None:
        path = self.scan_path()
        if path and not Path(path).is_file():
            self.error.setText(self.tr("找不到扫描件：{path}").format(path=path))
            self.error.show()
            return
        self.accept()


class VoidDialog(GuardedDialog):
    """作废: the document stays readable and keeps its number; a reason is required."""

    def __init__(self, doc: DocumentView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.setObjectName("voidDialog")
        self.setWindowTitle(self.tr("作废文书"))
        layout = QVBoxLayout(self)
        what = texts.kind_text(doc.kind, doc.track) + (f" {doc.number}" if doc.number else "")
        layout.addWidget(note_label(self.tr(
            "作废后「{what}」仍可查看，编号不会再次使用。请写明作废原因。").format(what=what),
            name="voidHint"))
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("voidReason")
        self.reason.setPlaceholderText(self.tr("如：当事人姓名有误，已重新制作"))
        self.reason.setTabChangesFocus(True)
        self.reason.setMaximumHeight(self.fontMetrics().lineSpacing() * 5)
        layout.addWidget(self.reason)
        self.error = error_label("voidError")
        layout.addWidget(self.error)
        buttons, self.ok = _buttons(self, self.tr("作废"), "voidOk")
        buttons.accepted.connect(self.submit)
        layout.addWidget(buttons)
        em = self.fontMetrics().horizontalAdvance("汉")
        self.resize(em * 28, self.sizeHint().height())

    def text(self) -> str:
        return self.reason.toPlainText().strip()

    def submit(self) -> None:
        if not self.text():
            self.error.setText(self.tr("请填写作废原因。"))
            self.error.show()
            self.reason.setFocus()
            return
        self.accept()


class FieldsDialog(GuardedDialog):
    """The text fields of a notice, a record cover or a dossier: filled from the case,
    correctable here before the document is final."""

    def __init__(self, doc: DocumentView, names: tuple[str, ...],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.setObjectName("fieldsDialog")
        self.setWindowTitle(self.tr("编辑{kind}").format(kind=texts.kind_text(doc.kind, doc.track)))
        layout = QVBoxLayout(self)
        layout.addWidget(note_label(self.tr("其余内容取自案件，在案件中修改。"), name="fieldsHint"))
        form = form_layout()
        self.edits: dict[str, QLineEdit | QPlainTextEdit] = {}
        for name in names:
            value = str(doc.fields.get(name) or "")
            if name in texts.MULTILINE_FIELDS:
                edit: QLineEdit | QPlainTextEdit = QPlainTextEdit(value)
                edit.setTabChangesFocus(True)
                edit.setMaximumHeight(edit.fontMetrics().lineSpacing() * 6)
            else:
                edit = QLineEdit(value)
            edit.setObjectName(f"field_{name}")
            form.addRow(texts.field_text(name, doc.track), edit)
            self.edits[name] = edit
        layout.addLayout(form)
        buttons, self.ok = _buttons(self, self.tr("保存"), "fieldsOk")
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        em = self.fontMetrics().horizontalAdvance("汉")
        self.resize(em * 32, self.sizeHint().height())

    def values(self) -> dict[str, Any]:
        return {name: (e.toPlainText() if isinstance(e, QPlainTextEdit) else e.text()).strip()
                for name, e in self.edits.items()}
