"""Every local change to a synced table goes to the outbox in the same transaction.

An ``after_flush`` listener on the store's sessions reads each object's attribute
history: a new row becomes an ``insert`` with every column, a changed row an ``update``
with only the changed columns and, as its base, their values before the change. The
central database merges field by field against that base.

Rows are deleted by tombstone (``deleted = true``), which is an update like any other;
deleting a synced row outright is refused here, because a deletion nobody can see
elsewhere is exactly the silent loss sync must not allow. Bulk ``update()``/``delete()``
statements bypass the ORM: the services do not use them on synced tables, and a test
holds them to it. A bulk insert of new rows (the work-order import,
app/services/bulk_intake.py) makes its entries itself with ``insert_entries``.
"""

from __future__ import annotations

import uuid
import weakref
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Date, Uuid, event, insert, inspect
from sqlalchemy.orm import Session, sessionmaker

from app.core.ids import new_id
from app.store import migrate
from app.store.base import UtcDateTime, utcnow
from app.store.models import SyncOutbox
from app.store.models.document import FINAL_CONTENT_COLUMNS
from app.sync.tables import SYNC_COLUMNS, synced_tables, to_plain


class SyncCaptureError(RuntimeError):
    pass


def _history(obj: Any, column_names: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(base, values) of the columns this flush changes."""
    state = inspect(obj)
    base: dict[str, Any] = {}
    values: dict[str, Any] = {}
    table = obj.__table__
    for name in column_names:
        if name in SYNC_COLUMNS:
            continue
        hist = state.attrs[name].history
        if not hist.has_changes():
            continue
        old = hist.deleted[0] if hist.deleted else None
        new = hist.added[0] if hist.added else None
        if old == new:
            continue
        base[name] = to_plain(table.c[name], old)
        values[name] = to_plain(table.c[name], new)
    if values.get("deleted") is True:
        # A deletion carries the whole row it saw, so a central edit made meanwhile is
        # noticed (a conflict) instead of deleted unseen.
        for name in column_names:
            if name not in base and name not in SYNC_COLUMNS:
                base[name] = to_plain(table.c[name], getattr(obj, name))
    if table.name == "documents" and base.get("state") == "draft" \
            and values.get("state") not in (None, "draft"):
        # A finalisation carries the whole content it numbered and hashed, so the central
        # database makes final exactly what was printed, whatever was edited meanwhile.
        for name in FINAL_CONTENT_COLUMNS:
            current = to_plain(table.c[name], getattr(obj, name))
            base.setdefault(name, current)
            values.setdefault(name, current)
    return base, values


def _refuse_deletes(session: Session, _context, _instances) -> None:
    tables = synced_tables()
    for obj in session.deleted:
        name = getattr(obj, "__tablename__", None)
        if name in tables:
            raise SyncCaptureError(f"rows of {name} are tombstoned, never deleted")


def _entry(name: str, row_id: uuid.UUID, op: str, base: dict, values: dict, *,
           revision: str, now: Any) -> dict[str, Any]:
    return dict(mutation_id=new_id(), table_name=name, row_id=row_id, op=op, base=base,
                values=values, schema_revision=revision, created_at=now, attempts=0,
                last_error="")


def insert_entries(name: str, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The outbox entries of new rows of a synced table written without the ORM (a bulk
    insert of complete rows): what the listener records for new objects."""
    st = synced_tables()[name]
    revision = migrate.head_revision()
    now = utcnow()
    columns = st.columns
    # Only ids, instants and days change on their way to JSON (to_plain): the other
    # columns are taken as they are, which is most of the time of 100,000 rows.
    converted = [(c, st.table.c[c]) for c in columns
                 if isinstance(st.table.c[c].type, Uuid | UtcDateTime | Date)]
    entries = []
    for row in rows:
        values = {c: row[c] for c in columns}
        for c, column in converted:
            values[c] = to_plain(column, values[c])
        entries.append(_entry(name, row["id"], "insert", {}, values, revision=revision,
                              now=now))
    return entries


def _after_flush(session: Session, _context) -> None:
    # After the flush the new rows carry their column defaults, and the history of the
    # changed ones still holds the values before it.
    tables = synced_tables()
    revision = migrate.head_revision()
    now = utcnow()
    entries: list[dict[str, Any]] = []

    def entry(name: str, row_id: uuid.UUID, op: str, base: dict, values: dict) -> None:
        entries.append(_entry(name, row_id, op, base, values, revision=revision, now=now))

    for obj in session.new:
        st = tables.get(getattr(obj, "__tablename__", None))
        if st is not None:
            values = {c: to_plain(st.table.c[c], getattr(obj, c)) for c in st.columns}
            entry(st.name, obj.id, "insert", {}, values)
    for obj in session.dirty:
        st = tables.get(getattr(obj, "__tablename__", None))
        if st is None or not session.is_modified(obj, include_collections=False):
            continue
        base, values = _history(obj, st.columns)
        if values:
            entry(st.name, obj.id, "update", base, values)
    if entries:
        session.connection().execute(insert(SyncOutbox), entries)


# The sessionmakers capture is installed on. Not event.contains(): SQLAlchemy keys its
# listener registry by id() of the sessionmaker, and a new store's sessionmaker can get
# the id of a dead one whose listeners are not yet collected; contains() then says yes
# and a store would silently go without capture.
_installed: weakref.WeakSet = weakref.WeakSet()


def install(sessions: sessionmaker[Session]) -> None:
    """Capture changes made through these sessions (idempotent)."""
    if sessions not in _installed:
        event.listen(sessions, "before_flush", _refuse_deletes)
        event.listen(sessions, "after_flush", _after_flush)
        _installed.add(sessions)


def uninstall(sessions: sessionmaker[Session]) -> None:
    if sessions in _installed:
        event.remove(sessions, "before_flush", _refuse_deletes)
        event.remove(sessions, "after_flush", _after_flush)
        _installed.discard(sessions)


def is_installed(sessions: sessionmaker[Session]) -> bool:
    return sessions in _installed
