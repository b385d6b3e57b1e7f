"""Raw connections to a store file, plain SQLite or SQLCipher-encrypted.

Everything that opens the store file outside the SQLAlchemy engine (the read-only look
before opening, backups, the demo loader, the search index rebuild, central import)
comes through ``connect`` so an encrypted store works everywhere. The key is a raw
256-bit key (``PRAGMA key = "x'…'"``): SQLCipher then skips its PBKDF2 derivation, which
would cost every new connection a quarter of a second.

A plain store keeps the standard library's sqlite3; an encrypted one uses ``sqlcipher3``
(SQLCipher 4 with FTS5, the same SQLite underneath).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path
from types import ModuleType
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from app.store.integrity import read_only_uri

KEY_BYTES = 32
SQLITE_MAGIC = b"SQLite format 3\x00"
# The encrypted file's format, set on every connection right after the key (SQLCipher
# does not store it). 16 KiB pages and HMAC-SHA256 instead of SQLCipher 4's 4 KiB and
# HMAC-SHA512: each page read is decrypted and authenticated, and at the defaults a full
# scan of the cases table took 6x the plain time; with these 2.7x (measured on 100,000
# cases; bench/queue.py --encryption both). AES-256 and a 256-bit HMAC stay.
CIPHER_PAGE_SIZE = 16384
CIPHER_HMAC = "HMAC_SHA256"


def _cipher_settings(schema: str = "") -> list[str]:
    prefix = f"{schema}." if schema else ""
    return [f"PRAGMA {prefix}cipher_page_size = {CIPHER_PAGE_SIZE}",
            f"PRAGMA {prefix}cipher_hmac_algorithm = {CIPHER_HMAC}"]

# Either driver's errors: code reading a store catches this tuple, not sqlite3's alone.
DB_ERRORS: tuple[type[Exception], ...] = (sqlite3.DatabaseError, sqlcipher.DatabaseError)
LOCKED_ERRORS: tuple[type[Exception], ...] = (sqlite3.OperationalError, sqlcipher.OperationalError)


def key_pragma(key: bytes) -> str:
    if len(key) != KEY_BYTES:
        raise ValueError("a store key is 32 bytes")
    return f"PRAGMA key = \"x'{key.hex()}'\""


def driver(key: bytes | None) -> ModuleType:
    """The DB-API module for a store with (or without) a key."""
    return sqlite3 if key is None else sqlcipher


def connect(path: Path | str, key: bytes | None = None, *, read_only: bool = False,
            **kwargs: Any) -> sqlite3.Connection:
    """A DB-API connection to the store file; with ``key``, keyed before anything is read.
    ``read_only`` opens through a ``mode=ro`` URI, so looking can never change the file."""
    module = driver(key)
    # read_only_uri: a look that can never change the file nor make -wal/-shm beside it.
    target = read_only_uri(Path(path)) if read_only else str(path)
    con = module.connect(target, uri=read_only, **kwargs)
    if key is not None:
        try:
            # A wrong key is reported as a StoreError; SQLCipher need not print it too.
            con.execute("PRAGMA cipher_log_level = NONE")
            con.execute(key_pragma(key))
            for pragma in _cipher_settings():
                con.execute(pragma)
        except BaseException:
            con.close()
            raise
    return con


def is_plain_sqlite(path: Path) -> bool:
    """Whether the file starts like an unencrypted SQLite database. An SQLCipher file
    starts with 16 random bytes (its salt), as does any file that is not a database."""
    with path.open("rb") as fh:
        return fh.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC


def table_fingerprints(con: sqlite3.Connection) -> dict[str, tuple[int, str]]:
    """(row count, SHA-256 of every row in rowid order) per ordinary table: two copies of
    a store hold the same data exactly when these agree."""
    tables = [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name")]
    result: dict[str, tuple[int, str]] = {}
    for name in tables:
        digest = hashlib.sha256()
        count = 0
        try:
            rows = con.execute(f'SELECT * FROM "{name}" ORDER BY rowid')
        except DB_ERRORS:  # WITHOUT ROWID: its primary key orders it
            columns = len(con.execute(f'SELECT * FROM "{name}" LIMIT 0').description)
            order = ", ".join(str(i + 1) for i in range(columns))
            rows = con.execute(f'SELECT * FROM "{name}" ORDER BY {order}')
        for row in rows:
            digest.update(repr(row).encode())
            count += 1
        result[name] = (count, digest.hexdigest())
    return result


def export_encrypted(source: Path, target: Path, key: bytes, *,
                     source_key: bytes | None = None) -> None:
    """Copy the store ``source`` into a new file ``target`` encrypted with ``key``
    (``sqlcipher_export``), then check that the copy holds every row of every table.
    ``target`` must not exist; on any failure it is removed again."""
    if target.exists():
        raise FileExistsError(target)
    con = sqlcipher.connect(str(source), isolation_level=None)
    try:
        if source_key is not None:
            con.execute(key_pragma(source_key))
            for pragma in _cipher_settings():
                con.execute(pragma)
        con.execute("PRAGMA busy_timeout=5000")
        user_version = con.execute("PRAGMA user_version").fetchone()[0]
        con.execute(f"ATTACH DATABASE ? AS enc KEY \"x'{key.hex()}'\"", (str(target),))
        for pragma in _cipher_settings("enc"):
            con.execute(pragma)
        try:
            con.execute("SELECT sqlcipher_export('enc')")
            con.execute(f"PRAGMA enc.user_version = {int(user_version)}")
        finally:
            con.execute("DETACH DATABASE enc")
        expected = table_fingerprints(con)
    except BaseException:
        con.close()
        remove_with_companions(target)
        raise
    con.close()
    try:
        check = connect(target, key, isolation_level=None)
        try:
            problems = check.execute("PRAGMA quick_check").fetchall()
            got = table_fingerprints(check)
            journal = check.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        finally:
            check.close()
        if problems != [("ok",)] or got != expected or journal != "wal":
            differing = sorted(t for t in set(expected) | set(got)
                               if expected.get(t) != got.get(t))
            raise ExportMismatch(differing or ["quick_check"])
        fsync_file(target)
    except BaseException:
        remove_with_companions(target)
        raise


class ExportMismatch(Exception):
    """The encrypted copy does not hold exactly the rows of the original."""

    def __init__(self, tables: list[str]) -> None:
        self.tables = tables
        super().__init__("the copy differs in " + ", ".join(tables))


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def shred(path: Path) -> None:
    """Overwrite a file with zeros, flush, and remove it. (On SSDs and copy-on-write file
    systems old blocks may survive elsewhere; the store is encrypted from now on, and
    this still keeps the plain bytes out of the file system's free list.)"""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    with path.open("r+b") as fh:
        zeros = b"\x00" * (1 << 20)
        left = size
        while left > 0:
            n = min(left, len(zeros))
            fh.write(zeros[:n])
            left -= n
        fh.flush()
        os.fsync(fh.fileno())
    path.unlink()


def remove_with_companions(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
