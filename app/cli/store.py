"""`mediation-desk demo-data | check-store | verify-audit`: the local store from the
command line."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from app.cli.common import add_data_dir_arg, fail, no_store_text, store_error_text, words


def add_parsers(sub) -> None:
    demo = sub.add_parser("demo-data", help=words("在数据文件中生成逼真的虚构案件（演示数据）",
                                                  "fill a store with realistic synthetic "
                                                  "cases"))
    demo.add_argument("--cases", type=int, required=True, metavar="N")
    demo.add_argument("--seed", type=int, default=1)
    add_data_dir_arg(demo, suppress=True)
    demo.set_defaults(run=lambda args, data_dir: run_demo_data(data_dir, args.cases, args.seed))
    check = sub.add_parser("check-store", help=words(
        "检查整个数据文件有无损坏（工作台每次启动时也做这项检查）",
        "check the whole store file for damage (PRAGMA quick_check); the workstation does "
        "this at start"))
    add_data_dir_arg(check, suppress=True)
    check.set_defaults(run=lambda args, data_dir: run_check_store(data_dir))
    verify = sub.add_parser("verify-audit", help=words(
        "检查操作记录的哈希链是否被篡改（完整时退出状态为 0，被改动时为 1）",
        "check the store's audit trail for tampering (exit 0 intact, 1 broken)"))
    add_data_dir_arg(verify, suppress=True)
    verify.set_defaults(run=lambda args, data_dir: run_verify_audit(data_dir))


def run_demo_data(data_dir: Path, cases: int, seed: int) -> int:
    from app.demo.generator import SEARCH_INDEX_INLINE_LIMIT, generate_demo_data
    from app.services.store_keys import open_local_store
    from app.store.errors import StoreError

    if cases <= 0:
        return fail(words("--cases 必须是正整数", "--cases must be a positive number"))
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
            print(words("\r正在生成演示案件：{done:,}/{total:,}", "\r{done:,}/{total:,} cases")
                  .format(done=done, total=total), end="", file=sys.stderr, flush=True)

    try:
        summary = generate_demo_data(store, cases, seed=seed, progress=progress)
    except ValueError as exc:
        return fail(str(exc))
    finally:
        store.close()
    print(file=sys.stderr)
    seconds = time.perf_counter() - started
    print(words("已在 {path} 生成 {n:,} 件演示案件，用时 {s:.1f} 秒",
                "{n:,} cases written to {path} in {s:.1f} s")
          .format(n=summary.cases, path=store.path, s=seconds))
    if cases > SEARCH_INDEX_INLINE_LIMIT:
        print(words("工作台第一次打开这个数据文件时，会在后台建立搜索索引",
                    "the search index is built in the background when the workstation "
                    "first opens this store"))
    return 0


def run_check_store(data_dir: Path) -> int:
    from app.services.store_keys import open_local_store
    from app.store.database import STORE_FILENAME
    from app.store.errors import StoreError
    from app.store.integrity import check_store

    if not (data_dir / STORE_FILENAME).is_file():
        return fail(no_store_text(data_dir))
    try:
        store = open_local_store(data_dir, upgrade=False)  # the quick refusals, as at start
    except StoreError as exc:
        return fail(store_error_text(exc))
    try:
        damage = check_store(store.path, connect=lambda: store.connect_raw(read_only=True))
    finally:
        store.close()
    path = data_dir / STORE_FILENAME
    if damage is None:
        print(words("{path}：未发现损坏", "{path}: no damage found").format(path=path))
        return 0
    where = (words("损坏的页：", "damaged pages: ") + ", ".join(map(str, damage.pages[:12]))
             if damage.pages else damage.lines[0])  # else SQLite's own words
    tables = (words("（涉及的表：{t}）", " (tables: {t})").format(t=", ".join(damage.tables))
              if damage.tables else "")
    return fail(words("数据文件 {path} 已损坏；{where}{tables}；请从 backups 文件夹恢复一份副本",
                      "the store {path} is damaged; {where}{tables}; restore a copy from the "
                      "backups folder").format(path=path, where=where, tables=tables))


def run_verify_audit(data_dir: Path) -> int:
    from app.services.audit_verify import verify_store
    from app.services.store_keys import open_local_store
    from app.store.database import STORE_FILENAME
    from app.store.errors import StoreError

    if not (data_dir / STORE_FILENAME).exists():
        return fail(no_store_text(data_dir))
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
        # LANG=C keeps the Chinese line too: scripts and the packaging smoke run read both.
        print(words("操作记录完整：{path} 中的 {rows:,} 条记录（第 1–{head:,} 条）哈希链无断开",
                    "audit trail intact: {rows:,} rows chained (1–{head:,}) in {path}\n"
                    "操作记录完整：{rows:,} 条，哈希链无断开")
              .format(rows=report.rows, head=report.head_seq, path=store.path))
        return 0
    what = words(*_AUDIT_BREAKS[b.problem])
    where = (words("第 {seq} 条", "seq {seq}").format(seq=b.seq) if b.seq is not None
             else words("哈希链之外", "outside the chain"))
    detail = words("（{detail}）", " ({detail})").format(detail=b.detail) if b.detail else ""
    print(words("操作记录被改动（{path}）：第一个断开处在{where}，记录 {row}，时间 {at}（UTC）："
                "{what}{detail}\n此前的 {rows:,} 条记录完整",
                "audit trail BROKEN in {path}: first broken link at {where}, row {row}, "
                "time {at} UTC: {what}{detail}\n"
                "操作记录被改动：第一个断开处 {where}，记录 {row}，时间 {at}（UTC）\n"
                "{rows:,} rows before it are intact")
          .format(path=store.path, where=where, row=b.row_id or "-", at=b.at or "-",
                  what=what, detail=detail, rows=report.rows))
    return 1


_AUDIT_BREAKS = {  # Problem's value -> (Chinese, English)
    "changed": ("这条记录的内容、操作人或时间被改动过，或被挪动过",
                "the row was changed (content, actor or time) or moved"),
    "missing": ("有记录被删除", "rows were deleted"),
    "out_of_chain": ("有一条记录不是由本程序写入的，不在哈希链中",
                     "a row was written outside the program and is not chained"),
    "truncated": ("哈希链末尾的几条记录被删除", "the last rows of the chain were deleted"),
}
