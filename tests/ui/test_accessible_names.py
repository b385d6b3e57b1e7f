"""Every control a screen reader reaches has a name (issue 16, accessibility): the main
window and the everyday dialogs are walked offscreen and each visible interactive
widget is asked for its accessible name, as assistive technology asks for it."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from tests.ui.test_queue_window import open_window

_INTERACTIVE = (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QPlainTextEdit,
                QTextEdit, QAbstractItemView)


def unnamed(root: QWidget) -> list[str]:
    missing = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, _INTERACTIVE) or not widget.isVisibleTo(root):
            continue
        if isinstance(widget, QLineEdit) and isinstance(widget.parentWidget(),
                                                         (QComboBox, QAbstractSpinBox)):
            continue  # the combo's or spin box's own editor: the parent carries the name
        if widget.objectName().startswith("qt_"):
            continue  # Qt's own inner parts (a scroll area's buttons, a toolbar's »)
        face = QAccessible.queryAccessibleInterface(widget)
        name = face.text(QAccessible.Text.Name) if face is not None else ""
        if not name.strip():
            missing.append(f"{type(widget).__name__}#{widget.objectName()} "
                           f"under {type(widget.parentWidget()).__name__}")
    return missing


def test_the_main_window_names_every_control(qtbot, ws, seeded, runner):
    w = open_window(qtbot, ws, runner)
    assert unnamed(w) == []


@pytest.mark.parametrize("make", ["intake", "import", "rules", "profile"])
def test_the_everyday_dialogs_name_every_control(qtbot, ws, seeded, runner, make):
    from app.ui.case.intake_dialog import IntakeDialog
    from app.ui.importing.import_wizard import ImportWizard
    from app.ui.reference.profile_dialog import ProfileDialog
    from app.ui.warnings.warning_rules_dialog import WarningRulesDialog

    dialog = {"intake": IntakeDialog, "import": ImportWizard, "rules": WarningRulesDialog,
              "profile": ProfileDialog}[make](ws, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.wait(300)
    assert unnamed(dialog) == []


def test_one_tab_leaves_a_date_field(qtbot, ws, seeded, runner):
    """The received time took five Tabs (year, month, day, hour, minute) to leave."""
    from PySide6.QtCore import Qt

    from tests.ui.test_typed_input import focus_field, open_intake

    dialog = open_intake(qtbot, ws, runner)
    received = focus_field(qtbot, dialog, "received_at")
    qtbot.keyClick(received, Qt.Key.Key_Tab)
    assert not received.hasFocus()
    assert dialog.focusWidget() is dialog.field("urgency")


def test_tab_walks_the_intake_form_in_the_order_it_reads(qtbot, ws, seeded, runner):
    """Down the left column (工单, 投诉人, 被投诉人), then the right one (投诉内容)."""
    from PySide6.QtCore import Qt

    from tests.ui.test_typed_input import focus_field, open_intake

    dialog = open_intake(qtbot, ws, runner)
    keys = {w: k for form in dialog.forms for k, w in form.fields.items()}
    widget = focus_field(qtbot, dialog, "source")
    seen = ["source"]
    for _ in range(40):
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
        widget = dialog.focusWidget()
        while widget is not None and widget not in keys:
            widget = widget.parentWidget()  # an editable combo's own line edit
        if widget is None:
            continue  # a button, a tag
        if keys[widget] == "source":
            break
        if keys[widget] not in seen:
            seen.append(keys[widget])
    assert seen[:len(ORDER)] == ORDER


ORDER = ["source", "source_ticket", "track", "kind", "received_at", "urgency",
         "complainant.name", "complainant.phone", "complainant.address",
         "complainant.id_number", "respondent.party_type", "respondent.name",
         "respondent.id_number", "respondent.phone", "respondent.address", "description",
         "request", "amount_claimed", "category", "tags"]
