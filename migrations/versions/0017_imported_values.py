"""What an import of work orders last wrote into each case (issue 15, item 1): a local
table, never synced, so a re-import of the same export updates only the fields nobody
has edited since. Created on the central database too (one schema for both), where no
login is granted anything on it.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-10 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'imported_values',
        sa.Column('case_id', sa.Uuid(), nullable=False),
        sa.Column('values', sa.JSON(), nullable=False),
        sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'],
                                name=op.f('fk_imported_values_case_id_cases'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('case_id', name=op.f('pk_imported_values')),
    )


def downgrade() -> None:
    op.drop_table('imported_values')
