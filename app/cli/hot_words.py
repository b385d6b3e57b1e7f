"""`mediation-desk hot-words`: the period's hot words (热词) from the command line, of the
local store or, with --central, of a district's central database (issue 15, item 2).

    mediation-desk hot-words                                  # the last 30 days, the office
    mediation-desk hot-words --from 2026-11-01 --to 2026-11-30 --mediator zhangmin
    mediation-desk hot-words --central postgresql://admin@db/mediation --office PD01 PD02

The index is caught up first where it is not current (a store upgraded from before it,
a central database after an import): only the cases not yet segmented are read.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from app.cli.common import (
    RawDescriptionHelpFormatter,
    add_data_dir_arg,
    central_error_text,
    display_width,
    fail,
    no_store_text,
    store_error_text,
    words,
)

DEFAULT_DAYS = 30

DESCRIPTION = """\
一段时间的热词及其与上期的对比：统计本机数据文件中的案件，
或用 --central 统计全区中心数据库中的案件。

    mediation-desk hot-words                                  # 最近 30 天，本机构
    mediation-desk hot-words --from 2026-11-01 --to 2026-11-30 --mediator zhangmin
    mediation-desk hot-words --central postgresql://admin@db/mediation --office PD01 PD02

热词索引没有跟上时（数据文件由没有热词索引的版本升级而来，或中心数据库刚导入了
数据），先为尚未分词的案件分词。
"""


def add_parser(sub) -> None:
    p = sub.add_parser("hot-words", help=words("一段时间的热词及其与上期的对比",
                                               "the period's hot words (热词) and the period "
                                               "before"),
                       description=words(DESCRIPTION, __doc__),
                       formatter_class=RawDescriptionHelpFormatter)
    p.add_argument("--from", dest="first", metavar="DATE", help=words(
        "第一天，写成 YYYY-MM-DD（默认：截至 --to 的 {days} 天）",
        "first day, YYYY-MM-DD (default: {days} days before --to)").format(days=DEFAULT_DAYS))
    p.add_argument("--to", dest="last", metavar="DATE",
                   help=words("最后一天（默认：今天）", "last day (default: today)"))
    who = p.add_mutually_exclusive_group()
    who.add_argument("--mediator", metavar="LOGIN",
                     help=words("这位调解员的案件（登录名）", "one mediator's cases"))
    who.add_argument("--me", action="store_true",
                     help=words("当前登录的调解员的案件", "the signed-in mediator's cases"))
    who.add_argument("--office", nargs="+", metavar="CODE",
                     help=words("这些机构的案件（机构代码）", "these offices' cases"))
    p.add_argument("--limit", type=int, default=30, metavar="N")
    p.add_argument("--central", metavar="URL", help=words(
        "改为在中心数据库上统计（以中心数据库管理员的身份）",
        "count on the central database (as its administrator) instead"))
    p.add_argument("--sslmode", default="", help=words(
        "--central 的加密连接（TLS）方式，与 `central` 命令相同",
        "TLS for --central (as `central`)"))
    add_data_dir_arg(p, suppress=True)
    p.set_defaults(run=run)


def _fail(message: str) -> int:
    return fail(message, "hot-words")


def _period(args) -> tuple[date, date] | str:
    from app.core.timeutil import china_today
    from app.store.base import utcnow

    try:
        last = date.fromisoformat(args.last) if args.last else china_today(utcnow())
    except ValueError as exc:
        return _not_a_date("--to", args.last, exc)
    try:
        first = (date.fromisoformat(args.first) if args.first
                 else last - timedelta(days=DEFAULT_DAYS - 1))
    except ValueError as exc:
        return _not_a_date("--from", args.first, exc)
    if first > last:
        return words("--from {first} 晚于 --to {last}", "--from {first} is after --to {last}")\
            .format(first=first, last=last)
    return first, last


def _not_a_date(option: str, text: str, exc: ValueError) -> str:
    return words("{option} {text} 不是有效的日期；请写成 YYYY-MM-DD，例如 2026-03-01",
                 "not a date ({exc}); write YYYY-MM-DD, e.g. 2026-03-01").format(
        option=option, text=text, exc=exc)


def run(args: argparse.Namespace, data_dir: Path) -> int:
    period = _period(args)
    if isinstance(period, str):
        return _fail(period)
    if args.limit <= 0:
        return _fail(words("--limit 必须是正整数", "--limit must be a positive number"))
    if args.central:
        return _run_central(args, period)
    if args.office:
        return _fail(words("--office 只能与 --central 一起使用；工作站上只有本机构的案件",
                           "--office is for --central; a workstation holds its own office's "
                           "cases"))
    return _run_local(args, data_dir, period)


def _progress(done: int, total: int) -> None:
    if total:
        print(words("\r正在为尚未建立索引的案件分词：{done:,}/{total:,}",
                    "\rsegmenting cases not yet indexed: {done:,}/{total:,}")
              .format(done=done, total=total), end="", file=sys.stderr, flush=True)


def _catch_up(source) -> None:
    from app.services import hot_words

    if hot_words.index_state(source).complete:
        return
    started = time.perf_counter()
    done = hot_words.catch_up(source, progress=_progress)
    print(file=sys.stderr)
    print(words("已为 {n:,} 件案件建立索引，用时 {s:.1f} 秒", "indexed {n:,} cases in {s:.1f} s")
          .format(n=done.cases, s=time.perf_counter() - started), file=sys.stderr)


def _run_local(args, data_dir: Path, period: tuple[date, date]) -> int:
    from sqlalchemy import select

    from app.services.hot_words import HotWordScope
    from app.services.store_keys import open_local_store
    from app.store.database import STORE_FILENAME
    from app.store.errors import StoreError
    from app.store.models import Mediator

    if not (data_dir / STORE_FILENAME).exists():
        return _fail(no_store_text(data_dir))
    try:
        store = open_local_store(data_dir)
    except StoreError as exc:
        return _fail(store_error_text(exc))
    try:
        scope = HotWordScope.everything()
        if args.mediator or args.me:
            from app.services.reference import open_workstation

            if args.me:
                mediator = open_workstation(store).actor.mediator_id
            else:
                with store.sessions() as s:
                    mediator = s.scalar(select(Mediator.id).where(
                        Mediator.login == args.mediator))
                if mediator is None:
                    return _fail(words("这个数据文件中没有登录名为 {login!r} 的调解员",
                                       "no mediator with the login {login!r} in this store")
                                 .format(login=args.mediator))
            scope = HotWordScope.mediator(mediator)
        _catch_up(store)
        return _print(store, period, scope, args.limit)
    finally:
        store.close()


def _run_central(args, period: tuple[date, date]) -> int:
    from sqlalchemy import select

    from app.services import central_admin
    from app.services.hot_words import HotWordScope
    from app.store.models import Mediator, Office
    from app.sync.central import CentralError

    try:
        engine = central_admin.connect_admin(args.central, sslmode=args.sslmode)
    except CentralError as exc:
        return _fail(central_error_text(exc))
    try:
        scope = HotWordScope.everything()
        with engine.connect() as conn:
            if args.office:
                found = dict(conn.execute(select(Office.code, Office.id)
                                          .where(Office.code.in_(args.office))).all())
                missing = [code for code in args.office if code not in found]
                if missing:
                    return _fail(words("没有代码为 {codes} 的机构", "no office with the code {codes}")
                                 .format(codes=", ".join(missing)))
                scope = HotWordScope.office(*found.values())
            elif args.mediator:
                mediator = conn.scalar(select(Mediator.id).where(
                    Mediator.login == args.mediator))
                if mediator is None:
                    return _fail(words("没有登录名为 {login!r} 的调解员",
                                       "no mediator with the login {login!r}")
                                 .format(login=args.mediator))
                scope = HotWordScope.mediator(mediator)
            elif args.me:
                return _fail(words("--me 只能在工作站上使用；请用 --mediator 指明调解员",
                                   "--me is for a workstation; name the mediator with "
                                   "--mediator"))
        _catch_up(engine)
        return _print(engine, period, scope, args.limit)
    finally:
        engine.dispose()


def _print(source, period: tuple[date, date], scope, limit: int) -> int:
    from app.services import hot_words

    first, last = period
    before = hot_words.previous_period(first, last)
    found = hot_words.hot_words(source, first, last, scope, limit)
    print(words("热词 {first} – {last}（上期 {b0} – {b1}）",
                "热词 {first} – {last} (before: {b0} – {b1})")
          .format(first=first, last=last, b0=before[0], b1=before[1]))
    if not found:
        print(words("这段时间没有案件", "no cases in this period"))
        return 0
    width = max(len(w.word) for w in found)
    # CJK characters take two columns: pad by display width, not by len().
    print(f"{'':>3}  词{' ' * (width * 2 - 2)}  {'':>4}件数  {'':>4}上期  {'':>2}变化")
    for n, w in enumerate(found, 1):
        change = (f"{(w.cases - w.previous) / w.previous:+.0%}" if w.previous
                  else words("新出现", "new"))
        pad = width * 2 - len(w.word) * 2  # CJK characters take two columns
        print(f"{n:>3}  {w.word}{' ' * pad}  {w.cases:>8,}  {w.previous:>8,}  "
              f"{' ' * (6 - display_width(change))}{change}")
    return 0
