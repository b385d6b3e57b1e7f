"""`mediation-desk demo-data | check-store | verify-audit`: the local store from the
command line."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from app.cli.common import add_data_dir_arg, fail, store_error_text


def add_parsers(sub) -> None:
    demo = sub.add_parser("demo-data", help="fill a store with realistic synthetic cases")
    demo.add_argument("--cases", type=int, required=True, metavar="N")
    demo.add_argument("--seed", type=int, default=1)
    add_data_dir_arg(demo, suppress=True)
    demo.set_defaults(run=lambda args, data_dir: run_demo_data(data_dir, args.cases, args.seed))
    check = sub.add_parser("check-store", help="check the whole store file for damage "
                           "(PRAGMA quick_check); the workstation does this at start")
    add_data_dir_arg(check, suppress=True)
    check.set_defaults(run=lambda args, data_dir: run_check_store(data_dir))
    verify = sub.add_parser("verify-audit", help="check the store's audit trail for tampering "
                            "(exit 0 intact, 1 broken)")
    add_data_dir_arg(verify, suppress=True)
    verify.set_defaults(run=lambda args, data_dir: run_verify_audit(data_dir))


def run_demo_data(data_dir: Path, cases: int, seed: int) -> int:
    from app.demo.generator import SEARCH_INDEX_INLINE_LIMIT, generate_demo_data
    from app.services.store_keys import open_local_store
    from app.store.errors import StoreError

    if cases <= 0:
        return fail("--cases must be a positive number")
    try:
        store = open_local_store(data_dir)
    except StoreError as exc:
        return fail(store_error_text(exc))
    started = time.perf_counter()
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] >= 1 or done == total:
            last[0] = now
            print(f"\r{done:,}/{total:,} cases", end="", file=sys.stderr, flush=True)

    try:
        summary = generate_demo_data(store, cases, seed=seed, progress=progress)
    except ValueError as exc:
        return fail(str(exc))
    finally:
        store.close()
    print(file=sys.stderr)
    seconds = time.perf_counter() - started
    print(f"{summary.cases:,} cases written to {store.path} in {seconds:.1f} s")
    if cases > SEARCH_INDEX_INLINE_LIMIT:
        print("the search index is built in the background when the workstation first "
              "opens this store")
    return 0


def run_check_store(data_dir: Path) -> int:
    from app.services.store_keys import open_local_store
    from app.store.database import STORE_FILENAME
    from app.store.errors import StoreError
    from app.store.integrity import check_store

    if not (data_dir / STORE_FILENAME).is_file():
        return fail(f"there is no store in {data_dir}")
    try:
        store = open_local_store(data_dir, upgrade=False)  # the quick refusals, as at start
    except StoreError as exc:
        return fail(store_error_text(exc))
    try:
        damage = check_store(store.path, connect=lambda: store.connect_raw(read_only=True))
    finally:
        store.close()
    if damage is None:
        print(f"{data_dir / STORE_FILENAME}: no damage found")
        return 0
    where = f"damaged pages: {', '.join(map(str, damage.pages[:12]))}" if damage.pages \
        else damage.lines[0]
    tables = f" (tables: {', '.join(damage.tables)})" if damage.tables else ""
    return fail(f"the store {data_dir / STORE_FILENAME} is damaged; {where}{tables}; "
                "restore a copy from the backups folder")


def run_verify_audit(data_dir: Path) -> int:
    from app.services.audit_verify import verify_store
    from app.services.store_keys import open_local_store
    from app.store.audit_chain import Problem
    from app.store.database import STORE_FILENAME
    from app.store.errors import StoreError

    if not (data_dir / STORE_FILENAME).exists():
        return fail(f"no store in {data_dir}")
    try:
        store = open_local_store(data_dir)
    except StoreError as exc:
        return fail(store_error_text(exc))
    try:
        report = verify_store(store)
    finally:
        store.close()
    b = report.broken
    if b is None:
        print(f"audit trail intact: {report.rows:,} rows chained (1–{report.head_seq:,}) "
              f"in {store.path}")
        print(f"操作记录完整：{report.rows:,} 条，哈希链无断开")
        return 0
    what = {
        Problem.CHANGED: "the row was changed (content, actor or time) or moved",
        Problem.MISSING: "rows were deleted",
        Problem.OUT_OF_CHAIN: "a row was written outside the program and is not chained",
        Problem.TRUNCATED: "the last rows of the chain were deleted",
    }[b.problem]
    where = f"seq {b.seq}" if b.seq is not None else "outside the chain"
    print(f"audit trail BROKEN in {store.path}: first broken link at {where}, "
          f"row {b.row_id or '-'}, time {b.at or '-'} UTC: {what}"
          + (f" ({b.detail})" if b.detail else ""))
    print(f"操作记录被改动：第一个断开处 {where}，记录 {b.row_id or '-'}，时间 {b.at or '-'}（UTC）")
    print(f"{report.rows:,} rows before it are intact")
    return 1
