"""`mediation-desk stats --from DATE --to DATE [--scope …] [--central URL]
[--format json|table|xlsx] [--out FILE] [--granularity day|week|month] [--top N]`:
the supervisor's figures (README 统计口径) from the desk's store, or from the central
database as the login in URL (row-level security decides what it may count)."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from app.cli.common import (
    add_data_dir_arg,
    cannot_write_text,
    central_error_text,
    fail,
    store_error_text,
    words,
)

COMMAND = "stats"

_ERRORS = {  # StatsErrorCode's value -> (Chinese, English)
    "bad_range": ("结束日期早于开始日期", "the end date is before the start date"),
    "range_too_long": ("统计期间超过三年", "the range is longer than three years"),
    "unknown_scope": ("没有 {detail!r} 这种范围：可以是 me、office、all、mediator:LOGIN 或 "
                      "offices:CODE,CODE",
                      "unknown scope {detail!r}: use me, office, all, mediator:LOGIN or "
                      "offices:CODE,CODE"),
    "scope_not_allowed": ("你的登录名无权查看范围 {detail!r} 的统计数据",
                          "your login may not see the figures of scope {detail!r}"),
    "unknown_mediator": ("没有登录名为 {detail!r} 的调解员", "no mediator with the login {detail!r}"),
    "unknown_office": ("没有代码为 {detail} 的机构", "no office with the code {detail}"),
    "central_only": ("范围 {detail!r} 需要中心数据库（--central URL）",
                     "scope {detail!r} needs the central database (--central URL)"),
}


def add_parser(sub) -> None:
    p = sub.add_parser(COMMAND, help=words("一段时间的统计数据：主要指标、分类统计和趋势",
                                           "the figures for a period: KPIs, breakdowns, trend"))
    p.add_argument("--from", dest="start", required=True, metavar="DATE",
                   help=words("第一天（YYYY-MM-DD，北京时间）",
                              "first day (YYYY-MM-DD, China time)"))
    p.add_argument("--to", dest="end", required=True, metavar="DATE",
                   help=words("最后一天（含当天）", "last day, included"))
    p.add_argument("--scope", default="office", help=words(
        "统计范围：me（本人）| office（本机构）| mediator:LOGIN（某位调解员）"
        "| offices:PD01,PD02（这些机构）| all（全部）；默认 office",
        "me | office | mediator:LOGIN | offices:PD01,PD02 | all (default office)"))
    p.add_argument("--central", metavar="URL", help=words(
        "在中心数据库上统计，身份为 URL 中的登录名",
        "count on the central database as the login in URL"))
    p.add_argument("--format", choices=("table", "json", "xlsx"), default="table")
    p.add_argument("--out", type=Path, metavar="FILE",
                   help=words("写入这个文件（xlsx 格式必须给出）", "write here (xlsx: required)"))
    p.add_argument("--granularity", choices=("day", "week", "month"), help=words(
        "趋势按日、周还是月划分（默认按期间长短而定）",
        "the trend's periods (default by the range's length)"))
    p.add_argument("--top", type=int, default=10,
                   help=words("列出的被投诉经营者个数", "respondent businesses listed"))
    add_data_dir_arg(p, suppress=True)
    p.set_defaults(run=run)


def _date(text: str, which: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(words("{which} {text!r} 不是有效的日期（YYYY-MM-DD）",
                               "{which} {text!r} is not a date (YYYY-MM-DD)")
                         .format(which=which, text=text)) from None


def run(args, data_dir: Path) -> int:
    from app.core.stats import Granularity, StatsError, StatsRange, StatsScope

    try:
        rng = StatsRange(_date(args.start, "--from"), _date(args.end, "--to"))
        scope = StatsScope.parse(args.scope)
    except ValueError as exc:
        return fail(_error_text(exc), COMMAND)
    if args.format == "xlsx" and args.out is None:
        return fail(words("--format xlsx 需要用 --out FILE.xlsx 指定文件",
                          "--format xlsx needs --out FILE.xlsx"), COMMAND)
    granularity = Granularity(args.granularity) if args.granularity else None
    try:
        overview = (_central(args.central, rng, scope, granularity, args.top) if args.central
                    else _desk(data_dir, rng, scope, granularity, args.top))
    except StatsError as exc:
        return fail(_error_text(exc), COMMAND)
    except _Failed as exc:
        return fail(str(exc), COMMAND)
    return _write(overview, args.format, args.out)


class _Failed(Exception):
    pass


def _error_text(exc: ValueError) -> str:
    from app.core.stats import StatsError

    if isinstance(exc, StatsError):
        pair = _ERRORS.get(exc.code.value, (exc.code.value, exc.code.value))
        return words(*pair).format(detail=exc.detail)
    return str(exc)


def _desk(data_dir, rng, scope, granularity, top):
    from app.services import stats
    from app.services.reference import open_workstation
    from app.services.store_keys import open_local_store
    from app.store.errors import StoreError

    try:
        store = open_local_store(data_dir)
    except StoreError as exc:
        raise _Failed(store_error_text(exc)) from exc
    try:
        return stats.desk_overview(open_workstation(store), rng, scope,
                                   granularity=granularity, top=top)
    finally:
        store.close()


def _central(url, rng, scope, granularity, top):
    from app.core.timeutil import utcnow
    from app.services import central_admin, stats
    from app.sync.central import CentralError

    try:
        engine = central_admin.connect_admin(url)
    except CentralError as exc:
        raise _Failed(central_error_text(exc)) from exc
    except OSError as exc:
        raise _Failed(words("无法连接中心数据库：{exc}", "cannot reach the central database: {exc}")
                      .format(exc=exc)) from exc
    try:
        login = engine.url.username or ""
        with engine.connect() as conn:
            resolved = stats.central_scope(conn, scope, login=login)
            return stats.overview(conn, rng, resolved, now=utcnow(), granularity=granularity,
                                  top=top)
    finally:
        engine.dispose()


def _write(overview, fmt: str, out: Path | None) -> int:
    from app.services import stats_export

    if fmt == "xlsx":
        assert out is not None
        try:
            stats_export.write_workbook(overview, out)
        except OSError as exc:
            return fail(cannot_write_text(out, exc), COMMAND)
        print(words("已写入 {out}", "written {out}").format(out=out))
        return 0
    if fmt == "json":
        text = json.dumps(stats_export.as_json(overview), ensure_ascii=False, indent=2)
    else:
        text = _table(overview)
    if out is not None:
        try:
            out.write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            return fail(cannot_write_text(out, exc), COMMAND)
    else:
        sys.stdout.write(text + "\n")
    return 0


def _table(overview) -> str:
    from app.services import stats_export as ex

    def pad(text: str, width: int) -> str:
        return text + " " * max(width - ex.text_width(text), 0)

    prev = overview.range.previous()
    lines = [f"统计期间 {overview.range.start} 至 {overview.range.end}"
             f"（上期 {prev.start} 至 {prev.end}），范围 {overview.scope.scope}", ""]
    lines.append(pad("指标", 20) + pad("本期", 26) + "上期")
    for label, now, before in ex.kpi_rows(overview):
        lines.append(pad(label, 20) + pad(now, 26) + before)
    for dimension, label in ex.DIMENSION_LABELS.items():
        rows = ex.breakdown_rows(overview, dimension)
        if not rows:
            continue
        lines += ["", pad(label, 36) + pad("接诉量", 10) + pad("已办结", 10) + "挽回（元）"]
        for name, received, closed, recovered in rows:
            lines.append(pad(str(name)[:30], 36) + pad(str(received), 10)
                         + pad(str(closed), 10) + f"{recovered:,.2f}")
    return "\n".join(lines)


# ---------------------------------------------------------------- reports

REPORT_COMMAND = "report"


def add_report_parser(sub) -> None:
    p = sub.add_parser(REPORT_COMMAND, help=words(
        "生成日报、周报或每月一题，PDF 或 .xlsx 文件（按文件名的后缀）",
        "日报, 周报 or 每月一题 as PDF or .xlsx (by the file's suffix)"))
    p.add_argument("kind", choices=("daily", "weekly", "topic"), help=words(
        "daily：日报，这一天；weekly：周报，这一天所在的一周（周一至周日）；"
        "topic：每月一题，这一天所在的月份",
        "daily: the day; weekly: its week (Mon–Sun); topic: its month"))
    p.add_argument("--date", metavar="DATE", help=words(
        "期间中的某一天（YYYY-MM-DD；默认今天，在每月第一周生成每月一题时默认上个月）",
        "a day of the period (YYYY-MM-DD; default today, or last month for a topic asked in "
        "a month's first week)"))
    p.add_argument("--scope", default="office", help=words(
        "统计范围：me（本人）| office（本机构）| mediator:LOGIN（某位调解员）",
        "me | office | mediator:LOGIN"))
    p.add_argument("--out", type=Path, required=True, metavar="FILE.pdf|FILE.xlsx")
    add_data_dir_arg(p, suppress=True)
    p.set_defaults(run=run_report)


def run_report(args, data_dir: Path) -> int:
    from app.core.stats import StatsError, StatsScope
    from app.documents.errors import DocumentError
    from app.services import reports
    from app.services.reference import open_workstation
    from app.services.store_keys import open_local_store
    from app.store.errors import StoreError

    suffix = args.out.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        return fail(words("--out 的文件名必须以 .pdf 或 .xlsx 结尾",
                          "--out must end in .pdf or .xlsx"), REPORT_COMMAND)
    try:
        day = _date(args.date, "--date") if args.date else None
        scope = StatsScope.parse(args.scope)
    except ValueError as exc:
        return fail(_error_text(exc), REPORT_COMMAND)
    try:
        store = open_local_store(data_dir)
    except StoreError as exc:
        return fail(store_error_text(exc), REPORT_COMMAND)
    kind = reports.ReportKind(args.kind)
    try:
        ws = open_workstation(store)
        result = reports.write_report(ws, kind, day or reports.default_day(ws, kind),
                                      args.out, scope=scope)
    except StatsError as exc:
        return fail(_error_text(exc), REPORT_COMMAND)
    except DocumentError as exc:
        return fail(words("无法生成 PDF：{exc}", "the PDF could not be drawn: {exc}")
                    .format(exc=exc), REPORT_COMMAND)
    except OSError as exc:
        return fail(cannot_write_text(args.out, exc), REPORT_COMMAND)
    finally:
        store.close()
    print(f"{result.title}  {result.period.start}～{result.period.end}  → {result.path}")
    return 0
