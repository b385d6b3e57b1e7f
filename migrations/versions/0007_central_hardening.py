"""Central hardening against a login with psql (issue 11).

SECURITY DEFINER helpers name every object with its schema and search pg_temp last, so
a temporary table called `mediators` cannot stand in for the real one; logins may not
create temporary objects at all.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 08:10:00
"""

from __future__ import annotations

from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

import sqlalchemy as sa

GROUPS = "md_mediator, md_supervisor"
# Every function below sets `search_path = pg_catalog, public, pg_temp`, written out in
# each: pg_temp named last, otherwise PostgreSQL searches it first for tables.

# The synced tables a login may change, by how their office is found (app/sync/tables.py).
OFFICE_SCOPED = ("audit_events", "sync_conflicts", "mediators", "office_settings", "phrases",
                 "cases", "documents")
CASE_SCOPED = ("attachments", "clock_pauses", "follow_ups", "mediation_sessions", "notes",
               "parties")
# What a final document says; its state (to signed or void), signing date, scan and
# void reason may still move (as the store's trigger of migration 0005).
DOCUMENT_CONTENT = ("case_id", "office_id", "kind", "number", "number_year", "number_seq",
                    "fields", "pdf_sha256", "content_sha256", "version_no", "supersedes_id",
                    "finalized_at")


