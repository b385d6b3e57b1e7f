"""Forms whose fields carry their own messages: the intake dialog and the in-place
editors of the case view build on ``FieldForm``.

A field is a caption, an input widget, an optional hint and a message line right under
the input. ``show_problems({key: text})`` puts the service's (or a live check's) words
beside the field they concern and never touches what the user typed. Live checks run
when the user leaves a field (USCC, ID number, phone) and may warn without refusing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QDateTime, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateEdit,
    QDateTimeEdit,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QWidget,
)

from app.core import validation
from app.services.errors import FieldProblem, StaleCase, ValidationFailed
from app.ui import messages
from app.ui.case.action_dialog import (
    ERROR_COLOUR,
    ChoiceCombo,
    changed_signal,
    field_box,
    required_label,
)
from app.ui.case.time_edit import OneTabDateEdit
from app.ui.forms import form_layout

WARNING_COLOUR = "#b54708"


@dataclass(frozen=True)
class Check:
    """What a live check says about a value: an error refuses, a warning only tells."""

    error: str = ""
    warning: str = ""


LiveCheck = Callable[[str], Check]


# ------------------------------------------------------------------ live checks


def _problem(problem: FieldProblem) -> str:
    return messages.field_problem_text(problem)


def check_phone(raw: str) -> Check:
    if not raw.strip():
        return Check()
    if not validation.check_phone(raw).valid:
        return Check(error=_problem(FieldProblem.INVALID_PHONE))
    return Check()


def check_resident_id(raw: str) -> Check:
    if not raw.strip():
        return Check()
    result = validation.check_resident_id(raw)
    if validation.IdError.LOOKS_LIKE_EXCEL_NUMBER in result.errors:
        return Check(error=messages.tr(
            "FieldCheck", "号码像是被表格软件当作数字处理过，末几位可能已丢失，请按原件重新录入"))
    if not result.valid:
        return Check(error=_problem(FieldProblem.INVALID_ID))
    if validation.IdWarning.UNKNOWN_REGION in result.warnings:
        return Check(warning=messages.tr(
            "FieldCheck", "前六位行政区划代码不在已知列表中（或在出生前已撤销），请与证件核对"))
    if validation.IdWarning.LEGACY_15_DIGIT in result.warnings:
        return Check(warning=messages.tr("FieldCheck", "15 位旧号码，将按 18 位号码保存"))
    return Check()


def check_uscc(raw: str) -> Check:
    if not raw.strip():
        return Check()
    if not validation.check_uscc(raw).valid:
        return Check(error=_problem(FieldProblem.INVALID_USCC))
    return Check()


def check_amount(raw: str) -> Check:
    from app.core.errors import DomainError
    from app.core.money import parse_amount

    if not raw.strip():
        return Check()
    try:
        parse_amount(raw)
    except DomainError:
        return Check(error=_problem(FieldProblem.INVALID_AMOUNT))
    return Check()


# ------------------------------------------------------------------ widgets


def line_edit(placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setClearButtonEnabled(True)
    return edit


def text_edit(placeholder: str = "", lines: int = 3) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)
    line = edit.fontMetrics().lineSpacing()
    edit.setMinimumHeight(line * lines + 12)
    edit.setMaximumHeight(line * lines * 2 + 12)  # long text scrolls inside
    edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    return edit


def editable_combo(items: Iterable[str], placeholder: str = "") -> QComboBox:
    """A combo of known values that also takes a new one typed in."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.addItems(list(items))
    combo.setCurrentIndex(-1)
    combo.lineEdit().setPlaceholderText(placeholder)
    combo.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    combo.completer().setFilterMode(Qt.MatchFlag.MatchContains)
    combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return combo


def set_combo_items(combo: QComboBox, items: Iterable[str]) -> None:
    """Refill an editable combo, keeping what is typed in it."""
    text = combo.currentText()
    blocked = combo.blockSignals(True)  # not an edit: keep the field's message
    combo.clear()
    combo.addItems(list(items))
    combo.setCurrentIndex(-1)
    combo.setEditText(text)
    combo.blockSignals(blocked)


