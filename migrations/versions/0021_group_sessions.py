"""Group mediation sessions (群体调解, issue 17 item 3): group_sessions, and on each
member's mediation_sessions row the group session it records (group_session_id), the
member's attendance and their own position.

group_session_id has no foreign key: one would rebuild mediation_sessions (the largest
append-only table) on every desk's SQLite store. Centrally a deferred constraint trigger
holds it to a group session of the case's office instead (deferred: a push inserts each
table's new append-only rows in one statement at its end, in no fixed table order).

Centrally group_sessions is an office table like dispute_groups (row-level security by
the login's office, modified_by stamped by the server, md_log_changes learns its name,
its group must be the row's office's) and append-only like mediation_sessions (logins
may SELECT and INSERT, never UPDATE). On SQLite both tables refuse a change to a
finished record's content, as mediation_sessions did since 0004.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 09:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

GROUPS = "md_mediator, md_supervisor"
LOGGED_BEFORE = "IN ('dispute_groups', "
LOGGED_AFTER = "IN ('dispute_groups', 'group_sessions', "

# Every column a person wrote; bookkeeping (version, modified_*) may still move.
_SESSION_CONTENT = ("case_id", "mode", "started_at", "ended_at", "place", "participants",
                    "statements", "evidence", "proposals", "responses", "result",
                    "next_step", "next_step_on", "author", "finalized_at", "addendum_to",
                    "addendum_text", "duration_seconds", "deleted")
_MEMBER_CONTENT = ("group_session_id", "attendance", "position")
_GROUP_SESSION_CONTENT = ("office_id", "group_id", "mode", "started_at", "ended_at", "place",
                          "business_representative", "complainant_representatives",
                          "proposals", "responses", "result", "next_step", "next_step_on",
                          "author", "finalized_at", "deleted")


def _immutable_trigger(table: str, columns: tuple[str, ...], message: str) -> str:
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)
    return f"""
CREATE TRIGGER {table}_immutable BEFORE UPDATE ON {table}
WHEN OLD.finalized_at IS NOT NULL AND ({changed})
BEGIN
  SELECT RAISE(ABORT, '{message}');
