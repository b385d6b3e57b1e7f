"""Holes 4, 5, 7 and 8: a mediator login with psql forging what the central database
holds — final documents, the change log, document number counters, other offices'
files. Each attack runs as the login, against the test run's PostgreSQL."""

from __future__ import annotations

import hashlib
import uuid

import psycopg
import pytest

from app.services import cases, documents, evidence
from app.services import sync as sync_service
from app.store.models import Case
from tests.conftest import complaint_form
from tests.support.documents import ready_agreement


def _final_agreement(desk) -> tuple[uuid.UUID, uuid.UUID]:
    case_id, _ = cases.intake_work_order(desk.ws, complaint_form())
    doc_id = ready_agreement(desk.ws, case_id)
    documents.finalize(desk.ws, doc_id)
    desk.sync()
    return case_id, doc_id


# ---------------------------------------------------------------- hole 4


@pytest.mark.parametrize("attack", [
    "UPDATE documents SET fields = '{\"performance\": \"现金\"}'::json WHERE id = %s",
    "UPDATE documents SET number = '（2026）浦消调字第9999号', number_seq = 9999 WHERE id = %s",
    "UPDATE documents SET state = 'draft' WHERE id = %s",
    "UPDATE documents SET content_sha256 = repeat('0', 64) WHERE id = %s",
    "UPDATE documents SET pdf_sha256 = repeat('0', 64) WHERE id = %s",
])
def test_a_login_cannot_edit_renumber_or_reopen_a_final_document(pg_desks, psql, attack):
    a = pg_desks("mdt_zhangmin")
    _, doc_id = _final_agreement(a)
    me = psql("mdt_wangfang")  # a colleague in the same office
    before = me.execute("SELECT row_to_json(d)::text FROM documents d WHERE id = %s",
                        (doc_id,)).fetchone()[0]
    with pytest.raises(psycopg.errors.RaiseException, match="final document"):
        me.execute(attack, (doc_id,))
    assert me.execute("SELECT row_to_json(d)::text FROM documents d WHERE id = %s",
                      (doc_id,)).fetchone()[0] == before


def test_a_final_document_may_still_be_signed_and_voided(pg_desks, psql):
    a = pg_desks("mdt_zhangmin")
    _, doc_id = _final_agreement(a)
    me = psql("mdt_wangfang")
    me.execute("UPDATE documents SET state = 'signed', signed_on = '2026-12-02' WHERE id = %s",
               (doc_id,))
    me.execute("UPDATE documents SET state = 'void', void_reason = '当事人反悔' WHERE id = %s",
               (doc_id,))
    with pytest.raises(psycopg.errors.RaiseException):
        me.execute("UPDATE documents SET state = 'final' WHERE id = %s", (doc_id,))


# ---------------------------------------------------------------- hole 5


def test_a_forged_remove_in_the_change_log_is_refused(pg_desks, psql):
    a, b = pg_desks("mdt_zhangmin"), pg_desks("mdt_wangfang")
    case_id, _ = cases.intake_work_order(a.ws, complaint_form())
    a.sync(), b.sync()
    me = psql("mdt_wangfang")
    office = me.execute("SELECT md_office()").fetchone()[0]
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        me.execute("INSERT INTO sync_changes (office_id, table_name, row_id, version, op, actor, at)"
                   " VALUES (%s, 'cases', %s, 99, 'remove', 'mdt_zhangmin', now())",
                   (office, case_id))
    # Nor through the push path's own function.
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        me.execute("SELECT md_log_changes(%s::jsonb)", (
            f'[{{"table_name": "cases", "row_id": "{case_id}", "op": "remove"}}]',))
    # An upsert entry names only rows of the login's own office, stamped by the server.
    other = psql("mdt_zhaolei")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        other.execute("SELECT md_log_changes(%s::jsonb)", (
            f'[{{"table_name": "cases", "row_id": "{case_id}", "op": "upsert"}}]',))
    b.sync()
    with b.store.sessions() as s:
        assert s.get(Case, case_id) is not None


