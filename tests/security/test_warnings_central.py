"""Early warnings on the central database: a colleague in another office with psql can
neither read nor acknowledge ours, and a mediator cannot change the office's rules."""

from __future__ import annotations

import json
from dataclasses import replace

import psycopg
import pytest

from app.services import cases, warnings
from app.services.warnings import RULES_KEY
from tests.conftest import complaint_form


def _warning(desk):
    cases.intake_work_order(desk.ws, complaint_form(
        received_at=desk.ws.now(), description="老板跑路了，门店关门"))
    assert desk.sync().rejected == 0
    [w] = warnings.list_warnings(desk.ws)
    return w


def test_another_office_cannot_read_or_acknowledge_our_warnings(pg_desks, psql, superuser):
    a = pg_desks("mdt_zhangmin")
    w = _warning(a)
    other = psql("mdt_zhaolei")
    assert other.execute("SELECT count(*) FROM warnings").fetchone()[0] == 0
    acked = other.execute(
        "UPDATE warnings SET acknowledged_at = now(), acknowledged_by = 'mdt_zhaolei', "
        "ack_note = '已处理' WHERE id = %s", (w.id,))
    assert acked.rowcount == 0
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        other.execute("SELECT md_log_changes(%s::jsonb)", (json.dumps(
            [{"table_name": "warnings", "row_id": str(w.id), "op": "upsert"}]),))
    office = superuser.execute("SELECT office_id FROM warnings WHERE id = %s",
                               (w.id,)).fetchone()[0]
    with pytest.raises(psycopg.errors.InsufficientPrivilege):  # row-level security
        other.execute(
            "INSERT INTO warnings (id, office_id, rule, subject_key, subject, case_ids, detail, "
            "first_fired_at, last_grown_at, acknowledged_by, ack_note, version, modified_at, "
            "modified_by, deleted) VALUES (gen_random_uuid(), %s, 'keyword', 'x', '伪造', '', "
            "'{}', now(), now(), '', '', 1, now(), 'x', false)", (office,))
    row = superuser.execute("SELECT acknowledged_at, ack_note FROM warnings WHERE id = %s",
                            (w.id,)).fetchone()
    assert row == (None, "")
    # A colleague of the office sees it and may log a change of it.
    colleague = psql("mdt_wangfang")
    assert colleague.execute("SELECT count(*) FROM warnings").fetchone()[0] == 1
    assert colleague.execute("SELECT md_log_changes(%s::jsonb)", (json.dumps(
        [{"table_name": "warnings", "row_id": str(w.id), "op": "upsert"}]),)).fetchone()[0] == 1


def test_a_mediator_cannot_change_the_warning_rules_centrally(pg_desks, psql, superuser):
    boss, a = pg_desks("mdt_lisi"), pg_desks("mdt_zhangmin")
    warnings.save_rules(boss.ws, replace(warnings.current_rules(boss.ws), business_count=3))
    assert boss.sync().rejected == 0
    a.sync()
    assert warnings.current_rules(a.ws).business_count == 3
    me = psql("mdt_zhangmin")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        me.execute("UPDATE office_settings SET value = '{\"business_on\": false}'::json "
                   "WHERE key = %s", (RULES_KEY,))
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        me.execute("INSERT INTO office_settings (id, office_id, key, value, version, "
                   "modified_at, modified_by, deleted) VALUES (gen_random_uuid(), md_office(), "
                   "'warning_rules_x', '{}'::json, 1, now(), 'x', false)")
    value = superuser.execute("SELECT value FROM office_settings WHERE key = %s",
                              (RULES_KEY,)).fetchone()[0]
    assert value["business_count"] == 3 and value["business_on"] is True
