"""帮助 → 使用说明 and F1 (issue 16, item 10): a short Chinese guide to a day's work,
inside the app (resources/help/guide.html), opened at the section of the window the
user is in."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QUrl
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.ui import resources
from app.ui.qtcompat import disconnect

# Where F1 leads: the first of a widget's ancestors (by class name) that has a section.
SECTIONS = {
    "IntakeDialog": "intake", "DuplicateDialog": "intake",
    "SessionEditor": "session", "SessionsTab": "session",
    "DocumentsTab": "agreement", "AgreementEditor": "agreement",
    "NotesTab": "callback",
    "ImportWizard": "import",
    "ConflictsDialog": "sync", "ConnectionDialog": "sync", "FirstRunDialog": "sync",
    "QueueTable": "queue", "FilterBar": "queue", "StatusSidebar": "queue",
    "GroupsDialog": "groups", "GroupSessionDialog": "groups",
    "SelectionGroupDialog": "groups",
}
START = "start"


def section_for(widget: QWidget | None) -> str:
    """The guide's section for where the user is (the widget with the focus)."""
    while widget is not None:
        for cls in type(widget).__mro__:
            if cls.__name__ in SECTIONS:
                return SECTIONS[cls.__name__]
        widget = widget.parentWidget()
    return START


class HelpDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("helpDialog")
        self.setWindowTitle(self.tr("使用说明"))
        self.browser = QTextBrowser()
        self.browser.setObjectName("helpText")
        self.browser.setOpenExternalLinks(False)
        self.browser.setSource(QUrl.fromLocalFile(str(resources.help_guide())))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        em = self.fontMetrics().horizontalAdvance("汉")
        self.resize(em * 44, em * 40)

    def show_section(self, section: str) -> None:
        self.browser.scrollToAnchor(section)


class F1Anywhere(QObject):
    """F1 in any window of the app, a modal dialog too (a window's own shortcut does not
    reach past a modal dialog), calls ``open_help``: each window gets its own F1 the
    first time it has the focus (the focus-change signal costs nothing between)."""

    def __init__(self, open_help: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.open_help = open_help
        QApplication.instance().focusChanged.connect(self._focus_changed)

    def _focus_changed(self, _old: QWidget | None, now: QWidget | None) -> None:
        if now is None:
            return
        window = now.window()
        if window.property("f1Help"):
            return
        shortcut = QShortcut(QKeySequence(Qt.Key.Key_F1), window)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(self.open_help)
        window.setProperty("f1Help", True)

    def stop(self) -> None:
        disconnect(QApplication.instance().focusChanged, self._focus_changed)
