"""条款库: the built-in clauses and the office's own in one list; an office clause is
checked before anything is saved, audited when saved or deleted, deleted as a
tombstone that syncs, and its blanks are the placeholders in its text. (The words a
refusal is shown in: tests/ui/test_clause_library.py.)"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from app.core import clauses as core
from app.core.phrases import PhraseKind
from app.documents import wording
from app.services import clauses, sessions
from app.services.clauses import ClauseField, ClauseInput, ClauseProblem, ClauseRefused
from app.store.models import AuditEvent, Phrase, SyncOutbox
from app.sync import capture

GOOD = ClauseInput("分期退款", "{payer}于{deadline}前向{payee}分两期退还{amount}。")


def office_rows(ws) -> list[Phrase]:
    with ws.store.unit_of_work() as s:
        rows = list(s.scalars(select(Phrase).where(Phrase.kind == "clause")))
        s.expunge_all()
    return rows


def audit_of(ws, row_id: uuid.UUID) -> list[tuple[str, dict]]:
    with ws.store.unit_of_work() as s:
        return [(e.action, e.changes) for e in s.scalars(
            select(AuditEvent).where(AuditEvent.entity == "phrases",
                                     AuditEvent.entity_id == row_id)
            .order_by(AuditEvent.chain_seq))]


def test_the_library_lists_the_builtins_then_the_offices_own(ws):
    library = clauses.clause_library(ws)
    assert [c.title for c in library] == [c.title for c in wording.CLAUSES]
    assert all(c.builtin and c.id is None for c in library)
    refund = library[0]
    assert refund.key == "builtin:refund" and refund.blanks == ("payer", "payee", "amount",
                                                                "deadline")

    clause_id, changes = clauses.save_clause(ws, GOOD)
    assert changes.clauses and not changes.phrases
    (mine,) = [c for c in clauses.clause_library(ws) if not c.builtin]
    assert (mine.id, mine.title, mine.text) == (clause_id, "分期退款", GOOD.text)
    # The blanks are the placeholders of the text, in the order the fill-in form asks.
    assert mine.blanks == ("payer", "payee", "amount", "deadline")
    template = mine.template()
    assert (template.key, template.title, template.blanks) == (clause_id.hex, "分期退款",
                                                               mine.blanks)
    assert wording.fill_clause(template, payer="甲公司", payee="李秀英") == (
        "甲公司于____前向李秀英分两期退还____。")
    # Not among the session phrases and templates, and not theirs to change.
    assert all(p.kind is not PhraseKind.CLAUSE for p in sessions.office_phrases(ws))
    with pytest.raises(sessions.SessionNotFound):
        sessions.delete_phrase(ws, clause_id)


def test_a_clause_is_changed_and_deleted_each_step_audited_and_synced(ws):
    capture.install(ws.store.sessions)
    try:
        clause_id, _ = clauses.save_clause(ws, GOOD)
        clauses.save_clause(ws, ClauseInput("分期退款", "{payer}分两期向{payee}退还{amount}。"),
                            clause_id)
        (mine,) = clauses.office_clauses(ws)
        assert mine.version == 2 and mine.blanks == ("payer", "payee", "amount")
        clauses.save_clause(ws, ClauseInput(" 分期退款 ", mine.text), clause_id)  # no change
        assert clauses.office_clauses(ws)[0].version == 2
        clauses.delete_clause(ws, clause_id)
        assert clauses.office_clauses(ws) == []
        with pytest.raises(clauses.ClauseNotFound):
            clauses.save_clause(ws, GOOD, clause_id)
        with ws.store.unit_of_work() as s:
            ops = [o.op for o in s.scalars(select(SyncOutbox).where(
                SyncOutbox.table_name == "phrases"))]
    finally:
        capture.uninstall(ws.store.sessions)
    (row,) = office_rows(ws)
    assert row.deleted and row.office_id == ws.actor.office_id  # a tombstone that syncs
    assert ops == ["insert", "update", "update"]
    events = audit_of(ws, clause_id)
    assert [action for action, _ in events] == ["create", "update", "delete"]
    assert events[0][1]["title"] == [None, "分期退款"] and events[0][1]["kind"] == [None,
                                                                                  "clause"]
    assert events[1][1] == {"body": [GOOD.text, "{payer}分两期向{payee}退还{amount}。"]}
    assert events[2][1] == {"deleted": [False, True]}


def test_phrases_are_audited_too(ws):
    phrase_id, _ = sessions.save_phrase(ws, sessions.PhraseInput(
        PhraseKind.PHRASE, "会员卡冻结", "经核实，会员卡已被冻结。"))
    sessions.delete_phrase(ws, phrase_id)
    assert [a for a, _ in audit_of(ws, phrase_id)] == ["create", "delete"]


@pytest.mark.parametrize(("data", "problems", "unknown"), [
    (ClauseInput("", GOOD.text), {ClauseField.TITLE: ClauseProblem.EMPTY}, ""),
    (ClauseInput("  ", "  "), {ClauseField.TITLE: ClauseProblem.EMPTY,
                               ClauseField.TEXT: ClauseProblem.EMPTY}, ""),
    (ClauseInput("条" * 41, GOOD.text), {ClauseField.TITLE: ClauseProblem.TOO_LONG}, ""),
    (ClauseInput("长", "款" * 1001), {ClauseField.TEXT: ClauseProblem.TOO_LONG}, ""),
    (ClauseInput("未知填空", "{payer}于{foo}前退还{bar}。"),
     {ClauseField.TEXT: ClauseProblem.UNKNOWN_BLANK}, "{foo}"),
    (ClauseInput("空填空", "{payer}于{}前退还。"),
     {ClauseField.TEXT: ClauseProblem.UNKNOWN_BLANK}, "{}"),
    (ClauseInput("缺右括号", "{payer于期限前退还。"),
     {ClauseField.TEXT: ClauseProblem.UNBALANCED}, ""),
    (ClauseInput("多右括号", "{payer}}于期限前退还。"),
     {ClauseField.TEXT: ClauseProblem.UNBALANCED}, ""),
    (ClauseInput("套括号", "{{payer}}于期限前退还。"),
     {ClauseField.TEXT: ClauseProblem.UNBALANCED}, ""),
])
def test_bad_input_is_refused_field_by_field_and_nothing_saved(ws, data, problems, unknown):
    with pytest.raises(ClauseRefused) as caught:
        clauses.save_clause(ws, data)
    assert caught.value.problems == problems and caught.value.unknown == unknown
    assert office_rows(ws) == []
    with ws.store.unit_of_work() as s:
        assert s.scalars(select(AuditEvent).where(AuditEvent.entity == "phrases")).all() == []


def test_the_limits_are_inclusive(ws):
    clauses.save_clause(ws, ClauseInput("条" * core.TITLE_MAX, "款" * core.TEXT_MAX))
    assert len(office_rows(ws)) == 1


def test_a_title_the_office_has_is_refused_and_a_deleted_one_is_free(ws):
    first, _ = clauses.save_clause(ws, GOOD)
    with pytest.raises(ClauseRefused) as caught:
        clauses.save_clause(ws, ClauseInput(" 分期退款", "另一条。"))
    assert caught.value.problems == {ClauseField.TITLE: ClauseProblem.DUPLICATE}
    # Both fields at once, and a change of a clause keeps its own title.
    with pytest.raises(ClauseRefused) as caught:
        clauses.save_clause(ws, ClauseInput("分期退款", "{foo}"))
    assert caught.value.problems == {ClauseField.TITLE: ClauseProblem.DUPLICATE,
                                     ClauseField.TEXT: ClauseProblem.UNKNOWN_BLANK}
    clauses.save_clause(ws, ClauseInput("分期退款", "改过的正文。"), first)
    second, _ = clauses.save_clause(ws, ClauseInput("保密（本所）", "双方保密。"))
    with pytest.raises(ClauseRefused):
        clauses.save_clause(ws, ClauseInput("分期退款", "双方保密。"), second)
    assert len(office_rows(ws)) == 2
    clauses.delete_clause(ws, first)
    clauses.save_clause(ws, ClauseInput("分期退款", "重新写的。"))
    assert sorted(c.title for c in clauses.office_clauses(ws)) == ["保密（本所）", "分期退款"]


def test_another_offices_clause_is_neither_listed_nor_changed(ws):
    from app.store.models import Office

    with ws.store.unit_of_work() as s:
        other = Office(code="PD99", name="花木市场监管所", modified_by="test")
        s.add(other)
        s.flush()
        row = Phrase(office_id=other.id, kind="clause", title="别所的条款", body="正文。",
                     modified_by="test")
        s.add(row)
        s.flush()
        row_id = row.id
    assert clauses.office_clauses(ws) == []
    with pytest.raises(clauses.ClauseNotFound):
        clauses.delete_clause(ws, row_id)
    with pytest.raises(clauses.ClauseNotFound):
        clauses.save_clause(ws, GOOD, row_id)
    clauses.save_clause(ws, ClauseInput("别所的条款", "本所也可以用这个标题。"))


def test_a_builtin_is_copied_as_an_office_clause_under_a_free_title(ws):
    first, changes = clauses.copy_builtin(ws, "builtin:refund")
    assert changes.clauses
    second, _ = clauses.copy_builtin(ws, "builtin:refund")
    mine = {c.id: c for c in clauses.office_clauses(ws)}
    refund = wording.CLAUSES[0]
    assert (mine[first].title, mine[first].text) == ("退款", refund.text)
    assert mine[second].title == "退款（2）"
    assert mine[first].blanks == refund.blanks
    with pytest.raises(clauses.ClauseNotFound):
        clauses.copy_builtin(ws, "builtin:nothing")
