"""The day a case's 卷宗 was made final (归档), derived on the case (synced last-writer),
with a partial index for the queue's 待归档 view: live closed complaints without it.

A 卷宗 made final before this revision sets the day from its finalisation (China time).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 10:00:00
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

_WHERE = ("deleted = false AND archived_on IS NULL AND kind = 'complaint' "
          "AND {status} IN ('closed', 'followed_up', 'rated')")
# "+status" on SQLite: the queue's condition, in its words (app/store/models/case.py).
_SQLITE, _PG = _WHERE.format(status="+status"), _WHERE.format(status="status")
# Pages in order of receipt; a count from the index alone.
_INDEXES = (("ix_cases_to_archive", ["received_at"]),
            ("ix_cases_to_archive_count", ["status", "kind", "archived_on", "deleted"]))
_CHINA = timedelta(hours=8)  # UTC+8 all year


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_on', sa.Date(), nullable=True))
        for name, columns in _INDEXES:
            batch_op.create_index(name, columns, unique=False, sqlite_where=sa.text(_SQLITE),
                                  postgresql_where=sa.text(_PG))
    bind = op.get_bind()
    documents = sa.table('documents', sa.column('case_id', sa.Uuid()),
                         sa.column('kind', sa.String()), sa.column('state', sa.String()),
                         sa.column('deleted', sa.Boolean()),
                         sa.column('finalized_at', sa.DateTime(timezone=True)))
    cases = sa.table('cases', sa.column('id', sa.Uuid()), sa.column('archived_on', sa.Date()))
    rows = bind.execute(sa.select(documents.c.case_id, sa.func.min(documents.c.finalized_at))
                        .where(documents.c.kind == 'dossier', documents.c.deleted.is_(False),
                               documents.c.state.in_(['final', 'signed']),
                               documents.c.finalized_at.is_not(None))
                        .group_by(documents.c.case_id)).all()
    for case_id, finalized in rows:
        if isinstance(finalized, str):  # SQLite hands the stored text back
            finalized = datetime.fromisoformat(finalized)
        if finalized.tzinfo is not None:
            finalized = finalized.astimezone(UTC).replace(tzinfo=None)
        bind.execute(sa.update(cases).where(cases.c.id == case_id)
                     .values(archived_on=(finalized + _CHINA).date()))


def downgrade() -> None:
    for name, _ in _INDEXES:
        op.drop_index(name, table_name='cases', sqlite_where=sa.text(_SQLITE),
                      postgresql_where=sa.text(_PG))
    # In place, not a batch copy of the table: the other tables' keys point at cases.
    op.execute("ALTER TABLE cases DROP COLUMN archived_on")
