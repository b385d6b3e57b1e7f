"""The shape every workflow-action dialog shares.

A dialog collects what its action needs, checks what it can (required fields) before
anything is sent, emits ``submitted(ActionRequest)`` and stays open, busy, while the
window runs the action. ``finish()`` closes it on success; ``show_failure(error)``
puts the service's refusal next to the field it concerns.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import DomainError, TransitionErrorCode
from app.services.dto import CaseDetail
from app.services.errors import ValidationFailed
from app.ui import messages
from app.ui.forms import form_layout
from app.ui.operations.cases import ActionRequest
from app.ui.qtcompat import emit
from app.ui.typed_input import GuardedDialog

ERROR_COLOUR = "#b42318"
# Hints and asides: quieter than the text, still readable (WCAG AA on every background;
# a disabled label's grey was 1.5:1 — tests/ui/test_readable.py).
HINT_COLOUR = "#5d6679"


def hint_look(label: QLabel) -> QLabel:
    """A label read as a hint: grey, but not a disabled widget's faint grey."""
    label.setStyleSheet(f"color: {HINT_COLOUR};")
    return label


def field_box(key: str, widget: QWidget, hint: str = "") -> tuple[QWidget, QLabel]:
    """A form field: the editor, an optional greyed hint under it, and a hidden label
    for the message about it (object names ``{key}Hint`` / ``{key}Error``)."""
    box = QWidget()
    inner = QVBoxLayout(box)
    inner.setContentsMargins(0, 0, 0, 0)
    inner.setSpacing(2)
    inner.addWidget(widget)
    if hint:
        note = QLabel(hint)
        note.setWordWrap(True)
        note.setObjectName(f"{key}Hint")
        hint_look(note)
        inner.addWidget(note)
    message = QLabel()
    message.setObjectName(f"{key}Error")
    message.setWordWrap(True)
    message.hide()
    inner.addWidget(message)
    return box, message

# A refusal from core that concerns one field is shown next to that field.
FIELD_OF_CODE = {
    TransitionErrorCode.REASON_REQUIRED: "reason",
    TransitionErrorCode.GROUND_REQUIRED: "ground",
    TransitionErrorCode.GROUND_WRONG_TRACK: "ground",
    TransitionErrorCode.MEDIATOR_REQUIRED: "mediator_id",
    TransitionErrorCode.MEDIATOR_UNCHANGED: "mediator_id",
    TransitionErrorCode.OUTCOME_REQUIRED: "outcome",
    TransitionErrorCode.OUTCOME_WRONG_KIND: "outcome",
    TransitionErrorCode.OUTCOME_WRONG_STATUS: "outcome",
}


def required_label(text: str) -> str:
    return f'<span style="color:{ERROR_COLOUR}">*</span> {text}'


class ActionDialog(GuardedDialog):
    submitted = Signal(object)  # ActionRequest

    def __init__(self, case: CaseDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case = case
        self.setModal(True)
        self.busy = False
        self._fields: dict[str, QWidget] = {}
        self._errors: dict[str, QLabel] = {}
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("汉") * 40)

        layout = QVBoxLayout(self)
        m = self.fontMetrics().horizontalAdvance("m")
        layout.setContentsMargins(m * 2, m * 2, m * 2, m * 2)
        layout.setSpacing(m)
        heading = QLabel(self.tr("工单 {ticket}　{status}").format(
            ticket=case.source_ticket, status=messages.status_text(case.status)))
        heading.setObjectName("dialogHeading")
        heading.setWordWrap(True)
        layout.addWidget(heading)

        self.form = form_layout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        layout.addLayout(self.form)

        self.general_error = QLabel()
        self.general_error.setObjectName("generalError")
        self.general_error.setWordWrap(True)
        self.general_error.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.general_error.hide()
        layout.addWidget(self.general_error)

        self.button_box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.button_box.button(QDialogButtonBox.StandardButton.Ok)
        self.button_box.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.button_box.accepted.connect(self._on_ok)
        self.button_box.rejected.connect(self.reject)
        layout.addWidget(self.button_box)

    # ------------------------------------------------------------ building

    def set_texts(self, title: str, ok_text: str) -> None:
        """The window title and the OK button's words (after ``__init__``, for ``self.tr``)."""
        self.setWindowTitle(title)
        self.ok_button.setText(ok_text)

    def add_field(self, key: str, label: str, widget: QWidget, *, required: bool = False,
                  hint: str = "") -> None:
        box, error = field_box(key, widget, hint)
        error.setStyleSheet(f"color: {ERROR_COLOUR};")
        caption = QLabel(required_label(label) if required else label)
        caption.setTextFormat(Qt.TextFormat.RichText)
        caption.setBuddy(widget)
        if not widget.accessibleName():  # the caption is no buddy Qt's accessibility finds
            widget.setAccessibleName(label)
        self.form.addRow(caption, box)
        self._fields[key] = widget
        self._errors[key] = error
        # An error about the field goes as soon as the field is changed (请选择承办人
        # stayed after a mediator was chosen); what is still wrong is said again at OK.
        signal = changed_signal(widget)
        if signal is not None:
            signal.connect(lambda *_args, k=key: self._clear_error(k))

    def _clear_error(self, key: str) -> None:
        label = self._errors[key]
        if label.isVisibleTo(self):
            label.clear()
            label.hide()

    def field(self, key: str) -> QWidget:
        return self._fields[key]

    def set_field_visible(self, key: str, visible: bool) -> None:
        self.form.setRowVisible(self._fields[key].parentWidget(), visible)

    # ------------------------------------------------------------ to override

    def problems(self) -> dict[str, str]:
        """Field key -> what is wrong, checked before anything is sent."""
        return {}

    def request(self) -> ActionRequest:
        raise NotImplementedError

    # ------------------------------------------------------------ flow

    def error_text(self, key: str) -> str:
        """What the dialog says about a field now ('' when nothing)."""
        label = self._errors[key]
        return label.text() if label.isVisibleTo(self) else ""

    def _show_problems(self, problems: dict[str, str]) -> None:
        for key, label in self._errors.items():
            text = problems.get(key, "")
            label.setText(text)
            label.setVisible(bool(text))
        first = next((k for k in self._fields if k in problems), None)
        if first is not None:
            self._fields[first].setFocus()

    def _on_ok(self) -> None:
        self.general_error.hide()
        problems = self.problems()
        self._show_problems(problems)
        if problems:
            return
        self.set_busy(True)
        emit(self.submitted, self.request())

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.ok_button.setEnabled(not busy)
        for widget in self._fields.values():
            widget.setEnabled(not busy)

    def finish(self) -> None:
        self.set_busy(False)
        self.accept()

    def show_failure(self, error: BaseException) -> None:
        self.set_busy(False)
        if isinstance(error, ValidationFailed):
            mine = {f: messages.field_problem_text(p) for f, p in error.problems.items()
                    if f in self._errors}
            self._show_problems(mine)
            rest = {f: p for f, p in error.problems.items() if f not in self._errors}
            if not rest:
                return
            error = ValidationFailed(rest)
        elif isinstance(error, DomainError):
            key = FIELD_OF_CODE.get(error.code)
            if key in self._errors:
                self._show_problems({key: messages.error_text(error)})
                return
        self.general_error.setText(messages.error_text(error))
        self.general_error.show()


