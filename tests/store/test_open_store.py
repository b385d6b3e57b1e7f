"""Opening the local store: created, upgraded, and never harmed when something is wrong."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from app.store import migrate
from app.store.database import STORE_FILENAME, open_store, store_revision
from app.store.errors import StoreError, StoreErrorCode


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_store_is_at_head_with_wal_and_foreign_keys(tmp_path):
    store = open_store(tmp_path)
    try:
        assert store_revision(store) == migrate.head_revision()
        with store.engine.connect() as con:
            assert con.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert con.execute(text("PRAGMA foreign_keys")).scalar() == 1
            with pytest.raises(Exception, match="FOREIGN KEY"):
                con.execute(text(
                    "INSERT INTO case_tags (case_id, tag) VALUES ('00000000000000000000000000000001', 'x')"
                ))
    finally:
        store.close()


def test_reopening_keeps_data_and_makes_no_backup(tmp_path):
    open_store(tmp_path).close()
    again = open_store(tmp_path)
    assert again.backup_path is None
    assert not (tmp_path / "backups").exists()
    again.close()


def test_creates_missing_data_folder(tmp_path):
    store = open_store(tmp_path / "a" / "b")
    assert (tmp_path / "a" / "b" / STORE_FILENAME).exists()
    store.close()


def test_unwritable_data_folder_is_reported(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(StoreError) as err:
        open_store(blocker / "data")
    assert err.value.code == StoreErrorCode.UNWRITABLE_DIR


@pytest.mark.parametrize(
    "content",
    [b"name,phone\n\xe5\xbc\xa0\xe4\xb8\x89,13800135678\n", b"\x00" * 4096, b"PK\x03\x04zip"],
    ids=["csv", "zeros", "zip"],
)
def test_a_file_that_is_not_a_store_is_refused_and_untouched(tmp_path, content):
    path = tmp_path / STORE_FILENAME
    path.write_bytes(content)
    before = digest(path)
    with pytest.raises(StoreError) as err:
        open_store(tmp_path)
    assert err.value.code == StoreErrorCode.NOT_A_STORE
    assert digest(path) == before


def test_empty_file_is_refused_not_initialised(tmp_path):
    path = tmp_path / STORE_FILENAME
    path.touch()
    with pytest.raises(StoreError) as err:
        open_store(tmp_path)
    assert err.value.code == StoreErrorCode.NOT_A_STORE
    assert path.stat().st_size == 0


def test_another_programs_sqlite_database_is_refused(tmp_path):
    path = tmp_path / STORE_FILENAME
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE contacts (name TEXT)")
    con.execute("INSERT INTO contacts VALUES ('王芳')")
    con.commit()
    con.close()
    before = digest(path)
    with pytest.raises(StoreError) as err:
        open_store(tmp_path)
    assert err.value.code == StoreErrorCode.NOT_A_STORE
    assert digest(path) == before


def _checkpointed_store(tmp_path: Path) -> Path:
    store = open_store(tmp_path)
    with store.engine.begin() as con:
        con.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    store.close()
    return tmp_path / STORE_FILENAME


def test_corrupt_store_is_refused_and_untouched(tmp_path):
    path = _checkpointed_store(tmp_path)
    data = bytearray(path.read_bytes())
    # Keep the 100-byte header, scramble the schema page behind it.
    data[100:4096] = bytes((i * 7 + 3) % 256 for i in range(100, 4096))
    path.write_bytes(bytes(data))
    before = digest(path)
    with pytest.raises(StoreError) as err:
        open_store(tmp_path)
    assert err.value.code in (StoreErrorCode.CORRUPT, StoreErrorCode.NOT_A_STORE)
    assert digest(path) == before


def test_truncated_store_is_refused(tmp_path):
    path = _checkpointed_store(tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    before = digest(path)
    with pytest.raises(StoreError) as err:
        open_store(tmp_path)
    assert err.value.code in (StoreErrorCode.CORRUPT, StoreErrorCode.NOT_A_STORE)
    assert digest(path) == before


def test_store_from_a_newer_version_is_refused_and_untouched(tmp_path):
    path = _checkpointed_store(tmp_path)
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    con.commit()
    con.close()
    before = digest(path)
    with pytest.raises(StoreError) as err:
        open_store(tmp_path)
    assert err.value.code == StoreErrorCode.NEWER_VERSION
    assert "9999_from_the_future" in str(err.value)
    assert digest(path) == before


def test_store_at_an_older_revision_is_backed_up_then_upgraded(tmp_path, monkeypatch):
    """Pretend the shipped head is newer than the store: the file is copied first."""
    store = open_store(tmp_path)
    store.close()
    real_head = migrate.head_revision()
    calls = []
    monkeypatch.setattr(migrate, "head_revision", lambda: "0002_pretend")
    monkeypatch.setattr(migrate, "upgrade", lambda engine, target="head": calls.append(target))
    upgraded = open_store(tmp_path)
    upgraded.close()
    assert calls == ["head"]
    assert upgraded.backup_path is not None and upgraded.backup_path.exists()
    con = sqlite3.connect(upgraded.backup_path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == real_head
    con.close()
