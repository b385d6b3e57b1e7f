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
        "clauses": [c.replace("____", "2026年12月1日") for c in fields["clauses"]],
        "performance": "银行转账。", "mediator": "张敏"})
    return doc_id
