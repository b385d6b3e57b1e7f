"""The central administrator changes the calendar, a rule set or an office (app/services/
central_reference.py); workstations that had synced already take the change at their
next sync, with their open cases' clocks recomputed centrally, so they push nothing."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.core.holiday_notice import Notice
from app.core.timeutil import china_midnight
from app.services import (
    calendar_admin,
    cases,
    central_reference,
    clocks,
    office_profile,
    queue,
    rule_admin,
)
from app.services.central_reference import OfficeRefused
from app.services.queue import QueueView
from app.services.rule_admin import RuleEditRefused
from app.store.models import AuditEvent, Case, DeadlineRuleSet, Office, SyncChange, SyncOutbox
from tests.conftest import complaint_form
from tests.services.test_calendar_admin import NOTICE_2027
from tests.sync.conftest import desk_maker

ROOT = Path(__file__).resolve().parents[2]
CODE = "samr-order121-2026"
# Received the Friday before 春节 2027: without the notice its 7 working days to accept
# end on 2027-02-11 (暂定: the statutory 除夕 to 初三 are known days off, the 调休 is not);
# the notice makes 2-9 to 2-12 days off and Sunday 2-14 a working day: 2027-02-16.
RECEIVED = datetime(2027, 1, 29, 2, 0, tzinfo=UTC)
TAKEN_IN = datetime(2027, 1, 29, 4, 0, tzinfo=UTC)
DUE_BEFORE, DUE_AFTER = date(2027, 2, 11), date(2027, 2, 16)


def sync(desk):
    """A sync as the workstation runs it (app/ui/sync/sync_wiring.py): a pull that
    touched the calendar, rule sets or pledges recomputes the open cases' clocks."""
    report = desk.sync()
    recomputed = None
    if report.pulled_tables & clocks.CLOCK_TABLES:
        recomputed, _ = clocks.recompute_open_clocks(desk.ws)
    return report, recomputed


def _case(desk, case_id) -> Case:
    with desk.store.sessions() as s:
        return s.get(Case, case_id)


def _outbox(desk, table: str = "cases") -> int:
    with desk.store.sessions() as s:
        return s.scalar(select(func.count()).select_from(SyncOutbox)
                        .where(SyncOutbox.table_name == table))


def _changes_logged(central) -> int:
    with central.admin().connect() as conn:
        return conn.execute(select(func.count()).select_from(SyncChange)).scalar_one()


def test_a_notice_loaded_centrally_reaches_a_desk_that_had_synced(central, desks):
    a, b = desks("mdt_zhangmin"), desks("mdt_wangfang")
    a.ws.now = lambda: TAKEN_IN
    case_id, _ = cases.intake_work_order(a.ws, complaint_form(received_at=RECEIVED))
    assert (_case(a, case_id).next_deadline_on, _case(a, case_id).deadline_provisional) == (
        DUE_BEFORE, True)
    a.sync()
    sync(b)
    b.ws.now = lambda: china_midnight(DUE_BEFORE).astimezone(UTC) + timedelta(hours=3)
    assert calendar_admin.year(b.ws, 2027) is None
    due_today = queue.view_counts(b.ws)[QueueView.DUE_TODAY]
    assert due_today == 1

    saved = central_reference.import_calendar(
        central.admin(), central_reference.read_notice(NOTICE_2027), actor="王科长")
    assert saved.changed and saved.years == (2027,)
    assert (saved.recompute.checked, saved.recompute.changed) == (1, 1)

    report, recomputed = sync(b)
    assert {"calendar_years", "cases"} <= report.pulled_tables
    year = calendar_admin.year(b.ws, 2027)
    assert year is not None and DUE_BEFORE in year.holidays
    assert {y.year: y for y in calendar_admin.years(b.ws)}[2027].modified_by == "王科长"
    case = _case(b, case_id)
    assert (case.next_deadline_on, case.deadline_provisional) == (DUE_AFTER, False)
    assert queue.view_counts(b.ws)[QueueView.DUE_TODAY] == due_today - 1
    # The central database computed what the desk would: nothing to write, nothing to send.
    assert recomputed is not None and recomputed.changed == 0
    assert _outbox(b) == 0 and b.sync().pushed == 0
    # The desk that took the case in gets it the same way.
    sync(a)
    assert _case(a, case_id).next_deadline_on == DUE_AFTER and _outbox(a) == 0
    # Loaded again unchanged: nothing written, nothing recomputed.
    logged = _changes_logged(central)
    again = central_reference.import_calendar(
        central.admin(), central_reference.read_notice(NOTICE_2027), actor="王科长")
    assert not again.changed and _changes_logged(central) == logged


