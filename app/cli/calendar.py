"""`mediation-desk calendar import FILE|- [--year Y]` and `calendar show YEAR`: the
holiday calendar from the command line, as 设置 → 节假日安排 keeps it.

Import reads the State Council notice's text (UTF-8 or GB18030), saves the year as the
store's administrator and recomputes every open case's clocks, with progress on stderr.
"""

from __future__ import annotations

import calendar as month_calendar
import sys
import time
from datetime import date
from pathlib import Path

from app.cli.common import (
    add_data_dir_arg,
    fail,
    os_error_text,
    role_text,
    store_error_text,
    words,
)

COMMAND = "calendar"

_NOTICE_PROBLEMS = {  # NoticeProblem's value -> (Chinese, English)
    "no_year": ("没有看出这是哪一年的安排（请连同标题“关于××××年部分节假日安排的通知”一起提供，"
                "或用 --year 指定年份）",
                "the text does not say which year it is for (paste the title "
                "关于XXXX年部分节假日安排的通知 too, or give --year)"),
    "no_items": ("没有找到放假安排（通知中应有“一、元旦：1月1日至3日放假。”这样的条目）",
                 "no holiday items were found (lines like 一、元旦：1月1日至3日放假。)"),
    "no_days": ("这一条没有写放假日期", "this item names no day off"),
    "bad_date": ("日期 {detail} 不存在", "the date {detail} does not exist"),
    "weekday": ("{detail} 括号中的星期与日历不符",
                "the weekday in brackets after {detail} is not that date's weekday"),
    "day_count": ("写的是共{detail}天，与所写的起止日期不符",
                  "共{detail}天 does not match the dates given"),
    "other_year": ("日期 {detail} 不在这一年，也不在相邻年份",
                   "the date {detail} is neither in this year nor next to it"),
    "both": ("{detail} 既写作放假又写作上班",
             "{detail} is listed as a day off and as a working day"),
    "workday_on_weekday": ("{detail} 本来就是工作日，不能写作调休上班",
                           "{detail} is a weekday already; it cannot be an adjusted "
                           "working day (调休上班)"),
}

_SOURCES = {  # CalendarSource's value -> Chinese (English prints the value)
    "chinesecalendar": "随程序提供", "admin": "管理员录入", "official": "国务院通知",
    "sync": "中心数据库",
}


def add_parser(sub) -> None:
    cal = sub.add_parser(COMMAND, help=words(
        "节假日安排：导入国务院的放假通知，查看某一年的安排",
        "the holiday calendar: import a State Council notice, show a year"))
    add_data_dir_arg(cal, suppress=True)
    actions = cal.add_subparsers(dest="calendar_command", metavar="ACTION", required=True)
    load = actions.add_parser("import", help=words(
        "从通知的文本导入一年的安排（FILE，或用 - 表示标准输入）",
        "load a year from the notice's text (FILE, or - for standard input)"))
    load.add_argument("file", metavar="FILE|-")
    load.add_argument("--year", type=int, help=words("年份（文本中没有通知标题时需要给出）",
                                                     "the year, if the text has no title"))
    add_data_dir_arg(load, suppress=True)
    load.set_defaults(run=lambda args, data_dir: run_import(data_dir, args.file, args.year))
    show = actions.add_parser("show", help=show_help())
    show.add_argument("year", type=int, metavar="YEAR")
    add_data_dir_arg(show, suppress=True)
    show.set_defaults(run=lambda args, data_dir: run_show(data_dir, args.year))


def show_help() -> str:
    """`calendar show`'s help, the local one's and `central calendar show`'s."""
    return words("查看某一年的安排：放假日期和调休上班日期",
                 "print a year: days off, adjusted working days")


def _read_text(source: str) -> str:
    raw = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError(words("文件既不是 UTF-8 也不是 GB18030 编码的文本",
                           "the file is neither UTF-8 nor GB18030 text"))


def read_problem_text(source: str, exc: OSError | ValueError) -> str:
    """Why _read_text failed: the file's OS error, or its encoding."""
    why = os_error_text(exc) if isinstance(exc, OSError) else str(exc)
    return words("无法读取 {source}：{why}", "cannot read {source}: {why}").format(
        source=source, why=why)


def notice_problem_text(error) -> str:
    value = error.problem.value
    pair = _NOTICE_PROBLEMS.get(value, (value, value))
    text = words(*pair).format(detail=error.detail)
    if not error.line:
        return text
    return words("第 {line} 行：{text}", "line {line}: {text}").format(line=error.line, text=text)


def recomputed_text(summary, seconds: float) -> str:
    """The summary line of a clock recompute (recompute_progress reports it running)."""
    return words("已重新计算 {n:,} 件在办案件的期限，用时 {s:.1f} 秒；{changed:,} 件有变化",
                 "{n:,} open cases recomputed in {s:.1f} s; {changed:,} changed").format(
        n=summary.checked, s=seconds, changed=summary.changed)


