"""Central database addresses as the connection form handles them (no Qt): the server
fields of a saved address, the address for fields typed one by one, a whole address
typed (its password taken out), and the TLS mode a server gets unless the user picks
one. The form only shows and collects text; reading and building URLs happens here."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import URL

from app.sync.central import CentralConfig, CentralError, CentralErrorCode, default_sslmode

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


@dataclass(frozen=True)
class PastedConnection:
    """What an administrator's connection text gives: the server fields (or a whole
    address the fields cannot hold), the login, the TLS settings, perhaps a password."""

    fields: ServerFields | None
    address: str  # "" when the fields hold it; never with the password in it
    login: str
    sslmode: str
    sslrootcert: str
    password: str | None


# The words an administrator's message uses, each for a field.
_KEYS = {
    "host": ("服务器", "服务器地址", "主机", "地址", "host", "server"),
    "port": ("端口", "port"),
    "database": ("数据库", "数据库名", "dbname", "database"),
    "login": ("登录名", "用户名", "用户", "账号", "user", "login", "username"),
    "password": ("密码", "初始密码", "password"),
    "sslmode": ("加密方式", "sslmode", "ssl"),
    "sslrootcert": ("根证书", "sslrootcert"),
}
_KEY_OF = {word.lower(): key for key, words in _KEYS.items() for word in words}


def read_connection_text(text: str) -> PastedConnection:
    """The connection text an administrator sent, in any of its usual forms: an address
    (postgresql://zhangmin@db:5432/mediation?sslmode=require), a libpq string
    (host=… dbname=… user=…), or lines of 服务器：… 端口：… 登录名：…. Raises CentralError
    (BAD_URL) when it is none of them."""
    text = text.strip()
    lines = [line for line in (part.strip() for part in text.splitlines()) if line]
    pairs: dict[str, str] = {}
    address_line = ""
    for line in lines:
        if "://" in line and not pairs.get("host"):
            address_line = line
            continue
        for sep in ("：", ":", "="):
            if sep in line:
                key, value = line.split(sep, 1)
                field = _KEY_OF.get(key.strip().lower())
                if field:
                    pairs[field] = value.strip()
                break
    if address_line or ("=" in text and len(lines) == 1):
        typed = read_address(address_line or text, pairs.get("sslmode", ""),
                             pairs.get("sslrootcert", ""), pairs.get("login", ""))
        fields = server_fields(typed.config)
        return PastedConnection(fields, "" if fields else typed.shown, typed.login,
                                typed.config.sslmode, typed.config.sslrootcert,
                                pairs.get("password") or typed.password)
    if not pairs.get("host"):
        raise CentralError(CentralErrorCode.BAD_URL, "no server named")
    try:
        port = int(pairs.get("port") or DEFAULT_PORT)
    except ValueError:
        raise CentralError(CentralErrorCode.BAD_URL, "port is not a number") from None
    return PastedConnection(ServerFields(pairs["host"], port, pairs.get("database", "")), "",
                            pairs.get("login", ""), pairs.get("sslmode", ""),
                            pairs.get("sslrootcert", ""), pairs.get("password"))
