"""The grounds of each rule set (issue 14, item 1): the 不予受理 and 终止调解 grounds a case
received in the rule set's period may be closed on, with the words and the legal basis its
notices print. A notice for a case received on 2026-05-04 then cites the rules in force
that day (总局令第121号), never the repealed 暂行办法, and an Order 121 ground is not
offered on a case received before 2026-04-15.

The shipped rule sets get their grounds here (from app/core/rules), on the workstation
and on the central database alike, so that both hold the same words without a sync.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 16:10:00
"""

from __future__ import annotations


import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('deadline_rule_sets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rejection_grounds', sa.JSON(), nullable=False,
                                      server_default=sa.text("'{}'")))
        batch_op.add_column(sa.Column('termination_grounds', sa.JSON(), nullable=False,
                                      server_default=sa.text("'{}'")))
    from app.core.deadlines import BASELINE_RULE_SETS

    table = sa.table('deadline_rule_sets', sa.column('code', sa.String),
                     sa.column('rejection_grounds', sa.JSON),
                     sa.column('termination_grounds', sa.JSON))
    bind = op.get_bind()
    for rs in BASELINE_RULE_SETS:
        data = rs.to_dict()
        bind.execute(table.update().where(table.c.code == rs.code).values(
            rejection_grounds=data["rejection_grounds"],
            termination_grounds=data["termination_grounds"]))


def downgrade() -> None:
    op.execute("ALTER TABLE deadline_rule_sets DROP COLUMN termination_grounds")
    op.execute("ALTER TABLE deadline_rule_sets DROP COLUMN rejection_grounds")
