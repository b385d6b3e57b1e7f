"""A big write's pages are copied from the WAL into the store file after its commit, in
a thread of their own (Store.checkpoint_after), not inside the commit the user waits for."""

from __future__ import annotations

from sqlalchemy import text

from app.store.database import STORE_FILENAME, Store, open_store

ROWS = 2000  # 3 kB each: ~1,500 pages, past SQLite's automatic checkpoint at 1,000


def _write_big(store: Store, *, apart: bool, prefix: str) -> object:
    with store.unit_of_work() as session:
        session.execute(text("INSERT INTO local_meta (key, value) VALUES (:k, :v)"),
                        [{"k": f"{prefix}{i}", "v": "字" * 1000} for i in range(ROWS)])
        if apart:
            store.checkpoint_after(session)
        raw = session.connection().connection.driver_connection
    return raw


def _count(store: Store, prefix: str) -> int:
    con = store.connect_raw(read_only=True)
    try:
        return con.execute("SELECT count(*) FROM local_meta WHERE key LIKE ?",
                           (prefix + "%",)).fetchone()[0]
    finally:
        con.close()


def test_the_commit_leaves_the_copy_to_a_thread_and_the_rows_are_read_meanwhile(
        tmp_path, monkeypatch):
    store = open_store(tmp_path)
    try:
        file = tmp_path / STORE_FILENAME
        # As before: the commit of a big write copies it into the file itself.
        before = file.stat().st_size
        _write_big(store, apart=False, prefix="a")
        grown = file.stat().st_size
        assert grown > before + ROWS * 2000

        started = []
        monkeypatch.setattr(Store, "_checkpoint", lambda self: started.append(self))
        raw = _write_big(store, apart=True, prefix="b")
        store.wait_for_checkpoints()
        assert started == [store]
        # Committed and readable from the WAL, not yet in the file.
        assert file.stat().st_size == grown
        assert _count(store, "b") == ROWS
        # The pooled connection checkpoints its next commits itself again.
        assert raw.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000

        monkeypatch.undo()
        store._checkpoint()
        assert file.stat().st_size > grown + ROWS * 2000
    finally:
        store.close()


def test_the_thread_copies_the_pages_and_closing_the_store_waits_for_it(tmp_path):
    store = open_store(tmp_path)
    file = tmp_path / STORE_FILENAME
    before = file.stat().st_size
    _write_big(store, apart=True, prefix="c")
    store.close()  # waits for the copy
    assert file.stat().st_size > before + ROWS * 2000
    again = open_store(tmp_path)
    try:
        assert _count(again, "c") == ROWS
    finally:
        again.close()


def test_a_rolled_back_write_leaves_the_connection_checkpointing_as_usual(tmp_path):
    store = open_store(tmp_path)
    try:
        try:
            with store.unit_of_work() as session:
                store.checkpoint_after(session)
                raw = session.connection().connection.driver_connection
                raise RuntimeError("stopped")
        except RuntimeError:
            pass
        assert raw.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
        assert _count(store, "c") == 0
    finally:
        store.close()
