"""Typed store errors; the UI and the command line turn the code into words."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from app.core.errors import UserFacingError


class StoreErrorCode(StrEnum):
    UNWRITABLE_DIR = "unwritable_dir"
    NOT_A_STORE = "not_a_store"
    CORRUPT = "corrupt"
    NEWER_VERSION = "newer_version"
    LOCKED = "locked"
    MIGRATION_FAILED = "migration_failed"
    BACKUP_FAILED = "backup_failed"  # the copy before an upgrade failed its check: no upgrade
    KEY_NEEDED = "key_needed"  # encrypted, and no key was given
    WRONG_KEY = "wrong_key"  # encrypted, and the key given does not open it
    ENCRYPT_FAILED = "encrypt_failed"  # converting to an encrypted store failed


class StoreError(UserFacingError):
    def __init__(self, code: StoreErrorCode, path: Path, detail: str = "", *,
                 pages: tuple[int, ...] = (), backup: Path | None = None) -> None:
        self.code = code
        self.path = path
        self.detail = detail
        self.pages = pages  # damaged pages PRAGMA quick_check named (CORRUPT)
        self.backup = backup  # the checked copy made before a failed upgrade, if any
        super().__init__(f"{code.value}: {path}" + (f" ({detail})" if detail else ""))
