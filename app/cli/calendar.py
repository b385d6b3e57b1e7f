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

from app.cli.common import add_data_dir_arg, fail, store_error_text

COMMAND = "calendar"

_NOTICE_PROBLEMS = {
    "no_year": "the text does not say which year it is for (paste the title "
               "关于XXXX年部分节假日安排的通知 too, or give --year)",
    "no_items": "no holiday items were found (lines like 一、元旦：1月1日至3日放假。)",
    "no_days": "this item names no day off",
    "bad_date": "the date {detail} does not exist",
    "weekday": "the weekday in brackets after {detail} is not that date's weekday",
    "day_count": "共{detail}天 does not match the dates given",
    "other_year": "the date {detail} is neither in this year nor next to it",
    "both": "{detail} is listed as a day off and as a working day",
    "workday_on_weekday": "{detail} is a weekday already; it cannot be an adjusted "
                          "working day (调休上班)",
}


def add_parser(sub) -> None:
    cal = sub.add_parser(COMMAND, help="the holiday calendar: import a State Council notice, "
                         "show a year")
    add_data_dir_arg(cal, suppress=True)
    actions = cal.add_subparsers(dest="calendar_command", metavar="ACTION", required=True)
    load = actions.add_parser("import", help="load a year from the notice's text "
                              "(FILE, or - for standard input)")
    load.add_argument("file", metavar="FILE|-")
    load.add_argument("--year", type=int, help="the year, if the text has no title")
    add_data_dir_arg(load, suppress=True)
    load.set_defaults(run=lambda args, data_dir: run_import(data_dir, args.file, args.year))
    show = actions.add_parser("show", help="print a year: days off, adjusted working days")
    show.add_argument("year", type=int, metavar="YEAR")
    add_data_dir_arg(show, suppress=True)
    show.set_defaults(run=lambda args, data_dir: run_show(data_dir, args.year))


def _read_text(source: str) -> str:
    raw = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError("the file is neither UTF-8 nor GB18030 text")


def notice_problem_text(error) -> str:
    text = _NOTICE_PROBLEMS.get(error.problem.value, error.problem.value).format(
        detail=error.detail)
    return f"line {error.line}: {text}" if error.line else text


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
        return fail(f"cannot read {source}: {exc}", COMMAND)
    try:
        notice = calendar_admin.read_notice(text, year)
    except NoticeError as exc:
        return fail(f"the notice was not loaded: {notice_problem_text(exc)}", COMMAND)
    try:
        store, ws = _open(data_dir)
    except StoreError as exc:
        return fail(store_error_text(exc), COMMAND)
    try:
        try:
            calendar_admin.save_year(ws, notice.calendar, other_years=notice.other_years)
        except NotAdministrator:
            return fail(f"only an administrator may change the calendar; {ws.actor.login} "
                        f"is a {ws.actor.role.value}", COMMAND)
        except CentrallyManaged:
            return fail("this workstation is linked to a central database, which keeps the "
                        "calendar: its administrator imports the notice there with "
                        "`mediation-desk central calendar import URL FILE` (nothing was "
                        "changed)", COMMAND)
        cal = notice.calendar
        print(f"{cal.year}: {len(cal.holidays)} days off, {len(cal.adjusted_workdays)} "
              f"adjusted working days saved")
        started = time.perf_counter()
        summary, _ = clocks.recompute_open_clocks(ws, progress=recompute_progress())
        print(file=sys.stderr)
        print(f"{summary.checked:,} open cases recomputed in "
              f"{time.perf_counter() - started:.1f} s; {summary.changed:,} changed")
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
            print(f"\rrecomputing clocks: {done:,}/{total:,} open cases", end="",
                  file=sys.stderr, flush=True)

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
        return fail(f"the calendar has no {year_number}: import its notice with "
                    f"`mediation-desk calendar import FILE`", COMMAND)
    print_year(held, year)
    return 0


def print_year(held, year) -> None:
    """A year as `calendar show` prints it: its summary, then each month with days off."""
    number = held.year
    print(f"{number}: {held.workdays} working days; source {held.source}, "
          f"revision {held.revision}")
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
