"""Benchmark: a group dispute of 2,000 member cases (issue 17, "Budgets").

    .venv/bin/python -P bench/groups.py                # 2,000 members
    .venv/bin/python -P bench/groups.py --members 500

A gym closes: its 2,000 complaints arrive as a 12315 export and are imported into a new
store; a group is made of them; then the batch actions run one after another on the
local store — accept, assign, start mediation, close with each member's own amount —
each against its budget (< 10 s), and the group list is read (< 1 s). Prints the seconds
of each step.

Then the refund plan is set, each member's amount computed, and the 退款清单 written as
.xlsx and as PDF (< 3 s each).

Not measured here yet (not built yet): the push of the batches to the central database
(< 30 s), 2,000 agreements rendered (< 2 min).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
sys.path.insert(0, str(ROOT))

BUDGET_BATCH_S = 10.0
BUDGET_PAGE_S = 1.0
BUDGET_REFUND_LIST_S = 3.0
GYM = "上海悦动健身管理有限公司"


def make_export(path: Path, members: int, now: datetime) -> None:
    from openpyxl import Workbook

    from app.core.timeutil import CHINA_TZ

    spec = importlib.util.spec_from_file_location("bench_import", ROOT / "bench" / "import.py")
    names = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(names)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("工单明细")
    sheet.append(["工单编号", "来电时间", "来电人", "联系电话", "被诉主体", "诉求内容",
                  "问题分类", "来源渠道"])
    for i in range(members):
        received = (now - timedelta(hours=2 + i % 48)).astimezone(CHINA_TZ)
        sheet.append([f"1310115{i:012d}", received.replace(tzinfo=None),
                      names.complainant_name(i), f"139{i:08d}", GYM,
                      f"健身房突然关门，预付卡余额{1000 + i % 4000}元无法使用，要求退款。",
                      "预付式消费", "12315"])
    book.save(path)


def main() -> int:
    from app.core.groups import MemberFacts, RefundBasis, RefundFormula
    from app.core.workflow import Action, Outcome
    from app.services import batches, cases, group_payments, groups
    from app.services.batches import BatchRequest, MemberClose
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
    from app.store.models import Case

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2000)
    args = parser.parse_args()
    scale = args.members / 2000
    over = 0
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "store")
        ws = open_workstation(store)
        now = ws.now()
        export = Path(folder) / "gym.xlsx"
        make_export(export, args.members, now)
        file = open_file(export)
        summary = run_import(ws, file, layout(ws, file), ImportOptions(mode=ImportMode.VALID_ROWS))
        with store.unit_of_work() as session:
            ids = [i for (i,) in session.query(Case.id).filter(Case.respondent_name == GYM)]
        print(f"{summary.created:,} work orders imported against {GYM}", file=sys.stderr)
        gid, made = groups.create_group(ws, GroupInput("悦动健身预付卡退费", GYM), ids)
        assert len(made.done) == len(ids)
        me = cases.list_mediators(ws)[0][0]
        steps = [
            ("accept", BatchRequest(Action.ACCEPT)),
            ("assign", BatchRequest(Action.ASSIGN, mediator_id=me)),
            ("start mediation", BatchRequest(Action.START_MEDIATION)),
            ("close", BatchRequest(Action.CLOSE, closes={
                i: MemberClose(Outcome.SETTLED, f"{1000 + n % 4000}.00")
                for n, i in enumerate(ids)})),
        ]
        for label, request in steps:
            t = time.perf_counter()
            result = batches.run_batch(ws, ids, request)
            seconds = time.perf_counter() - t
            ok = seconds < BUDGET_BATCH_S * scale and len(result.done) == len(ids)
            over += not ok
            print(f"batch {label:16} {len(result.done):,} of {len(ids):,} members: "
                  f"{seconds:5.2f} s; budget {BUDGET_BATCH_S * scale:.0f} s "
                  f"{'ok' if ok else 'OVER'}")
        t = time.perf_counter()
        [group] = groups.list_groups(ws)
        seconds = time.perf_counter() - t
        ok = seconds < BUDGET_PAGE_S and group.members == len(ids)
        over += not ok
        print(f"group list ({group.members:,} members): {seconds:5.2f} s; budget "
              f"{BUDGET_PAGE_S:.0f} s {'ok' if ok else 'OVER'}")
        t = time.perf_counter()
        group_payments.set_refund_plan(ws, gid, RefundPlan(
            RefundFormula(RefundBasis.SESSIONS, unit_price_fen=12_850), due_on=now.date()))
        amounts, _ = group_payments.set_member_facts(
            ws, gid, {i: MemberFacts(unused_sessions=n % 30 + 1) for n, i in enumerate(ids)})
        print(f"refund amounts of {len(amounts):,} members: {time.perf_counter() - t:5.2f} s")
        for suffix in ("xlsx", "pdf"):
            t = time.perf_counter()
            path = group_payments.write_refund_list(ws, gid, Path(folder) / f"退款清单.{suffix}")
            seconds = time.perf_counter() - t
            ok = seconds < BUDGET_REFUND_LIST_S * max(scale, 0.1)
            over += not ok
            print(f"refund list .{suffix:4} ({len(amounts):,} rows, "
                  f"{path.stat().st_size / 1024:,.0f} KB): {seconds:5.2f} s; budget "
                  f"{BUDGET_REFUND_LIST_S * max(scale, 0.1):.1f} s {'ok' if ok else 'OVER'}")
        store.close()
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
