"""Change capture is installed on every store, including one whose sessionmaker lands
at the address of a dead store's (SQLAlchemy keys its listener registry by id(), so its
own ``event.contains`` answers yes for the newcomer: a store went without capture, and
its changes never left the workstation)."""

from __future__ import annotations

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import sessionmaker

import app.store.models  # noqa: F401
from app.store.base import Base
from app.store.models import Office, SyncOutbox
from app.sync import capture


def test_a_new_sessionmaker_at_a_dead_ones_address_still_gets_capture():
    first = sessionmaker()
    capture.install(first)
    kept_class = first.class_  # its listeners live on, as a class in a cycle does
    old_id = id(first)
    del first
    held = []
    for _ in range(2000):  # CPython hands the freed memory out again soon
        candidate = sessionmaker()
        if id(candidate) == old_id:
            break
        held.append(candidate)
    assert not capture.is_installed(candidate)
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    candidate.configure(bind=engine)
    capture.install(candidate)
    with candidate() as session, session.begin():
        session.add(Office(code="PD01", name="陆家嘴市场监管所", modified_by="t"))
    with candidate() as session:
        assert session.scalar(select(func.count()).select_from(SyncOutbox)) == 1
    del kept_class, held
    engine.dispose()
