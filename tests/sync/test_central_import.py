"""A standalone office moves to a central database: its store is imported (PostgreSQL
and an SQLite central), and a workstation of the office then syncs the same cases."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.demo.generator import generate_demo_data
from app.services import cases as case_service
from app.services import central_admin
from app.services.central_import import ImportRefused, import_store
from app.store.database import Store, open_store
from app.store.models import (
    AuditEvent,
    Case,
    MediationSession,
    Mediator,
    Note,
    Office,
    Party,
    SyncChange,
)
from tests.sync.conftest import PASSWORD, Central, Desk

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
CASES = 200
# The standalone workstation's own user; also a login the central database may know.
LOGIN = "mdt_imp_zhangmin"
COUNTED = {"cases": Case, "parties": Party, "audit_events": AuditEvent, "notes": Note,
           "mediation_sessions": MediationSession}


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("standalone") / "data"
    store = open_store(folder)
    try:
        generate_demo_data(store, CASES, seed=7, now=NOW, login=LOGIN, workers=1)
    finally:
        store.close()
    return folder


@pytest.fixture
def standalone(demo_dir, tmp_path) -> Iterator[Store]:
    folder = tmp_path / "standalone"
    shutil.copytree(demo_dir, folder)
    store = open_store(folder)
    yield store
    store.close()


def _source_counts(store: Store) -> dict[str, int]:
    con = sqlite3.connect(store.path)
    try:
        return {name: con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
                for name in COUNTED}
    finally:
        con.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_central(request, tmp_path) -> Iterator[Central]:
    """A central database with the schema and reference data, and no office yet."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'central' / 'central.sqlite'}"
    else:
        url = request.getfixturevalue("pg_database")
    c = Central(request.param, url)
    central_admin.init_central(c.admin())
    yield c
    for engine in c.engines:
        engine.dispose()


def _counts(central: Central, office_id=None) -> dict[str, int]:
    result = {}
    with central.admin().connect() as conn:
        for name, model in COUNTED.items():
            stmt = select(func.count()).select_from(model)
            if office_id is not None and name == "cases":
                stmt = stmt.where(Case.office_id == office_id)
            result[name] = conn.execute(stmt).scalar_one()
    return result


def _desk_counts(desk: Desk) -> dict[str, int]:
    with desk.store.sessions() as s:
        return {name: s.scalar(select(func.count()).select_from(model))
                for name, model in COUNTED.items()}


def _add_user(central: Central, login: str, office: str = "PD-ZJ") -> None:
    central_admin.add_user(central.admin(), login=login, name="新同事", office=office,
                           role="mediator",
                           password=PASSWORD if central.kind == "postgresql" else None)


def test_an_imported_office_syncs_to_a_new_workstation(empty_central, standalone, tmp_path):
    central = empty_central
    expected = _source_counts(standalone)
    seen: list[tuple[int, int]] = []
    report = import_store(central.admin(), standalone, progress=lambda d, t: seen.append((d, t)))

    assert report.offices == {"PD-ZJ": "added"}
    assert report.rows["cases"] == CASES and report.rows["parties"] == expected["parties"]
    assert report.rows["calendar_years"] == 0  # the central database had them
    assert seen[-1][0] == seen[-1][1] and len(seen) > 2
    assert _counts(central) == expected
    # Every row written has its change-log entry, scoped to the office as a push logs it.
    office_id = central.office_id("PD-ZJ")
    with central.admin().connect() as conn:
        logged = dict(conn.execute(select(SyncChange.table_name, func.count())
                                   .where(SyncChange.actor == "central-import")
                                   .group_by(SyncChange.table_name)).all())
        scopes = set(conn.execute(select(SyncChange.office_id).where(
            SyncChange.actor == "central-import", SyncChange.table_name.in_(
                ["cases", "parties", "notes"]))).scalars())
    assert logged["cases"] == CASES and logged["parties"] == expected["parties"]
    assert sum(logged.values()) == report.changes == report.total_rows
    assert scopes == {office_id}

    _add_user(central, "mdt_imp_newcomer")
    desk = Desk(central, "mdt_imp_newcomer", tmp_path / "desk")
    try:
        assert _desk_counts(desk) == expected
        # The imported cases work there like any other: an edit goes back centrally.
        with desk.store.sessions() as s:
            case_id = s.scalars(select(Case.id).where(Case.deleted.is_(False))).first()
        case_service.update_case(desk.ws, case_id, {"title": "迁入后修改"})
        assert desk.sync().rejected == 0
        with central.admin().connect() as conn:
            assert conn.execute(select(Case.title).where(Case.id == case_id)).scalar() \
                == "迁入后修改"
    finally:
        desk.close()


