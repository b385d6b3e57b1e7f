"""Checking the audit trail's hash chains: this store's, and each office's centrally."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine

from app.store import audit_chain
from app.store.audit_chain import ChainReport
from app.store.database import Store
from app.sync import audit_check
from app.sync.audit_check import CentralReport


def verify_store(store: Store, *, progress: Callable[[int, int], None] | None = None,
                 cancelled: Callable[[], bool] | None = None,
                 page: int = 20000) -> ChainReport:
    """Walk the store's chain in one read transaction (one snapshot: rows written
    meanwhile are neither half seen nor taken for a cut-off tail; in WAL mode the
    read does not hold up writers)."""
    with store.engine.connect() as conn:
        raw = conn.connection.driver_connection
        raw.execute("BEGIN")
        try:
            total = raw.execute("SELECT coalesce(max(chain_seq), 0) FROM audit_events"
                                ).fetchone()[0]
            step = (lambda done: progress(done, total)) if progress else None
            return audit_chain.verify(raw, progress=step, cancelled=cancelled, page=page)
        finally:
            raw.rollback()


def verify_central(engine: Engine) -> CentralReport:
    """Each office's chain on the central database (PostgreSQL only: raises
    audit_check.NoOfficeChain for an SQLite central file)."""
    with engine.connect() as conn:
        return audit_check.verify_central(conn)
