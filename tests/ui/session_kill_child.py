"""A workstation that types a session record until it is killed (see
test_session_kill.py). It runs the real editor: the drafts it saves are the app's.

    python -m tests.ui.session_kill_child DATA_DIR LOGIN CASE_ID LOG

Every character typed appends "<monotonic time> <characters so far>" to LOG, flushed
at once, so the parent knows what had been typed when it killed the process.
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.services.reference import open_workstation
from app.store.database import open_store
from app.ui.session.editors import SessionEditors
from app.ui.tasks import TaskRunner
from tests.support.typing import type_text

TEXT = "".join(f"第{n}句：申请人称门店关闭，要求退款。" for n in range(1, 2000))
KEY_INTERVAL_MS = 15


def main() -> None:
    data_dir, login, case_id, log_path = sys.argv[1:]
    app = QApplication([])
    ws = open_workstation(open_store(Path(data_dir)), login=login)
    runner = TaskRunner()
    editors = SessionEditors(ws, runner)
    log = open(log_path, "w", buffering=1, encoding="utf-8")
    typed = 0
    keys = QTimer()
    keys.setInterval(KEY_INTERVAL_MS)

    def type_one() -> None:
        nonlocal typed
        editor = next(iter(editors.editors.values()))
        type_text(editor.proposals, TEXT[typed])
        typed += 1
        log.write(f"{time.monotonic()} {typed}\n")

    def opened(editor) -> None:
        editor.proposals.setFocus()
        keys.timeout.connect(type_one)
        keys.start()

    editors.opened.connect(opened)
    editors.failed.connect(lambda failure: (print(failure.traceback, file=sys.stderr),
                                            app.exit(2)))
    editors.start(uuid.UUID(case_id), "电话")
    sys.exit(app.exec())


if __name__ == "__main__":
    main()