END"""


_SESSION_MESSAGE = "a finished mediation session record cannot be changed; add an addendum"
_GROUP_MESSAGE = "a finished group session record cannot be changed"


def upgrade() -> None:
    op.create_table('group_sessions',
    sa.Column('office_id', sa.Uuid(), nullable=False),
    sa.Column('group_id', sa.Uuid(), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('place', sa.String(length=255), nullable=False),
    sa.Column('business_representative', sa.String(length=120), nullable=False),
    sa.Column('complainant_representatives', sa.JSON(), nullable=False),
    sa.Column('proposals', sa.Text(), nullable=False),
    sa.Column('responses', sa.Text(), nullable=False),
    sa.Column('result', sa.String(length=16), nullable=False),
    sa.Column('next_step', sa.Text(), nullable=False),
    sa.Column('next_step_on', sa.Date(), nullable=True),
    sa.Column('author', sa.String(length=64), nullable=False),
    sa.Column('finalized_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('modified_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('modified_by', sa.String(length=64), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['dispute_groups.id'], name=op.f('fk_group_sessions_group_id_dispute_groups')),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_group_sessions_office_id_offices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_sessions'))
    )
    with op.batch_alter_table('group_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_group_sessions_group_started', ['group_id', 'started_at'], unique=False)

    # Added in place (no rebuild): plain columns and an index.
    with op.batch_alter_table('mediation_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('group_session_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('attendance', sa.String(length=16), server_default='', nullable=False))
        batch_op.add_column(sa.Column('position', sa.Text(), server_default='', nullable=False))
        batch_op.create_index('ix_mediation_sessions_group_session', ['group_session_id'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        _postgresql()
    else:
        op.execute("DROP TRIGGER IF EXISTS mediation_sessions_immutable")
        op.execute(_immutable_trigger("mediation_sessions", _SESSION_CONTENT + _MEMBER_CONTENT,
                                      _SESSION_MESSAGE))
        op.execute(_immutable_trigger("group_sessions", _GROUP_SESSION_CONTENT, _GROUP_MESSAGE))


def _postgresql() -> None:
    ex = op.execute
    mine = "office_id = (SELECT md_office())"
    # Append-only: a finished record is never changed (corrections are the member
    # records' addenda).
    ex(f"GRANT SELECT, INSERT ON group_sessions TO {GROUPS}")
    ex("ALTER TABLE group_sessions ENABLE ROW LEVEL SECURITY")
    ex(f"CREATE POLICY office_rows ON group_sessions USING ({mine}) WITH CHECK ({mine})")
    ex("""CREATE TRIGGER md_stamp_modified_by BEFORE INSERT OR UPDATE ON public.group_sessions
          FOR EACH ROW EXECUTE FUNCTION public.md_stamp_modified_by()""")
    # Invoker's rights: a login sees only its office's groups and group sessions, so a
    # row naming another office's is refused whoever writes it.
    ex("""CREATE FUNCTION public.md_check_group_session_row() RETURNS trigger
          LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
          BEGIN
            IF TG_TABLE_NAME = 'group_sessions' THEN
              IF NOT EXISTS (SELECT 1 FROM public.dispute_groups g
                             WHERE g.id = NEW.group_id AND g.office_id = NEW.office_id) THEN
                RAISE EXCEPTION 'a group session is held for a group of the row''s office'
                  USING ERRCODE = '42501';
              END IF;
            ELSIF NEW.group_session_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM public.group_sessions s
                  JOIN public.cases c ON c.office_id = s.office_id
                 WHERE s.id = NEW.group_session_id AND c.id = NEW.case_id) THEN
              RAISE EXCEPTION 'a member''s record names a group session of its case''s office'
                USING ERRCODE = '42501';
            END IF;
            RETURN NEW;
          END $$""")
    ex("REVOKE ALL ON FUNCTION public.md_check_group_session_row() FROM PUBLIC")
    ex(f"GRANT EXECUTE ON FUNCTION public.md_check_group_session_row() TO {GROUPS}")
    ex("""CREATE TRIGGER md_check_group_session_row BEFORE INSERT OR UPDATE
          ON public.group_sessions
          FOR EACH ROW EXECUTE FUNCTION public.md_check_group_session_row()""")
    ex("""CREATE CONSTRAINT TRIGGER md_check_group_session_row AFTER INSERT OR UPDATE
          ON public.mediation_sessions DEFERRABLE INITIALLY DEFERRED
          FOR EACH ROW WHEN (NEW.group_session_id IS NOT NULL)
          EXECUTE FUNCTION public.md_check_group_session_row()""")
    _replace_in_log_changes(LOGGED_BEFORE, LOGGED_AFTER, check=True)


def _replace_in_log_changes(old: str, new: str, *, check: bool = False) -> None:
    """md_log_changes patched in place (as 0018 and 0020 did)."""
    quoted_old, quoted_new = (s.replace("'", "''") for s in (old, new))
    guard = (f"IF pg_catalog.strpos(def, '{quoted_old}') = 0 THEN "
             "RAISE EXCEPTION 'md_log_changes is not as migration 0020 left it'; END IF;"
             if check else "")
    op.execute(f"""DO $$
          DECLARE
            def text := pg_catalog.pg_get_functiondef(
                          'public.md_log_changes(jsonb)'::pg_catalog.regprocedure);
          BEGIN
            IF pg_catalog.strpos(def, '{quoted_new}') = 0 THEN
              {guard}
              EXECUTE pg_catalog.replace(def, '{quoted_old}', '{quoted_new}');
            END IF;
          END $$""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _replace_in_log_changes(LOGGED_AFTER, LOGGED_BEFORE)
        op.execute("DROP TRIGGER md_check_group_session_row ON public.mediation_sessions")
        op.execute("DROP TRIGGER md_check_group_session_row ON public.group_sessions")
        op.execute("DROP FUNCTION public.md_check_group_session_row()")
    else:
        op.execute("DROP TRIGGER IF EXISTS group_sessions_immutable")
        op.execute("DROP TRIGGER IF EXISTS mediation_sessions_immutable")
    with op.batch_alter_table('mediation_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_mediation_sessions_group_session')
        batch_op.drop_column('position')
        batch_op.drop_column('attendance')
        batch_op.drop_column('group_session_id')
    if op.get_bind().dialect.name != "postgresql":
        # The rebuilt table lost its trigger: 0004's again.
        op.execute(_immutable_trigger("mediation_sessions", _SESSION_CONTENT,
                                      _SESSION_MESSAGE))
    with op.batch_alter_table('group_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_group_sessions_group_started')
    op.drop_table('group_sessions')
