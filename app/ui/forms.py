"""The one way the UI makes a form layout (captions left, fields right).

A QFormLayout nested in another layout, with no widget of its own, asks the style for
the gap between caption and field; Fusion answers -1, and the caption ran into its
field (人民调解员, 下次调解日期 — issue 16, item 5). Here the gap is set: half a character,
so it grows with 字号 and never falls below the style's usual 6 px.
"""

from __future__ import annotations

from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QFormLayout, QWidget

MIN_GAP = 6


def caption_gap(widget: QWidget | None = None) -> int:
    """Pixels between a caption and its field."""
    metrics = widget.fontMetrics() if widget is not None else QFontMetrics(QApplication.font())
    return max(MIN_GAP, metrics.horizontalAdvance("汉") // 2)


def form_layout(parent: QWidget | None = None) -> QFormLayout:
    """A form layout with room between each caption and its field."""
    form = QFormLayout(parent) if parent is not None else QFormLayout()
    form.setHorizontalSpacing(caption_gap(parent))
    return form
