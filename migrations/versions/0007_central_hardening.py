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

GROUPS = "md_mediator, md_supervisor"
# pg_temp named last: otherwise PostgreSQL searches it first for tables.
SAFE_PATH = "SET search_path = pg_catalog, public, pg_temp"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    ex = op.execute
    ex(f"""CREATE OR REPLACE FUNCTION public.md_office() RETURNS uuid
          LANGUAGE sql STABLE SECURITY DEFINER {SAFE_PATH} AS $$
            SELECT m.office_id FROM public.mediators m
             WHERE m.login = session_user AND m.active AND NOT m.deleted $$""")
    ex(f"""CREATE OR REPLACE FUNCTION public.md_role() RETURNS text
          LANGUAGE sql STABLE SECURITY DEFINER {SAFE_PATH} AS $$
            SELECT m.role FROM public.mediators m
             WHERE m.login = session_user AND m.active AND NOT m.deleted $$""")
    ex(f"""CREATE OR REPLACE FUNCTION public.md_blob_exists(hash text) RETURNS boolean
          LANGUAGE sql STABLE SECURITY DEFINER {SAFE_PATH} AS $$
            SELECT EXISTS (SELECT 1 FROM public.blobs b WHERE b.sha256 = hash) $$""")
    ex(f"""CREATE OR REPLACE FUNCTION public.md_blob_digest(hash text) RETURNS text
          LANGUAGE sql STABLE SECURITY DEFINER {SAFE_PATH} AS $$
            SELECT encode(pg_catalog.sha256(b.data), 'hex') FROM public.blobs b
             WHERE b.sha256 = hash $$""")
    # No temporary tables, views or functions for logins: nothing to shadow with.
    ex(f"""DO $$ BEGIN
             EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
             EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM {GROUPS}', current_database());
           END $$""")
    ex("REVOKE CREATE ON SCHEMA public FROM PUBLIC")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""DO $$ BEGIN
             EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO PUBLIC', current_database());
           END $$""")
