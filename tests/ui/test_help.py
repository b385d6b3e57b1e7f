"""帮助 → 使用说明 and F1 (issue 16, item 10): a Chinese guide inside the app, opened at
the section of the window the user is in."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.ui import help_dialog
from tests.ui.test_typed_input import focus_field, open_intake


def test_the_guide_covers_a_days_tasks_and_every_section_f1_can_open(qtbot):
    dialog = help_dialog.HelpDialog()
    qtbot.addWidget(dialog)
    text = dialog.browser.toPlainText()
    for heading in ("一天的工作", "登记工单", "案件列表和颜色", "调解记录", "起草和打印协议书", "同步", "群体纠纷",
                    "红色", "橙色"):
        assert heading in text, heading
    html = dialog.browser.toHtml()
    for section in {*help_dialog.SECTIONS.values(), help_dialog.START}:
        assert f'name="{section}"' in html, section


def test_f1_opens_the_guide_at_the_section_of_the_window_in_use(qtbot, window, ws, runner):
    window.queue_view.setFocus()
    qtbot.keyClick(window.queue_view, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.help is not None and window.help.isVisible(), timeout=5000)
    assert window.help_section == "queue"
    at_queue = window.help.browser.verticalScrollBar().value()
    assert at_queue > 0  # scrolled to its section
    window.help.close()

    intake = open_intake(qtbot, ws, runner, window)
    qtbot.keyClick(focus_field(qtbot, intake, "complainant.name"), Qt.Key.Key_F1)
    qtbot.waitUntil(window.help.isVisible, timeout=5000)
    assert window.help_section == "intake"
    assert window.help.browser.verticalScrollBar().value() < at_queue  # an earlier section
    intake.close_without_asking()
