"""Sign-in passwords of the people sharing one standalone store: scrypt hashes, never
the password itself. The store's own encryption protects the data from a thief; these
keep colleagues who share a computer in their own names."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

# 2**14 × 8 × 128 bytes = 16 MiB and some 50 ms per try: cheap to sign in, dear to guess.
_N, _R, _P = 2**14, 8, 1
_SCHEME = "scrypt"
MIN_LENGTH = 8


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"{_SCHEME}${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != _SCHEME:
            return False
        expected = base64.b64decode(digest)
        found = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt),
                               n=int(n), r=int(r), p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False  # a damaged hash lets nobody in
    return hmac.compare_digest(found, expected)
