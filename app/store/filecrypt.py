"""Files encrypted with the store's data key: evidence, scans, final PDFs.

Each file gets its own AES-256-GCM key, derived by HKDF-SHA256 from the data key and a
random 16-byte salt in the file's header, and is written in 1 MiB chunks (a 50 MB file
never needs to be in memory). Chunk *i* is sealed with the nonce ``i || last`` and the
header as associated data, so a changed, reordered, dropped or truncated chunk fails to
open, as does a file cut off at a chunk boundary (its last chunk never says "last").

    header  = b"MDFILE1\\n" + salt(16)
    chunk_i = AES-GCM(file_key, nonce = i (8 bytes) + last (4 bytes), chunk, header)

Files are named on disk by HMAC-SHA256 of their plaintext SHA-256 under another
derived key, so the folder does not tell which known files (a published form, a
widely shared photo) a mediator holds; the SHA-256 itself still addresses the file
for dedupe and sync, as before.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import struct
from collections.abc import Iterator
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# cryptography is imported where a key is derived: a plain store opens without it.

MAGIC = b"MDFILE1\n"
SALT_BYTES = 16
HEADER_BYTES = len(MAGIC) + SALT_BYTES
CHUNK = 1 << 20
TAG = 16


class FileDecryptError(Exception):
    """The file is not one of ours, was changed, truncated or reordered, or the key is
    another store's."""


def _hkdf(key: bytes, info: bytes, salt: bytes | None = None) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(key)


def name_key(data_key: bytes) -> bytes:
    return _hkdf(data_key, b"mediation-desk/file-names/v1")


def disk_name(names: bytes, sha256: str) -> str:
    """The on-disk name of the file whose plaintext hashes to ``sha256``."""
    return hmac.new(names, sha256.encode("ascii"), hashlib.sha256).hexdigest()


def _file_key(data_key: bytes, salt: bytes) -> AESGCM:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(_hkdf(data_key, b"mediation-desk/file/v1", salt))


def _nonce(index: int, last: bool) -> bytes:
    return struct.pack(">QI", index, 1 if last else 0)


class Encryptor:
    """Seals a stream chunk by chunk; ``update`` returns what to write so far, ``finish``
    the rest. Holds at most one chunk back (the last chunk must say so)."""

    def __init__(self, data_key: bytes) -> None:
        salt = os.urandom(SALT_BYTES)
        self.header = MAGIC + salt
        self._aead = _file_key(data_key, salt)
        self._index = 0
        self._pending = bytearray()
        self._started = False

    def _seal(self, chunk: bytes, last: bool) -> bytes:
        sealed = self._aead.encrypt(_nonce(self._index, last), chunk, self.header)
        self._index += 1
        return sealed

    def update(self, data: bytes) -> bytes:
        out = bytearray()
        if not self._started:
            out += self.header
            self._started = True
        self._pending += data
        # Seal full chunks, always keeping the last one back until we know it is last.
        while len(self._pending) > CHUNK:
            out += self._seal(bytes(self._pending[:CHUNK]), last=False)
            del self._pending[:CHUNK]
        return bytes(out)

    def finish(self) -> bytes:
        out = bytearray()
        if not self._started:
            out += self.header
            self._started = True
        out += self._seal(bytes(self._pending), last=True)
        self._pending.clear()
        return bytes(out)


def encrypt_bytes(data_key: bytes, data: bytes) -> bytes:
    enc = Encryptor(data_key)
    return enc.update(data) + enc.finish()


def decrypt_chunks(data_key: bytes, source: BinaryIO) -> Iterator[bytes]:
    """The plaintext, a chunk at a time; FileDecryptError when anything is wrong."""
    from cryptography.exceptions import InvalidTag

    header = source.read(HEADER_BYTES)
    if len(header) != HEADER_BYTES or not header.startswith(MAGIC):
        raise FileDecryptError("not an encrypted file")
    aead = _file_key(data_key, header[len(MAGIC):])
    block = CHUNK + TAG
    current = source.read(block)
    index = 0
    while True:
        following = source.read(block) if len(current) == block else b""
        last = not following
        if len(current) < TAG:
            raise FileDecryptError("truncated")
        try:
            yield aead.decrypt(_nonce(index, last), current, header)
        except InvalidTag:
            raise FileDecryptError(f"chunk {index} does not open") from None
        if last:
            return
        index += 1
        current = following


class DecryptingReader(io.RawIOBase):
    """A read-only file object over an encrypted file (for code that reads in chunks)."""

    def __init__(self, data_key: bytes, source: BinaryIO) -> None:
        super().__init__()
        self._source = source
        self._chunks = decrypt_chunks(data_key, source)
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:  # type: ignore[override]
        while not self._buffer:
            try:
                self._buffer = next(self._chunks)
            except StopIteration:
                return 0
            if not self._buffer:
                continue
        n = min(len(target), len(self._buffer))
        target[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n

    def close(self) -> None:
        self._source.close()
        super().close()


def is_encrypted_file(path: os.PathLike | str) -> bool:
    with open(path, "rb") as fh:
        return fh.read(len(MAGIC)) == MAGIC
