"""`mediation-desk central ...`: administering a central database from the command line.

URL is a PostgreSQL URL (postgresql://admin@host:5432/mediation; the password inline,
in PGPASSWORD or in ~/.pgpass) or an SQLite file for a standalone office
(sqlite:////srv/mediation/central.sqlite).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli.calendar import recomputed_text, show_help
from app.cli.common import (
    CENTRAL_EXAMPLE,
    RawDescriptionHelpFormatter,
    central_error_text,
    fail,
    no_store_text,
    pad,
    refusal_text,
    role_text,
    speaks_chinese,
    store_error_text,
    words,
)
from app.sync.central import SSL_MODES

REFERENCE_ACTIONS = ("calendar", "rules", "office")

DESCRIPTION = """\
在命令行中管理中心数据库。

URL 是 PostgreSQL 数据库的地址（postgresql://admin@host:5432/mediation；
密码可以写在地址中，或放在 PGPASSWORD 环境变量或 ~/.pgpass 文件中），
单独一个机构使用时也可以是一个 SQLite 文件
（sqlite:////srv/mediation/central.sqlite）。
"""


def _with_url(subparsers, name: str, help_text: str, *,
              by: bool = False) -> argparse.ArgumentParser:
    """An action on the central database at URL; ``help_text`` already in words()."""
    p = subparsers.add_parser(name, help=help_text)
    p.add_argument("url", metavar="URL", help=words(*CENTRAL_EXAMPLE))
    p.add_argument("--sslmode", choices=SSL_MODES, default="", help=words(
        "加密连接（TLS）方式（默认 require；连接本机的数据库时为 prefer）",
        "TLS (default: require; prefer for localhost or a Unix socket)"))
    p.add_argument("--sslrootcert", default="", metavar="FILE", help=words(
        "用来核对服务器证书的根证书文件（--sslmode verify-ca 或 verify-full 时使用）",
        "CA certificate to check the server against (verify-ca/full)"))
    if by:
        p.add_argument("--by", metavar="NAME", help=words(
            "修改人的姓名，记入操作记录（默认：数据库登录名）",
            "who makes the change, as the audit trail records it (default: the database "
            "login)"))
    return p


def add_parser(sub) -> None:
    central = sub.add_parser("central", help=words("管理中心数据库",
                                                   "administer the central database"),
                             description=words(DESCRIPTION, __doc__),
                             formatter_class=RawDescriptionHelpFormatter)
    central.set_defaults(run=lambda args, data_dir: run(args))
    csub = central.add_subparsers(dest="central_command", metavar="ACTION", required=True)

    def with_url(name: str, chinese: str, english: str) -> argparse.ArgumentParser:
        return _with_url(csub, name, words(chinese, english))

    with_url("init", "建立或升级中心数据库的结构、数据库角色和行级安全策略",
             "create or upgrade the schema, roles and row-level security")
    office = with_url("add-office", "添加机构（市场监管所 / 人民调解委员会）",
                      "add an office (市场监管所 / 人民调解委员会)")
    office.add_argument("--code", required=True)
    office.add_argument("--name", required=True)
    office.add_argument("--committee", default="", help=words(
        "文书上印的调解委员会名称", "committee name printed on documents"))
    office.add_argument("--prefix", default="", help=words(
        "文书编号前缀，例如 浦消调", "document number prefix, e.g. 浦消调"))
    office.add_argument("--region", default="")
    user = with_url("add-user", "为调解员或负责人添加登录名",
                    "add a login for a mediator or a supervisor")
    user.add_argument("--login", required=True, help=words(
        "数据库登录名，例如 zhangmin", "database login, e.g. zhangmin"))
    user.add_argument("--name", required=True, help=words(
        "本人姓名，例如 张敏", "the person's name, e.g. 张敏"))
    user.add_argument("--office", required=True,
                      help=words("机构代码或名称", "office code or name"))
    user.add_argument("--role", required=True, choices=("mediator", "supervisor"))
    user.add_argument("--password-stdin", action="store_true", help=words(
        "从标准输入读取密码（不给出时自动生成一个）",
        "read the password from standard input (else one is generated)"))
    with_url("status", "中心数据库的结构版本和各项数量", "schema version and counts")
    prune = with_url("prune", "删除超过保留期限的变更记录",
                     "delete change-log entries older than the retention")
    prune.add_argument("--days", type=int, default=None)
    with_url("restored", "从备份恢复中心数据库之后运行：让每个工作站重新同步",
             "after restoring from a backup: make every workstation resync")
    with_url("verify-audit", "检查每个机构的操作记录哈希链是否被篡改（完整时退出状态为 0，被改动时为 1）",
             "check each office's audit chain for tampering (exit 0 intact, 1 broken)")
    _with_url(csub, "fill-clocks", words(
        "为本版本之前已办结的案件补算办结期限（用于按时办结率）",
        "work out when the completing clock of cases closed before this version ran out "
        "(按时办结率)"), by=True)
    with_url("refresh-figures", "更新统计数据的每日汇总和热词索引（导入数据后以及每天夜间运行："
             "各登录名只读取它们，只有管理员写入）",
             "bring the figures' per-day summaries and the hot-words index up to date (run "
             "after an import and nightly: logins read them, only the administrator writes "
             "them)")
    imp = with_url("import", "把一台单机工作站的数据文件复制到中心数据库",
                   "copy a standalone workstation's store into the central database")
    imp.add_argument("--from", dest="source", type=Path, required=True, metavar="DATA_DIR")
    _add_reference_parsers(csub)


def _add_reference_parsers(csub) -> None:
    """calendar, rules, office: the reference data every workstation pulls."""
    cal = csub.add_parser("calendar", help=words(
        "节假日安排：各工作站按它计算工作日",
        "the holiday calendar every workstation counts working days on"))
    calsub = cal.add_subparsers(dest="reference_action", metavar="ACTION", required=True)
    load = _with_url(calsub, "import", words(
        "从国务院通知的文本导入一年的安排（FILE，或用 - 表示标准输入），并重新计算所有在办案件的期限",
        "load a year from the State Council notice's text (FILE, or - for standard input) "
        "and recompute every open case's clocks"), by=True)
    load.add_argument("file", metavar="FILE|-")
    load.add_argument("--year", type=int, help=words("年份（文本中没有通知标题时需要给出）",
                                                     "the year, if the text has no title"))
    load.add_argument("--official", action="store_true", help=words(
        "文本就是公布的通知原文（标题写明年份）；这一年的来源显示为“国务院通知”，而不是“管理员录入”",
        "the text is the published notice itself (its title names the year); the year is "
        "shown as 国务院通知 instead of 管理员录入"))
    show = _with_url(calsub, "show", show_help())
    show.add_argument("year", type=int, metavar="YEAR")

    rules = csub.add_parser("rules", help=words("期限规则（办理时限）",
                                                "the deadline rule sets (办理时限)"))
    rsub = rules.add_subparsers(dest="reference_action", metavar="ACTION", required=True)
    _with_url(rsub, "list", words(
        "列出每套期限规则的各项期限：时限、单位、起算点、核实人",
        "each rule set's clocks: limit, unit, start, verified by whom"))
    edit = _with_url(rsub, "set", words(
        "修改一套期限规则的时限，或标记为已核实，并重新计算所有在办案件的期限",
        "change a rule set's limits or mark it verified (已核实), and recompute every open "
        "case's clocks"), by=True)
    edit.add_argument("code", metavar="CODE", help=words(
        "期限规则的代码，例如 samr-order121-2026", "the rule set, e.g. samr-order121-2026"))
    edit.add_argument("--limit", action="append", default=[], metavar="KEY=DAYS", help=words(
        "一项期限的新时限，用期限的名称（mediation=45）或它在 `rules list` 中的序号（2=45）"
        "指明；修改多项时重复使用",
        "a clock's new limit, by its kind (mediation=45) or its number in `rules list` "
        "(2=45); repeat for several"))
    verified = edit.add_mutually_exclusive_group()
    verified.add_argument("--verify", action="store_true", help=words(
        "已对照公布的原文核对：记为由 --by NAME（必须给出）于此时核实",
        "checked against the published text: recorded as verified by --by NAME (required), "
        "now"))
    verified.add_argument("--unverify", action="store_true", help=words(
        "取消核实：调解员会重新看到提醒", "no longer verified: the mediators are warned again"))

    office = csub.add_parser("office", help=words(
        "机构信息（文书上印的内容）", "an office's profile as documents print it"))
    osub = office.add_subparsers(dest="reference_action", metavar="ACTION", required=True)
    prof = _with_url(osub, "set", words(
        "修改机构的名称、调解委员会名称、文书编号前缀、地址或电话",
        "change an office's name, committee, number prefix, address or phone"), by=True)
    prof.add_argument("code", metavar="CODE", help=words("机构代码，例如 PD01",
                                                         "the office's code, e.g. PD01"))
    prof.add_argument("--name", help=words("机构全称", "the office's full name"))
    prof.add_argument("--committee", help=words("文书上印的调解委员会名称",
                                                "the committee name printed on documents"))
    prof.add_argument("--prefix", help=words(
        "文书编号前缀：1 至 8 个汉字，例如（2026）浦消调字第0001号中的“浦消调”",
        "document number prefix: 1-8 Chinese characters, e.g. 浦消调 for "
        "（2026）浦消调字第0001号"))
    prof.add_argument("--address", help=words("通知书上印的地址",
                                              "the address printed on notices"))
    prof.add_argument("--phone", help=words("通知书上印的电话号码",
                                            "the phone number printed on notices"))


def _fail(message: str) -> int:
    return fail(message, "central")


def _unchanged(text: str) -> str:
    """A refusal's words and that nothing was written."""
    return words("{text}；未作任何改动", "{text}; nothing was changed").format(text=text)


