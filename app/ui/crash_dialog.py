"""An error nobody expected, on the GUI thread: logged with its traceback, explained in
Chinese with 复制详细信息 and where the log is, and the program goes on (Qt returns to
its event loop after the slot that raised)."""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from app.services.logs import mask_personal_data

log = logging.getLogger(__name__)

Hook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


def _tr(text: str) -> str:
    return QCoreApplication.translate("CrashDialog", text)


def crash_box(details: str, log_path: Path | None) -> QMessageBox:
    text = _tr("调解工作台出现了意外错误，刚才的操作可能没有完成。\n"
               "已保存的数据不受影响，您可以继续使用；如果问题反复出现，"
               "请点“复制详细信息”发给管理员。")
    if log_path is not None:
        text += "\n\n" + _tr("日志文件：{path}").format(path=log_path)
    box = QMessageBox(QMessageBox.Icon.Critical, _tr("意外错误"), text,
                      QMessageBox.StandardButton.NoButton, QApplication.activeWindow())
    box.setObjectName("crashDialog")
    box.setDetailedText(details)
    copy = box.addButton(_tr("复制详细信息"), QMessageBox.ButtonRole.ActionRole)
    copy.setObjectName("copyCrashDetails")
    # (A message box closes on any of its buttons: this one copies, then closes.)
    copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(details))
    box.addButton(_tr("继续使用"), QMessageBox.ButtonRole.AcceptRole)
    return box


def install_excepthook(log_path: Path | None) -> Hook:
    """Route uncaught exceptions to the log and, on the GUI thread, to the dialog.
    Returns the hook it replaced."""
    previous = sys.excepthook
    showing = threading.Event()

    def hook(kind: type[BaseException], error: BaseException,
             tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, error, tb)
            return
        log.error("uncaught exception", exc_info=(kind, error, tb))
        app = QApplication.instance()
        if app is None or threading.current_thread() is not threading.main_thread() \
                or showing.is_set():
            return  # logged; one dialog at a time
        details = mask_personal_data("".join(traceback.format_exception(kind, error, tb)))
        showing.set()
        try:
            crash_box(details, log_path).exec()
        finally:
            showing.clear()

    sys.excepthook = hook
    return previous
