"""Holes 6 and 10: forged audit actors and times, and an audit trail that can be edited
without a trace. Each attack is made as a mediator login with psql (or, on the chain,
as a superuser / with plain sqlite3 on the store file), against the central database
the test run starts."""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import UTC, datetime

import psycopg
import pytest
from sqlalchemy import func, select

from app.cli import main
from app.services import cases
from app.services import sync as sync_service
from app.store.models import AuditEvent, SyncAttention, SyncOutbox
from tests.conftest import complaint_form

FORGED_AT = datetime(2020, 1, 1, 8, 0, tzinfo=UTC)


def _synced_case(desk, ticket: str = "13101152026030201") -> uuid.UUID:
    case_id, _ = cases.intake_work_order(desk.ws, complaint_form(source_ticket=ticket))
    desk.sync()
    return case_id


def _office(superuser, code: str) -> uuid.UUID:
    return superuser.execute("SELECT id FROM offices WHERE code = %s", (code,)).fetchone()[0]


def _forge_audit(conn, office: uuid.UUID, case_id: uuid.UUID, **extra) -> uuid.UUID:
    row_id = uuid.uuid4()
    values = dict(id=row_id, version=1, modified_at=FORGED_AT, modified_by="mdt_lisi",
                  deleted=False, at=FORGED_AT, actor="mdt_lisi", office_id=office,
                  case_id=case_id, entity="cases", entity_id=case_id,
                  action="transition:accept", changes=json.dumps({"status": ["a", "b"]}),
                  reason="", **extra)
    cols = ", ".join(values)
    marks = ", ".join(f"%({k})s" for k in values)
    conn.execute(f"INSERT INTO audit_events ({cols}) VALUES ({marks})", values)
    return row_id


# ---------------------------------------------------------------- item 6: stamping


def test_a_forged_audit_actor_and_time_are_replaced_by_the_login_and_the_server_clock(
        pg_desks, psql, superuser):
    case_id = _synced_case(pg_desks("mdt_zhangmin"))
    pd01 = _office(superuser, "PD01")
    attacker = psql("mdt_wangfang")  # a PD01 mediator claiming to be the supervisor
    before = attacker.execute("SELECT clock_timestamp()").fetchone()[0]
    row_id = _forge_audit(attacker, pd01, case_id)
    actor, at, modified_by = superuser.execute(
        "SELECT actor, at, modified_by FROM audit_events WHERE id = %s", (row_id,)).fetchone()
    assert actor == "mdt_wangfang" and modified_by == "mdt_wangfang"
    assert at >= before  # the server's clock, not 2020
    client_actor, client_at = superuser.execute(
        "SELECT client_actor, client_at FROM audit_events WHERE id = %s", (row_id,)).fetchone()
    # What the workstation claimed is kept for the record, beside the server's values.
    assert client_actor == "mdt_lisi" and client_at == FORGED_AT


def test_a_forged_office_chain_position_is_recomputed(pg_desks, psql, superuser, pg_central,
                                                      capsys):
    case_id = _synced_case(pg_desks("mdt_zhangmin"))
    pd01 = _office(superuser, "PD01")
    head = superuser.execute("SELECT max(office_seq) FROM audit_events WHERE office_id = %s",
                             (pd01,)).fetchone()[0]
    row_id = _forge_audit(psql("mdt_wangfang"), pd01, case_id, office_seq=1,
                          office_hash="f" * 64)
    seq, digest = superuser.execute("SELECT office_seq, office_hash FROM audit_events "
                                    "WHERE id = %s", (row_id,)).fetchone()
    assert seq == head + 1 and digest != "f" * 64
    assert main(["central", "verify-audit", pg_central.admin_url]) == 0


def test_a_login_can_neither_update_nor_delete_audit_rows(pg_desks, psql):
    _synced_case(pg_desks("mdt_zhangmin"))
    mediator = psql("mdt_zhangmin")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        mediator.execute("UPDATE audit_events SET actor = 'mdt_lisi'")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        mediator.execute("DELETE FROM audit_events")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        mediator.execute("ALTER TABLE audit_events DISABLE TRIGGER md_audit_stamp")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        mediator.execute("SET session_replication_role = replica")


def test_a_forged_modified_by_on_a_case_is_replaced_by_the_login(pg_desks, psql, superuser):
    case_id = _synced_case(pg_desks("mdt_zhangmin"))
    mediator = psql("mdt_wangfang")
    updated = mediator.execute(
        "UPDATE cases SET title = '改过的标题', modified_by = 'mdt_lisi' WHERE id = %s",
        (case_id,))
    assert updated.rowcount == 1
    assert superuser.execute("SELECT modified_by FROM cases WHERE id = %s",
                             (case_id,)).fetchone()[0] == "mdt_wangfang"
    # ... and on a row it adds.
    note_id = uuid.uuid4()
    mediator.execute(
        "INSERT INTO notes (id, version, modified_at, modified_by, deleted, case_id, kind, "
        "created_at, author, text, contact_result, channel, contact_with) VALUES "
        "(%s, 1, now(), 'mdt_lisi', false, %s, 'note', now(), 'mdt_lisi', '补记', '', '', '')",
        (note_id, case_id))
    assert superuser.execute("SELECT modified_by FROM notes WHERE id = %s",
                             (note_id,)).fetchone()[0] == "mdt_wangfang"


