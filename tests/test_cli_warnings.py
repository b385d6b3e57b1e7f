"""`mediation-desk warnings`: the office's warnings as 视图 → 预警 lists them."""

from __future__ import annotations

from datetime import timedelta

from app.services import cases
from app.services.reference import open_workstation
from app.store.database import open_store
from tests.conftest import complaint_form
from tests.test_cli_calendar import run


def test_warnings_are_listed_and_rechecked(tmp_path):
    store = open_store(tmp_path / "data")
    ws = open_workstation(store)
    cases.intake_work_order(ws, complaint_form(
        received_at=ws.now() - timedelta(hours=1), description="老板跑路了"))
    store.close()
    out = run("warnings", "--recheck", "--data-dir", str(tmp_path / "data"))
    assert out.returncode == 0, out.stderr.decode()
    lines = out.stdout.decode().splitlines()
    assert lines[0] == "rechecked: 0 raised, 0 grown"  # intake raised it already
    assert lines[1].split("\t")[:4] == ["未确认", "敏感关键词", "上海悦动健身管理有限公司", "1 件"]
    assert lines[-1] == "1 warnings, 1 open"
