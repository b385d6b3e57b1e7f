"""A scripted working session leaves no name, phone or ID number in the log (issue 13,
item 4; DESIGN.md: logs carry no personal data), at the most talkative level."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox

from app.core.workflow import Action
from app.services import cases, logs
from app.services.dto import PartyInput
from tests.ui.test_main_window import click_action, pane_text, select

PEOPLE = ("赵建国", "欧阳娜", "李秀英", "王芳")
PHONES = ("13912345678", "13700001111", "13800135678")
ID_NUMBER = "11010519491231002X"


def test_a_working_session_logs_no_personal_data(qtbot, window, ws, seeded, tmp_path,
                                                 monkeypatch):
    monkeypatch.setenv(logs.LOG_DIR_ENV, str(tmp_path / "logs"))
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    path = logs.setup_logging("DEBUG")
    try:
        # Work as a mediator would: open cases, add a party with an ID number, reveal
        # it, accept one, hit a refusal (logged), search by name and by phone.
        select(qtbot, window, seeded.second)
        cases.add_party(ws, seeded.second, PartyInput(
            role="agent", party_type="person", name="李秀英", phone="13800135678",
            id_type="resident_id", id_number=ID_NUMBER))
        cases.reveal_id_number(ws, cases.get_case(ws, seeded.second).parties[-1].id, "核对身份")
        select(qtbot, window, seeded.first)
        with qtbot.waitSignal(window.action_done, timeout=10_000):
            click_action(qtbot, window, Action.ACCEPT)
        qtbot.waitUntil(lambda: pane_text(window, "caseStatus") == "已受理", timeout=10_000)
        select(qtbot, window, seeded.second)
        cases.accept(ws, seeded.second)  # elsewhere, first
        with qtbot.waitSignal(window.action_failed, timeout=10_000):
            click_action(qtbot, window, Action.ACCEPT)  # refused: already accepted
        box = window.current_message
        if isinstance(box, QMessageBox):
            box.close()
        for text in ("欧阳娜", "13912345678"):
            window.filter_bar.search(text)
            qtbot.waitUntil(lambda: not window.loading, timeout=10_000)
    finally:
        for handler in root.handlers[:]:
            if handler not in handlers:
                handler.flush()
                root.removeHandler(handler)
                handler.close()
        root.setLevel(level)
    logged = "".join(p.read_text(encoding="utf-8") for p in path.parent.glob("*.log*"))
    assert "task" in logged  # the session was logged at all
    for secret in (*PEOPLE, *PHONES, ID_NUMBER, ID_NUMBER[:14]):
        assert secret not in logged, secret
