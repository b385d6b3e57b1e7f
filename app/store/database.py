"""Opening the local store: checks, backup, migration, connection pragmas.

A store is never overwritten or "repaired" silently: anything unexpected raises a
StoreError and leaves the file exactly as it was.
"""

from __future__ import annotations

import logging
import os
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import URL, Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from app.store import audit_chain, cipher, migrate
from app.store.base import json_text
from app.store.blobs import BlobStore
from app.store.cipher import DB_ERRORS, SQLITE_MAGIC
from app.store.errors import StoreError, StoreErrorCode
from app.store.integrity import find_damage, sidecars
from app.store.keyfile import KEYFILE_NAME

_log = logging.getLogger(__name__)
_CHECKPOINT_DEFERRED = "checkpoint_deferred"  # a pooled connection's info key
_AUTOCHECKPOINT_PAGES = 1000  # SQLite's default
STORE_FILENAME = "store.sqlite"
BACKUPS_DIRNAME = "backups"
KEEP_BACKUPS_DEFAULT = 5
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
    # The SQLCipher key of an encrypted store (None: a plain one). Only this process's
    # memory holds it; repr() never shows it.
    key: bytes | None = field(default=None, repr=False)
    _checkpoints: list[threading.Thread] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        if self.engine is not None:
            event.listen(self.engine, "checkin", self._checked_in)

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    def connect_raw(self, *, read_only: bool = False, **kwargs):
        """A DB-API connection to the store file outside the engine (bulk loads, the
        search index rebuild, central import), keyed when the store is encrypted."""
        return cipher.connect(self.path, self.key, read_only=read_only, **kwargs)

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A transaction that rolls back unless the block finishes without error."""
        session = self.sessions()
        try:
            with session.begin():
                yield session
        finally:
            session.close()

    def checkpoint_after(self, session: Session) -> None:
        """Copy what this session's transaction writes from the WAL into the store file
        in a thread of its own once it commits, not inside the commit: after an import of
        100,000 cases that is 550 MB and two seconds the import no longer waits for. The
        WAL holds the rows safely until then (synchronous=FULL), readers read them
        from it, and a process stopped meanwhile copies them at its next commit."""
        connection = session.connection().connection
        connection.driver_connection.execute("PRAGMA wal_autocheckpoint=0")
        connection.info[_CHECKPOINT_DEFERRED] = True

    def _checked_in(self, dbapi_connection, record) -> None:
        if not record.info.pop(_CHECKPOINT_DEFERRED, False):
            return
        if dbapi_connection is not None:
            dbapi_connection.execute(f"PRAGMA wal_autocheckpoint={_AUTOCHECKPOINT_PAGES}")
        thread = threading.Thread(target=self._checkpoint, name="store-checkpoint",
                                  daemon=True)
        self._checkpoints = [t for t in self._checkpoints if t.is_alive()] + [thread]
        thread.start()

    def _checkpoint(self) -> None:
        try:
            con = self.connect_raw()
            try:
                con.execute("PRAGMA busy_timeout=5000")
                con.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            finally:
                con.close()
        except DB_ERRORS as exc:  # the next commit's own checkpoint copies the pages
            _log.warning("background checkpoint not done: %s", type(exc).__name__)

    def wait_for_checkpoints(self, timeout: float | None = None) -> None:
        for thread in self._checkpoints:
            thread.join(timeout)

    def close(self) -> None:
        self.wait_for_checkpoints(60)
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


def make_engine(path: Path, key: bytes | None = None) -> Engine:
    # URL.create: a folder name with '?' or '#' is a file name, not a query.
    url = URL.create("sqlite", database=str(path))
    if key is None:
        engine = create_engine(url, future=True, json_serializer=json_text)
    else:
        # SQLAlchemy's SQLite dialect over the sqlcipher3 module (its errors are the ones
        # SQLAlchemy wraps), each connection keyed before the pragmas below run.
        engine = create_engine(url, future=True, json_serializer=json_text,
                               module=cipher.driver(key),
                               creator=lambda: cipher.connect(path, key,
                                                              check_same_thread=False))
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


def _quick_check(con, path: Path) -> None:
    """Refuse a store with damage anywhere in the file, naming the damaged pages."""
    damage = find_damage(con)
    if damage is not None:
        raise StoreError(StoreErrorCode.CORRUPT, path, "; ".join(damage.lines[:3]),
                         pages=damage.pages)


def _inspect_existing(path: Path, key: bytes | None = None, *,
                      quick_check: bool = False) -> str | None:
    """Return the store's Alembic revision (None for an empty SQLite file); raise if unusable."""
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise StoreError(StoreErrorCode.UNWRITABLE_DIR, path, str(exc)) from exc
    if header == SQLITE_MAGIC:
        key = None  # a plain store (the key, if any, is for after its conversion)
    else:
        _check_encrypted_access(path, key)
    try:
        # Read-only URI so inspecting can never change the file.
        con = cipher.connect(path, key, read_only=True)
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
    except DB_ERRORS as exc:
        msg = str(exc)
        code = StoreErrorCode.LOCKED if "locked" in msg else StoreErrorCode.CORRUPT
        if key is not None and "not a database" in msg:
            code = StoreErrorCode.WRONG_KEY  # page 1 did not decrypt
        raise StoreError(code, path, msg) from exc
    return row[0] if row else None


