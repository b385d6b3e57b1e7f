"""Group disputes (群体性纠纷, issue 17): dispute_groups, their members (one row per
group and case, its id made of both) and the refunds paid to members.

Centrally (PostgreSQL) all three are office tables like warnings: row-level security by
the login's office, SELECT/INSERT/UPDATE for logins, modified_by stamped by the server,
and md_log_changes learns their names. A trigger holds each row to its office: a
member's case and group, and a payment's member and case, are the row's office's (a
colleague elsewhere cannot put another office's case into a group, or pay against it,
even with psql).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 05:50:46
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

GROUPS = "md_mediator, md_supervisor"
TABLES = ("dispute_groups", "group_members", "group_payments")
# md_log_changes (migration 0007) lists the office tables a login may log changes of;
# 0018 put warnings first in it.
LOGGED_BEFORE = "IN ('warnings', "
LOGGED_AFTER = "IN ('dispute_groups', 'group_members', 'group_payments', 'warnings', "


def upgrade() -> None:
    op.create_table('dispute_groups',
    sa.Column('office_id', sa.Uuid(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('respondent_name', sa.String(length=120), nullable=False),
    sa.Column('respondent_uscc', sa.String(length=18), nullable=False),
    sa.Column('lead_mediator_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('origin', sa.String(length=16), nullable=False),
    sa.Column('warning_id', sa.Uuid(), nullable=True),
    sa.Column('representatives', sa.JSON(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('undertaking', sa.Text(), nullable=False),
    sa.Column('refund_basis', sa.String(length=16), nullable=False),
    sa.Column('unit_price_fen', sa.BigInteger(), nullable=True),
    sa.Column('share_basis_points', sa.Integer(), nullable=True),
    sa.Column('fixed_fen', sa.BigInteger(), nullable=True),
    sa.Column('refund_due_on', sa.Date(), nullable=True),
    sa.Column('agreement_prefix', sa.String(length=64), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('modified_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('modified_by', sa.String(length=64), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['lead_mediator_id'], ['mediators.id'], name=op.f('fk_dispute_groups_lead_mediator_id_mediators')),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_dispute_groups_office_id_offices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispute_groups'))
    )
    with op.batch_alter_table('dispute_groups', schema=None) as batch_op:
        batch_op.create_index('ix_dispute_groups_office_status', ['office_id', 'status'], unique=False)

    op.create_table('group_members',
    sa.Column('office_id', sa.Uuid(), nullable=False),
    sa.Column('group_id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('representative', sa.Boolean(), nullable=False),
    sa.Column('individual', sa.Boolean(), nullable=False),
    sa.Column('unused_sessions', sa.Integer(), nullable=True),
    sa.Column('prepaid_balance_fen', sa.BigInteger(), nullable=True),
    sa.Column('agreed_fen', sa.BigInteger(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('agreement_number', sa.String(length=80), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('modified_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('modified_by', sa.String(length=64), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_group_members_case_id_cases')),
    sa.ForeignKeyConstraint(['group_id'], ['dispute_groups.id'], name=op.f('fk_group_members_group_id_dispute_groups')),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_group_members_office_id_offices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_members'))
    )
    with op.batch_alter_table('group_members', schema=None) as batch_op:
        batch_op.create_index('ix_group_members_case', ['case_id'], unique=False)
        batch_op.create_index('ix_group_members_group', ['group_id'], unique=False)

    op.create_table('group_payments',
    sa.Column('office_id', sa.Uuid(), nullable=False),
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('modified_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('modified_by', sa.String(length=64), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_group_payments_case_id_cases')),
    sa.ForeignKeyConstraint(['member_id'], ['group_members.id'], name=op.f('fk_group_payments_member_id_group_members')),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_group_payments_office_id_offices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_payments'))
    )
    with op.batch_alter_table('group_payments', schema=None) as batch_op:
        batch_op.create_index('ix_group_payments_member', ['member_id'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        _postgresql()


def _postgresql() -> None:
    ex = op.execute
    mine = "office_id = (SELECT md_office())"
    for table in TABLES:
        ex(f"GRANT SELECT, INSERT, UPDATE ON {table} TO {GROUPS}")
        ex(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        ex(f"CREATE POLICY office_rows ON {table} USING ({mine}) WITH CHECK ({mine})")
        ex(f"""CREATE TRIGGER md_stamp_modified_by BEFORE INSERT OR UPDATE ON public.{table}
               FOR EACH ROW EXECUTE FUNCTION public.md_stamp_modified_by()""")
    # Invoker's rights: a login sees only its office's cases, groups and members, so a
    # row naming another office's is refused whoever writes it.
    ex("""CREATE FUNCTION public.md_check_group_row() RETURNS trigger
          LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
          BEGIN
            IF TG_TABLE_NAME = 'group_members' THEN
              IF NOT EXISTS (SELECT 1 FROM public.cases c
                             WHERE c.id = NEW.case_id AND c.office_id = NEW.office_id)
                 OR NOT EXISTS (SELECT 1 FROM public.dispute_groups g
                                WHERE g.id = NEW.group_id AND g.office_id = NEW.office_id)
              THEN
                RAISE EXCEPTION 'a group member is a case of the group''s office'
                  USING ERRCODE = '42501';
              END IF;
            ELSIF NOT EXISTS (SELECT 1 FROM public.group_members m
                              WHERE m.id = NEW.member_id AND m.case_id = NEW.case_id
                                AND m.office_id = NEW.office_id) THEN
              RAISE EXCEPTION 'a payment is made to a member of the row''s office'
                USING ERRCODE = '42501';
            END IF;
            RETURN NEW;
          END $$""")
    ex("REVOKE ALL ON FUNCTION public.md_check_group_row() FROM PUBLIC")
    ex(f"GRANT EXECUTE ON FUNCTION public.md_check_group_row() TO {GROUPS}")
    for table in ("group_members", "group_payments"):
        ex(f"""CREATE TRIGGER md_check_group_row BEFORE INSERT OR UPDATE ON public.{table}
               FOR EACH ROW EXECUTE FUNCTION public.md_check_group_row()""")
    _replace_in_log_changes(LOGGED_BEFORE, LOGGED_AFTER, check=True)


def _replace_in_log_changes(old: str, new: str, *, check: bool = False) -> None:
    """md_log_changes patched in place (as 0018 did), so the tables other revisions add
    stay in its list."""
    quoted_old, quoted_new = (s.replace("'", "''") for s in (old, new))
    guard = (f"IF pg_catalog.strpos(def, '{quoted_old}') = 0 THEN "
             "RAISE EXCEPTION 'md_log_changes is not as migration 0018 left it'; END IF;"
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
        for table in ("group_members", "group_payments"):
            op.execute(f"DROP TRIGGER md_check_group_row ON public.{table}")
        op.execute("DROP FUNCTION public.md_check_group_row()")
    with op.batch_alter_table('group_payments', schema=None) as batch_op:
        batch_op.drop_index('ix_group_payments_member')
    op.drop_table('group_payments')
    with op.batch_alter_table('group_members', schema=None) as batch_op:
        batch_op.drop_index('ix_group_members_group')
        batch_op.drop_index('ix_group_members_case')
    op.drop_table('group_members')
    with op.batch_alter_table('dispute_groups', schema=None) as batch_op:
        batch_op.drop_index('ix_dispute_groups_office_status')
    op.drop_table('dispute_groups')
