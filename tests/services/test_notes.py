"""Working notes and the contact log: what is recorded, the callback a contact promises,
and the callbacks that fall due."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.services import cases, notes, queue
from app.services.errors import CaseNotFound, FieldProblem, ValidationFailed
from app.services.notes import NoteKind
from app.services.queue import QueueQuery, QueueView
from app.store.models import LIVE, Case, Mediator, Note, SyncOutbox
from app.sync import capture
from tests.conftest import FIXED_NOW, complaint_form


@pytest.fixture
def case_id(ws):
    case_id, _ = cases.intake_work_order(ws, complaint_form())
    return case_id


def callback_due(ws, case_id):
    with ws.store.unit_of_work() as session:
        return session.get(Case, case_id).callback_due_at


def later(ws, minutes):
    """Move the workstation's clock on."""
    moved = FIXED_NOW + timedelta(minutes=minutes)
    ws.now = lambda: moved


def contact(ws, case_id, **overrides):
    values = dict(channel="phone", contact_with="李秀英", result="reached",
                  text="已说明门店情况，约定再联系。", callback_at=None)
    values.update(overrides)
    return notes.log_contact(ws, case_id, **values)


# ------------------------------------------------------------------ notes


def test_a_note_is_listed_with_its_author_and_time(ws, case_id):
    changes = notes.add_note(ws, case_id, "  与经营者电话沟通，对方同意退还部分费用。\n")
    assert changes.notes and changes.case_ids == {case_id}
    [note] = notes.list_notes(ws, case_id)
    assert note.kind is NoteKind.NOTE
    assert note.text == "与经营者电话沟通，对方同意退还部分费用。"
    # A user who has not given a name yet is known by the login they signed in with.
    assert note.author == "zhangmin" and note.author_name == (ws.actor.name or "zhangmin")
    assert note.created_at == FIXED_NOW


def test_notes_and_contacts_come_newest_first(ws, case_id):
    notes.add_note(ws, case_id, "第一条")
    later(ws, 5)
    contact(ws, case_id)
    later(ws, 10)
    notes.add_note(ws, case_id, "第三条")
    listed = notes.list_notes(ws, case_id)
    assert [n.kind for n in listed] == [NoteKind.NOTE, NoteKind.CONTACT, NoteKind.NOTE]
    assert listed[0].text == "第三条" and listed[2].text == "第一条"
    page = notes.notes_page(ws, case_id, limit=2)
    assert [n.text for n in page.notes] == ["第三条", listed[1].text] and page.more


@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_a_blank_note_is_refused(ws, case_id, text):
    with pytest.raises(ValidationFailed) as refused:
        notes.add_note(ws, case_id, text)
    assert refused.value.problems == {"text": FieldProblem.REQUIRED}
    assert notes.list_notes(ws, case_id) == []


def test_a_long_note_is_kept_up_to_the_limit(ws, case_id):
    notes.add_note(ws, case_id, "长" * notes.MAX_TEXT)
    assert len(notes.list_notes(ws, case_id)[0].text) == notes.MAX_TEXT
    with pytest.raises(ValidationFailed) as refused:
        notes.add_note(ws, case_id, "长" * (notes.MAX_TEXT + 1))
    assert refused.value.problems == {"text": FieldProblem.TOO_LONG}


def test_a_note_on_a_missing_case_is_refused(ws):
    import uuid

    with pytest.raises(CaseNotFound):
        notes.add_note(ws, uuid.uuid4(), "备注")


def test_notes_are_captured_for_sync(ws, case_id):
    capture.install(ws.store.sessions)  # as on a desk linked to the central database
    notes.add_note(ws, case_id, "备注")
    with ws.store.unit_of_work() as session:
        [note_id] = session.scalars(select(Note.id).where(Note.case_id == case_id))
        rows = session.scalars(select(SyncOutbox).where(SyncOutbox.table_name == "notes",
                                                        SyncOutbox.row_id == note_id)).all()
    assert [r.op for r in rows] == ["insert"]


def test_the_service_offers_no_way_to_change_a_note():
    assert not any(name.startswith(("edit", "update", "delete", "remove"))
                   for name in dir(notes))


# ------------------------------------------------------------------ the contact log


def test_a_contact_is_recorded_and_audited(ws, case_id):
    changes = contact(ws, case_id, channel="wechat", result="no_answer", text="")
    assert changes.notes and changes.history
    [entry] = notes.list_notes(ws, case_id)
    assert (entry.kind, entry.channel, entry.contact_with, entry.result) == (
        NoteKind.CONTACT, "wechat", "李秀英", "no_answer")
    history = cases.case_history(ws, case_id)
    assert history[-1].entity == "notes" and history[-1].action == "create:contact"


def test_a_contact_with_a_callback_sets_the_case_due_time(ws, case_id):
    due = FIXED_NOW + timedelta(hours=2)
    contact(ws, case_id, callback_at=due)
    assert callback_due(ws, case_id) == due
    assert notes.list_notes(ws, case_id)[0].callback_at == due


def test_a_later_contact_without_a_callback_settles_the_promise(ws, case_id):
    contact(ws, case_id, callback_at=FIXED_NOW + timedelta(hours=2))
    later(ws, 60)
    contact(ws, case_id, text="已回电，双方同意调解。")
    assert callback_due(ws, case_id) is None
    later(ws, 600)
    assert notes.due_callbacks(ws) == []