def test_an_office_known_centrally_takes_the_cases_and_linked_desks_pull_them(
        empty_central, standalone, tmp_path):
    """The office was set up centrally first (same code), with a user of the same login;
    a workstation already linked there gets the imported cases by an ordinary pull."""
    central = empty_central
    expected = _source_counts(standalone)
    admin = central.admin()
    central_admin.add_office(admin, code="PD-ZJ", name="张江市场监管所")
    _add_user(central, LOGIN)
    _add_user(central, "mdt_imp_early")
    office_id = central.office_id("PD-ZJ")
    with admin.connect() as conn:
        central_user = conn.execute(select(Mediator.id).where(Mediator.login == LOGIN)).scalar()
    early = Desk(central, "mdt_imp_early", tmp_path / "early")
    try:
        assert _desk_counts(early)["cases"] == 0
        report = import_store(admin, standalone)
        assert report.offices == {"PD-ZJ": "existing"}
        assert report.skipped["mediators"] == 1 and report.skipped["offices"] == 1
        with admin.connect() as conn:
            assert conn.execute(select(func.count()).select_from(Office)).scalar() == 1
            assert conn.execute(select(func.count()).select_from(Case).where(
                Case.office_id != office_id)).scalar() == 0
            mine = conn.execute(select(func.count()).select_from(Case).where(
                Case.mediator_id == central_user)).scalar()
        con = sqlite3.connect(standalone.path)
        try:
            theirs = con.execute("SELECT count(*) FROM cases c JOIN mediators m "
                                 "ON m.id = c.mediator_id WHERE m.login = ?", (LOGIN,)
                                 ).fetchone()[0]
        finally:
            con.close()
        assert mine == theirs > 0  # the store's user is the central user of that login
        report = early.sync()
        assert report.resync is None  # an incremental pull, through the change log
        assert _desk_counts(early) == expected
    finally:
        early.close()


def test_a_second_import_of_the_same_store_is_refused(empty_central, standalone):
    """Refused, not merged: the cases are there, so the whole import would repeat."""
    central = empty_central
    import_store(central.admin(), standalone)
    before = _counts(central)
    with central.admin().connect() as conn:
        changes = conn.execute(select(func.count()).select_from(SyncChange)).scalar()
    with pytest.raises(ImportRefused, match="already"):
        import_store(central.admin(), standalone)
    assert _counts(central) == before
    with central.admin().connect() as conn:
        assert conn.execute(select(func.count()).select_from(SyncChange)).scalar() == changes


