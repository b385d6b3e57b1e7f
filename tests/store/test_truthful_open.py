"""Issue 11, item 12: opening the store tells the truth. A backup cut short (a full
disk) stops the upgrade; damage in the middle of the file is found at start and named
by page; a refused store gets no -wal or -shm beside it."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from app.cli.common import store_error_text as cli_text
from app.demo.generator import generate_demo_data
from app.store import database, migrate
from app.store.database import STORE_FILENAME, open_store
from app.store.errors import StoreError, StoreErrorCode
from app.store.integrity import check_store


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sidecars(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(("-wal", "-shm")))


def _closed_store(folder: Path, cases: int = 0) -> Path:
    store = open_store(folder)
    if cases:
        generate_demo_data(store, cases, seed=3)
    with store.engine.begin() as con:
        con.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    store.close()
    path = folder / STORE_FILENAME
    assert sidecars(folder) == []
    return path


def _garble_middle(path: Path) -> list[int]:
    """Overwrite a run of pages in the middle of the file with garbage; their numbers."""
    con = sqlite3.connect(path)
    page_size, pages = (con.execute("PRAGMA page_size").fetchone()[0],
                        con.execute("PRAGMA page_count").fetchone()[0])
    con.close()
    first = pages // 2
    hit = list(range(first, first + 4))
    with path.open("r+b") as fh:
        for number in hit:
            fh.seek((number - 1) * page_size)
            fh.write(bytes((number * 31 + i * 7) % 251 for i in range(page_size)))
    return hit


def pretend_older(monkeypatch) -> list[str]:
    """The program's head is newer than any store: opening one upgrades it."""
    upgraded: list[str] = []
    monkeypatch.setattr(migrate, "head_revision", lambda: "9000_pretend")
    monkeypatch.setattr(migrate, "upgrade", lambda engine, target="head": upgraded.append(target))
    return upgraded


# ------------------------------------------------------------------ the backup


