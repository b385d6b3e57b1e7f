"""The `mediation-desk` command: opens the workstation, or runs a subcommand.

Only the GUI path imports Qt, so subcommands run on machines without a display.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from platformdirs import user_data_dir

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
    from app import cli_central, cli_documents

    cli_central.add_parser(sub)
    cli_documents.add_parser(sub)
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
        StoreErrorCode.KEY_NEEDED: "the store {path} is encrypted and its key is not in "
        "this computer's keyring; it was left untouched (数据文件已加密，请先在工作台中用"
        "启动密码或恢复码解锁)",
        StoreErrorCode.WRONG_KEY: "the key does not open the encrypted store {path}; it was "
        "left untouched (密钥不正确，请用恢复码解锁)",
        StoreErrorCode.ENCRYPT_FAILED: "encrypting the store {path} failed; the plain store "
        "was left as it was",
    }
    text = texts[exc.code].format(path=exc.path, detail=exc.detail)
    if exc.detail and exc.code not in (StoreErrorCode.NEWER_VERSION, StoreErrorCode.KEY_NEEDED,
                                       StoreErrorCode.WRONG_KEY):
        text += f" ({exc.detail})"
    return text


def run_demo_data(data_dir: Path, cases: int, seed: int) -> int:
    from app.services.demo_data import SEARCH_INDEX_INLINE_LIMIT, generate_demo_data
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


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    data_dir = args.data_dir or default_data_dir()
    if args.command == "demo-data":
        return run_demo_data(data_dir, args.cases, args.seed)
    if args.command == "central":
        from app import cli_central

        return cli_central.run(args)
    if args.command == "render":
        from app import cli_documents

        return cli_documents.run(args, data_dir)
    from app.ui.app import run_gui

    return run_gui(data_dir, demo_cases=args.demo or 0, screenshot=args.screenshot)


if __name__ == "__main__":
    raise SystemExit(main())
