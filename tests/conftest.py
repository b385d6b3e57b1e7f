"""Fixtures shared by the store and service tests (no Qt here)."""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The command line speaks the desktop's language (app/cli/common.speaks_chinese); the
# tests read its English lines, so a run on a Chinese desktop reads the same as CI's.
# Tests of the Chinese lines set their own locale (tests/test_cli_chinese.py).
os.environ["LC_ALL"] = "C.UTF-8"
# The app's log goes to this run's own folder, never the user's (subprocesses inherit it).
os.environ.setdefault("MEDIATION_DESK_LOG_DIR",
                      tempfile.mkdtemp(prefix="mediation-desk-test-logs-"))

from app.core.workflow import CaseKind, Source, Track
from app.services.dto import IntakeForm, PartyInput
from app.services.reference import open_workstation
from app.store.database import open_store
from tests.support.stores import copy_migrated_store

# A real PostgreSQL server for the central-database tests (started on first use).
pytest_plugins = ["tests.support.pg_fixtures"]

# A Monday in March 2026: far from holidays, so day counts in tests are easy to read.
FIXED_NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path):
    s = open_store(copy_migrated_store(tmp_path / "data"))
    yield s
    s.close()


@pytest.fixture
def ws(store):
    workstation = open_workstation(store, login="zhangmin")
    workstation.now = lambda: FIXED_NOW
    return workstation


def complaint_form(**overrides) -> IntakeForm:
    values = dict(
        track=Track.MARKET_COMPLAINT,
        kind=CaseKind.COMPLAINT,
        source=Source.HOTLINE_12315,
        source_ticket="1310115202603020001",
        received_at=datetime(2026, 3, 1, 1, 30, tzinfo=UTC),
        complainant=PartyInput(
            role="applicant", party_type="person", name="李秀英", phone="138 0013 5678",
            address="上海市浦东新区张杨路500号",
        ),
        respondent=PartyInput(
            role="respondent", party_type="business", name="上海悦动健身管理有限公司",
            address="上海市浦东新区世纪大道100号",
        ),
        description="预付健身卡5000元，门店突然关闭，要求退还剩余费用。",
        request="退还剩余预付款3200元",
        category="预付式消费",
        tags=("预付式消费", "群体性"),
        amount_claimed="3200",
    )
    values.update(overrides)
    return IntakeForm(**values)
