"""Starting the workstation: the application object, fonts, the store, optional demo
data, the main window; or, with ``screenshot``, a picture of the loaded window.

``run_gui`` returns the process exit code: 0 when all went well, 2 when the store could
not be opened (the store is then left exactly as it was), 1 when a screenshot could not
be taken.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, QTimer, SignalInstance
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from app.services.context import Workstation
from app.services.reference import open_workstation
from app.store.database import open_store
from app.store.errors import StoreError
from app.ui import messages, resources
from app.ui.main_window import MainWindow
from app.ui.operations.demo import fill_demo_data
from app.ui.qtcompat import disconnect
from app.ui.settings import upgrade_settings
from app.ui.tasks import TaskFailure, TaskRunner

log = logging.getLogger(__name__)

ORGANISATION = "MediationDesk"
APPLICATION = "MediationDesk"
SCREENSHOT_SIZE = (1400, 860)
SCREENSHOT_TIMEOUT_MS = 120_000

# Installed CJK sans-serif families, best first; the bundled WenQuanYi Micro Hei is the
# fallback on a machine that has none (a bare Linux box shows empty boxes otherwise).
SYSTEM_CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "微软雅黑",
    "PingFang SC",
)


def application() -> QApplication:
    """The QApplication (an existing one is reused, as under pytest-qt)."""
    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0] if sys.argv else "mediation-desk"])
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setStyle("Fusion")
    return app


def install_cjk_font(app: QApplication) -> str:
    """Register the bundled CJK font and make a CJK family the application font.
    Returns the family chosen."""
    installed = set(QFontDatabase.families())  # before ours joins the list
    bundled = ""
    try:
        font_id = QFontDatabase.addApplicationFont(str(resources.bundled_cjk_font()))
    except FileNotFoundError as exc:
        log.warning("%s", exc)
        font_id = -1
    if font_id >= 0:
        families = QFontDatabase.applicationFontFamilies(font_id)
        bundled = families[0] if families else ""
    family = next((f for f in SYSTEM_CJK_FAMILIES if f in installed), bundled)
    if family:
        font = QFont(app.font())
        font.setFamilies([family])
        app.setFont(font)
    else:
        log.warning("no CJK font found: Chinese text may show as empty boxes")
    return family


def run_gui(data_dir: Path, *, demo_cases: int | None = None,
            screenshot: Path | None = None) -> int:
    app = application()
    upgrade_settings()
    install_cjk_font(app)
    try:
        store = open_store(Path(data_dir))
    except StoreError as exc:
        _report_store_error(exc, interactive=screenshot is None)
        return 2
    runner = TaskRunner()
    window: MainWindow | None = None
    try:
        ws = open_workstation(store)
        if demo_cases:
            _fill_demo(runner, ws, demo_cases, interactive=screenshot is None)
        window = MainWindow(ws, runner, store_path=store.path, remember=screenshot is None)
        if screenshot is not None:
            return take_screenshot(window, Path(screenshot))
        window.show()
        return app.exec()
    finally:
        if window is not None:
            window.close()
            window.deleteLater()
        runner.shutdown()
        runner.deleteLater()
        store.close()


def _report_store_error(error: StoreError, *, interactive: bool) -> None:
    text = messages.store_error_text(error)
    if not interactive:
        print(f"mediation-desk: {text}", file=sys.stderr)
        return
    box = QMessageBox(QMessageBox.Icon.Critical, messages.store_error_title(), text,
                      QMessageBox.StandardButton.Close)
    box.exec()


# ------------------------------------------------------------------ demo data


def _fill_demo(runner: TaskRunner, ws: Workstation, cases: int, *, interactive: bool) -> None:
    """Fill an empty store off the GUI thread, showing progress; a failure is reported
    and the window opens on what the store holds."""
    dialog = QProgressDialog(
        QCoreApplication.translate("App", "正在生成 {n} 件演示案件…").format(n=f"{cases:,}"),
        QCoreApplication.translate("App", "取消"), 0, cases)
    dialog.setWindowTitle(QCoreApplication.translate("App", "调解工作台"))
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    failures: list[TaskFailure] = []

    def progress(done: int, total: int) -> None:
        dialog.setMaximum(total)
        dialog.setValue(done)

    task = runner.write(fill_demo_data, (ws, cases), on_progress=progress,
                        on_failed=failures.append, name="demo_data")
    dialog.canceled.connect(task.cancel)
    wait_for(task.finished, lambda: task.done, timeout_ms=None, also=task.failed)
    dialog.close()
    dialog.deleteLater()
    if failures:
        text = messages.error_text(failures[0].error)
        if interactive:
            QMessageBox(QMessageBox.Icon.Warning,
                        QCoreApplication.translate("App", "演示数据未生成"), text,
                        QMessageBox.StandardButton.Ok).exec()
        else:
            print(f"mediation-desk: {text}", file=sys.stderr)


# ------------------------------------------------------------------ screenshots


def wait_for(signal: SignalInstance, done: Callable[[], bool], *, timeout_ms: int | None,
             also: SignalInstance | None = None) -> bool:
    """Run the event loop until ``done()`` holds, waking up when ``signal`` (or ``also``)
    fires, or until ``timeout_ms`` passes. Returns ``done()``."""
    if done():
        return True
    loop = QEventLoop()
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    signal.connect(loop.quit)
    if also is not None:
        also.connect(loop.quit)
    if timeout_ms is not None:
        timer.start(timeout_ms)
    try:
        while not done() and (timeout_ms is None or timer.isActive()):
            loop.exec()
    finally:
        disconnect(signal, loop.quit)
        if also is not None:
            disconnect(also, loop.quit)
        timer.stop()
    return done()


def take_screenshot(window: MainWindow, path: Path,
                    timeout_ms: int = SCREENSHOT_TIMEOUT_MS) -> int:
    """Show the window, wait until its queue and case pane have loaded, save a PNG."""
    window.resize(*SCREENSHOT_SIZE)
    window.show()
    if not wait_for(window.settled, lambda: not window.loading, timeout_ms=timeout_ms):
        print(f"mediation-desk: the window did not finish loading in {timeout_ms / 1000:.0f} s",
              file=sys.stderr)
        return 1
    if window.load_error is not None:
        print(f"mediation-desk: loading failed: {window.load_error.error!r}", file=sys.stderr)
        return 1
    QApplication.processEvents()  # let the layouts take the loaded content's size
    path.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(path), "PNG"):
        print(f"mediation-desk: could not write {path}", file=sys.stderr)
        return 1
    return 0
