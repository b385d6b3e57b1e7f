"""Per-user interface settings, declared once and typed, over QSettings.

    geometry = WINDOW_GEOMETRY.get()
    WINDOW_GEOMETRY.set(self.saveGeometry())

Nothing else in the UI calls ``QSettings().value``. The stored ``meta/version`` says
which upgrades have run; an upgrade is a function registered with ``@upgrade(n)``
that turns a version ``n - 1`` file into a version ``n`` one (Picard's
``upgrade_settings``). Adding a setting needs no upgrade; renaming or retyping one does.
Office-wide configuration (pledges, calendars) lives in the store, not here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings

T = TypeVar("T")

SETTINGS_VERSION = 3
_VERSION_KEY = "meta/version"

_registry: dict[str, Setting[Any]] = {}
_upgrades: dict[int, Callable[[QSettings], None]] = {}


def open_settings() -> QSettings:
    """The user's settings file, named after the application and organisation."""
    return QSettings()


@dataclass(frozen=True)
class Setting(Generic[T]):
    key: str
    default: T
    type_: type

    def __post_init__(self) -> None:
        if self.key in _registry:
            raise ValueError(f"setting {self.key} declared twice")
        _registry[self.key] = self

    def get(self, qs: QSettings | None = None) -> T:
        raw = (qs or open_settings()).value(self.key)
        if raw is None:
            return self.default
        try:
            return self._convert(raw)
        except (TypeError, ValueError):
            return self.default

    def set(self, value: T | None, qs: QSettings | None = None) -> None:
        qs = qs or open_settings()
        if value is None:
            qs.remove(self.key)
        elif self.type_ is bytes:
            qs.setValue(self.key, QByteArray(bytes(value)))
        else:
            qs.setValue(self.key, value)

    def reset(self, qs: QSettings | None = None) -> None:
        (qs or open_settings()).remove(self.key)

    def _convert(self, raw: Any) -> T:
        if self.type_ is bytes:
            return bytes(raw.data() if isinstance(raw, QByteArray) else raw)
        if self.type_ is bool:
            if isinstance(raw, str):
                return raw.strip().lower() in ("1", "true", "yes")  # type: ignore[return-value]
            return bool(raw)  # type: ignore[return-value]
        return self.type_(raw)


def registered() -> dict[str, Setting[Any]]:
    return dict(_registry)


def upgrade(version: int) -> Callable[[Callable[[QSettings], None]], Callable[[QSettings], None]]:
    """Register the step that brings a settings file from ``version - 1`` to ``version``."""

    def register(fn: Callable[[QSettings], None]) -> Callable[[QSettings], None]:
        if version in _upgrades or version > SETTINGS_VERSION:
            raise ValueError(f"bad settings upgrade {version}")
        _upgrades[version] = fn
        return fn

    return register


def upgrade_settings(qs: QSettings | None = None) -> int:
    """Run the pending upgrades in order; returns the version the file is at now.
    A file written by a newer program is left alone (its extra keys are ignored)."""
    qs = qs or open_settings()
    try:
        current = int(qs.value(_VERSION_KEY, 0))
    except (TypeError, ValueError):
        current = 0
    if current > SETTINGS_VERSION:
        return current
    for version in range(current + 1, SETTINGS_VERSION + 1):
        step = _upgrades.get(version)
        if step is not None:
            step(qs)
        qs.setValue(_VERSION_KEY, version)
    qs.sync()
    return SETTINGS_VERSION


# ------------------------------------------------------------------ the settings

WINDOW_GEOMETRY = Setting("window/geometry", default=None, type_=bytes)
WINDOW_STATE = Setting("window/state", default=None, type_=bytes)
MAIN_SPLITTER = Setting("window/main_splitter", default=None, type_=bytes)
QUEUE_HEADER = Setting("queue/header_state", default=None, type_=bytes)  # widths, order
QUEUE_VIEW = Setting("queue/view", default="", type_=str)  # a QueueView value; "": default
QUEUE_SORT = Setting("queue/sort", default="received", type_=str)  # a SortKey value
QUEUE_DESCENDING = Setting("queue/descending", default=True, type_=bool)
QUEUE_PAGE_SIZE = Setting("queue/page_size", default=200, type_=int)
EVIDENCE_MAX_MEGABYTES = Setting("evidence/max_megabytes", default=50, type_=int)
# Pre-upgrade copies of the store kept in backups/ (the oldest go after a new one).
TEXT_SIZE = Setting("appearance/text_size", default="standard", type_=str)  # text_size.TextSize
LANGUAGE = Setting("appearance/language", default="system", type_=str)  # language.Language
STORE_BACKUPS_KEPT = Setting("store/backups_kept", default=5, type_=int)


@upgrade(1)
def _first_version(qs: QSettings) -> None:
    """Version 1 is the first: nothing to convert, only the version to record."""


@upgrade(2)
def _queue_views(qs: QSettings) -> None:
    """Version 1 kept the sidebar's status list under queue/status_view; version 2 has
    the queue's views (QueueView) under queue/view, and a tags column in the table, so
    the old header layout no longer fits."""
    old_to_new = {"all": "all", "received": "to_accept", "mediating": "mediating",
                  "closed": "to_follow_up", "finished": "closed"}
    old = qs.value("queue/status_view")
    if isinstance(old, str) and old in old_to_new:
        qs.setValue("queue/view", old_to_new[old])
    qs.remove("queue/status_view")
    qs.remove("queue/header_state")


@upgrade(3)
def _wider_deadline_column(qs: QSettings) -> None:
    """The queue's 下一期限 column is wider by default (issue 16: 待回电 and its deadline
    were cut off at 1366×768). The header state kept at every exit holds the old
    default width, so it goes: the columns start at the new defaults once."""
    qs.remove("queue/header_state")
