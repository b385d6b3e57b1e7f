"""A case that leaves this workstation's office (moved by the district, or a refused new
row) is taken out whole: nothing of it stays to be found or read here."""

from __future__ import annotations

from sqlalchemy import text

from app.services import cases, search
from app.store.models import Case
from app.sync.local import purge_rows
from app.sync.tables import synced_table
from tests.conftest import complaint_form


def test_a_purged_case_leaves_the_search_index_with_its_words(ws):
    gone, _ = cases.intake_work_order(ws, complaint_form(
        source_ticket="1310115202603020001", description="搬走的案件：健身卡退费纠纷"))
    kept, _ = cases.intake_work_order(ws, complaint_form(
        source_ticket="1310115202603020002", description="留下的案件：洗衣店损坏衣物"))
    with ws.store.sessions() as s:
        assert search.find_cases(s, "健身卡").case_ids == (gone,)
    with ws.store.unit_of_work() as s:
        purge_rows(s.connection(), synced_table("cases"), [gone])
    with ws.store.sessions() as s:
        assert s.get(Case, gone) is None
        assert search.find_cases(s, "健身卡").case_ids == ()
        assert search.find_cases(s, "洗衣店").case_ids == (kept,)
        # Not only unreachable: the words themselves are gone from the index.
        counts = s.execute(text("SELECT (SELECT count(*) FROM case_search), "
                                "(SELECT count(*) FROM case_search_keys)")).one()
        assert tuple(counts) == (1, 1)
