"""An in-memory keyring for tests: nothing reaches the OS keyring or a file.

    with use_memory_keyring() as ring:
        ...
        assert ring.passwords == {("mediation-desk", "zhangmin@db:5432/mediation"): "pw"}

``use_no_keyring()`` installs keyring's own "no backend" keyring, as on a machine
without a system password store.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import keyring
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@contextmanager
def installed(backend: KeyringBackend) -> Iterator[KeyringBackend]:
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@contextmanager
def use_memory_keyring() -> Iterator[MemoryKeyring]:
    with installed(MemoryKeyring()) as ring:
        yield ring  # type: ignore[misc]


@contextmanager
def use_no_keyring() -> Iterator[KeyringBackend]:
    with installed(fail.Keyring()) as ring:
        yield ring
