"""A KPI tile: the figure's name, its value this period, the previous period's beside it
and the change in words. A tile is a button: click it (or Enter on it) to open the cases
behind the figure in the queue."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.ui import focus_ring, text_size
from app.ui.qtcompat import emit


class KpiTile(QFrame):
    clicked = Signal()

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kpiTile")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        focus_ring.ask_for_ring(self)  # a frame: Fusion would not mark its focus
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.title = QLabel(title)
        self.value = QLabel("…")
        self.value.setObjectName("kpiValue")
        text_size.emphasise(self.value, 1.8)
        self.previous = QLabel("")
        self.previous.setObjectName("kpiPrevious")
        self.previous.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(2)
        for label in (self.title, self.value, self.previous):
            layout.addWidget(label)
        self.setAccessibleName(title)

    def show_figure(self, value: str, previous: str, change: str, *, detail: str = "") -> None:
        self.value.setText(value)
        line = self.tr("上期 {previous}").format(previous=previous)
        if change:
            line += f"　{change}"
        self.previous.setText(line)
        tip = self.tr("单击查看这些案件")
        self.setToolTip(f"{detail}\n{tip}" if detail else tip)
        self.setAccessibleDescription(f"{value}，{line}")

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
                event.position().toPoint()):
            emit(self.clicked)
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            emit(self.clicked)
            return
        super().keyPressEvent(event)
