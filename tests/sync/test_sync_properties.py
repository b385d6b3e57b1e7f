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


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A central SQLite file and three linked, synced workstations sharing three cases;
    each example starts from a copy."""
    root = tmp_path_factory.mktemp("sync-template")
    url = f"sqlite:///{root / 'central' / 'central.sqlite'}"
    build_central(url)
    central = Central("sqlite", url)
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
    return root


class SyncMachine(RuleBasedStateMachine):
    template: Path
    workdirs = itertools.count()

    @initialize()
    def start(self) -> None:
        root = self.template.parent / f"run{next(self.workdirs)}"
        shutil.copytree(self.template, root)
        self.root = root
        self.central = make_engine(CentralConfig(f"sqlite:///{root / 'central' / 'central.sqlite'}"))
        self.desks = []
        for login in LOGINS:
            store = open_store(root / login)
            office = sync_service.linked_office(store)
            client = SyncClient(store.engine, self.central, actor=login, office_id=office,
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
            self.central.dispose()
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


def test_random_interleavings_converge_and_lose_nothing(template):
    class Machine(SyncMachine):
        pass

    Machine.template = template
    original_teardown = Machine.teardown

    def teardown(self):
        try:
            if hasattr(self, "desks"):
                self.quiesce_and_check()
        finally:
            original_teardown(self)

    Machine.teardown = teardown
    Machine.TestCase.settings = settings(
        max_examples=30, stateful_step_count=25, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    Machine.TestCase().runTest()
