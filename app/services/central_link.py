"""The way to the central database during a session (no Qt): connecting and linking a
store, the first sync, and a background sync that tells being offline or without a
password apart from a failure.

``CentralLink`` holds what a workstation needs to reach its central database during a
session: the config, the password (memory only), the engine and the sync client. Only
one sync runs at a time (the controller's single-flight guard), so the client is used
by one worker thread at a time; the lock guards the hand-over between threads.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from app.services import credentials
from app.services import sync as sync_service
from app.services.context import Workstation
from app.services.sync import CentralUser
from app.store.database import Store
from app.sync.central import CentralConfig, CentralError, CentralErrorCode
from app.sync.client import Progress, SyncClient, SyncReport

log = logging.getLogger(__name__)

ProgressSink = Callable[[Progress], None]


class PasswordNeeded(Exception):
    """The central database wants a password and none is known this session."""


class CentralLink:
    """The way to the central database for one session (no Qt, no widgets)."""

    def __init__(self, store: Store, config: CentralConfig, password: str | None = None,
                 engine: Engine | None = None) -> None:
        self.store = store
        self._config = config
        self._password = password
        self._engine = engine
        self._client: SyncClient | None = None
        self._lock = threading.Lock()
        self._keyring_tried = password is not None
        self._remember = False

    @property
    def config(self) -> CentralConfig:
        return self._config

    @property
    def has_password(self) -> bool:
        return self._password is not None or not self._config.needs_password

    def set_password(self, password: str | None, *, remember: bool = False) -> None:
        """A password the user typed; with ``remember`` it goes to the keyring once a
        connection with it succeeded (a mistyped one is never kept)."""
        with self._lock:
            self._password = password
            self._remember = remember and password is not None
            self._keyring_tried = True
            self._drop()

    def set_config(self, config: CentralConfig) -> None:
        with self._lock:
            if config != self._config:
                self._config = config
                self._drop()

    def forget_engine(self) -> None:
        """After a lost connection: the next sync connects afresh."""
        with self._lock:
            self._drop()

    def _drop(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
        self._engine = None
        self._client = None

    def client(self) -> SyncClient:
        """The sync client, connecting first when needed (worker thread only)."""
        with self._lock:
            if self._client is not None:
                return self._client
            config = self._config
            if config.needs_password and self._password is None and not self._keyring_tried:
                self._keyring_tried = True
                self._password = credentials.get_password(config)  # may block: off the GUI
            if config.needs_password and self._password is None:
                raise PasswordNeeded()
            if self._engine is None:
                self._engine = sync_service.connect(config, self._password)
                if self._remember and self._password is not None:
                    credentials.save_password(config, self._password)
                    self._remember = False
            self._client = sync_service.make_client(self.store, self._engine)
            return self._client

    def close(self) -> None:
        with self._lock:
            self._drop()


# ------------------------------------------------------------------ connecting


@dataclass(frozen=True)
class ConnectRequest:
    store: Store
    config: CentralConfig
    password: str | None
    login: str
    remember: bool = False


@dataclass(frozen=True)
class Connected:
    link: CentralLink
    user: CentralUser
    password_saved: bool


def connect_and_link(request: ConnectRequest, check: Callable[[], None] = lambda: None
                     ) -> Connected:
    """Log in to the central database and bind the store to it and this login;
    ``check`` raises to stop once connected (a cancel)."""
    engine = sync_service.connect(request.config, request.password)
    try:
        check()
        user = sync_service.link_central(request.store, request.config, engine,
                                         login=request.login or None)
    except BaseException:
        engine.dispose()
        raise
    saved = False
    if request.remember and request.password and request.config.needs_password:
        saved = credentials.save_password(request.config, request.password)
    link = CentralLink(request.store, request.config, request.password, engine)
    return Connected(link, user, saved)


def first_sync(link: CentralLink, progress: ProgressSink) -> Workstation:
    """Download this office's data; the workstation of the linked user once it is here.
    ``progress`` may raise to stop (a cancel)."""
    link.client().sync(progress=progress)
    ws = sync_service.open_linked_workstation(link.store)
    if ws is None:
        raise CentralError(CentralErrorCode.NOT_A_USER, "the first sync brought no user record")
    return ws


# ------------------------------------------------------------------ syncing


@dataclass(frozen=True)
class SyncOutcome:
    """How a background sync went. Offline and a missing password are states, not
    failures: the workstation keeps working and tries again later."""

    report: SyncReport | None = None
    offline: bool = False
    detail: str = ""  # the driver's words when offline (for the tooltip and the log)
    error: BaseException | None = field(default=None, compare=False)
    needs_password: bool = False
    wrong_password: bool = False


def run_sync(link: CentralLink, sink: ProgressSink | None = None) -> SyncOutcome:
    try:
        client = link.client()
        report = client.sync(progress=sink)
    except PasswordNeeded:
        return SyncOutcome(needs_password=True)
    except (CentralError, DBAPIError, OSError) as exc:
        if isinstance(exc, CentralError):
            error = exc
        elif isinstance(exc, OSError):  # an SQLite central file on a share that is gone
            error = CentralError(CentralErrorCode.UNREACHABLE, str(exc))
        else:
            error = sync_service.classify_connection_error(exc)
        if error.code is CentralErrorCode.AUTH_FAILED:
            link.set_password(None)
            return SyncOutcome(needs_password=True, wrong_password=True, error=error)
        if error.code is CentralErrorCode.BAD_URL or not (
                isinstance(exc, OSError) or sync_service.is_offline_error(exc)):
            raise
        link.forget_engine()
        log.info("sync: central database unreachable (%s)", type(exc).__name__)
        return SyncOutcome(offline=True, detail=str(error.detail or error)[:500], error=error)
    return SyncOutcome(report=report)