def run(args: argparse.Namespace) -> int:
    from app.services import central_admin
    from app.sync.central import CentralError

    prepared = _prepare(args)  # input checked before connecting
    if isinstance(prepared, int):
        return prepared
    try:
        engine = central_admin.connect_admin(args.url, sslmode=args.sslmode,
                                             sslrootcert=args.sslrootcert)
    except CentralError as exc:
        return _fail(central_error_text(exc))
    try:
        if args.central_command in REFERENCE_ACTIONS:
            return _run_reference(args, engine, prepared)
        return _run(args, engine)
    except central_admin.AdminError as exc:
        return _fail(refusal_text(exc))
    except CentralError as exc:
        return _fail(central_error_text(exc))
    finally:
        engine.dispose()


_STATUS_LABELS = (  # CentralStatus's field -> (Chinese, English) label
    ("offices", "机构", "offices"), ("users", "用户", "users"), ("cases", "案件", "cases"),
    ("changes", "变更记录", "changes logged"), ("mutations", "已接收的修改", "mutations"),
    ("open_conflicts", "未处理的冲突", "open conflicts"),
)


def _run(args: argparse.Namespace, engine) -> int:
    from app.services import central_admin
    from app.sync.central import new_epoch

    action = args.central_command
    if action == "init":
        revision = central_admin.init_central(engine)
        print(words("中心数据库已就绪，结构版本 {revision}（{dialect}）",
                    "central database ready at schema {revision} ({dialect})")
              .format(revision=revision, dialect=engine.dialect.name))
    elif action == "add-office":
        central_admin.add_office(engine, code=args.code, name=args.name,
                                 committee_name=args.committee, number_prefix=args.prefix,
                                 region=args.region)
        print(words("已添加机构 {code}", "office {code} added").format(code=args.code))
    elif action == "add-user":
        password = sys.stdin.readline().rstrip("\n") if args.password_stdin else None
        if args.password_stdin and not password:
            raise central_admin.AdminError("no password on standard input", "标准输入中没有密码")
        made = central_admin.add_user(engine, login=args.login, name=args.name,
                                      office=args.office, role=args.role, password=password)
        print(words("已添加{role} {login}，所属机构 {office}", "{role} {login} added to office {office}")
              .format(role=role_text(args.role), login=made.login, office=made.office_code))
        if made.password:
            print(words("密码（只显示这一次，请私下转交）：{password}",
                        "password (shown once; pass it on privately): {password}")
                  .format(password=made.password))
    elif action == "status":
        return _status(engine)
    elif action == "prune":
        removed = central_admin.prune_change_log(engine, keep_days=args.days)
        print(words("已删除 {n:,} 条变更记录", "{n:,} change-log entries removed").format(n=removed))
    elif action == "restored":
        epoch = new_epoch(engine)
        print(words("新的同步批次号 {epoch}：各工作站将重新同步，并重新发送尚未发送的修改",
                    "new epoch {epoch}: workstations will resync and resend their unsent changes")
              .format(epoch=epoch))
    elif action == "import":
        return _import(engine, args.source)
    elif action == "verify-audit":
        return _verify_audit(engine)
    elif action == "refresh-figures":
        return _refresh_figures(engine)
    elif action == "fill-clocks":
        from app.services import central_reference as ref

        summary = ref.fill_completion_dues(engine, actor=ref.admin_name(engine, args.by))
        print(words("已检查 {checked:,} 件已办结案件，其中 {changed:,} 件补记了办结期限",
                    "{checked:,} closed cases checked, {changed:,} given their completion due")
              .format(checked=summary.checked, changed=summary.changed))
    return 0


