"""字号: the whole interface's text a size larger or smaller (issue 16, item 7), for
mediators who read small type badly. The choice is kept per user (settings.TEXT_SIZE)
and applied to the application's font at start and at once when changed; layouts that
measure text (column widths, dialog sizes) follow as their windows open again."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QApplication

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
