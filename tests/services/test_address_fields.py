"""The connection form's addresses, read and built by the services (the form itself
touches no URL): fields and whole addresses, passwords kept out, TLS by default."""

from __future__ import annotations

import pytest

from app.services.central_address import (
    ServerFields,
    config_from_fields,
    read_address,
    server_fields,
    sslmode_for_address,
    sslmode_for_host,
)
from app.sync.central import CentralConfig, CentralError, CentralErrorCode


def test_fields_make_an_address_and_come_back_from_it():
    config = config_from_fields(ServerFields("db.pudong.gov.cn", 5433, "mediation"),
                                "zhangmin", "verify-full", "/etc/ca.pem")
    assert config == CentralConfig("postgresql://zhangmin@db.pudong.gov.cn:5433/mediation",
                                   "verify-full", "/etc/ca.pem")
    assert server_fields(config) == ServerFields("db.pudong.gov.cn", 5433, "mediation")


@pytest.mark.parametrize("url", ["sqlite:////srv/central.sqlite",
                                 "postgresql://alice@/m?host=/var/run/postgresql",
                                 "postgresql://alice@db:54x2/m"])
def test_addresses_without_server_fields_are_shown_whole(url):
    assert server_fields(CentralConfig(url)) is None


def test_a_typed_address_gives_up_its_password_and_takes_the_login():
    typed = read_address("postgresql://db.example.cn/m?password=secret", login="alice")
    assert typed.shown == "postgresql://db.example.cn/m"
    assert typed.config.url == "postgresql://alice@db.example.cn/m"
    assert (typed.password, typed.login) == ("secret", "alice")
    typed = read_address("postgresql://bob:pw@db/m")
    assert (typed.config.url, typed.password, typed.login) == ("postgresql://bob@db/m", "pw",
                                                               "bob")
    typed = read_address("sqlite:////srv/central.sqlite", login="alice")
    assert (typed.config.url, typed.password, typed.login) == (
        "sqlite:////srv/central.sqlite", None, "alice")


def test_an_unreadable_address_is_refused():
    with pytest.raises(CentralError) as err:
        read_address("mysql://alice@db/m")
    assert err.value.code is CentralErrorCode.BAD_URL


@pytest.mark.parametrize(("host", "mode"), [("db.pudong.gov.cn", "require"),
                                            (" localhost ", "prefer"), ("127.0.0.1", "prefer"),
                                            ("", "require")])
def test_a_server_named_in_the_fields_gets_its_default_tls(host, mode):
    assert sslmode_for_host(host) == mode


@pytest.mark.parametrize(("text", "mode"), [
    ("postgresql://alice@db.example.cn/m", "require"),
    ("postgresql://alice@localhost/m", "prefer"),
    ("postgresql://alice@localhost/m?sslmode=verify-full", "verify-full"),
    ("sqlite:////srv/central.sqlite", "require"),
    ("host=db password='unterminated", "require"),
])
def test_a_whole_address_gets_its_default_tls(text, mode):
    assert sslmode_for_address(text) == mode