def _status(engine) -> int:
    from app.services import central_admin

    s = central_admin.status(engine)
    if s.revision is None:
        print(words("{kind}：还没有调解工作台的数据库结构（请先运行 `central init`）",
                    "{kind}: no Mediation Desk schema (run `central init`)").format(kind=s.kind))
        return 1
    state = (words("已是最新", "up to date") if s.revision == s.expected_revision else
             words("版本较旧，本程序需要 {expected}：请运行 `central init`",
                   "OLD, this program expects {expected}: run `central init`")
             .format(expected=s.expected_revision))
    rows = [(words("数据库", "database"), s.kind),
            (words("结构版本", "schema"), words("{revision}（{state}）", "{revision} ({state})")
             .format(revision=s.revision, state=state)),
            (words("同步批次号", "epoch"), s.epoch)]
    rows += [(words(chinese, english), f"{getattr(s, field):,}")
             for field, chinese, english in _STATUS_LABELS]
    for label, value in rows:
        print(f"{pad(label, 14)} {value}")
    return 0


def _refresh_figures(engine) -> int:
    import time

    from app.services import hot_words, stats_summary

    started = time.perf_counter()
    days = stats_summary.catch_up(engine)
    cut = hot_words.catch_up(engine)
    print(words("统计数据：已汇总 {days:,} 个机构日；热词：已分词 {cases:,} 件案件（用时 {s:.1f} 秒）",
                "figures: {days:,} office-days summed; hot words: {cases:,} cases cut "
                "({s:.1f} s)").format(days=days, cases=cut.cases,
                                      s=time.perf_counter() - started))
    return 0


