"""Random interleavings of edits, deletions, conflict choices, syncs and dropped
connections by three workstations (Hypothesis stateful testing). At the end, after
everyone synced: every workstation holds exactly the central state, and every edit
anyone made is in that state, in a conflict record, or was seen and replaced by a
later edit (nothing silently lost)."""

from __future__ import annotations

import itertools
import shutil
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import select

from app.services import cases
from app.services import sync as sync_service
from app.store.database import open_store
from app.store.models import Case, SyncConflict
from app.sync import client as client_mod
from app.sync.central import CentralConfig, make_engine
from app.sync.client import SyncClient
from tests.conftest import complaint_form
from tests.sync.conftest import Central, Desk, build_central

LOGINS = ("mdt_zhangmin", "mdt_wangfang", "mdt_lisi")
FIELDS = ("title", "request", "description")
CRASH_POINTS = ("push.before_commit", "push.after_commit", "pull.before_apply",
                "pull.mid_apply")
CASES = 3


class DroppedConnection(ConnectionError):
    pass


def _workstations(central: Central, root: Path) -> None:
    """Three linked, synced workstations sharing three cases."""
    desks = [Desk(central, login, root / login) for login in LOGINS]
    for n in range(CASES):
        cases.intake_work_order(desks[0].ws, complaint_form(
            source_ticket=f"131011520260302{n:04d}"))
    for desk in desks + desks:
        desk.sync()
    for desk in desks:
        desk.close()
    for engine in central.engines:
        engine.dispose()


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A central SQLite file and the workstations; each example starts from a copy."""
    root = tmp_path_factory.mktemp("sync-template")
    url = f"sqlite:///{root / 'central' / 'central.sqlite'}"
    build_central(url)
    _workstations(Central("sqlite", url), root)
    return root


class SyncMachine(RuleBasedStateMachine):
    template: Path
    workdirs = itertools.count()
    # For a PostgreSQL central: () -> (database URL for the admin, per-login engine maker,
    # clean-up); None: the SQLite file copied with the template.
    pg_clone = None

    @initialize()
    def start(self) -> None:
        root = self.template.parent / f"run{next(self.workdirs)}"
        shutil.copytree(self.template, root)
        self.root = root
        self.cleanup = None
        if self.pg_clone is None:
            self.central = make_engine(
                CentralConfig(f"sqlite:///{root / 'central' / 'central.sqlite'}"))
            engine_for = lambda login: self.central  # noqa: E731
        else:
            admin_url, engine_for, self.cleanup = self.pg_clone()
            # A config never carries the password: it is handed over on its own.
            self.central = make_engine(*CentralConfig.from_text(admin_url))
        self.engines = []
        self.desks = []
        for login in LOGINS:
            store = open_store(root / login)
            office = sync_service.linked_office(store)
            engine = engine_for(login)
            self.engines.append(engine)
            client = SyncClient(store.engine, engine, actor=login, office_id=office,
                                on_rows=sync_service.rows_applied)
            ws = sync_service.open_linked_workstation(store)
            self.desks.append((store, client, ws))
        with self.desks[0][0].sessions() as s:
            self.case_ids = [c for c in s.scalars(select(Case.id).order_by(Case.source_ticket))]
        self.values = itertools.count()
        # Every edit: (case, field, value, the value the editor saw before).
        self.edits: list[tuple[uuid.UUID, str, str, str]] = []
        self.deletions: list[uuid.UUID] = []

    def teardown(self) -> None:
        if hasattr(self, "desks"):
            for store, _client, _ws in self.desks:
                store.close()
            for engine in {id(e): e for e in [*self.engines, self.central]}.values():
                engine.dispose()
            if self.cleanup is not None:
                self.cleanup()
            shutil.rmtree(self.root, ignore_errors=True)

    def _local(self, who: int, case_id: uuid.UUID) -> Case | None:
        with self.desks[who][0].sessions() as s:
            return s.get(Case, case_id)

    @rule(who=st.integers(0, 2), case=st.integers(0, CASES - 1), field=st.sampled_from(FIELDS))
    def edit(self, who, case, field):
        case_id = self.case_ids[case]
        local = self._local(who, case_id)
        if local is None or local.deleted:
            return
        value = f"v{next(self.values)}-{who}"
        self.edits.append((case_id, field, value, getattr(local, field)))
        cases.update_case(self.desks[who][2], case_id, {field: value})

    @rule(who=st.integers(0, 2), case=st.integers(0, CASES - 1))
    def delete(self, who, case):
        case_id = self.case_ids[case]
        store = self.desks[who][0]
        with store.unit_of_work() as s:
            row = s.get(Case, case_id)
            if row is None or row.deleted:
                return
            row.deleted = True
            row.version += 1
        self.deletions.append(case_id)

    @rule(who=st.integers(0, 2))
    def sync(self, who):
        self.desks[who][1].sync()

    @rule(who=st.integers(0, 2), point=st.sampled_from(CRASH_POINTS))
    def sync_dropped(self, who, point):
        """The connection drops at a point of the sync; the next sync picks up."""
        real = client_mod.crash_point

        def drop(name):
            if name == point:
                raise DroppedConnection(name)

        client_mod.crash_point = drop
        try:
            self.desks[who][1].sync()
        except DroppedConnection:
            pass
        finally:
            client_mod.crash_point = real

    @precondition(lambda self: hasattr(self, "desks"))
    @rule(who=st.integers(0, 2), take_mine=st.booleans())
    def settle_a_conflict(self, who, take_mine):
        ws = self.desks[who][2]
        open_ones = sync_service.list_conflicts(ws)
        if not open_ones:
            return
        conflict = open_ones[0]
        if take_mine and conflict.kind == "field":
            local = self._local(who, conflict.row_id)
            self.edits.append((conflict.row_id, conflict.field, conflict.local_value,
                               getattr(local, conflict.field)))
        choice = sync_service.Choice.TAKE_MINE if take_mine else sync_service.Choice.KEEP_CENTRAL
        sync_service.resolve_conflict(ws, conflict.id, choice)

    @invariant()
    def nothing_refused(self):
        if hasattr(self, "desks"):
            for _store, _client, ws in self.desks:
                assert sync_service.list_attention(ws) == []

    def quiesce_and_check(self) -> None:
        for _ in range(3):
            for _store, client, _ws in self.desks:
                client.sync()
        for _store, client, _ws in self.desks:
            assert client.pending_count() == 0
        with self.central.connect() as conn:
            central_cases = {r.id: tuple(r) for r in conn.execute(
                select(Case.id, Case.version, Case.deleted, *[Case.__table__.c[f] for f in FIELDS]))}
            conflicts = [r for r in conn.execute(select(SyncConflict))]
        # I3: every workstation holds exactly the central state.
        for store, _client, _ws in self.desks:
            with store.sessions() as s:
                local = {r.id: tuple(r) for r in s.execute(
                    select(Case.id, Case.version, Case.deleted,
                           *[Case.__table__.c[f] for f in FIELDS]))}
                local_conflicts = {c.id: c.status for c in s.scalars(select(SyncConflict))}
            assert local == central_cases
            assert local_conflicts == {c.id: c.status for c in conflicts}
        # I1/I5: no edit silently lost.
        in_conflicts = set()
        for c in conflicts:
            for v in (c.local_value, c.server_value):
                if isinstance(v, dict):
                    in_conflicts.update(str(x) for x in v.values())
                elif v is not None:
                    in_conflicts.add(str(v))
        seen_and_replaced = {(case_id, field, base) for case_id, field, _v, base in self.edits}
        field_index = {f: i + 3 for i, f in enumerate(FIELDS)}
        for case_id, field, value, _base in self.edits:
            final = central_cases[case_id][field_index[field]]
            assert (final == value or value in in_conflicts
                    or (case_id, field, value) in seen_and_replaced), (case_id, field, value)
        for case_id in self.deletions:
            deleted = central_cases[case_id][2]
            assert deleted or any(c.row_id == case_id and c.kind in (
                "delete_edited", "edit_deleted") for c in conflicts), case_id


def _check(template: Path, examples: int, pg_clone=None) -> None:
    class Machine(SyncMachine):
        pass

    Machine.template = template
    Machine.pg_clone = staticmethod(pg_clone) if pg_clone else None
    original_teardown = Machine.teardown

    def teardown(self):
        try:
            if hasattr(self, "desks"):
                self.quiesce_and_check()
        finally:
            original_teardown(self)

    Machine.teardown = teardown
    Machine.TestCase.settings = settings(
        max_examples=examples, stateful_step_count=25, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    Machine.TestCase().runTest()


@pytest.mark.slow
def test_random_interleavings_converge_and_lose_nothing(template):
    _check(template, 30)


@pytest.mark.slow
def test_random_interleavings_converge_on_postgresql(pg_templates, tmp_path_factory):
    """The same against PostgreSQL, every workstation as its own login (row-level
    security on): fewer examples, each on a fresh copy of the database."""
    from sqlalchemy.engine import make_url

    from tests.support.pgserver import drop_database
    from tests.sync.conftest import PASSWORD

    root = tmp_path_factory.mktemp("sync-template-pg")

    def builder(url: str) -> None:
        build_central(url)
        _workstations(Central("postgresql", url), root)

    pg_templates.ensure("mdt_props", builder)

    def clone():
        db, url = pg_templates.clone("mdt_props", builder)
        u = make_url(url)

        def engine_for(login: str):
            return make_engine(CentralConfig(
                f"postgresql://{login}@{u.host}:{u.port}/{db}", sslmode="disable"), PASSWORD)

        return url, engine_for, lambda: drop_database(pg_templates.server.admin_url, db)

    _check(root, 10, clone)
