"""No English in the Chinese UI (issue 16, item 4): the main window, its menus and the
dialogs a day's work opens are walked offscreen with Qt's Chinese translations in, and
any visible Latin-script word outside the data and a short allowed list fails."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTabWidget,
    QWidget,
)

from app.ui import language
from tests.support.stores import raw_rows
from tests.ui.test_queue_window import open_window

# Words a Chinese user reads as they are: formats, keys, the command, pinyin examples.
ALLOWED = {
    "pdf", "PDF", "ID", "URL", "CSV", "xlsx", "xls", "csv", "Excel", "WPS", "Ctrl", "Shift",
    "Alt", "Enter", "Esc", "Tab", "zs", "zhangsan", "mediation", "desk", "demo", "data",
    "dir", "SQLCipher", "PostgreSQL", "Windows", "Linux", "USB", "UOS",
    "Mediation", "Desk",  # the product's English name beside its Chinese one (关于)
}
_WORD = re.compile(r"[A-Za-z]{2,}")


@pytest.fixture
def translated(qapp):
    language.install(qapp, language.Language.SIMPLIFIED)
    assert language.installed(qapp)
    yield
    language.remove(qapp)


def _texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) of what ``root`` shows that is the program's own words."""
    out: list[tuple[str, str]] = []

    def add(widget: QWidget, text: str) -> None:
        if text:
            out.append((f"{type(widget).__name__}#{widget.objectName()}", text))

    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisibleTo(root) and widget is not root:
            continue
        if widget.isWindow():
            add(widget, widget.windowTitle())
        if isinstance(widget, QAbstractButton):
            add(widget, widget.text())
        elif isinstance(widget, QGroupBox):
            add(widget, widget.title())
        elif isinstance(widget, QLineEdit):
            add(widget, widget.placeholderText())
        elif isinstance(widget, QPlainTextEdit):
            add(widget, widget.placeholderText())
        elif isinstance(widget, QTabWidget):
            for i in range(widget.count()):
                add(widget, widget.tabText(i))
        elif isinstance(widget, QMenu):
            for action in widget.actions():
                add(widget, action.text())
        elif isinstance(widget, QComboBox) and not widget.isEditable():
            for i in range(widget.count()):
                add(widget, widget.itemText(i))
        if isinstance(widget, QLabel) and not widget.objectName().startswith(("value", "note")):
            add(widget, widget.text())
        add(widget, widget.toolTip())
    return out


def _latin(texts: list[tuple[str, str]], data: set[str]) -> list[str]:
    found = []
    for where, text in texts:
        plain = re.sub(r"<[^>]+>|&\w+;", " ", text)  # rich text's tags and entities
        plain = re.sub(r"(?:[A-Za-z]:)?[\\/][^\s，。；）]*", " ", plain)  # paths: data
        for word in _WORD.findall(plain):
            if word not in ALLOWED and not any(word in d for d in data):
                found.append(f"{where}: {word!r} in {text!r}")
    return found


def _data_words(ws) -> set[str]:
    """What the store holds (tickets, names, the paths shown): data, not UI words."""
    rows = raw_rows(ws.store, "SELECT source_ticket, complainant_name, respondent_name, "
                              "title, description, request, category FROM cases")
    return {str(v) for row in rows for v in row if v} | {str(ws.store.path),
                                                         ws.actor.login}


@pytest.mark.usefixtures("translated")
def test_the_main_window_and_its_menus_show_no_english(qtbot, ws, seeded, runner):
    w = open_window(qtbot, ws, runner)
    texts = _texts(w)
    for menu in w.menuBar().findChildren(QMenu):
        texts += [(f"menu {menu.title()}", a.text()) for a in menu.actions()]
    assert _latin(texts, _data_words(ws)) == []


@pytest.mark.usefixtures("translated")
def test_the_everyday_dialogs_show_no_english(qtbot, ws, seeded, runner):
    from app.ui.about_dialog import AboutDialog
    from app.ui.case.intake_dialog import IntakeDialog
    from app.ui.importing.import_wizard import ImportWizard
    from app.ui.reference.holiday_dialog import HolidayDialog, NoticeDialog
    from app.ui.reference.profile_dialog import ProfileDialog
    from app.ui.reference.users_dialog import UsersDialog
    from app.ui.session.phrase_dialog import PhraseDialog
    from app.ui.warnings.warning_rules_dialog import WarningRulesDialog

    found = []
    dialogs = [IntakeDialog(ws, runner),
               AboutDialog(data_dir=ws.store.path.parent, database=str(ws.store.path),
                           encrypted=False),
               PhraseDialog(ws, runner, "预付式消费"), WarningRulesDialog(ws, runner),
               ImportWizard(ws, runner), ProfileDialog(ws, runner), HolidayDialog(ws, runner),
               NoticeDialog(), UsersDialog(ws, runner)]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.wait(200)
        found += _latin(_texts(dialog), _data_words(ws))
    assert found == []
