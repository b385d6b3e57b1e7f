"""Files (evidence, scans) stored once by SHA-256 in the data folder.

``files/ab/cd/abcd…`` holds the bytes of the file whose hash is ``abcd…``. A file is
written to a temporary name, flushed to disk, checked against its hash and only then
renamed into place, so a crash never leaves a half-written file under a real name.

In an encrypted store (``key`` given) each file is encrypted with the store's key
(``app.store.filecrypt``) and named by an HMAC of its hash instead of the hash; it is
still found, deduplicated and checked by the SHA-256 of its plaintext. A plain file
left from before the store was encrypted is still read until it is converted.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from app.store import filecrypt

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
    def __init__(self, root: Path, key: bytes | None = None) -> None:
        self.root = Path(root)
        self.key = key
        self._names = filecrypt.name_key(key) if key is not None else None

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    def plain_path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def path_for(self, sha256: str) -> Path:
        """Where the file of ``sha256`` is (or would be) kept on disk."""
        plain = self.plain_path_for(sha256)
        if self._names is None:
            return plain
        name = filecrypt.disk_name(self._names, sha256)
        return self.root / name[:2] / name[2:4] / name

    def _existing(self, sha256: str) -> Path | None:
        path = self.path_for(sha256)
        if path.is_file():
            return path
        plain = self.plain_path_for(sha256)
        if self.encrypted and plain.is_file():
            return plain  # not converted yet
        return None

    def has(self, sha256: str) -> bool:
        return self._existing(sha256) is not None

    def open(self, sha256: str) -> BinaryIO:
        """The plaintext of the file, to read in chunks (FileNotFoundError if it is not
        here). Reading a damaged encrypted file raises FileDecryptError."""
        path = self._existing(sha256)
        if path is None:
            raise FileNotFoundError(self.path_for(sha256))
        fh = path.open("rb")
        if self.key is None or path == self.plain_path_for(sha256):
            return fh
        return io.BufferedReader(filecrypt.DecryptingReader(self.key, fh), CHUNK)

    def read(self, sha256: str) -> bytes:
        try:
            with self.open(sha256) as fh:
                data = fh.read()
        except filecrypt.FileDecryptError as exc:
            raise BlobCorrupt(sha256) from exc
        if sha256_of(data) != sha256:
            raise BlobCorrupt(sha256)
        return data

    @staticmethod
    def _mkdirs(folder: Path) -> None:
        # Owner-only folders, made 0700 from the start (mkdir(parents=True) would make
        # the missing parents with the umask's mode).
        missing = [p for p in (folder, *folder.parents) if not p.exists()]
        for part in reversed(missing):
            part.mkdir(mode=0o700, exist_ok=True)

    def put_bytes(self, data: bytes, expected: str | None = None) -> str:
        """Store bytes; returns their hash. With ``expected``, refuse other bytes."""
        digest = sha256_of(data)
        if expected is not None and digest != expected:
            raise BlobCorrupt(f"expected {expected}, got {digest}")
        target = self.path_for(digest)
        if target.is_file():
            return digest  # identical content is stored once
        self._mkdirs(target.parent)
        body = data if self.key is None else filecrypt.encrypt_bytes(self.key, data)
        write_atomically(target, body, prefix=INCOMING_PREFIX)
        return digest

    def put_stream(self, source: BinaryIO, *, max_bytes: int | None = None,
                   on_chunk: Callable[[int], None] | None = None) -> Stored:
        """Copy a stream in by content, a chunk at a time, hashing as it goes.

        The bytes go to a temporary file in the root folder (encrypted, in an encrypted
        store), are flushed to disk and only then renamed to their hash's name. More
        than ``max_bytes`` raises BlobTooLarge; ``on_chunk(bytes_so_far)`` is called
        after each chunk and may raise to stop. On any error the temporary file is
        removed: nothing half-written stays behind."""
        self._mkdirs(self.root)
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=INCOMING_PREFIX)
        try:
            digest = hashlib.sha256()
            size = 0
            sealer = filecrypt.Encryptor(self.key) if self.key is not None else None
            with os.fdopen(fd, "wb") as fh:
                while chunk := source.read(CHUNK):
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise BlobTooLarge(max_bytes)
                    digest.update(chunk)
                    fh.write(chunk if sealer is None else sealer.update(chunk))
                    if on_chunk is not None:
                        on_chunk(size)
                if sealer is not None:
                    fh.write(sealer.finish())
                fh.flush()
                os.fsync(fh.fileno())
            sha = digest.hexdigest()
            target = self.path_for(sha)
            if target.is_file():
                Path(tmp).unlink()
                return Stored(sha, size, created=False)  # identical content is stored once
            self._mkdirs(target.parent)
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
        name. FileNotFoundError if it is not here, BlobCorrupt if it is damaged. (In an
        encrypted store the path is of the encrypted file: read it with ``open``.)"""
        digest = hashlib.sha256()
        try:
            with self.open(sha256) as fh:
                while chunk := fh.read(CHUNK):
                    digest.update(chunk)
        except filecrypt.FileDecryptError as exc:
            raise BlobCorrupt(sha256) from exc
        if digest.hexdigest() != sha256:
            raise BlobCorrupt(sha256)
        path = self._existing(sha256)
        assert path is not None
        return path

    def remove(self, sha256: str) -> None:
        """Take a file out again (only for one just stored whose row was not written)."""
        self.path_for(sha256).unlink(missing_ok=True)
        self.plain_path_for(sha256).unlink(missing_ok=True)

    def plain_files(self) -> list[str]:
        """Hashes of the files kept unencrypted under their hash's name."""
        if not self.root.is_dir():
            return []
        found = []
        for path in self.root.glob("??/??/*"):
            name = path.name
            if (len(name) == 64 and name[:2] == path.parent.parent.name
                    and name[2:4] == path.parent.name and path.is_file()
                    and not filecrypt.is_encrypted_file(path)):
                found.append(name)
        return found

    def encrypt_plain_files(self, shred: Callable[[Path], None]) -> int:
        """Encrypt every plain file (after the store was encrypted): each is copied in
        encrypted, read back and checked against its hash, and only then the plain one
        is shredded. Returns how many were converted."""
        if self.key is None:
            raise ValueError("no key")
        done = 0
        for sha in self.plain_files():
            plain = self.plain_path_for(sha)
            if not self.path_for(sha).is_file():
                with plain.open("rb") as fh:
                    stored = self.put_stream(fh)
                if stored.sha256 != sha:  # the plain file was damaged: keep it as it is
                    if stored.created:
                        self.path_for(stored.sha256).unlink(missing_ok=True)
                    continue
            self.check_encrypted(sha)
            shred(plain)
            done += 1
        return done

    def check_encrypted(self, sha256: str) -> None:
        path = self.path_for(sha256)
        digest = hashlib.sha256()
        try:
            with path.open("rb") as raw:
                for chunk in filecrypt.decrypt_chunks(self.key, raw):
                    digest.update(chunk)
        except filecrypt.FileDecryptError as exc:
            raise BlobCorrupt(sha256) from exc
        if digest.hexdigest() != sha256:
            raise BlobCorrupt(sha256)
