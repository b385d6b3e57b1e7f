"""The audit trail's hash chains: written by every writer of the store, and made for
rows that existed before the chain did (a store or a central database upgraded)."""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, select, text

from app.demo.generator import generate_demo_data
from app.services import cases
from app.services.audit_verify import verify_central, verify_store
from app.store import audit_chain, migrate
from app.store.database import STORE_FILENAME, make_engine, open_store
from app.store.models import AuditEvent
from tests.conftest import complaint_form

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def _old_rows(n: int, offices: list[uuid.UUID]) -> list[dict]:
    return [dict(id=uuid.uuid4(), version=1, modified_at=T0 + timedelta(minutes=i),
                 modified_by="zhangmin", deleted=False, at=T0 + timedelta(minutes=i),
                 actor="zhangmin", office_id=offices[i % len(offices)], case_id=uuid.uuid4(),
                 entity="cases", entity_id=uuid.uuid4(), action="update",
                 changes={"title": [f"旧{i}", f"新{i}"]}, reason="") for i in range(n)]


def _insert_old(engine, rows: list[dict]) -> None:
    columns = ("id", "version", "modified_at", "modified_by", "deleted", "at", "actor",
               "office_id", "case_id", "entity", "entity_id", "action", "changes", "reason")
    table = AuditEvent.__table__
    with engine.begin() as conn:
        conn.execute(table.insert(), [{c: r[c] for c in columns} for r in rows])


def test_a_store_from_before_the_chain_has_its_audit_rows_chained_on_upgrade(tmp_path):
    path = tmp_path / STORE_FILENAME
    engine = make_engine(path)
    migrate.upgrade(engine, "0007")
    rows = _old_rows(25, [uuid.uuid4()])
    # Written as the old version did: no chain columns.
    with sqlite3.connect(path) as raw:
        for r in rows:
            raw.execute("INSERT INTO audit_events (id, version, modified_at, modified_by, "
                        "deleted, at, actor, office_id, case_id, entity, entity_id, action, "
                        "changes, reason) VALUES (?, 1, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, '')",
                        (r["id"].hex, str(r["at"].replace(tzinfo=None)), r["actor"],
                         str(r["at"].replace(tzinfo=None)), r["actor"], r["office_id"].hex,
                         r["case_id"].hex, r["entity"], r["entity_id"].hex, r["action"],
                         json.dumps(r["changes"])))
    engine.dispose()
    store = open_store(tmp_path)
    try:
        report = verify_store(store)
        assert report.intact and report.rows == 25
        with store.sessions() as s:
            order = s.scalars(select(AuditEvent.id).order_by(AuditEvent.chain_seq)).all()
        assert order == [r["id"] for r in rows]  # in the order they were written
    finally:
        store.close()


def test_every_audit_row_the_services_write_is_chained(ws):
    case_id, _ = cases.intake_work_order(ws, complaint_form())
    cases.update_case(ws, case_id, {"title": "改了标题"})
    report = verify_store(ws.store)
    with ws.store.sessions() as s:
        total = s.scalar(select(text("count(*)")).select_from(AuditEvent))
    assert report.intact and report.rows == total >= 2


def test_demo_data_writes_a_valid_chain(tmp_path):
    store = open_store(tmp_path)
    try:
        summary = generate_demo_data(store, 300, seed=3, workers=1, chunk_cases=100)
        report = verify_store(store)
        assert report.intact and report.rows == summary.audit_events
        # And an edit is found, as in any store.
        with sqlite3.connect(store.path) as raw:
            raw.execute("UPDATE audit_events SET reason = 'x' WHERE chain_seq = 500")
        broken = verify_store(store).broken
        assert broken is not None and broken.seq == 500
        assert broken.problem == audit_chain.Problem.CHANGED
    finally:
        store.close()


def test_a_central_database_from_before_the_chain_is_chained_per_office(pg_database):
    engine = create_engine(pg_database)
    try:
        migrate.upgrade(engine, "0007")
        offices = [uuid.uuid4(), uuid.uuid4()]
        rows = _old_rows(30, offices)
        _insert_old(engine, rows)
        migrate.upgrade(engine)
        report = verify_central(engine)
        assert report.intact
        assert sorted(o.rows for o in report.offices) == [15, 15]
        assert all(o.head_seq == 15 for o in report.offices)
        with engine.connect() as conn:
            seqs = [r[0] for r in conn.execute(
                select(AuditEvent.id).where(AuditEvent.office_id == offices[0])
                .order_by(AuditEvent.office_seq))]
        assert seqs == [r["id"] for r in rows if r["office_id"] == offices[0]]
        # A row added afterwards joins its office's chain.
        _insert_old(engine, _old_rows(1, offices[:1]))
        report = verify_central(engine)
        assert report.intact and sorted(o.head_seq for o in report.offices) == [15, 16]
    finally:
        engine.dispose()


def test_verify_audit_on_the_command_line(tmp_path, capsys):
    from app.cli import main

    assert main(["verify-audit", "--data-dir", str(tmp_path / "nothing")]) == 2
    assert "no store in" in capsys.readouterr().err
    store = open_store(tmp_path / "data")
    try:
        generate_demo_data(store, 20, seed=1, workers=1)
    finally:
        store.close()
    assert main(["verify-audit", "--data-dir", str(tmp_path / "data")]) == 0
    out = capsys.readouterr().out
    assert "audit trail intact" in out and "操作记录完整" in out
    with sqlite3.connect(tmp_path / "data" / STORE_FILENAME) as raw:
        raw.execute("UPDATE audit_events SET at = '2020-01-01 00:00:00.000000' "
                    "WHERE chain_seq = 7")
    assert main(["verify-audit", "--data-dir", str(tmp_path / "data")]) == 1
    out = capsys.readouterr().out
    assert "first broken link at seq 7," in out and "2020-01-01" in out
    assert "操作记录被改动" in out


def test_a_central_sqlite_file_is_told_to_have_no_office_chain(tmp_path, capsys):
    from app.cli import main
    from app.services import central_admin

    url = f"sqlite:///{tmp_path / 'central.sqlite'}"
    engine = central_admin.connect_admin(url)
    try:
        central_admin.init_central(engine)
    finally:
        engine.dispose()
    assert main(["central", "verify-audit", url]) == 2
    assert "needs PostgreSQL" in capsys.readouterr().err
