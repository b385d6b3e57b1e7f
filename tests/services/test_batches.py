"""Batch actions on a group's members (issue 17, item 2): members in a state the action
does not allow are listed with the reason and left as they are; the rest are acted on,
each in its own history; a cancel changes nobody; assignments and pauses can be undone."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import select

from app.core.errors import TransitionError
from app.core.users import UserRole
from app.core.workflow import Action, CaseStatus, Outcome, PauseReason
from app.services import batches, cases
from app.services.batches import BatchCancelled, BatchRequest, MemberClose, NothingToUndo
from app.services.errors import CaseNotFound, ClockError, ValidationFailed
from app.store.models import AuditEvent, Case, Mediator
from tests.conftest import complaint_form


def _cases(ws, n: int) -> list[uuid.UUID]:
    return [cases.intake_work_order(ws, complaint_form(source_ticket=f"B{i:04d}"))[0]
            for i in range(n)]


def _status(ws, ids):
    with ws.store.unit_of_work() as session:
        return [CaseStatus(session.get(Case, i).status) for i in ids]


def _actions(ws, case_id):
    with ws.store.unit_of_work() as session:
        return [e.action for e in session.scalars(
            select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.at))]


def _me(ws):
    return cases.list_mediators(ws)[0][0]


def _colleague(ws) -> uuid.UUID:
    with ws.store.unit_of_work() as session:
        person = Mediator(office_id=ws.actor.office_id, name="李秀英", login="lixiuying",
                          role=UserRole.MEDIATOR, modified_by="test")
        session.add(person)
        session.flush()
        return person.id


def test_accept_acts_on_the_members_that_allow_it_and_lists_the_rest(ws):
    ids = _cases(ws, 4)
    cases.accept(ws, ids[1])
    stranger = uuid.uuid4()
    seen = []
    result = batches.run_batch(ws, [*ids, stranger], BatchRequest(Action.ACCEPT),
                               progress=lambda done, total: seen.append((done, total)))
    assert result.done == (ids[0], ids[2], ids[3])
    assert isinstance(result.refused[ids[1]], TransitionError)  # already accepted: untouched
    assert isinstance(result.refused[stranger], CaseNotFound)
    assert _status(ws, ids) == [CaseStatus.ACCEPTED] * 4
    assert seen[-1] == (5, 5)
    # each member's own history has its own acceptance
    assert _actions(ws, ids[2]).count("transition:accept") == 1
    assert not result.undoable  # 受理 has no way back: the UI asks first


def test_a_cancelled_batch_changes_nobody(ws, monkeypatch):
    monkeypatch.setattr(batches, "PROGRESS_EVERY", 2)
    ids = _cases(ws, 5)
    asked = []

    def cancelled():
        asked.append(1)
        return len(asked) > 1  # after the first two members were accepted

    with pytest.raises(BatchCancelled):
        batches.run_batch(ws, ids, BatchRequest(Action.ACCEPT), cancelled=cancelled)
    assert _status(ws, ids) == [CaseStatus.RECEIVED] * 5
    assert all("transition:accept" not in _actions(ws, i) for i in ids)


def test_assign_then_undo_gives_each_member_back_its_state(ws):
    ids = _cases(ws, 3)
    batches.run_batch(ws, ids, BatchRequest(Action.ACCEPT))
    me = _me(ws)
    cases.assign(ws, ids[0], me)  # one already had its mediator
    with ws.store.unit_of_work() as session:
        before = {i: (session.get(Case, i).status, session.get(Case, i).mediator_id)
                  for i in ids}
    other = _colleague(ws)
    result = batches.run_batch(ws, ids, BatchRequest(Action.ASSIGN, mediator_id=other))
    assert set(result.done) == set(ids) and result.undoable
    assert batches.can_undo(ws) is Action.ASSIGN
    cases.start_mediation(ws, ids[2])  # changed since: its undo is refused, it stays
    undone = batches.undo_last_batch(ws)
    assert set(undone.done) == {ids[0], ids[1]}
    assert set(undone.refused) == {ids[2]}
    with ws.store.unit_of_work() as session:
        after = {i: (session.get(Case, i).status, session.get(Case, i).mediator_id)
                 for i in ids[:2]}
    assert after == {i: before[i] for i in ids[:2]}
    assert "undo:assign" in _actions(ws, ids[1])
    with pytest.raises(NothingToUndo):
        batches.undo_last_batch(ws)


def test_pause_refuses_the_paused_and_the_unaccepted_and_undo_resumes(ws):
    ids = _cases(ws, 3)
    batches.run_batch(ws, ids[:2], BatchRequest(Action.ACCEPT))
    cases.pause_clock(ws, ids[0], PauseReason.APPRAISAL)
    result = batches.run_batch(ws, ids, BatchRequest(
        Action.PAUSE, pause_reason=PauseReason.INSPECTION, reason="等待企业资产核查"))
    assert result.done == (ids[1],)
    assert isinstance(result.refused[ids[0]], ClockError)  # already paused
    assert isinstance(result.refused[ids[2]], TransitionError)  # not accepted yet
    undone = batches.undo_last_batch(ws)
    assert undone.done == (ids[1],)
    with ws.store.unit_of_work() as session:
        assert [session.get(Case, i).paused for i in ids] == [True, False, False]


def test_close_gives_each_member_its_own_outcome_and_amount(ws):
    ids = _cases(ws, 3)
    me = _me(ws)
    batches.run_batch(ws, ids, BatchRequest(Action.ACCEPT))
    batches.run_batch(ws, ids, BatchRequest(Action.ASSIGN, mediator_id=me))
    batches.run_batch(ws, ids, BatchRequest(Action.START_MEDIATION))
    result = batches.run_batch(ws, ids, BatchRequest(Action.CLOSE, closes={
        ids[0]: MemberClose(Outcome.SETTLED, "3200.50"),
        ids[1]: MemberClose(Outcome.SETTLED, "abc"),
    }))
    assert result.done == (ids[0],)
    assert isinstance(result.refused[ids[1]], ValidationFailed)  # a wrong amount
    assert isinstance(result.refused[ids[2]], ValidationFailed)  # no outcome given
    with ws.store.unit_of_work() as session:
        first = session.get(Case, ids[0])
        assert (first.status, first.outcome, first.amount_recovered_fen) == (
            "closed", "settled", 320_050)
        assert session.get(Case, ids[1]).status == "mediating"
    assert batches.can_undo(ws) is None


def test_a_pause_that_would_end_before_today_changes_nobody(ws):
    ids = _cases(ws, 2)
    batches.run_batch(ws, ids, BatchRequest(Action.ACCEPT))
    with pytest.raises(ValidationFailed) as caught:
        batches.run_batch(ws, ids, BatchRequest(Action.PAUSE, pause_reason=PauseReason.INSPECTION,
                                                expected_end=date(2026, 3, 1)))
    assert "expected_end" in caught.value.problems
    with ws.store.unit_of_work() as session:
        assert [session.get(Case, i).paused for i in ids] == [False, False]


def test_assign_needs_a_mediator_of_the_office(ws):
    ids = _cases(ws, 1)
    with pytest.raises(ValidationFailed):
        batches.run_batch(ws, ids, BatchRequest(Action.ASSIGN, mediator_id=uuid.uuid4()))


def test_a_notice_to_every_member_is_in_each_cases_contact_log(ws, monkeypatch):
    from app.services import notes
    from app.services.batches import Notice
    from app.services.notes import ContactChannel

    ids = _cases(ws, 3)
    stranger = uuid.uuid4()
    with pytest.raises(ValidationFailed):
        batches.send_notice(ws, ids, Notice(ContactChannel.SMS, "  "))
    result = batches.send_notice(ws, [*ids, stranger], Notice(
        ContactChannel.SMS, "悦动健身已承诺三十日内退款，请留意短信通知。"))
    assert result.done == tuple(ids) and isinstance(result.refused[stranger], CaseNotFound)
    for case_id in ids:
        [contact] = [n for n in notes.list_notes(ws, case_id) if n.kind == "contact"]
        assert (contact.channel, contact.text) == (
            "sms", "悦动健身已承诺三十日内退款，请留意短信通知。")
        assert "create:contact" in _actions(ws, case_id)
    monkeypatch.setattr(batches, "PROGRESS_EVERY", 1)
    asked = []
    with pytest.raises(BatchCancelled):
        batches.send_notice(ws, ids, Notice(ContactChannel.PHONE, "第二次通知"),
                            cancelled=lambda: asked.append(1) or len(asked) > 2)
    assert all(len([n for n in notes.list_notes(ws, i) if n.kind == "contact"]) == 1
               for i in ids)