def _pushed_case_rows(desks_, change) -> list[int]:
    """Case rows each desk sends after a central calendar change: its recompute's outbox
    after the sync that pulled the change, sent at its next sync."""
    for desk in desks_:
        sync(desk)
    change()
    counts = []
    for desk in desks_:  # each desk pulls the change before any desk sends anything
        sync(desk)
        counts.append(_outbox(desk))
    for desk, count in zip(desks_, counts, strict=True):
        report, _ = sync(desk)
        assert report.pushed >= count
    return counts


@pytest.fixture
def pg_desks(pg_central, tmp_path):
    yield from desk_maker(pg_central, tmp_path)


def test_three_desks_push_no_clock_values_after_a_central_calendar_change(pg_central, pg_desks):
    """The measurement of the fix: 3 desks of one office, 200 open cases. Before, the
    central database took the calendar change alone (the only way a calendar row could
    change centrally) and every desk recomputed and pushed the same 200 cases; now the
    central recompute travels with the change and no desk pushes a case."""
    first = pg_desks("mdt_zhangmin")
    first.ws.now = lambda: datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
    for n in range(200):
        cases.intake_work_order(first.ws, complaint_form(
            source_ticket=f"13101152026112{n:05d}", received_at=datetime(
                2026, 11, 20, 1, 0, tzinfo=UTC)))
    first.sync()
    trio = [first, pg_desks("mdt_wangfang"), pg_desks("mdt_lisi")]
    engine = pg_central.admin()
    year = central_reference.calendar_year(engine, 2026)

    def calendar_only() -> None:  # the old way: the row changed, nothing recomputed
        with central_reference.central_writes(engine, "admin") as session:
            calendar_admin.write_year(session, replace(year, holidays=year.holidays | {
                date(2026, 11, 24)}), actor="admin", office_id=None, now=datetime.now(UTC))

    before = _pushed_case_rows(trio, calendar_only)
    year = central_reference.calendar_year(engine, 2026)
    after = _pushed_case_rows(trio, lambda: central_reference.import_calendar(
        engine, Notice(replace(year, holidays=year.holidays | {date(2026, 11, 25)})),
        actor="admin"))
    print(f"\ncase rows pushed per desk after a calendar change: before {before}, "
          f"after {after}")
    assert before == [200, 200, 200]
    assert after == [0, 0, 0]


def test_a_rule_set_changed_centrally_moves_the_clocks_and_names_its_verifier(central, desks):
    a, b = desks("mdt_zhangmin"), desks("mdt_wangfang")
    case_id, _ = cases.intake_work_order(a.ws, complaint_form(
        received_at=datetime(2026, 11, 2, 2, 0, tzinfo=UTC)))
    a.sync(), sync(b)
    due = _case(b, case_id).next_deadline_on
    engine = central.admin()
    logged = _changes_logged(central)
    # A zero deadline is refused by the standalone service's own check: nothing written.
    with pytest.raises(RuleEditRefused) as refused:
        central_reference.set_rule_set(engine, CODE, limits={"accept_decision": 0},
                                       confirmed=None, actor="李科长")
    assert (refused.value.problem, refused.value.rule) == ("limit_not_positive", 0)
    with pytest.raises(central_reference.UnknownClock):
        central_reference.set_rule_set(engine, CODE, limits={"accept": 9}, confirmed=None,
                                       actor="李科长")
    assert _changes_logged(central) == logged

    saved = central_reference.set_rule_set(engine, CODE, limits={"accept_decision": 9},
                                           confirmed=True, actor="李科长")
    assert saved.changed and saved.recompute.changed == 1
    _, recomputed = sync(b)
    assert _case(b, case_id).next_deadline_on > due
    assert recomputed.changed == 0 and _outbox(b) == 0
    view = {v.code: v for v in rule_admin.rule_sets(b.ws)}[CODE]
    assert view.rules[0].limit == 9 and view.confirmed
    assert (view.verified_by, view.verified_by_name) == ("李科长", "李科长")
    assert view.verified_at is not None
    # A later change without --verify: the set as it now reads is not verified.
    central_reference.set_rule_set(engine, CODE, limits={"1": 8}, confirmed=None, actor="李科长")
    sync(b)
    view = {v.code: v for v in rule_admin.rule_sets(b.ws)}[CODE]
    assert view.rules[0].limit == 8 and not view.confirmed and view.verified_by == ""