def upgrade() -> None:
    op.create_table('blob_offices',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('office_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('sha256', 'office_id', name=op.f('pk_blob_offices'))
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    _helpers()
    _change_log()
    _final_documents()
    _numbers()
    _blobs()


def _helpers() -> None:
    ex = op.execute
    ex(f"""CREATE OR REPLACE FUNCTION public.md_office() RETURNS uuid
          LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
            SELECT m.office_id FROM public.mediators m
             WHERE m.login = session_user AND m.active AND NOT m.deleted $$""")
    ex(f"""CREATE OR REPLACE FUNCTION public.md_role() RETURNS text
          LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
            SELECT m.role FROM public.mediators m
             WHERE m.login = session_user AND m.active AND NOT m.deleted $$""")
    # No temporary tables, views or functions for logins: nothing to shadow with.
    ex(f"""DO $$ BEGIN
             EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
             EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM {GROUPS}', current_database());
           END $$""")
    ex("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    # The administrator: whoever owns the tables (or a superuser), never a login.
    ex(f"""CREATE OR REPLACE FUNCTION public.md_is_admin() RETURNS boolean
          LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
            SELECT pg_catalog.pg_has_role(session_user, c.relowner, 'USAGE')
              FROM pg_catalog.pg_class c WHERE c.oid = 'public.cases'::regclass $$""")
    ex("REVOKE ALL ON FUNCTION public.md_is_admin() FROM PUBLIC")
    ex(f"GRANT EXECUTE ON FUNCTION public.md_is_admin() TO {GROUPS}")


def _change_log() -> None:
    """Logins write the change log only through md_log_changes, which finds each row's
    office itself and stamps the login and the server's time: a forged entry (a
    `remove` that makes a colleague's workstation drop a case) cannot be written."""
    ex = op.execute
    office = ", ".join(f"'{t}'" for t in OFFICE_SCOPED)
    case = ", ".join(f"'{t}'" for t in CASE_SCOPED)
    ex(f"""CREATE OR REPLACE FUNCTION public.md_log_changes(entries jsonb) RETURNS integer
          LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
          DECLARE
            me uuid := public.md_office();
            e record;
            found_office uuid;
            found_version integer;
            n integer := 0;
          BEGIN
            IF me IS NULL THEN
              RAISE EXCEPTION 'not an active mediator login' USING ERRCODE = '42501';
            END IF;
            FOR e IN SELECT * FROM jsonb_to_recordset(entries)
                       AS x(table_name text, row_id uuid, op text, mutation_id uuid,
                            client_id uuid) LOOP
              IF e.op IS DISTINCT FROM 'upsert' THEN
                -- A case leaves an office only by an administrator's move.
                RAISE EXCEPTION 'a login may not write a % entry', e.op USING ERRCODE = '42501';
              END IF;
              IF e.table_name IN ({office}) THEN
                EXECUTE format('SELECT r.office_id, r.version FROM public.%I r WHERE r.id = $1',
                               e.table_name)
                   INTO found_office, found_version USING e.row_id;
              ELSIF e.table_name IN ({case}) THEN
                EXECUTE format('SELECT c.office_id, r.version FROM public.%I r '
                               'JOIN public.cases c ON c.id = r.case_id WHERE r.id = $1',
                               e.table_name)
                   INTO found_office, found_version USING e.row_id;
              ELSE
                RAISE EXCEPTION 'table % is not changed by logins', e.table_name
                  USING ERRCODE = '42501';
              END IF;
              IF found_office IS DISTINCT FROM me THEN
                RAISE EXCEPTION 'row % of % is not in this office', e.row_id, e.table_name
                  USING ERRCODE = '42501';
              END IF;
              INSERT INTO public.sync_changes (office_id, table_name, row_id, version, op,
                                               mutation_id, client_id, actor, at)
              VALUES (me, e.table_name, e.row_id, found_version, 'upsert', e.mutation_id,
                      e.client_id, session_user, now());
              n := n + 1;
            END LOOP;
            RETURN n;
          END $$""")
    # Whether a case really left this office (a pulled `remove` is checked against it).
    ex(f"""CREATE OR REPLACE FUNCTION public.md_case_moved(case_id uuid) RETURNS boolean
          LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
            SELECT EXISTS (SELECT 1 FROM public.cases c WHERE c.id = case_id
                              AND c.office_id IS DISTINCT FROM public.md_office()) $$""")
    ex(f"REVOKE INSERT ON sync_changes FROM {GROUPS}")
    ex(f"REVOKE USAGE ON SEQUENCE sync_changes_seq_seq FROM {GROUPS}")
    for fn in ("md_log_changes(jsonb)", "md_case_moved(uuid)"):
        ex(f"REVOKE ALL ON FUNCTION public.{fn} FROM PUBLIC")
        ex(f"GRANT EXECUTE ON FUNCTION public.{fn} TO {GROUPS}")


def _final_documents() -> None:
    """A final, signed or void document says forever what it said when it was numbered:
    no edit, renumbering or return to draft, by anyone (as on the workstation)."""
    # json has no equality operator: compared as jsonb.
    changed = " OR ".join(f"NEW.{c}::jsonb IS DISTINCT FROM OLD.{c}::jsonb" if c == "fields"
                          else f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in DOCUMENT_CONTENT)
    op.execute(f"""CREATE OR REPLACE FUNCTION public.md_final_document_unchanged()
          RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
          BEGIN
            IF OLD.state = 'draft' THEN
              RETURN NEW;
            END IF;
            IF NEW.state = 'draft' OR {changed} THEN
              RAISE EXCEPTION 'a final document cannot be changed; make a new version'
                USING ERRCODE = 'P0001', HINT = 'final_document';
            END IF;
            IF OLD.state = 'void' AND NEW.state <> 'void' THEN
              RAISE EXCEPTION 'a void document stays void' USING ERRCODE = 'P0001',
                HINT = 'final_document';
            END IF;
            RETURN NEW;
          END $$""")
    op.execute("CREATE TRIGGER documents_final_immutable BEFORE UPDATE ON documents "
               "FOR EACH ROW EXECUTE FUNCTION public.md_final_document_unchanged()")


def _numbers() -> None:
    """Counters move only forward, and only through md_reserve_numbers."""
    ex = op.execute
    ex(f"""CREATE OR REPLACE FUNCTION public.md_reserve_numbers(
            p_office uuid, p_year integer, p_size integer, p_client uuid)
          RETURNS TABLE (block_id uuid, first_seq integer, last_seq integer)
          LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
          DECLARE
            after integer;
            new_id uuid := gen_random_uuid();
          BEGIN
            IF public.md_office() IS DISTINCT FROM p_office AND NOT public.md_is_admin() THEN
              RAISE EXCEPTION 'numbers of another office' USING ERRCODE = '42501';
            END IF;
            IF p_size NOT BETWEEN 1 AND 1000 OR p_year NOT BETWEEN 2000 AND 2200 THEN
              RAISE EXCEPTION 'no such block' USING ERRCODE = '22023';
            END IF;
            INSERT INTO public.number_counters (office_id, year, next_seq)
            VALUES (p_office, p_year, 1) ON CONFLICT (office_id, year) DO NOTHING;
            UPDATE public.number_counters SET next_seq = next_seq + p_size
             WHERE office_id = p_office AND year = p_year RETURNING next_seq INTO after;
            INSERT INTO public.number_blocks (id, office_id, year, first_seq, last_seq,
                                              client_id, reserved_by, reserved_at)
            VALUES (new_id, p_office, p_year, after - p_size, after - 1, p_client,
                    session_user, now());
            RETURN QUERY SELECT new_id, after - p_size, after - 1;
          END $$""")
    ex(f"REVOKE INSERT, UPDATE, DELETE ON number_counters, number_blocks FROM {GROUPS}")
    ex("REVOKE ALL ON FUNCTION public.md_reserve_numbers(uuid, integer, integer, uuid) "
       "FROM PUBLIC")
    ex(f"GRANT EXECUTE ON FUNCTION public.md_reserve_numbers(uuid, integer, integer, uuid) "
       f"TO {GROUPS}")


def _blobs() -> None:
    """A file is readable by the offices that uploaded its bytes (proof of having it)
    or hold it in a case moved to them: knowing a hash is not enough."""
    ex = op.execute
    # Offices that have the file today: whoever uploaded it, whoever's case names it.
    ex("""INSERT INTO blob_offices (sha256, office_id)
          SELECT b.sha256, m.office_id FROM blobs b JOIN mediators m ON m.login = b.uploaded_by
          UNION
          SELECT a.sha256, c.office_id FROM attachments a JOIN cases c ON c.id = a.case_id
           WHERE a.sha256 IS NOT NULL
          ON CONFLICT DO NOTHING""")
    ex("ALTER TABLE blob_offices ENABLE ROW LEVEL SECURITY")
    ex("CREATE POLICY office_rows ON blob_offices USING (office_id = (SELECT md_office()))")
    ex(f"GRANT SELECT ON blob_offices TO {GROUPS}")
    ex("DROP POLICY IF EXISTS office_files ON blobs")
    ex("DROP POLICY IF EXISTS anyone_uploads ON blobs")
    ex("""CREATE POLICY office_files ON blobs FOR SELECT USING (EXISTS (
            SELECT 1 FROM blob_offices o WHERE o.sha256 = blobs.sha256
               AND o.office_id = (SELECT md_office())))""")
    ex(f"REVOKE INSERT, UPDATE, DELETE ON blobs FROM {GROUPS}")
    ex(f"""CREATE OR REPLACE FUNCTION public.md_blob_exists(hash text) RETURNS boolean
          LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
            SELECT EXISTS (SELECT 1 FROM public.blob_offices o
                            WHERE o.sha256 = hash AND o.office_id = public.md_office()) $$""")
    ex(f"""CREATE OR REPLACE FUNCTION public.md_blob_digest(hash text) RETURNS text
          LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
            SELECT encode(pg_catalog.sha256(b.data), 'hex') FROM public.blobs b
             WHERE b.sha256 = hash AND EXISTS (
               SELECT 1 FROM public.blob_offices o
                WHERE o.sha256 = hash AND o.office_id = public.md_office()) $$""")
    # The upload: the bytes must hash to the name they are given; the office that sent
    # them may read them from then on.
    ex(f"""CREATE OR REPLACE FUNCTION public.md_put_blob(hash text, content bytea)
          RETURNS boolean LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
          DECLARE
            me uuid := public.md_office();
          BEGIN
            IF me IS NULL THEN
              RAISE EXCEPTION 'not an active mediator login' USING ERRCODE = '42501';
            END IF;
            IF encode(pg_catalog.sha256(content), 'hex') <> hash THEN
              RAISE EXCEPTION 'the file does not match its hash' USING ERRCODE = '22000';
            END IF;
            INSERT INTO public.blobs (sha256, size, data, uploaded_by, uploaded_at)
            VALUES (hash, octet_length(content), content, session_user, now())
            ON CONFLICT (sha256) DO NOTHING;
            INSERT INTO public.blob_offices (sha256, office_id) VALUES (hash, me)
            ON CONFLICT DO NOTHING;
            RETURN true;
          END $$""")
    # A case moved to another office takes its files' read right along.
    ex(f"""CREATE OR REPLACE FUNCTION public.md_case_files_follow() RETURNS trigger
          LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
          BEGIN
            INSERT INTO public.blob_offices (sha256, office_id)
            SELECT a.sha256, NEW.office_id FROM public.attachments a
             WHERE a.case_id = NEW.id AND a.sha256 IS NOT NULL
            ON CONFLICT DO NOTHING;
            RETURN NEW;
          END $$""")
    ex("CREATE TRIGGER cases_files_follow AFTER UPDATE OF office_id ON cases FOR EACH ROW "
       "WHEN (NEW.office_id IS DISTINCT FROM OLD.office_id) "
       "EXECUTE FUNCTION public.md_case_files_follow()")
    for fn in ("md_put_blob(text, bytea)", "md_case_files_follow()"):
        ex(f"REVOKE ALL ON FUNCTION public.{fn} FROM PUBLIC")
    ex(f"GRANT EXECUTE ON FUNCTION public.md_put_blob(text, bytea) TO {GROUPS}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        ex = op.execute
        ex("DROP TRIGGER IF EXISTS cases_files_follow ON cases")
        ex("DROP TRIGGER IF EXISTS documents_final_immutable ON documents")
        ex("DROP FUNCTION IF EXISTS md_case_files_follow(), md_put_blob(text, bytea), "
           "md_reserve_numbers(uuid, integer, integer, uuid), md_final_document_unchanged(), "
           "md_case_moved(uuid), md_log_changes(jsonb), md_is_admin()")
        ex("DROP POLICY IF EXISTS office_files ON blobs")
        ex("CREATE POLICY office_files ON blobs FOR SELECT USING "
           "(EXISTS (SELECT 1 FROM attachments a WHERE a.sha256 = blobs.sha256))")
        ex("CREATE POLICY anyone_uploads ON blobs FOR INSERT WITH CHECK "
           "(uploaded_by = session_user)")
        ex(f"GRANT INSERT ON blobs, sync_changes, number_blocks TO {GROUPS}")
        ex(f"GRANT INSERT, UPDATE ON number_counters TO {GROUPS}")
        ex(f"GRANT USAGE ON SEQUENCE sync_changes_seq_seq TO {GROUPS}")
        ex("""DO $$ BEGIN
                 EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO PUBLIC', current_database());
               END $$""")
    op.drop_table('blob_offices')
