"""Building blocks of the case view's read-only pages: titled blocks of label/value
rows whose values wrap and can be selected."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.ui.case.action_dialog import ERROR_COLOUR, hint_look


def value_label(text: str, *, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    if name:
        label.setObjectName(name)
    return label


def note_label(text: str, *, name: str = "") -> QLabel:
    """A quieter explanation (placeholders, 'nothing yet'), readable all the same."""
    return hint_look(value_label(text, name=name))


def error_label(name: str = "generalError") -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {ERROR_COLOUR};")
    label.hide()
    return label


def with_problem(edit: QLineEdit | QPlainTextEdit, name: str, *,
                 wrap: bool = False) -> tuple[QVBoxLayout, QLabel]:
    """A field with the words of what is wrong with it right under it, in red: hidden
    until shown, and again once the field is edited. Short words stay on one line
    (``wrap`` False): a wrapping label makes a form squeeze the fields above it when
    the words appear."""
    problem = error_label(name)
    problem.setWordWrap(wrap)
    box = QVBoxLayout()
    box.setSpacing(2)
    box.addWidget(edit)
    box.addWidget(problem)
    signal = edit.textEdited if isinstance(edit, QLineEdit) else edit.textChanged
    signal.connect(lambda *_: problem.hide())  # being fixed
    return box, problem


class Section(QWidget):
    """A titled block of label/value rows, with room for buttons beside the title."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        heading = QLabel(title)
        heading.setObjectName("sectionHeading")
        heading.setWordWrap(True)  # a long party name wraps instead of widening the pane
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        top.addWidget(heading, 1)
        self.tools = top
        layout.addLayout(top)
        self.grid = QGridLayout()
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(12)
        self.grid.setVerticalSpacing(4)
        self.grid.setColumnStretch(1, 1)
        layout.addLayout(self.grid)

    def add_row(self, label: str, value: str | QWidget, *, name: str = "") -> QLabel | None:
        row = self.grid.rowCount()
        caption = QLabel(label)
        caption.setObjectName("fieldCaption")
        caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.grid.addWidget(caption, row, 0)
        if isinstance(value, QWidget):
            self.grid.addWidget(value, row, 1)
            return None
        text = value_label(value, name=name)
        self.grid.addWidget(text, row, 1)
        return text

    def add_text(self, value: str, *, name: str = "", note: bool = False) -> QLabel:
        text = note_label(value, name=name) if note else value_label(value, name=name)
        self.grid.addWidget(text, self.grid.rowCount(), 0, 1, 2)
        return text

    def add_widget(self, widget: QWidget) -> None:
        self.grid.addWidget(widget, self.grid.rowCount(), 0, 1, 2)


def library_buttons(owner: QWidget, *, copy: str, delete: str, names: str
                    ) -> tuple[QHBoxLayout, QPushButton, QPushButton, QPushButton]:
    """The row under a library's editor (常用语, 条款库): copy a built-in to the office's,
    then delete and save at the right. ``names``: the object-name stem (copyPhrase …)."""
    row = QHBoxLayout()
    buttons = []
    for kind, text in (("copy", copy), ("delete", delete), ("save", owner.tr("保存"))):
        button = QPushButton(text)
        button.setObjectName(f"{kind}{names}")
        buttons.append(button)
    row.addWidget(buttons[0])
    row.addStretch(1)
    row.addWidget(buttons[1])
    row.addWidget(buttons[2])
    return row, buttons[0], buttons[1], buttons[2]


def vertical_scroll(content: QWidget, name: str = "") -> QScrollArea:
    """``content`` that scrolls up and down, never sideways (it wraps instead)."""
    scroll = QScrollArea()
    if name:
        scroll.setObjectName(name)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(content)
    return scroll


def form_scroll(content: QWidget, name: str = "") -> QScrollArea:
    """A form that scrolls up and down. Its fields take the focus (and scroll into view
    as Tab reaches them), so the area itself is no Tab stop: one Tab fewer, and no stop
    that shows nothing."""
    scroll = vertical_scroll(content, name)
    scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return scroll


def scrolling_page(page: QWidget, content: QWidget) -> QScrollArea:
    """Fill a tab with ``content`` that scrolls up and down (never sideways: it wraps)."""
    scroll = vertical_scroll(content)
    outer = QVBoxLayout(page)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(scroll)
    return scroll
