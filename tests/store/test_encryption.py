"""The store encrypted at rest: what a thief holding the laptop's disk can read.

Every test here attacks the files as they lie in the data folder: plain sqlite3 and a
byte search for a complainant's name, phone and ID number; wrong keys, passphrases and
recovery codes; the conversion of a plain store, row for row.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from app.demo.generator import generate_demo_data
from app.services import cases, store_keys
from app.services.dto import PartyInput
from app.services.reference import open_workstation
from app.services.search import find_cases
from app.store import cipher, keyfile, migrate
from app.store.database import (
    STORE_FILENAME,
    is_encrypted_store,
    open_store,
    prune_backups,
)
from app.store.errors import StoreError, StoreErrorCode
from tests.conftest import complaint_form
from tests.support.memory_keyring import use_memory_keyring, use_no_keyring

NAME = "欧阳秀英"
PHONE = "13912345678"
ID_NUMBER = "11010519491231002X"
SECRETS = [NAME.encode("utf-8"), PHONE.encode(), ID_NUMBER.encode(), "上海悦动健身".encode()]


def form():
    return complaint_form(complainant=PartyInput(
        role="applicant", party_type="person", name=NAME, phone=PHONE,
        id_type="resident_id", id_number=ID_NUMBER, address="上海市浦东新区张杨路500号"))


def found(store, query: str) -> list:
    with store.unit_of_work() as session:
        return list(find_cases(session, query).case_ids)


def readable_secrets(path: Path) -> list[bytes]:
    data = path.read_bytes()
    return [s for s in SECRETS if s in data]


def folder_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def ring():
    with use_memory_keyring() as ring:
        yield ring


def test_a_plain_store_shows_the_complainant_to_anyone(tmp_path):
    """The attack works on a plain store: the checks below can fail."""
    store = open_store(tmp_path)
    cases.intake_work_order(open_workstation(store, login="zhangmin"), form())
    store.close()
    assert readable_secrets(tmp_path / STORE_FILENAME) == SECRETS


def test_store_wal_and_search_index_hold_no_personal_data_in_the_clear(tmp_path, ring):
    store, new = store_keys.create_encrypted_store(tmp_path)
    assert store.encrypted and new.in_keyring
    ws = open_workstation(store, login="zhangmin")
    generate_demo_data(store, 30, seed=3)
    cases.intake_work_order(ws, form())
    assert found(store, NAME[:2])  # the search index has it (encrypted too)
    wal = Path(f"{store.path}-wal")
    assert wal.stat().st_size > 0  # the case is still in the WAL: look there too
    for path in (store.path, wal):
        assert readable_secrets(path) == []
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(store.path).execute("SELECT * FROM parties").fetchall()
    # A demo complainant as well, not only the one typed in.
    with store.engine.connect() as con:
        demo = con.execute(text("SELECT name, phone FROM parties WHERE role = 'applicant' "
                                "AND name != :n LIMIT 1"), {"n": NAME}).one()
    store.close()
    data = store.path.read_bytes()
    assert demo.name.encode() not in data and demo.phone.encode() not in data


def test_without_the_key_or_with_a_wrong_one_nothing_is_changed(tmp_path, ring):
    store, new = store_keys.create_encrypted_store(tmp_path)
    cases.intake_work_order(open_workstation(store, login="zhangmin"), form())
    store.close()
    before = folder_digest(tmp_path)
    for key in (None, keyfile.new_data_key()):
        with pytest.raises(StoreError) as err:
            open_store(tmp_path, key=key)
        assert err.value.code is (StoreErrorCode.KEY_NEEDED if key is None
                                  else StoreErrorCode.WRONG_KEY)
        assert folder_digest(tmp_path) == before  # no -wal, no -shm, no backup
    assert store_keys.unlock_with_passphrase(tmp_path, "a wrong passphrase") is None
    wrong_code = keyfile.new_recovery_code()
    assert store_keys.unlock_with_recovery_code(tmp_path, wrong_code) is None
    assert store_keys.unlock_with_recovery_code(tmp_path, "not even a code") is None
    assert folder_digest(tmp_path) == before
    # The keyring entry lost: the store cannot open silently, and says why.
    ring.passwords.clear()
    with pytest.raises(StoreError) as err:
        store_keys.open_local_store(tmp_path)
    assert err.value.code is StoreErrorCode.KEY_NEEDED
    assert folder_digest(tmp_path) == before


def test_the_recovery_code_alone_unlocks_after_the_keyring_entry_is_lost(tmp_path, ring):
    store, new = store_keys.create_encrypted_store(tmp_path)
    cases.intake_work_order(open_workstation(store, login="zhangmin"), form())
    store.close()
    ring.passwords.clear()
    assert store_keys.how_to_unlock(tmp_path) is store_keys.Unlock.RECOVERY_CODE
    # Typed as a person would: lower case, spaces instead of dashes, a 0 for an O.
    typed = new.recovery_code.lower().replace("-", " ").replace("o", "0")
    key = store_keys.unlock_with_recovery_code(tmp_path, typed)
    assert key == new.key
    assert store_keys.how_to_unlock(tmp_path) is store_keys.Unlock.KEYRING  # saved again
    store = store_keys.open_local_store(tmp_path)
    with store.engine.connect() as con:
        assert con.execute(text("SELECT count(*) FROM parties WHERE name = :n"),
                           {"n": NAME}).scalar() == 1
    store.close()


def test_without_a_keyring_a_passphrase_opens_the_store(tmp_path):
    with use_no_keyring():
        with pytest.raises(store_keys.PassphraseTooShort):
            store_keys.create_encrypted_store(tmp_path / "a")
        assert not (tmp_path / "a" / STORE_FILENAME).exists()
        store, new = store_keys.create_encrypted_store(tmp_path, passphrase="长城长城长城长城")
        assert not new.in_keyring
        store.close()
        assert store_keys.how_to_unlock(tmp_path) is store_keys.Unlock.PASSPHRASE
        before = folder_digest(tmp_path)
        assert store_keys.unlock_with_passphrase(tmp_path, "长城长城长城长城X") is None
        assert folder_digest(tmp_path) == before
        key = store_keys.unlock_with_passphrase(tmp_path, "长城长城长城长城")
        assert key == new.key
        store_keys.open_local_store(tmp_path, key=key).close()
        # Passphrase forgotten: the recovery code unlocks, and a new passphrase is set.
        key = store_keys.unlock_with_recovery_code(tmp_path, new.recovery_code)
        store_keys.set_passphrase(tmp_path, key, "new passphrase")
        assert store_keys.unlock_with_passphrase(tmp_path, "长城长城长城长城") is None
        assert store_keys.unlock_with_passphrase(tmp_path, "new passphrase") == new.key
        assert store_keys.unlock_with_recovery_code(tmp_path, new.recovery_code) == new.key


def test_recovery_codes_carry_at_least_128_bits_in_typable_groups():
    code = keyfile.new_recovery_code()
    groups = code.split("-")
    assert len(groups) == 7 and all(len(g) == 4 for g in groups)
    assert len(set(code.replace("-", ""))) > 5
    assert 5 * len(code.replace("-", "")) >= 128  # base32: 5 bits a character
    assert keyfile.recovery_code_well_formed(code.lower().replace("-", ""))
    assert keyfile.new_recovery_code() != code


def test_converting_a_plain_store_keeps_every_row(tmp_path, ring):
    store = open_store(tmp_path)
    ws = open_workstation(store, login="zhangmin")
    generate_demo_data(store, 60, seed=5)
    cases.intake_work_order(ws, form())
    with store.connect_raw() as con:
        before = cipher.table_fingerprints(con)
    store.close()
    assert before["cases"][0] == 61 and before["audit_events"][0] > 100
    assert before["case_search_data"][0] > 0  # the search index is converted too
    # A plain backup from an earlier upgrade is converted as well.
    (tmp_path / "backups").mkdir()
    old_backup = tmp_path / "backups" / "store-0001-20260101T000000.sqlite"
    src, dst = sqlite3.connect(tmp_path / STORE_FILENAME), sqlite3.connect(old_backup)
    src.backup(dst)
    src.close()
    dst.close()

    new = store_keys.encrypt_existing_store(tmp_path)

    assert is_encrypted_store(tmp_path)
    for path in (tmp_path / STORE_FILENAME, old_backup):
        assert readable_secrets(path) == []
        with cipher.connect(path, new.key) as con:
            assert cipher.table_fingerprints(con) == before
    leftovers = {p.name for p in tmp_path.iterdir()}
    assert leftovers <= {STORE_FILENAME, "store-key.json", "backups", "files"}
    store = store_keys.open_local_store(tmp_path)
    assert len(found(store, NAME)) == 1
    store.close()


def test_a_failed_conversion_leaves_the_plain_store_as_it_was(tmp_path, ring, monkeypatch):
    store = open_store(tmp_path)
    cases.intake_work_order(open_workstation(store, login="zhangmin"), form())
    store.close()
    before = folder_digest(tmp_path)

    def disk_full(*_args, **_kw):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cipher, "fsync_file", disk_full)
    with pytest.raises(StoreError) as err:
        store_keys.encrypt_existing_store(tmp_path)
    assert err.value.code is StoreErrorCode.ENCRYPT_FAILED
    assert folder_digest(tmp_path) == before  # no key file left behind either
    assert ring.passwords == {}
    store_keys.open_local_store(tmp_path).close()


def test_an_open_store_is_not_converted_under_its_users(tmp_path, ring):
    store = open_store(tmp_path)
    cases.intake_work_order(open_workstation(store, login="zhangmin"), form())
    with store.engine.connect() as con:
        con.execute(text("BEGIN"))
        con.execute(text("SELECT count(*) FROM cases")).scalar()
        with pytest.raises(StoreError) as err:
            store_keys.encrypt_existing_store(tmp_path)
        con.rollback()
    store.close()
    assert err.value.code is StoreErrorCode.LOCKED
    assert not is_encrypted_store(tmp_path)


def test_backups_are_encrypted_and_pruned_to_the_number_kept(tmp_path, ring, monkeypatch):
    store, new = store_keys.create_encrypted_store(tmp_path)
    cases.intake_work_order(open_workstation(store, login="zhangmin"), form())
    store.close()
    backups = tmp_path / "backups"
    backups.mkdir()
    for i in range(6):
        p = backups / f"store-0001-2026010{i}T000000.sqlite"
        p.write_bytes(b"old")
        os.utime(p, (1_700_000_000 + i, 1_700_000_000 + i))
    # Pretend the shipped head is newer than the store: a backup is made first.
    monkeypatch.setattr(migrate, "head_revision", lambda: "0002_pretend")
    monkeypatch.setattr(migrate, "upgrade", lambda engine, target="head": None)
    upgraded = store_keys.open_local_store(tmp_path, keep_backups=3)
    upgraded.close()
    kept = sorted(p.name for p in backups.iterdir())
    assert len(kept) == 3 and upgraded.backup_path.name in kept
    assert kept[:2] == ["store-0001-20260104T000000.sqlite", "store-0001-20260105T000000.sqlite"]
    assert readable_secrets(upgraded.backup_path) == []
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(upgraded.backup_path).execute("SELECT * FROM parties").fetchall()
    with cipher.connect(upgraded.backup_path, new.key) as con:
        assert con.execute("SELECT count(*) FROM parties WHERE name = ?",
                           (NAME,)).fetchone()[0] == 1


def test_pruning_keeps_the_newest(tmp_path):
    backups = tmp_path / "backups"
    backups.mkdir()
    for i in range(7):
        p = backups / f"store-0001-2026010{i}T000000.sqlite"
        p.write_bytes(b"x")
        os.utime(p, (1_700_000_000 + i, 1_700_000_000 + i))
    removed = prune_backups(tmp_path, 5)
    assert sorted(p.name for p in removed) == [
        "store-0001-20260100T000000.sqlite", "store-0001-20260101T000000.sqlite"]
    assert len(list(backups.iterdir())) == 5


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_data_folder_and_files_are_owner_only(tmp_path, ring):
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    (folder / "files" / "ab").mkdir(parents=True, mode=0o755)
    (folder / "files" / "ab" / "old").write_bytes(b"x")
    os.chmod(folder / "files" / "ab" / "old", 0o644)
    store, _ = store_keys.create_encrypted_store(folder)
    cases.intake_work_order(open_workstation(store, login="zhangmin"), form())

    def mode(p: Path) -> int:
        return stat.S_IMODE(p.stat().st_mode)

    assert mode(folder) == 0o700
    for name in (STORE_FILENAME, f"{STORE_FILENAME}-wal", f"{STORE_FILENAME}-shm",
                 "store-key.json"):
        assert mode(folder / name) == 0o600, name
    assert mode(folder / "files") == 0o700 and mode(folder / "files" / "ab") == 0o700
    assert mode(folder / "files" / "ab" / "old") == 0o600
    store.close()


def test_the_command_line_opens_an_encrypted_store_with_the_keyring_key_only(tmp_path, capsys):
    from app.cli import main

    with use_memory_keyring() as ring:
        store, _ = store_keys.create_encrypted_store(tmp_path)
        store.close()
        saved = dict(ring.passwords)
    before = folder_digest(tmp_path)
    with use_no_keyring():
        assert main(["demo-data", "--cases", "5", "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "encrypted" in err and "数据文件已加密" in err
    assert folder_digest(tmp_path) == before
    with use_memory_keyring() as ring:
        ring.passwords.update(saved)
        assert main(["demo-data", "--cases", "5", "--data-dir", str(tmp_path)]) == 0
    assert is_encrypted_store(tmp_path)
