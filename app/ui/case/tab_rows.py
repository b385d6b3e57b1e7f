"""The case's tabs as buttons that wrap onto a second row (issue 16, item 5).

Nine tabs do not fit the case pane of a 1366-pixel laptop: Qt's tab bar hid 文书, 回访
and 历史 behind small arrows. ``TabRows`` stands in for a QTabWidget's own bar: one
checkable button per tab, lined up like words and wrapped when the pane is narrow or
the text large, so every tab is in sight. The QTabWidget keeps its pages, its current
index and its keys (Ctrl+Tab)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QButtonGroup, QSizePolicy, QTabWidget, QToolButton, QWidget

from app.ui.queue.flow_layout import FlowLayout


class TabRows(QWidget):
    def __init__(self, tabs: QTabWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseTabRows")
        self.tabs = tabs
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        layout = FlowLayout(self, spacing=2)
        self.buttons: list[QToolButton] = []
        for index in range(tabs.count()):
            button = QToolButton()
            button.setText(tabs.tabText(index))
            button.setObjectName(f"caseTab_{index}")
            button.setCheckable(True)
            button.setAutoRaise(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            button.setAccessibleName(tabs.tabText(index))
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            self.group.addButton(button, index)
            layout.addWidget(button)
            self.buttons.append(button)
        self.group.idClicked.connect(tabs.setCurrentIndex)
        tabs.currentChanged.connect(self._follow)
        tabs.tabBar().hide()
        # The chosen tab reads as chosen: bold, underlined in the highlight colour.
        self.setStyleSheet(
            "QToolButton { padding: 3px 8px; border: none; border-bottom: 2px solid transparent; }"
            "QToolButton:checked { font-weight: bold; border-bottom: 2px solid palette(highlight); }"
            "QToolButton:hover { border-bottom: 2px solid palette(mid); }")
        self._follow(tabs.currentIndex())

    def _follow(self, index: int) -> None:
        if 0 <= index < len(self.buttons):
            self.buttons[index].setChecked(True)
