"""The top-level parser: the workstation's own options, then one subcommand per module.

Each subcommand sets ``run(args, data_dir) -> exit status`` as its parser default; with
no subcommand the workstation opens.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli import calendar, central, checks, render, stats, store, work_orders
from app.cli import hot_words as hot_words_cli
from app.cli import warnings as warnings_cli
from app.cli.common import Parser, add_data_dir_arg, default_data_dir, words
from app.core import heap
from app.services import preview_worker  # stdlib only: cheap for every command

DEMO_CASES_DEFAULT = 2000


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, in the words of the locale it is built under (main builds
    it on each run)."""
    parser = Parser(
        prog="mediation-desk",
        description=words("调解工作台：人民调解员的工作站。不带命令时打开工作台窗口；"
                          "下列命令在命令行中完成管理和检查工作。",
                          "调解工作台 Mediation Desk — workstation for people's mediators."),
    )
    add_data_dir_arg(parser)
    parser.add_argument(
        "--demo",
        nargs="?",
        const=DEMO_CASES_DEFAULT,
        type=int,
        metavar="N",
        help=words("先在空的数据文件中生成 N 件演示案件（不写 N 时为 {n} 件）",
                   "fill an empty store with N demo cases first (default {n})")
        .format(n=DEMO_CASES_DEFAULT),
    )
    parser.add_argument(
        "--screenshot",
        type=Path,
        metavar="FILE.png",
        help=words("打开工作台、载入数据，把主窗口保存为 FILE.png 后退出",
                   "open, load, save the main window to FILE.png and exit"),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    store.add_parsers(sub)
    central.add_parser(sub)
    render.add_parser(sub)
    calendar.add_parser(sub)
    checks.add_parsers(sub)
    hot_words_cli.add_parser(sub)
    stats.add_parser(sub)
    stats.add_report_parser(sub)
    work_orders.add_parser(sub)
    warnings_cli.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == [preview_worker.WORKER_ARG]:
        # A frozen app starts its preview workers as its own binary (app/services/previews.py).
        heap.loaded()
        return preview_worker.main(argv)
    args = build_parser().parse_args(argv)
    data_dir = args.data_dir or default_data_dir()
    if args.command is not None:
        heap.loaded()
        return args.run(args, data_dir)
    # Imported only here: subcommands never load Qt.
    from app.ui.app import run_gui

    heap.loaded(keep=True)  # the window's modules live as long as the process
    return run_gui(data_dir, demo_cases=args.demo or 0, screenshot=args.screenshot)
