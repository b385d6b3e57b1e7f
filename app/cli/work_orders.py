"""`mediation-desk import FILE`: a platform's export of work orders into the local store
(issue 15), as the wizard does it: the sheet and mapping guessed or named, every row
checked as intake does, a summary printed, the problems written to an .xlsx report.
Exit 0 when something was imported (or everything was already there), 1 when nothing
could be, 2 for a file or store that cannot be opened.

Its summary and refusals are the import wizard's words (services.work_order_words),
Chinese whatever the locale; a wrong option, and a store or report file that cannot be
opened or written (as every command words them), are told in English under LANG=C."""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

from app.cli.common import add_data_dir_arg, cannot_write_text, fail, store_error_text, words

COMMAND = "import"


def add_parser(sub) -> None:
    parser = sub.add_parser(COMMAND, help=words(
        "导入 12315/12345 平台导出的工单（.xlsx、.xls 或 .csv 文件）",
        "import work orders from a 12315/12345 export (.xlsx, .xls, .csv)"))
    parser.add_argument("file", type=Path, metavar="FILE")
    parser.add_argument("--sheet", metavar="NAME", help=words(
        "要读取的工作表（默认：第一个有表头行的可见工作表）",
        "the sheet to read (default: the first visible sheet with a header row)"))
    parser.add_argument("--mapping", metavar="NAME",
                        help=words("已保存的列对应方案的名称", "a saved column mapping"))
    parser.add_argument("--report", type=Path, metavar="OUT.xlsx",
                        help=words("把各行的问题写入这个 .xlsx 文件",
                                   "write the rows' problems to this workbook"))
    parser.add_argument("--valid-rows", action="store_true", help=words(
        "其他行有问题时，仍导入没有问题的行（默认：整个文件要么全部导入，要么都不导入）",
        "import the valid rows even when others have problems (default: the whole file or "
        "nothing)"))
    parser.add_argument("--source", default="12315", metavar="12315|12345|phone|online|…",
                        help=words("文件中工单的来源渠道（表中有“来源渠道”列时，以每行所填为准）",
                                   "the channel of the file (a 来源渠道 column overrides per "
                                   "row)"))
    parser.add_argument("--track", metavar="market_complaint|peoples_mediation", help=words(
        "案件的办理程序（默认：12315 的工单为市场监管投诉，其他为本机构通常的办理程序）",
        "the track of the cases (default: 12315 → market complaint, otherwise the office's "
        "usual track)"))
    parser.add_argument("--group-at", type=int, default=0, metavar="N", help=words(
        "同一被诉主体（统一社会信用代码，没有时按名称）的新工单达到 N 件时，合并为群体纠纷"
        "（已有该被诉主体的群体纠纷时并入）",
        "make a group dispute of N or more new work orders against one respondent (credit "
        "code, else name), or add them to its open group"))
    add_data_dir_arg(parser, suppress=True)
    parser.set_defaults(run=run)


def run(args, data_dir: Path) -> int:
    from app.core.workflow import Source, Track
    from app.services import work_order_words as order_words
    from app.services.reference import open_workstation
    from app.services.store_keys import open_local_store
    from app.services.work_order_files import WorkOrderFileError
    from app.services.work_order_import import (
        ImportMode,
        ImportOptions,
        ImportRefusal,
        WorkOrderImportError,
        layout,
        open_file,
        prepare,
        run_import,
    )
    from app.services.work_order_report import write_report
    from app.store.errors import StoreError

    for option, value, kind in (("--source", args.source, Source), ("--track", args.track, Track)):
        known = [member.value for member in kind]
        if value is not None and value not in known:
            return fail(words("{option} 没有 {value!r} 这一项（可选：{known}）",
                              "unknown {option} {value!r}; one of: {known}")
                        .format(option=option, value=value, known=", ".join(known)), COMMAND)
    if args.report is not None and not args.report.parent.is_dir():  # known before importing
        missing = FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT))
        return fail(cannot_write_text(args.report, missing), COMMAND)
    source, track = Source(args.source), Track(args.track) if args.track else None
    if args.group_at == 1 or args.group_at < 0:
        return fail(words("--group-at 须为 0（不合并）或不小于 2 的件数",
                          "--group-at must be 0 (no groups) or a number of 2 or more"), COMMAND)
    options = ImportOptions(source=source, track=track, mode=(
        ImportMode.VALID_ROWS if args.valid_rows else ImportMode.WHOLE_FILE),
        group_threshold=args.group_at)
    try:
        file = open_file(args.file)
    except WorkOrderFileError as exc:
        return fail(order_words.file_words(exc.problem, exc.path.name), COMMAND)
    try:
        store = open_local_store(data_dir)
    except StoreError as exc:
        return fail(store_error_text(exc), COMMAND)
    report = ()
    try:
        ws = open_workstation(store)
        try:
            found = layout(ws, file, args.sheet, args.mapping)
            prepared = prepare(ws, file, found, options)
            report = prepared.report
            if found.mapping_name:
                print(f"列对应：{found.mapping_name}", file=sys.stderr)

            def progress(done: int, total: int) -> None:
                print(f"\r正在导入：{done:,}/{total:,}", end="", file=sys.stderr, flush=True)

            summary = run_import(ws, file, found, options, prepared=prepared,
                                 progress=progress)
            print(file=sys.stderr)
        except WorkOrderImportError as exc:
            report = exc.report or report
            unwritten = _write(args.report, report, write_report)
            code = 2 if exc.refusal in (ImportRefusal.NO_SHEET, ImportRefusal.NO_HEADER,
                                        ImportRefusal.UNKNOWN_MAPPING,
                                        ImportRefusal.BAD_OPTIONS) else 1
            fail(order_words.refusal_words(exc.refusal, exc.detail), COMMAND)
            if unwritten:
                fail(unwritten, COMMAND)
            if report and not args.report:
                print("用 --report 问题.xlsx 可得到每一行的问题。", file=sys.stderr)
            return code
    except StoreError as exc:
        return fail(store_error_text(exc), COMMAND)
    finally:
        store.close()
    unwritten = _write(args.report, report, write_report)
    print(order_words.SUMMARY.format(created=summary.created, updated=summary.updated,
                               unchanged=summary.unchanged, linked=summary.linked,
                               problems=summary.problem_rows))
    if summary.not_imported:
        print(f"未导入 {summary.not_imported} 行（见问题报告）")
    if summary.warnings_raised or summary.warnings_grown:
        print(order_words.WARNINGS.format(raised=summary.warnings_raised,
                                    grown=summary.warnings_grown))
    if summary.groups:
        print(order_words.GROUPS.format(n=summary.groups))
    return fail(unwritten, COMMAND) if unwritten else 0


def _write(out: Path | None, report, write_report) -> str | None:
    """Write the problem report to ``out`` (if given); why it could not be, else None."""
    if out is None:
        return None
    try:
        count = write_report(report, out)
    except OSError as exc:
        return cannot_write_text(out, exc)
    print(f"问题报告：{out}（{count} 条）", file=sys.stderr)
    return None
