"""run_gui: screenshots, store errors, fonts, demo data."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont, QFontMetrics, QImage
from PySide6.QtWidgets import QApplication, QMessageBox

from app.services.reference import open_workstation
from app.store.database import STORE_FILENAME, open_store
from app.ui import app as gui
from app.ui import resources
from tests.ui.conftest import seed_cases


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def data_dir(tmp_path) -> Path:
    folder = tmp_path / "data"
    store = open_store(folder)
    try:
        seed_cases(open_workstation(store, login="zhangmin"))
    finally:
        store.close()
    return folder


def test_screenshot_of_a_store_with_cases(qapp, data_dir, tmp_path):
    png = tmp_path / "shots" / "window.png"
    assert gui.run_gui(data_dir, screenshot=png) == 0
    image = QImage(str(png))
    assert not image.isNull()
    ratio = qapp.devicePixelRatio()
    assert (image.width(), image.height()) == (round(1400 * ratio), round(860 * ratio))
    # Not a blank canvas: text, rows and the selection make many different colours.
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
               for y in range(0, image.height(), 7)}
    assert len(colours) > 20


@pytest.mark.parametrize("spoil", ["not_a_store", "newer_version"])
def test_a_bad_store_exits_2_and_stays_byte_identical(qapp, tmp_path, capsys, spoil):
    folder = tmp_path / "data"
    target = folder / STORE_FILENAME
    if spoil == "not_a_store":
        folder.mkdir()
        target.write_text("姓名,电话\n张三,13800135678\n", encoding="utf-8")
        expected = "不是调解工作台的数据文件"
    else:
        open_store(folder).close()
        con = sqlite3.connect(target)
        con.execute("UPDATE alembic_version SET version_num = 'fffffffffff0'")
        con.commit()
        con.close()
        expected = "更新版本"
    before = digest(target)
    siblings = sorted(p.name for p in folder.iterdir())
    png = tmp_path / "window.png"
    assert gui.run_gui(folder, screenshot=png) == 2
    err = capsys.readouterr().err
    assert expected in err and str(target) in err
    assert digest(target) == before
    # No backup was made, nothing was migrated. (A read-only look at a WAL-mode store
    # leaves empty -wal/-shm companions behind: SQLite's doing, the store is unchanged.)
    left = {p.name for p in folder.iterdir()} - {f"{STORE_FILENAME}-wal", f"{STORE_FILENAME}-shm"}
    assert sorted(left) == siblings
    assert not png.exists()


def test_a_bad_store_without_screenshot_explains_in_a_dialog(qapp, tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / STORE_FILENAME).write_bytes(b"PK\x03\x04 a zip file")
    seen: list[str] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.close()
        else:
            QTimer.singleShot(20, read_and_close)

    QTimer.singleShot(0, read_and_close)
    assert gui.run_gui(folder) == 2
    assert len(seen) == 1 and "不是调解工作台的数据文件" in seen[0]


def test_demo_cases_fill_an_empty_store_before_the_window_opens(qapp, tmp_path):
    pytest.importorskip("app.demo.generator")
    folder = tmp_path / "data"
    assert gui.run_gui(folder, demo_cases=40, screenshot=tmp_path / "w.png") == 0
    con = sqlite3.connect(folder / STORE_FILENAME)
    assert con.execute("SELECT count(*) FROM cases").fetchone()[0] == 40
    con.close()
    # A store that already holds cases is never topped up.
    assert gui.run_gui(folder, demo_cases=40, screenshot=tmp_path / "w.png") == 0
    con = sqlite3.connect(folder / STORE_FILENAME)
    assert con.execute("SELECT count(*) FROM cases").fetchone()[0] == 40
    con.close()


def test_the_application_font_draws_chinese(qapp):
    family = gui.install_cjk_font(qapp)
    assert family
    metrics = QFontMetrics(QFont(family))
    assert all(metrics.inFontUcs4(ord(ch)) for ch in "调解工作台待受理已办结")


def test_resources_are_found_in_an_installed_package_too(tmp_path, monkeypatch):
    installed = tmp_path / "site-packages" / "app"
    (installed / "_resources" / "fonts").mkdir(parents=True)
    font = installed / "_resources" / resources.BUNDLED_CJK_FONT
    font.write_bytes(b"font")
    # An unrelated resources/ folder beside the package must not be mistaken for ours.
    (tmp_path / "site-packages" / "resources").mkdir()
    monkeypatch.setattr(resources, "_APP_DIR", installed)
    resources.resource_path.cache_clear()
    try:
        assert resources.bundled_cjk_font() == font
        with pytest.raises(FileNotFoundError):
            resources.resource_path("icons/missing.svg")
    finally:
        monkeypatch.undo()
        resources.resource_path.cache_clear()
    assert resources.bundled_cjk_font().stat().st_size > 1_000_000  # the real one again


def test_the_store_is_opened_and_upgraded_off_the_gui_thread(qapp, data_dir, monkeypatch):
    # Opening checks the store and an upgrade migrates it (minutes on a million cases):
    # the window's thread keeps serving events meanwhile.
    import threading
    import time

    from app.services import store_keys
    from app.ui.security.store_opener import open_for_gui
    from app.ui.tasks import TaskRunner

    real_open = store_keys.open_local_store
    opened_on: list[threading.Thread] = []

    def slow_open(*args, **kwargs):
        opened_on.append(threading.current_thread())
        time.sleep(0.6)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(store_keys, "open_local_store", slow_open)
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(50)
    runner = TaskRunner()
    try:
        opened = open_for_gui(data_dir, runner, interactive=False, demo=False)
        assert opened is not None
        opened.store.close()
    finally:
        timer.stop()
        runner.shutdown()
    assert opened_on and opened_on[0] is not threading.main_thread()
    assert len(ticks) >= 5


@pytest.mark.parametrize("environ, platform, chosen", [
    ({}, "linux", "offscreen"),  # no display at all: a server, CI
    ({"DISPLAY": ":0"}, "linux", None),
    ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", None),
    ({"QT_QPA_PLATFORM": "xcb"}, "linux", "xcb"),  # the user's choice stands
    ({}, "win32", None),
    ({}, "darwin", None),
])
def test_a_screenshot_without_a_display_picks_the_offscreen_platform(environ, platform,
                                                                     chosen):
    env = dict(environ)
    assert gui.choose_headless_platform(env, platform) is (chosen == "offscreen")
    assert env.get("QT_QPA_PLATFORM") == chosen


def test_the_windows_carry_the_app_icon(qapp):
    icon = gui.application().windowIcon()
    assert not icon.isNull()
    picture = icon.pixmap(32, 32).toImage()
    assert picture.width() == 32 and picture.pixelColor(16, 4).red() > 150  # the red seal


def test_qt_own_words_are_chinese(qapp):
    gui.application()
    assert QApplication.translate("QPlatformTheme", "Cancel") == "取消"


def test_an_unexpected_error_is_logged_explained_and_the_program_goes_on(qapp, monkeypatch,
                                                                          tmp_path):
    import logging
    import sys

    from app.services import logs
    from app.ui import crash_dialog

    monkeypatch.setenv(logs.LOG_DIR_ENV, str(tmp_path / "logs"))
    root = logging.getLogger()
    handlers = list(root.handlers)
    path = logs.setup_logging()
    shown: list[QMessageBox] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box) or 0)
    previous = crash_dialog.install_excepthook(path)
    try:
        try:
            raise RuntimeError("boom for 13800135678")
        except RuntimeError:
            sys.excepthook(*sys.exc_info())
    finally:
        sys.excepthook = previous
        for handler in root.handlers[:]:
            if handler not in handlers:
                handler.flush()
                root.removeHandler(handler)
                handler.close()
    [box] = shown
    assert box.windowTitle() == "意外错误" and str(path) in box.text()
    assert "RuntimeError: boom for 138****5678" in box.detailedText()
    [copy] = [b for b in box.buttons() if b.text() == "复制详细信息"]
    copy.click()
    assert "boom for 138****5678" in QApplication.clipboard().text()
    logged = path.read_text(encoding="utf-8")
    assert "uncaught exception" in logged and "RuntimeError: boom for 138****5678" in logged
    assert "13800135678" not in logged
