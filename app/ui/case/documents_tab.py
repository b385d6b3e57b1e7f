"""文书: the case's documents — drafts made from the case, edited (the agreement in a
window of its own), finalised with a number, signed, voided, made again as a new
version — and printed through Qt's preview and print dialog or exported as the exact
PDF. All reads, renders and writes go through the task runner."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDir, QStandardPaths, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.core.documents import DocumentKind, DocumentState
from app.core.timeutil import china_today
from app.services import documents
from app.services.documents import DocumentProblem, DocumentRefused, DocumentView
from app.services.dto import CaseDetail, Changes
from app.ui import formatting
from app.ui.case.field_editors import WARNING_COLOUR
from app.ui.case.sections import error_label, note_label, value_label
from app.ui.documents import document_texts as texts
from app.ui.documents import printing
from app.ui.documents.agreement_editor import AgreementEditor
from app.ui.documents.document_dialogs import FieldsDialog, SignDialog, VoidDialog
from app.ui.documents.dossier_dialog import DossierDialog
from app.ui.operations import documents as ops
from app.ui.qtcompat import emit
from app.ui.queue.flow_layout import FlowLayout
from app.ui.tasks import LatestOnly, TaskFailure

if TYPE_CHECKING:
    from app.ui.case.host import CaseHost

RICH_EDITOR_KINDS = frozenset({DocumentKind.AGREEMENT, DocumentKind.ORAL_AGREEMENT})
DOC_ROLE = Qt.ItemDataRole.UserRole + 100


class DocumentsTab(QWidget):
    loaded = Signal()  # the list is on screen
    editor_opened = Signal(object)  # AgreementEditor
    dossier_opened = Signal(object)  # DossierDialog
    printed = Signal(int)  # sheets sent to the printer
    exported = Signal(object)  # Path
    print_ready = Signal(object)  # the preview or print dialog, open

    def __init__(self, owner: CaseHost) -> None:
        super().__init__()
        self.owner = owner
        self.case: CaseDetail | None = None
        self.documents: list[DocumentView] = []
        self.editors: dict[uuid.UUID, AgreementEditor] = {}
        self.current_dialog: QWidget | None = None
        self.printer_factory: Callable[[], QPrinter] = printing.new_printer
        self._printer: QPrinter | None = None
        self._reads = LatestOnly(owner.runner, self)
        self._pending_select: uuid.UUID | None = None
        em = self.fontMetrics().horizontalAdvance("汉")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(em, em, em, em)
        layout.setSpacing(em // 2)

        bar = QWidget()
        bar.setObjectName("documentButtons")
        flow = FlowLayout(bar, spacing=em // 3)
        # A push button with a menu keeps room for its arrow (a tool button's drew over
        # the text at 150 %).
        self.new_button = QPushButton(self.tr("新建文书"))
        self.new_button.setObjectName("newDocument")
        self.new_menu = QMenu(self.new_button)
        self.new_menu.setObjectName("newDocumentMenu")
        self.new_actions = {}
        for kind in texts.MENU_KINDS:
            action = self.new_menu.addAction(texts.kind_text(kind))
            action.setData(kind.value)
            action.triggered.connect(lambda _=False, k=kind: self.create(k))
            self.new_actions[kind] = action
        self.new_button.setMenu(self.new_menu)
        flow.addWidget(self.new_button)
        self.buttons: dict[str, QPushButton] = {}
        for name, text, slot in (
                ("edit", self.tr("编辑"), self.edit_selected),
                ("finalize", self.tr("定稿…"), self.ask_finalize),
                ("sign", self.tr("登记签署…"), self.ask_sign),
                ("void", self.tr("作废…"), self.ask_void),
                ("new_version", self.tr("新版本"), self.new_version),
                ("print", self.tr("打印…"), self.print_preview),
                ("export", self.tr("导出 PDF…"), self.export_selected),
                ("batch_print", self.tr("批量打印…"), self.batch_print)):
            button = QPushButton(text)
            button.setObjectName(f"document_{name}")
            button.clicked.connect(slot)
            flow.addWidget(button)
            self.buttons[name] = button
        layout.addWidget(bar)

        self.list = QListWidget()
        self.list.setObjectName("documentList")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setWordWrap(True)
        self.list.setSpacing(2)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.list.itemSelectionChanged.connect(self._selection_changed)
        self.list.itemDoubleClicked.connect(lambda _item: self.edit_selected())
        layout.addWidget(self.list, 1)
        self.empty = note_label(self.tr("尚无文书。点“新建文书”，文书内容会从案件中自动填入。"),
                                name="noDocuments")
        layout.addWidget(self.empty)
        self.detail = value_label("", name="documentDetail")
        layout.addWidget(self.detail)
        self.deadline = value_label("", name="confirmationDeadline")
        self.deadline.hide()
        layout.addWidget(self.deadline)
        self.error = error_label("documentError")
        layout.addWidget(self.error)
        self.status = note_label("", name="documentStatus")
        self.status.hide()
        layout.addWidget(self.status)
        self._selection_changed()

    # ------------------------------------------------------------ loading

    def show_case(self, case: CaseDetail) -> None:
        """Called by the case view whenever the case is (re)loaded."""
        if self.case is None or self.case.id != case.id:
            self.documents = []
            self.list.clear()
            self.error.hide()
            self.status.hide()
        self.case = case
        for kind, action in self.new_actions.items():  # the track's own papers
            action.setText(texts.kind_text(kind, case.track))
            action.setVisible(texts.offered(kind, case.track))
        self.reload()

    def kind_text(self, kind: DocumentKind) -> str:
        return texts.kind_text(kind, self.case.track if self.case is not None else None)

    def reload(self) -> None:
        if self.case is None:
            return
        ws, case_id = self.owner.ws, self.case.id
        self._reads.query(lambda: documents.list_documents(ws, case_id)) \
            .success(self._loaded).failure(self._failed).run()

    def _loaded(self, docs: list[DocumentView]) -> None:
        keep = {d.id for d in self.selected()}
        self.documents = docs
        self.list.blockSignals(True)
        self.list.clear()
        today = self.today()
        for doc in reversed(docs):  # newest first
            item = QListWidgetItem(self.line(doc, today))
            item.setData(DOC_ROLE, doc)
            if doc.confirmation_deadline and texts.deadline_is_near(doc.confirmation_deadline,
                                                                    today):
                item.setForeground(QBrush(QColor(WARNING_COLOUR)))
            if doc.state is DocumentState.VOID:
                font = item.font()
                font.setStrikeOut(True)
                item.setFont(font)
            self.list.addItem(item)
            item.setSelected(doc.id in keep)
        self.list.blockSignals(False)
        if self._pending_select is not None:
            self.select(self._pending_select)
            self._pending_select = None
        if not self.selected() and self.list.count():
            self.list.setCurrentRow(0)
        self.empty.setVisible(not docs)
        self.list.setVisible(bool(docs))
        self._selection_changed()
        emit(self.loaded)

    def today(self):
        return china_today(self.owner.ws.now())

    def line(self, doc: DocumentView, today) -> str:
        """Two lines: kind, number or 草稿 and version; state, signing and 司法确认."""
        first = "　".join([self.kind_text(doc.kind), texts.number_text(doc.number),
                          texts.version_text(doc.version_no)])
        second = [texts.state_text(doc.state)]
        if doc.signed_on:
            second.append(self.tr("签署 {d}").format(d=formatting.day(doc.signed_on)))
        if doc.confirmation_deadline:
            second.append(texts.deadline_text(doc.confirmation_deadline, today,
                                                 doc.confirmation_provisional))
        if doc.state is DocumentState.VOID and doc.void_reason:
            second.append(self.tr("作废原因：{r}").format(r=doc.void_reason))
        return first + "\n" + " · ".join(second)

    # ------------------------------------------------------------ selection

    def selected(self) -> list[DocumentView]:
        return [item.data(DOC_ROLE) for item in self.list.selectedItems()]

    def current(self) -> DocumentView | None:
        docs = self.selected()
        return docs[0] if len(docs) == 1 else None

    def select(self, doc_id: uuid.UUID) -> None:
        for n in range(self.list.count()):
            item = self.list.item(n)
            item.setSelected(item.data(DOC_ROLE).id == doc_id)
            if item.isSelected():
                self.list.setCurrentItem(item)

    def _selection_changed(self) -> None:
        docs = self.selected()
        doc = docs[0] if len(docs) == 1 else None
        state = doc.state if doc else None
        self.buttons["edit"].setEnabled(state is DocumentState.DRAFT)
        self.buttons["finalize"].setEnabled(state is DocumentState.DRAFT)
        self.buttons["sign"].setEnabled(state is DocumentState.FINAL)
        self.buttons["void"].setEnabled(doc is not None and state is not DocumentState.VOID)
        self.buttons["new_version"].setEnabled(
            doc is not None and state is not DocumentState.DRAFT)
        self.buttons["print"].setEnabled(doc is not None)
        self.buttons["export"].setEnabled(doc is not None)
        self.buttons["batch_print"].setEnabled(bool(docs))
        self._show_detail(doc)

    def _show_detail(self, doc: DocumentView | None) -> None:
        self.deadline.hide()
        if doc is None:
            self.detail.setText("")
            return
        if doc.state is DocumentState.DRAFT and doc.kind is DocumentKind.DOSSIER:
            self.detail.setText(self.tr(
                "点“编辑”查看卷宗的材料清单：必须的材料齐全或写明缺少原因后，可以归档（定稿）。"))
        elif doc.state is DocumentState.DRAFT:
            self.detail.setText(self.tr("尚缺：{fields}").format(
                fields=texts.fields_text(doc.missing)) if doc.missing
                else self.tr("内容已齐全，可以定稿。"))
        elif doc.finalized_at:
            self.detail.setText(self.tr("定稿于 {at}").format(
                at=formatting.china_datetime(doc.finalized_at)))
        else:
            self.detail.setText("")
        if doc.confirmation_deadline:
            today = self.today()
            self.deadline.setText(texts.deadline_text(doc.confirmation_deadline, today,
                                                     doc.confirmation_provisional))
            near = texts.deadline_is_near(doc.confirmation_deadline, today)
            self.deadline.setStyleSheet(f"color: {WARNING_COLOUR}; font-weight: bold;"
                                        if near else "")
            self.deadline.setToolTip(self.tr(
                "签署之日起三十日内，双方可共同向人民法院申请司法确认；截止日遇法定节假日顺延。"
                "截止日为周末时请向法院确认是否顺延。"))
            self.deadline.show()

    # ------------------------------------------------------------ messages

    def _show_error(self, text: str) -> None:
        self.status.hide()
        self.error.setText(text)
        self.error.show()

    def _show_status(self, text: str) -> None:
        self.error.hide()
        self.status.setText(text)
        self.status.show()

    def _failed(self, failure: TaskFailure) -> None:
        self._show_error(texts.error_text(failure.error))

    def _written(self, changes: Changes, status: str = "") -> None:
        if status:
            self._show_status(status)
        else:
            self.error.hide()
        self.owner.saved_here(changes)
        self.reload()

    # ------------------------------------------------------------ creating and editing

    def create(self, kind: DocumentKind) -> None:
        if self.case is None:
            return
        ws, case_id = self.owner.ws, self.case.id
        self.owner.runner.op(self, lambda: ops.create_draft(ws, case_id, kind)) \
            .success(self._created).failure(self._failed).run()

    def _created(self, result: tuple[DocumentView, Changes]) -> None:
        doc, changes = result
        self._written(changes, self.tr("已新建{kind}草稿。").format(kind=self.kind_text(doc.kind)))
        self._pending_select = doc.id
        if doc.kind in RICH_EDITOR_KINDS:
            self.open_editor(doc)

    def edit_selected(self) -> None:
        doc = self.current()
        if doc is None or doc.state is not DocumentState.DRAFT:
            return
        if doc.kind in RICH_EDITOR_KINDS:
            self.open_editor(doc)
            return
        if doc.kind is DocumentKind.DOSSIER:
            self.open_dossier(doc)
            return
        names = texts.SIMPLE_FIELDS.get(doc.kind, ())
        if not names:
            self._show_status(self.tr("{kind}的内容取自案件记录，无需在这里编辑。").format(
                kind=self.kind_text(doc.kind)))
            return
        dialog = FieldsDialog(doc, names, self)
        dialog.accepted.connect(lambda: self._save_fields(doc.id, dialog.values()))
        self.current_dialog = dialog
        dialog.open()

    def open_dossier(self, doc: DocumentView) -> DossierDialog:
        """The dossier's checklist, files, notice and remarks; saved when accepted."""
        dialog = DossierDialog(self.owner.ws, self.owner.runner, doc, self)
        dialog.accepted.connect(lambda: self._save_fields(doc.id, dialog.values()))
        self.current_dialog = dialog
        dialog.open()
        emit(self.dossier_opened, dialog)
        return dialog

    def open_editor(self, doc: DocumentView) -> AgreementEditor:
        editor = self.editors.get(doc.id)
        if editor is None:
            title = self.case.source_ticket if self.case else ""
            editor = AgreementEditor(self.owner.ws, self.owner.runner, doc, title)
            editor.closing.connect(self._editor_closing)
            editor.saved.connect(lambda changes: self.reload())
            editor.finalize_requested.connect(self._finalize_from_editor)
            self.editors[doc.id] = editor
            editor.show()
            emit(self.editor_opened, editor)
        editor.raise_()
        editor.activateWindow()
        return editor

    def _editor_closing(self, doc_id: uuid.UUID, fields: dict | None) -> None:
        self.editors.pop(doc_id, None)
        if fields is not None:  # the last change, saved on the write lane
            self._save_fields(doc_id, fields)

    def _save_fields(self, doc_id: uuid.UUID, fields: dict) -> None:
        ws = self.owner.ws
        self.owner.runner.op(self, lambda: documents.update_draft(ws, doc_id, fields)) \
            .success(self._written).failure(self._failed).run()

    def close_editors(self) -> None:
        for editor in list(self.editors.values()):
            editor.close()

    # ------------------------------------------------------------ the lifecycle

    def _finalize_from_editor(self, doc_id: uuid.UUID) -> None:
        editor = self.editors.get(doc_id)
        if editor is not None:
            editor.close()  # its last change goes to the write lane first
        self.select(doc_id)
        doc = next((d for d in self.documents if d.id == doc_id), None)
        if doc is not None:
            self.confirm_finalize(doc, check_missing=False)

    def ask_finalize(self) -> None:
        doc = self.current()
        if doc is None or doc.state is not DocumentState.DRAFT:
            return
        editor = self.editors.get(doc.id)
        if editor is not None:
            editor.close()
            self.confirm_finalize(doc, check_missing=False)
        else:
            self.confirm_finalize(doc, check_missing=True)

    def confirm_finalize(self, doc: DocumentView, *, check_missing: bool) -> None:
        if check_missing and doc.missing:
            self._show_error(texts.refused_text(
                DocumentRefused(DocumentProblem.MISSING_FIELDS, list(doc.missing))))
            return
        if doc.kind is DocumentKind.DOSSIER:
            title, verb = self.tr("归档"), self.tr("归档")
            question = self.tr("归档后卷宗内容不能再修改，本案不再列入“待归档”；如需改动只能作废后"
                               "重新立卷。\n确定归档吗？")
        else:
            title, verb = self.tr("定稿"), self.tr("定稿")
            question = self.tr(
                "定稿后「{kind}」将取得正式编号，内容不能再修改；如需改动只能作废后制作新版本。\n"
                "确定定稿吗？").format(kind=self.kind_text(doc.kind))
        box = QMessageBox(QMessageBox.Icon.Question, title, question,
                          QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("confirmFinalize")
        box.addButton(verb, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        box.accepted.connect(lambda: self.finalize(doc.id))
        self.current_dialog = box
        box.open()

    def finalize(self, doc_id: uuid.UUID, *, unverified_ack: bool = False) -> None:
        ws = self.owner.ws
        doc = next((d for d in self.documents if d.id == doc_id), None)
        done = self.tr("已归档。") if doc is not None and doc.kind is DocumentKind.DOSSIER \
            else self.tr("已定稿。")
        self.owner.runner.op(self, lambda: documents.finalize(
            ws, doc_id, rules_unverified_ack=unverified_ack)) \
            .success(lambda c: self._written(c, done)) \
            .failure(lambda f: self._finalize_failed(doc_id, f)).run()

    def _finalize_failed(self, doc_id: uuid.UUID, failure: TaskFailure) -> None:
        error = failure.error
        if not (isinstance(error, DocumentRefused)
                and error.problem == DocumentProblem.RULES_UNVERIFIED):
            self._failed(failure)
            return
        # The notice states a ground and its law from rules nobody has verified: said
        # plainly, and issued only if the mediator insists (the audit trail records it).
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("规则尚未核实"),
                          texts.refused_text(error), QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("rulesUnverified")
        box.setInformativeText(self.tr("如确需现在出具，可以仍然定稿：这一决定会记入案件历史。"))
        box.addButton(self.tr("仍然定稿（记录在案）"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        box.accepted.connect(lambda: self.finalize(doc_id, unverified_ack=True))
        self.current_dialog = box
        box.open()

    def ask_sign(self) -> None:
        doc = self.current()
        if doc is None or doc.state is not DocumentState.FINAL or self.case is None:
            return
        dialog = SignDialog(doc, self.today(), self)
        dialog.accepted.connect(lambda: self.sign(doc, dialog.date(), dialog.scan_path()))
        self.current_dialog = dialog
        dialog.open()

    def sign(self, doc: DocumentView, signed_on, scan_path: str = "") -> None:
        from app.ui import settings

        request = ops.SignRequest(doc.id, doc.case_id, signed_on, scan_path,
                                  max(1, settings.EVIDENCE_MAX_MEGABYTES.get()) * 1024 * 1024)
        ws = self.owner.ws
        self.owner.runner.op(self, lambda: ops.sign(ws, request)) \
            .success(lambda c: self._written(c, self.tr("已登记签署。"))) \
            .failure(self._failed).run()

    def ask_void(self) -> None:
        doc = self.current()
        if doc is None or doc.state is DocumentState.VOID:
            return
        dialog = VoidDialog(doc, self)
        dialog.accepted.connect(lambda: self.void(doc.id, dialog.text()))
        self.current_dialog = dialog
        dialog.open()

    def void(self, doc_id: uuid.UUID, reason: str) -> None:
        editor = self.editors.get(doc_id)
        if editor is not None:
            editor.closed = True  # nothing more is saved to a voided draft
            editor.close()
        ws = self.owner.ws
        self.owner.runner.op(self, lambda: documents.void(ws, doc_id, reason)) \
            .success(lambda c: self._written(c, self.tr("已作废。"))).failure(self._failed).run()

    def new_version(self) -> None:
        doc = self.current()
        if doc is None or doc.state is DocumentState.DRAFT:
            return
        ws, doc_id = self.owner.ws, doc.id
        self.owner.runner.op(self, lambda: ops.new_version(ws, doc_id)) \
            .success(self._created).failure(self._failed).run()

    # ------------------------------------------------------------ printing and export

    def _load_printables(self, docs: list[DocumentView], then: Callable) -> None:
        self._show_status(self.tr("正在准备打印…"))
        ids = tuple(d.id for d in docs)
        ws = self.owner.ws
        self.owner.runner.task(
            self, lambda state: ops.printables(ws, ids, printing.PREVIEW_DPI, state)) \
            .success(then).failure(self._failed).run()

    def _printer_for(self, items: list[ops.Printable]) -> QPrinter:
        """The printer, with the agreement's copies (one per party and one kept) as the
        default number when one agreement is printed."""
        printer = self.printer_factory()
        copies = 1
        if len(items) == 1 and items[0].doc.kind in RICH_EDITOR_KINDS:
            copies = int(items[0].doc.fields.get("copies") or 1)
        printing.prepare(printer, copies=copies, title="、".join(
            self.kind_text(i.doc.kind) + (i.doc.number or "") for i in items))
        self._printer = printer
        return printer

    def print_preview(self) -> None:
        doc = self.current()
        if doc is not None:
            self._load_printables([doc], self._open_preview)

    def _open_preview(self, items: list[ops.Printable]) -> None:
        self.status.hide()
        printer = self._printer_for(items)
        dialog = QPrintPreviewDialog(printer, self)
        dialog.setObjectName("printPreview")
        dialog.setWindowTitle(self.tr("打印预览"))
        dialog.paintRequested.connect(lambda p: self._paint_for_preview(p, items))
        # Our own 打印 / 关闭 under the pages (the toolbar's 打印 is its last button, and
        # hid behind "»" when the dialog was narrower than the toolbar), and the dialog
        # opened wide enough for the whole toolbar where the screen allows.
        toolbar = dialog.findChild(QToolBar)
        actions = [a for a in toolbar.actions() if not a.isSeparator()] if toolbar else []
        buttons = QDialogButtonBox()
        buttons.setObjectName("previewButtons")
        if actions:
            print_button = buttons.addButton(self.tr("打印…"),
                                             QDialogButtonBox.ButtonRole.AcceptRole)
            print_button.setObjectName("previewPrint")
            print_button.clicked.connect(actions[-1].trigger)
        close_button = buttons.addButton(self.tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        close_button.setObjectName("previewClose")
        close_button.clicked.connect(dialog.reject)
        dialog.layout().addWidget(buttons)
        em = self.fontMetrics().horizontalAdvance("汉")
        width = max(em * 50, (toolbar.sizeHint().width() + em * 2) if toolbar else 0)
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None:
            width = min(width, screen.width() - em * 2)
        dialog.resize(width, em * 44)
        self.current_dialog = dialog
        dialog.open()
        emit(self.print_ready, dialog)

    def _paint_for_preview(self, printer: QPrinter, items: list[ops.Printable]) -> None:
        try:
            sheets = printing.paint_pages(printer, items)
        except printing.PrintFailed as exc:
            self._show_error(self.tr("无法打印：{what}").format(what=str(exc)))
            return
        engine = printer.paintEngine()
        if engine is None or engine.type() != engine.Type.Picture:
            emit(self.printed, sheets)

    def batch_print(self) -> None:
        docs = self.selected()
        if docs:
            self._load_printables(docs, self._open_print_dialog)

    def _open_print_dialog(self, items: list[ops.Printable]) -> None:
        self.status.hide()
        printer = self._printer_for(items)
        dialog = QPrintDialog(printer, self)
        dialog.setObjectName("printDialog")
        dialog.setWindowTitle(self.tr("打印 {n} 份文书").format(n=len(items)))
        options = dialog.options() | QAbstractPrintDialog.PrintDialogOption.PrintCollateCopies
        pages = sum(len(i.page_sizes) for i in items)
        options |= QAbstractPrintDialog.PrintDialogOption.PrintPageRange
        dialog.setOptions(options)
        dialog.setMinMax(1, pages)
        dialog.accepted.connect(lambda: self._print(printer, items))
        self.current_dialog = dialog
        QDialog.open(dialog)  # QPrintDialog's own open() wants a receiver and a slot
        emit(self.print_ready, dialog)

    def _print(self, printer: QPrinter, items: list[ops.Printable]) -> None:
        self._show_status(self.tr("正在打印…"))
        self.owner.runner.task(
            self, lambda state: printing.paint_pages(printer, items, state=state)) \
            .success(self._printed).failure(self._print_failed).run()

    def _printed(self, sheets: int) -> None:
        self._show_status(self.tr("已送出打印：{n} 页。").format(n=sheets))
        emit(self.printed, sheets)

    def _print_failed(self, failure: TaskFailure) -> None:
        if isinstance(failure.error, printing.PrintFailed):
            self._show_error(self.tr("无法打印：打印机无法打开（{what}）。").format(
                what=str(failure.error)))
        else:
            self._failed(failure)

    def suggested_name(self, doc: DocumentView) -> str:
        number = doc.number or self.tr("草稿")
        return f"{self.kind_text(doc.kind)}{number}.pdf".replace("/", "-")

    def ask_save_path(self, doc: DocumentView) -> str:
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or QDir.homePath()
        target, _ = QFileDialog.getSaveFileName(
            self, self.tr("导出 PDF"), str(Path(folder) / self.suggested_name(doc)),
            self.tr("PDF 文件 (*.pdf)"))
        return target

    def export_selected(self) -> None:
        doc = self.current()
        if doc is None:
            return
        target = self.ask_save_path(doc)
        if not target:
            return
        ws, doc_id = self.owner.ws, doc.id
        self.owner.runner.query(self, lambda: ops.export_pdf(ws, doc_id, target)) \
            .success(self._exported).failure(self._failed).run()

    def _exported(self, path: Path) -> None:
        self._show_status(self.tr("已导出 {path}").format(
            path=QDir.toNativeSeparators(str(path))))
        emit(self.exported, path)
