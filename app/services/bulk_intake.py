"""Many new cases in one transaction, as intake makes each (issue 15: the import of
100,000 work orders within its budget).

Intake (``cases.create_case``) writes a case through the ORM: about seven objects, each
flush capturing them for sync and linking the audit events into the store's chain. At
that pace an import of 100,000 rows spends minutes in the unit of work. Here the same
rows — from the same builder, ``cases.new_case_rows`` — go in two steps:

- ``build_case`` (pure, so an import runs it in worker processes): every row of the
  case in the form the driver takes (the columns' own bind processors applied), its
  search document and hot words, and, on a store linked to the central database, the
  sync outbox entries the capture listener would make;
- ``write_built`` (the writer, in the caller's session's transaction): one executemany
  per table and batch, the audit events linked into the chain on their way in
  (``audit_chain.insert_chained``), the search and hot-words index entries.

A rollback (a cancelled import) leaves no trace. The session's own pending objects are
flushed first, so the chain and the outbox keep the order of what was written.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.core.hot_words import Segmenter
from app.services import hot_words, search
from app.services.cases import NewCaseRows
from app.store import audit_chain
from app.store.bulk import complete
from app.store.bulk import insert_plan as plan
from app.store.models import AuditEvent, Case, CaseTag, ImportedValues, Party, SyncOutbox
from app.sync import capture


@dataclass(slots=True)
class BuiltCase:
    """One new case, ready for the driver (``build_case``)."""

    case_id: uuid.UUID
    case: list[Any]
    tags: list[list[Any]]
    parties: list[list[Any]]
    events: list[list[Any]]  # chain_seq and chain_hash filled by the writer
    bodies: list[str]  # what the chain hashes of each event (audit_chain.stored_body)
    imported: list[Any] | None  # its imported_values row
    document: tuple[str, str, str] | None  # (id hex, names, body) for search; None: deleted
    words: tuple[int, Sequence[str]]  # (day, words) for the hot-words index
    outbox: list[list[Any]] = field(default_factory=list)


def build_case(rows: NewCaseRows, segmenter: Segmenter, *, captured: bool,
               imported: Mapping[str, str] | None = None,
               imported_at: datetime | None = None) -> BuiltCase:
    """The rows of a new case (``cases.new_case_rows``) as the writer inserts them.
    ``imported``: what an import wrote into it, kept in ``imported_values``."""
    case = rows.case
    stored_imported = None
    if imported is not None:
        stored_imported = plan(ImportedValues.__table__).stored(complete(
            ImportedValues.__table__,
            {"case_id": case["id"], "values": dict(imported), "imported_at": imported_at}))
    outbox: list[list[Any]] = []
    if captured:
        entry_plan = plan(SyncOutbox.__table__)
        for name, table_rows in (("cases", [case]), ("parties", rows.parties),
                                 ("audit_events", rows.events)):
            outbox += [entry_plan.stored(complete(SyncOutbox.__table__, entry))
                       for entry in capture.insert_entries(name, table_rows)]
    document = search.search_document(case.complainant_name, case.respondent_name,
                                      case.title, case.description, case.request)
    audit_plan = plan(AuditEvent.__table__)
    events = [audit_plan.stored(e) for e in rows.events]
    return BuiltCase(
        case["id"], plan(Case.__table__).stored(case),
        [plan(CaseTag.__table__).stored(t) for t in rows.tags],
        [plan(Party.__table__).stored(p) for p in rows.parties],
        events, [audit_chain.stored_body(audit_plan.names, e) for e in events],
        stored_imported, (case["id"].hex, *document),
        hot_words.case_cut(segmenter, case.received_at, case.title, case.description,
                           case.request, case.complainant_name, case.respondent_name),
        outbox)


def write_built(session: Session, built: Sequence[BuiltCase], fingerprint: str) -> None:
    """Insert built cases in the session's transaction; ``fingerprint``: the word lists
    their words were cut with."""
    if not built:
        return
    session.flush()  # whatever the ORM holds goes first, chained and captured
    conn = session.connection()
    raw = conn.connection.driver_connection
    for table, rows in ((Case.__table__, [b.case for b in built]),
                        (CaseTag.__table__, [t for b in built for t in b.tags]),
                        (Party.__table__, [p for b in built for p in b.parties]),
                        (ImportedValues.__table__, [b.imported for b in built
                                                    if b.imported is not None]),
                        (SyncOutbox.__table__, [o for b in built for o in b.outbox])):
        if rows:
            raw.executemany(plan(table).sql, rows)
    audit_chain.insert_chained(raw, plan(AuditEvent.__table__).names,
                               [e for b in built for e in b.events],
                               [body for b in built for body in b.bodies])
    search.index_documents(conn, [b.document for b in built if b.document is not None])
    hot_words.store_new_cut(raw, [(b.case_id, *b.words) for b in built], fingerprint)
