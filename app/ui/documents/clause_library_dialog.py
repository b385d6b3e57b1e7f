"""设置 → 条款库: the agreement clauses the 添加条款 menu offers. The built-in ones are
read-only and can be copied; the office's own, which any mediator of the office adds,
changes and deletes, sync to every workstation of the office.

A clause's text shows its blanks by their Chinese names (``{付款方}``); a button per
blank puts one at the cursor, and the preview reads as the agreement will before the
blanks are filled in.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core import clauses as core
from app.core.clauses import ClauseBlank
from app.services import clauses
from app.services.clauses import ClauseField, ClauseInput, ClauseNotFound, ClauseRefused, ClauseView
from app.services.context import Workstation
from app.ui import messages
from app.ui.case.sections import (
    error_label,
    library_buttons,
    value_label,
    vertical_scroll,
    with_problem,
)
from app.ui.documents import clause_texts as texts
from app.ui.forms import form_layout
from app.ui.tasks import TaskFailure, TaskRunner

_NEW = ClauseView("", "", "", (), builtin=False)


class ClauseLibraryDialog(QDialog):

    def __init__(self, ws: Workstation, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws, self.runner = ws, runner
        self.current: ClauseView | None = None
        self.current_message: QMessageBox | None = None
        self._filling = False
        self.setObjectName("clauseLibraryDialog")
        self.setWindowTitle(self.tr("条款库"))
        em = self.fontMetrics().horizontalAdvance("汉")

        self.entries = QListWidget()
        self.entries.setObjectName("clauseEntries")
        self.entries.currentItemChanged.connect(self._selected)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        hint = QLabel(self.tr("内置条款不能修改，可复制为本机构条款后修改。"
                              "本机构条款同步给本机构的每位调解员。"))
        hint.setWordWrap(True)
        left_layout.addWidget(hint)
        left_layout.addWidget(self.entries, 1)
        self.new_button = QPushButton(self.tr("新建条款"))
        self.new_button.setObjectName("newClause")
        self.new_button.clicked.connect(self.new)
        left_layout.addWidget(self.new_button)

        right = QWidget()
        form = form_layout(right)
        form.setContentsMargins(em // 2, 0, 0, 0)
        self.kind_label = value_label("", name="clauseKind")
        form.addRow(self.tr("类型"), self.kind_label)
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("clauseTitle")
        self.title_edit.setPlaceholderText(self.tr("菜单中显示的名称，如“分期退款”"))
        box, title_problem = with_problem(self.title_edit, "clauseTitleProblem")
        form.addRow(texts.field_text(ClauseField.TITLE), box)
        self.body_edit = QPlainTextEdit()
        self.body_edit.setObjectName("clauseText")
        self.body_edit.setTabChangesFocus(True)
        self.body_edit.setPlaceholderText(self.tr(
            "如：{付款方}于{期限}前向{收款方}分两期退还{金额}。"))
        self.body_edit.textChanged.connect(self._update_preview)
        box, text_problem = with_problem(self.body_edit, "clauseTextProblem", wrap=True)
        form.addRow(texts.field_text(ClauseField.TEXT), box)
        self.problems = {ClauseField.TITLE: title_problem, ClauseField.TEXT: text_problem}
        self.blank_buttons: dict[ClauseBlank, QPushButton] = {}
        blanks = QGridLayout()
        blanks.setSpacing(4)
        for n, blank in enumerate(ClauseBlank):
            button = QPushButton(texts.blank_text(blank))
            button.setObjectName(f"insertBlank_{blank.value}")
            button.setToolTip(self.tr("在光标处插入“{blank}”，添加条款时再填写").format(
                blank=texts.braced(blank)))
            button.clicked.connect(lambda _=False, b=blank: self.insert_blank(b))
            blanks.addWidget(button, n // 4, n % 4)
            self.blank_buttons[blank] = button
        form.addRow(self.tr("插入填空"), blanks)
        self.preview = value_label("", name="clausePreview")
        self.preview.setMargin(em // 3)
        preview = vertical_scroll(self.preview, "clausePreviewScroll")
        preview.setFrameShape(QFrame.Shape.StyledPanel)
        lines = self.fontMetrics().lineSpacing()
        preview.setMinimumHeight(lines * 3 + em)
        preview.setMaximumHeight(lines * 6 + em)  # a long clause scrolls
        form.addRow(self.tr("预览"), preview)
        self.general = error_label("clauseProblem")
        form.addRow(self.general)
        buttons, self.copy_button, self.delete_button, self.save_button = library_buttons(
            self, copy=self.tr("复制为本机构条款"), delete=self.tr("删除…"), names="Clause")
        self.copy_button.clicked.connect(self.copy_builtin)
        self.delete_button.clicked.connect(self.ask_delete)
        self.save_button.clicked.connect(self.save)
        form.addRow(buttons)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([em * 20, em * 36])
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(close)
        self.resize(em * 66, em * 40)
        self._show(None)
        self.load()

    # ------------------------------------------------------------ the list

    def load(self, select_key: str | None = None) -> None:
        ws = self.ws
        self.runner.query(self, lambda: clauses.clause_library(ws)) \
            .success(lambda library: self._show_library(library, select_key)).run()

    def _show_library(self, library: list[ClauseView], select_key: str | None) -> None:
        keep = select_key or (self.current.key if self.current else None)
        self._filling = True
        self.entries.clear()
        builtin_tag = self.tr("内置")
        self._heading(self.tr("内置条款"))
        for clause in (c for c in library if c.builtin):
            self._entry(f"{clause.title}　〔{builtin_tag}〕", clause, grey=True)
        self._heading(self.tr("本机构条款"))
        own = [c for c in library if not c.builtin]
        for clause in own:
            self._entry(clause.title, clause)
        if not own:
            self._heading(self.tr("（还没有。可新建，或复制内置条款后修改）"), bold=False)
        self._filling = False
        chosen = next((i for i in self._items()
                       if (c := _clause_of(i)) is not None and c.key == keep), None)
        if chosen is not None:
            self.entries.setCurrentItem(chosen)
        elif self.current is not None and self.current.key:  # gone: deleted, here or elsewhere
            self._show(None)

    def _heading(self, text: str, *, bold: bool = True) -> None:
        item = QListWidgetItem(text)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)  # read, never chosen
        font = QFont(self.entries.font())
        font.setBold(bold)
        item.setFont(font)
        self.entries.addItem(item)

    def _entry(self, text: str, clause: ClauseView, *, grey: bool = False) -> None:
        item = QListWidgetItem("　" + text)
        item.setData(Qt.ItemDataRole.UserRole, clause)
        if grey:
            item.setForeground(self.palette().placeholderText())
        self.entries.addItem(item)

    def entry_titles(self) -> list[str]:
        """The clauses listed, built-in ones first, as the list shows their titles."""
        return [c.title for c in map(_clause_of, self._items()) if c is not None]

    def select(self, title: str, *, builtin: bool = False) -> None:
        item = next(i for i in self._items() if (c := _clause_of(i)) is not None
                    and c.title == title and c.builtin == builtin)
        self.entries.setCurrentItem(item)

    def _items(self) -> list[QListWidgetItem]:
        return [self.entries.item(n) for n in range(self.entries.count())]

    def _selected(self, item: QListWidgetItem | None, _previous=None) -> None:
        if self._filling:
            return
        clause = _clause_of(item)
        if clause is not None:
            self._show(clause)

    # ------------------------------------------------------------ the editor

    def _show(self, clause: ClauseView | None) -> None:
        """A clause in the editor (None: nothing chosen), editable if it is the office's."""
        self.current = clause
        self.title_edit.setText(clause.title if clause else "")
        self.body_edit.setPlainText(texts.shown(clause.text) if clause else "")
        editable = clause is not None and not clause.builtin
        if clause is None:
            kind = ""
        elif clause.builtin:
            kind = self.tr("内置条款（只读）")
        else:
            kind = self.tr("本机构条款") if clause.key else self.tr("本机构条款（新建，未保存）")
        self.kind_label.setText(kind)
        self.title_edit.setReadOnly(not editable)
        self.body_edit.setReadOnly(not editable)
        for button in self.blank_buttons.values():
            button.setEnabled(editable)
        self.save_button.setEnabled(editable)
        self.delete_button.setEnabled(editable and bool(clause and clause.key))
        self.copy_button.setEnabled(clause is not None and clause.builtin)
        self._clear_problems(general=False)

    def _update_preview(self) -> None:
        text = texts.stored(self.body_edit.toPlainText().strip())
        self.preview.setEnabled(bool(text))
        self.preview.setText(core.fill(text, {}) if text else self.tr("（正文为空）"))

    def insert_blank(self, blank: ClauseBlank) -> None:
        if self.body_edit.isReadOnly():
            return
        self.body_edit.insertPlainText(texts.braced(blank))
        self.body_edit.setFocus()

    def values(self) -> ClauseInput:
        return ClauseInput(self.title_edit.text(), texts.stored(self.body_edit.toPlainText()))

    def new(self) -> None:
        self.entries.setCurrentItem(None)
        self._show(_NEW)
        self.title_edit.setFocus()

    # ------------------------------------------------------------ writing

    def copy_builtin(self) -> None:
        if self.current is None or not self.current.builtin:
            return
        self._clear_problems()
        ws, key = self.ws, self.current.key
        self.runner.op(self, lambda: clauses.copy_builtin(ws, key)) \
            .success(lambda result: self.load(result[0].hex)).failure(self._failed).run()

    def save(self) -> None:
        if self.current is None or self.current.builtin:
            return
        self._clear_problems()
        self.save_button.setEnabled(False)
        ws, values, clause_id = self.ws, self.values(), self.current.id
        self.runner.op(self, lambda: clauses.save_clause(ws, values, clause_id)) \
            .success(self._saved).failure(self._failed).run()

    def _saved(self, result) -> None:
        self.save_button.setEnabled(True)
        self.load(result[0].hex)

    def ask_delete(self) -> None:
        if self.current is None or self.current.builtin or not self.current.key:
            return
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("删除条款"), self.tr(
            "删除条款“{title}”？\n本机构的其他调解员同步后也将不再看到它；"
            "已写进协议书的文字不受影响。").format(title=self.current.title),
            QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("confirmDeleteClause")
        box.addButton(self.tr("删除"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        clause_id = self.current.id
        box.accepted.connect(lambda: self.delete(clause_id))
        self.current_message = box
        box.open()

    def delete(self, clause_id: uuid.UUID) -> None:
        self._clear_problems()
        ws = self.ws
        self.runner.op(self, lambda: clauses.delete_clause(ws, clause_id)) \
            .success(lambda _changes: self.load()).failure(self._failed).run()

    def _failed(self, failure: TaskFailure) -> None:
        self.save_button.setEnabled(self.current is not None and not self.current.builtin)
        error = failure.error
        if isinstance(error, ClauseRefused):
            for field, problem in error.problems.items():
                label = self.problems[field]
                label.setText(texts.problem_text(field, problem, texts.shown(error.unknown)))
                label.show()
            (self.title_edit if ClauseField.TITLE in error.problems else self.body_edit
             ).setFocus()
            return
        self.general.setText(messages.error_text(error))
        self.general.show()
        if isinstance(error, ClauseNotFound):
            self.load()

    def _clear_problems(self, *, general: bool = True) -> None:
        for label in (*self.problems.values(), *((self.general,) if general else ())):
            label.clear()
            label.hide()


def _clause_of(item: QListWidgetItem | None) -> ClauseView | None:
    return item.data(Qt.ItemDataRole.UserRole) if item is not None else None