_AUDIT_BREAKS = {  # an office chain's problem -> (Chinese, English)
    "changed": ("这条记录的内容、操作人或时间被改动过，或被挪动过",
                "the row was changed (content, actor or time) or moved"),
    "missing": ("有记录被删除", "rows were deleted"),
    "out_of_chain": ("有一条记录绕过了触发器写入，不在哈希链中",
                     "a row was written past the chain (trigger bypassed)"),
}


def _verify_audit(engine) -> int:
    from app.services.audit_verify import verify_central
    from app.sync.audit_check import NoOfficeChain

    try:
        report = verify_central(engine)
    except NoOfficeChain:
        return _fail(words("SQLite 中心数据库文件没有按机构保存的操作记录哈希链；"
                           "`central verify-audit` 需要 PostgreSQL",
                           "an SQLite central file keeps no per-office audit chain; "
                           "verify-audit needs PostgreSQL"))
    if not report.offices:
        print(words("没有操作记录", "no audit rows"))
    for o in report.offices:
        if o.intact:
            print(words("{office}：完整，{rows:,} 条记录（第 1–{head:,} 条）",
                        "{office}: intact, {rows:,} rows (1–{head:,})")
                  .format(office=o.office, rows=o.rows, head=o.head_seq))
            continue
        where = (words("第 {seq} 条", "seq {seq}").format(seq=o.seq) if o.seq is not None
                 else words("哈希链之外", "outside the chain"))
        pair = _AUDIT_BREAKS.get(o.problem)
        detail = words("（{detail}）", " ({detail})").format(detail=o.detail) if o.detail else ""
        print(words("{office}：被改动，第一个断开处在{where}，记录 {row}，时间 {at}：{what}{detail}",
                    "{office}: BROKEN, first broken link at {where}, row {row}, time {at}: "
                    "{what}{detail}")
              .format(office=o.office, where=where, row=o.row_id,
                      at=o.at.isoformat() if o.at else "-",
                      what=words(*pair) if pair else o.problem, detail=detail))
    if report.intact:
        print(words("操作记录完整", "audit chains intact / 操作记录完整"))
        return 0
    print(words("操作记录被改动", "audit chains BROKEN / 操作记录被改动"))
    return 1


