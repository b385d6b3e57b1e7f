"""常用语和模板: the built-in ones (read-only, can be copied) and the office's own, which
any mediator of the office can add, change and delete. Saved rows sync to the office."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.phrases import PhraseKind
from app.core.sessions import TextField
from app.services import sessions
from app.services.context import Workstation
from app.services.dto import Changes
from app.services.errors import ValidationFailed
from app.services.sessions import PhraseInput, PhraseView
from app.ui import messages
from app.ui.case.action_dialog import ERROR_COLOUR
from app.ui.case.sections import library_buttons
from app.ui.forms import form_layout
from app.ui.operations.sessions import PhraseBook, phrase_book
from app.ui.session import session_texts as texts
from app.ui.tasks import TaskFailure, TaskRunner

TEMPLATE_FIELDS = (TextField.EVIDENCE, TextField.PROPOSALS, TextField.RESPONSES,
                   TextField.NEXT_STEP)


class PhraseDialog(QDialog):

    def __init__(self, ws: Workstation, runner: TaskRunner, category: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.runner = runner
        self.category = category
        self.current: PhraseView | None = None
        self.setObjectName("phraseDialog")
        self.setWindowTitle(self.tr("常用语和模板"))
        em = self.fontMetrics().horizontalAdvance("汉")

        self.entries = QListWidget()
        self.entries.setObjectName("phraseEntries")
        self.entries.currentItemChanged.connect(self._selected)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel(self.tr("系统内置的（灰色）不能修改，可复制后修改。")))
        left_layout.addWidget(self.entries, 1)
        new_row = QHBoxLayout()
        self.new_phrase = QPushButton(self.tr("新建常用语"))
        self.new_phrase.setObjectName("newPhrase")
        self.new_phrase.clicked.connect(lambda: self.new(PhraseKind.PHRASE))
        self.new_template = QPushButton(self.tr("新建模板"))
        self.new_template.setObjectName("newTemplate")
        self.new_template.clicked.connect(lambda: self.new(PhraseKind.TEMPLATE))
        new_row.addWidget(self.new_phrase)
        new_row.addWidget(self.new_template)
        left_layout.addLayout(new_row)

        right = QWidget()
        form = form_layout(right)
        self.kind_label = QLabel()
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("phraseTitle")
        self.category_combo = QComboBox()
        self.category_combo.setObjectName("phraseCategory")
        self.category_combo.addItem(self.tr("全部类别"), "")
        if category:
            self.category_combo.addItem(category, category)
        self.field_combo = QComboBox()
        self.field_combo.setObjectName("phraseField")
        self.field_combo.addItem(self.tr("任意栏目"), "")
        for field, words in texts.TEXT_FIELDS.items():
            self.field_combo.addItem(messages.tr("Session", words), field.value)
        self.body_edit = QPlainTextEdit()
        self.body_edit.setObjectName("phraseBody")
        self.body_edit.setTabChangesFocus(True)
        self.template_edits: dict[str, QPlainTextEdit] = {}
        form.addRow(self.tr("类型"), self.kind_label)
        form.addRow(self.tr("标题"), self.title_edit)
        form.addRow(self.tr("适用类别"), self.category_combo)
        self.field_row_label = QLabel(self.tr("适用栏目"))
        form.addRow(self.field_row_label, self.field_combo)
        self.body_label = QLabel(self.tr("内容"))
        form.addRow(self.body_label, self.body_edit)
        for field in TEMPLATE_FIELDS:
            edit = QPlainTextEdit()
            edit.setObjectName(f"templateField_{field.value}")
            edit.setTabChangesFocus(True)
            edit.setMaximumHeight(em * 5)
            self.template_edits[field.value] = edit
            form.addRow(texts.part_text(field.value), edit)
        self.error = QLabel()
        self.error.setObjectName("phraseError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {ERROR_COLOUR}")
        form.addRow(self.error)
        buttons, self.copy_button, self.delete_button, self.save_button = library_buttons(
            self, copy=self.tr("复制为本单位的"), delete=self.tr("删除"), names="Phrase")
        self.copy_button.clicked.connect(self.copy_builtin)
        self.delete_button.clicked.connect(self.delete)
        self.save_button.clicked.connect(self.save)
        form.addRow(buttons)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 2)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(close)
        self.resize(em * 56, em * 38)
        self._editing_kind = PhraseKind.PHRASE
        self._show_kind(PhraseKind.PHRASE)
        self._set_editable(False)
        self.load()

    # ------------------------------------------------------------ list

    def load(self) -> None:
        ws, category = self.ws, self.category
        self.runner.query(self, lambda: phrase_book(ws, category)).success(self._show_book).run()

    def _show_book(self, book: PhraseBook, select_key: str | None = None) -> None:
        keep = select_key or (self.current.key if self.current else None)
        self.entries.clear()
        for entry in (*book.templates, *book.phrases):
            kind = self.tr("模板") if entry.kind is PhraseKind.TEMPLATE else self.tr("常用语")
            scope = entry.category or self.tr("全部类别")
            item = QListWidgetItem(f"［{kind}］{entry.title}　{scope}")
            item.setData(Qt.ItemDataRole.UserRole, entry)
            if entry.builtin:
                item.setForeground(self.palette().placeholderText())
            self.entries.addItem(item)
            if entry.key == keep:
                self.entries.setCurrentItem(item)

    def _selected(self, item: QListWidgetItem | None, _previous=None) -> None:
        self.error.clear()
        if item is None:
            return
        entry: PhraseView = item.data(Qt.ItemDataRole.UserRole)
        self.current = entry
        self._show_entry(entry)
        self._set_editable(not entry.builtin)
        self.copy_button.setEnabled(entry.builtin)

    def _show_entry(self, entry: PhraseView) -> None:
        self._show_kind(entry.kind)
        self.title_edit.setText(entry.title)
        index = self.category_combo.findData(entry.category)
        if index < 0:
            self.category_combo.addItem(entry.category, entry.category)
            index = self.category_combo.count() - 1
        self.category_combo.setCurrentIndex(index)
        self.field_combo.setCurrentIndex(max(0, self.field_combo.findData(entry.field)))
        self.body_edit.setPlainText(entry.body)
        for field, edit in self.template_edits.items():
            edit.setPlainText(entry.fields.get(field, ""))

    def _show_kind(self, kind: PhraseKind) -> None:
        self._editing_kind = kind
        template = kind is PhraseKind.TEMPLATE
        self.kind_label.setText(self.tr("模板") if template else self.tr("常用语"))
        for widget in (self.field_row_label, self.field_combo, self.body_label, self.body_edit):
            widget.setVisible(not template)
        form = self.body_edit.parentWidget().layout()
        for edit in self.template_edits.values():
            edit.setVisible(template)
            label = form.labelForField(edit)
            if label is not None:
                label.setVisible(template)

    def _set_editable(self, editable: bool) -> None:
        for widget in (self.title_edit, self.body_edit, *self.template_edits.values()):
            widget.setReadOnly(not editable)
        for widget in (self.category_combo, self.field_combo, self.save_button,
                       self.delete_button):
            widget.setEnabled(editable)

    # ------------------------------------------------------------ editing

    def new(self, kind: PhraseKind) -> None:
        self.entries.clearSelection()
        self.current = PhraseView("", kind, "", self.category, "", "", {}, builtin=False)
        self._show_entry(self.current)
        self._set_editable(True)
        self.delete_button.setEnabled(False)
        self.copy_button.setEnabled(False)
        self.title_edit.setFocus()

    def copy_builtin(self) -> None:
        if self.current is None or not self.current.builtin:
            return
        entry = self.current
        self.current = PhraseView("", entry.kind, entry.title, entry.category, entry.field,
                                  entry.body, dict(entry.fields), builtin=False)
        self._set_editable(True)
        self.delete_button.setEnabled(False)
        self.copy_button.setEnabled(False)
        self.title_edit.setFocus()

    def values(self) -> PhraseInput:
        template = self._editing_kind is PhraseKind.TEMPLATE
        return PhraseInput(
            kind=self._editing_kind, title=self.title_edit.text(),
            body="" if template else self.body_edit.toPlainText(),
            category=self.category_combo.currentData() or "",
            field="" if template else (self.field_combo.currentData() or ""),
            fields={k: e.toPlainText() for k, e in self.template_edits.items()}
            if template else None)

    def save(self) -> None:
        if self.current is None or self.current.builtin:
            return
        phrase_id = uuid.UUID(self.current.key) if self.current.key else None
        self.save_button.setEnabled(False)
        ws, values = self.ws, self.values()
        self.runner.op(self, lambda: sessions.save_phrase(ws, values, phrase_id)[1]) \
            .success(self._saved).failure(self._failed).run()

    def delete(self) -> None:
        if self.current is None or self.current.builtin or not self.current.key:
            return
        ws, phrase_id = self.ws, uuid.UUID(self.current.key)
        self.runner.op(self, lambda: sessions.delete_phrase(ws, phrase_id)) \
            .success(self._deleted).failure(self._failed).run()

    def _saved(self, changes: Changes) -> None:
        self.save_button.setEnabled(True)
        self.error.clear()
        title = self.title_edit.text().strip()
        self.current = None
        ws, category = self.ws, self.category
        self.runner.query(self, lambda: phrase_book(ws, category)) \
            .success(lambda book: self._select_title(book, title)).run()

    def _select_title(self, book: PhraseBook, title: str) -> None:
        mine = [e for e in (*book.templates, *book.phrases) if not e.builtin and e.title == title]
        self._show_book(book, mine[-1].key if mine else None)

    def _deleted(self, changes: Changes) -> None:
        self.current = None
        self.load()

    def _failed(self, failure: TaskFailure) -> None:
        self.save_button.setEnabled(True)
        error = failure.error
        if isinstance(error, ValidationFailed):
            self.error.setText(texts.problems_text(error.problems))
        else:
            self.error.setText(messages.error_text(error))
