"""Issue 11, hole 2: a central password typed inside the address is kept nowhere.

A mediator links a workstation through the connect form with the password inline in
each form an address can take; afterwards the password's bytes are searched for in
the store and its -wal, a backup made at the next upgrade, the settings folder, the
log and the output of `mediation-desk central` run on the same address."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from PySide6.QtCore import Qt
from sqlalchemy.engine import make_url

from app.services import central_admin
from app.services import sync as sync_service
from app.store import migrate
from app.store.database import open_store
from app.ui.main_window import MainWindow
from app.ui.sync.connect_dialog import FirstRunDialog
from tests.security.conftest import _pg_copy
from tests.support.memory_keyring import use_memory_keyring
from tests.support.pgserver import unique_suffix

ROOT = Path(__file__).resolve().parents[2]


def _kv_quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


# Each form an address can take, with the password inline.
FORMS = {
    "userinfo": lambda s: f"postgresql://{s.login}:{quote(s.pw, safe='')}@{s.where}",
    "driver": lambda s: f"postgresql+psycopg://{s.login}:{quote(s.pw, safe='')}@{s.where}",
    "unencoded": lambda s: f"postgresql://{s.login}:{s.pw}@{s.where}",
    "query": lambda s: f"postgresql://{s.login}@{s.where}?password={quote(s.pw, safe='')}",
    "key_value": lambda s: (f"host={s.host} port={s.port} dbname={s.db} user={s.login} "
                            f"password={_kv_quote(s.pw)}"),
}


class Secret:
    """A login of its own whose password holds a unique token and awkward characters."""

    def __init__(self, central, form: str) -> None:
        self.token = unique_suffix()
        self.login = f"mdt_pw{unique_suffix()}"  # not the token: a login is no secret
        self.pw = f"Pw@{form}/x?y&'z-密码-{self.token}"
        url = make_url(central.admin_url)
        self.host, self.port, self.db = url.host, url.port, url.database
        self.where = f"{self.host}:{self.port}/{self.db}"
        central_admin.add_user(central.admin(), login=self.login, name="测试员",
                               office="PD01", role="mediator", password=self.pw)

    def patterns(self) -> list[bytes]:
        return [self.token.encode(), self.token.encode("utf-16-le"),
                self.pw.encode(), quote(self.pw, safe="").encode()]

    def assert_absent(self, where: str, data: bytes) -> None:
        for pattern in self.patterns():
            assert pattern not in data, f"the password is in {where}"


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


@pytest.fixture
def pg_central(request):
    yield from _pg_copy(request)


@pytest.mark.parametrize("form", FORMS)
def test_an_inline_password_is_kept_nowhere(form, qtbot, runner, pg_central, tmp_path,
                                            isolated_settings, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    secret = Secret(pg_central, form)
    address = FORMS[form](secret)
    data = tmp_path / "data"
    store = open_store(data)
    with use_memory_keyring() as ring:
        dialog = FirstRunDialog(store, runner)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.pages.setCurrentIndex(1)
        page_form = dialog.connect_page.form
        page_form.use_url.setChecked(True)
        page_form.url.setText(address)
        with qtbot.waitSignal(dialog.accepted, timeout=60_000):
            qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
        # The password went where passwords belong.
        assert secret.pw in ring.passwords.values()
    ws, link = dialog.workstation, dialog.link
    assert ws.actor.login == secret.login
    window = MainWindow(ws, runner, store_path=store.path, remember=True)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.queue_loaded, timeout=10_000):
        window.show()
    window.close()  # saves the window's settings
    link.close()
    settings = sync_service.sync_settings(store)
    assert settings.config.login == secret.login
    # Read the store as it is on disk, -wal included, before anything checkpoints it.
    for path in _files(data):
        secret.assert_absent(path.name, path.read_bytes())
    store.close()
    secret.assert_absent("the connect form's address", page_form.url.text().encode())

    # The next upgrade copies the store to backups/ first.
    monkeypatch.setattr(migrate, "head_revision", lambda: "9000_pretend")
    monkeypatch.setattr(migrate, "upgrade", lambda engine, target="head": None)
    upgraded = open_store(data)
    upgraded.close()
    assert upgraded.backup_path is not None and upgraded.backup_path.exists()
    monkeypatch.undo()
    for path in _files(data):
        secret.assert_absent(path.name, path.read_bytes())
    for path in _files(isolated_settings):
        secret.assert_absent(f"the settings ({path.name})", path.read_bytes())
    secret.assert_absent("the log", caplog.text.encode())

    # The command line on the same address: its output and its errors.
    wrong_port = address.replace(f":{secret.port}/", ":1/").replace(
        f"port={secret.port}", "port=1")
    for argv in (["status", address], ["status", wrong_port]):
        done = subprocess.run([sys.executable, "-m", "app", "central", *argv], cwd=ROOT,
                              capture_output=True, timeout=120)
        secret.assert_absent(f"the output of central {argv[0]}", done.stdout + done.stderr)
        assert done.stdout or done.stderr  # it said something


def test_a_key_value_string_that_cannot_be_read_is_refused_without_echoing_it(tmp_path):
    pw = "Broken-" + unique_suffix()
    done = subprocess.run(
        [sys.executable, "-m", "app", "central", "status",
         f"host=db.example.cn user=zhangmin password='{pw}"],
        cwd=ROOT, capture_output=True, timeout=60)
    assert done.returncode == 2
    assert b"not a database URL" in done.stderr
    assert pw.encode() not in done.stdout + done.stderr


def test_a_password_saved_by_an_earlier_version_is_moved_out(tmp_path, monkeypatch):
    """Stores linked before this fix hold the address as typed, password and all, in
    the store and in every backup: at the next start it moves to the keyring."""
    from app.ui.app import NotSyncedYet, open_for_mode

    pw = "Old-" + unique_suffix()
    typed = f"postgresql://zhangmin:{pw}@db.pudong.gov.cn:5432/mediation?sslmode=require"
    data = tmp_path / "data"
    store = open_store(data)
    with store.unit_of_work() as session:  # as link_central wrote it before
        sync_service._set_meta(session, sync_service.MODE_KEY, "central")
        sync_service._set_meta(session, sync_service.URL_KEY, typed)
        sync_service._set_meta(session, sync_service.LOGIN_KEY, "zhangmin")
    store.close()
    monkeypatch.setattr(migrate, "head_revision", lambda: "9000_pretend")
    monkeypatch.setattr(migrate, "upgrade", lambda engine, target="head": None)
    open_store(data).close()  # an upgrade: the backup holds the password too
    monkeypatch.undo()
    assert any(pw.encode() in p.read_bytes() for p in _files(data))

    store = open_store(data)
    with use_memory_keyring() as ring:
        with pytest.raises(NotSyncedYet):  # no first sync yet: not this test's concern
            open_for_mode(store, None, interactive=False)
    assert ring.passwords == {
        ("mediation-desk", "zhangmin@db.pudong.gov.cn:5432/mediation"): pw}
    config = sync_service.sync_settings(store).config
    assert config.url == "postgresql://zhangmin@db.pudong.gov.cn:5432/mediation?sslmode=require"
    store.close()
    for path in _files(data):
        assert pw.encode() not in path.read_bytes(), path.name