def test_a_workstation_drops_a_case_only_when_it_really_moved(pg_desks, pg_central, superuser):
    """Even a remove an administrator's tool wrote by mistake (the case still in this
    office) leaves the case on the workstation; a real move takes it away."""
    a, b = pg_desks("mdt_zhangmin"), pg_desks("mdt_wangfang")
    case_id, _ = cases.intake_work_order(a.ws, complaint_form())
    a.sync(), b.sync()
    pd01 = superuser.execute("SELECT id FROM offices WHERE code = 'PD01'").fetchone()[0]
    pd02 = superuser.execute("SELECT id FROM offices WHERE code = 'PD02'").fetchone()[0]
    superuser.execute("INSERT INTO sync_changes (office_id, table_name, row_id, version, op, "
                      "actor, at) VALUES (%s, 'cases', %s, 99, 'remove', 'x', now())",
                      (pd01, case_id))
    b.sync()
    with b.store.sessions() as s:
        assert s.get(Case, case_id) is not None
    superuser.execute("UPDATE cases SET office_id = %s WHERE id = %s", (pd02, case_id))
    superuser.execute("INSERT INTO sync_changes (office_id, table_name, row_id, version, op, "
                      "actor, at) VALUES (%s, 'cases', %s, 100, 'remove', 'x', now())",
                      (pd01, case_id))
    b.sync()
    with b.store.sessions() as s:
        assert s.get(Case, case_id) is None


def test_change_log_entries_carry_the_login_and_the_servers_time(pg_desks, superuser):
    a = pg_desks("mdt_zhangmin")
    case_id, _ = cases.intake_work_order(a.ws, complaint_form())
    a.sync()
    rows = superuser.execute("SELECT DISTINCT actor, at > now() - interval '5 minutes' "
                             "FROM sync_changes WHERE row_id = %s", (case_id,)).fetchall()
    assert rows == [("mdt_zhangmin", True)]


# ---------------------------------------------------------------- hole 7


def test_a_login_cannot_rewind_or_reserve_around_the_number_counter(pg_desks, psql):
    a = pg_desks("mdt_zhangmin")
    _final_agreement(a)
    me = psql("mdt_zhangmin")
    office = me.execute("SELECT md_office()").fetchone()[0]
    before = me.execute("SELECT next_seq FROM number_counters WHERE office_id = %s",
                        (office,)).fetchone()[0]
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        me.execute("UPDATE number_counters SET next_seq = 1 WHERE office_id = %s", (office,))
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        me.execute("DELETE FROM number_counters WHERE office_id = %s", (office,))
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        me.execute("INSERT INTO number_blocks (id, office_id, year, first_seq, last_seq, "
                   "client_id, reserved_by, reserved_at) VALUES (gen_random_uuid(), %s, 2026, "
                   "1, 20, gen_random_uuid(), 'x', now())", (office,))
    other = me.execute("SELECT id FROM offices WHERE id <> %s LIMIT 1", (office,)).fetchone()[0]
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        me.execute("SELECT * FROM md_reserve_numbers(%s, 2026, 20, gen_random_uuid())",
                   (other,))
    with pytest.raises(psycopg.errors.InvalidParameterValue):
        me.execute("SELECT * FROM md_reserve_numbers(%s, 2026, -1000, gen_random_uuid())",
                   (office,))
    # The only way on is forward, through the function.
    first = me.execute("SELECT first_seq FROM md_reserve_numbers(%s, 2026, 5, "
                       "gen_random_uuid())", (office,)).fetchone()[0]
    assert first == before
    assert me.execute("SELECT next_seq FROM number_counters WHERE office_id = %s",
                      (office,)).fetchone()[0] == before + 5


# ---------------------------------------------------------------- hole 8


