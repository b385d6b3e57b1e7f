"""Stored values of the core enums: migration 0009 gives satisfaction one spelling, and
EnumText columns read members back and write legacy spellings canonically."""

from __future__ import annotations

import sqlite3

from sqlalchemy import select

from app.core.follow_ups import Satisfaction
from app.core.parties import PartyRole
from app.demo.generator import generate_demo_data
from app.services.audit_verify import verify_store
from app.store import migrate
from app.store.database import STORE_FILENAME, open_store
from app.store.models import Case, FollowUp, Party


def test_a_demo_store_saying_neutral_says_average_after_the_upgrade(tmp_path):
    store = open_store(tmp_path)
    generate_demo_data(store, 300, seed=3, workers=1, chunk_cases=100)
    migrate.downgrade(store.engine, "0008")  # the schema of the revision before 0009
    store.close()
    # As an older generator wrote it, at the revision before this one.
    with sqlite3.connect(tmp_path / STORE_FILENAME) as raw:
        raw.execute("UPDATE cases SET satisfaction = 'neutral' WHERE satisfaction = 'average'")
        raw.execute("UPDATE follow_ups SET satisfaction = 'neutral' "
                    "WHERE satisfaction = 'average'")
        before = raw.execute("SELECT (SELECT count(*) FROM cases WHERE satisfaction = 'neutral')"
                             " + (SELECT count(*) FROM follow_ups "
                             "WHERE satisfaction = 'neutral')").fetchone()[0]
    assert before > 0

    store = open_store(tmp_path)  # runs 0009
    try:
        with sqlite3.connect(tmp_path / STORE_FILENAME) as raw:
            spelled = {v for (v,) in raw.execute(
                "SELECT satisfaction FROM cases UNION SELECT satisfaction FROM follow_ups")}
            outbox = raw.execute("SELECT count(*) FROM sync_outbox").fetchone()[0]
        assert spelled - {None} <= {s.value for s in Satisfaction}
        assert "average" in spelled
        assert outbox == 0  # a local normalisation, not a change to send
        assert verify_store(store).intact  # audit rows were left as written
    finally:
        store.close()


def test_enum_columns_read_members_and_store_legacy_spellings_canonically(tmp_path):
    store = open_store(tmp_path)
    generate_demo_data(store, 60, seed=5, workers=1)
    try:
        with store.sessions() as s:
            party = s.scalars(select(Party).limit(1)).one()
            assert isinstance(party.role, PartyRole)
            follow = s.scalars(select(FollowUp).limit(1)).one()
            assert isinstance(follow.satisfaction, Satisfaction)
            case_id = follow.case_id
        # A row pulled from an old workstation's central copy, written through Core.
        with store.engine.begin() as conn:
            conn.execute(FollowUp.__table__.update().where(FollowUp.case_id == case_id)
                         .values(satisfaction="neutral"))
            conn.execute(Case.__table__.update().where(Case.id == case_id)
                         .values(satisfaction="neutral"))
        with sqlite3.connect(tmp_path / STORE_FILENAME) as raw:
            assert raw.execute("SELECT count(*) FROM follow_ups WHERE satisfaction = 'neutral'"
                               ).fetchone()[0] == 0
            assert raw.execute("SELECT satisfaction FROM cases WHERE id = ?",
                               (case_id.hex,)).fetchone()[0] == "average"
        # A value from a newer version is kept as it came, and read back as text.
        with store.engine.begin() as conn:
            conn.execute(FollowUp.__table__.update().where(FollowUp.case_id == case_id)
                         .values(satisfaction="delighted"))
        with store.sessions() as s:
            assert s.scalars(select(FollowUp.satisfaction).where(
                FollowUp.case_id == case_id)).first() == "delighted"
    finally:
        store.close()
