"""The central database password lives in the OS keyring only."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import chainer, null

from app.services import credentials
from app.sync.central import CentralConfig
from tests.support.memory_keyring import (
    MemoryKeyring,
    installed,
    use_memory_keyring,
    use_no_keyring,
)

PG = CentralConfig("postgresql://zhangmin@db.example.cn:5433/mediation", "require")


def test_a_saved_password_is_read_back_under_the_login_and_server():
    with use_memory_keyring() as ring:
        assert credentials.keyring_available()
        assert credentials.get_password(PG) is None
        assert credentials.save_password(PG, "秘密-1")
        assert credentials.get_password(PG) == "秘密-1"
        assert ring.passwords == {
            ("mediation-desk", "zhangmin@db.example.cn:5433/mediation"): "秘密-1"}
        credentials.forget_password(PG)
        assert credentials.get_password(PG) is None
        credentials.forget_password(PG)  # forgetting twice is harmless


def test_without_a_keyring_nothing_is_saved_and_nothing_fails():
    with use_no_keyring():
        assert not credentials.keyring_available()
        assert not credentials.save_password(PG, "pw")
        assert credentials.get_password(PG) is None
        credentials.forget_password(PG)


@pytest.mark.parametrize("backend", [null.Keyring, chainer.ChainerBackend])
def test_null_and_empty_chainer_backends_count_as_no_keyring(backend, monkeypatch):
    ring = backend()
    if backend is chainer.ChainerBackend:
        monkeypatch.setattr(chainer.ChainerBackend, "backends", property(lambda self: []))
    with installed(ring):
        assert not credentials.keyring_available()


def test_a_chainer_with_a_usable_backend_counts(monkeypatch):
    memory = MemoryKeyring()
    monkeypatch.setattr(chainer.ChainerBackend, "backends", property(lambda self: [memory]))
    with installed(chainer.ChainerBackend()):
        assert credentials.keyring_available()


class BrokenKeyring(MemoryKeyring):
    def get_password(self, service, username):
        raise keyring.errors.KeyringLocked("locked")

    def set_password(self, service, username, password):
        raise keyring.errors.PasswordSetError("no")

    def delete_password(self, service, username):
        raise RuntimeError("dbus went away")


def test_a_failing_keyring_is_logged_without_the_password(caplog):
    with installed(BrokenKeyring()):
        assert credentials.get_password(PG) is None
        assert not credentials.save_password(PG, "Very-secret-9")
        credentials.forget_password(PG)
    assert "Very-secret-9" not in caplog.text
    assert "could not save" in caplog.text


def test_an_sqlite_central_database_needs_no_password():
    sqlite = CentralConfig("sqlite:////srv/central.sqlite")
    with use_memory_keyring() as ring:
        assert not credentials.save_password(sqlite, "x")
        assert credentials.get_password(sqlite) is None
        assert ring.passwords == {}


def test_the_connect_form_requires_tls_for_a_server_elsewhere(qtbot):
    from app.ui.sync.connect_form import ConnectForm

    form = ConnectForm(keyring_ok=False)
    qtbot.addWidget(form)
    form.host.setText("db.pudong.gov.cn")
    form.login.setText("zhangmin")
    assert form.sslmode.currentData() == "require"
    assert form.value(require_password=False).config.effective_sslmode == "require"
    form.host.setText("localhost")
    assert form.sslmode.currentData() == "prefer"
    # A mode the user picks stays, whatever the server.
    form.sslmode.setCurrentIndex(form.sslmode.findData("verify-full"))
    form.sslmode.activated.emit(form.sslmode.currentIndex())
    form.host.setText("db2.pudong.gov.cn")
    assert form.value(require_password=False).config.sslmode == "verify-full"


def test_the_connect_form_takes_an_inline_password_out_of_the_address(qtbot):
    from app.ui.sync.connect_form import ConnectForm

    form = ConnectForm(keyring_ok=False)
    qtbot.addWidget(form)
    form.use_url.setChecked(True)
    form.url.setText("postgresql://zhangmin:Form-secret-5@db.pudong.gov.cn/mediation")
    assert form.sslmode.currentData() == "require"
    value = form.value()
    assert value.password == "Form-secret-5"
    assert "Form-secret-5" not in value.config.url + form.url.text()
    assert form.password.text() == "Form-secret-5"  # in the masked field instead
    assert value.config.effective_sslmode == "require"


def test_a_server_without_tls_is_explained_not_called_unreachable():
    from app.sync.central import CentralError, CentralErrorCode
    from app.ui import messages

    words = messages.central_error_text(CentralError(CentralErrorCode.TLS_UNAVAILABLE))
    assert "不支持加密连接" in words and "连不上" not in words
