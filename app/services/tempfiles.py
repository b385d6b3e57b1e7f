"""The run's private temp folder: where 打开 puts its copies, and nowhere else.

Copies of evidence hold complainants' ID cards, contracts and chats; they must not
outlive the app in the system's temp folder. Each run makes a fresh folder
(``mkdtemp``: owner-only, 0700) named ``mediation-desk-run-…`` and holds a lock on a
file inside it while it runs; closing removes it. At start, folders of earlier runs
that crashed (no live lock) are removed, with the one-folder-per-copy folders made
before there was a run folder (``mediation-desk-evidence-…``). Another running
instance's folder is locked and left alone.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
import threading
from pathlib import Path
from typing import IO

RUN_PREFIX = "mediation-desk-run-"
OLD_PREFIXES = ("mediation-desk-evidence-",)  # 打开's folders before there was a run folder
LOCK_NAME = ".lock"


def _try_lock(fh: IO[bytes]) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt
        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _remove_tree(path: Path) -> None:
    def writable_then_retry(func, name, _exc) -> None:  # shutil's callback
        # Copies are read-only (0400), which stops their removal on Windows.
        try:
            os.chmod(name, stat.S_IWUSR | stat.S_IRUSR | stat.S_IXUSR)
            func(name)
        except OSError:
            pass

    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=writable_then_retry)
    else:
        shutil.rmtree(path, onerror=writable_then_retry)


class RunFolder:
    """This run's private temp folder, made when the first copy needs it (a run that
    opens nothing leaves nothing); ``slot()`` gives each copy a folder of its own."""

    def __init__(self, base: Path | str | None = None) -> None:
        self.base = base
        self.path: Path | None = None
        self._lock: IO[bytes] | None = None
        self._making = threading.Lock()  # copies are made on the task runner's threads

    def folder(self) -> Path:
        with self._making:
            return self._folder()

    def _folder(self) -> Path:
        if self.path is None:
            path = Path(tempfile.mkdtemp(prefix=RUN_PREFIX, dir=self.base))
            os.chmod(path, stat.S_IRWXU)  # mkdtemp makes it 0700; said again on purpose
            self._lock = open(path / LOCK_NAME, "wb")  # held while running
            _try_lock(self._lock)
            self.path = path
        return self.path

    def slot(self) -> Path:
        """A new empty owner-only folder inside, for one copy."""
        return Path(tempfile.mkdtemp(prefix="copy-", dir=self.folder()))

    def close(self) -> None:
        """Remove the folder and every copy in it (a program still showing one keeps
        its open handle on Linux and macOS; on Windows a file held open stays until the
        next start removes it). The next ``slot()`` makes a new folder."""
        with self._making:
            path, lock = self.path, self._lock
            self.path = self._lock = None
        if lock is not None:
            lock.close()
        if path is not None:
            _remove_tree(path)


def remove_leftovers(base: Path | str | None = None) -> list[Path]:
    """Remove the temp folders of earlier runs that did not close (a crash, a power
    cut): ours (the same owner), not links, not locked by a running instance. Returns
    the folders removed."""
    root = Path(base) if base is not None else Path(tempfile.gettempdir())
    removed: list[Path] = []
    try:
        entries = list(os.scandir(root))
    except OSError:
        return removed
    uid = os.getuid() if hasattr(os, "getuid") else None
    for entry in entries:
        if not entry.name.startswith((RUN_PREFIX, *OLD_PREFIXES)):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISDIR(st.st_mode) or (uid is not None and st.st_uid != uid):
            continue  # a link, a file, or another user's: not ours to remove
        path = Path(entry.path)
        if entry.name.startswith(RUN_PREFIX) and _in_use(path):
            continue
        _remove_tree(path)
        if not path.exists():
            removed.append(path)
    return removed


def _in_use(path: Path) -> bool:
    """True when a running instance holds the folder's lock."""
    try:
        fh = open(path / LOCK_NAME, "rb+")
    except FileNotFoundError:
        return False
    except OSError:
        return True  # cannot tell: leave it
    with fh:
        return not _try_lock(fh)  # the lock goes again as the file closes