def test_an_administrators_import_keeps_the_actor_and_time_it_brings(pg_central, superuser):
    pd01 = _office(superuser, "PD01")
    row_id = _forge_audit(superuser, pd01, uuid.uuid4())
    actor, at, client_actor = superuser.execute(
        "SELECT actor, at, client_actor FROM audit_events WHERE id = %s", (row_id,)).fetchone()
    assert (actor, at, client_actor) == ("mdt_lisi", FORGED_AT, None)


# ---------------------------------------------------------------- item 10: the chains


def _central_verify(pg_central, capsys) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["central", "verify-audit", pg_central.admin_url])
    return code, capsys.readouterr().out


def _rows(superuser, office: uuid.UUID) -> list[tuple]:
    return superuser.execute("SELECT id, office_seq FROM audit_events WHERE office_id = %s "
                             "ORDER BY office_seq", (office,)).fetchall()


def test_the_central_chain_names_an_edited_row(pg_desks, superuser, pg_central, capsys):
    _synced_case(pg_desks("mdt_zhangmin"))
    pd01 = _office(superuser, "PD01")
    code, out = _central_verify(pg_central, capsys)
    assert code == 0 and "PD01" in out and "intact" in out
    victim, seq = _rows(superuser, pd01)[1]
    superuser.execute("UPDATE audit_events SET reason = '无' WHERE id = %s", (victim,))
    code, out = _central_verify(pg_central, capsys)
    assert code == 1
    assert f"seq {seq}" in out and str(victim) in out and "changed" in out


def test_the_central_chain_names_a_changed_actor_or_time(pg_desks, superuser, pg_central,
                                                         capsys):
    _synced_case(pg_desks("mdt_zhangmin"))
    victim, seq = _rows(superuser, _office(superuser, "PD01"))[0]
    superuser.execute("UPDATE audit_events SET at = at - interval '1 day' WHERE id = %s",
                      (victim,))
    code, out = _central_verify(pg_central, capsys)
    assert code == 1 and f"seq {seq}," in out and str(victim) in out


def test_the_central_chain_names_a_deleted_row(pg_desks, superuser, pg_central, capsys):
    _synced_case(pg_desks("mdt_zhangmin"))
    rows = _rows(superuser, _office(superuser, "PD01"))
    assert len(rows) >= 3
    superuser.execute("DELETE FROM audit_events WHERE id = %s", (rows[1][0],))
    code, out = _central_verify(pg_central, capsys)
    assert code == 1
    assert f"seq {rows[2][1]}," in out and str(rows[2][0]) in out and "deleted" in out


def test_the_central_chain_names_reordered_rows(pg_desks, superuser, pg_central, capsys):
    _synced_case(pg_desks("mdt_zhangmin"))
    rows = _rows(superuser, _office(superuser, "PD01"))
    (a, sa), (b, sb) = rows[0], rows[1]
    superuser.execute("UPDATE audit_events SET office_seq = -1 WHERE id = %s", (a,))
    superuser.execute("UPDATE audit_events SET office_seq = %s WHERE id = %s", (sa, b))
    superuser.execute("UPDATE audit_events SET office_seq = %s WHERE id = %s", (sb, a))
    code, out = _central_verify(pg_central, capsys)
    assert code == 1 and f"seq {sa}," in out and str(b) in out


def _local_verify(desk, capsys) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["verify-audit", "--data-dir", str(desk.path)])
    return code, capsys.readouterr().out


def _local_rows(path) -> list[tuple[str, int]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT id, chain_seq FROM audit_events ORDER BY chain_seq"
                            ).fetchall()


@pytest.mark.parametrize("attack", ["edit", "actor", "login", "delete", "reorder", "outside",
                                    "tail"])