def date_edit(value: date | None = None) -> QDateEdit:
    edit = OneTabDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setSpecialValueText(" ")  # the minimum date reads as "not set"
    edit.setMinimumDate(QDate(1890, 1, 1))
    set_value(edit, value)
    return edit


TAG_SEPARATORS = (",", "，", "、", ";", "；")


def split_tags(text: str) -> tuple[str, ...]:
    for sep in TAG_SEPARATORS[1:]:
        text = text.replace(sep, ",")
    seen: dict[str, None] = {}
    for tag in text.split(","):
        if tag.strip():
            seen.setdefault(tag.strip(), None)
    return tuple(seen)


def join_tags(tags: Iterable[str]) -> str:
    return "、".join(tags)


def value_of(widget: QWidget) -> Any:
    """What an input holds, as the services take it (text stripped; None for no date)."""
    if isinstance(widget, ChoiceCombo):
        return widget.value()
    if isinstance(widget, QComboBox):
        return widget.currentText().strip()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText().strip()
    if isinstance(widget, QDateEdit):
        d = widget.date()
        return None if d == widget.minimumDate() else d.toPython()
    if isinstance(widget, QDateTimeEdit):
        return widget.dateTime().toPython()
    if isinstance(widget, QLineEdit):
        return widget.text().strip()
    raise TypeError(f"no value for {type(widget).__name__}")


def set_value(widget: QWidget, value: Any) -> None:
    if isinstance(widget, ChoiceCombo):
        if value is None or not widget.select(value):
            widget.setCurrentIndex(-1)
    elif isinstance(widget, QComboBox):
        widget.setEditText("" if value is None else str(value))
    elif isinstance(widget, QPlainTextEdit):
        widget.setPlainText("" if value is None else str(value))
    elif isinstance(widget, QDateEdit):
        widget.setDate(QDate(value) if value else widget.minimumDate())
    elif isinstance(widget, QDateTimeEdit):
        widget.setDateTime(QDateTime(value))
    elif isinstance(widget, QLineEdit):
        widget.setText("" if value is None else str(value))
    else:
        raise TypeError(f"cannot set {type(widget).__name__}")


# ------------------------------------------------------------------ the form


