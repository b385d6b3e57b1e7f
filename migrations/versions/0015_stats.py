"""The supervisor's figures (issue 15, item 2): when the clock that completing a case
answers runs out (``completion_due_at``, derived by the clocks and synced last-writer),
so that "closed on time" is a comparison in SQL; and partial indexes (live cases) for
the cases closed and accepted in a period, which the figures count by those instants.

Cases closed before this revision have no ``completion_due_at`` until their clocks are
computed again (``mediation-desk stats --fill-clocks``): the on-time rate counts only
cases whose due is known, and says how many it measured.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-10 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

_LIVE = sa.text("deleted = false")
_INDEXES = (("ix_cases_q_closed", ["closed_at"]), ("ix_cases_q_accepted", ["accepted_at"]))


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('completion_due_at', sa.DateTime(timezone=True),
                                      nullable=True))
        for name, columns in _INDEXES:
            batch_op.create_index(name, columns, unique=False, sqlite_where=_LIVE,
                                  postgresql_where=_LIVE)


def downgrade() -> None:
    for name, _ in _INDEXES:
        op.drop_index(name, table_name='cases')
    op.execute("ALTER TABLE cases DROP COLUMN completion_due_at")
