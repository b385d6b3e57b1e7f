"""Hole 1: a temporary table named like a real one must not change who a login is."""

from __future__ import annotations

import psycopg
import pytest

from app.services import cases
from tests.conftest import complaint_form


def _pd01_case(desk) -> None:
    cases.intake_work_order(desk.ws, complaint_form(source_ticket="13101152026030201"))
    desk.sync()


def test_a_temp_mediators_table_does_not_make_a_pd02_mediator_a_pd01_supervisor(
        pg_desks, psql, superuser):
    _pd01_case(pg_desks("mdt_zhangmin"))
    pd01 = superuser.execute("SELECT id FROM offices WHERE code = 'PD01'").fetchone()[0]
    attacker = psql("mdt_zhaolei")
    # The attack as found: a temp table shadowing public.mediators, with the attacker's
    # own login in another office as a supervisor.
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        attacker.execute(
            "CREATE TEMP TABLE mediators (login text, office_id uuid, role text, "
            "active boolean, deleted boolean)")
    # Had TEMP still been granted, the functions would not look there first.
    superuser.execute("SELECT 1")
    assert attacker.execute("SELECT md_role()").fetchone()[0] == "mediator"
    assert attacker.execute("SELECT md_office()").fetchone()[0] != pd01
    assert attacker.execute("SELECT count(*) FROM cases").fetchone()[0] == 0
    assert attacker.execute("SELECT count(*) FROM parties").fetchone()[0] == 0


def test_the_helpers_search_pg_temp_last_even_where_temp_is_granted(
        pg_desks, psql, superuser, pg_central):
    """Defence in depth: were TEMP granted again by an administrator, the SECURITY
    DEFINER helpers still read public.mediators, not the login's temporary table."""
    _pd01_case(pg_desks("mdt_zhangmin"))
    pd01 = superuser.execute("SELECT id FROM offices WHERE code = 'PD01'").fetchone()[0]
    db = superuser.execute("SELECT current_database()").fetchone()[0]
    superuser.execute(f'GRANT TEMPORARY ON DATABASE "{db}" TO mdt_zhaolei')
    attacker = psql("mdt_zhaolei")
    attacker.execute("CREATE TEMP TABLE mediators (login text, office_id uuid, role text, "
                     "active boolean, deleted boolean)")
    attacker.execute("INSERT INTO mediators VALUES (session_user, %s, 'supervisor', true, false)",
                     (pd01,))
    attacker.execute("CREATE TEMP TABLE blobs (sha256 text, data bytea)")
    assert attacker.execute("SELECT md_role()").fetchone()[0] == "mediator"
    assert attacker.execute("SELECT md_office()").fetchone()[0] != pd01
    assert attacker.execute("SELECT count(*) FROM cases").fetchone()[0] == 0
    assert attacker.execute("SELECT count(*) FROM parties").fetchone()[0] == 0
    assert attacker.execute("SELECT count(*) FROM audit_events WHERE office_id IS NOT NULL"
                            ).fetchone()[0] == 0


def test_every_security_definer_function_pins_a_safe_search_path(superuser):
    rows = superuser.execute(
        "SELECT p.proname, coalesce(array_to_string(p.proconfig, ','), '') "
        "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE p.prosecdef AND n.nspname = 'public'").fetchall()
    assert rows, "no SECURITY DEFINER functions found"
    for name, config in rows:
        assert "search_path=pg_catalog, public, pg_temp" in config, (name, config)