def test_the_store_chain_names_the_first_broken_link(pg_desks, capsys, attack):
    desk = pg_desks("mdt_zhangmin")
    _synced_case(desk)
    code, out = _local_verify(desk, capsys)
    assert code == 0 and "intact" in out
    path = desk.store.path
    rows = _local_rows(path)
    assert len(rows) >= 3
    (first, s1), (second, s2), (third, s3) = rows[:3]
    conn = sqlite3.connect(path)
    with conn:
        if attack == "edit":
            conn.execute("UPDATE audit_events SET changes = '{}' WHERE id = ?", (second,))
            named, seq = second, s2
        elif attack == "actor":
            # Before the server's stamps came back the actor and time were the store's own.
            conn.execute("UPDATE audit_events SET client_actor = 'mdt_lisi' WHERE id = ?",
                         (second,))
            named, seq = second, s2
        elif attack == "login":
            # The login the server stamped on a synced row, changed in the store.
            assert conn.execute("SELECT client_actor FROM audit_events WHERE id = ?",
                                (second,)).fetchone()[0] is not None
            conn.execute("UPDATE audit_events SET actor = 'mdt_lisi' WHERE id = ?", (second,))
            named, seq = second, s2
        elif attack == "delete":
            conn.execute("DELETE FROM audit_events WHERE id = ?", (second,))
            named, seq = third, s2
        elif attack == "reorder":
            conn.execute("UPDATE audit_events SET chain_seq = -1 WHERE id = ?", (first,))
            conn.execute("UPDATE audit_events SET chain_seq = ? WHERE id = ?", (s1, second))
            conn.execute("UPDATE audit_events SET chain_seq = ? WHERE id = ?", (s2, first))
            named, seq = second, s1
        elif attack == "outside":
            conn.execute("INSERT INTO audit_events (id, version, modified_at, modified_by, "
                         "deleted, at, actor, entity, entity_id, action, changes, reason) "
                         "SELECT ?, 1, at, actor, 0, at, actor, entity, entity_id, action, "
                         "changes, reason FROM audit_events WHERE id = ?",
                         (uuid.uuid4().hex, first))
            named = conn.execute("SELECT id FROM audit_events WHERE chain_seq IS NULL"
                                 ).fetchone()[0]
            seq = None
        else:
            last, seq = rows[-1]
            conn.execute("DELETE FROM audit_events WHERE id = ?", (last,))
            named = None
    conn.close()
    code, out = _local_verify(desk, capsys)
    assert code == 1, out
    assert "BROKEN" in out
    if seq is not None:
        assert f"seq {seq}," in out
    if named is not None:
        assert named in out


def test_the_chains_survive_sync_between_two_workstations_and_the_servers_stamps(
        pg_desks, superuser, pg_central, capsys):
    a, b = pg_desks("mdt_zhangmin"), pg_desks("mdt_wangfang")
    case_id = _synced_case(a)
    cases.update_case(a.ws, case_id, {"title": "甲改的标题"})
    a.sync()
    b.sync()
    cases.update_case(b.ws, case_id, {"title": "乙改的标题"})
    b.sync()
    a.sync()
    for desk in (a, b):
        code, out = _local_verify(desk, capsys)
        assert code == 0, out
    assert _central_verify(pg_central, capsys)[0] == 0
    # The pushed rows came back with the server's stamps beside the workstation's own.
    with a.store.sessions() as s:
        mine = s.scalars(select(AuditEvent).where(AuditEvent.actor == "mdt_zhangmin")).all()
        assert mine and all(e.client_actor == "mdt_zhangmin" and e.client_at is not None
                            and e.office_seq is not None for e in mine)
        central = {r[0]: r[1] for r in superuser.execute("SELECT id, at FROM audit_events")}
        assert all(e.at == central[e.id] for e in mine)
        # Both workstations hold every row of the office, each in its own chain.
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == len(central)
        assert s.scalar(select(func.count()).select_from(SyncOutbox)) == 0
    # Nothing goes round again: no differences, no re-push, nothing to attend to.
    report = a.sync()
    assert report.pushed == 0 and report.audit_differences == 0
    assert sync_service.sync_status(a.store).attention == 0
    # A workstation joining later gets the whole trail in its first sync, chained.
    c = pg_desks("mdt_lisi")
    assert _local_verify(c, capsys)[0] == 0
    with c.store.sessions() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == len(central)


def test_a_central_copy_changed_after_the_push_is_reported_after_the_next_sync(
        pg_desks, superuser):
    a = pg_desks("mdt_zhangmin")
    case_id, _ = cases.intake_work_order(a.ws, complaint_form(source_ticket="13101152026030202"))
    a.client.push()
    # Between the push and the end of the sync someone changes the central copy.
    superuser.execute("UPDATE audit_events SET changes = '{}'::json "
                      "WHERE entity_id = %s AND action = 'create'", (case_id,))
    report = a.sync()
    assert report.audit_differences == 1
    with a.store.sessions() as s:
        items = s.scalars(select(SyncAttention).where(SyncAttention.status == "open")).all()
    assert [i.reason_code for i in items] == ["audit_mismatch"]
    assert "changes" in items[0].values
    # Said once, not on every sync.
    assert a.sync().audit_differences == 0


def test_a_refused_audit_row_stays_in_the_store_chain_and_is_resent_as_written(
        pg_desks, superuser, capsys):
    from app.services import audit

    a = pg_desks("mdt_zhangmin")
    pd02 = _office(superuser, "PD02")
    with a.store.unit_of_work() as session:
        # An event naming another office: row-level security refuses it centrally.
        event = audit.record(session, actor="mdt_zhangmin", entity="cases",
                             entity_id=uuid.uuid4(), action="update", office_id=pd02,
                             changes={"title": ["a", "b"]}, at=datetime.now(UTC))
        session.flush()
        row_id = event.id
    report = a.sync()
    assert report.rejected == 1
    with a.store.sessions() as s:
        assert s.get(AuditEvent, row_id) is not None
        item = s.scalars(select(SyncAttention)).one()
    assert _local_verify(a, capsys)[0] == 0
    sync_service.resend(a.ws, item.id)
    with a.store.sessions() as s:
        entry = s.scalars(select(SyncOutbox)).one()
    assert entry.op == "insert" and entry.row_id == row_id
    assert _local_verify(a, capsys)[0] == 0
