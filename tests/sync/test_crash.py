"""kill -9 of a workstation at each crash point loses nothing and applies nothing twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.services import cases
from app.store.models import Case, SyncMutation, SyncOutbox
from app.sync.client import CRASH_ENV, CURSOR_KEY
from app.sync.local import get_meta
from tests.conftest import complaint_form
from tests.sync.conftest import Desk

ROOT = Path(__file__).resolve().parents[2]


def _child(desk: Desk, action: str, *args: str, crash_at: str | None = None):
    config, password = desk.central.config(desk.login)
    env = dict(os.environ)
    env.pop(CRASH_ENV, None)
    if crash_at:
        env[CRASH_ENV] = crash_at
    return subprocess.run(
        [sys.executable, "-m", "tests.sync.crash_child", str(desk.path), config.url,
         password or "", desk.login, action, *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def _central_titles(central, case_id):
    with central.admin().connect() as conn:
        return conn.execute(select(Case.title).where(Case.id == case_id)).scalar_one()


@pytest.mark.parametrize("crash_at", ["after_local_write", "push.before_commit",
                                      "push.after_commit", "pull.mid_apply"])
@pytest.mark.slow
def test_kill_9_at_each_crash_point_loses_nothing(central, tmp_path, crash_at):
    a = Desk(central, "mdt_zhangmin", tmp_path / "a")
    b = Desk(central, "mdt_wangfang", tmp_path / "b")
    case_id, _ = cases.intake_work_order(a.ws, complaint_form())
    a.sync(), b.sync()
    if crash_at == "after_local_write":
        a.close()
        out = _child(a, "write", str(case_id), "写完就断电")
    else:
        cases.update_case(a.ws, case_id, {"title": "写完就断电"})
        if crash_at == "pull.mid_apply":
            a.sync()
            cases.update_case(b.ws, case_id, {"request": "乙在别处改的"})
            b.sync()
        a.close()
        out = _child(a, "sync", crash_at=crash_at)
    assert out.returncode == -signal.SIGKILL, out.stderr
    # The workstation comes back: its work is there, and a sync completes it once.
    a = Desk(central, "mdt_zhangmin", tmp_path / "a", first_sync=False)
    with a.store.sessions() as s:
        assert s.get(Case, case_id).title == "写完就断电"
        before_cursor = get_meta(s.connection(), CURSOR_KEY)
        pending = s.scalar(select(func.count()).select_from(SyncOutbox))
    if crash_at in ("after_local_write", "push.before_commit", "push.after_commit"):
        assert pending > 0  # the unacknowledged change is still queued
    assert before_cursor is not None
    a.sync()
    assert a.client.pending_count() == 0
    assert _central_titles(central, case_id) == "写完就断电"
    with central.admin().connect() as conn:
        applied = conn.execute(select(func.count()).select_from(SyncMutation)
                               .where(SyncMutation.row_id == case_id)).scalar_one()
        version = conn.execute(select(Case.version).where(Case.id == case_id)).scalar_one()
    # Each mutation of the case applied once: one version step per mutation.
    assert version == applied
    b.sync()
    with b.store.sessions() as s:
        assert s.get(Case, case_id).title == "写完就断电"
    if crash_at == "pull.mid_apply":
        with a.store.sessions() as s:
            assert s.get(Case, case_id).request == "乙在别处改的"
    a.close()
    b.close()
