"""Unlocking the local store with a passphrase or a recovery code, off the GUI thread
(scrypt takes a tenth of a second a try)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.services import store_keys


@dataclass(frozen=True)
class UnlockRequest:
    data_dir: Path
    secret: str
    recovery: bool  # True: a recovery code; False: the passphrase


def unlock(request: UnlockRequest) -> bytes | None:
    """The data key, or None when the passphrase or code is wrong."""
    if request.recovery:
        return store_keys.unlock_with_recovery_code(request.data_dir, request.secret)
    return store_keys.unlock_with_passphrase(request.data_dir, request.secret)