def _import(engine, source: Path) -> int:
    from app.services.store_keys import open_local_store
    from app.store.database import STORE_FILENAME
    from app.store.errors import StoreError

    try:
        from app.services.central_import import import_store
    except ImportError:
        return _fail(words("这个版本的程序不含导入功能", "import is not available in this build"))
    if not (source / STORE_FILENAME).is_file():  # else opening it would start a new store
        return _fail(no_store_text(source))
    try:
        store = open_local_store(source, upgrade=False)
    except StoreError as exc:
        return _fail(store_error_text(exc))
    try:
        report = import_store(engine, store)
    finally:
        store.close()
    print(_import_text(report) if speaks_chinese() else report)
    return 0


# The synced tables an import reports, as the desk's sync view names them (offices and
# mediators as this command names them elsewhere); a table not named here shows its name
# (tests/test_cli_chinese.py fails for a synced table not named here).
IMPORTED_TABLES = {
    "offices": "机构", "mediators": "用户", "office_settings": "机构设置",
    "calendar_years": "节假日安排", "deadline_rule_sets": "期限规则", "cases": "案件",
    "parties": "当事人", "notes": "备注", "mediation_sessions": "调解记录", "follow_ups": "回访",
    "documents": "文书", "attachments": "附件", "clock_pauses": "计时中止",
    "audit_events": "操作记录", "warnings": "预警", "phrases": "常用语、模板和条款",
    "sync_conflicts": "同步冲突", "dispute_groups": "群体性纠纷",
    "group_members": "群体性纠纷的案件", "group_payments": "群体性纠纷的退款",
    "group_sessions": "群体调解记录",
}


def _import_text(report) -> str:
    """An ImportReport in Chinese (its str() is the English)."""
    how = {"added": "新增", "existing": "已有"}
    offices = "，".join(f"{code}（{how.get(h, h)}）" for code, h in report.offices.items())
    lines = [f"已导入 {report.central} 中心数据库：机构 {offices}"]
    for table, count in report.rows.items():
        skipped = report.skipped.get(table, 0)
        extra = f"（中心已有 {skipped:,} 行）" if skipped else ""
        lines.append(f"  {pad(IMPORTED_TABLES.get(table, table), 20)} {count:>12,}{extra}")
    rate = report.total_rows / report.seconds if report.seconds else 0.0
    lines.append(f"  {pad('变更记录', 20)} {report.changes:>12,}")
    lines.append(f"共 {report.total_rows:,} 行，用时 {report.seconds:.1f} 秒（每秒 {rate:,.0f} 行）")
    lines.extend(note.chinese for note in report.notes)
    return "\n".join(lines)


# ---------------------------------------------------------------- reference data

_OFFICE_OPTIONS = ("name", "committee", "prefix", "address", "phone")


