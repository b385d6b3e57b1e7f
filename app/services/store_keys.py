"""Opening the local store with its key: create, unlock, convert.

A real store is encrypted with a random 256-bit data key (SQLCipher for the store, and
AES-GCM for its files and backups). The key lives in the OS keyring (through
``credentials``, the one keyring wrapper) and, wrapped, in the store's key file:

- under the **recovery code**, shown once when the key is made, so the code alone
  unlocks the store on a new computer or after the keyring entry is lost;
- under the mediator's **passphrase**, on a computer without a keyring, asked at start.

A demo store (``--demo``, ``demo-data`` on a new folder) stays plain and is marked so
the window says it holds demo data.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from app.core.errors import UserFacingError
from app.services import credentials
from app.store import keyfile
from app.store.database import (
    KEEP_BACKUPS_DEFAULT,
    STORE_FILENAME,
    Store,
    encrypt_plain_store,
    finish_interrupted_encryption,
    is_encrypted_store,
    open_store,
)
from app.store.errors import StoreError, StoreErrorCode
from app.store.models import LocalMeta

DEMO_META_KEY = "store.demo"
MIN_PASSPHRASE = 8


class StoreKind(StrEnum):
    NEW = "new"  # no store file yet
    PLAIN = "plain"  # unencrypted (made by an earlier version, a demo or a test)
    ENCRYPTED = "encrypted"


class Unlock(StrEnum):
    """How an encrypted store can be unlocked on this computer."""

    KEYRING = "keyring"  # the keyring holds its key: no question
    PASSPHRASE = "passphrase"  # ask the passphrase (the recovery code also works)
    RECOVERY_CODE = "recovery_code"  # only the recovery code is left


class PassphraseTooShort(ValueError):
    pass


@dataclass(frozen=True)
class NewKey:
    """A data key just made. ``recovery_code`` is shown to the mediator once and kept
    nowhere in the clear."""

    key: bytes
    recovery_code: str
    in_keyring: bool


def store_kind(data_dir: Path) -> StoreKind:
    path = Path(data_dir) / STORE_FILENAME
    if not path.exists():
        return StoreKind.NEW
    return StoreKind.ENCRYPTED if is_encrypted_store(data_dir) else StoreKind.PLAIN


def keyring_works() -> bool:
    return credentials.keyring_available()


def _keyfile(data_dir: Path) -> keyfile.KeyFile:
    path = Path(data_dir) / STORE_FILENAME
    try:
        kf = keyfile.read_keyfile(data_dir)
    except keyfile.KeyFileError as exc:
        raise StoreError(StoreErrorCode.KEY_NEEDED, path, str(exc)) from exc
    if kf is None:
        raise StoreError(StoreErrorCode.KEY_NEEDED, path, f"{keyfile.KEYFILE_NAME} is missing")
    return kf


def saved_key(data_dir: Path) -> bytes | None:
    """The key from the keyring when it is there and right."""
    kf = _keyfile(data_dir)
    key = credentials.get_store_key(kf.store_id)
    return key if key is not None and kf.matches(key) else None


def how_to_unlock(data_dir: Path) -> Unlock:
    if saved_key(data_dir) is not None:
        return Unlock.KEYRING
    if _keyfile(data_dir).passphrase is not None:
        return Unlock.PASSPHRASE
    return Unlock.RECOVERY_CODE


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise PassphraseTooShort(MIN_PASSPHRASE)


def unlock_with_passphrase(data_dir: Path, passphrase: str) -> bytes | None:
    """The data key, or None for a wrong passphrase (nothing is changed either way)."""
    kf = _keyfile(data_dir)
    if kf.passphrase is None:
        return None
    key = keyfile.unwrap(kf.passphrase, passphrase)
    return key if key is not None and kf.matches(key) else None


def unlock_with_recovery_code(data_dir: Path, code: str) -> bytes | None:
    """The data key, or None for a wrong code. A right code puts the key back in the
    keyring (where there is one), so the next start asks nothing."""
    if not keyfile.recovery_code_well_formed(code):
        return None
    kf = _keyfile(data_dir)
    key = keyfile.unwrap(kf.recovery, keyfile.normalise_recovery_code(code))
    if key is None or not kf.matches(key):
        return None
    credentials.save_store_key(kf.store_id, key)
    return key


def set_passphrase(data_dir: Path, key: bytes, passphrase: str) -> None:
    """Wrap the key under a new passphrase (after unlocking by recovery code on a computer
    without a keyring); the recovery code stays as it was."""
    check_passphrase(passphrase)
    kf = _keyfile(data_dir)
    if not kf.matches(key):
        raise StoreError(StoreErrorCode.WRONG_KEY, Path(data_dir) / STORE_FILENAME)
    keyfile.write_keyfile(data_dir, keyfile.KeyFile(
        store_id=kf.store_id, check=kf.check, recovery=kf.recovery,
        passphrase=keyfile.wrap(key, passphrase)))


class PassphraseRefused(UserFacingError):
    """The current passphrase, asked before the store's secrets are changed, is wrong."""


def _check_current(kf: keyfile.KeyFile, key: bytes, passphrase: str | None) -> None:
    """Someone at an unlocked window must not mint a recovery code or passphrase of their
    own: where the store has a passphrase, the current one is asked first."""
    if kf.passphrase is not None and (
            passphrase is None or keyfile.unwrap(kf.passphrase, passphrase) != key):
        raise PassphraseRefused()


