"""Summaries of the supervisor's figures (issue 15, "Budgets"): per-day sums of the
figures' facts (stats_daily), of the breakdowns (stats_daily_by), the respondent
businesses per month (stats_monthly_by), the cases a repeat complainant can be among
(stats_repeat_cases), and which office's days are out of date (stats_dirty).

A trigger on ``cases`` only marks the (office, China day) of a changed case's receipt,
closing and acceptance, old and new, in stats_dirty (INSERT … ON CONFLICT DO NOTHING):
cheap enough that bulk loads are not slowed. app/services/stats_summary.py recomputes
dirty days before answering (or counts them from ``cases``). An upgraded store marks
every day of every office dirty; the workstation builds the summaries in the background.

On PostgreSQL the trigger is SECURITY DEFINER, SET search_path = pg_catalog, public, pg_temp
(pg_temp last: a login's temporary table cannot shadow stats_dirty), as logins write
cases, not the summaries; logins read their own office's summary rows only (row-level
security by office_id) and write none; the administrator recomputes them.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-12 10:00:00
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

GROUPS = "md_mediator, md_supervisor"
TABLES = ("stats_dirty", "stats_daily", "stats_daily_by", "stats_monthly_by",
          "stats_repeat_cases")
# The columns of a case whose change can change a figure, a breakdown or a trend.
WATCHED = ("office_id", "mediator_id", "received_at", "accepted_at", "assigned_at",
           "closed_at", "first_contact_at", "completion_due_at", "status", "outcome", "kind",
           "satisfaction", "amount_recovered_fen", "linked_case_id", "deleted", "source",
           "category", "issue_type", "region", "respondent_uscc", "respondent_name",
           "complainant_phone")
DAY_COLUMNS = ("received_at", "closed_at", "accepted_at")

_MEASURES = ("received", "response_24h_d", "response_24h_n", "dispatch_2h_d",
             "dispatch_2h_n", "completion_d", "completion_n", "multi_channel", "closed",
             "rejected", "on_time_d", "on_time_n", "success_d", "success_n",
             "satisfaction_d", "satisfaction_n", "recovered_fen", "referrals", "accepted")


def sqlite_day(column: str) -> str:
    """The China day number of a stored UTC instant ('YYYY-MM-DD HH:MM:SS…'): the UTC
    date's ordinal, plus one from 16:00 UTC on. Read off the text, so no instant a
    millisecond before midnight rounds into the next day."""
    return (f"(CAST(julianday(substr({column}, 1, 10)) - 1721424.5 AS INTEGER) "
            f"+ (substr({column}, 12, 2) >= '16'))")


def postgresql_day(column: str) -> str:
    return f"((({column} AT TIME ZONE 'UTC') + INTERVAL '8 hours')::date - DATE '0001-01-01' + 1)"


def upgrade() -> None:
    op.create_table('stats_dirty',
    sa.Column('office_id', sa.Uuid(), nullable=False),
    sa.Column('day', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('office_id', 'day', name=op.f('pk_stats_dirty'))
    )
    op.create_table('stats_daily',
    sa.Column('office_id', sa.Uuid(), nullable=False),
    sa.Column('day', sa.Integer(), nullable=False),
    sa.Column('cohort', sa.String(length=8), nullable=False),
    sa.Column('mediator_id', sa.Uuid(), nullable=False),
    *(sa.Column(name, sa.BigInteger() if name == 'recovered_fen' else sa.Integer(),
                nullable=False) for name in _MEASURES),
    sa.PrimaryKeyConstraint('office_id', 'day', 'cohort', 'mediator_id',
                            name=op.f('pk_stats_daily'))
    )
    op.create_index('ix_stats_daily_day', 'stats_daily', ['day', 'office_id'], unique=False)
    op.create_table('stats_daily_by',
    sa.Column('office_id', sa.Uuid(), nullable=False),
    sa.Column('day', sa.Integer(), nullable=False),
    sa.Column('dimension', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=160), nullable=False),
    sa.Column('received', sa.Integer(), nullable=False),
    sa.Column('closed', sa.Integer(), nullable=False),
    sa.Column('recovered_fen', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('office_id', 'day', 'dimension', 'key',
                            name=op.f('pk_stats_daily_by'))
    )
    op.create_index('ix_stats_daily_by_dim_day', 'stats_daily_by',
                    ['dimension', 'day', 'office_id'], unique=False)
    op.create_table('stats_monthly_by',
    sa.Column('office_id', sa.Uuid(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=160), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('received', sa.Integer(), nullable=False),
    sa.Column('closed', sa.Integer(), nullable=False),
    sa.Column('recovered_fen', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('office_id', 'month', 'key', name=op.f('pk_stats_monthly_by'))
    )
    op.create_index('ix_stats_monthly_by_month', 'stats_monthly_by', ['month', 'office_id'],
                    unique=False)
    op.create_table('stats_repeat_cases',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('office_id', sa.Uuid(), nullable=False),
    sa.Column('mediator_id', sa.Uuid(), nullable=False),
    sa.Column('day', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_stats_repeat_cases'))
    )
    op.create_index('ix_stats_repeat_cases_day', 'stats_repeat_cases', ['day', 'office_id'],
                    unique=False)
    op.create_index('ix_stats_repeat_cases_phone', 'stats_repeat_cases', ['phone'],
                    unique=False)

    if op.get_bind().dialect.name == "postgresql":
        _postgresql()
    else:
        _sqlite()
    _mark_everything()


def _sqlite() -> None:
    def marks(row: str) -> str:
        days = " UNION ".join(f"SELECT {sqlite_day(f'{row}.{c}')} AS d" for c in DAY_COLUMNS)
        # NOT EXISTS, not OR IGNORE: an outer upsert (a sync pull) would override the
        # trigger's conflict clause with its own.
        return (f"INSERT INTO stats_dirty (office_id, day) "
                f"SELECT {row}.office_id, d FROM ({days}) WHERE d IS NOT NULL "
                f"AND NOT EXISTS (SELECT 1 FROM stats_dirty s "
                f"WHERE s.office_id = {row}.office_id AND s.day = d);")

    op.execute(f"CREATE TRIGGER stats_mark_insert AFTER INSERT ON cases "
               f"BEGIN {marks('NEW')} END")
    op.execute(f"CREATE TRIGGER stats_mark_update AFTER UPDATE OF {', '.join(WATCHED)} "
               f"ON cases BEGIN {marks('OLD')} {marks('NEW')} END")
    op.execute(f"CREATE TRIGGER stats_mark_delete AFTER DELETE ON cases "
               f"BEGIN {marks('OLD')} END")


def _postgresql() -> None:
    ex = op.execute

    def marks(row: str) -> str:
        days = ", ".join(postgresql_day(f"{row}.{c}") for c in DAY_COLUMNS)
        return (f"INSERT INTO public.stats_dirty (office_id, day) "
                f"SELECT DISTINCT {row}.office_id, d FROM unnest(ARRAY[{days}]) AS d "
                f"WHERE d IS NOT NULL ON CONFLICT DO NOTHING;")

    ex(f"""CREATE OR REPLACE FUNCTION public.md_stats_mark() RETURNS trigger
          LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
          BEGIN
            IF TG_OP <> 'INSERT' THEN {marks('OLD')} END IF;
            IF TG_OP <> 'DELETE' THEN {marks('NEW')} END IF;
            RETURN NULL;
          END $$""")
    ex("REVOKE ALL ON FUNCTION public.md_stats_mark() FROM PUBLIC")
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in WATCHED)
    ex("CREATE TRIGGER stats_mark_insert AFTER INSERT OR DELETE ON cases "
       "FOR EACH ROW EXECUTE FUNCTION public.md_stats_mark()")
    ex(f"CREATE TRIGGER stats_mark_update AFTER UPDATE OF {', '.join(WATCHED)} ON cases "
       f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION public.md_stats_mark()")
    for table in TABLES:
        ex(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        # stats_dirty's (nil office, day 0) row says the repeat cases are being rebuilt.
        extra = (" OR office_id = '00000000-0000-0000-0000-000000000000'"
                 if table == "stats_dirty" else "")
        ex(f"CREATE POLICY office_rows ON {table} FOR SELECT "
           f"USING (office_id = (SELECT public.md_office()){extra})")
        ex(f"REVOKE ALL ON {table} FROM PUBLIC")
        ex(f"GRANT SELECT ON {table} TO {GROUPS}")


def _mark_everything() -> None:
    """Every day of every office from the first case to the last is out of date."""
    bind = op.get_bind()
    lo, hi = bind.execute(sa.text(
        "SELECT min(received_at), max(coalesce(closed_at, received_at)) FROM cases")).one()
    if lo is None:
        return

    def china_day(v):
        v = v if isinstance(v, datetime) else datetime.fromisoformat(str(v))
        v = v.astimezone(UTC) if v.tzinfo else v.replace(tzinfo=UTC)
        return (v + timedelta(hours=8)).date()

    first = china_day(lo)
    last = max(china_day(hi), china_day(datetime.now(UTC)))
    last_accepted = bind.execute(sa.text("SELECT max(accepted_at) FROM cases")).scalar()
    if last_accepted is not None:
        last = max(last, china_day(last_accepted))
    offices = [r[0] for r in bind.execute(sa.text("SELECT DISTINCT office_id FROM cases"))]
    days = range(first.toordinal(), last.toordinal() + 1)
    table = sa.table("stats_dirty", sa.column("office_id", sa.Uuid()),
                     sa.column("day", sa.Integer()))
    for office in offices:
        office = office if isinstance(office, uuid.UUID) else uuid.UUID(str(office))
        bind.execute(table.insert(), [{"office_id": office, "day": d} for d in days])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS stats_mark_insert ON cases")
        op.execute("DROP TRIGGER IF EXISTS stats_mark_update ON cases")
        op.execute("DROP FUNCTION IF EXISTS public.md_stats_mark()")
    else:
        for name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS stats_mark_{name}")
    for table in reversed(TABLES):
        op.drop_table(table)
