"""A visible mark on the control that has the keyboard focus where Fusion draws none
(issue 16, accessibility: every action reachable from the keyboard with a visible focus).

Fusion marks a focused line edit, combo box, spin box, check box and push button. It
draws nothing on a read-only text (the guide, a record's detail), a list or table with
no current row, a scroll area or a chart, a flat or command-link button: Tab went there
and the user could not see where they were. One ring, in the highlight colour, follows
the focus onto those.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QApplication,
    QCommandLinkButton,
    QFocusFrame,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QWidget,
)

WIDTH = 2  # px
_ASKED = "focusRing"  # a widget's property: a control of our own that wants the ring


class FocusRing(QFocusFrame):
    """Qt's focus frame (it follows its widget about), drawn as a highlight-coloured line."""

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight), WIDTH))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        half = WIDTH // 2
        painter.drawRect(self.rect().adjusted(half, half, -half, -half))


def needs_ring(widget: QWidget | None) -> bool:
    """Whether Fusion leaves ``widget`` unmarked when it has the focus."""
    if widget is None or widget.window().windowType() == Qt.WindowType.Popup:
        return False  # a combo's list, a calendar: the popup itself shows where it is
    if widget.property(_ASKED):
        return True
    if isinstance(widget, (QTextEdit, QPlainTextEdit)):
        return widget.isReadOnly()  # an editable one shows its caret
    if isinstance(widget, (QAbstractItemView, QAbstractScrollArea)):
        return True
    if isinstance(widget, QCommandLinkButton):
        return True
    return isinstance(widget, QPushButton) and widget.isFlat()


def ask_for_ring(widget: QWidget) -> None:
    """A focusable widget of our own (a clickable tile) that Fusion draws no focus on."""
    widget.setProperty(_ASKED, True)


class FocusRings(QObject):
    """Moves the ring to each newly focused control that needs one."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.ring: FocusRing | None = None
        app.focusChanged.connect(self._moved)

    def _moved(self, _old: QWidget | None, new: QWidget | None) -> None:
        ring = self.ring if self.ring is not None and shiboken6.isValid(self.ring) else None
        if needs_ring(new):
            if ring is None:  # the first, or the last went with its window
                ring = self.ring = FocusRing()
                ring.setObjectName("focusRing")
            ring.setWidget(new)
            ring.show()
        elif ring is not None:
            ring.setWidget(None)


def install(app: QApplication) -> FocusRings:
    """Once per application (again: the one already installed)."""
    existing = app.findChild(FocusRings)
    return existing if existing is not None else FocusRings(app)
