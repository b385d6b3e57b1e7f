"""The central database password, kept in the OS keyring and nowhere else.

One wrapper over ``keyring`` (service "mediation-desk", user name
``config.keyring_account()``): never a file, QSettings, the store or a log. A keyring
that fails is logged (without the password) and treated as "no password saved", so a
broken or missing keyring never stops the workstation: the user is asked instead.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from app.sync.central import CentralConfig, CentralError

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

# keyring (~60 ms with urllib and email under it) is imported by each function that
# uses it: a plain store's window opens without it.

log = logging.getLogger(__name__)

SERVICE = "mediation-desk"


def _usable(backend: KeyringBackend) -> bool:
    from keyring.backends import chainer, fail

    if isinstance(backend, fail.Keyring):
        return False
    if isinstance(backend, chainer.ChainerBackend):
        return any(_usable(b) for b in backend.backends)
    try:
        return float(backend.priority) > 0  # the null backend has priority -1
    except Exception:  # a backend whose priority check itself fails
        return False


def keyring_available() -> bool:
    """Whether passwords can be remembered on this computer."""
    import keyring

    try:
        return _usable(keyring.get_keyring())
    except Exception as exc:  # any keyring trouble means "no keyring"
        log.warning("keyring unavailable: %s", type(exc).__name__)
        return False


def _account(config: CentralConfig) -> str | None:
    if not config.needs_password:
        return None
    try:
        return config.keyring_account()
    except CentralError:
        return None


def get_password(config: CentralConfig) -> str | None:
    """The saved password for this login and server, or None."""
    import keyring
    from keyring.errors import KeyringError

    account = _account(config)
    if account is None or not keyring_available():
        return None
    try:
        return keyring.get_password(SERVICE, account)
    except (KeyringError, Exception) as exc:  # never crash on a keyring
        log.warning("could not read the password of %s from the keyring: %s",
                    account, type(exc).__name__)
        return None


def save_password(config: CentralConfig, password: str) -> bool:
    """Remember the password; False when it could not be saved (the reason is logged)."""
    import keyring
    from keyring.errors import KeyringError

    account = _account(config)
    if account is None or not keyring_available():
        return False
    try:
        keyring.set_password(SERVICE, account, password)
    except (KeyringError, Exception) as exc:
        log.warning("could not save the password of %s in the keyring: %s",
                    account, type(exc).__name__)
        return False
    return True


def forget_password(config: CentralConfig) -> None:
    """Remove a saved password (nothing happens when none was saved)."""
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    account = _account(config)
    if account is None or not keyring_available():
        return
    try:
        keyring.delete_password(SERVICE, account)
    except PasswordDeleteError:
        pass
    except (KeyringError, Exception) as exc:
        log.warning("could not remove the password of %s from the keyring: %s",
                    account, type(exc).__name__)


# ------------------------------------------------------------------ store keys
#
# The data key of an encrypted local store, under the account "store-key/<store id>"
# (the id is in the store's key file). Stored as hex: keyring backends hold text.


def _store_account(store_id: str) -> str:
    return f"store-key/{store_id}"


def get_store_key(store_id: str) -> bytes | None:
    """The saved data key of the store, or None (none saved, or no usable keyring)."""
    import keyring
    from keyring.errors import KeyringError

    if not keyring_available():
        return None
    try:
        saved = keyring.get_password(SERVICE, _store_account(store_id))
    except (KeyringError, Exception) as exc:  # never crash on a keyring
        log.warning("could not read a store key from the keyring: %s", type(exc).__name__)
        return None
    if not saved:
        return None
    try:
        return bytes.fromhex(saved)
    except ValueError:
        log.warning("the keyring holds a malformed store key; it is ignored")
        return None


def save_store_key(store_id: str, key: bytes) -> bool:
    """Remember the store's data key; False when there is no keyring or it refused."""
    import keyring
    from keyring.errors import KeyringError

    if not keyring_available():
        return False
    try:
        keyring.set_password(SERVICE, _store_account(store_id), key.hex())
    except (KeyringError, Exception) as exc:
        log.warning("could not save a store key in the keyring: %s", type(exc).__name__)
        return False
    return True


def forget_store_key(store_id: str) -> None:
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    if not keyring_available():
        return
    try:
        keyring.delete_password(SERVICE, _store_account(store_id))
    except PasswordDeleteError:
        pass
    except (KeyringError, Exception) as exc:
        log.warning("could not remove a store key from the keyring: %s", type(exc).__name__)
