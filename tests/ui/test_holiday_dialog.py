"""设置 → 节假日安排: the years shown, a notice pasted and checked line by line, saved,
and every open case's clocks recomputed with the counts following."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QMessageBox

from app.ui.reference import holiday_dialog
from app.ui.reference.holiday_dialog import HolidayDialog, NoticeDialog
from tests.services.test_calendar_admin import NOTICE_2027


def test_an_administrator_loads_next_years_notice_and_the_clocks_follow(
        qtbot, ws, seeded, runner, monkeypatch, tmp_path):
    dialog = HolidayDialog(ws, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.years.count() >= 2, timeout=5000)
    qtbot.waitUntil(lambda: dialog.view.year is not None, timeout=5000)
    assert "工作日" in dialog.summary.text() and dialog.import_button.isEnabled()

    notice = NoticeDialog()
    qtbot.addWidget(notice)
    notice.text.setPlainText(NOTICE_2027.replace("2月5日（农历除夕、周五）", "2月5日（农历除夕、周六）"))
    assert not notice.save_button.isEnabled()
    assert notice.problem.text().startswith("第3行：“2月5日（农历除夕、周六）”括号中的星期")
    notice.text.setPlainText(NOTICE_2027)
    assert notice.save_button.isEnabled() and not notice.problem.isVisible()
    assert notice.result.text() == "2027年：放假 18 天，调休上班 4 天。"
    notice.resize(760, 760)
    notice.grab().save(str(tmp_path / "notice.png"))

    told: list[str] = []
    monkeypatch.setattr(holiday_dialog, "NoticeDialog", lambda parent: notice)
    monkeypatch.setattr(notice, "exec", lambda: QDialog.DialogCode.Accepted)
    monkeypatch.setattr(QMessageBox, "exec", lambda box: told.append(box.text()) or 0)
    published = []
    runner.events.changed.connect(published.append)
    dialog.import_notice()
    qtbot.waitUntil(lambda: bool(told), timeout=20_000)
    assert told[0].startswith("已重新计算 ") and "件在办案件的期限" in told[0]
    qtbot.waitUntil(lambda: any(dialog.years.item(r).text().startswith("2027年")
                                for r in range(dialog.years.count())), timeout=5000)
    assert any(c.reference for c in published)  # the year saved
    dialog.grab().save(str(tmp_path / "holidays.png"))


def test_a_mediator_sees_the_calendar_but_cannot_change_it(qtbot, ws, runner):
    from dataclasses import replace

    from app.core.users import UserRole

    ws.actor = replace(ws.actor, role=UserRole.MEDIATOR)
    dialog = HolidayDialog(ws, runner)
    qtbot.addWidget(dialog)
    assert not dialog.import_button.isEnabled()
    assert dialog.import_button.toolTip() == "只有管理员可以修改节假日安排"


def test_the_dialogs_fit_the_screen(qtbot, ws, runner):
    dialog = HolidayDialog(ws, runner)
    notice = NoticeDialog()
    for widget in (dialog, notice):
        qtbot.addWidget(widget)
        room = widget.screen().availableGeometry()
        assert widget.width() <= room.width() and widget.height() <= room.height()
        # A 1366×768 laptop at 150 % leaves about 910×480 logical pixels below its taskbar.
        hint = widget.minimumSizeHint()
        assert hint.width() <= 910 and hint.height() <= 480, hint
