"""Benchmark: 2,000 agreements of a group dispute (issue 17, "Budgets": < 2 minutes on
2 cores, with progress).

    .venv/bin/python -P bench/group_agreements.py               # 2,000 members
    .venv/bin/python -P bench/group_agreements.py --members 200

The gym's 2,000 complaints (bench/groups.py's export) are imported, made a group,
accepted, assigned and taken into mediation; the refund plan gives each member an
amount; one group session is recorded in every member's 调解记录; then every member's
agreement is drawn up — laid out in worker processes,
issued in each case, numbered in the group's series — against the budget. Then the one
print job (each agreement × its copies) is written as a PDF file. Prints the seconds,
the agreements per second and the peak memory of this process.
"""

from __future__ import annotations

import argparse
import importlib.util
import resource
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(ROOT))

BUDGET_S = 120.0  # 2,000 agreements
BUDGET_MEMBERS = 2000
BUDGET_PAGE_S = 1.0  # the group page opens


def main() -> int:
    from app.core.group_sessions import (
        Attendance,
        GroupSessionContent,
        MemberAttendance,
        RepresentativeAtSession,
    )
    from app.core.groups import MemberFacts, RefundBasis, RefundFormula
    from app.core.sessions import SessionMode
    from app.core.workflow import Action
    from app.services import (
        batches,
        cases,
        group_agreements,
        group_payments,
        group_sessions,
        groups,
    )
    from app.services.batches import BatchRequest
    from app.services.group_payments import RefundPlan
    from app.services.groups import GroupInput
    from app.services.reference import open_workstation
    from app.services.work_order_import import (
        ImportMode,
        ImportOptions,
        layout,
        open_file,
        run_import,
    )
    from app.store.database import open_store
    from app.store.models import Case, Mediator

    spec = importlib.util.spec_from_file_location("bench_groups", ROOT / "bench" / "groups.py")
    bench_groups = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench_groups)

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=BUDGET_MEMBERS)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    budget = BUDGET_S * args.members / BUDGET_MEMBERS
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "store")
        ws = open_workstation(store)
        now = ws.now()
        export = Path(folder) / "gym.xlsx"
        bench_groups.make_export(export, args.members, now)
        file = open_file(export)
        run_import(ws, file, layout(ws, file), ImportOptions(mode=ImportMode.VALID_ROWS))
        with store.unit_of_work() as session:
            ids = [i for (i,) in session.query(Case.id).filter(
                Case.respondent_name == bench_groups.GYM)]
            session.get(Mediator, ws.actor.mediator_id).name = "王建国"
        gid, _ = groups.create_group(ws, GroupInput(
            "悦动健身预付卡退费", bench_groups.GYM, lead_mediator_id=ws.actor.mediator_id), ids)
        me = cases.list_mediators(ws)[0][0]
        for request in (BatchRequest(Action.ACCEPT), BatchRequest(Action.ASSIGN, mediator_id=me),
                        BatchRequest(Action.START_MEDIATION)):
            batches.run_batch(ws, ids, request)
        group_payments.set_refund_plan(ws, gid, RefundPlan(
            RefundFormula(RefundBasis.SESSIONS, unit_price_fen=12_850), due_on=now.date(),
            undertaking="被投诉人承认因经营困难停止营业，承诺按本方案退还会员未使用课时的费用。",
            agreement_prefix="浦市监调〔2026〕群3-"))
        group_payments.set_member_facts(
            ws, gid, {i: MemberFacts(unused_sessions=n % 30 + 1) for n, i in enumerate(ids)})
        print(f"{len(ids):,} members in mediation with their amounts", file=sys.stderr)

        # One mediation with the business's and the complainants' representatives,
        # recorded in every member's 调解记录 (no budget of its own; shown for scale).
        t = time.perf_counter()
        recorded = group_sessions.record_group_session(ws, gid, GroupSessionContent(
            SessionMode.ON_SITE.value, now - timedelta(hours=2), now - timedelta(hours=1),
            place="市场监管所调解室", business_representative="李四（法定代表人）",
            complainant_representatives=(RepresentativeAtSession("赵一会员"),),
            proposals="按未使用课时退费", responses="经营者同意", result="agreed"),
            [MemberAttendance(i, Attendance.REPRESENTED) for i in ids])
        print(f"group session recorded in {len(recorded.recorded):,} member cases: "
              f"{time.perf_counter() - t:5.2f} s")

        shown = [0.0]

        def progress(done: int, total: int) -> None:
            if time.perf_counter() - shown[0] > 10 or done == total:
                shown[0] = time.perf_counter()
                print(f"  … {done:,} of {total:,}", file=sys.stderr)

        t = time.perf_counter()
        run = group_agreements.draw_up(ws, gid, progress=progress, workers=args.workers)
        seconds = time.perf_counter() - t
        ok = seconds < budget and len(run.issued) == len(ids)
        print(f"agreements drawn up: {len(run.issued):,} of {len(ids):,} in {seconds:6.1f} s "
              f"({len(run.issued) / seconds:,.0f}/s); budget {budget:.0f} s "
              f"{'ok' if ok else 'OVER'}")
        print(f"peak memory of this process so far: "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
        # The group page as it opens: its members with what was paid, the progress of the
        # refunds, and the issued agreements (the 协议书 tab).
        t = time.perf_counter()
        members = groups.members_of(ws, gid)
        group_payments.progress(ws, gid)
        listed = group_agreements.issued_agreements(ws, gid)
        seconds = time.perf_counter() - t
        page_ok = seconds < BUDGET_PAGE_S and len(members) == len(listed) == len(ids)
        ok = ok and page_ok
        print(f"group page ({len(members):,} members, {len(listed):,} agreements): "
              f"{seconds:5.2f} s; budget {BUDGET_PAGE_S:.0f} s {'ok' if page_ok else 'OVER'}")
        t = time.perf_counter()
        out = Path(folder) / "print.pdf"
        pages = group_agreements.write_print_job(ws, gid, out)
        print(f"print job PDF: {pages:,} pages, {out.stat().st_size / 2**20:,.0f} MB in "
              f"{time.perf_counter() - t:6.1f} s")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory of this process: {peak:,.0f} MB")
        store.close()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
