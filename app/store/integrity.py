"""Whether a store file is sound, looked at without changing it: read-only URIs that
make no -wal/-shm, PRAGMA quick_check, and where the damage is when SQLite gives up.

No SQLAlchemy here: these run before the store is opened, and in the background on a
connection of their own.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

SQLITE_MAGIC = b"SQLite format 3\x00"
# An encrypted store's connection (sqlcipher3) raises its own classes of the same names.
_DB_ERRORS: tuple[type[Exception], ...] = (sqlite3.DatabaseError, sqlcipher.DatabaseError)
QUICK_CHECK_MAX_ERRORS = 50
_DAMAGED_PAGE = re.compile(r"\b[Pp]age (\d+)")
_DAMAGED_TREE = re.compile(r"\bTree (\d+)")


def sidecars(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def read_only_uri(path: Path) -> str:
    """A read-only look that creates nothing beside the file: a WAL store opened
    read-only makes a -wal and -shm, so with none there (no connection has the store
    open) it is read as immutable."""
    name = str(path).replace("%", "%25").replace("?", "%3F").replace("#", "%23")
    if any(p.exists() for p in sidecars(path)):
        return f"file:{name}?mode=ro"
    return f"file:{name}?mode=ro&immutable=1"


@dataclass(frozen=True)
class Damage:
    """What PRAGMA quick_check found wrong: the pages and tables it named, its words."""

    pages: tuple[int, ...]
    tables: tuple[str, ...]
    lines: tuple[str, ...]


def find_damage(con: sqlite3.Connection) -> Damage | None:
    """None when PRAGMA quick_check finds the file sound."""
    try:
        lines = [str(r[0]) for r in con.execute(f"PRAGMA quick_check({QUICK_CHECK_MAX_ERRORS})")]
    except _DB_ERRORS as exc:
        if "interrupt" in str(exc) or "locked" in str(exc):
            raise  # cancelled, or busy: not damage
        # quick_check gives up at an unreadable table page: find where ourselves.
        return _locate_damage(con, str(exc))
    if lines == ["ok"]:
        return None
    pages = sorted({int(n) for line in lines for n in _DAMAGED_PAGE.findall(line)})
    roots = {int(n) for line in lines for n in _DAMAGED_TREE.findall(line)}
    tables: list[str] = []
    if roots:
        try:
            tables = sorted({name for name, root in con.execute(
                "SELECT tbl_name, rootpage FROM sqlite_master") if root in roots})
        except _DB_ERRORS:
            pass
    return Damage(tuple(pages), tuple(tables), tuple(lines))


def _locate_damage(con: sqlite3.Connection, message: str) -> Damage:
    """Where the damage is when quick_check stops at it: every b-tree walked from its
    root in the file, naming the pages that cannot be b-tree pages and their tables
    (a file that is not plain SQLite gets the message alone)."""
    path = Path(con.execute("PRAGMA database_list").fetchone()[2])
    try:
        trees = con.execute("SELECT tbl_name, rootpage FROM sqlite_master "
                            "WHERE rootpage > 0").fetchall()
    except sqlite3.DatabaseError:
        return Damage((1,), (), (message,))  # the schema itself
    tables: set[str] = set()
    pages: set[int] = set()
    for table, root in trees:
        bad = _bad_pages(path, root)
        if bad:
            tables.add(table)
            pages |= bad
    return Damage(tuple(sorted(pages)), tuple(sorted(tables)), (message,))


def _bad_pages(path: Path, root: int) -> set[int]:
    """Walk one b-tree in the file from its root: the pages whose header, cell pointers
    or child page numbers cannot be right (nothing for a file that is not plain SQLite)."""
    bad: set[int] = set()
    try:
        fh = path.open("rb")
    except OSError:
        return bad
    with fh:
        header = fh.read(100)
        if header[:16] != SQLITE_MAGIC:
            return bad
        size = int.from_bytes(header[16:18], "big")
        size = 65536 if size == 1 else size
        usable = size - header[20]
        count = path.stat().st_size // size
        todo, seen = [root], set()
        while todo:
            number = todo.pop()
            if number in seen or not 1 <= number <= count:
                continue
            seen.add(number)
            fh.seek((number - 1) * size)
            page = fh.read(size)
            at = 100 if number == 1 else 0
            kind = page[at]
            interior = kind in (2, 5)
            cells = int.from_bytes(page[at + 3:at + 5], "big")
            start = at + (12 if interior else 8)
            end = start + 2 * cells
            pointers = [int.from_bytes(page[i:i + 2], "big") for i in range(start, min(end, usable), 2)]
            if kind not in (2, 5, 10, 13) or end > usable or any(
                    not end <= p <= usable - 4 for p in pointers):
                bad.add(number)
                continue
            if interior:
                children = [int.from_bytes(page[p:p + 4], "big") for p in pointers]
                children.append(int.from_bytes(page[at + 8:at + 12], "big"))
                if any(not 1 <= c <= count for c in children):
                    bad.add(number)
                    continue
                todo.extend(children)
    return bad


def check_store(path: Path, cancelled: Callable[[], bool] | None = None, *,
                connect: Callable[[], sqlite3.Connection] | None = None) -> Damage | None:
    """PRAGMA quick_check of a store file, for one too large to check at start (run it
    off the GUI thread; ``cancelled`` stops it early with sqlite3.OperationalError).
    ``connect``: a read-only connection of one's own (an encrypted store's, keyed)."""
    con = connect() if connect is not None else \
        sqlite3.connect(read_only_uri(Path(path)), uri=True, check_same_thread=False)
    done = threading.Event()

    def watch() -> None:
        # quick_check is one VM step, so a progress handler never runs during it; an
        # interrupt from another thread does stop it.
        while not done.wait(0.1):
            if cancelled():
                con.interrupt()
                return

    watcher = threading.Thread(target=watch, name="store-check-cancel", daemon=True) \
        if cancelled is not None else None
    try:
        if cancelled is not None and cancelled():
            raise sqlite3.OperationalError("interrupted")
        if watcher is not None:
            watcher.start()
        return find_damage(con)
    finally:
        done.set()
        if watcher is not None and watcher.is_alive():
            watcher.join()
        con.close()
