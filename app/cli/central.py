"""`mediation-desk central ...`: administering a central database from the command line.

URL is a PostgreSQL URL (postgresql://admin@host:5432/mediation; the password inline,
in PGPASSWORD or in ~/.pgpass) or an SQLite file for a standalone office
(sqlite:////srv/mediation/central.sqlite).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli.common import fail, store_error_text
from app.sync.central import SSL_MODES

EXAMPLE = "postgresql://admin@db.example.cn:5432/mediation or sqlite:////srv/central.sqlite"
REFERENCE_ACTIONS = ("calendar", "rules", "office")


def _with_url(subparsers, name: str, help_text: str, *,
              by: bool = False) -> argparse.ArgumentParser:
    p = subparsers.add_parser(name, help=help_text)
    p.add_argument("url", metavar="URL", help=EXAMPLE)
    p.add_argument("--sslmode", choices=SSL_MODES, default="",
                   help="TLS (default: require; prefer for localhost or a Unix socket)")
    p.add_argument("--sslrootcert", default="", metavar="FILE",
                   help="CA certificate to check the server against (verify-ca/full)")
    if by:
        p.add_argument("--by", metavar="NAME",
                       help="who makes the change, as the audit trail records it "
                       "(default: the database login)")
    return p


def add_parser(sub) -> None:
    central = sub.add_parser("central", help="administer the central database",
                             description=__doc__,
                             formatter_class=argparse.RawDescriptionHelpFormatter)
    central.set_defaults(run=lambda args, data_dir: run(args))
    csub = central.add_subparsers(dest="central_command", metavar="ACTION", required=True)

    def with_url(name: str, help_text: str) -> argparse.ArgumentParser:
        return _with_url(csub, name, help_text)

    with_url("init", "create or upgrade the schema, roles and row-level security")
    office = with_url("add-office", "add an office (市场监管所 / 人民调解委员会)")
    office.add_argument("--code", required=True)
    office.add_argument("--name", required=True)
    office.add_argument("--committee", default="", help="committee name printed on documents")
    office.add_argument("--prefix", default="", help="document number prefix, e.g. 浦消调")
    office.add_argument("--region", default="")
    user = with_url("add-user", "add a login for a mediator or a supervisor")
    user.add_argument("--login", required=True, help="database login, e.g. zhangmin")
    user.add_argument("--name", required=True, help="the person's name, e.g. 张敏")
    user.add_argument("--office", required=True, help="office code or name")
    user.add_argument("--role", required=True, choices=("mediator", "supervisor"))
    user.add_argument("--password-stdin", action="store_true",
                      help="read the password from standard input (else one is generated)")
    with_url("status", "schema version and counts")
    prune = with_url("prune", "delete change-log entries older than the retention")
    prune.add_argument("--days", type=int, default=None)
    with_url("restored", "after restoring from a backup: make every workstation resync")
    with_url("verify-audit", "check each office's audit chain for tampering "
             "(exit 0 intact, 1 broken)")
    _with_url(csub, "fill-clocks", "work out when the completing clock of cases closed "
              "before this version ran out (按时办结率)", by=True)
    with_url("refresh-figures", "bring the figures' per-day summaries and the hot-words index "
             "up to date (run after an import and nightly: logins read them, only the "
             "administrator writes them)")
    imp = with_url("import", "copy a standalone workstation's store into the central database")
    imp.add_argument("--from", dest="source", type=Path, required=True, metavar="DATA_DIR")
    _add_reference_parsers(csub)


def _add_reference_parsers(csub) -> None:
    """calendar, rules, office: the reference data every workstation pulls."""
    cal = csub.add_parser("calendar", help="the holiday calendar every workstation counts "
                          "working days on")
    calsub = cal.add_subparsers(dest="reference_action", metavar="ACTION", required=True)
    load = _with_url(calsub, "import", "load a year from the State Council notice's text "
                     "(FILE, or - for standard input) and recompute every open case's clocks",
                     by=True)
    load.add_argument("file", metavar="FILE|-")
    load.add_argument("--year", type=int, help="the year, if the text has no title")
    load.add_argument("--official", action="store_true",
                      help="the text is the published notice itself (its title names the "
                      "year); the year is shown as 国务院通知 instead of 管理员录入")
    show = _with_url(calsub, "show", "print a year: days off, adjusted working days")
    show.add_argument("year", type=int, metavar="YEAR")

    rules = csub.add_parser("rules", help="the deadline rule sets (办理时限)")
    rsub = rules.add_subparsers(dest="reference_action", metavar="ACTION", required=True)
    _with_url(rsub, "list", "each rule set's clocks: limit, unit, start, verified by whom")
    edit = _with_url(rsub, "set", "change a rule set's limits or mark it verified (已核实), "
                     "and recompute every open case's clocks", by=True)
    edit.add_argument("code", metavar="CODE", help="the rule set, e.g. samr-order121-2026")
    edit.add_argument("--limit", action="append", default=[], metavar="KEY=DAYS",
                      help="a clock's new limit, by its kind (mediation=45) or its number "
                      "in `rules list` (2=45); repeat for several")
    verified = edit.add_mutually_exclusive_group()
    verified.add_argument("--verify", action="store_true",
                          help="checked against the published text: recorded as verified "
                          "by --by NAME (required), now")
    verified.add_argument("--unverify", action="store_true",
                          help="no longer verified: the mediators are warned again")

    office = csub.add_parser("office", help="an office's profile as documents print it")
    osub = office.add_subparsers(dest="reference_action", metavar="ACTION", required=True)
    prof = _with_url(osub, "set", "change an office's name, committee, number prefix, "
                     "address or phone", by=True)
    prof.add_argument("code", metavar="CODE", help="the office's code, e.g. PD01")
    prof.add_argument("--name", help="the office's full name")
    prof.add_argument("--committee", help="the committee name printed on documents")
    prof.add_argument("--prefix", help="document number prefix: 1-8 Chinese characters, "
                      "e.g. 浦消调 for （2026）浦消调字第0001号")
    prof.add_argument("--address", help="the address printed on notices")
    prof.add_argument("--phone", help="the phone number printed on notices")


def _fail(message: str) -> int:
    return fail(message, "central")


def run(args: argparse.Namespace) -> int:
    from app.services import central_admin
    from app.sync.central import CentralError, CentralErrorCode

    prepared = _prepare(args)  # input checked before connecting
    if isinstance(prepared, int):
        return prepared
    try:
        engine = central_admin.connect_admin(args.url, sslmode=args.sslmode,
                                             sslrootcert=args.sslrootcert)
    except CentralError as exc:
        if exc.code == CentralErrorCode.BAD_URL:
            return _fail(f"not a database URL ({exc.detail}); use {EXAMPLE}")
        hint = ""
        if "does not support ssl" in exc.detail.lower():
            hint = ("; it offers no TLS, which is required by default for a server "
                    "elsewhere: enable TLS on it, or pass --sslmode prefer on a trusted network")
        return _fail(f"cannot reach the central database: {exc.detail}{hint}")
    try:
        if args.central_command in REFERENCE_ACTIONS:
            return _run_reference(args, engine, prepared)
        return _run(args, engine)
    except central_admin.AdminError as exc:
        return _fail(str(exc))
    except CentralError as exc:
        return _fail(f"{exc.code.value}: {exc.detail}")
    finally:
        engine.dispose()


def _run(args: argparse.Namespace, engine) -> int:
    from app.services import central_admin
    from app.sync.central import new_epoch

    action = args.central_command
    if action == "init":
        revision = central_admin.init_central(engine)
        print(f"central database ready at schema {revision} ({engine.dialect.name})")
    elif action == "add-office":
        central_admin.add_office(engine, code=args.code, name=args.name,
                                 committee_name=args.committee, number_prefix=args.prefix,
                                 region=args.region)
        print(f"office {args.code} added")
    elif action == "add-user":
        password = sys.stdin.readline().rstrip("\n") if args.password_stdin else None
        if args.password_stdin and not password:
            raise central_admin.AdminError("no password on standard input")
        made = central_admin.add_user(engine, login=args.login, name=args.name,
                                      office=args.office, role=args.role, password=password)
        print(f"{args.role} {made.login} added to office {made.office_code}")
        if made.password:
            print(f"password (shown once; pass it on privately): {made.password}")
    elif action == "status":
        s = central_admin.status(engine)
        if s.revision is None:
            print(f"{s.kind}: no Mediation Desk schema (run `central init`)")
            return 1
        state = "up to date" if s.revision == s.expected_revision else \
            f"OLD, this program expects {s.expected_revision}: run `central init`"
        print(f"database       {s.kind}")
        print(f"schema         {s.revision} ({state})")
        print(f"epoch          {s.epoch}")
        print(f"offices        {s.offices:,}")
        print(f"users          {s.users:,}")
        print(f"cases          {s.cases:,}")
        print(f"changes logged {s.changes:,}")
        print(f"mutations      {s.mutations:,}")
        print(f"open conflicts {s.open_conflicts:,}")
    elif action == "prune":
        removed = central_admin.prune_change_log(engine, keep_days=args.days)
        print(f"{removed:,} change-log entries removed")
    elif action == "restored":
        epoch = new_epoch(engine)
        print(f"new epoch {epoch}: workstations will resync and resend their unsent changes")
    elif action == "import":
        return _import(engine, args.source)
    elif action == "verify-audit":
        return _verify_audit(engine)
    elif action == "refresh-figures":
        return _refresh_figures(engine)
    elif action == "fill-clocks":
        from app.services import central_reference as ref

        summary = ref.fill_completion_dues(engine, actor=ref.admin_name(engine, args.by))
        print(f"{summary.checked:,} closed cases checked, {summary.changed:,} given their "
              "completion due")
    return 0


def _refresh_figures(engine) -> int:
    import time

    from app.services import hot_words, stats_summary

    started = time.perf_counter()
    days = stats_summary.catch_up(engine)
    words = hot_words.catch_up(engine)
    print(f"figures: {days:,} office-days summed; hot words: {words.cases:,} cases cut "
          f"({time.perf_counter() - started:.1f} s)")
    return 0


def _verify_audit(engine) -> int:
    from app.services.audit_verify import verify_central
    from app.sync.audit_check import NoOfficeChain

    try:
        report = verify_central(engine)
    except NoOfficeChain:
        return _fail("an SQLite central file keeps no per-office audit chain; "
                     "verify-audit needs PostgreSQL")
    what = {"changed": "the row was changed (content, actor or time) or moved",
            "missing": "rows were deleted",
            "out_of_chain": "a row was written past the chain (trigger bypassed)"}
    if not report.offices:
        print("no audit rows")
    for o in report.offices:
        if o.intact:
            print(f"{o.office}: intact, {o.rows:,} rows (1–{o.head_seq:,})")
            continue
        where = f"seq {o.seq}" if o.seq is not None else "outside the chain"
        at = o.at.isoformat() if o.at else "-"
        print(f"{o.office}: BROKEN, first broken link at {where}, row {o.row_id}, time {at}: "
              f"{what.get(o.problem, o.problem)}" + (f" ({o.detail})" if o.detail else ""))
    if report.intact:
        print("audit chains intact / 操作记录完整")
        return 0
    print("audit chains BROKEN / 操作记录被改动")
    return 1


def _import(engine, source: Path) -> int:
    from app.services.store_keys import open_local_store
    from app.store.errors import StoreError

    try:
        from app.services.central_import import import_store
    except ImportError:
        return _fail("import is not available in this build")
    try:
        store = open_local_store(source, upgrade=False)
    except StoreError as exc:
        return _fail(store_error_text(exc))
    try:
        report = import_store(engine, store)
    finally:
        store.close()
    print(report)
    return 0


# ---------------------------------------------------------------- reference data

_OFFICE_OPTIONS = ("name", "committee", "prefix", "address", "phone")


def _prepare(args: argparse.Namespace):
    """What a reference command reads or checks before connecting: the notice parsed,
    the --limit values read. An exit status when it is refused (nothing written)."""
    from app.cli.calendar import _read_text, notice_problem_text
    from app.core.holiday_notice import NoticeError
    from app.services import central_reference
    from app.services.central_admin import AdminError

    command, action = args.central_command, getattr(args, "reference_action", None)
    if (command, action) == ("calendar", "import"):
        try:
            text = _read_text(args.file)
        except (OSError, ValueError) as exc:
            return _fail(f"cannot read {args.file}: {exc}; nothing was changed")
        try:
            return central_reference.read_notice(text, args.year, official=args.official)
        except NoticeError as exc:
            how = (" (with --official the text must be the notice with its title, "
                   "关于XXXX年部分节假日安排的通知)" if args.official and exc.line is None else "")
            return _fail(f"the notice was not loaded: {notice_problem_text(exc)}{how}; "
                         f"nothing was changed")
        except AdminError as exc:
            return _fail(f"{exc}; nothing was changed")
    if (command, action) == ("rules", "set"):
        limits: dict[str, int] = {}
        for item in args.limit:
            key, _, days = item.partition("=")
            try:
                limits[key.strip()] = int(days)
            except ValueError:
                return _fail(f"--limit {item}: write KEY=DAYS, e.g. mediation=45; "
                             f"nothing was changed")
        if args.verify and not args.by:
            return _fail("--verify needs --by NAME: the person who checked the rule set "
                         "against the published text")
        if not limits and not (args.verify or args.unverify):
            return _fail("nothing to change: give --limit KEY=DAYS, --verify or --unverify")
        return limits
    if (command, action) == ("office", "set"):
        if all(getattr(args, o) is None for o in _OFFICE_OPTIONS):
            return _fail("nothing to change: give --name, --committee, --prefix, --address "
                         "or --phone")
    return None


def _run_reference(args: argparse.Namespace, engine, prepared) -> int:
    from app.services import central_reference as ref
    from app.services.rule_admin import RuleEditRefused

    command, action = args.central_command, args.reference_action
    try:
        if command == "calendar" and action == "show":
            return _show_year(engine, args.year)
        if command == "rules" and action == "list":
            return _list_rules(engine)
        actor = ref.admin_name(engine, args.by)
        if command == "calendar":
            return _import_calendar(engine, prepared, actor, official=args.official)
        if command == "rules":
            confirmed = True if args.verify else False if args.unverify else None
            return _set_rules(engine, args.code, prepared, confirmed, actor)
        return _set_office(engine, args.code, actor,
                           {o: getattr(args, o) for o in _OFFICE_OPTIONS})
    except RuleEditRefused as exc:
        return _fail(_rule_refusal(engine, args, exc) + "; nothing was changed")
    except ref.UnknownClock as exc:
        return _fail(f"{args.code} has no clock {exc.key!r}; its clocks are "
                     f"{', '.join(exc.known)} (or their numbers 1-{len(exc.known)}); "
                     f"nothing was changed")
    except ref.OfficeRefused as exc:
        return _fail("; ".join(_office_problem(option, problem)
                               for option, problem in exc.problems.items())
                     + "; nothing was changed")
    except KeyboardInterrupt:
        return _fail("interrupted: the central database was left as it was")


def _recomputed(summary, started: float) -> None:
    import time

    print(file=sys.stderr)
    print(f"{summary.checked:,} open cases recomputed in {time.perf_counter() - started:.1f} s; "
          f"{summary.changed:,} changed")
    print("workstations take the change and their cases' new deadlines at their next sync")


def _import_calendar(engine, notice, actor: str, *, official: bool) -> int:
    import time

    from app.cli.calendar import recompute_progress
    from app.services import central_reference

    cal = notice.calendar
    started = time.perf_counter()
    saved = central_reference.import_calendar(engine, notice, actor=actor, official=official,
                                              progress=recompute_progress())
    if not saved.changed:
        print(f"{cal.year}: the central calendar reads so already; nothing was changed")
        return 0
    print(file=sys.stderr)
    print(f"{cal.year}: {len(cal.holidays)} days off, {len(cal.adjusted_workdays)} adjusted "
          f"working days saved by {actor}"
          + (f" (also changed: {', '.join(str(y) for y in saved.years[1:])})"
             if len(saved.years) > 1 else ""))
    _recomputed(saved.recompute, started)
    return 0


def _show_year(engine, number: int) -> int:
    from app.cli.calendar import print_year
    from app.services import central_reference

    year = central_reference.calendar_year(engine, number)
    held = {y.year: y for y in central_reference.calendar_years(engine)}.get(number)
    if year is None or held is None:
        return _fail(f"the central calendar has no {number}: load its notice with "
                     f"`mediation-desk central calendar import URL FILE`")
    print_year(held, year)
    return 0


def _list_rules(engine) -> int:
    from app.core.timeutil import china_date
    from app.services import central_reference

    for view in central_reference.rule_sets(engine):
        until = view.valid_to.isoformat() if view.valid_to else ""
        print(f"{view.code}  {view.name}")
        print(f"  track {view.track.value}, received {view.valid_from.isoformat()}–{until}")
        if view.confirmed and view.verified_at is None:
            print("  已核实 verified as shipped with the program")
        elif view.confirmed:
            print(f"  已核实 verified by {view.verified_by_name or view.verified_by} on "
                  f"{china_date(view.verified_at).isoformat()}")
        else:
            print("  未核实 not verified: mediators are warned")
        for number, rule in enumerate(view.rules, start=1):
            key = central_reference.limit_key(view, number - 1)
            soft = ", target" if rule.soft else ""
            print(f"  {number}. {key}={rule.limit}  {rule.unit.value} from "
                  f"{rule.starts_at.value}{soft}")
    return 0


def _set_rules(engine, code: str, limits: dict[str, int], confirmed, actor: str) -> int:
    import time

    from app.cli.calendar import recompute_progress
    from app.services import central_reference

    started = time.perf_counter()
    saved = central_reference.set_rule_set(engine, code, limits=limits, confirmed=confirmed,
                                           actor=actor, progress=recompute_progress())
    if not saved.changed:
        print(f"{code} reads so already; nothing was changed")
        return 0
    view = {v.code: v for v in central_reference.rule_sets(engine)}[code]
    print(file=sys.stderr)
    state = (f"已核实, verified by {view.verified_by} now" if view.confirmed
             else "未核实 (not verified; mediators are warned)")
    print(f"{code} saved by {actor}: {state}")
    if confirmed is None and not view.confirmed and limits:
        print("  (verified again only with --verify --by NAME once checked against the "
              "published text)")
    _recomputed(saved.recompute, started)
    return 0


def _rule_refusal(engine, args, exc) -> str:
    from app.services import central_reference
    from app.services.rule_admin import CITATION_MAX

    if exc.problem == "unknown":
        known = ", ".join(v.code for v in central_reference.rule_sets(engine))
        return f"no rule set {args.code!r}; known: {known or 'none'}"
    view = {v.code: v for v in central_reference.rule_sets(engine)}.get(args.code)
    key = (central_reference.limit_key(view, exc.rule) if view and exc.rule is not None
           else "")
    words = {
        "limit_not_positive": f"--limit {key}: a limit must be at least 1 (0 or less "
                              f"would make every case overdue at once)",
        "citation_too_long": f"the citation of {key} is longer than {CITATION_MAX} characters",
        "invalid": "the rule set would not hold as changed (check the limits against "
                   "`central rules list`)",
    }
    return words.get(exc.problem, exc.problem)


def _office_problem(option: str, problem) -> str:
    from app.services.office_profile import ADDRESS_MAX, ORG_NAME_MAX, ProfileProblem

    limit = ADDRESS_MAX if option == "address" else ORG_NAME_MAX
    words = {
        ProfileProblem.EMPTY: "cannot be empty",
        ProfileProblem.TOO_LONG: f"is longer than {limit} characters",
        ProfileProblem.BAD_PREFIX: "must be 1-8 Chinese characters, not ending in 字 or 号, "
                                   "so that a number such as （2026）浦消调字第0001号 reads one "
                                   "way (no digits, brackets or Latin letters)",
        ProfileProblem.BAD_PHONE: "is not a phone number (e.g. 021-58881234 or 13800135678)",
    }
    return f"--{option} {words.get(problem, problem.value)}"


def _set_office(engine, code: str, actor: str, given: dict[str, str | None]) -> int:
    from app.services import central_reference

    changes = central_reference.set_office(engine, code, actor=actor, **given)
    if not changes:
        print(f"office {code} reads so already; nothing was changed")
        return 0
    print(f"office {code} saved by {actor}:")
    for column, (old, new) in changes.items():
        print(f"  {column}: {old or '—'} → {new or '—'}")
    print("workstations take it at their next sync")
    return 0
