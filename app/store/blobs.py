"""Files (evidence, scans) stored once by SHA-256 in the data folder.

``files/ab/cd/abcd…`` holds the bytes of the file whose hash is ``abcd…``. A file is
written to a temporary name, flushed to disk, checked against its hash and only then
renamed into place, so a crash never leaves a half-written file under a real name.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20
INCOMING_PREFIX = ".incoming-"


class BlobCorrupt(Exception):
    """The bytes do not match the hash they were stored or sent under."""


class BlobTooLarge(Exception):
    """A stream went past the size it was allowed."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"more than {limit} bytes")


@dataclass(frozen=True)
class Stored:
    sha256: str
    size: int
    created: bool  # False: identical content was there already


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_atomically(target: Path, data: bytes, *, prefix: str = ".part-") -> Path:
    """Write ``data`` to ``target`` whole or not at all: a temporary file in the same
    folder, flushed to disk, renamed over the target; removed again on any failure."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=prefix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


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
        write_atomically(target, data, prefix=INCOMING_PREFIX)
        return digest

    def put_stream(self, source: BinaryIO, *, max_bytes: int | None = None,
                   on_chunk: Callable[[int], None] | None = None) -> Stored:
        """Copy a stream in by content, a chunk at a time, hashing as it goes.

        The bytes go to a temporary file in the root folder, are flushed to disk and only
        then renamed to their hash's name. More than ``max_bytes`` raises BlobTooLarge;
        ``on_chunk(bytes_so_far)`` is called after each chunk and may raise to stop. On
        any error the temporary file is removed: nothing half-written stays behind."""
        self.root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=INCOMING_PREFIX)
        try:
            digest = hashlib.sha256()
            size = 0
            with os.fdopen(fd, "wb") as fh:
                while chunk := source.read(CHUNK):
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise BlobTooLarge(max_bytes)
                    digest.update(chunk)
                    fh.write(chunk)
                    if on_chunk is not None:
                        on_chunk(size)
                fh.flush()
                os.fsync(fh.fileno())
            sha = digest.hexdigest()
            target = self.path_for(sha)
            if target.is_file():
                Path(tmp).unlink()
                return Stored(sha, size, created=False)  # identical content is stored once
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return Stored(sha, size, created=True)

    def put_file(self, source: Path) -> tuple[str, int]:
        """Copy a file in by content; returns (hash, size)."""
        with Path(source).open("rb") as fh:
            stored = self.put_stream(fh)
        return stored.sha256, stored.size

    def check(self, sha256: str) -> Path:
        """The file of ``sha256``, read through once to see that it still hashes to its
        name. FileNotFoundError if it is not here, BlobCorrupt if it is damaged."""
        path = self.path_for(sha256)
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
        if digest.hexdigest() != sha256:
            raise BlobCorrupt(sha256)
        return path

    def remove(self, sha256: str) -> None:
        """Take a file out again (only for one just stored whose row was not written)."""
        self.path_for(sha256).unlink(missing_ok=True)
