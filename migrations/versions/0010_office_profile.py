"""Who the office is, as printed on notices: the office's address and phone, and a
mediator's 调解员证号 (issue 13: first run and 设置 → 本机构 / 个人资料); and who verified a
rule set against its legal text, and when (设置 → 期限规则).

The columns are synced like the rest of their rows, so they are added on the central
database too; empty by default, so rows written by a workstation not yet upgraded stay
valid.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 13:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('offices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(length=200), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('phone', sa.String(length=32), nullable=False,
                                      server_default=''))
    with op.batch_alter_table('mediators', schema=None) as batch_op:
        batch_op.add_column(sa.Column('certificate_no', sa.String(length=32), nullable=False,
                                      server_default=''))
    with op.batch_alter_table('deadline_rule_sets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verified_by', sa.String(length=64), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('verified_at', sa.DateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+, PostgreSQL): a batch rebuild of
    # mediators would trip the foreign keys that point at it.
    op.execute("ALTER TABLE deadline_rule_sets DROP COLUMN verified_at")
    op.execute("ALTER TABLE deadline_rule_sets DROP COLUMN verified_by")
    op.execute("ALTER TABLE mediators DROP COLUMN certificate_no")
    op.execute("ALTER TABLE offices DROP COLUMN phone")
    op.execute("ALTER TABLE offices DROP COLUMN address")