def _prepare(args: argparse.Namespace):
    """What a reference command reads or checks before connecting: the notice parsed,
    the --limit values read. An exit status when it is refused (nothing written)."""
    from app.cli.calendar import _read_text, notice_problem_text, read_problem_text
    from app.core.holiday_notice import NoticeError
    from app.services import central_reference
    from app.services.central_admin import AdminError

    command, action = args.central_command, getattr(args, "reference_action", None)
    if (command, action) == ("calendar", "import"):
        try:
            text = _read_text(args.file)
        except (OSError, ValueError) as exc:
            return _fail(_unchanged(read_problem_text(args.file, exc)))
        try:
            return central_reference.read_notice(text, args.year, official=args.official)
        except NoticeError as exc:
            how = (words("（使用 --official 时，文本必须是带标题“关于××××年部分节假日安排的通知”的"
                         "通知原文）",
                         " (with --official the text must be the notice with its title, "
                         "关于XXXX年部分节假日安排的通知)")
                   if args.official and exc.line is None else "")
            return _fail(_unchanged(words("通知未导入：{problem}{how}",
                                          "the notice was not loaded: {problem}{how}")
                                    .format(problem=notice_problem_text(exc), how=how)))
        except AdminError as exc:
            return _fail(_unchanged(refusal_text(exc)))
    if (command, action) == ("rules", "set"):
        limits: dict[str, int] = {}
        for item in args.limit:
            key, _, days = item.partition("=")
            try:
                limits[key.strip()] = int(days)
            except ValueError:
                return _fail(_unchanged(words("--limit {item}：请写成 KEY=DAYS，例如 mediation=45",
                                              "--limit {item}: write KEY=DAYS, e.g. "
                                              "mediation=45").format(item=item)))
        if args.verify and not args.by:
            return _fail(words("--verify 需要用 --by NAME 写明核实人：对照公布的原文核对这套规则的人",
                               "--verify needs --by NAME: the person who checked the rule set "
                               "against the published text"))
        if not limits and not (args.verify or args.unverify):
            return _fail(words("没有要修改的内容：请给出 --limit KEY=DAYS、--verify 或 --unverify",
                               "nothing to change: give --limit KEY=DAYS, --verify or "
                               "--unverify"))
        return limits
    if (command, action) == ("office", "set"):
        if all(getattr(args, o) is None for o in _OFFICE_OPTIONS):
            return _fail(words("没有要修改的内容：请给出 --name、--committee、--prefix、--address "
                               "或 --phone",
                               "nothing to change: give --name, --committee, --prefix, "
                               "--address or --phone"))
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
        return _fail(_unchanged(_rule_refusal(engine, args, exc)))
    except ref.UnknownClock as exc:
        return _fail(_unchanged(words(
            "{code} 中没有期限 {key!r}；它的期限有 {known}（也可用序号 1-{n}）",
            "{code} has no clock {key!r}; its clocks are {known} (or their numbers 1-{n})")
            .format(code=args.code, key=exc.key, known=", ".join(exc.known), n=len(exc.known))))
    except ref.OfficeRefused as exc:
        return _fail(_unchanged(words("；", "; ").join(
            _office_problem(option, problem) for option, problem in exc.problems.items())))
    except KeyboardInterrupt:
        return _fail(words("已中断：中心数据库保持原样",
                           "interrupted: the central database was left as it was"))


def _recomputed(summary, started: float) -> None:
    import time

    print(file=sys.stderr)
    print(recomputed_text(summary, time.perf_counter() - started))
    print(words("各工作站在下次同步时取得这一修改和案件的新期限",
                "workstations take the change and their cases' new deadlines at their next "
                "sync"))


