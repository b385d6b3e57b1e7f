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

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from app.store import audit_chain, migrate
from app.store.errors import StoreError, StoreErrorCode

STORE_FILENAME = "store.sqlite"
SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass
class Store:
    path: Path
    engine: Engine
    sessions: sessionmaker[Session]
    backup_path: Path | None = None  # made before an upgrade, if one ran

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
    engine = create_engine(f"sqlite:///{path}", future=True)
    event.listen(engine, "connect", _set_pragmas)
    return engine


def _check_dir(data_dir: Path) -> None:
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(StoreErrorCode.UNWRITABLE_DIR, data_dir, str(exc)) from exc
    if not os.access(data_dir, os.W_OK | os.X_OK):
        raise StoreError(StoreErrorCode.UNWRITABLE_DIR, data_dir, "no write permission")


def _inspect_existing(path: Path) -> str | None:
    """Return the store's Alembic revision (None for an empty SQLite file); raise if unusable."""
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise StoreError(StoreErrorCode.UNWRITABLE_DIR, path, str(exc)) from exc
    if header != SQLITE_MAGIC:
        raise StoreError(StoreErrorCode.NOT_A_STORE, path, "not an SQLite database")
    try:
        # Read-only URI so inspecting can never change the file.
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not tables:
                return None
            if "alembic_version" not in tables or "cases" not in tables:
                raise StoreError(StoreErrorCode.NOT_A_STORE, path, "no Mediation Desk tables")
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
            # Touch a page of the main table so a damaged file fails here, not in the queue.
            con.execute("SELECT count(*) FROM (SELECT 1 FROM cases LIMIT 1)").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        msg = str(exc)
        code = StoreErrorCode.LOCKED if "locked" in msg else StoreErrorCode.CORRUPT
        raise StoreError(code, path, msg) from exc
    return row[0] if row else None


def _backup(path: Path, revision: str) -> Path:
    backups = path.parent / "backups"
    backups.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target = backups / f"store-{revision}-{stamp}.sqlite"
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # consistent copy, including what is still in the WAL
    finally:
        dst.close()
        src.close()
    return target


def open_store(data_dir: Path, *, upgrade: bool = True) -> Store:
    """Open (creating or upgrading as needed) the store in data_dir."""
    data_dir = Path(data_dir)
    _check_dir(data_dir)
    path = data_dir / STORE_FILENAME
    revision: str | None = None
    if path.exists():
        if path.stat().st_size == 0:
            raise StoreError(StoreErrorCode.NOT_A_STORE, path, "empty file")
        revision = _inspect_existing(path)
        if revision is not None and not migrate.is_known_revision(revision):
            raise StoreError(StoreErrorCode.NEWER_VERSION, path, revision)
    backup_path = None
    engine = make_engine(path)
    try:
        if upgrade and revision != migrate.head_revision():
            if revision is not None:
                backup_path = _backup(path, revision)
            migrate.upgrade(engine)
    except StoreError:
        engine.dispose()
        raise
    except Exception as exc:
        engine.dispose()
        raise StoreError(StoreErrorCode.MIGRATION_FAILED, path, str(exc)) from exc
    sessions = sessionmaker(engine, expire_on_commit=False)
    audit_chain.install(sessions)
    return Store(path, engine, sessions, backup_path)


def store_revision(store: Store) -> str | None:
    with store.engine.connect() as con:
        return con.execute(text("SELECT version_num FROM alembic_version")).scalar()