def replace_recovery_code(data_dir: Path, key: bytes, current_passphrase: str | None = None
                          ) -> str:
    """A new recovery code for the store's key, for a mediator who lost the first: the
    key file is rewritten with it and the old code stops working. The passphrase, the
    keyring entry and the store itself stay as they are."""
    kf = _keyfile(data_dir)
    if not kf.matches(key):
        raise StoreError(StoreErrorCode.WRONG_KEY, Path(data_dir) / STORE_FILENAME)
    _check_current(kf, key, current_passphrase)
    code = keyfile.new_recovery_code()
    keyfile.write_keyfile(data_dir, keyfile.KeyFile(
        store_id=kf.store_id, check=kf.check,
        recovery=keyfile.wrap(key, keyfile.normalise_recovery_code(code)),
        passphrase=kf.passphrase))
    return code


def change_passphrase(data_dir: Path, key: bytes, current: str, new: str) -> None:
    """设置 → 更改启动密码: the current passphrase first, then the new one."""
    _check_current(_keyfile(data_dir), key, current)
    set_passphrase(data_dir, key, new)


def has_passphrase(data_dir: Path) -> bool:
    """Whether the store's key is also wrapped under a passphrase (asked at start
    where there is no keyring)."""
    return _keyfile(data_dir).passphrase is not None


def open_local_store(data_dir: Path, *, key: bytes | None = None, upgrade: bool = True,
                     keep_backups: int = KEEP_BACKUPS_DEFAULT) -> Store:
    """Open the store in data_dir as it is: a plain one without a key, an encrypted one
    with ``key`` or the key saved in the keyring (StoreError KEY_NEEDED without)."""
    data_dir = Path(data_dir)
    if data_dir.is_dir():
        finish_interrupted_encryption(data_dir)
    if key is None and store_kind(data_dir) is StoreKind.ENCRYPTED:
        key = saved_key(data_dir)
        if key is None:
            raise StoreError(StoreErrorCode.KEY_NEEDED, data_dir / STORE_FILENAME,
                             "the key is not in this computer's keyring")
    return open_store(data_dir, key=key, upgrade=upgrade, keep_backups=keep_backups)


def _new_key(data_dir: Path, passphrase: str | None) -> NewKey:
    """Make a data key, write its key file and keep it in the keyring; without a keyring
    a passphrase is needed (PassphraseTooShort when it is missing or short)."""
    in_keyring = keyring_works()
    if not in_keyring or passphrase:
        check_passphrase(passphrase or "")
    key = keyfile.new_data_key()
    code = keyfile.new_recovery_code()
    kf = keyfile.make_keyfile(key, code, passphrase or None)
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    keyfile.write_keyfile(data_dir, kf)
    if in_keyring and not credentials.save_store_key(kf.store_id, key):
        if not passphrase:
            keyfile.keyfile_path(data_dir).unlink(missing_ok=True)
            raise PassphraseTooShort(MIN_PASSPHRASE)  # the keyring refused: ask one
        in_keyring = False
    return NewKey(key, code, in_keyring)


def create_encrypted_store(data_dir: Path, *, passphrase: str | None = None,
                           keep_backups: int = KEEP_BACKUPS_DEFAULT) -> tuple[Store, NewKey]:
    """A new, empty, encrypted store in data_dir with a new key."""
    data_dir = Path(data_dir)
    if (data_dir / STORE_FILENAME).exists():
        raise FileExistsError(data_dir / STORE_FILENAME)
    new = _new_key(data_dir, passphrase)
    store = open_store(data_dir, key=new.key, create_encrypted=True, keep_backups=keep_backups)
    return store, new


def encrypt_existing_store(data_dir: Path, *, passphrase: str | None = None) -> NewKey:
    """Convert the plain store in data_dir (closed) to an encrypted one with a new key;
    its evidence files and backups follow. StoreError ENCRYPT_FAILED (the plain store
    unchanged) or LOCKED when it is open elsewhere."""
    data_dir = Path(data_dir)
    if store_kind(data_dir) is not StoreKind.PLAIN:
        raise StoreError(StoreErrorCode.ENCRYPT_FAILED, data_dir / STORE_FILENAME,
                         "not a plain store")
    previous = keyfile.read_keyfile(data_dir)
    new = _new_key(data_dir, passphrase)
    try:
        encrypt_plain_store(data_dir, new.key)
    except BaseException:
        if store_kind(data_dir) is StoreKind.PLAIN:
            # Nothing is encrypted with the new key: take it back.
            kf = keyfile.read_keyfile(data_dir)
            if kf is not None:
                credentials.forget_store_key(kf.store_id)
            keyfile.keyfile_path(data_dir).unlink(missing_ok=True)
            if previous is not None:
                keyfile.write_keyfile(data_dir, previous)
        raise
    return new


# ------------------------------------------------------------------ demo stores


def mark_demo(store: Store) -> None:
    with store.unit_of_work() as session:
        session.merge(LocalMeta(key=DEMO_META_KEY, value="1"))


def is_demo(store: Store) -> bool:
    with store.unit_of_work() as session:
        row = session.get(LocalMeta, DEMO_META_KEY)
        return row is not None and row.value == "1"