def _import_calendar(engine, notice, actor: str, *, official: bool) -> int:
    import time

    from app.cli.calendar import recompute_progress
    from app.services import central_reference

    cal = notice.calendar
    started = time.perf_counter()
    saved = central_reference.import_calendar(engine, notice, actor=actor, official=official,
                                              progress=recompute_progress())
    if not saved.changed:
        print(words("{year} 年：中心数据库的节假日安排已是如此，未作任何改动",
                    "{year}: the central calendar reads so already; nothing was changed")
              .format(year=cal.year))
        return 0
    print(file=sys.stderr)
    also = ""
    if len(saved.years) > 1:
        also = words("（同时修改了：{years}）", " (also changed: {years})").format(
            years=", ".join(str(y) for y in saved.years[1:]))
    print(words("{year} 年：放假 {off} 天，调休上班 {work} 天，已保存（保存人：{actor}）{also}",
                "{year}: {off} days off, {work} adjusted working days saved by {actor}{also}")
          .format(year=cal.year, off=len(cal.holidays), work=len(cal.adjusted_workdays),
                  actor=actor, also=also))
    _recomputed(saved.recompute, started)
    return 0


def _show_year(engine, number: int) -> int:
    from app.cli.calendar import print_year
    from app.services import central_reference

    year = central_reference.calendar_year(engine, number)
    held = {y.year: y for y in central_reference.calendar_years(engine)}.get(number)
    if year is None or held is None:
        return _fail(words("中心数据库的节假日安排中没有 {year} 年：请用 "
                           "`mediation-desk central calendar import URL FILE` 导入当年的通知",
                           "the central calendar has no {year}: load its notice with "
                           "`mediation-desk central calendar import URL FILE`")
                     .format(year=number))
    print_year(held, year)
    return 0


_TRACKS = {"peoples_mediation": "人民调解", "market_complaint": "市场监管投诉"}
_UNITS = {"working_days": "个工作日", "calendar_days": "日", "hours": "小时", "months": "个月"}
_STARTS = {"received": "自收到之日", "accepted": "自受理之日", "terminated": "自终止之日",
           "verified": "自核查决定之日", "effective": "自协议生效之日", "assigned": "自分派之日"}


def _list_rules(engine) -> int:
    from app.core.timeutil import china_date
    from app.services import central_reference

    chinese = speaks_chinese()
    for view in central_reference.rule_sets(engine):
        until = view.valid_to.isoformat() if view.valid_to else ""
        print(f"{view.code}  {view.name}")
        track = view.track.value
        print(words("  {track}，适用于 {start}–{until} 收到的案件",
                    "  track {track}, received {start}–{until}")
              .format(track=words(_TRACKS.get(track, track), track),
                      start=view.valid_from.isoformat(), until=until))
        if view.confirmed and view.verified_at is None:
            print(words("  已核实（随程序提供）", "  已核实 verified as shipped with the program"))
        elif view.confirmed:
            print(words("  已核实：{who}，{day}", "  已核实 verified by {who} on {day}")
                  .format(who=view.verified_by_name or view.verified_by,
                          day=china_date(view.verified_at).isoformat()))
        else:
            print(words("  未核实：调解员会看到提醒", "  未核实 not verified: mediators are warned"))
        for number, rule in enumerate(view.rules, start=1):
            key = central_reference.limit_key(view, number - 1)
            unit, start = rule.unit.value, rule.starts_at.value
            if chinese:
                soft = "（参考目标）" if rule.soft else ""
                print(f"  {number}. {key}={rule.limit}  {_STARTS.get(start, start)}起 "
                      f"{rule.limit} {_UNITS.get(unit, unit)}{soft}")
            else:
                soft = ", target" if rule.soft else ""
                print(f"  {number}. {key}={rule.limit}  {unit} from {start}{soft}")
    return 0


def _set_rules(engine, code: str, limits: dict[str, int], confirmed, actor: str) -> int:
    import time

    from app.cli.calendar import recompute_progress
    from app.services import central_reference

    started = time.perf_counter()
    saved = central_reference.set_rule_set(engine, code, limits=limits, confirmed=confirmed,
                                           actor=actor, progress=recompute_progress())
    if not saved.changed:
        print(words("{code} 已是如此，未作任何改动", "{code} reads so already; nothing was changed")
              .format(code=code))
        return 0
    view = {v.code: v for v in central_reference.rule_sets(engine)}[code]
    print(file=sys.stderr)
    state = (words("已核实（核实人：{by}）", "已核实, verified by {by} now")
             .format(by=view.verified_by) if view.confirmed
             else words("未核实（调解员会看到提醒）", "未核实 (not verified; mediators are warned)"))
    print(words("{code} 已保存（保存人：{actor}）：{state}", "{code} saved by {actor}: {state}")
          .format(code=code, actor=actor, state=state))
    if confirmed is None and not view.confirmed and limits:
        print(words("  （对照公布的原文核对后，再用 --verify --by NAME 标记为已核实）",
                    "  (verified again only with --verify --by NAME once checked against the "
                    "published text)"))
    _recomputed(saved.recompute, started)
    return 0