def test_a_callback_in_the_past_is_refused(ws, case_id):
    with pytest.raises(ValidationFailed) as refused:
        contact(ws, case_id, callback_at=FIXED_NOW - timedelta(minutes=1))
    assert refused.value.problems == {"callback_at": FieldProblem.INVALID_DATE}
    assert notes.list_notes(ws, case_id) == [] and callback_due(ws, case_id) is None


def test_a_contact_needs_a_known_channel_result_and_person(ws, case_id):
    with pytest.raises(ValidationFailed) as refused:
        notes.log_contact(ws, case_id, channel="fax", contact_with=" ", result="maybe",
                          text="")
    assert refused.value.problems == {"channel": FieldProblem.INVALID_CHOICE,
                                      "result": FieldProblem.INVALID_CHOICE,
                                      "contact_with": FieldProblem.REQUIRED}


def test_the_first_contact_that_reaches_someone_is_the_first_contact(ws, case_id):
    contact(ws, case_id, result="no_answer")
    with ws.store.unit_of_work() as session:
        assert session.get(Case, case_id).first_contact_at is None
    later(ws, 30)
    contact(ws, case_id)
    with ws.store.unit_of_work() as session:
        assert session.get(Case, case_id).first_contact_at == FIXED_NOW + timedelta(minutes=30)


# ------------------------------------------------------------------ due callbacks


def test_due_callbacks_lists_the_due_ones_and_not_future_ones(ws, case_id):
    other, _ = cases.intake_work_order(ws, complaint_form(source_ticket="1310115202603020002"))
    contact(ws, case_id, callback_at=FIXED_NOW + timedelta(hours=1))
    contact(ws, other, contact_with="悦动健身店长", callback_at=FIXED_NOW + timedelta(days=1))
    assert notes.due_callbacks(ws) == []
    # Shown a little before its time ...
    soon = notes.due_callbacks(ws, now=FIXED_NOW + timedelta(hours=1) - notes.CALLBACK_SOON)
    assert [c.case_id for c in soon] == [case_id]
    # ... and still once it is past.
    [due] = notes.due_callbacks(ws, now=FIXED_NOW + timedelta(hours=5))
    assert (due.case_id, due.source_ticket, due.contact_with, due.due_at) == (
        case_id, "1310115202603020001", "李秀英", FIXED_NOW + timedelta(hours=1))
    both = notes.due_callbacks(ws, now=FIXED_NOW + timedelta(days=2))
    assert [c.contact_with for c in both] == ["李秀英", "悦动健身店长"]


def test_due_callbacks_can_be_scoped_to_a_mediator(ws, case_id):
    with ws.store.unit_of_work() as session:
        colleague = Mediator(office_id=ws.actor.office_id, name="王芳", login="wangfang",
                             role="mediator", modified_by="test")
        session.add(colleague)
        session.flush()
        colleague_id = colleague.id
    cases.accept(ws, case_id)
    cases.assign(ws, case_id, colleague_id)
    contact(ws, case_id, callback_at=FIXED_NOW + timedelta(hours=1))
    at = FIXED_NOW + timedelta(hours=2)
    assert [c.case_id for c in notes.due_callbacks(ws, mediator_id=colleague_id, now=at)] == [
        case_id]
    assert notes.due_callbacks(ws, mediator_id=ws.actor.mediator_id, now=at) == []


def test_the_queue_view_lists_due_callbacks(ws, case_id):
    contact(ws, case_id, callback_at=FIXED_NOW + timedelta(hours=1))
    query = QueueQuery(view=QueueView.CALLBACKS)
    assert queue.count_cases(ws, query) == 0
    later(ws, 61)
    assert queue.view_counts(ws)[QueueView.CALLBACKS] == 1
    [row] = queue.fetch_cases(ws, query, 0, 10).rows
    assert row.id == case_id and row.callback_due_at == FIXED_NOW + timedelta(hours=1)


def test_the_queue_view_uses_the_callback_index(ws, case_id):
    contact(ws, case_id, callback_at=FIXED_NOW + timedelta(hours=1))
    query = select(func.count()).select_from(Case).where(
        LIVE, *notes.callback_conditions(FIXED_NOW, ws.actor.mediator_id))
    with ws.store.unit_of_work() as session:
        compiled = query.compile(session.get_bind())
        plan = " ".join(str(r) for r in session.connection().exec_driver_sql(
            "EXPLAIN QUERY PLAN " + compiled.string, (None,) * len(compiled.positiontup)))
    assert "ix_cases_callback_due" in plan


def test_refresh_callbacks_recomputes_the_column_from_the_notes(ws, case_id):
    due = FIXED_NOW + timedelta(hours=3)
    contact(ws, case_id, callback_at=due)
    with ws.store.unit_of_work() as session:  # as a bulk load would leave it
        session.get(Case, case_id).callback_due_at = None
    changes = notes.refresh_callbacks(ws, [case_id])
    assert changes.case_ids == {case_id} and callback_due(ws, case_id) == due
    assert notes.refresh_callbacks(ws, [case_id]).case_ids == frozenset()


def test_backfill_sets_the_column_of_a_bulk_loaded_store(ws, case_id):
    due = FIXED_NOW + timedelta(hours=3)
    contact(ws, case_id, callback_at=due)
    con = sqlite3.connect(ws.store.path)
    with con:
        con.execute("UPDATE cases SET callback_due_at = NULL")
    con.close()
    assert notes.backfill_callbacks(ws.store) == 1
    assert callback_due(ws, case_id) == due
