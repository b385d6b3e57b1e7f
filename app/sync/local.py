"""Writing what the central database says into the workstation's store.

These writes go through plain connections, not ORM sessions, so they are not captured
into the outbox. Foreign keys are switched off for the connection while a page is
applied: a child may arrive before its parent (transaction ids are not commit order),
and the central database has checked the keys already.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, bindparam, delete, select, text

from app.store.models import LocalMeta, SyncOutbox
from app.sync.tables import Scope, SyncedTable, synced_tables

_log = logging.getLogger(__name__)

# Called after rows were written, in the same transaction: (connection, table, ids,
# initial). The services keep their derived tables (tags, search index) with it.
RowsApplied = Callable[[Connection, str, list[uuid.UUID], bool], None]


@contextmanager
def apply_transaction(engine: Engine, *, durable: bool = True) -> Iterator[Connection]:
    """A transaction to write central rows in. Not ``durable``: its commit does not wait
    for the disk (synchronous=NORMAL: a power cut may take the last such commits back,
    whole; a crashed process takes nothing back), nor copy the WAL into the store file
    (a ``BackgroundCheckpoints`` thread does). For resumable bulk loads only."""
    with engine.connect() as conn:
        # The pragmas only take effect outside a transaction.
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        if not durable:
            conn.exec_driver_sql("PRAGMA synchronous=NORMAL")
            conn.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
        conn.commit()
        try:
            with conn.begin():
                yield conn
        finally:
            conn.rollback()
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            if not durable:
                conn.exec_driver_sql("PRAGMA synchronous=FULL")
                conn.exec_driver_sql(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_PAGES}")
            conn.commit()


AUTOCHECKPOINT_PAGES = 1000  # SQLite's default, as the store's connections keep it


class BackgroundCheckpoints:
    """While a bulk load commits page after page (``apply_transaction(durable=False)``),
    a thread of its own copies the WAL into the store file after each commit it is told
    of: the writing goes on meanwhile (the copy waits on the disk, not on Python), and
    the WAL stays about a page long instead of growing with the load."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._wake = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="bulk-checkpoints",
                                        daemon=True)

    def __enter__(self) -> BackgroundCheckpoints:
        self._thread.start()
        return self

    def committed(self) -> None:
        self._wake.set()

    def __exit__(self, *exc: object) -> None:
        self._stopping = True
        self._wake.set()
        self._thread.join()

    # The WAL's size past which the thread makes it start over: a WAL is used again
    # from its start only after a checkpoint that copied all of it, which a writer that
    # never pauses does not leave time for.
    restart_bytes = 64 * 2**20

    def _run(self) -> None:
        con = self.engine.raw_connection()
        try:
            # A frame is a page: 4 KiB in a plain store, 16 KiB in an encrypted one.
            restart_frames = self.restart_bytes // con.execute("PRAGMA page_size").fetchone()[0]
            while True:
                self._wake.wait()
                self._wake.clear()
                last = self._stopping  # read before: this copy covers every commit told
                # PASSIVE: never in the writer's way; what it cannot copy now, it copies
                # after the next commit.
                _, frames, _ = con.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                if frames >= restart_frames or last:
                    # Waits for the page being written, holds the next one back while
                    # it copies the little left, and lets the WAL start over.
                    con.execute("PRAGMA wal_checkpoint(RESTART)").fetchall()
                if last:
                    return
        except Exception as exc:  # the load must not fail for a copy
            _log.warning("background checkpoint stopped: %s", type(exc).__name__)
        finally:
            con.close()


def get_meta(conn: Connection, key: str) -> str | None:
    return conn.execute(select(LocalMeta.value).where(LocalMeta.key == key)).scalar()


def set_meta(conn: Connection, key: str, value: str | None) -> None:
    conn.execute(delete(LocalMeta).where(LocalMeta.key == key))
    if value is not None:
        conn.execute(LocalMeta.__table__.insert().values(key=key, value=value))


def pending_ids(conn: Connection, table_name: str, ids: list[uuid.UUID] | None = None
                ) -> set[uuid.UUID]:
    """Rows with changes not yet accepted centrally: a pull must leave them alone."""
    stmt = select(SyncOutbox.row_id).where(SyncOutbox.table_name == table_name)
    if ids is not None:
        if not ids:
            return set()
        stmt = stmt.where(SyncOutbox.row_id.in_(ids))
    return set(conn.execute(stmt).scalars())


def purge_rows(conn: Connection, st: SyncedTable, ids: list[uuid.UUID]) -> None:
    """Take rows (a case: with everything under it) out of this workstation: they left
    its office. Not a deletion: they live on centrally."""
    if not ids:
        return
    if st.name == "cases":
        for child in synced_tables().values():
            if child.scope == Scope.CASE:
                conn.execute(delete(child.table).where(child.table.c.case_id.in_(ids)))
        from app.store.models import CaseSearchKey, CaseTag, CaseWord, CaseWordDoc

        conn.execute(delete(CaseTag).where(CaseTag.case_id.in_(ids)))
        conn.execute(delete(CaseWord).where(CaseWord.doc.in_(
            select(CaseWordDoc.doc).where(CaseWordDoc.case_id.in_(ids)))))
        conn.execute(delete(CaseWordDoc).where(CaseWordDoc.case_id.in_(ids)))
        # Its words in the search index too, not only the key that named them: a case
        # gone to another office must not be found (nor kept) here by its text.
        keys = list(conn.execute(select(CaseSearchKey.search_key).where(
            CaseSearchKey.case_id.in_(ids))).scalars())
        if keys:
            conn.execute(text("DELETE FROM case_search WHERE rowid IN :keys").bindparams(
                bindparam("keys", expanding=True)), {"keys": keys})
        conn.execute(delete(CaseSearchKey).where(CaseSearchKey.case_id.in_(ids)))
    conn.execute(delete(st.table).where(st.table.c.id.in_(ids)))