def _rule_refusal(engine, args, exc) -> str:
    from app.services import central_reference
    from app.services.rule_admin import CITATION_MAX

    if exc.problem == "unknown":
        known = ", ".join(v.code for v in central_reference.rule_sets(engine))
        return words("没有 {code!r} 这套期限规则；现有：{known}",
                     "no rule set {code!r}; known: {known}").format(
            code=args.code, known=known or words("无", "none"))
    view = {v.code: v for v in central_reference.rule_sets(engine)}.get(args.code)
    key = (central_reference.limit_key(view, exc.rule) if view and exc.rule is not None
           else "")
    texts = {
        "limit_not_positive": ("--limit {key}：时限至少为 1（0 或更小会让每个案件立即超期）",
                               "--limit {key}: a limit must be at least 1 (0 or less would "
                               "make every case overdue at once)"),
        "citation_too_long": ("{key} 的依据超过 {max} 个字",
                              "the citation of {key} is longer than {max} characters"),
        "invalid": ("这样修改后的规则不成立（请对照 `central rules list` 核对时限）",
                    "the rule set would not hold as changed (check the limits against "
                    "`central rules list`)"),
    }
    pair = texts.get(exc.problem)
    return words(*pair).format(key=key, max=CITATION_MAX) if pair else exc.problem


_OFFICE_COLUMNS = {"name": "机构全称", "committee_name": "调解委员会名称",
                   "number_prefix": "文书编号前缀", "address": "地址", "phone": "电话"}


def _office_problem(option: str, problem) -> str:
    from app.services.office_profile import ADDRESS_MAX, ORG_NAME_MAX, ProfileProblem

    texts = {
        ProfileProblem.EMPTY: ("不能为空", "cannot be empty"),
        ProfileProblem.TOO_LONG: ("超过 {limit} 个字", "is longer than {limit} characters"),
        ProfileProblem.BAD_PREFIX: ("只能是 1 至 8 个汉字，不能以“字”或“号”结尾，也不能含数字、括号或"
                                    "拉丁字母，以免（2026）浦消调字第0001号这样的编号产生歧义",
                                    "must be 1-8 Chinese characters, not ending in 字 or 号, "
                                    "so that a number such as （2026）浦消调字第0001号 reads one "
                                    "way (no digits, brackets or Latin letters)"),
        ProfileProblem.BAD_PHONE: ("不是有效的电话号码（例如 021-58881234 或 13800135678）",
                                   "is not a phone number (e.g. 021-58881234 or 13800135678)"),
    }
    limit = ADDRESS_MAX if option == "address" else ORG_NAME_MAX
    pair = texts.get(problem)
    return f"--{option} " + (words(*pair).format(limit=limit) if pair else problem.value)


def _set_office(engine, code: str, actor: str, given: dict[str, str | None]) -> int:
    from app.services import central_reference

    changes = central_reference.set_office(engine, code, actor=actor, **given)
    if not changes:
        print(words("机构 {code} 的信息已是如此，未作任何改动",
                    "office {code} reads so already; nothing was changed").format(code=code))
        return 0
    print(words("机构 {code} 的信息已保存（保存人：{actor}）：", "office {code} saved by {actor}:")
          .format(code=code, actor=actor))
    for column, (old, new) in changes.items():
        label = words(_OFFICE_COLUMNS.get(column, column) + "：", column + ": ")
        print(f"  {label}{old or '—'} → {new or '—'}")
    print(words("各工作站在下次同步时取得", "workstations take it at their next sync"))
    return 0
