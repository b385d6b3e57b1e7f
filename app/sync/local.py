"""Writing what the central database says into the workstation's store.

These writes go through plain connections, not ORM sessions, so they are not captured
into the outbox. Foreign keys are switched off for the connection while a page is
applied: a child may arrive before its parent (transaction ids are not commit order),
and the central database has checked the keys already.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, and_, bindparam, delete, func, select, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.store import audit_chain
from app.store.models import LocalMeta, SyncOutbox
from app.sync.tables import SERVER_STAMPED, Scope, SyncedTable, synced_tables

# Called after rows were written, in the same transaction: (connection, table, ids,
# initial). The services keep their derived tables (tags, search index) with it.
RowsApplied = Callable[[Connection, str, list[uuid.UUID], bool], None]


@contextmanager
def apply_transaction(engine: Engine, *, durable: bool = True) -> Iterator[Connection]:
    """A transaction to write central rows in. Not ``durable``: its commit does not wait
    for the disk (synchronous=NORMAL: a power cut may take the last such commits back,
    whole; a crashed process takes nothing back). For resumable bulk loads only."""
    with engine.connect() as conn:
        # The pragmas only take effect outside a transaction.
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        if not durable:
            conn.exec_driver_sql("PRAGMA synchronous=NORMAL")
        conn.commit()
        try:
            with conn.begin():
                yield conn
        finally:
            conn.rollback()
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            if not durable:
                conn.exec_driver_sql("PRAGMA synchronous=FULL")
            conn.commit()


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


def upsert_rows(conn: Connection, st: SyncedTable, rows: list[dict[str, Any]], *,
                newer_only: bool = True) -> None:
    """Insert or replace rows by id; with ``newer_only`` an existing row is replaced only
    by a higher version (a late or repeated page never takes a row back)."""
    if not rows:
        return
    rows = [{c: r[c] for c in st.columns if c in r} for r in rows]  # no local-only columns
    stmt = sqlite_insert(st.table)
    stamped = SERVER_STAMPED.get(st.name)
    if stamped is not None:
        # A row this store holds already keeps what it wrote; it takes only the server's
        # stamps, and only when they keep the actor and the workstation's own time (else
        # the difference is reported by the check against the central copy, not taken in).
        t, x = st.table, stmt.excluded
        stmt = stmt.on_conflict_do_update(
            index_elements=["id"],
            set_={c: x[c] for c in stamped},
            where=and_(
                x.actor == t.c.actor,
                func.coalesce(x.client_actor, x.actor) == func.coalesce(t.c.client_actor,
                                                                        t.c.actor),
                func.coalesce(x.client_at, x.at) == func.coalesce(t.c.client_at, t.c.at),
                *([t.c.version < x.version] if newer_only else [])),
        )
    else:
        columns = [c for c in st.columns if c != "id"]
        stmt = stmt.on_conflict_do_update(
            index_elements=["id"],
            set_={c: stmt.excluded[c] for c in columns},
            where=(st.table.c.version < stmt.excluded.version) if newer_only else None,
        )
    conn.execute(stmt, rows)
    if st.name == "audit_events":
        audit_chain.extend(conn.connection.driver_connection, [r["id"].hex for r in rows])


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
