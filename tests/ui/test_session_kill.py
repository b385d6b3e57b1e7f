"""Kill -9 while a mediator types: the restarted app reopens the draft holding
everything typed up to two seconds before the kill (the promise of issue 5)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.services import sessions
from app.ui.main_window import MainWindow
from tests.ui.session_kill_child import TEXT

ROOT = Path(__file__).resolve().parents[2]
PROMISE_S = 2.0


def typed_log(path: Path) -> list[tuple[float, int]]:
    if not path.exists():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 2:  # a line cut by the kill is left out
            entries.append((float(parts[0]), int(parts[1])))
    return entries


def kill_while_typing(ws, case_id, log: Path, seconds: float) -> tuple[float, list]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.ui.session_kill_child", str(ws.store.path.parent),
         ws.actor.login, str(case_id), str(log)],
        cwd=ROOT, env=env, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            entries = typed_log(log)
            if entries and entries[-1][0] - entries[0][0] >= seconds:
                break
            if child.poll() is not None:
                pytest.fail(f"the editor process stopped: {child.stderr.read().decode()}")
            if time.monotonic() > deadline:
                pytest.fail("the editor process never typed")
            time.sleep(0.05)
        killed_at = time.monotonic()
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    return killed_at, typed_log(log)


# Killed after at least 3 s of typing: more than a second of it lies before the promise.
@pytest.mark.parametrize("seconds", [random.uniform(3.0, 4.5), random.uniform(4.5, 6.5)])
@pytest.mark.slow
def test_a_killed_editor_loses_at_most_the_last_two_seconds(
        qtbot, ws, seeded, runner, tmp_path, seconds):
    killed_at, entries = kill_while_typing(ws, seeded.first, tmp_path / "typed.log", seconds)
    must_have = max((n for t, n in entries if t <= killed_at - PROMISE_S), default=0)
    assert must_have > 30, "too little was typed before the kill to prove anything"

    (draft,) = sessions.open_drafts(ws)  # the editor was open: it is to be reopened
    saved = draft.content.proposals
    assert TEXT.startswith(saved)  # exactly what was typed, in order, nothing else
    assert len(saved) >= must_have, (
        f"{len(saved)} characters saved, {must_have} were typed by {PROMISE_S} s before "
        f"the kill ({entries[-1][1]} in all)")

    # The app starts again: the editor comes back with the text, as saved.
    window = MainWindow(ws, runner, store_path=ws.store.path, remember=False)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.case_view.session_editors.opened, timeout=10_000) as opened:
        window.show()
    editor = opened.args[0]
    assert editor.draft.id == draft.id
    assert editor.proposals.toPlainText() == saved
    assert editor.windowTitle().endswith("1310115202603020001")
    window.close()
