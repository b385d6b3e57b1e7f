"""Hole 4: workstation A finalises a draft while B edits the same draft offline. In both
sync orders the central final document is exactly what A numbered, hashed and printed;
B's edit is kept in a conflict (to redo as a new version), and nobody's sync gets stuck."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select, text

from app.services import cases, documents
from app.services import sync as sync_service
from app.services.sync import Choice
from app.store.models import Document
from tests.conftest import complaint_form
from tests.support.documents import ready_agreement


def _shared_draft(a, b) -> tuple[uuid.UUID, uuid.UUID]:
    case_id, _ = cases.intake_work_order(a.ws, complaint_form())
    doc_id = ready_agreement(a.ws, case_id)
    a.sync(), b.sync()
    return case_id, doc_id


def _central_doc(central, doc_id):
    with central.admin().connect() as conn:
        return conn.execute(select(Document).where(Document.id == doc_id)).one()


@pytest.mark.parametrize("order", ["finaliser_first", "editor_first"])
@pytest.mark.slow
def test_a_late_draft_edit_never_changes_a_final_document(desks, order):
    a, b = desks("mdt_zhangmin"), desks("mdt_wangfang")
    _, doc_id = _shared_draft(a, b)
    documents.finalize(a.ws, doc_id)
    issued = documents.get_document(a.ws, doc_id)
    documents.update_draft(b.ws, doc_id, {"performance": "乙离线改成了现金支付。"})
    first, second = (a, b) if order == "finaliser_first" else (b, a)
    for desk in (first, second, first, second):
        report = desk.sync()
        assert report.rejected == 0  # a conflict, never a refusal that sticks
    central = _central_doc(a.central, doc_id)
    assert central.state == "final"
    assert central.number == issued.number
    assert central.content_sha256 == issued.content_sha256
    assert central.fields["performance"] == "银行转账。"
    # Both workstations hold the document as issued, and have nothing left to send.
    for desk in (a, b):
        held = documents.get_document(desk.ws, doc_id)
        assert (held.state.value, held.number, held.fields["performance"]) == \
            ("final", issued.number, "银行转账。")
        assert desk.client.pending_count() == 0
    # B's typing is not lost: it waits in a conflict on both workstations.
    for desk in (a, b):
        (conflict,) = sync_service.list_conflicts(desk.ws)
        assert conflict.kind == "final_document" and conflict.row_id == doc_id
        assert conflict.local_value["fields"]["performance"] == "乙离线改成了现金支付。"
    # Redone as a new version: a draft carrying B's text; the final one stays as issued.
    sync_service.resolve_conflict(b.ws, conflict.id, Choice.TAKE_MINE)
    b.sync(), a.sync()
    versions = [d for d in documents.list_documents(a.ws, central.case_id)]
    new = [d for d in versions if d.id != doc_id]
    assert len(new) == 1 and new[0].state.value == "draft"
    assert documents.get_document(a.ws, new[0].id).fields["performance"] == \
        "乙离线改成了现金支付。"
    assert _central_doc(a.central, doc_id).content_sha256 == issued.content_sha256


def test_a_workstation_holding_final_documents_resyncs_after_a_central_restore(desks):
    from app.sync import client as client_mod
    from app.sync.central import new_epoch

    a, b = desks("mdt_zhangmin"), desks("mdt_wangfang")
    case_id = cases.intake_work_order(a.ws, complaint_form())[0]
    doc_id = ready_agreement(a.ws, case_id)
    documents.finalize(a.ws, doc_id)
    issued = documents.get_document(a.ws, doc_id)
    a.sync(), b.sync()
    new_epoch(a.central.admin())  # the central database was restored from a backup
    if a.central.kind == "postgresql":
        # The restored copy gives the document's fields back in PostgreSQL's own JSON
        # spacing (as a central import of a store, or a dump, can): the same values.
        with a.central.admin().begin() as conn:
            conn.execute(text("ALTER TABLE documents DISABLE TRIGGER USER"))
            conn.execute(text("UPDATE documents SET fields = CAST(CAST(fields AS jsonb) AS json) "
                              "WHERE id = :id"), {"id": doc_id})
            conn.execute(text("ALTER TABLE documents ENABLE TRIGGER USER"))
    # Every row of the office is compared again; an issued document is the same on both
    # sides and is left as it is (rewriting it would be refused: it never changes).
    for desk in (a, b):
        report = desk.sync()
        assert report.resync == client_mod.ResyncReason.EPOCH
        kept = documents.get_document(desk.ws, doc_id)
        assert (kept.state.value, kept.number, kept.content_sha256) == \
            ("final", issued.number, issued.content_sha256)
