"""SQLite stores migrated once per test run and copied for each test.

A new store costs a full Alembic upgrade (0.15–0.5 s); a copy of a store migrated once
costs a few milliseconds and is the same file: its own independent store that
open_store then opens as usual (checks included), with nothing left to upgrade. The
PostgreSQL centrals do the same with template databases (pg_fixtures.TemplateCache).

Tests of creating or upgrading a store call open_store on an empty folder instead.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from app.store.database import STORE_FILENAME, open_store

_templates: dict[str, Path] = {}
_root: Path | None = None


def _template(name: str, build: Callable[[Path], Path]) -> Path:
    """The file ``build(empty_folder)`` made and returned, once per test process."""
    global _root
    if name not in _templates:
        if _root is None:
            _root = Path(tempfile.mkdtemp(prefix="mdt-templates-"))
            atexit.register(shutil.rmtree, _root, True)
        folder = _root / name
        folder.mkdir()
        path = build(folder)
        # Closed cleanly, a WAL store has folded its log back into the file.
        leftovers = [p for p in folder.iterdir() if p != path]
        assert not leftovers, f"template {name} left {leftovers}: not safe to copy"
        _templates[name] = path
    return _templates[name]


def _copy(template: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        raise FileExistsError(target)
    shutil.copyfile(template, target)


def _new_local_store(folder: Path) -> Path:
    open_store(folder).close()
    return folder / STORE_FILENAME


def copy_migrated_store(data_dir: Path) -> Path:
    """Put a migrated, empty local store in ``data_dir`` (which must hold none yet) and
    return ``data_dir``, ready for open_store."""
    data_dir = Path(data_dir)
    _copy(_template("local-store", _new_local_store), data_dir / STORE_FILENAME)
    return data_dir


def copy_sqlite_central(path: Path, build: Callable[[str], None]) -> str:
    """A copy at ``path`` of the SQLite central file ``build(url)`` makes; returns its URL.
    One template per builder."""
    name = f"central-{build.__module__}.{build.__qualname__}"

    def make(folder: Path) -> Path:
        build(f"sqlite:///{folder / 'central.sqlite'}")
        return folder / "central.sqlite"

    template = _template(name, make)
    _copy(template, Path(path))
    return f"sqlite:///{path}"


def raw_rows(store, sql: str, params: tuple = ()) -> list[tuple]:
    """Rows of ``sql`` read straight from the store's file (what it holds, as stored)."""
    con = store.connect_raw()
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def demo_workstation(folder: Path, cases: int, *, seed: int, now, login: str = "zhangmin",
                     **generate):
    """A store of ``cases`` demo cases made in this process, opened as ``login`` with the
    clock stopped at ``now`` (the caller closes ``ws.store``)."""
    from app.demo.generator import generate_demo_data
    from app.services.reference import open_workstation

    store = open_store(folder)
    generate_demo_data(store, cases, seed=seed, now=now, login=login, workers=1, **generate)
    ws = open_workstation(store, login=login)
    ws.now = lambda: now
    return ws
