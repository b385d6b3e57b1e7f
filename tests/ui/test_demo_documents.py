"""A demo store shows its documents the way a mediator's own look: the 文书 tab of a case
whose agreement was voided and reissued lists both versions, numbered, and previews the
standing one from its frozen fields."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, datetime

import pytest

from app.demo.generator import generate_demo_data
from app.services.reference import open_workstation
from app.store.database import open_store
from tests.ui.test_documents_tab import lines, open_tab

REFERENCE_NOW = datetime(2026, 11, 20, 6, 30, tzinfo=UTC)


@pytest.fixture
def demo_ws(tmp_path):
    store = open_store(tmp_path / "demo")
    generate_demo_data(store, 400, seed=5, now=REFERENCE_NOW, login="zhangmin",
                       chunk_cases=150, workers=1)
    ws = open_workstation(store, login="zhangmin")
    ws.now = lambda: REFERENCE_NOW
    yield ws
    store.close()


def test_the_documents_tab_lists_a_demo_case_documents(qtbot, demo_ws, runner):
    con = sqlite3.connect(demo_ws.store.path)
    case_hex, old, new = con.execute("""SELECT n.case_id, v.number, n.number FROM documents n
        JOIN documents v ON v.id = n.supersedes_id LIMIT 1""").fetchone()
    con.close()
    tab = open_tab(qtbot, demo_ws, runner, uuid.UUID(case_hex))
    try:
        shown = lines(tab)
        assert any(old in line and "作废原因" in line for line in shown), shown
        assert any(new in line and "第2版" in line for line in shown), shown
        assert tab.list.count() >= 2
    finally:
        tab.close_editors()