class FieldForm(QWidget):
    """Captioned fields in a form layout, each with a message line beside it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = form_layout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.fields: dict[str, QWidget] = {}
        self.captions: dict[str, QLabel] = {}
        self._messages: dict[str, QLabel] = {}
        self._boxes: dict[str, QWidget] = {}
        self._checks: dict[str, LiveCheck] = {}

    def add(self, key: str, label: str, widget: QWidget, *, required: bool = False,
            hint: str = "", check: LiveCheck | None = None) -> QWidget:
        box, message = field_box(key, widget, hint)
        caption = QLabel()
        caption.setTextFormat(Qt.TextFormat.RichText)
        caption.setBuddy(widget)
        # The caption is the box's neighbour, not the widget's: Qt's accessibility finds
        # no buddy for it, so a screen reader is told the name here.
        if not widget.accessibleName():
            widget.setAccessibleName(label)
        self.form.addRow(caption, box)
        widget.setObjectName(widget.objectName() or f"field_{key}")
        self.fields[key] = widget
        self.captions[key] = caption
        self._messages[key] = message
        self._boxes[key] = box
        self.set_required(key, required, label)
        if check is not None:
            self._checks[key] = check
            if isinstance(widget, QLineEdit):
                widget.editingFinished.connect(lambda k=key: self.run_check(k))
        signal = changed_signal(widget)
        if signal is not None:
            # Typing again clears an error about the old text; the check runs on leaving.
            signal.connect(lambda *_, k=key: self._clear_if_error(k))
        return widget

    def set_required(self, key: str, required: bool, label: str | None = None) -> None:
        caption = self.captions[key]
        text = label if label is not None else caption.property("plainCaption")
        caption.setProperty("plainCaption", text)
        caption.setText(required_label(text) if required else text)

    def set_row_visible(self, key: str, visible: bool) -> None:
        self.form.setRowVisible(self._boxes[key], visible)

    def value(self, key: str) -> Any:
        return value_of(self.fields[key])

    def values(self, keys: Iterable[str] | None = None) -> dict[str, Any]:
        return {k: value_of(self.fields[k]) for k in (keys or self.fields)}

    def set_values(self, values: Mapping[str, Any]) -> None:
        for key, value in values.items():
            if key in self.fields:
                set_value(self.fields[key], value)
        self.clear_messages()

    # ------------------------------------------------------------ messages

    def _show(self, key: str, text: str, colour: str, kind: str) -> None:
        label = self._messages[key]
        label.setText(text)
        label.setStyleSheet(f"color: {colour};")
        label.setProperty("kind", kind)
        label.setVisible(bool(text))

    def _clear_if_error(self, key: str) -> None:
        if self._messages[key].property("kind") == "error":
            self._show(key, "", ERROR_COLOUR, "")

    def run_check(self, key: str) -> Check:
        check = self._checks.get(key)
        if check is None:
            return Check()
        result = check(str(self.value(key) or ""))
        if result.error:
            self._show(key, result.error, ERROR_COLOUR, "error")
        elif result.warning:
            self._show(key, result.warning, WARNING_COLOUR, "warning")
        else:
            self._show(key, "", ERROR_COLOUR, "")
        return result

    def check_all(self) -> dict[str, str]:
        """Run every live check; the errors found, by field."""
        return {k: r.error for k in self._checks if (r := self.run_check(k)).error}

    def show_problems(self, problems: Mapping[str, str]) -> None:
        """Errors beside their fields (others cleared); focus goes to the first one."""
        for key in self._messages:
            if key in problems:
                self._show(key, problems[key], ERROR_COLOUR, "error")
            elif self._messages[key].property("kind") == "error":
                self._show(key, "", ERROR_COLOUR, "")
        first = next((k for k in self.fields if k in problems), None)
        if first is not None:
            self.fields[first].setFocus()

    def clear_messages(self) -> None:
        for key in self._messages:
            self._show(key, "", ERROR_COLOUR, "")

    def message_text(self, key: str) -> str:
        """What the form says beside a field now ('' when nothing)."""
        label = self._messages[key]
        return label.text() if not label.isHidden() else ""

    def set_enabled_fields(self, enabled: bool) -> None:
        for widget in self.fields.values():
            widget.setEnabled(enabled)


def split_problems(error: ValidationFailed, form: FieldForm,
                   rename: Mapping[str, str] | None = None) -> tuple[dict[str, str], str]:
    """A refusal as words per field of ``form`` (``rename`` maps the service's field names
    to the form's keys where they differ) and the text about fields the form lacks."""
    mine: dict[str, str] = {}
    rest: dict[str, FieldProblem] = {}
    for name, problem in error.problems.items():
        key = (rename or {}).get(name, name)
        if key in form.fields:
            mine[key] = messages.field_problem_text(problem)
        else:
            rest[name] = problem
    return mine, (messages.validation_text(ValidationFailed(rest)) if rest else "")


class SaveFlow:
    """What an in-place editor does around a save, shared by the case and party editors.

    The host has ``save_button``, ``cancel_button``, ``form`` (a FieldForm),
    ``edit_error`` (a label), ``owner`` (the case view), ``cancel()``, and sets
    ``STALE_TEXT`` to the message shown when someone else changed the record.
    """

    STALE_TEXT = ""

    def _set_saving(self, saving: bool) -> None:
        self.saving = saving
        self.save_button.setEnabled(not saving)
        self.cancel_button.setEnabled(not saving)

    def _saved(self, changes) -> None:
        self._set_saving(False)
        self.cancel()
        self.owner.saved_here(changes)

    def _save_failed(self, failure) -> None:
        self._set_saving(False)
        error = failure.error
        if isinstance(error, ValidationFailed):
            mine, rest = split_problems(error, self.form)
            self.form.show_problems(mine)
            if rest:
                self._general(rest)
        elif isinstance(error, StaleCase):
            # Reload; what the user typed stays in the editors.
            self._general(messages.tr("CaseView", self.STALE_TEXT))
            self.owner.stale()
        else:
            self._general(messages.error_text(error))
        self.owner.save_failed_here(failure)

    def _general(self, text: str) -> None:
        self.edit_error.setText(text)
        self.edit_error.show()
