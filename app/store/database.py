"""Opening the local store: checks, backup, migration, connection pragmas.

A store is never overwritten or "repaired" silently: anything unexpected raises a
StoreError and leaves the file exactly as it was.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import URL, Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from app.store import audit_chain, migrate
from app.store.errors import StoreError, StoreErrorCode
from app.store.integrity import SQLITE_MAGIC, find_damage, read_only_uri, sidecars

STORE_FILENAME = "store.sqlite"
# PRAGMA quick_check reads every page: about 0.8 GB/s warm on the reference machine
# (1 s for a 100,000-case store, far beyond the 1.5 s open for a million cases). Stores
# up to this size (~40 ms warm) are checked before they open; larger ones after the
# window shows.
QUICK_CHECK_INLINE_BYTES = 32 * 1024 * 1024
# integrity_check also proves every index against its table: 3.3 s for a 100,000-case
# copy, but 509 s for a million cases (7.1 GB, busy machine) while the window waits.
# A larger copy gets quick_check, which still fails a cut-short or garbled copy.
BACKUP_INTEGRITY_CHECK_BYTES = 1024 * 1024 * 1024


@dataclass
class Store:
    path: Path
    engine: Engine
    sessions: sessionmaker[Session]
    backup_path: Path | None = None  # made before an upgrade, if one ran
    check_pending: bool = False  # too large to quick_check at start: check_store() later

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A transaction that rolls back unless the block finishes without error."""
        session = self.sessions()
        try:
            with session.begin():
                yield session
        finally:
            session.close()

    def close(self) -> None:
        self.engine.dispose()


def _set_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: a committed draft or record survives a power cut, not only a crash.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=5000")
    # 16 MiB per connection: the queue reads index ranges, the OS file cache holds the
    # rest, and the workstation keeps several connections (memory budget: 400 MB).
    cursor.execute("PRAGMA cache_size=-16384")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def make_engine(path: Path) -> Engine:
    # URL.create: a folder name with '?' or '#' is a file name, not a query.
    engine = create_engine(URL.create("sqlite", database=str(path)), future=True)
    event.listen(engine, "connect", _set_pragmas)
    return engine


def _check_dir(data_dir: Path) -> None:
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(StoreErrorCode.UNWRITABLE_DIR, data_dir, str(exc)) from exc
    if not os.access(data_dir, os.W_OK | os.X_OK):
        raise StoreError(StoreErrorCode.UNWRITABLE_DIR, data_dir, "no write permission")


@contextmanager
def _refusal_leaves_nosidecars(path: Path) -> Iterator[None]:
    """A store that is refused keeps no -wal/-shm that trying to open it made."""
    before = {p for p in sidecars(path) if p.exists()}
    try:
        yield
    except StoreError:
        wal, shm = sidecars(path)
        # Only empty ones: a -wal with content is another program's, never ours to drop.
        if wal not in before and wal.exists() and wal.stat().st_size == 0:
            wal.unlink(missing_ok=True)
        if shm not in before and shm.exists() and not wal.exists():
            shm.unlink(missing_ok=True)
        raise


def _quick_check(con: sqlite3.Connection, path: Path) -> None:
    """Refuse a store with damage anywhere in the file, naming the damaged pages."""
    damage = find_damage(con)
    if damage is not None:
        raise StoreError(StoreErrorCode.CORRUPT, path, "; ".join(damage.lines[:3]),
                         pages=damage.pages)


def _inspect_existing(path: Path, *, quick_check: bool = False) -> str | None:
    """Return the store's Alembic revision (None for an empty SQLite file); raise if unusable."""
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise StoreError(StoreErrorCode.UNWRITABLE_DIR, path, str(exc)) from exc
    if header != SQLITE_MAGIC:
        raise StoreError(StoreErrorCode.NOT_A_STORE, path, "not an SQLite database")
    try:
        # Read-only so inspecting can never change the file.
        con = sqlite3.connect(read_only_uri(path), uri=True)
        try:
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not tables:
                return None
            if "alembic_version" not in tables or "cases" not in tables:
                raise StoreError(StoreErrorCode.NOT_A_STORE, path, "no Mediation Desk tables")
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
            # Touch a page of the main table so a damaged file fails here, not in the queue.
            con.execute("SELECT count(*) FROM (SELECT 1 FROM cases LIMIT 1)").fetchone()
            if quick_check:
                _quick_check(con, path)
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        msg = str(exc)
        code = StoreErrorCode.LOCKED if "locked" in msg else StoreErrorCode.CORRUPT
        raise StoreError(code, path, msg) from exc
    return row[0] if row else None