def test_an_office_changed_centrally_reaches_its_desks_and_a_bad_prefix_is_refused(
        central, desks):
    b = desks("mdt_wangfang")
    engine = central.admin()
    logged = _changes_logged(central)
    with pytest.raises(OfficeRefused) as refused:
        central_reference.set_office(engine, "PD01", actor="admin", prefix="浦(消)调",
                                     phone="021-58881234")
    assert refused.value.problems == {"prefix": office_profile.ProfileProblem.BAD_PREFIX}
    with pytest.raises(OfficeRefused) as refused:
        central_reference.set_office(engine, "PD01", actor="admin", name="所" * 61,
                                     prefix="浦消调字")
    assert refused.value.problems == {"name": office_profile.ProfileProblem.TOO_LONG,
                                      "prefix": office_profile.ProfileProblem.BAD_PREFIX}
    assert _changes_logged(central) == logged

    changes = central_reference.set_office(engine, "PD01", actor="admin", prefix="浦东调",
                                           phone="021-58881234", address="上海市浦东新区")
    assert set(changes) == {"number_prefix", "phone", "address"}
    assert central_reference.set_office(engine, "PD01", actor="admin", prefix="浦东调") == {}
    sync(b)
    office, _ = office_profile.current(b.ws)
    assert (office.number_prefix, office.phone, office.address) == (
        "浦东调", "021-58881234", "上海市浦东新区")
    with b.store.sessions() as s:
        assert s.scalars(select(Office.version).where(Office.code == "PD01")).one() > 1


def test_the_audit_trail_names_the_administrator_and_the_change_log_the_rows(central, desks):
    b = desks("mdt_wangfang")
    engine = central.admin()
    central_reference.import_calendar(engine, central_reference.read_notice(NOTICE_2027),
                                      actor="王科长")
    central_reference.set_rule_set(engine, CODE, limits={}, confirmed=True, actor="李科长")
    central_reference.set_office(engine, "PD01", actor="张主任", phone="021-58881234")
    with engine.connect() as conn:
        events = conn.execute(select(AuditEvent.actor, AuditEvent.entity, AuditEvent.action)
                              .order_by(AuditEvent.at)).all()
        logged = set(conn.execute(select(SyncChange.table_name, SyncChange.actor)).all())
        verified = conn.execute(select(DeadlineRuleSet.verified_by)
                                .where(DeadlineRuleSet.code == CODE)).scalar_one()
    assert [tuple(e) for e in events][-3:] == [
        ("王科长", "calendar_year", "create"), ("李科长", "deadline_rule_set", "update"),
        ("张主任", "office", "update")]
    assert {("calendar_years", "王科长"), ("audit_events", "王科长"),
            ("deadline_rule_sets", "李科长"), ("offices", "张主任")} <= logged
    assert verified == "李科长"
    sync(b)  # the desk holds the audit rows too, as it would have written them itself
    with b.store.sessions() as s:
        assert set(s.scalars(select(AuditEvent.actor).where(AuditEvent.entity.in_(
            ["calendar_year", "deadline_rule_set", "office"])))) == {"王科长", "李科长", "张主任"}
    if central.kind == "postgresql":
        from app.services.audit_verify import verify_central

        assert verify_central(engine).intact


# ---------------------------------------------------------------- the command line


def central_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app", "central", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=300, input=stdin)


def test_the_administrators_command_reaches_a_desk_that_had_synced(pg_central, pg_desks):
    a, b = pg_desks("mdt_zhangmin"), pg_desks("mdt_wangfang")
    a.ws.now = lambda: TAKEN_IN
    case_id, _ = cases.intake_work_order(a.ws, complaint_form(received_at=RECEIVED))
    a.sync()
    sync(b)
    b.ws.now = lambda: china_midnight(DUE_BEFORE).astimezone(UTC) + timedelta(hours=3)
    due_today = queue.view_counts(b.ws)[QueueView.DUE_TODAY]
    url = pg_central.admin_url

    out = central_cli("calendar", "import", url, "-", "--official", "--by", "王科长",
                      stdin=NOTICE_2027)
    assert out.returncode == 0, out.stderr
    assert "2027: 18 days off, 4 adjusted working days saved by 王科长" in out.stdout
    assert "1 open cases recomputed" in out.stdout and "1 changed" in out.stdout
    assert "recomputing clocks: 1/1 open cases" in out.stderr
    shown = central_cli("calendar", "show", url, "2027")
    assert shown.returncode == 0, shown.stderr
    assert "source official" in shown.stdout
    assert " 1月  放假 1日、2日、3日  (元旦)" in shown.stdout.splitlines()

    report, recomputed = sync(b)
    summary = {y.year: y for y in calendar_admin.years(b.ws)}[2027]
    assert (summary.source, summary.modified_by) == ("official", "王科长")
    assert DUE_BEFORE in calendar_admin.year(b.ws, 2027).holidays
    assert _case(b, case_id).next_deadline_on == DUE_AFTER
    assert queue.view_counts(b.ws)[QueueView.DUE_TODAY] == due_today - 1
    assert recomputed.changed == 0 and _outbox(b) == 0


