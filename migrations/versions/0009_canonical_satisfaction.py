"""Satisfaction has one spelling: "average" (一般), as the services have always written it.

Demo stores (and anything imported or synced from one) say "neutral". The mapping is the
same in the local store and the central database, so both sides agree without a sync
round: the statements bypass the ORM, so nothing goes to the outbox, and no row's version
moves (a workstation that has not upgraded yet keeps its own copy until it does, and its
rows are normalised on the way in anyway: app.store.base.EnumText).

Audit events keep the word they were written with: they are hash-chained, and the UI
reads "neutral" as 一般 (Satisfaction._missing_). Final documents are immutable and never
stored the word (a follow-up record prints it from the follow-up row).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-10 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# (table, column): stored spelling -> the one canonical spelling.
MAPPING = {
    ("cases", "satisfaction"): {"neutral": "average"},
    ("follow_ups", "satisfaction"): {"neutral": "average"},
}


def upgrade() -> None:
    for (table, column), values in MAPPING.items():
        for old, new in values.items():
            op.execute(sa.text(f"UPDATE {table} SET {column} = :new WHERE {column} = :old")
                       .bindparams(new=new, old=old))


def downgrade() -> None:
    # "average" was always a valid spelling: there is nothing to take back.
    pass
