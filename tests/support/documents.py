"""A settlement agreement drafted and filled far enough to be finalised."""

from __future__ import annotations

import uuid


def ready_agreement(ws, case_id: uuid.UUID) -> uuid.UUID:
    """A draft 人民调解协议书 of the case with every required field filled (its clause
    blanks dated, performance and mediator given); not yet final."""
    from app.core.documents import DocumentKind
    from app.services import documents

    doc_id, _ = documents.create_draft(ws, case_id, DocumentKind.AGREEMENT)
    fields = documents.get_document(ws, doc_id).fields
    documents.update_draft(ws, doc_id, {
        "clauses": dated(fields["clauses"], "2026年12月1日"),
        "performance": "银行转账。", "mediator": "张敏"})
    return doc_id


def dated(clauses: list, day: str) -> list:
    """The draft's clauses with their date blanks filled (a clause may be a string or,
    with an amount, {"text", "amount"})."""
    out = []
    for c in clauses:
        if isinstance(c, dict):
            out.append({**c, "text": c["text"].replace("____", day)})
        else:
            out.append(c.replace("____", day))
    return out
