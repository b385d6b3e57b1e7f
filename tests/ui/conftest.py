"""UI fixtures: an isolated settings file, a store with a few cases, the main window."""

from __future__ import annotations

import ctypes
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QSettings

from app.core.workflow import CaseKind, Source
from app.services import cases
from app.services.dto import PartyInput
from app.store.models import Mediator
from app.ui.main_window import MainWindow
from app.ui.tasks import TaskRunner
from tests.conftest import complaint_form


@pytest.fixture(scope="session", autouse=True)
def garbage_collected_on_the_gui_thread(qapp):
    """As in the application: no cyclic GC in the task runner's worker threads."""
    from app.ui import gc_guard

    guard = gc_guard.install(qapp)
    yield
    guard.stop()


@pytest.fixture(scope="session", autouse=True)
def focus_rings(qapp):
    """As in the application: a visible mark where Fusion draws no focus."""
    from app.ui import focus_ring

    return focus_ring.install(qapp)


@pytest.fixture(autouse=True)
def give_back_bool_references():
    """pytest-qt's waitSignal disconnects through PySide6 6.12's leaky
    ``SignalInstance.disconnect`` (see app/ui/qtcompat.py); without this a long UI run
    aborts in bool_dealloc. Giving a reference back to True/False is always harmless.
    The app's own code is checked separately (test_qtcompat.py)."""
    before = {True: sys.getrefcount(True), False: sys.getrefcount(False)}
    yield
    for obj, count in before.items():
        for _ in range(max(0, count - sys.getrefcount(obj))):
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(obj))


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory, qapp):
    """Every test reads and writes its own settings file, never the user's."""
    folder = tmp_path_factory.mktemp("settings")
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))
    qapp.setOrganizationName("MediationDeskTests")
    qapp.setApplicationName("MediationDeskTests")
    yield folder
    QSettings().clear()


@dataclass(frozen=True)
class Seeded:
    first: uuid.UUID  # 待受理 complaint, ticket ...0001, received last
    second: uuid.UUID  # 待受理 complaint, ticket ...0002
    accepted: uuid.UUID  # 已受理 complaint, ticket ...0003, received first
    colleague: uuid.UUID  # a second mediator of the office, 王芳


def seed_cases(ws) -> Seeded:
    with ws.store.unit_of_work() as session:
        colleague = Mediator(office_id=ws.actor.office_id, name="王芳", login="wangfang",
                             role="mediator", modified_by="test")
        session.add(colleague)
        session.flush()
        colleague_id = colleague.id
    accepted, _ = cases.intake_work_order(ws, complaint_form(
        source_ticket="1310115202602270003",
        received_at=datetime(2026, 2, 27, 2, 0, tzinfo=UTC),
        complainant=PartyInput(role="applicant", party_type="person", name="赵建国",
                               phone="13912345678", address="上海市徐汇区漕溪北路1号"),
    ))
    cases.accept(ws, accepted)
    second, _ = cases.intake_work_order(ws, complaint_form(
        source_ticket="1310115202602280002",
        received_at=datetime(2026, 2, 28, 2, 0, tzinfo=UTC),
        source=Source.HOTLINE_12345, kind=CaseKind.COMPLAINT,
        complainant=PartyInput(role="applicant", party_type="person", name="欧阳娜",
                               phone="13700001111", address="上海市静安区南京西路2号"),
    ))
    first, _ = cases.intake_work_order(ws, complaint_form(source_ticket="1310115202603020001"))
    return Seeded(first, second, accepted, colleague_id)


@pytest.fixture
def seeded(ws) -> Seeded:
    return seed_cases(ws)


@pytest.fixture
def runner():
    r = TaskRunner()
    yield r
    assert r.shutdown(), "workers still running after the test"


@pytest.fixture
def window(qtbot, ws, seeded, runner) -> MainWindow:
    w = MainWindow(ws, runner, store_path=ws.store.path, remember=False)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.settled, timeout=10_000):
        w.show()
    assert not w.loading
    return w
