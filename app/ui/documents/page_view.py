"""Pages of a document as pictures on a grey desk, each with a soft shadow, fitted to
the width of the pane and scrolling up and down; zoomed in, sideways too."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

SHADOW = 6  # px the shadow reaches beyond a page
MARGIN = 16
MIN_ZOOM, MAX_ZOOM = 0.5, 3.0


def with_shadow(page: QImage, width: int) -> QPixmap:
    """The page scaled to ``width`` on a transparent sheet with a shadow below right."""
    scaled = page.scaledToWidth(max(1, width), Qt.TransformationMode.SmoothTransformation)
    sheet = QPixmap(scaled.width() + SHADOW, scaled.height() + SHADOW)
    sheet.fill(Qt.GlobalColor.transparent)
    painter = QPainter(sheet)
    painter.setPen(Qt.PenStyle.NoPen)
    for step in range(SHADOW, 0, -1):  # a few stacked rectangles make a soft edge
        colour = QColor(0, 0, 0, 14 + 6 * (SHADOW - step))
        painter.setBrush(colour)
        painter.drawRoundedRect(QRectF(step, step, scaled.width(), scaled.height()), 2, 2)
    painter.drawImage(0, 0, scaled)
    painter.setPen(QColor("#b8b8b8"))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(0, 0, scaled.width() - 1, scaled.height() - 1)
    painter.end()
    return sheet


class PageView(QScrollArea):
    """``show_pages(images)``; ``pages`` are the labels showing them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pageView")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Always there: pages fitted to the width never make it come and go.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.desk = QWidget()
        self.desk.setObjectName("pageDesk")
        self.desk.setAutoFillBackground(True)
        palette = self.desk.palette()
        palette.setColor(self.desk.backgroundRole(), QColor("#8a8f96"))
        self.desk.setPalette(palette)
        self._layout = QVBoxLayout(self.desk)
        self._layout.setContentsMargins(MARGIN, MARGIN, MARGIN, MARGIN)
        self._layout.setSpacing(MARGIN)
        self.message = QLabel()
        self.message.setObjectName("pageMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setStyleSheet("color: white;")
        self._layout.addWidget(self.message)
        self._layout.addStretch(1)
        self.setWidget(self.desk)
        self.images: list[QImage] = []
        self.pages: list[QLabel] = []
        self._width = 0
        self.zoom = 1.0  # 1: a page as wide as the pane; more scrolls sideways too

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def show_pages(self, images: list[QImage] | tuple[QImage, ...]) -> None:
        self.images = list(images)
        for label in self.pages:
            label.hide()
            label.deleteLater()
        self.pages = []
        for n, _image in enumerate(self.images):
            label = QLabel()
            label.setObjectName(f"page_{n + 1}")
            self._layout.insertWidget(self._layout.count() - 1, label, 0,
                                      Qt.AlignmentFlag.AlignHCenter)
            self.pages.append(label)
        self._width = 0
        self._fit()

    def set_zoom(self, zoom: float) -> float:
        """Pages ``zoom`` times the pane's width (0.5–3); the zoom set."""
        self.zoom = min(MAX_ZOOM, max(MIN_ZOOM, round(zoom, 2)))
        self.setHorizontalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAsNeeded if self.zoom > 1
            else Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._width = 0
        self._fit()
        return self.zoom

    def _fit(self) -> None:
        widest = max((image.width() for image in self.images), default=0)
        fitted = self.viewport().width() - 2 * MARGIN - SHADOW
        width = max(120, min(widest or 10_000, round(fitted * self.zoom)))
        if width == self._width:
            return
        self._width = width
        for label, image in zip(self.pages, self.images, strict=True):
            sheet = with_shadow(image, width)
            label.setPixmap(sheet)
            label.setFixedSize(sheet.size())  # whole pages: the desk scrolls, never squeezes

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()
