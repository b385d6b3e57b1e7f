"""The hot-words index (issue 15, item 2): each case's words (case_words) and the
watermark of what has been segmented (case_word_docs). Local and derived, never synced:
a store upgraded to this revision has an empty index that the workstation catches up in
the background (app/services/hot_words.py catch_up).

On the central database the same tables hold the district's words, filled by the
administrator's catch-up (``mediation-desk central hot-words``) so that a district's hot
words are counted where its cases are. Logins may read the words of their own office's
cases only and write none: row-level security, with no write grant.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

GROUPS = "md_mediator, md_supervisor"


def upgrade() -> None:
    op.create_table('case_word_docs',
    sa.Column('doc', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('day', sa.Integer(), nullable=False),
    sa.Column('lexicon', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_word_docs_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('doc', name=op.f('pk_case_word_docs')),
    sa.UniqueConstraint('case_id', name=op.f('uq_case_word_docs_case_id'))
    )
    with op.batch_alter_table('case_word_docs', schema=None) as batch_op:
        batch_op.create_index('ix_case_word_docs_lexicon', ['lexicon'], unique=False)

    op.create_table('case_words',
    sa.Column('doc', sa.Integer(), nullable=False),
    sa.Column('word', sa.String(length=32), nullable=False),
    sa.Column('day', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['doc'], ['case_word_docs.doc'], name=op.f('fk_case_words_doc_case_word_docs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('doc', 'word', name=op.f('pk_case_words')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('case_words', schema=None) as batch_op:
        batch_op.create_index('ix_case_words_day_word', ['day', 'word'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        _postgresql_security()


def _postgresql_security() -> None:
    ex = op.execute
    mine = ("EXISTS (SELECT 1 FROM public.cases c WHERE c.id = case_word_docs.case_id "
            "AND c.office_id = (SELECT public.md_office()))")
    ex("ALTER TABLE case_word_docs ENABLE ROW LEVEL SECURITY")
    ex(f"CREATE POLICY office_rows ON case_word_docs FOR SELECT USING ({mine})")
    ex("ALTER TABLE case_words ENABLE ROW LEVEL SECURITY")
    ex("CREATE POLICY office_rows ON case_words FOR SELECT USING (EXISTS ("
       "SELECT 1 FROM public.case_word_docs d WHERE d.doc = case_words.doc))")
    ex("REVOKE ALL ON case_word_docs, case_words FROM PUBLIC")
    ex(f"GRANT SELECT ON case_word_docs, case_words TO {GROUPS}")


def downgrade() -> None:
    op.drop_table('case_words')
    op.drop_table('case_word_docs')
