"""Starting the workstation: the application object, fonts, the store, optional demo
data, the main window; or, with ``screenshot``, a picture of the loaded window.

``run_gui`` returns the process exit code: 0 when all went well, 2 when the store could
not be opened (the store is then left exactly as it was), 1 when a screenshot could not
be taken.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QEventLoop,
    Qt,
    QTimer,
    SignalInstance,
)
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QProgressDialog

from app.services import logs, office_users, previews, tempfiles
from app.services import sync as sync_service
from app.services.central_link import CentralLink
from app.services.context import Workstation
from app.services.reference import open_workstation
from app.store.database import Store
from app.store.errors import StoreError
from app.store.integrity import Damage
from app.ui import focus_ring, gc_guard, language, messages, resources, text_size
from app.ui.crash_dialog import install_excepthook
from app.ui.main_window import MainWindow
from app.ui.operations.demo import fill_demo_data
from app.ui.operations.store import check_store_file
from app.ui.qtcompat import disconnect
from app.ui.security.sign_in_dialog import sign_in_on_open
from app.ui.security.store_opener import encrypt_and_reopen, open_for_gui
from app.ui.settings import upgrade_settings
from app.ui.sync.connect_dialog import FirstRunDialog
from app.ui.sync.sync_controller import SyncController
from app.ui.tasks import Lane, TaskFailure, TaskRunner

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


def choose_headless_platform(environ: dict[str, str] | None = None,
                             platform: str = sys.platform) -> bool:
    """For --screenshot on a machine without a display (a server, CI): Qt would try xcb
    and abort, so pick the offscreen platform, unless the user chose one. True if it did.
    Windows and macOS always have a platform of their own."""
    env = os.environ if environ is None else environ
    if platform in ("win32", "darwin") or env.get("QT_QPA_PLATFORM"):
        return False
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return False
    env["QT_QPA_PLATFORM"] = "offscreen"
    return True


def application() -> QApplication:
    """The QApplication (an existing one is reused, as under pytest-qt)."""
    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0] if sys.argv else "mediation-desk"])
    assert isinstance(app, QApplication)
    gc_guard.install(app)  # cycles are freed on the GUI thread, never in a worker
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setDesktopFileName("mediation-desk")  # packaging/linux: Wayland finds the icon by it
    app.setStyle("Fusion")
    focus_ring.install(app)  # a visible focus where Fusion draws none
    language.install(app)  # 界面语言: Qt's own words and ours, before any window
    try:
        app.setWindowIcon(QIcon(str(resources.app_icon())))
    except FileNotFoundError as exc:
        log.warning("%s", exc)
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
    if screenshot is not None and QApplication.instance() is None:
        choose_headless_platform()
    app = application()
    log_path = logs.setup_logging()
    previous_hook = install_excepthook(log_path)
    upgrade_settings()
    install_cjk_font(app)
    text_size.apply(app, text_size.chosen())  # 字号, before the first window measures text
    data_dir = Path(data_dir)
    runner = TaskRunner()
    store: Store | None = None
    window: MainWindow | None = None
    link: CentralLink | None = None
    interactive = screenshot is None and not demo_cases
    # Copies an earlier run left in the temp folder (it crashed) go now; this run's at exit.
    tempfiles.remove_leftovers()
    temp = tempfiles.RunFolder()
    try:
        try:
            opened = open_for_gui(data_dir, runner, interactive=screenshot is None,
                                  demo=bool(demo_cases))
        except StoreError as exc:
            _report_store_error(exc, interactive=screenshot is None)
            return 2
        if opened is None:
            return 0  # the user quit instead of unlocking
        store, demo = opened.store, opened.demo
        interactive = screenshot is None and not demo_cases
        try:
            started = open_for_mode(store, runner, interactive=interactive)
        except NotSyncedYet:
            print("mediation-desk: 此数据文件夹已连接中心数据库，但尚未完成第一次同步；"
                  "请在有人操作时打开它以完成连接。", file=sys.stderr)
            return 1
        except SignInNeeded:
            print("mediation-desk: 此数据文件由多人共用，需要有人输入登录密码才能打开。",
                  file=sys.stderr)
            return 1
        if started is None:
            return 0  # the user left the first-run dialog
        ws, link = started
        if demo_cases:
            if link is None:
                _fill_demo(runner, ws, demo_cases, interactive=screenshot is None)
            else:
                log.warning("demo data is only added to a standalone store")
        while True:
            controller = SyncController(link, runner) \
                if link is not None and screenshot is None else None
            window = MainWindow(ws, runner, store_path=store.path,
                                remember=screenshot is None, sync=controller, temp=temp,
                                encrypted=store.encrypted, demo=demo)
            if controller is not None:
                controller.setParent(window)
            if screenshot is not None:
                return take_screenshot(window, Path(screenshot))
            window.show()
            check_store_later(window, runner, store)
            code = app.exec()
            if window.switch_to is None and not window.encrypt_requested:
                return code
            encrypt = window.encrypt_requested
            if not encrypt:
                # A standalone store joined a central database: reopen as its user.
                ws, new_link = window.switch_to
            window.deleteLater()
            window = None
            runner.shutdown()
            if link is not None:
                link.close()
            if encrypt:
                # The store is closed, converted and opened again, then its mode as before.
                link = None
                store.close()
                store = encrypt_and_reopen(data_dir, runner)
                demo = False
                started = open_for_mode(store, runner, interactive=True)
                if started is None:
                    return 0
                ws, link = started
            else:
                link = new_link
    finally:
        sys.excepthook = previous_hook
        if window is not None:
            window.close()
            window.deleteLater()
        runner.shutdown()
        runner.deleteLater()
        previews.shutdown()
        temp.close()
        if link is not None:
            link.close()
        if store is not None:
            store.close()


class NotSyncedYet(Exception):
    """A linked store whose first sync has not finished, opened without a person to
    connect it (a screenshot)."""


class SignInNeeded(Exception):
    """A shared standalone store (someone has a sign-in password), opened without a
    person to sign in (a screenshot)."""


def sign_in_standalone(store: Store, runner: TaskRunner, *, interactive: bool
                       ) -> Workstation | None:
    """The standalone workstation: the last user where nobody has a password, else
    whoever signs in. None: the person quit."""
    if not office_users.sign_in_required(store):
        return open_workstation(store)
    if not interactive:
        raise SignInNeeded(store.path)
    return sign_in_on_open(store, runner)


def open_for_mode(store: Store, runner: TaskRunner, *, interactive: bool
                  ) -> tuple[Workstation, CentralLink | None] | None:
    """The workstation as the store's sync mode says: standalone, or linked to a central
    database (with the way to reach it). A new data folder asks which, once; without
    a person to ask (demo data, screenshots) it works standalone. None: the user quit."""
    sync_service.scrub_saved_password(store)  # one saved by an earlier version
    settings = sync_service.sync_settings(store)
    if settings is None and not interactive:
        sync_service.choose_standalone(store)
        settings = sync_service.SyncSettings(sync_service.Mode.STANDALONE)
    linked_ws = None
    if settings is not None and settings.mode is sync_service.Mode.CENTRAL:
        linked_ws = sync_service.open_linked_workstation(store)
    if settings is None or (settings.mode is sync_service.Mode.CENTRAL and linked_ws is None):
        if not interactive:
            raise NotSyncedYet(store.path)
        dialog = FirstRunDialog(store, runner, resume=settings)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.choice is None:
            return None
        if dialog.choice is sync_service.Mode.CENTRAL:
            assert dialog.workstation is not None
            return dialog.workstation, dialog.link
        return open_workstation(store), None
    if linked_ws is not None:
        assert settings.config is not None
        return linked_ws, CentralLink(store, settings.config)
    ws = sign_in_standalone(store, runner, interactive=interactive)
    return None if ws is None else (ws, None)


def check_store_later(window: MainWindow, runner: TaskRunner, store: Store) -> None:
    """A store too large to check before it opened is checked now, off the GUI thread;
    damage found is shown as a warning naming the pages (never a traceback)."""
    if not store.check_pending:
        return
    store.check_pending = False  # once per start, not again when the window is remade

    def found(damage: Damage | None) -> None:
        if damage is None:
            return
        box = QMessageBox(QMessageBox.Icon.Warning,
                          messages.tr("StoreError", messages.DAMAGE_FOUND_TITLE),
                          messages.damage_text(store.path, damage.pages, damage.tables),
                          QMessageBox.StandardButton.Close, window)
        box.setObjectName("storeDamageWarning")
        box.open()  # asynchronous: nothing waits for the answer

    def not_checked(failure: TaskFailure) -> None:
        log.warning("the store could not be checked: %r", failure.error)

    runner.task(window, lambda state: check_store_file(store, state), lane=Lane.BACKGROUND,
                name="check_store").success(found).failure(not_checked).run()


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

    task = runner.task(None, lambda state: fill_demo_data(ws, cases, state), lane=Lane.WRITE,
                       name="demo_data").progress(progress).failure(failures.append).run()
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