def _open(data_dir: Path):
    from app.services.reference import open_workstation
    from app.services.store_keys import open_local_store

    store = open_local_store(data_dir)
    return store, open_workstation(store)


def run_import(data_dir: Path, source: str, year: int | None) -> int:
    from app.core.holiday_notice import NoticeError
    from app.services import calendar_admin, clocks
    from app.services.calendar_admin import NotAdministrator
    from app.services.errors import CentrallyManaged
    from app.store.errors import StoreError

    try:
        text = _read_text(source)
    except (OSError, ValueError) as exc:
        return fail(read_problem_text(source, exc), COMMAND)
    try:
        notice = calendar_admin.read_notice(text, year)
    except NoticeError as exc:
        return fail(words("通知未导入：{problem}", "the notice was not loaded: {problem}")
                    .format(problem=notice_problem_text(exc)), COMMAND)
    try:
        store, ws = _open(data_dir)
    except StoreError as exc:
        return fail(store_error_text(exc), COMMAND)
    try:
        try:
            calendar_admin.save_year(ws, notice.calendar, other_years=notice.other_years)
        except NotAdministrator:
            return fail(words("只有管理员可以修改节假日安排；{login} 是{role}",
                              "only an administrator may change the calendar; {login} is a "
                              "{role}").format(login=ws.actor.login,
                                               role=role_text(ws.actor.role.value)),
                        COMMAND)
        except CentrallyManaged:
            return fail(words("本机已连接中心数据库，节假日安排由中心数据库维护：请由中心数据库的"
                              "管理员用 `mediation-desk central calendar import URL FILE` "
                              "在那里导入通知（未作任何改动）",
                              "this workstation is linked to a central database, which keeps "
                              "the calendar: its administrator imports the notice there with "
                              "`mediation-desk central calendar import URL FILE` (nothing was "
                              "changed)"), COMMAND)
        cal = notice.calendar
        print(words("{year} 年：已保存，放假 {off} 天，调休上班 {work} 天",
                    "{year}: {off} days off, {work} adjusted working days saved")
              .format(year=cal.year, off=len(cal.holidays), work=len(cal.adjusted_workdays)))
        started = time.perf_counter()
        summary, _ = clocks.recompute_open_clocks(ws, progress=recompute_progress())
        print(file=sys.stderr)
        print(recomputed_text(summary, time.perf_counter() - started))
    finally:
        store.close()
    return 0


def recompute_progress():
    """A progress callback for a clock recompute: a line on stderr, at most every second."""
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] >= 1 or done == total:
            last[0] = now
            print(words("\r正在重新计算期限：{done:,}/{total:,} 件在办案件",
                        "\rrecomputing clocks: {done:,}/{total:,} open cases")
                  .format(done=done, total=total), end="", file=sys.stderr, flush=True)

    return progress


def run_show(data_dir: Path, year_number: int) -> int:
    from app.services import calendar_admin
    from app.store.errors import StoreError

    try:
        store, ws = _open(data_dir)
    except StoreError as exc:
        return fail(store_error_text(exc), COMMAND)
    try:
        year = calendar_admin.year(ws, year_number)
        held = {y.year: y for y in calendar_admin.years(ws)}.get(year_number)
    finally:
        store.close()
    if year is None or held is None:
        return fail(words("节假日安排中没有 {year} 年：请用 `mediation-desk calendar import "
                          "FILE` 导入当年的通知",
                          "the calendar has no {year}: import its notice with "
                          "`mediation-desk calendar import FILE`").format(year=year_number),
                    COMMAND)
    print_year(held, year)
    return 0


def print_year(held, year) -> None:
    """A year as `calendar show` prints it: its summary, then each month with days off."""
    number = held.year
    source = str(held.source)
    print(words("{year} 年：工作日 {workdays} 天；来源：{source}，第 {revision} 版",
                "{year}: {workdays} working days; source {source}, revision {revision}")
          .format(year=number, workdays=held.workdays, revision=held.revision,
                  source=words(_SOURCES.get(source, source), source)))
    for month in range(1, 13):
        days = [date(number, month, d)
                for d in range(1, month_calendar.monthrange(number, month)[1] + 1)]
        off = [d for d in days if d in year.holidays]
        work = [d for d in days if d in year.adjusted_workdays]
        if off or work:
            line = f"{month:2}月  放假 " + ("、".join(f"{d.day}日" for d in off) or "—")
            if work:
                line += "  上班 " + "、".join(f"{d.day}日" for d in work)
            names = sorted({year.names.get(d, "") for d in off + work} - {""})
            print(line + (f"  ({'、'.join(names)})" if names else ""))
