"""The hot-words index kept current where cases are written, caught up where missing,
and the counts per period and scope (hand-checked)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select, update

from app.services import cases, hot_words
from app.services.hot_words import HotWord, HotWordScope
from app.store import migrate
from app.store.database import open_store
from app.store.models import Case, CaseWord, CaseWordDoc, Mediator
from tests.conftest import complaint_form

FIRST, LAST = date(2026, 2, 16), date(2026, 3, 1)  # 14 days; before: 2 Feb … 15 Feb


def china(day: str, hhmm: str = "09:30") -> datetime:
    """A China-time moment as UTC."""
    local = datetime.fromisoformat(f"{day}T{hhmm}:00+08:00")
    return local.astimezone(UTC)


def intake(ws, description: str, received: datetime, mediator: uuid.UUID | None = None,
           ticket: str | None = None) -> uuid.UUID:
    case_id, _ = cases.intake_work_order(ws, complaint_form(
        description=description, request="", received_at=received,
        source_ticket=ticket or uuid.uuid4().hex[:16]))
    if mediator is not None:
        with ws.store.unit_of_work() as s:
            s.execute(update(Case).where(Case.id == case_id).values(mediator_id=mediator))
    return case_id


@pytest.fixture
def colleague(ws) -> uuid.UUID:
    with ws.store.unit_of_work() as s:
        m = Mediator(office_id=ws.actor.office_id, name="王芳", login="wangfang",
                     modified_by="test")
        s.add(m)
        s.flush()
        return m.id


@pytest.fixture
def month(ws, colleague):
    me = ws.actor.mediator_id
    return {
        "A": intake(ws, "健身房跑路，预付卡退费难", china("2026-03-01"), me),
        "B": intake(ws, "健身房关门跑路，预付卡无法使用", china("2026-02-20"), colleague),
        "C": intake(ws, "预付卡退费难", china("2026-02-10"), me),
        # one minute either side of midnight in China (15:59 and 16:01 UTC)
        "D1": intake(ws, "老板跑路", china("2026-02-15", "23:59"), me),
        "D2": intake(ws, "老板跑路", china("2026-02-16", "00:01"), me),
        "E": intake(ws, "预付卡跑路", china("2026-01-01"), me),
    }


def counts(ws, scope=hot_words.EVERYTHING) -> dict[str, tuple[int, int]]:
    return {w.word: (w.cases, w.previous) for w in hot_words.hot_words(ws, FIRST, LAST, scope)}


def test_words_are_indexed_at_intake_and_counted_per_period(ws, month):
    found = counts(ws)
    assert found["跑路"] == (3, 1)  # A, B, D2 — before: D1
    assert found["预付卡"] == (2, 1)  # A, B — before: C
    assert found["退费难"] == (1, 1)
    assert found["健身房"] == (2, 0)
    assert found["老板"] == (1, 1)
    assert "消费者" not in found and "商家" not in found
    ranked = hot_words.hot_words(ws, FIRST, LAST)
    assert ranked[0] == HotWord("跑路", 3, 1)
    assert [w.cases for w in ranked] == sorted((w.cases for w in ranked), reverse=True)
    assert len(hot_words.hot_words(ws, FIRST, LAST, limit=2)) == 2


def test_a_word_only_in_the_previous_period_is_not_hot_now(ws, month):
    cases.update_case(ws, month["A"], {"title": "健身房跑路", "description": "健身房跑路"})
    assert "退费难" not in counts(ws)  # only C has it, before the period
    found = {w.word for w in hot_words.hot_words(ws, date(2026, 2, 2), date(2026, 2, 15))}
    assert found >= {"跑路", "预付卡", "退费难", "老板"}
    assert "健身房" not in found


def test_scope_me_a_mediator_and_the_office(ws, month, colleague):
    mine = counts(ws, HotWordScope.me(ws))
    assert mine["跑路"] == (2, 1)  # A, D2 — before: D1
    assert mine["预付卡"] == (1, 1)  # A — before: C
    assert mine["健身房"] == (1, 0)
    theirs = counts(ws, HotWordScope.mediator(colleague))
    assert theirs["跑路"] == (1, 0) and theirs["关门"] == (1, 0)
    assert "老板" not in theirs
    assert counts(ws, HotWordScope.office(ws.actor.office_id)) == counts(ws)
    assert counts(ws, HotWordScope.office(uuid.uuid4())) == {}


def test_the_cases_behind_a_word(ws, month, colleague):
    assert set(hot_words.cases_with_word(ws, "跑路", FIRST, LAST)) == {
        month["A"], month["B"], month["D2"]}
    assert set(hot_words.cases_with_word(ws, "跑路", FIRST, LAST, HotWordScope.me(ws))) == {
        month["A"], month["D2"]}
    # the query the queue can take as a filter: Case.id IN (…)
    query = hot_words.cases_with_word_query("预付卡", FIRST, LAST,
                                            HotWordScope.mediator(colleague))
    with ws.store.sessions() as s:
        assert s.scalars(select(Case.source_ticket).where(Case.id.in_(query))).all() == [
            s.get(Case, month["B"]).source_ticket]


def test_an_edit_replaces_the_cases_words(ws, month):
    cases.update_case(ws, month["A"], {"title": "卷款停业",
                                       "description": "商家卷款，门店停业"})
    found = counts(ws)
    assert found["跑路"] == (2, 1)  # B, D2 — before: D1
    assert found["卷款"] == (1, 0) and found["停业"] == (1, 0)
    assert found["健身房"] == (1, 0)
    assert "退费难" not in found  # only C had it then, and not in this period
    assert month["A"] not in hot_words.cases_with_word(ws, "健身房", FIRST, LAST)
    # an edit of another field leaves the words alone
    cases.update_case(ws, month["A"], {"region": "花木街道"})
    assert counts(ws) == found


def test_a_tombstone_loses_its_words(ws, month):
    with ws.store.unit_of_work() as s:
        s.execute(update(Case).where(Case.id == month["B"]).values(deleted=True))
    with ws.store.engine.begin() as conn:  # as a sync pull applies it
        hot_words.index_cases(conn, [month["B"]])
    assert counts(ws)["跑路"] == (2, 1)
    assert "关门" not in counts(ws)


def _drop_entries(ws, ids) -> None:
    with ws.store.unit_of_work() as s:
        docs = select(CaseWordDoc.doc).where(CaseWordDoc.case_id.in_(ids))
        s.execute(CaseWord.__table__.delete().where(CaseWord.doc.in_(docs)))
        s.execute(CaseWordDoc.__table__.delete().where(CaseWordDoc.case_id.in_(ids)))


def _docs(ws) -> dict[uuid.UUID, int]:
    with ws.store.sessions() as s:
        return {r[0]: r[1] for r in s.execute(select(CaseWordDoc.case_id, CaseWordDoc.doc))}


def test_catch_up_segments_only_the_cases_missing(ws, month):
    before = counts(ws)
    _drop_entries(ws, [month["A"], month["B"]])
    kept = _docs(ws)
    assert hot_words.index_state(ws.store).complete is False
    seen = []
    result = hot_words.catch_up(ws.store, progress=lambda d, t: seen.append((d, t)))
    assert (result.cases, result.complete) == (2, True)
    assert seen[-1] == (2, 2)
    assert counts(ws) == before
    # the others kept their entries as they were
    assert {k: v for k, v in _docs(ws).items() if k in kept} == kept
    assert hot_words.index_state(ws.store).complete
    assert hot_words.catch_up(ws.store).cases == 0


def test_catch_up_stops_between_batches_and_resumes(ws, month):
    before = counts(ws)
    _drop_entries(ws, list(month.values()))
    asked = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 2  # after two batches

    first = hot_words.catch_up(ws.store, batch=2, cancelled=cancelled)
    assert (first.cases, first.complete) == (4, False)
    assert hot_words.index_state(ws.store).indexed == 4
    second = hot_words.catch_up(ws.store, batch=2)
    assert (second.cases, second.complete) == (2, True)
    assert counts(ws) == before


def test_other_word_lists_make_catch_up_segment_again(ws, month):
    from app.core.hot_words import Lexicon, Segmenter

    segmenter = Segmenter(Lexicon.shipped().with_additions(stop_words=["跑路"]))
    assert hot_words.index_state(ws.store, segmenter).indexed == 0
    assert hot_words.catch_up(ws.store, segmenter=segmenter).cases == len(month)
    assert "跑路" not in {w.word for w in hot_words.hot_words(ws, FIRST, LAST)}


def test_a_store_made_before_the_index_gets_it_by_catch_up(ws, month, tmp_path):
    before = counts(ws)
    store = ws.store
    migrate.downgrade(store.engine, "0014")
    folder = store.path.parent
    store.close()
    upgraded = open_store(folder)
    try:
        with upgraded.sessions() as s:
            assert s.scalar(select(func.count()).select_from(CaseWordDoc)) == 0
        state = hot_words.index_state(upgraded)
        assert (state.indexed, state.cases, state.complete) == (0, len(month), False)
        assert hot_words.hot_words(upgraded, FIRST, LAST) == []
        assert hot_words.catch_up(upgraded).cases == len(month)
        assert {w.word: (w.cases, w.previous)
                for w in hot_words.hot_words(upgraded, FIRST, LAST)} == before
    finally:
        upgraded.close()


def test_an_intake_beside_the_catch_up_gets_its_own_entry(ws, month):
    """The catch-up cuts a batch, then writes it; a work order taken in meanwhile (the
    write lane does not wait for the background) must not collide with it."""
    from app.core.hot_words import Segmenter

    class IntakeMeanwhile(Segmenter):
        def __init__(self) -> None:
            super().__init__()
            self.taken: list[uuid.UUID] = []

        def case_words(self, *args, **kwargs):
            if not self.taken:
                self.taken.append(intake(ws, "电梯困人", china("2026-02-25")))
            return super().case_words(*args, **kwargs)

    _drop_entries(ws, list(month.values()))
    segmenter = IntakeMeanwhile()
    assert hot_words.catch_up(ws.store, segmenter=segmenter).complete
    assert hot_words.index_state(ws.store).complete
    assert counts(ws)["电梯"] == (1, 0)
    assert counts(ws)["跑路"] == (3, 1)
    assert len(set(_docs(ws).values())) == len(month) + 1


def test_the_parties_names_are_no_hot_words(ws):
    case_id = intake(ws, "李秀英在上海悦动健身管理有限公司办的年卡，现在跑路了",
                     china("2026-02-20"))
    found = counts(ws)
    assert "李秀英" not in found and "悦动" not in found and "管理" not in found
    assert found["跑路"] == (1, 0) and found["年卡"] == (1, 0)
    # the complainant's name changed: the text is cut again without the new name
    # (李秀), so what is left of the old one (英在) shows that it was
    with ws.store.sessions() as s:
        from app.store.models import Party

        party = s.scalars(select(Party).where(Party.case_id == case_id,
                                              Party.name == "李秀英")).one()
    cases.update_party(ws, party.id, {"name": "李秀"})
    assert "英在" in counts(ws)
