"""The bulk writer's own bind processors (app.store.bulk.InsertPlan) give the driver
exactly what SQLAlchemy's would: a case written in bulk reads back as one the ORM wrote."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import Boolean, Date, Uuid
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite

from app.store.base import UtcDateTime
from app.store.bulk import _OWN_PROCESSORS, insert_plan
from app.store.models import AuditEvent, Case, Party

_DIALECT = SQLiteDialect_pysqlite()
_SAMPLES = {
    UtcDateTime: [None, datetime(2026, 3, 5, 9, 7, tzinfo=timezone(timedelta(hours=8))),
                  datetime(2026, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
                  datetime(1, 1, 1, 0, 0, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)],
    Date: [None, date(2026, 4, 15), date(999, 1, 2)],
    Uuid: [None, uuid.UUID(int=0), uuid.uuid4(), uuid.UUID("01a23ef7-a605-7000-8957-2b9a6b8f251b")],
    Boolean: [None, True, False, 0, 1],
}


def _sqlalchemy(kind):
    return kind().dialect_impl(_DIALECT).bind_processor(_DIALECT)


@pytest.mark.parametrize("kind", list(_OWN_PROCESSORS), ids=lambda k: k.__name__)
def test_each_own_processor_gives_what_sqlalchemys_gives(kind):
    assert set(_SAMPLES) == set(_OWN_PROCESSORS)
    for value in _SAMPLES[kind]:
        assert _OWN_PROCESSORS[kind](value) == _sqlalchemy(kind)(value), value


@pytest.mark.parametrize("kind, wrong", [(UtcDateTime, datetime(2026, 3, 5, 9, 7)),
                                         (Boolean, 2), (Boolean, "yes")],
                         ids=["naive instant", "two", "text"])
def test_what_sqlalchemy_refuses_is_refused(kind, wrong):
    with pytest.raises((TypeError, ValueError)):
        _sqlalchemy(kind)(wrong)
    with pytest.raises((TypeError, ValueError)):
        _OWN_PROCESSORS[kind](wrong)


def test_every_column_of_the_bulk_tables_is_processed_as_sqlalchemy_would():
    """The plan's processor of each column gives what the column type's does, for a
    sample of the column's kind (the plans cover every column, in order)."""
    for table in (Case.__table__, Party.__table__, AuditEvent.__table__):
        plan = insert_plan(table)
        assert plan.names == tuple(c.name for c in table.columns)
        own = dict(plan.processed)
        for i, column in enumerate(table.columns):
            theirs = column.type.dialect_impl(_DIALECT).bind_processor(_DIALECT)
            for value in _SAMPLES.get(type(column.type), [None]):
                want = theirs(value) if theirs is not None else value
                got = own[i](value) if i in own else value
                assert got == want, (table.name, column.name, value)


def test_json_is_kept_with_its_chinese_as_itself_by_the_orm_and_by_the_bulk_writer(ws):
    from app.store.models import OfficeSetting

    changes = {"complainant_name": [None, "王伟"]}
    plan = insert_plan(AuditEvent.__table__)
    bulk_text = dict(plan.processed)[plan.names.index("changes")](changes)
    assert "王伟" in bulk_text and "\\u" not in bulk_text
    with ws.store.unit_of_work() as session:
        session.add(OfficeSetting(office_id=ws.actor.office_id, key="k", value=changes))
    con = ws.store.connect_raw()
    try:
        (stored,) = con.execute("SELECT value FROM office_settings WHERE key = 'k'").fetchone()
    finally:
        con.close()
    assert stored == bulk_text


def test_a_bulk_load_marks_the_summary_days_the_per_row_trigger_marks(ws):
    """DeferredStatsMarks drops stats_mark_insert for a load and marks the loaded cases'
    days in one statement: the same (office, day) marks, received, accepted and closed,
    either side of 16:00 UTC (midnight in China), and the trigger back afterwards."""
    from app.services import cases
    from app.store.bulk import DeferredStatsMarks
    from tests.conftest import complaint_form

    for n, received in enumerate((datetime(2026, 2, 1, 15, 59, 59, 999_999, tzinfo=UTC),
                                  datetime(2026, 2, 1, 16, 0, tzinfo=UTC),
                                  datetime(2026, 2, 9, 2, 0, tzinfo=UTC))):
        cases.intake_work_order(ws, complaint_form(source_ticket=f"T{n}", received_at=received))
    con = ws.store.connect_raw()
    try:
        con.execute("PRAGMA foreign_keys = OFF")
        con.execute("UPDATE cases SET accepted_at = '2026-03-04 16:30:00.000000' "
                    "WHERE source_ticket = 'T0'")
        con.execute("UPDATE cases SET closed_at = '2026-04-02 03:00:00.000000' "
                    "WHERE source_ticket = 'T2'")
        con.execute("CREATE TEMP TABLE saved AS SELECT * FROM cases")
        con.commit()

        def load(deferred: bool) -> set:
            con.execute("DELETE FROM cases")
            con.execute("DELETE FROM stats_dirty")
            marks = DeferredStatsMarks(con)
            if deferred:
                marks.drop()
                assert con.execute("SELECT count(*) FROM sqlite_master "
                                   "WHERE name = 'stats_mark_insert'").fetchone()[0] == 0
            con.execute("INSERT INTO cases SELECT * FROM saved")
            if deferred:
                marks.restore()
            con.commit()
            return set(con.execute("SELECT office_id, day FROM stats_dirty").fetchall())

        by_trigger = load(deferred=False)
        assert {day for _, day in by_trigger} == {
            date(2026, 2, 1).toordinal(), date(2026, 2, 2).toordinal(),
            date(2026, 2, 9).toordinal(), date(2026, 3, 5).toordinal(),
            date(2026, 4, 2).toordinal()}
        assert load(deferred=True) == by_trigger
        assert con.execute("SELECT count(*) FROM sqlite_master "
                           "WHERE name = 'stats_mark_insert'").fetchone()[0] == 1
    finally:
        con.close()