def _short_copy(path: Path, target: Path, key: bytes | None = None) -> None:
    """What a full disk did: the copy stops at an eighth, and nobody noticed."""
    src, dst = sqlite3.connect(path), sqlite3.connect(target)
    src.backup(dst)
    src.close(), dst.close()
    with target.open("r+b") as fh:
        fh.truncate(target.stat().st_size // 8)


def _garbage_copy(path: Path, target: Path, key: bytes | None = None) -> None:
    """A copy of the right size whose pages are wrong."""
    target.write_bytes(path.read_bytes()[:100] + b"\x07" * (path.stat().st_size - 100))


def _disk_full(path: Path, target: Path, key: bytes | None = None) -> None:
    target.write_bytes(b"SQLite format 3\x00" + b"\x00" * 3000)
    raise sqlite3.OperationalError("database or disk is full")


@pytest.mark.parametrize("check_limit", [1 << 40, 0], ids=["integrity", "quick"])
@pytest.mark.parametrize("copy", [_short_copy, _garbage_copy, _disk_full],
                         ids=["cut-short", "garbage", "disk-full-error"])
def test_a_bad_backup_stops_the_upgrade_and_is_removed(tmp_path, monkeypatch, copy,
                                                       check_limit):
    path = _closed_store(tmp_path, cases=50)
    older_revision = pretend_older(monkeypatch)
    monkeypatch.setattr(database, "BACKUP_INTEGRITY_CHECK_BYTES", check_limit)
    before = digest(path)
    monkeypatch.setattr(database, "_copy_store", copy)
    with pytest.raises(StoreError) as err:
        open_store(tmp_path)
    assert err.value.code is StoreErrorCode.BACKUP_FAILED
    assert older_revision == []  # no upgrade ran
    assert digest(path) == before
    assert list((tmp_path / "backups").iterdir()) == []  # the bad copy is gone
    assert sidecars(tmp_path) == []
    assert "disk full" in cli_text(err.value)
    assert "a backup was kept" not in cli_text(err.value)


def test_a_sound_backup_is_kept_and_the_upgrade_runs(tmp_path, monkeypatch):
    path = _closed_store(tmp_path, cases=50)
    older_revision = pretend_older(monkeypatch)
    store = open_store(tmp_path)
    store.close()
    assert older_revision == ["head"]
    con = sqlite3.connect(store.backup_path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT count(*) FROM cases").fetchone()[0] == 50
    con.close()
    assert store.backup_path.stat().st_size >= path.stat().st_size


# ------------------------------------------------------------------ damage at start


def test_damage_in_the_middle_of_the_file_is_refused_naming_the_pages(tmp_path):
    path = _closed_store(tmp_path, cases=300)
    hit = _garble_middle(path)
    before = digest(path)
    with pytest.raises(StoreError) as err:
        open_store(tmp_path)
    assert err.value.code is StoreErrorCode.CORRUPT
    assert err.value.pages and set(err.value.pages) & set(hit)
    assert digest(path) == before
    assert sidecars(tmp_path) == []
    words = cli_text(err.value)
    assert "damaged pages: " in words and str(err.value.pages[0]) in words
    assert "Traceback" not in words


def test_a_large_store_opens_and_is_checked_later(tmp_path, monkeypatch):
    path = _closed_store(tmp_path, cases=300)
    hit = _garble_middle(path)
    monkeypatch.setattr(database, "QUICK_CHECK_INLINE_BYTES", path.stat().st_size - 1)
    store = open_store(tmp_path)  # too large to check within the open budget
    try:
        assert store.check_pending
        damage = check_store(path)
    finally:
        store.close()
    assert damage is not None and set(damage.pages) & set(hit)


def test_a_sound_store_passes_the_check(tmp_path):
    path = _closed_store(tmp_path, cases=50)
    store = open_store(tmp_path)
    assert not store.check_pending
    store.close()
    assert check_store(path) is None


def test_the_check_stops_when_cancelled(tmp_path):
    path = _closed_store(tmp_path, cases=50)
    with pytest.raises(sqlite3.OperationalError, match="interrupt"):
        check_store(path, cancelled=lambda: True)


# ------------------------------------------------------------------ no -wal/-shm


def _not_a_store(folder: Path) -> None:
    (folder / STORE_FILENAME).write_bytes(b"name,phone\n")


def _empty(folder: Path) -> None:
    (folder / STORE_FILENAME).touch()


def _newer(folder: Path) -> None:
    path = _closed_store(folder)
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    con.commit()
    con.close()


def _corrupt_schema(folder: Path) -> None:
    path = _closed_store(folder)
    data = bytearray(path.read_bytes())
    data[100:4096] = bytes((i * 7 + 3) % 256 for i in range(100, 4096))
    path.write_bytes(bytes(data))


def _damaged_middle(folder: Path) -> None:
    _garble_middle(_closed_store(folder, cases=100))


def _other_programs_database(folder: Path) -> None:
    con = sqlite3.connect(folder / STORE_FILENAME)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE contacts (name TEXT)")
    con.commit()
    con.close()


@pytest.mark.parametrize("make", [_not_a_store, _empty, _newer, _corrupt_schema,
                                  _damaged_middle, _other_programs_database])
def test_a_refused_store_gets_no_wal_or_shm(tmp_path, make):
    make(tmp_path)
    assert sidecars(tmp_path) == []
    before = digest(tmp_path / STORE_FILENAME)
    with pytest.raises(StoreError):
        open_store(tmp_path)
    assert sidecars(tmp_path) == []
    assert digest(tmp_path / STORE_FILENAME) == before


def test_a_store_refused_at_backup_gets_no_wal_or_shm(tmp_path, monkeypatch):
    _closed_store(tmp_path)
    pretend_older(monkeypatch)
    monkeypatch.setattr(database, "_copy_store", _short_copy)
    with pytest.raises(StoreError):
        open_store(tmp_path)
    assert sidecars(tmp_path) == []


def test_a_store_whose_upgrade_fails_gets_no_wal_or_shm(tmp_path, monkeypatch):
    _closed_store(tmp_path)
    monkeypatch.setattr(migrate, "head_revision", lambda: "9000_pretend")

    def failing(engine, target="head"):
        with engine.begin() as con:
            con.execute(text("CREATE TABLE half_done (x)"))
            raise RuntimeError("migration broke")

    monkeypatch.setattr(migrate, "upgrade", failing)
    with pytest.raises(StoreError) as err:
        open_store(tmp_path)
    assert err.value.code is StoreErrorCode.MIGRATION_FAILED
    assert sidecars(tmp_path) == []
    # The message points to the checked copy made before the upgrade, which exists.
    assert err.value.backup is not None and err.value.backup.exists()
    assert "a backup was kept" in cli_text(err.value)


def test_a_new_store_that_cannot_be_set_up_claims_no_backup(tmp_path, monkeypatch):
    def failing(engine, target="head"):
        raise RuntimeError("disk went away")

    monkeypatch.setattr(migrate, "upgrade", failing)
    with pytest.raises(StoreError) as err:
        open_store(tmp_path)
    assert err.value.code is StoreErrorCode.MIGRATION_FAILED and err.value.backup is None
    assert "backup" not in cli_text(err.value)


@pytest.mark.parametrize("inline_limit", [0, 1 << 40], ids=["checked-later", "at-start"])
def test_check_store_names_the_damaged_pages_in_english(tmp_path, monkeypatch, capsys,
                                                        inline_limit):
    from app.cli import main

    assert main(["check-store", "--data-dir", str(tmp_path)]) == 2  # no store yet
    path = _closed_store(tmp_path, cases=300)
    assert main(["check-store", "--data-dir", str(tmp_path)]) == 0
    hit = _garble_middle(path)
    monkeypatch.setattr(database, "QUICK_CHECK_INLINE_BYTES", inline_limit)
    capsys.readouterr()
    assert main(["check-store", "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "damaged" in err and "damaged pages: " in err
    assert any(str(page) in err for page in hit)
    assert "Traceback" not in err
    assert sidecars(tmp_path) == []


@pytest.mark.slow
def test_a_locked_store_is_refused_and_gets_no_shm(tmp_path):
    path = _closed_store(tmp_path)
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("PRAGMA locking_mode=EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("UPDATE local_meta SET value = value")
        theirs = sidecars(tmp_path)  # the holder's own -wal
        with pytest.raises(StoreError) as err:
            open_store(tmp_path)
        assert err.value.code is StoreErrorCode.LOCKED
        assert sidecars(tmp_path) == theirs
    finally:
        holder.close()


def test_a_folder_named_with_uri_characters_opens_and_is_checked(tmp_path, monkeypatch):
    folder = tmp_path / "张敏 50%#?"
    _closed_store(folder)
    pretend_older(monkeypatch)
    store = open_store(folder)  # inspected, quick_checked, backed up and verified
    store.close()
    assert store.backup_path is not None and store.backup_path.exists()
    assert check_store(folder / STORE_FILENAME) is None
