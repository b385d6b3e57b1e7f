"""Only a supervisor (or the central administrator) hands a case to someone else
(issue 13, 用户与权限).

A mediator may take an unassigned case for themself, keep or release their own, but not
assign a case to a colleague nor take a colleague's: the workstation refuses it, and the
central database refuses it too, for a login with psql. Nothing changes on SQLite: a
standalone store's rule is the workstation's.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 15:40:00
"""

from __future__ import annotations

from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""CREATE OR REPLACE FUNCTION public.md_case_dispatch() RETURNS trigger
          LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
          DECLARE
            me uuid;
          BEGIN
            IF public.md_is_admin() OR public.md_role() IS DISTINCT FROM 'mediator' THEN
              RETURN NEW;
            END IF;
            IF TG_OP = 'UPDATE' AND NEW.mediator_id IS NOT DISTINCT FROM OLD.mediator_id THEN
              RETURN NEW;
            END IF;
            SELECT m.id INTO me FROM public.mediators m
             WHERE m.login = session_user AND m.active AND NOT m.deleted;
            IF (NEW.mediator_id IS NULL OR NEW.mediator_id = me)
               AND (TG_OP = 'INSERT' OR OLD.mediator_id IS NULL OR OLD.mediator_id = me) THEN
              RETURN NEW;
            END IF;
            RAISE EXCEPTION 'only a supervisor assigns a case to someone else'
              USING ERRCODE = 'insufficient_privilege';
          END $$""")
    op.execute("REVOKE ALL ON FUNCTION public.md_case_dispatch() FROM PUBLIC")
    op.execute("CREATE TRIGGER cases_dispatch BEFORE INSERT OR UPDATE OF mediator_id ON cases "
               "FOR EACH ROW EXECUTE FUNCTION public.md_case_dispatch()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS cases_dispatch ON cases")
    op.execute("DROP FUNCTION IF EXISTS public.md_case_dispatch()")