def test_a_known_hash_does_not_open_another_offices_file(pg_desks, psql, tmp_path):
    a = pg_desks("mdt_zhangmin")
    case_id, _ = cases.intake_work_order(a.ws, complaint_form())
    secret = "%PDF-1.4\n% 付款凭证 of PD01\n".encode() + uuid.uuid4().bytes
    path = tmp_path / "付款凭证.pdf"
    path.write_bytes(secret)
    evidence.attach_file(a.ws, case_id, path)
    a.sync()
    sha = hashlib.sha256(secret).hexdigest()
    thief = psql("mdt_zhaolei")
    assert thief.execute("SELECT md_blob_exists(%s)", (sha,)).fetchone()[0] is False
    assert thief.execute("SELECT md_blob_digest(%s)", (sha,)).fetchone()[0] is None
    # Attaching the known hash to a case of one's own does not open the bytes.
    thief_desk = pg_desks("mdt_zhaolei")
    own_case, _ = cases.intake_work_order(thief_desk.ws, complaint_form(
        source_ticket="13101152026030299"))
    thief_desk.sync()
    thief.execute("INSERT INTO attachments (id, version, modified_at, modified_by, deleted, "
                  "case_id, sha256, filename, mime_type, size, created_at, author, description)"
                  " VALUES (gen_random_uuid(), 1, now(), 'mdt_zhaolei', false, %s, %s, 'x.pdf',"
                  " 'application/pdf', %s, now(), 'mdt_zhaolei', '')",
                  (own_case, sha, len(secret)))
    assert thief.execute("SELECT count(*) FROM blobs WHERE sha256 = %s", (sha,)
                         ).fetchone()[0] == 0
    # Nor can the bytes be claimed without having them.
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        thief.execute("INSERT INTO blobs (sha256, size, data, uploaded_by, uploaded_at) "
                      "VALUES (%s, 1, 'x', 'mdt_zhaolei', now())", (sha,))
    with pytest.raises(psycopg.errors.DataException):
        thief.execute("SELECT md_put_blob(%s, 'not the file')", (sha,))
    # A colleague in the office reads it, as before.
    b = pg_desks("mdt_wangfang")
    b.sync()
    assert sync_service.files_of(b.store).read(sha) == secret


# ---------------------------------------------------------------- reference data

REFERENCE_ATTACKS = (
    "UPDATE calendar_years SET holidays = '[]'::json, version = version + 1",
    "INSERT INTO calendar_years (id, version, modified_at, modified_by, deleted, year, source,"
    " revision, holidays, adjusted_workdays, names) VALUES (gen_random_uuid(), 1, now(), 'x',"
    " false, 2027, 'admin', 1, '[\"2027-03-01\"]', '[]', '{}')",
    "DELETE FROM calendar_years",
    "UPDATE deadline_rule_sets SET confirmed = true, verified_by = '李科长', verified_at = now()",
    "UPDATE deadline_rule_sets SET rules = '[]'::json",
    "UPDATE offices SET number_prefix = '浦东调', phone = '110'",
    "DELETE FROM offices",
    "INSERT INTO sync_changes (office_id, table_name, row_id, version, op, actor, at) "
    "SELECT NULL, 'calendar_years', id, version + 1, 'upsert', 'admin', now() "
    "FROM calendar_years LIMIT 1",
)


@pytest.mark.parametrize("login", ["mdt_wangfang", "mdt_lisi"])
def test_a_login_cannot_change_the_reference_data_every_desk_pulls(pg_desks, psql, login):
    """Only the central administrator changes the calendar, rule sets and offices
    (`mediation-desk central calendar | rules | office`); a mediator or supervisor with
    psql changes nothing and logs nothing."""
    pg_desks("mdt_zhangmin")
    me = psql(login)
    tables = ("calendar_years", "deadline_rule_sets", "offices", "sync_changes")

    def contents() -> list[str]:
        return [me.execute(f"SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), "
                           f"'')) FROM {t} t").fetchone()[0] for t in tables]

    before = contents()
    for attack in REFERENCE_ATTACKS:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            me.execute(attack)
    # Nor through the push path's function, for a reference row.
    row = me.execute("SELECT id FROM calendar_years LIMIT 1").fetchone()[0]
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        me.execute("SELECT md_log_changes(%s::jsonb)", (
            f'[{{"table_name": "calendar_years", "row_id": "{row}", "op": "upsert"}}]',))
    assert contents() == before