def _check_encrypted_access(path: Path, key: bytes | None) -> None:
    """A file that does not start like SQLite is an encrypted store only when its key
    file lies beside it; without a key it is refused before SQLite touches it (so no
    -wal or -shm appears beside it)."""
    if not (path.parent / KEYFILE_NAME).is_file():
        raise StoreError(StoreErrorCode.NOT_A_STORE, path, "not an SQLite database")
    if key is None:
        raise StoreError(StoreErrorCode.KEY_NEEDED, path, "the store is encrypted")


def is_encrypted_store(data_dir: Path) -> bool:
    """Whether data_dir holds an encrypted store (a store file that is not plain SQLite,
    with its key file beside it)."""
    path = Path(data_dir) / STORE_FILENAME
    try:
        return (path.stat().st_size > 0 and not cipher.is_plain_sqlite(path)
                and (path.parent / KEYFILE_NAME).is_file())
    except OSError:
        return False


def _copy_store(path: Path, target: Path, key: bytes | None) -> None:
    # An encrypted store's backup is encrypted with the same key: the backup API copies
    # pages between two connections keyed alike.
    src = cipher.connect(path, key, read_only=True)
    dst = cipher.connect(target, key)
    try:
        src.backup(dst)  # consistent copy, including what is still in the WAL
    finally:
        dst.close()
        src.close()


def _verify_backup(path: Path, target: Path, key: bytes | None) -> None:
    """An upgrade relies on the copy only once it is whole (as many bytes as the store
    has pages) and passes PRAGMA integrity_check (quick_check above 1 GiB): a full disk
    once left 3 MB of 24 MB and was reported as a backup."""
    src = cipher.connect(path, key, read_only=True)
    try:
        # int(): SQLCipher answers page_size as text
        expected = (int(src.execute("PRAGMA page_count").fetchone()[0])
                    * int(src.execute("PRAGMA page_size").fetchone()[0]))
    finally:
        src.close()
    size = target.stat().st_size
    if size < expected:
        raise StoreError(StoreErrorCode.BACKUP_FAILED, path,
                         f"the copy has {size:,} of {expected:,} bytes")
    check = "integrity_check" if size <= BACKUP_INTEGRITY_CHECK_BYTES else "quick_check"
    try:
        con = cipher.connect(target, key, read_only=True)
        try:
            result = [str(r[0]) for r in con.execute(f"PRAGMA {check}(5)")]
        finally:
            con.close()
    except DB_ERRORS as exc:
        result = [str(exc)]
    if result != ["ok"]:
        raise StoreError(StoreErrorCode.BACKUP_FAILED, path,
                         f"the copy fails {check}: " + result[0])


def _backup(path: Path, revision: str, key: bytes | None = None) -> Path:
    backups = path.parent / BACKUPS_DIRNAME
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target = backups / f"store-{revision}-{stamp}.sqlite"
    try:
        backups.mkdir(exist_ok=True)
        _copy_store(path, target, key)
        _verify_backup(path, target, key)
    except (OSError, StoreError, *DB_ERRORS) as exc:
        for leftover in (target, *sidecars(target), target.with_name(target.name + "-journal")):
            leftover.unlink(missing_ok=True)  # a bad copy must not pass for a backup
        if isinstance(exc, StoreError):
            raise
        raise StoreError(StoreErrorCode.BACKUP_FAILED, path, str(exc)) from exc
    return target


def open_store(data_dir: Path, *, upgrade: bool = True, key: bytes | None = None,
               create_encrypted: bool = False,
               keep_backups: int = KEEP_BACKUPS_DEFAULT) -> Store:
    """Open (creating or upgrading as needed) the store in data_dir.

    ``key`` opens an encrypted store (a plain store opens without one, and ignores it);
    an encrypted store without its key, or with a wrong one, raises StoreError
    KEY_NEEDED / WRONG_KEY and is not touched. With ``create_encrypted`` a new store is
    created encrypted with ``key``. ``keep_backups``: the pre-upgrade backups kept."""
    data_dir = Path(data_dir)
    _check_dir(data_dir)
    path = data_dir / STORE_FILENAME
    with _refusal_leaves_nosidecars(path):
        return _open(data_dir, path, upgrade=upgrade, key=key,
                     create_encrypted=create_encrypted, keep_backups=keep_backups)


