"""The `mediation-desk` command: opens the workstation, or runs a subcommand.

Only the GUI path imports Qt, so subcommands run on machines without a display.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from platformdirs import user_data_dir

from app.services import preview_worker  # stdlib only: cheap for every command

DEMO_CASES_DEFAULT = 2000


def default_data_dir() -> Path:
    return Path(user_data_dir("MediationDesk", "MediationDesk"))


def _data_dir_arg(parser: argparse.ArgumentParser, *, suppress: bool = False) -> None:
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=argparse.SUPPRESS if suppress else None,
        help="folder holding the local store (default: the user's data folder)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mediation-desk",
        description="调解工作台 Mediation Desk — workstation for people's mediators.",
    )
    _data_dir_arg(parser)
    parser.add_argument(
        "--demo",
        nargs="?",
        const=DEMO_CASES_DEFAULT,
        type=int,
        metavar="N",
        help=f"fill an empty store with N demo cases first (default {DEMO_CASES_DEFAULT})",
    )
    parser.add_argument(
        "--screenshot",
        type=Path,
        metavar="FILE.png",
        help="open, load, save the main window to FILE.png and exit",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = sub.add_parser("demo-data", help="fill a store with realistic synthetic cases")
    demo.add_argument("--cases", type=int, required=True, metavar="N")
    demo.add_argument("--seed", type=int, default=1)
    _data_dir_arg(demo, suppress=True)
    check = sub.add_parser("check-store", help="check the whole store file for damage "
                           "(PRAGMA quick_check); the workstation does this at start")
    _data_dir_arg(check, suppress=True)
    verify = sub.add_parser("verify-audit", help="check the store's audit trail for tampering "
                            "(exit 0 intact, 1 broken)")
    _data_dir_arg(verify, suppress=True)
    from app import cli_central, cli_checks, cli_documents

    cli_central.add_parser(sub)
    cli_documents.add_parser(sub)
    cli_checks.add_parsers(sub)
    return parser


def _fail(message: str) -> int:
    print(f"mediation-desk: {message}", file=sys.stderr)
    return 2


def store_error_text(exc) -> str:
    """Plain-English words for a StoreError on the command line."""
    from app.store.errors import StoreErrorCode

    texts = {
        StoreErrorCode.UNWRITABLE_DIR: "cannot write to the data folder {path}",
        StoreErrorCode.NOT_A_STORE: "{path} is not a Mediation Desk store; it was left untouched",
        StoreErrorCode.CORRUPT: "the store {path} is damaged and was left untouched; "
        "restore a copy from the backups folder",
        StoreErrorCode.NEWER_VERSION: "the store {path} was made by a newer version of "
        "Mediation Desk (schema {detail}); upgrade the program",
        StoreErrorCode.LOCKED: "the store {path} is locked by another program",
        StoreErrorCode.MIGRATION_FAILED: "upgrading the store {path} failed; "
        "a backup was kept in the backups folder",
        StoreErrorCode.BACKUP_FAILED: "the backup made before upgrading the store {path} "
        "was incomplete or failed its check (is the disk full?), so the store was neither "
        "changed nor upgraded and the bad copy was removed; free at least the store's size "
        "on the disk and try again",
        StoreErrorCode.KEY_NEEDED: "the store {path} is encrypted and its key is not in "
        "this computer's keyring; it was left untouched (数据文件已加密，请先在工作台中用"
        "启动密码或恢复码解锁)",
        StoreErrorCode.WRONG_KEY: "the key does not open the encrypted store {path}; it was "
        "left untouched (密钥不正确，请用恢复码解锁)",
        StoreErrorCode.ENCRYPT_FAILED: "encrypting the store {path} failed; the plain store "
        "was left as it was",
    }
    if exc.code is StoreErrorCode.MIGRATION_FAILED and getattr(exc, "backup", None) is None:
        texts[exc.code] = "setting up a new store in {path} failed"  # nothing was backed up
    text = texts[exc.code].format(path=exc.path, detail=exc.detail)
    if getattr(exc, "pages", ()):
        pages = ", ".join(str(p) for p in exc.pages[:12])
        more = f" and {len(exc.pages) - 12} more" if len(exc.pages) > 12 else ""
        text += f"; damaged pages: {pages}{more}"
    if exc.detail and exc.code not in (StoreErrorCode.NEWER_VERSION, StoreErrorCode.KEY_NEEDED,
                                       StoreErrorCode.WRONG_KEY):
        text += f" ({exc.detail})"
    return text


def run_demo_data(data_dir: Path, cases: int, seed: int) -> int:
    from app.demo.generator import SEARCH_INDEX_INLINE_LIMIT, generate_demo_data
    from app.services.store_keys import open_local_store
    from app.store.errors import StoreError

    if cases <= 0:
        return _fail("--cases must be a positive number")
    try:
        store = open_local_store(data_dir)
    except StoreError as exc:
        return _fail(store_error_text(exc))
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
        return _fail(str(exc))
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
        return _fail(f"there is no store in {data_dir}")
    try:
        store = open_local_store(data_dir, upgrade=False)  # the quick refusals, as at start
    except StoreError as exc:
        return _fail(store_error_text(exc))
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
    return _fail(f"the store {data_dir / STORE_FILENAME} is damaged; {where}{tables}; "
                 "restore a copy from the backups folder")


def run_verify_audit(data_dir: Path) -> int:
    from app.services.audit_verify import verify_store
    from app.services.store_keys import open_local_store
    from app.store.audit_chain import Problem
    from app.store.database import STORE_FILENAME
    from app.store.errors import StoreError

    if not (data_dir / STORE_FILENAME).exists():
        return _fail(f"no store in {data_dir}")
    try:
        store = open_local_store(data_dir)
    except StoreError as exc:
        return _fail(store_error_text(exc))
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


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == [preview_worker.WORKER_ARG]:
        # A frozen app starts its preview workers as its own binary (app/services/previews.py).
        return preview_worker.main(argv)
    args = build_parser().parse_args(argv)
    data_dir = args.data_dir or default_data_dir()
    if args.command == "demo-data":
        return run_demo_data(data_dir, args.cases, args.seed)
    if args.command == "check-store":
        return run_check_store(data_dir)
    if args.command == "verify-audit":
        return run_verify_audit(data_dir)
    if args.command == "central":
        from app import cli_central

        return cli_central.run(args)
    if args.command in ("preview", "self-test"):
        from app import cli_checks

        return cli_checks.run_preview(args) if args.command == "preview" \
            else cli_checks.run_self_test()
    if args.command == "render":
        from app import cli_documents

        return cli_documents.run(args, data_dir)
    from app.ui.app import run_gui

    return run_gui(data_dir, demo_cases=args.demo or 0, screenshot=args.screenshot)


if __name__ == "__main__":
    raise SystemExit(main())
