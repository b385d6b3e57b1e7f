"""The tests' migrated-once store (tests/support/stores.py): each copy is a whole store
of its own, the same as one that open_store creates with a full upgrade."""

from __future__ import annotations

import sqlite3

from app.store import migrate
from app.store.database import STORE_FILENAME, open_store, store_revision
from app.store.models import Office
from tests.support.stores import copy_migrated_store


def _schema(path) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT type, name, tbl_name, sql FROM sqlite_master "
                           "ORDER BY type, name").fetchall()
    finally:
        con.close()


def test_a_copy_has_the_schema_a_full_upgrade_makes(tmp_path):
    open_store(tmp_path / "upgraded").close()
    copied = open_store(copy_migrated_store(tmp_path / "copied"))
    try:
        assert store_revision(copied) == migrate.head_revision()
        assert copied.backup_path is None  # nothing was left to upgrade
    finally:
        copied.close()
    assert _schema(tmp_path / "copied" / STORE_FILENAME) == _schema(
        tmp_path / "upgraded" / STORE_FILENAME)


def test_copies_are_independent_stores(tmp_path):
    a = open_store(copy_migrated_store(tmp_path / "a"))
    b = open_store(copy_migrated_store(tmp_path / "b"))
    try:
        with a.unit_of_work() as session:
            session.add(Office(code="PD01", name="陆家嘴市场监管所", modified_by="test"))
        with a.sessions() as sa, b.sessions() as sb:
            assert sa.query(Office).count() == 1
            assert sb.query(Office).count() == 0
    finally:
        a.close()
        b.close()
    c = open_store(copy_migrated_store(tmp_path / "c"))  # the template itself is untouched
    try:
        with c.sessions() as sc:
            assert sc.query(Office).count() == 0
    finally:
        c.close()
