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
class BuiltCases:
    """New cases ready for the driver, table by table (``build_case`` adds one): a
    worker process sends a batch back as a few long lists, which pickle many times
    faster than an object per case."""

    fingerprint: str  # the word lists their words were cut with
    case_ids: list[str] = field(default_factory=list)  # 32 hex digits, in order
    cases: list[list[Any]] = field(default_factory=list)
    tags: list[list[Any]] = field(default_factory=list)
    parties: list[list[Any]] = field(default_factory=list)
    events: list[list[Any]] = field(default_factory=list)  # chained by the writer
    bodies: list[str] = field(default_factory=list)  # audit_chain.stored_body of each event
    imported: list[list[Any]] = field(default_factory=list)  # imported_values rows
    documents: list[tuple[str, str, str]] = field(default_factory=list)  # (id hex, names, body)
    words: list[tuple[str, int, Sequence[str]]] = field(default_factory=list)  # (id hex, day, words)
    outbox: list[list[Any]] = field(default_factory=list)
    # id hex → the warning rules' keywords its texts hold (warnings.KeywordHits), where
    # the builder looked for them and found some
    keyword_hits: dict[str, list[str]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.case_ids)


def build_case(into: BuiltCases, rows: NewCaseRows, segmenter: Segmenter, *, captured: bool,
               imported: Mapping[str, str] | None = None,
               imported_at: datetime | None = None) -> None:
    """Add the rows of a new case (``cases.new_case_rows``) to ``into`` as the writer
    inserts them. ``imported``: what an import wrote into it, kept in ``imported_values``."""
    case = rows.case
    if imported is not None:
        into.imported.append(plan(ImportedValues.__table__).stored(complete(
            ImportedValues.__table__,
            {"case_id": case["id"], "values": dict(imported), "imported_at": imported_at})))
    if captured:
        entry_plan = plan(SyncOutbox.__table__)
        for name, table_rows in (("cases", [case]), ("parties", rows.parties),
                                 ("audit_events", rows.events)):
            into.outbox += [entry_plan.stored(complete(SyncOutbox.__table__, entry))
                            for entry in capture.insert_entries(name, table_rows)]
    case_hex = case["id"].hex
    into.case_ids.append(case_hex)
    into.cases.append(plan(Case.__table__).stored(case))
    into.tags += [plan(CaseTag.__table__).stored(t) for t in rows.tags]
    into.parties += [plan(Party.__table__).stored(p) for p in rows.parties]
    audit_plan = plan(AuditEvent.__table__)
    for event in rows.events:
        stored = audit_plan.stored(event)
        into.events.append(stored)
        into.bodies.append(audit_chain.stored_body(audit_plan.names, stored))
    into.documents.append((case_hex, *search.search_document(
        case.complainant_name, case.respondent_name, case.title, case.description,
        case.request)))
    into.words.append((case_hex, *hot_words.case_cut(
        segmenter, case.received_at, case.title, case.description, case.request,
        case.complainant_name, case.respondent_name)))


def write_built(session: Session, built: BuiltCases) -> None:
    """Insert built cases in the session's transaction."""
    if not built:
        return
    session.flush()  # whatever the ORM holds goes first, chained and captured
    conn = session.connection()
    raw = conn.connection.driver_connection
    for table, rows in ((Case.__table__, built.cases), (CaseTag.__table__, built.tags),
                        (Party.__table__, built.parties),
                        (ImportedValues.__table__, built.imported),
                        (SyncOutbox.__table__, built.outbox)):
        if rows:
            raw.executemany(plan(table).sql, rows)
    audit_chain.insert_chained(raw, plan(AuditEvent.__table__).names, built.events,
                               built.bodies)
    search.index_documents(conn, built.documents)
    hot_words.store_new_cut(raw, built.words, built.fingerprint)
