"""新建工单's draft (issue 16, item 1): kept per user on this computer, replaced by the
next one, forgotten on discard; a draft that cannot be read is no draft."""

from __future__ import annotations

from app.services import intake_drafts
from app.services.reference import open_workstation
from app.store.models import LocalMeta
from tests.conftest import FIXED_NOW


def test_a_draft_is_kept_per_user_and_replaced_by_the_next(ws, store):
    intake_drafts.save_intake_draft(ws, {"complainant.name": "周晓梅", "urgency": 1,
                                         "received_at": "2026-03-02T09:07:00"})
    draft = intake_drafts.load_intake_draft(ws)
    assert draft.values == {"complainant.name": "周晓梅", "urgency": 1,
                            "received_at": "2026-03-02T09:07:00"}
    assert draft.saved_at == FIXED_NOW
    other = open_workstation(store, login="lisi")
    assert intake_drafts.load_intake_draft(other) is None
    intake_drafts.save_intake_draft(ws, {"complainant.name": "李秀英"})
    assert intake_drafts.load_intake_draft(ws).values == {"complainant.name": "李秀英"}
    intake_drafts.discard_intake_draft(ws)
    assert intake_drafts.load_intake_draft(ws) is None
    intake_drafts.discard_intake_draft(ws)  # nothing kept: nothing to do


def test_a_damaged_draft_is_no_draft(ws):
    intake_drafts.save_intake_draft(ws, {"complainant.name": "周晓梅"})
    with ws.store.unit_of_work() as session:
        row = session.get(LocalMeta, "intake_draft:zhangmin")
        row.value = "{not json"
    assert intake_drafts.load_intake_draft(ws) is None
    intake_drafts.save_intake_draft(ws, {"complainant.name": "王五"})  # and is replaced
    assert intake_drafts.load_intake_draft(ws).values["complainant.name"] == "王五"


def test_a_long_login_still_has_its_own_draft(store):
    long_login = "x" * 60
    ws = open_workstation(store, login=long_login)
    ws.now = lambda: FIXED_NOW
    intake_drafts.save_intake_draft(ws, {"description": "预付卡"})
    assert intake_drafts.load_intake_draft(ws).values == {"description": "预付卡"}
