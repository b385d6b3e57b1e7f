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


def add_parser(sub) -> None:
    central = sub.add_parser("central", help="administer the central database",
                             description=__doc__,
                             formatter_class=argparse.RawDescriptionHelpFormatter)
    central.set_defaults(run=lambda args, data_dir: run(args))
    csub = central.add_subparsers(dest="central_command", metavar="ACTION", required=True)

    def with_url(name: str, help_text: str) -> argparse.ArgumentParser:
        p = csub.add_parser(name, help=help_text)
        p.add_argument("url", metavar="URL", help=EXAMPLE)
        p.add_argument("--sslmode", choices=SSL_MODES, default="",
                       help="TLS (default: require; prefer for localhost or a Unix socket)")
        p.add_argument("--sslrootcert", default="", metavar="FILE",
                       help="CA certificate to check the server against (verify-ca/full)")
        return p

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
    imp = with_url("import", "copy a standalone workstation's store into the central database")
    imp.add_argument("--from", dest="source", type=Path, required=True, metavar="DATA_DIR")


def _fail(message: str) -> int:
    return fail(message, "central")


def run(args: argparse.Namespace) -> int:
    from app.services import central_admin
    from app.sync.central import CentralError, CentralErrorCode

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
