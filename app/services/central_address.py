"""Central database addresses as the connection form handles them (no Qt): the server
fields of a saved address, the address for fields typed one by one, a whole address
typed (its password taken out), and the TLS mode a server gets unless the user picks
one. The form only shows and collects text; reading and building URLs happens here."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import URL

from app.sync.central import CentralConfig, CentralError, default_sslmode

DEFAULT_PORT = 5432


@dataclass(frozen=True)
class ServerFields:
    host: str
    port: int = DEFAULT_PORT
    database: str = ""


@dataclass(frozen=True)
class TypedAddress:
    shown: str  # the text as typed without its password, for the form to show
    config: CentralConfig  # never with a password; with the login given if it named none
    password: str | None  # the password the typed text held inline
    login: str  # the login given, else the one the address names ("" for neither)


def server_fields(config: CentralConfig) -> ServerFields | None:
    """Server, port and database of a PostgreSQL address that names a host; None for
    anything else (a shared SQLite file, a Unix socket, an unreadable address), which the
    form shows as a whole address."""
    try:
        url = config.parsed
    except CentralError:
        return None
    if url.get_backend_name() != "postgresql" or not url.host:
        return None
    return ServerFields(url.host, url.port or DEFAULT_PORT, url.database or "")


def config_from_fields(fields: ServerFields, login: str, sslmode: str = "",
                       sslrootcert: str = "") -> CentralConfig:
    url = URL.create("postgresql", username=login, host=fields.host, port=fields.port,
                     database=fields.database)
    return CentralConfig(url.render_as_string(hide_password=False), sslmode, sslrootcert)


def read_address(text: str, sslmode: str = "", sslrootcert: str = "",
                 login: str = "") -> TypedAddress:
    """A whole address as typed; ``login`` goes into a PostgreSQL address that names
    none. Raises CentralError (BAD_URL) for text that is no database address."""
    config, inline = CentralConfig.from_text(text, sslmode, sslrootcert)
    shown = config.url
    url = config.parsed
    if url.get_backend_name() == "postgresql":
        if not url.username and login:
            named = url.set(drivername="postgresql", username=login)
            config = CentralConfig(named.render_as_string(hide_password=False),
                                   config.sslmode, config.sslrootcert)
        login = login or url.username or ""
    return TypedAddress(shown, config, inline, login)


def sslmode_for_host(host: str) -> str:
    """require for a server elsewhere, prefer for one on this computer (nothing crosses
    a network); require while no server is named."""
    host = host.strip()
    if not host:
        return "require"
    return default_sslmode(URL.create("postgresql", host=host))


def sslmode_for_address(text: str) -> str:
    """The mode for a whole address as typed: an sslmode it names, else its host's
    default; require while the text is unreadable or needs no password (SQLite)."""
    try:
        config, _ = CentralConfig.from_text(text)
        if config.needs_password:
            return config.effective_sslmode
    except CentralError:
        pass
    return "require"
