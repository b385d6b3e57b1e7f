"""Many new cases in one transaction, as intake makes each (issue 15: the import of
100,000 work orders within its budget).

Intake (``cases.create_case``) writes a case through the ORM: about seven objects, each
flush capturing them for sync and linking the audit events into the store's chain. At
that pace an import of 100,000 rows spends minutes in the unit of work. ``BulkIntake``
writes the same rows — they come from the same builder, ``cases.new_case_rows`` — with
one executemany per table and batch, and does itself, per batch, what the ORM's
listeners and intake's indexing do per case:

- the sync outbox, on a store linked to the central database (where the capture
  listener is installed): an ``insert`` entry for every case, party and audit event
  (``app.sync.capture.record_inserts``, the entries the listener makes);
- the audit chain: the batch's events linked in the order they were written
  (``app.store.audit_chain.extend`` from the rowid before the batch);
- the search index and the hot-words index of the batch's cases.

Everything happens in the caller's session's transaction: a rollback (a cancelled
import) leaves no trace. The session's own pending objects are flushed first, so the
chain and the outbox keep the order of what was written.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.services import hot_words, search
from app.services.cases import CheckedIntake, IntakeBasis, NewCaseRows, new_case_rows
from app.services.context import Workstation
from app.store import audit_chain
from app.store.bulk import Row, insert_rows, last_rowid
from app.store.models import AuditEvent, Case, CaseTag, ImportedValues, Party
from app.sync import capture


class BulkIntake:
    """Collects new cases (``add``) and writes them a batch at a time (``flush``)."""

    def __init__(self, ws: Workstation, session: Session, basis: IntakeBasis) -> None:
        self.ws, self.session, self.basis = ws, session, basis
        self.captured = capture.is_installed(ws.store.sessions)
        self._pending: list[NewCaseRows] = []
        self._imported: list[dict[str, Any]] = []
        self.written = 0

    def add(self, checked: CheckedIntake, *,
            imported: Mapping[str, str] | None = None,
            imported_at: datetime | None = None) -> Row:
        """Queue a checked work order as a new case; its row (with its id) is returned.
        ``imported``: what an import wrote into it, kept in ``imported_values``."""
        rows = new_case_rows(self.ws, checked, self.basis)
        self._pending.append(rows)
        if imported is not None:
            self._imported.append({"case_id": rows.case["id"], "values": dict(imported),
                                   "imported_at": imported_at or self.basis.now})
        return rows.case

    @property
    def pending(self) -> int:
        return len(self._pending)

    def flush(self) -> list[uuid.UUID]:
        """Write the queued cases; returns their ids."""
        if not self._pending:
            return []
        self.session.flush()  # whatever the ORM holds goes first, chained and captured
        conn = self.session.connection()
        cases = [r.case for r in self._pending]
        tags = [t for r in self._pending for t in r.tags]
        parties = [p for r in self._pending for p in r.parties]
        events = [e for r in self._pending for e in r.events]
        audit_table = AuditEvent.__table__
        after = last_rowid(conn, audit_table)
        for table, rows, synced in ((Case.__table__, cases, True),
                                    (CaseTag.__table__, tags, False),
                                    (Party.__table__, parties, True),
                                    (audit_table, events, True)):
            insert_rows(conn, table, rows)
            if synced and self.captured:
                capture.record_inserts(conn, table.name, rows)
        audit_chain.extend(conn.connection.driver_connection, after_rowid=after)
        insert_rows(conn, ImportedValues.__table__, self._imported)
        search.index_new_cases(self.session, cases)
        ids = [case["id"] for case in cases]
        hot_words.index_cases(conn, ids)
        self.written += len(cases)
        self._pending.clear()
        self._imported.clear()
        return ids