def test_a_damaged_store_is_refused_and_the_central_database_is_left_as_it_was(
        empty_central, standalone):
    central = empty_central
    before = _counts(central)
    standalone.close()
    path = standalone.path
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    size = path.stat().st_size
    with path.open("r+b") as fh:  # scribble over the second half of the pages
        fh.seek(size // 2)
        fh.write(b"\xa5" * (size - size // 2))
    with pytest.raises(ImportRefused, match="damaged|could not be read|refused"):
        import_store(central.admin(), standalone)
    assert _counts(central) == before


def test_a_file_that_is_not_a_store_is_refused(empty_central, tmp_path):
    folder = tmp_path / "not-a-store"
    folder.mkdir()
    (folder / "store.sqlite").write_text("案件清单\n张三,李四\n", encoding="utf-8")
    fake = Store(folder / "store.sqlite", engine=None, sessions=None)  # type: ignore[arg-type]
    with pytest.raises(ImportRefused, match="not a Mediation Desk store"):
        import_store(empty_central.admin(), fake)
    empty = tmp_path / "empty.sqlite"
    sqlite3.connect(empty).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(ImportRefused, match="not a Mediation Desk store"):
        import_store(empty_central.admin(), Store(empty, None, None))  # type: ignore[arg-type]


def test_a_central_database_without_the_schema_is_refused(standalone, tmp_path):
    engine = central_admin.connect_admin(f"sqlite:///{tmp_path / 'bare.sqlite'}")
    try:
        with pytest.raises(ImportRefused, match="central init"):
            import_store(engine, standalone)
    finally:
        engine.dispose()


@pytest.mark.slow
def test_the_command_line_imports_and_explains_a_refusal(standalone, tmp_path):
    url = f"sqlite:///{tmp_path / 'central.sqlite'}"
    standalone.close()

    def central(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "app", "central", *args],
                              capture_output=True, text=True, cwd=ROOT, timeout=300)

    assert central("init", url).returncode == 0
    out = central("import", url, "--from", str(standalone.path.parent))
    assert out.returncode == 0, out.stderr
    assert "PD-ZJ (added)" in out.stdout and f"{CASES:,}" in out.stdout
    out = central("import", url, "--from", str(standalone.path.parent))
    assert out.returncode == 2 and "already" in out.stderr and "Traceback" not in out.stderr
    bogus = tmp_path / "bogus"
    bogus.mkdir()
    (bogus / "store.sqlite").write_bytes(b"PK\x03\x04 not a database")
    out = central("import", url, "--from", str(bogus))
    assert out.returncode == 2 and "not a Mediation Desk store" in out.stderr


# ---------------------------------------------------------------- the bulk load (PostgreSQL)
# A table that is empty or small against what comes in is loaded with its secondary
# indexes, foreign keys and some triggers off, all put back before commit. The demo
# stores here are small, so the tests lower the threshold (or raise it: today's load).


@pytest.fixture
def bulk(monkeypatch):
    from app.services import central_import

    monkeypatch.setattr(central_import, "BULK_MIN_ROWS", 1)


def _pg(request) -> Central:
    """A new empty central database (as many as a test asks for)."""
    from tests.support.pgserver import create_database, drop_database, unique_suffix

    server = request.getfixturevalue("pg_server")
    name = "mdt_imp_" + unique_suffix()
    c = Central("postgresql", create_database(server.admin_url, name))
    request.addfinalizer(lambda: drop_database(server.admin_url, name))
    request.addfinalizer(lambda: [e.dispose() for e in c.engines])
    central_admin.init_central(c.admin())
    return c


def _catalog(central: Central) -> dict[str, set]:
    """Every index, trigger (and whether it fires) and constraint of the schema."""
    with central.admin().connect() as conn:
        return {
            "indexes": set(conn.exec_driver_sql(
                "SELECT tablename, indexname, indexdef FROM pg_indexes "
                "WHERE schemaname = 'public'").all()),
            "triggers": set(conn.exec_driver_sql(
                "SELECT tgrelid::regclass::text, tgname, tgenabled, tgisinternal "
                "FROM pg_trigger WHERE NOT tgisinternal").all()),
            "constraints": set(conn.exec_driver_sql(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), "
                "convalidated FROM pg_constraint WHERE connamespace = 'public'::regnamespace"
            ).all()),
        }


def _contents(central: Central) -> dict[str, object]:
    """What the import wrote, in a form two central databases can be compared by."""
    with central.admin().connect() as conn:
        return {
            "audit": conn.exec_driver_sql(
                "SELECT id, office_id, office_seq, office_hash, actor, at, modified_by "
                "FROM audit_events ORDER BY office_id, office_seq").all(),
            "log": sorted(conn.exec_driver_sql(
                "SELECT table_name, row_id::text, version, office_id::text, op, "
                "txid = (SELECT max(txid) FROM sync_changes) FROM sync_changes "
                "WHERE actor = 'central-import'").all()),
            "stats_dirty": set(conn.exec_driver_sql(
                "SELECT office_id, day FROM stats_dirty").all()),
            "cases": conn.exec_driver_sql(
                "SELECT md5(string_agg(c::text, '' ORDER BY c.id)) FROM cases c").scalar(),
            "parties": conn.exec_driver_sql(
                "SELECT md5(string_agg(p::text, '' ORDER BY p.id)) FROM parties p").scalar(),
            "counters": conn.exec_driver_sql(
                "SELECT office_id, year, next_seq FROM number_counters ORDER BY 1, 2").all(),
        }


def _chain_intact(central: Central) -> bool:
    from app.sync import audit_check

    with central.admin().connect() as conn:
        return audit_check.verify_central(conn).intact


def test_a_bulk_load_writes_what_the_row_by_row_load_writes(standalone, request, monkeypatch):
    """The same store into two empty central databases, one loaded in bulk, one row by
    row with every trigger firing: the same rows, office chain, change log (one
    transaction's entries) and statistics marks; every index, trigger and constraint
    is there again afterwards."""
    from app.services import central_import

    plain, fast = _pg(request), _pg(request)
    catalog = _catalog(fast)
    report = import_store(plain.admin(), standalone)
    assert "indexes cases" not in report.phases
    monkeypatch.setattr(central_import, "BULK_MIN_ROWS", 1)
    report = import_store(fast.admin(), standalone)
    assert {"indexes cases", "foreign keys parties", "statistics marks",
            "audit chain: heads"} <= set(report.phases)  # the bulk path was taken

    after = _catalog(fast)
    for part in catalog:
        assert after[part] - catalog[part] == set() and catalog[part] - after[part] == set()
    expected = _contents(plain)
    got = _contents(fast)
    assert got["audit"] == expected["audit"] and len(got["audit"]) > CASES
    assert got["log"] == expected["log"] and all(row[-1] for row in got["log"])
    assert got == expected
    assert _chain_intact(fast)


def test_audit_texts_that_copy_escapes_link_as_the_server_links_them(
        standalone, request, monkeypatch):
    """The bulk path hashes each audit row's chain body in this process, from the text
    the server made of it (COPY's text format, escapes undone): reasons and changes with
    backslashes, quotes, line breaks, tabs, control characters and characters outside
    the BMP chain exactly as the row-by-row trigger chains them."""
    from app.services import central_import

    awkward = ["C:\\证据\\新建文件夹\\", '他说："退款\\n不行"', "第一行\n第二行\t制表",
               "控制符\x01\x1f", "𠮷野家 \\\\ 双反斜杠", "\\N 不是空值", "\\.\n末行"]
    con = sqlite3.connect(standalone.path)
    with con:
        ids = [r[0] for r in con.execute("SELECT id FROM audit_events ORDER BY rowid LIMIT ?",
                                         (len(awkward),))]
        for audit_id, text in zip(ids, awkward, strict=True):
            con.execute("UPDATE audit_events SET reason = ?, changes = json_object("
                        "'note', json_array(?, ?)) WHERE id = ?", (text, text, None, audit_id))
    con.close()
    plain, fast = _pg(request), _pg(request)
    import_store(plain.admin(), standalone)
    monkeypatch.setattr(central_import, "BULK_MIN_ROWS", 1)
    report = import_store(fast.admin(), standalone)
    assert "audit chain: linked and copied in" in report.phases  # linked here
    assert _contents(fast)["audit"] == _contents(plain)["audit"]
    assert _chain_intact(fast) and _chain_intact(plain)
    with fast.admin().connect() as conn:
        reasons = set(conn.exec_driver_sql("SELECT reason FROM audit_events").scalars())
    assert set(awkward) <= reasons


def _other_office(folder: Path, seed: int, code: str) -> Path:
    """A standalone store of another office (its own ids, code and logins)."""
    store = open_store(folder)
    try:
        generate_demo_data(store, CASES // 2, seed=seed, now=NOW, login=LOGIN, workers=1)
    finally:
        store.close()
    con = sqlite3.connect(store.path)
    with con:
        con.execute("UPDATE offices SET code = ?, name = name || ?", (code, code))
        con.execute("UPDATE mediators SET login = login || ?", ("_" + code.lower(),))
    con.close()
    return folder


def _import_folder(central: Central, folder: Path):
    store = open_store(folder, upgrade=False)
    try:
        return import_store(central.admin(), store)
    finally:
        store.close()


def test_a_bulk_load_into_a_central_holding_another_office(
        standalone, request, tmp_path, monkeypatch, bulk):
    """Another office's cases (and its audit chain) are there already: the store's
    office starts a chain of its own, theirs is untouched, and a workstation linked
    before the import pulls the imported cases by an ordinary pull. A third office
    against tables as big as what it brings goes row by row, as before."""
    from app.services import central_import

    central = _pg(request)
    _import_folder(central, _other_office(tmp_path / "xh", 11, "PD-XH"))
    central_admin.add_office(central.admin(), code="PD-ZJ", name="张江市场监管所")
    _add_user(central, "mdt_imp_early")
    catalog = _catalog(central)
    with central.admin().connect() as conn:
        theirs = conn.execute(select(AuditEvent.id, AuditEvent.office_seq,
                                     AuditEvent.office_hash).order_by(AuditEvent.id)).all()
    expected = _source_counts(standalone)
    early = Desk(central, "mdt_imp_early", tmp_path / "early")
    try:
        monkeypatch.setattr(central_import, "BULK_RATIO", 100.0)  # bulk despite PD-XH
        report = import_store(central.admin(), standalone)
        assert "indexes audit_events" in report.phases and "audit chain: heads" in report.phases
        assert _catalog(central) == catalog
        assert _chain_intact(central)
        with central.admin().connect() as conn:
            assert conn.execute(select(AuditEvent.id, AuditEvent.office_seq,
                                       AuditEvent.office_hash).where(AuditEvent.id.in_(
                                           [r.id for r in theirs])).order_by(AuditEvent.id)
                                ).all() == theirs
        assert early.sync().resync is None  # an incremental pull, through the change log
        assert _desk_counts(early) == expected
    finally:
        early.close()

    # Tables already holding more than this office brings: row by row, and the change
    # log read from the store rather than by scanning them.
    monkeypatch.setattr(central_import, "BULK_RATIO", 0.25)
    monkeypatch.setattr(central_import, "LOG_SCAN_RATIO", 1)
    report = _import_folder(central, _other_office(tmp_path / "mh", 12, "PD-MH"))
    assert report.offices == {"PD-MH": "added"}
    assert not any(p.startswith(("indexes", "audit chain")) for p in report.phases)
    assert "change log (from the store)" in report.phases
    assert _catalog(central) == catalog and _chain_intact(central)
    mh = central.office_id("PD-MH")
    with central.admin().connect() as conn:
        logged = dict(conn.execute(select(SyncChange.table_name, func.count()).where(
            SyncChange.office_id == mh).group_by(SyncChange.table_name)).all())
        one_transaction = conn.execute(select(func.count(func.distinct(SyncChange.txid)))
                                       .where(SyncChange.office_id == mh)).scalar()
    from app.sync.tables import Scope, synced_tables

    scoped = {t: n for t, n in report.rows.items()
              if n and synced_tables()[t].scope != Scope.GLOBAL}
    assert logged == scoped and "cases" in logged and one_transaction == 1


@pytest.mark.parametrize("damage", ["dangling case", "bad time", "duplicate id"])
@pytest.mark.parametrize("load", ["bulk", "row by row"])
def test_a_failure_late_in_the_load_leaves_the_central_database_as_it_was(
        standalone, request, monkeypatch, damage, load):
    """A row of the last tables is wrong: the import is refused in English and Chinese
    and the central database is exactly as before, indexes, keys and triggers too."""
    from app.services import central_import

    if load == "bulk":
        monkeypatch.setattr(central_import, "BULK_MIN_ROWS", 1)
    central = _pg(request)
    _import_folder(central, _other_office(request.getfixturevalue("tmp_path") / "xh", 11,
                                          "PD-XH"))
    monkeypatch.setattr(central_import, "BULK_RATIO", 100.0)  # bulk despite PD-XH
    catalog, before = _catalog(central), _contents(central)
    with central.admin().connect() as conn:
        a_party = conn.exec_driver_sql("SELECT replace(id::text, '-', '') FROM parties "
                                       "LIMIT 1").scalar()
    standalone.close()
    con = sqlite3.connect(standalone.path)
    with con:
        con.execute("PRAGMA foreign_keys = OFF")
        if damage == "dangling case":  # caught by the foreign key (at its re-adding in bulk)
            con.execute("UPDATE follow_ups SET case_id = ? WHERE rowid = "
                        "(SELECT max(rowid) FROM follow_ups)", ("f" * 32,))
        elif damage == "bad time":  # refused by the COPY itself
            con.execute("UPDATE notes SET created_at = 'yesterday-ish' WHERE rowid = "
                        "(SELECT max(rowid) FROM notes)")
        else:  # a party's id that PD-XH's party has centrally: the primary key
            con.execute("UPDATE parties SET id = ? WHERE rowid = "
                        "(SELECT max(rowid) FROM parties)", (a_party,))
    con.close()
    with pytest.raises(ImportRefused) as refused:
        _import_folder(central, standalone.path.parent)
    assert "nothing was imported" in str(refused.value)
    assert "未导入任何数据" in refused.value.chinese
    assert _catalog(central) == catalog
    assert _contents(central) == before
    assert _chain_intact(central)
    with central.admin().connect() as conn:
        assert conn.execute(select(func.count()).select_from(Office)).scalar() == 1
