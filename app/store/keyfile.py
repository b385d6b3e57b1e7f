"""The encrypted store's key file: ``store-key.json`` beside the store.

It holds no secret in the clear. It names the store (a random id, the key's name in
the OS keyring), carries a check value that tells a right key from a wrong one without
touching the store, and the 256-bit data key *wrapped*: AES-256-GCM under a key made by
scrypt from the recovery code (always) and from the mediator's passphrase (on a
computer without a keyring). So the recovery code alone unlocks the store on a new
computer or after the keyring entry is lost, and nothing here helps a thief without it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import tempfile
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from app.store.cipher import KEY_BYTES

KEYFILE_NAME = "store-key.json"
FORMAT = 1
# scrypt cost: 2**15 × 8 × 128 bytes = 32 MiB and about 0.1 s per try on the reference
# machine; a passphrase guesser pays that for every guess.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
_CHECK_LABEL = b"mediation-desk/key-check/v1"
_WRAP_AAD = b"mediation-desk/data-key/v1"

# Recovery codes: 28 base32 characters (140 bits) in 7 groups of 4.
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
RECOVERY_GROUPS = 7
RECOVERY_GROUP_LEN = 4


@dataclass(frozen=True)
class Wrapped:
    salt: str  # base64
    nonce: str  # base64
    ciphertext: str  # base64: the data key and the GCM tag
    n: int = SCRYPT_N
    r: int = SCRYPT_R
    p: int = SCRYPT_P


@dataclass(frozen=True)
class KeyFile:
    store_id: str
    check: str
    recovery: Wrapped
    passphrase: Wrapped | None = None
    format: int = FORMAT

    def matches(self, key: bytes) -> bool:
        return hmac.compare_digest(self.check, key_check(key))


class KeyFileError(Exception):
    """The key file is missing, damaged or from a newer version."""


def new_data_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def key_check(key: bytes) -> str:
    return hmac.new(key, _CHECK_LABEL, hashlib.sha256).hexdigest()[:32]


def new_recovery_code() -> str:
    chars = "".join(secrets.choice(_B32) for _ in range(RECOVERY_GROUPS * RECOVERY_GROUP_LEN))
    return "-".join(chars[i:i + RECOVERY_GROUP_LEN]
                    for i in range(0, len(chars), RECOVERY_GROUP_LEN))


def normalise_recovery_code(text: str) -> str:
    """The code as typed (any case, spaces or dashes; 0, 1, 8 read as O, I, B, which
    the code never uses) in its canonical grouped form."""
    table = str.maketrans({"0": "O", "1": "I", "8": "B"})
    chars = "".join(c for c in text.upper() if c.isalnum()).translate(table)
    return "-".join(chars[i:i + RECOVERY_GROUP_LEN]
                    for i in range(0, len(chars), RECOVERY_GROUP_LEN))


def recovery_code_well_formed(text: str) -> bool:
    chars = normalise_recovery_code(text).replace("-", "")
    return len(chars) == RECOVERY_GROUPS * RECOVERY_GROUP_LEN and all(c in _B32 for c in chars)


def _kek(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    # cryptography here and below: a plain store opens without it.
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(secret.encode("utf-8"))


def wrap(key: bytes, secret: str) -> Wrapped:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt = secrets.token_bytes(16)
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_kek(secret, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)).encrypt(nonce, key,
                                                                            _WRAP_AAD)
    b64 = base64.b64encode
    return Wrapped(b64(salt).decode(), b64(nonce).decode(), b64(sealed).decode())


def unwrap(wrapped: Wrapped, secret: str) -> bytes | None:
    """The data key, or None when ``secret`` is not the one it was wrapped with."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    b64 = base64.b64decode
    try:
        kek = _kek(secret, b64(wrapped.salt), wrapped.n, wrapped.r, wrapped.p)
        return AESGCM(kek).decrypt(b64(wrapped.nonce), b64(wrapped.ciphertext), _WRAP_AAD)
    except InvalidTag:
        return None


def make_keyfile(key: bytes, recovery_code: str, passphrase: str | None = None) -> KeyFile:
    return KeyFile(
        store_id=uuid.uuid4().hex,
        check=key_check(key),
        recovery=wrap(key, normalise_recovery_code(recovery_code)),
        passphrase=wrap(key, passphrase) if passphrase else None,
    )


def keyfile_path(data_dir: Path) -> Path:
    return Path(data_dir) / KEYFILE_NAME


def read_keyfile(data_dir: Path) -> KeyFile | None:
    path = keyfile_path(data_dir)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise KeyFileError(f"{path}: {exc}") from exc
    try:
        if raw.get("format") != FORMAT:
            raise KeyFileError(f"{path}: format {raw.get('format')!r}")
        pp = raw.get("passphrase")
        return KeyFile(store_id=str(raw["store_id"]), check=str(raw["check"]),
                       recovery=Wrapped(**raw["recovery"]),
                       passphrase=Wrapped(**pp) if pp else None)
    except (KeyError, TypeError, AttributeError) as exc:
        raise KeyFileError(f"{path}: {exc!r}") from exc


def write_keyfile(data_dir: Path, keyfile: KeyFile) -> Path:
    """Write the key file whole or not at all, readable by its owner only."""
    path = keyfile_path(data_dir)
    body = json.dumps(asdict(keyfile), indent=1).encode("utf-8")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".key-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(body)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