def changed_signal(widget: QWidget):
    """The signal an input gives when its value changes (a line edit: when the user
    edits it); None for a display."""
    if isinstance(widget, QComboBox):
        # Typed into (editable), or chosen: a choice back to the text it had before
        # (nothing chosen, then the same item) gives no currentTextChanged.
        return widget.currentTextChanged if widget.isEditable() else widget.currentIndexChanged
    if isinstance(widget, QPlainTextEdit):
        return widget.textChanged
    if isinstance(widget, QDateEdit):
        return widget.dateChanged
    if isinstance(widget, QDateTimeEdit):
        return widget.dateTimeChanged
    if isinstance(widget, QLineEdit):
        return widget.textEdited
    return None


def ground_options(options, enum, track) -> list:
    """Combo items for the grounds of the case's rule set, in its own words and with its
    basis as the tip; the law's generic list where the rule set words none."""
    if options:
        return [(o.text, o.ground, o.basis) for o in options]
    return [(messages.ground_wording(g).text, g, messages.ground_wording(g).citation)
            for g in enum.for_track(track)]


def ground_note(ground, options=()) -> str:
    """A legal ground's full wording and where it comes from, as the case's rules have
    it (the combo may have to cut the wording short)."""
    if ground is None:
        return ""
    option = next((o for o in options if o.ground == ground), None)
    if option is not None:
        return f"{option.text}\n{option.basis}" if option.basis else option.text
    wording = messages.ground_wording(ground)
    return f"{wording.text}\n{wording.citation}"


def text_of(widget: QWidget) -> str:
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText().strip()
    text = getattr(widget, "text", None)
    return text().strip() if callable(text) else ""


def reason_edit(placeholder: str) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)
    lines = 4
    edit.setMinimumHeight(edit.fontMetrics().lineSpacing() * lines + 12)
    return edit


class ChoiceCombo(QComboBox):
    """A combo of Python values with nothing chosen at first. The values stay on the
    Python side: a StrEnum put into item data would come back as a plain str."""

    def __init__(self, placeholder: str, items: list[tuple[str, object, str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._values: list[object] = []
        self.setPlaceholderText(placeholder)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(24)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.set_items(items)

    def set_items(self, items: list[tuple[str, object, str]]) -> None:
        """Offer these items instead, with nothing chosen."""
        self.clear()
        self._values = []
        for text, value, tooltip in items:
            self.addItem(text)
            self._values.append(value)
            if tooltip:
                self.setItemData(self.count() - 1, tooltip, Qt.ItemDataRole.ToolTipRole)
        self.setCurrentIndex(-1)

    def value(self) -> object | None:
        i = self.currentIndex()
        return self._values[i] if 0 <= i < len(self._values) else None

    def values(self) -> list[object]:
        return list(self._values)

    def select(self, value: object) -> bool:
        """Choose ``value``; False when it is not offered."""
        if value not in self._values:
            return False
        self.setCurrentIndex(self._values.index(value))
        return True


def choice_combo(placeholder: str, items: list[tuple[str, object, str]]) -> ChoiceCombo:
    """A combo with nothing chosen yet: items are (text, value, tooltip)."""
    return ChoiceCombo(placeholder, items)
