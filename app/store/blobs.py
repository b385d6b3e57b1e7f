"""Files (evidence, scans) stored once by SHA-256 in the data folder.

``files/ab/cd/abcd…`` holds the bytes of the file whose hash is ``abcd…``. A file is
written to a temporary name, flushed to disk, checked against its hash and only then
renamed into place, so a crash never leaves a half-written file under a real name.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

CHUNK = 1 << 20


class BlobCorrupt(Exception):
    """The bytes do not match the hash they were stored or sent under."""


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def read(self, sha256: str) -> bytes:
        data = self.path_for(sha256).read_bytes()
        if sha256_of(data) != sha256:
            raise BlobCorrupt(sha256)
        return data

    def put_bytes(self, data: bytes, expected: str | None = None) -> str:
        """Store bytes; returns their hash. With ``expected``, refuse other bytes."""
        digest = sha256_of(data)
        if expected is not None and digest != expected:
            raise BlobCorrupt(f"expected {expected}, got {digest}")
        target = self.path_for(digest)
        if target.is_file():
            return digest  # identical content is stored once
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def put_file(self, source: Path) -> tuple[str, int]:
        """Copy a file in by content; returns (hash, size)."""
        data = Path(source).read_bytes()
        return self.put_bytes(data), len(data)
