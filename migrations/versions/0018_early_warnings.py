"""Early warnings (预警, issue 15 item 4): one synced row per office, rule and subject,
grown as cases arrive, acknowledged with a note.

Centrally (PostgreSQL) the table is an office table like phrases: row-level security by
the login's office, SELECT/INSERT/UPDATE for logins (every desk raises warnings; anyone
of the office may acknowledge one, audited), modified_by stamped by the server, and the
change log written through md_log_changes, whose list of office tables learns
``warnings`` here (patched in place, so tables other revisions add stay in it).

The rules themselves are an office setting (office_settings, key ``warning_rules``):
only supervisors may write office_settings centrally (migration 0003), so a mediator's
login cannot change them with psql either.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

GROUPS = "md_mediator, md_supervisor"


def upgrade() -> None:
    op.create_table('warnings',
    sa.Column('office_id', sa.Uuid(), nullable=False),
    sa.Column('rule', sa.String(length=24), nullable=False),
    sa.Column('subject_key', sa.String(length=160), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('case_ids', sa.Text(), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('threshold', sa.Integer(), nullable=True),
    sa.Column('window_days', sa.Integer(), nullable=True),
    sa.Column('first_fired_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_grown_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by', sa.String(length=64), nullable=False),
    sa.Column('ack_note', sa.Text(), nullable=False),
    sa.Column('acked_count', sa.Integer(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('modified_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('modified_by', sa.String(length=64), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'],
                            name=op.f('fk_warnings_office_id_offices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_warnings'))
    )
    with op.batch_alter_table('warnings', schema=None) as batch_op:
        batch_op.create_index('ix_warnings_office_grown', ['office_id', 'last_grown_at'],
                              unique=False)
    # Not a batch operation: an index alone never needs the cases table rebuilt.
    op.create_index('ix_cases_linked', 'cases', ['linked_case_id'], unique=False,
                    sqlite_where=sa.text('linked_case_id IS NOT NULL'),
                    postgresql_where=sa.text('linked_case_id IS NOT NULL'))
    if op.get_bind().dialect.name == "postgresql":
        _postgresql()


def _postgresql() -> None:
    ex = op.execute
    ex(f"GRANT SELECT, INSERT, UPDATE ON warnings TO {GROUPS}")
    ex("ALTER TABLE warnings ENABLE ROW LEVEL SECURITY")
    mine = "office_id = (SELECT md_office())"
    ex(f"CREATE POLICY office_rows ON warnings USING ({mine}) WITH CHECK ({mine})")
    ex("""CREATE TRIGGER md_stamp_modified_by BEFORE INSERT OR UPDATE ON public.warnings
          FOR EACH ROW EXECUTE FUNCTION public.md_stamp_modified_by()""")
    # md_log_changes (migration 0007) names the office tables a login may log changes of.
    ex("""DO $$
          DECLARE
            def text := pg_catalog.pg_get_functiondef(
                          'public.md_log_changes(jsonb)'::pg_catalog.regprocedure);
          BEGIN
            IF pg_catalog.strpos(def, '''warnings''') = 0 THEN
              IF pg_catalog.strpos(def, 'IN (''audit_events'',') = 0 THEN
                RAISE EXCEPTION 'md_log_changes is not as migration 0007 made it';
              END IF;
              EXECUTE pg_catalog.replace(def, 'IN (''audit_events'',',
                                         'IN (''warnings'', ''audit_events'',');
            END IF;
          END $$""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""DO $$
              DECLARE
                def text := pg_catalog.pg_get_functiondef(
                              'public.md_log_changes(jsonb)'::pg_catalog.regprocedure);
              BEGIN
                EXECUTE pg_catalog.replace(def, '''warnings'', ', '');
              END $$""")
    op.drop_index('ix_cases_linked', 'cases')
    with op.batch_alter_table('warnings', schema=None) as batch_op:
        batch_op.drop_index('ix_warnings_office_grown')
    op.drop_table('warnings')