def _open(data_dir: Path, path: Path, *, upgrade: bool, key: bytes | None,
          create_encrypted: bool, keep_backups: int) -> Store:
    revision: str | None = None
    check_pending = False
    if path.exists():
        size = path.stat().st_size
        if size == 0:
            raise StoreError(StoreErrorCode.NOT_A_STORE, path, "empty file")
        check_pending = size > QUICK_CHECK_INLINE_BYTES
        revision = _inspect_existing(path, key, quick_check=not check_pending)
        if revision is not None and not migrate.is_known_revision(revision):
            raise StoreError(StoreErrorCode.NEWER_VERSION, path, revision)
        if cipher.is_plain_sqlite(path):
            key = None
    elif not create_encrypted:
        key = None
    elif key is None:
        raise ValueError("create_encrypted needs a key")
    restrict_permissions(data_dir)
    backup_path = None
    if upgrade and revision is not None and revision != migrate.head_revision():
        backup_path = _backup(path, revision, key)  # before anything opens it to write
        prune_backups(data_dir, keep_backups)
    engine = make_engine(path, key)
    try:
        if upgrade and revision != migrate.head_revision():
            migrate.upgrade(engine)
            restrict_permissions(data_dir)
    except StoreError:
        engine.dispose()
        raise
    except Exception as exc:
        engine.dispose()
        raise StoreError(StoreErrorCode.MIGRATION_FAILED, path, str(exc),
                         backup=backup_path) from exc
    if key is not None and file_encryption_unfinished(data_dir):
        encrypt_plain_files(data_dir, key)  # a conversion was interrupted: finish it
    if upgrade:
        _finish_interrupted_load(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    audit_chain.install(sessions)
    return Store(path, engine, sessions, backup_path, check_pending=check_pending, key=key)


def _finish_interrupted_load(engine: Engine) -> None:
    """A bulk load stopped halfway (a first sync) left the store without some of its
    indexes: they are made again now, so the store works as usual; the load, when it
    resumes, drops them again only where that still pays."""
    from app.store import bulk

    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        if bulk.restore_deferred_load(raw):
            raw.commit()


# ------------------------------------------------------------------ owner-only files


def restrict_permissions(data_dir: Path) -> None:
    """The data folder 0700; the store, its key file, backups and attachment files 0600
    (POSIX; on Windows the user's profile folder is private already). Run when a store
    is opened, so a folder made by an earlier version is tightened too."""
    if os.name != "posix":
        return
    data_dir = Path(data_dir)
    _chmod(data_dir, 0o700)
    for name in (STORE_FILENAME, f"{STORE_FILENAME}-wal", f"{STORE_FILENAME}-shm",
                 KEYFILE_NAME):
        _chmod(data_dir / name, 0o600)
    for sub in (BACKUPS_DIRNAME, "files"):
        folder = data_dir / sub
        try:
            if stat.S_IMODE(folder.stat().st_mode) == 0o700 and sub == "files":
                continue  # tightened before; new files are made 0600 (a walk costs time)
        except FileNotFoundError:
            continue
        _chmod(folder, 0o700)
        for root, dirs, files in os.walk(folder):
            for d in dirs:
                _chmod(Path(root) / d, 0o700)
            for f in files:
                _chmod(Path(root) / f, 0o600)


def _chmod(path: Path, mode: int) -> None:
    try:
        st = path.lstat()
    except FileNotFoundError:
        return
    if stat.S_ISLNK(st.st_mode) or stat.S_IMODE(st.st_mode) == mode:
        return
    try:
        os.chmod(path, mode)
    except OSError:
        pass  # not ours (a shared folder): the store still works


# ------------------------------------------------------------------ backups kept


def prune_backups(data_dir: Path, keep: int) -> list[Path]:
    """Remove all but the ``keep`` newest pre-upgrade backups; returns those removed.
    Called only after a new backup was written, so the newest one is always kept."""
    folder = Path(data_dir) / BACKUPS_DIRNAME
    if keep < 1 or not folder.is_dir():
        return []
    backups = sorted((p for p in folder.glob("store-*.sqlite") if p.is_file()),
                     key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True)
    removed = []
    for old in backups[keep:]:
        old.unlink(missing_ok=True)
        removed.append(old)
    return removed


def store_revision(store: Store) -> str | None:
    with store.engine.connect() as con:
        return con.execute(text("SELECT version_num FROM alembic_version")).scalar()


# ------------------------------------------------------------------ encrypting a plain store

ENCRYPTING_SUFFIX = ".encrypting"  # the encrypted copy while it is made and checked
PLAIN_OLD_SUFFIX = ".plain-old"  # the plain original after the swap, until it is shredded


def encrypt_plain_store(data_dir: Path, key: bytes) -> list[Path]:
    """Convert the plain store in data_dir (and its plain backups) to SQLCipher with
    ``key``. The store must not be open anywhere.

    The encrypted copy is written beside the store with ``sqlcipher_export``, checked
    (every table's row count and a SHA-256 of its rows, and ``quick_check``), then
    swapped in with one rename; only then is the plain file overwritten and removed. A
    failure before the swap leaves the plain store exactly as it was. Returns the files
    converted."""
    data_dir = Path(data_dir)
    path = data_dir / STORE_FILENAME
    finish_interrupted_encryption(data_dir)
    if not path.is_file() or not cipher.is_plain_sqlite(path):
        raise StoreError(StoreErrorCode.ENCRYPT_FAILED, path, "not a plain store")
    _checkpoint_alone(path)
    converted = [path]
    _encrypt_one(path, key)
    backups = data_dir / BACKUPS_DIRNAME
    if backups.is_dir():
        for old in sorted(backups.glob("store-*.sqlite")):
            if old.is_file() and cipher.is_plain_sqlite(old):
                _encrypt_one(old, key)
                converted.append(old)
    converted += encrypt_plain_files(data_dir, key)
    restrict_permissions(data_dir)
    return converted


FILES_DIRNAME = "files"
_FILES_MARKER = ".encrypting"  # in files/ while its plain files are being encrypted


def encrypt_plain_files(data_dir: Path, key: bytes) -> list[Path]:
    """Encrypt the attachment files left plain (each checked, then the plain one
    shredded). A marker in files/ says the work is unfinished, so opening the store
    resumes it after a crash."""
    root = Path(data_dir) / FILES_DIRNAME
    if not root.is_dir():
        return []
    marker = root / _FILES_MARKER
    marker.touch()
    blobs = BlobStore(root, key)
    plain = blobs.plain_files()
    blobs.encrypt_plain_files(cipher.shred)
    marker.unlink()
    return [blobs.path_for(sha) for sha in plain]


def file_encryption_unfinished(data_dir: Path) -> bool:
    return (Path(data_dir) / FILES_DIRNAME / _FILES_MARKER).exists()


def _checkpoint_alone(path: Path) -> None:
    """Fold the WAL into the store file and see that no other connection has it open:
    the swap must not leave a plain WAL beside the encrypted file."""
    try:
        con = cipher.connect(path, None, isolation_level=None)
        try:
            con.execute("PRAGMA busy_timeout=2000")
            busy, _, _ = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            # Exclusive for a moment: fails if another connection holds the store.
            con.execute("BEGIN EXCLUSIVE")
            con.execute("COMMIT")
        finally:
            con.close()
    except DB_ERRORS as exc:
        raise StoreError(StoreErrorCode.LOCKED, path, str(exc)) from exc
    if busy:
        raise StoreError(StoreErrorCode.LOCKED, path, "the WAL could not be checkpointed")
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise StoreError(StoreErrorCode.LOCKED, path, "the store is open elsewhere")
    wal.unlink(missing_ok=True)
    Path(f"{path}-shm").unlink(missing_ok=True)


def _encrypt_one(path: Path, key: bytes) -> None:
    tmp = Path(f"{path}{ENCRYPTING_SUFFIX}")
    old = Path(f"{path}{PLAIN_OLD_SUFFIX}")
    cipher.remove_with_companions(tmp)  # a copy left by an interrupted attempt
    try:
        cipher.export_encrypted(path, tmp, key)
    except Exception as exc:  # disk full, a mismatch: the plain store stays
        raise StoreError(StoreErrorCode.ENCRYPT_FAILED, path, str(exc)) from exc
    old.unlink(missing_ok=True)
    os.link(path, old)  # the plain bytes keep a name until the swap is on disk
    os.replace(tmp, path)
    _fsync_dir(path.parent)
    cipher.shred(old)


def finish_interrupted_encryption(data_dir: Path) -> None:
    """After a crash during a conversion: drop an unfinished encrypted copy, and shred a
    plain original left behind once the encrypted store is in place."""
    data_dir = Path(data_dir)
    candidates = [data_dir / STORE_FILENAME]
    if (data_dir / BACKUPS_DIRNAME).is_dir():
        candidates += sorted((data_dir / BACKUPS_DIRNAME).glob("store-*.sqlite"))
    for path in candidates:
        cipher.remove_with_companions(Path(f"{path}{ENCRYPTING_SUFFIX}"))
        old = Path(f"{path}{PLAIN_OLD_SUFFIX}")
        if not old.exists():
            continue
        if not path.exists():
            os.replace(old, path)  # never lose the only copy
        elif not cipher.is_plain_sqlite(path):
            cipher.shred(old)  # the swap happened: old is the only name of the plain bytes
        else:
            old.unlink()  # a second name of the store itself: overwriting would destroy it


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
