"""Central addresses without a server: the password never stays in one, and TLS is
required by default unless the database is on this computer (issue 11, items 2, 12)."""

from __future__ import annotations

import pytest

from app.cli import main
from app.sync import central
from app.sync.central import CentralConfig, CentralError, CentralErrorCode, split_password


@pytest.mark.parametrize(("typed", "clean", "password"), [
    ("postgresql://alice:secret@db.example.cn/m", "postgresql://alice@db.example.cn/m",
     "secret"),
    ("postgresql+psycopg://alice:s%40c%2Fr@db:5433/m",
     "postgresql+psycopg://alice@db:5433/m", "s@c/r"),
    ("postgresql://alice:s@c/r?t@db:5433/m", "postgresql://alice@db:5433/m", "s@c/r?t"),
    ("postgresql://alice@db/m?application_name=x&password=se%26cret",
     "postgresql://alice@db/m?application_name=x", "se&cret"),
    ("host=db port=5433 dbname=m user=alice password='a b\\'c'",
     "postgresql://alice@db:5433/m", "a b'c"),
    ("sqlite:////srv/a@b/central.sqlite", "sqlite:////srv/a@b/central.sqlite", None),
    ("postgresql://alice@db/m", "postgresql://alice@db/m", None),
])
def test_the_password_comes_out_of_every_form(typed, clean, password):
    assert split_password(typed) == (clean, password)
    config, found = CentralConfig.from_text(typed)
    assert (config.url, found) == (clean, password)


def test_a_config_never_holds_a_password():
    config = CentralConfig("postgresql://alice:secret@db/m?password=other")
    assert "secret" not in repr(config) and "other" not in repr(config)
    assert config.login == "alice"


def test_an_unreadable_address_is_refused_without_being_echoed():
    with pytest.raises(CentralError) as err:
        CentralConfig.from_text("host=db password='never-shown")
    assert err.value.code is CentralErrorCode.BAD_URL
    assert "never-shown" not in str(err.value)
    with pytest.raises(CentralError) as err:
        CentralConfig("postgresql://alice@db:54x2/m").parsed  # noqa: B018
    assert "54x2" not in str(err.value)


@pytest.mark.parametrize(("address", "mode"), [
    ("postgresql://alice@db.pudong.gov.cn/m", "require"),
    ("postgresql://alice@10.0.0.5:5432/m", "require"),
    ("postgresql://alice@localhost/m", "prefer"),
    ("postgresql://alice@127.0.0.1:5432/m", "prefer"),
    ("postgresql://alice@127.0.0.5:5432/m", "prefer"),
    ("postgresql://alice@[::1]:5432/m", "prefer"),
    ("postgresql://alice@/m?host=/var/run/postgresql", "prefer"),
    ("postgresql://alice@/m", "prefer"),  # the default Unix socket
    ("host=db.example.cn dbname=m user=alice", "require"),
    ("postgresql://alice@localhost/m?hostaddr=10.0.0.5", "require"),
    ("host=/tmp port=5432 dbname=m user=alice", "prefer"),
])
def test_tls_is_required_for_a_server_elsewhere(address, mode):
    config, _ = CentralConfig.from_text(address)
    assert config.effective_sslmode == mode


def test_a_chosen_or_inline_mode_wins_but_never_weakens():
    config, _ = CentralConfig.from_text("postgresql://a@db/m?sslmode=verify-full", "require")
    assert config.effective_sslmode == "verify-full"
    assert "sslmode" not in config.url
    config, _ = CentralConfig.from_text("postgresql://a@db/m?sslmode=disable", "require")
    assert config.effective_sslmode == "require"
    config, _ = CentralConfig.from_text("postgresql://a@db/m", "disable")
    assert config.effective_sslmode == "disable"  # said in so many words


def _capture_connections(monkeypatch) -> list[dict]:
    seen: list[dict] = []

    def fake_create_engine(url, **kwargs):
        seen.append({"url": url, **kwargs})
        raise CentralError(CentralErrorCode.UNREACHABLE, "stopped by the test")

    monkeypatch.setattr(central, "create_engine", fake_create_engine)
    return seen


def test_the_engine_and_the_command_line_require_tls_by_default(monkeypatch, capsys):
    seen = _capture_connections(monkeypatch)
    assert main(["central", "status", "postgresql://admin:Cli-secret-77@db.example.cn/m"]) == 2
    assert seen[0]["connect_args"]["sslmode"] == "require"
    assert seen[0]["url"].password == "Cli-secret-77"  # used to connect, shown nowhere
    out = capsys.readouterr()
    assert "Cli-secret-77" not in out.out + out.err
    assert main(["central", "status", "postgresql://admin@localhost/m"]) == 2
    assert seen[1]["connect_args"]["sslmode"] == "prefer"
    assert main(["central", "status", "--sslmode", "verify-full",
                 "postgresql://admin@localhost/m"]) == 2
    assert seen[2]["connect_args"]["sslmode"] == "verify-full"


def test_a_server_without_tls_is_named_as_such(pg_server, capsys):
    """Requiring TLS of a server that offers none says so, not "unreachable"."""
    from sqlalchemy.engine import make_url

    from app.services import sync as sync_service

    u = make_url(pg_server.admin_url)
    config = CentralConfig(f"postgresql://{u.username}@{u.host}:{u.port}/postgres", "require")
    try:
        sync_service.connect(config, u.password).dispose()
    except CentralError as exc:
        assert exc.code is CentralErrorCode.TLS_UNAVAILABLE
    else:
        pytest.skip("this test server offers TLS")
    assert main(["central", "status", "--sslmode", "require", pg_server.admin_url]) == 2
    err = capsys.readouterr().err
    assert "offers no TLS" in err and "--sslmode prefer" in err
    assert u.password not in err