def _copy_store(path: Path, target: Path) -> None:
    src = sqlite3.connect(read_only_uri(path), uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # consistent copy, including what is still in the WAL
    finally:
        dst.close()
        src.close()


def _verify_backup(path: Path, target: Path) -> None:
    """An upgrade relies on the copy only once it is whole (as many bytes as the store
    has pages) and passes PRAGMA integrity_check (quick_check above 1 GiB): a full disk
    once left 3 MB of 24 MB and was reported as a backup."""
    src = sqlite3.connect(read_only_uri(path), uri=True)
    try:
        expected = (src.execute("PRAGMA page_count").fetchone()[0]
                    * src.execute("PRAGMA page_size").fetchone()[0])
    finally:
        src.close()
    size = target.stat().st_size
    if size < expected:
        raise StoreError(StoreErrorCode.BACKUP_FAILED, path,
                         f"the copy has {size:,} of {expected:,} bytes")
    check = "integrity_check" if size <= BACKUP_INTEGRITY_CHECK_BYTES else "quick_check"
    try:
        con = sqlite3.connect(read_only_uri(target), uri=True)
        try:
            result = [str(r[0]) for r in con.execute(f"PRAGMA {check}(5)")]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        result = [str(exc)]
    if result != ["ok"]:
        raise StoreError(StoreErrorCode.BACKUP_FAILED, path,
                         f"the copy fails {check}: " + result[0])


def _backup(path: Path, revision: str) -> Path:
    backups = path.parent / "backups"
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target = backups / f"store-{revision}-{stamp}.sqlite"
    try:
        backups.mkdir(exist_ok=True)
        _copy_store(path, target)
        _verify_backup(path, target)
    except (OSError, sqlite3.Error, StoreError) as exc:
        for leftover in (target, *sidecars(target), target.with_name(target.name + "-journal")):
            leftover.unlink(missing_ok=True)  # a bad copy must not pass for a backup
        if isinstance(exc, StoreError):
            raise
        raise StoreError(StoreErrorCode.BACKUP_FAILED, path, str(exc)) from exc
    return target


def open_store(data_dir: Path, *, upgrade: bool = True) -> Store:
    """Open (creating or upgrading as needed) the store in data_dir."""
    data_dir = Path(data_dir)
    _check_dir(data_dir)
    path = data_dir / STORE_FILENAME
    with _refusal_leaves_nosidecars(path):
        return _open(path, upgrade)


def _open(path: Path, upgrade: bool) -> Store:
    revision: str | None = None
    check_pending = False
    if path.exists():
        size = path.stat().st_size
        if size == 0:
            raise StoreError(StoreErrorCode.NOT_A_STORE, path, "empty file")
        check_pending = size > QUICK_CHECK_INLINE_BYTES
        revision = _inspect_existing(path, quick_check=not check_pending)
        if revision is not None and not migrate.is_known_revision(revision):
            raise StoreError(StoreErrorCode.NEWER_VERSION, path, revision)
    backup_path = None
    if upgrade and revision is not None and revision != migrate.head_revision():
        backup_path = _backup(path, revision)  # before anything opens the store to write
    engine = make_engine(path)
    try:
        if upgrade and revision != migrate.head_revision():
            migrate.upgrade(engine)
    except StoreError:
        engine.dispose()
        raise
    except Exception as exc:
        engine.dispose()
        raise StoreError(StoreErrorCode.MIGRATION_FAILED, path, str(exc),
                         backup=backup_path) from exc
    sessions = sessionmaker(engine, expire_on_commit=False)
    audit_chain.install(sessions)
    return Store(path, engine, sessions, backup_path, check_pending)


def store_revision(store: Store) -> str | None:
    with store.engine.connect() as con:
        return con.execute(text("SELECT version_num FROM alembic_version")).scalar()