BAD_LINE = NOTICE_2027.replace("二、春节：2月5日（农历除夕、周五）至12日（周五）放假调休，共8天。",
                               "二、春节：放假调休，具体另行通知。")
BAD_DATE = NOTICE_2027.replace("2月20日（周六）上班", "2月30日（周六）上班")


@pytest.mark.parametrize(("args", "stdin", "words"), [
    (("calendar", "import", "{url}", "-"), BAD_LINE, "line 3: this item names no day off"),
    (("calendar", "import", "{url}", "-"), BAD_DATE, "line 3: the date 2月30日（周六） does not exist"),
    (("calendar", "import", "{url}", "-", "--official"), NOTICE_2027.split("\n", 1)[1],
     "with --official the text must be the notice with its title"),
    (("rules", "set", "{url}", CODE, "--limit", "mediation=0"), None,
     "--limit mediation: a limit must be at least 1"),
    (("rules", "set", "{url}", CODE, "--limit", "accept_decision=-2", "--limit",
      "mediation=50"), None, "--limit accept_decision: a limit must be at least 1"),
    (("rules", "set", "{url}", CODE, "--verify"), None, "--verify needs --by NAME"),
    (("office", "set", "{url}", "PD01", "--prefix", "浦消调字", "--phone", "021-58881234"),
     None, "--prefix must be 1-8 Chinese characters, not ending in 字 or 号"),
    (("office", "set", "{url}", "PD01", "--prefix", "PD(01)"), None, "--prefix must be"),
    (("office", "set", "{url}", "PD09", "--phone", "021-58881234"), None, "no office 'PD09'"),
])
def test_bad_input_is_refused_in_words_and_nothing_is_written(pg_central, args, stdin, words):
    url, engine = pg_central.admin_url, pg_central.admin()
    logged = _changes_logged(pg_central)
    before = (central_reference.rule_sets(engine), central_reference.office_row(engine, "PD01"))
    out = central_cli(*(a.format(url=url) for a in args), stdin=stdin)
    assert out.returncode == 2, out.stdout
    assert words in out.stderr and "Traceback" not in out.stderr
    assert "nothing was changed" in out.stderr or "no office" in out.stderr or \
        "needs --by" in out.stderr
    assert _changes_logged(pg_central) == logged
    assert central_reference.calendar_year(engine, 2027) is None
    assert (central_reference.rule_sets(engine),
            central_reference.office_row(engine, "PD01")) == before


def test_cases_closed_before_the_figures_get_their_completion_due_centrally(central, desks):
    """`central fill-clocks`: the administrator works the dues out once; a desk takes
    them at its next sync and pushes nothing for them."""
    from sqlalchemy import update

    from app.core.workflow import Outcome

    a = desks("mdt_zhangmin")
    case_id, _ = cases.intake_work_order(a.ws, complaint_form())
    cases.accept(a.ws, case_id)
    cases.assign(a.ws, case_id, a.ws.actor.mediator_id)
    cases.start_mediation(a.ws, case_id)
    cases.close(a.ws, case_id, Outcome.SETTLED)
    due = _case(a, case_id).completion_due_at
    assert due is not None
    a.sync()
    with central.admin().begin() as conn:  # as an older version left it
        conn.execute(update(Case).values(completion_due_at=None))
    with a.store.unit_of_work() as s:
        s.execute(update(Case).values(completion_due_at=None))

    summary = central_reference.fill_completion_dues(central.admin(), actor="王科长")
    assert (summary.checked, summary.changed) == (1, 1)
    with central.admin().connect() as conn:
        assert conn.scalar(select(Case.completion_due_at)) == due
    a.sync()
    assert _case(a, case_id).completion_due_at == due and _outbox(a) == 0
