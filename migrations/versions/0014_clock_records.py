"""Clocks that outlive their cases (issue 14, item 5): when a case was last reopened, so
that the clocks which restart count from the reopening; and which clock a note answers,
for the two clock records kept in the append-only notes: the 送达 of a notice (终止调解,
举报处理结果) and an approved extension of the report verification limit.

Both columns are synced like the rest of their rows, so they are added on the central
database too; empty by default, so rows written by a workstation not yet upgraded stay
valid (an old workstation's notes are never clock records).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reopened_at', sa.DateTime(timezone=True),
                                      nullable=True))
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('clock', sa.String(length=32), nullable=False,
                                      server_default=''))


def downgrade() -> None:
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+, PostgreSQL), as 0010.
    op.execute("ALTER TABLE notes DROP COLUMN clock")
    op.execute("ALTER TABLE cases DROP COLUMN reopened_at")
