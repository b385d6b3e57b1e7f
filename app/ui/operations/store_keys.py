"""Unlocking, creating and encrypting the local store, off the GUI thread (scrypt takes
a tenth of a second a try; converting a large store takes minutes)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.services import store_keys
from app.ui.tasks import TaskState


@dataclass(frozen=True)
class UnlockRequest:
    data_dir: Path
    secret: str
    recovery: bool  # True: a recovery code; False: the passphrase


def unlock(request: UnlockRequest, state: TaskState) -> bytes | None:
    """The data key, or None when the passphrase or code is wrong."""
    if request.recovery:
        return store_keys.unlock_with_recovery_code(request.data_dir, request.secret)
    return store_keys.unlock_with_passphrase(request.data_dir, request.secret)


@dataclass(frozen=True)
class EncryptRequest:
    data_dir: Path
    passphrase: str | None


def encrypt(request: EncryptRequest, state: TaskState) -> store_keys.NewKey:
    return store_keys.encrypt_existing_store(request.data_dir, passphrase=request.passphrase)


def set_passphrase(args: tuple[Path, bytes, str], state: TaskState) -> None:
    data_dir, key, passphrase = args
    store_keys.set_passphrase(data_dir, key, passphrase)
