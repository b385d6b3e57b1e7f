"""Files written whole: a report, a list or a workbook never stands half-written under
its name (a full disk, a cancel, a glyph no font has)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replaced_whole(path: Path) -> Iterator[Path]:
    """A name beside ``path`` to write to; it replaces ``path`` only when the block ends
    without an error, and is removed either way."""
    partial = path.with_name(path.name + ".part")
    try:
        yield partial
        partial.replace(path)
    except OSError as exc:
        if exc.filename is None or exc.errno is None:
            raise
        # Named as the file asked for: the person chose that name, not ours beside it.
        raise type(exc)(exc.errno, exc.strerror, str(path)) from exc
    finally:
        partial.unlink(missing_ok=True)
