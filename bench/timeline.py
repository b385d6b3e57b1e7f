"""Benchmark: a case with 10,000 events (issue 5): adding a note, opening the timeline.

    .venv/bin/python bench/timeline.py              # builds the store once, cached in .bench-stores/
    .venv/bin/python bench/timeline.py --runs 100   # more runs for the medians

The store is the 1,000-case demo store plus one case holding 10,000 timeline events —
2,000 session records (100 of them addenda), 4,000 notes and contact-log entries, 2,000
evidence rows (no files) and 2,000 status changes — and the audit trail its sessions and
evidence leave (4,000 more events the timeline's read passes over). It is cached in
.bench-stores/timeline-10k and copied to a temporary folder for each run, so the notes
added here never pile up in it.

Measured, in one offscreen GUI process (the application's garbage-collection guard on,
as in the app):
  a. ``app.services.notes.add_note`` on that case: median and p95 of --runs calls;
  b. opening the timeline: ``case_timeline`` alone, and the 时间线 tab at 520×700 from
     ``show_case`` to the model holding every row and the first rows painted
     (``grab()``), through the task runner as the case view does it.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# bench/queue.py would shadow the standard library's queue module: keep bench/ off the
# path, the project root on it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(ROOT))

CACHE = ROOT / ".bench-stores"
STORE = CACHE / "timeline-10k"
NEIGHBOURS = 1_000  # demo cases around the big one
TICKET = "BENCH-TIMELINE-10K"

ADD_NOTE_BUDGET_MS = 50.0
OPEN_BUDGET_MS = 300.0
SIZE = (520, 700)  # the case view is the right pane of the main window

SESSIONS, ADDENDA, NOTES, EVIDENCE, STATUS = 1_900, 100, 4_000, 2_000, 2_000


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# ------------------------------------------------------------------ the store


def _intake_form(received_at: datetime):
    from app.core.workflow import CaseKind, Source, Track
    from app.services.dto import IntakeForm, PartyInput

    return IntakeForm(
        track=Track.MARKET_COMPLAINT, kind=CaseKind.COMPLAINT, source=Source.HOTLINE_12315,
        source_ticket=TICKET, received_at=received_at,
        complainant=PartyInput(role="applicant", party_type="person", name="李秀英",
                               phone="13800135678", address="上海市浦东新区张杨路500号"),
        respondent=PartyInput(role="respondent", party_type="business",
                              name="上海悦动健身管理有限公司", address="上海市浦东新区世纪大道100号"),
        description="预付健身卡5000元，门店突然关闭，要求退还剩余费用（群体性投诉，持续办理）。",
        request="退还剩余预付款", category="预付式消费", amount_claimed="3200")


def _events(case_id: uuid.UUID, office_id: uuid.UUID, login: str,
            start: datetime) -> dict[str, list[dict]]:
    """The big case's rows, spread over two years, interleaved in time."""
    statuses = ["accepted", "assigned", "mediating", "closed"]
    actions = {"accepted": "reopen", "assigned": "assign", "mediating": "start_mediation",
               "closed": "close"}
    modes = ["电话", "微信", "现场", "视频", "上门", "居家"]
    results = ["next_step", "next_step", "partial", "agreed", "none"]
    channels = ["phone", "wechat", "sms", "visit"]
    contact_results = ["reached", "no_answer", "busy", "left_message"]
    rows: dict[str, list[dict]] = {"mediation_sessions": [], "notes": [], "attachments": [],
                                   "audit_events": []}
    total = SESSIONS + ADDENDA + NOTES + EVIDENCE + STATUS
    step = timedelta(days=730) / total
    kinds = (["session"] * SESSIONS + ["note"] * NOTES + ["evidence"] * EVIDENCE
             + ["status"] * STATUS)
    random.Random(1).shuffle(kinds)  # interleaved in time, the same on every build
    sessions: list[tuple[uuid.UUID, datetime, str]] = []

    def synced(at: datetime) -> dict:
        return dict(id=uuid.uuid4(), version=1, modified_at=at, modified_by=login,
                    deleted=False)

    def audit(at: datetime, entity: str, entity_id: uuid.UUID, action: str,
              changes: dict) -> None:
        rows["audit_events"].append(synced(at) | dict(
            at=at, actor=login, office_id=office_id, case_id=case_id, entity=entity,
            entity_id=entity_id, action=action, changes=changes, reason=""))

    n = 0
    for kind in kinds:
        at = start + step * n
        n += 1
        if kind == "session":
            mode = modes[n % len(modes)]
            row = synced(at) | dict(
                case_id=case_id, mode=mode, started_at=at, ended_at=at + timedelta(minutes=45),
                place="", participants=[{"name": "李秀英", "role": "applicant", "party_id": None},
                                        {"name": "刘经理", "role": "respondent",
                                         "party_id": None}],
                statements=[{"name": "李秀英", "text": "要求退还剩余费用。"}], evidence="",
                proposals="分期退款", responses="同意考虑", result=results[n % len(results)],
                next_step="", next_step_on=None, author=login,
                finalized_at=at + timedelta(minutes=45), addendum_to=None, addendum_text="",
                duration_seconds=45 * 60)
            rows["mediation_sessions"].append(row)
            sessions.append((row["id"], at, mode))
            audit(at + timedelta(minutes=45), "mediation_sessions", row["id"], "create",
                  {"mode": [None, mode]})
        elif kind == "note":
            contact = n % 2 == 0
            rows["notes"].append(synced(at) | dict(
                case_id=case_id, kind="contact" if contact else "note", created_at=at,
                author=login, text=f"第{n}条记录：与当事人沟通退款方案，对方表示需要请示总部。",
                contact_result=contact_results[n % 4] if contact else "",
                callback_at=at + timedelta(days=1) if contact and n % 4 == 1 else None,
                channel=channels[n % 4] if contact else "",
                contact_with="刘经理" if contact else ""))
        elif kind == "evidence":
            row = synced(at) | dict(case_id=case_id, sha256=f"{n:064x}",
                                    filename=f"证据材料{n}.jpg", mime_type="image/jpeg",
                                    size=100_000 + n * 37, created_at=at, author=login,
                                    description="")
            rows["attachments"].append(row)
            audit(at, "attachments", row["id"], "create", {"filename": [None, row["filename"]]})
        else:
            old, new = statuses[n % 4], statuses[(n + 1) % 4]
            audit(at, "cases", case_id, "transition:" + actions[new], {"status": [old, new]})
    for k, (session_id, at, mode) in enumerate(sessions[::SESSIONS // ADDENDA][:ADDENDA]):
        when = at + timedelta(days=1)
        rows["mediation_sessions"].append(synced(when) | dict(
            case_id=case_id, mode=mode, started_at=when, ended_at=when, place="",
            participants=[], statements=[], evidence="", proposals="", responses="", result="",
            next_step="", next_step_on=None, author=login, finalized_at=when,
            addendum_to=session_id, addendum_text=f"补正{k}：协议金额更正为3000元。",
            duration_seconds=None))
    return rows


def ensure_store() -> Path:
    """The cached store: demo neighbours and the big case (built once)."""
    from sqlalchemy import insert

    from app.demo.generator import generate_demo_data
    from app.services import cases
    from app.services.reference import open_workstation
    from app.store import models
    from app.store.database import open_store

    if (STORE / "store.sqlite").exists():
        return STORE
    say(f"making the timeline store in {STORE} …")
    started = time.perf_counter()
    work = STORE.with_name(STORE.name + ".partial")
    shutil.rmtree(work, ignore_errors=True)
    store = open_store(work)
    try:
        generate_demo_data(store, NEIGHBOURS, seed=1)
        ws = open_workstation(store)
        start = datetime(2024, 11, 1, 1, 0, tzinfo=UTC)
        ws.now = lambda: start
        case_id, _ = cases.intake_work_order(ws, _intake_form(start))
        tables = {"mediation_sessions": models.MediationSession, "notes": models.Note,
                  "attachments": models.Attachment, "audit_events": models.AuditEvent}
        rows = _events(case_id, ws.actor.office_id, ws.actor.login,
                       start + timedelta(hours=1))
        with store.unit_of_work() as session:
            for table, values in rows.items():
                session.execute(insert(tables[table]), values)
    finally:
        store.close()
    work.rename(STORE)
    say(f"  made in {time.perf_counter() - started:.0f} s")
    return STORE


# ------------------------------------------------------------------ measuring


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def query_plans(ws, case_id: uuid.UUID) -> list[str]:
    from sqlalchemy import event

    from app.services.timeline import case_timeline

    captured = []

    def grab(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    event.listen(ws.store.engine, "before_cursor_execute", grab)
    try:
        case_timeline(ws, case_id)
    finally:
        event.remove(ws.store.engine, "before_cursor_execute", grab)
    raw = ws.store.engine.raw_connection()
    try:
        return ["; ".join(r[-1] for r in raw.cursor().execute(
            "EXPLAIN QUERY PLAN " + s, p).fetchall()) for s, p in captured]
    finally:
        raw.close()


def add_note_runs(ws, case_id: uuid.UUID, runs: int) -> tuple[list[float], str]:
    try:
        from app.services.notes import add_note
        how = "app.services.notes.add_note"
    except ImportError:  # the notes service not there yet: what it would write
        from app.services import audit
        from app.store.models import Note

        def add_note(ws, case_id, text):
            now = ws.now()
            with ws.store.unit_of_work() as session:
                note = Note(id=uuid.uuid4(), case_id=case_id, kind="note", created_at=now,
                            author=ws.actor.login, text=text, version=1, modified_at=now,
                            modified_by=ws.actor.login)
                session.add(note)
                audit.record(session, actor=ws.actor.login, entity="notes", entity_id=note.id,
                             action="create", changes={"text": [None, text]}, case_id=case_id,
                             at=now)
        how = "direct ORM insert of a Note + audit event (notes service missing)"
    for n in range(5):  # warm up: statement caches, pages in memory
        add_note(ws, case_id, f"预热 {n}")
    times = []
    for n in range(runs):
        started = time.perf_counter()
        add_note(ws, case_id, f"基准测试笔记 {n}：电话联系被投诉方，对方同意下周答复。")
        times.append((time.perf_counter() - started) * 1000)
    return times, how


def service_runs(ws, case_id: uuid.UUID, runs: int) -> tuple[float, list[float], int]:
    from app.services.timeline import case_timeline

    started = time.perf_counter()
    count = len(case_timeline(ws, case_id).entries)
    first = (time.perf_counter() - started) * 1000
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        case_timeline(ws, case_id)
        times.append((time.perf_counter() - started) * 1000)
    return first, times, count


def tab_runs(app, ws, big_id: uuid.UUID, small_id: uuid.UUID, runs: int,
             png: Path | None) -> tuple[list[float], int]:
    from types import SimpleNamespace

    from app.services import cases
    from app.ui.app import wait_for
    from app.ui.case.timeline_tab import TimelineTab
    from app.ui.tasks import TaskRunner

    runner = TaskRunner()
    tab = TimelineTab(SimpleNamespace(ws=ws, runner=runner))
    tab.resize(*SIZE)
    tab.show()
    big, small = cases.get_case(ws, big_id), cases.get_case(ws, small_id)
    times = []
    rows = 0
    try:
        for n in range(runs + 1):
            # Another case first, as a user comes to this one from the queue.
            tab.show_case(small)
            assert wait_for(tab.loaded, lambda: tab.model.timeline is not None
                            and tab.model.timeline.case_id == small_id, timeout_ms=30_000)
            app.processEvents()
            started = time.perf_counter()
            tab.show_case(big)
            assert wait_for(tab.loaded, lambda: tab.model.timeline is not None
                            and tab.model.timeline.case_id == big_id, timeout_ms=30_000)
            app.processEvents()  # the layout the new rows asked for, as the event loop would
            picture = tab.grab()  # paints the rows on screen
            elapsed = (time.perf_counter() - started) * 1000
            rows = tab.model.rowCount()
            if n:  # the first is a warm-up
                times.append(elapsed)
            elif png is not None:
                picture.save(str(png))
    finally:
        tab.close()
        runner.shutdown()
    return times, rows


# ------------------------------------------------------------------ report


def verdict(value: float, budget: float) -> str:
    return f"< {budget:g} ms   {'PASS' if value < budget else 'FAIL'}"


def line(label: str, value: float, budget: float | None = None) -> bool:
    tail = verdict(value, budget) if budget is not None else ""
    print(f"  {label:<58}{value:>9.1f} ms   {tail}")
    return budget is None or value < budget


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, help="calls of add_note (default 50)")
    parser.add_argument("--opens", type=int, default=15, help="timeline opens (default 15)")
    parser.add_argument("--png", type=Path, help="save the tab's first picture here")
    args = parser.parse_args()

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    cached = ensure_store()
    work = Path(tempfile.mkdtemp(prefix="bench-timeline-"))
    try:
        shutil.copy2(cached / "store.sqlite", work / "store.sqlite")
        return run(work, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(folder: Path, args: argparse.Namespace) -> int:
    from PySide6.QtCore import QSettings
    from sqlalchemy import select

    from app.services.reference import open_workstation
    from app.store.database import open_store
    from app.store.models import Case
    from app.ui.app import application, install_cjk_font

    settings_dir = tempfile.mkdtemp(prefix="bench-settings-")
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, settings_dir)
    app = application()  # with the GUI-thread garbage collector, as in the app
    install_cjk_font(app)
    store = open_store(folder)
    ok = True
    try:
        ws = open_workstation(store)
        with store.unit_of_work() as session:
            big_id = session.scalar(select(Case.id).where(Case.source_ticket == TICKET))
            small_id = session.scalar(select(Case.id).where(Case.source_ticket != TICKET)
                                      .order_by(Case.received_at.desc()).limit(1))

        print(f"timeline of one case with 10,000 events ({SESSIONS:,} sessions + {ADDENDA} "
              f"addenda, {NOTES:,} notes/contacts, {EVIDENCE:,} evidence, {STATUS:,} status "
              f"changes) in a store of {NEIGHBOURS:,} demo cases")
        print("  query plans:")
        for plan in query_plans(ws, big_id):
            print(f"    {plan}")

        # The timeline first: the notes added below would lengthen it.
        first, times, count = service_runs(ws, big_id, args.opens)
        tab_times, rows = tab_runs(app, ws, big_id, small_id, args.opens, args.png)
        assert rows == count, (rows, count)
        note_times, how = add_note_runs(ws, big_id, args.runs)

        print(f"\na. add a note to that case: {how} (median/p95 of {args.runs})")
        ok &= line("add_note, median", statistics.median(note_times), ADD_NOTE_BUDGET_MS)
        ok &= line("add_note, p95", percentile(note_times, 95), ADD_NOTE_BUDGET_MS)
        print(f"\nb. open the timeline ({count:,} entries; median/p95 of {args.opens})")
        line("case_timeline(), first call", first)
        line("case_timeline(), median", statistics.median(times))
        line("case_timeline(), p95", percentile(times, 95))
        ok &= line(f"tab {SIZE[0]}×{SIZE[1]}: read + model ({rows:,} rows) + painted, median",
                   statistics.median(tab_times), OPEN_BUDGET_MS)
        ok &= line("tab: read + model + painted, p95", percentile(tab_times, 95),
                   OPEN_BUDGET_MS)
    finally:
        store.close()
        shutil.rmtree(settings_dir, ignore_errors=True)
    print()
    print("all within budget" if ok else "over budget")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
