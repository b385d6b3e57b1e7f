"""字号: the whole interface's text a size larger or smaller (issue 16, item 7), for
mediators who read small type badly. The choice is kept per user (settings.TEXT_SIZE)
and applied to the application's font at start and at once when changed; layouts that
measure text (column widths, dialog sizes) follow as their windows open again."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QObject
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget

from app.ui import settings


class TextSize(StrEnum):
    SMALL = "small"
    STANDARD = "standard"
    LARGE = "large"
    LARGER = "larger"


FACTORS = {TextSize.SMALL: 0.9, TextSize.STANDARD: 1.0, TextSize.LARGE: 1.2,
           TextSize.LARGER: 1.45}
LABELS = {TextSize.SMALL: QT_TRANSLATE_NOOP("TextSize", "小"),
          TextSize.STANDARD: QT_TRANSLATE_NOOP("TextSize", "标准"),
          TextSize.LARGE: QT_TRANSLATE_NOOP("TextSize", "大"),
          TextSize.LARGER: QT_TRANSLATE_NOOP("TextSize", "特大")}
_BASE = "_base_point_size"  # the application font's size before any choice


def label(size: TextSize) -> str:
    return QCoreApplication.translate("TextSize", LABELS[size])


def chosen() -> TextSize:
    try:
        return TextSize(settings.TEXT_SIZE.get())
    except ValueError:
        return TextSize.STANDARD


def apply(app: QApplication, size: TextSize) -> float:
    """Set the application font to ``size``; returns its point size."""
    base = app.property(_BASE)
    if not base:
        base = app.font().pointSizeF()
        if base <= 0:  # a font sized in pixels: left as the platform made it
            return base
        app.setProperty(_BASE, base)
    font = app.font()
    points = round(float(base) * FACTORS[size], 1)
    font.setPointSizeF(points)
    app.setFont(font)
    return points


def choose(app: QApplication, size: TextSize) -> float:
    """The user's choice: kept, and applied now."""
    settings.TEXT_SIZE.set(size.value)
    return apply(app, size)


class Emphasis(QObject):
    """A heading's font: ``factor`` times its parent's, bold, now and after every 字号
    change. A widget given a font of its own keeps that font when the application's
    changes (Qt tells it nothing), so this watches the parent, whose font follows."""

    def __init__(self, widget: QWidget, factor: float, bold: bool = True) -> None:
        super().__init__(widget)
        self.widget = widget
        self.factor = factor
        self.bold = bold
        self.parent: QWidget | None = None
        widget.installEventFilter(self)
        self._watch_parent()
        self.apply()

    def _watch_parent(self) -> None:
        parent = self.widget.parentWidget()
        if parent is self.parent:
            return
        if self.parent is not None:
            self.parent.removeEventFilter(self)
        self.parent = parent
        if parent is not None:
            parent.installEventFilter(self)

    def apply(self) -> None:
        parent = self.parent
        font = QFont(parent.font() if parent is not None else QApplication.font(self.widget))
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * self.factor)
        elif font.pixelSize() > 0:
            font.setPixelSize(round(font.pixelSize() * self.factor))
        font.setBold(self.bold)
        self.widget.setFont(font)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self.widget and kind == QEvent.Type.ParentChange:
            self._watch_parent()
            self.apply()
        elif watched is self.parent and kind == QEvent.Type.FontChange:
            self.apply()
        return False


def emphasise(widget: QWidget, factor: float, bold: bool = True) -> Emphasis:
    """Make ``widget``'s text ``factor`` times the text around it, following 字号."""
    return Emphasis(widget, factor, bold)
