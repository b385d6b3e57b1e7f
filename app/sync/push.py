"""Push: the outbox, oldest first, applied to the central database exactly once.

A batch is one central transaction. Each mutation first claims its id in
sync_mutations (a retry of a mutation whose answer was lost finds it there and gets the
stored result back); its effect runs under a savepoint, so a refused mutation rolls
back alone, is recorded as refused, and the mutations behind it go on.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import JSON, Connection, String, insert, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from app.core.ids import new_id
from app.store.base import utcnow
from app.store.models import SyncChange, SyncConflict, SyncMutation
from app.store.models.document import FINAL_CONTENT_COLUMNS
from app.sync.central import is_postgresql
from app.sync.merge import changed_since, merge_fields
from app.sync.tables import (
    BOOKKEEPING,
    SERVER_STAMPED,
    SHARED_ID_TABLES,
    SYNC_COLUMNS,
    Merge,
    Scope,
    SyncedTable,
    row_from_plain,
    row_to_plain,
    synced_table,
    synced_tables,
    to_plain,
)


class Status:
    APPLIED = "applied"
    CONFLICT = "conflict"
    REJECTED = "rejected"


class Reason:
    NOT_FOUND = "not_found"  # not there, or not this office's (moved, or no permission)
    PERMISSION = "permission"
    INVALID = "invalid"
    EXISTS = "exists"
    UNKNOWN_TABLE = "unknown_table"
    INTERNAL = "internal"


@dataclass
class Outcome:
    mutation_id: uuid.UUID
    status: str
    row: dict[str, Any] | None = None  # the central row afterwards, as JSON
    reason_code: str = ""
    reason: str = ""
    conflicts: int = 0
    replayed: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "row": self.row, "reason_code": self.reason_code,
                "reason": self.reason, "conflicts": self.conflicts}

    @classmethod
    def from_json(cls, mutation_id: uuid.UUID, data: dict[str, Any]) -> Outcome:
        return cls(mutation_id, data.get("status", Status.REJECTED), data.get("row"),
                   data.get("reason_code", ""), data.get("reason", ""),
                   int(data.get("conflicts", 0)), replayed=True)


@dataclass(frozen=True)
class Pusher:
    """Who pushes: this workstation's id and the login the central database knows."""

    client_id: uuid.UUID
    actor: str
    office_id: uuid.UUID | None = None  # None: an administrator, every office


@dataclass
class Mutation:
    mutation_id: uuid.UUID
    table_name: str
    row_id: uuid.UUID
    op: str
    base: dict[str, Any] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)


class Refused(Exception):
    def __init__(self, code: str, reason: str) -> None:
        self.code = code
        self.reason = reason
        super().__init__(f"{code}: {reason}")


# ---------------------------------------------------------------- change log


def row_office(conn: Connection, st: SyncedTable, row: dict[str, Any]) -> uuid.UUID | None:
    """The office a row belongs to (None: every office's reference data)."""
    if st.scope == Scope.OFFICE:
        return row.get("office_id")
    if st.scope == Scope.CASE:
        batch = _batch.get()
        if batch is not None and row["case_id"] in batch.offices:
            return batch.offices[row["case_id"]]
        cases = synced_table("cases").table
        office = conn.execute(select(cases.c.office_id).where(cases.c.id == row["case_id"])
                              ).scalar()
        if batch is not None and office is not None:
            batch.offices[row["case_id"]] = office
        return office
    return None


# Inside a push the change-log rows of a mutation are collected and written for the
# whole batch at once (one round trip instead of one per mutation).
_collected: ContextVar[list[dict[str, Any]] | None] = ContextVar("sync_changes", default=None)


@dataclass
class _Batch:
    """A batch's fast path: new rows of append-only tables (the audit trail, notes) are
    written together at the end, and each case's office is looked up once."""

    fast: bool
    deferred: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    offices: dict[Any, Any] = field(default_factory=dict)
    # Rows updated together before the batch's mutations run, by mutation id.
    updated: dict[uuid.UUID, dict[str, Any]] = field(default_factory=dict)


_batch: ContextVar[_Batch | None] = ContextVar("sync_batch", default=None)


class _SlowPath(Exception):
    """Something in the batch was refused: redo it mutation by mutation."""


def log_change(conn: Connection, st: SyncedTable, row: dict[str, Any], *, actor: str,
               mutation_id: uuid.UUID | None = None, office_id: Any = "scope",
               op: str = "upsert", client_id: uuid.UUID | None = None) -> None:
    """Record a central change so every client of the row's office pulls it."""
    if office_id == "scope":
        office_id = row_office(conn, st, row)
    entry = dict(office_id=office_id, table_name=st.name, row_id=row["id"],
                 version=row["version"], op=op, mutation_id=mutation_id, client_id=client_id,
                 actor=actor, at=utcnow())
    collected = _collected.get()
    if collected is not None:
        collected.append(entry)
    else:
        conn.execute(insert(SyncChange).values(**entry))


def write_change_log(conn: Connection, entries: list[dict[str, Any]], pusher: Pusher) -> None:
    """A login writes the PostgreSQL change log only through md_log_changes, which looks
    up each row's office and version itself and stamps the login and the server's time;
    an administrator (every office) and an SQLite central take the rows as they are."""
    if pusher.office_id is None or not is_postgresql(conn):
        conn.execute(insert(SyncChange), entries)
        return
    if any(e["op"] != "upsert" for e in entries):
        raise Refused(Reason.PERMISSION, "only an administrator moves a case between offices")
    payload = [{"table_name": e["table_name"], "row_id": str(e["row_id"]), "op": e["op"],
                "mutation_id": str(e["mutation_id"]) if e["mutation_id"] else None,
                "client_id": str(e["client_id"]) if e["client_id"] else None}
               for e in entries]
    conn.execute(text("SELECT public.md_log_changes(CAST(:entries AS jsonb))"),
                 {"entries": json.dumps(payload)})


def log_rows(conn: Connection, table_name: str, ids: list[uuid.UUID], *, actor: str) -> None:
    """Change-log entries for rows written outside a push (administration, seeding),
    written 500 at a time."""
    st = synced_table(table_name)
    outer = _collected.get()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        entries: list[dict[str, Any]] = [] if outer is None else outer
        token = _collected.set(entries)
        try:
            for row in conn.execute(select(st.table).where(st.table.c.id.in_(chunk))
                                    ).mappings():
                log_change(conn, st, dict(row), actor=actor)
        finally:
            _collected.reset(token)
        if outer is None and entries:
            conn.execute(insert(SyncChange), entries)


def _relocate(conn: Connection, st: SyncedTable, row: dict[str, Any], old_office: Any,
              *, actor: str, mutation_id: uuid.UUID) -> None:
    """A case moved to another office: the new office pulls it with everything under it,
    the old one is told to let it go (remove, not delete: the case lives on)."""
    children = [t for t in synced_tables().values() if t.scope == Scope.CASE]
    log_change(conn, st, row, actor=actor, mutation_id=mutation_id, office_id=old_office,
               op="remove")
    for child in children:
        for crow in conn.execute(select(child.table).where(child.table.c.case_id == row["id"])
                                 ).mappings():
            log_change(conn, child, dict(crow), actor=actor, mutation_id=mutation_id,
                       office_id=row["office_id"])


# ---------------------------------------------------------------- one mutation


def _current(conn: Connection, st: SyncedTable, row_id: uuid.UUID, *, lock: bool):
    stmt = select(st.table).where(st.table.c.id == row_id)
    if lock and is_postgresql(conn) and not st.append_only:
        stmt = stmt.with_for_update()
    found = conn.execute(stmt).mappings().first()
    return dict(found) if found is not None else None


def _conflict_row(conn: Connection, st: SyncedTable, server: dict[str, Any], *, kind: str,
                  field_name: str = "", base: Any = None, local: Any = None,
                  theirs: Any = None, related: uuid.UUID | None = None,
                  pusher: Pusher, mutation_id: uuid.UUID) -> None:
    now = utcnow()
    office = row_office(conn, st, server)
    case_id = server["id"] if st.name == "cases" else server.get("case_id")
    values = dict(
        id=new_id(), version=1, modified_at=now, modified_by=pusher.actor, deleted=False,
        office_id=office, case_id=case_id, table_name=st.name, row_id=server["id"],
        field=field_name, kind=kind, base_value=base, local_value=local, server_value=theirs,
        related_row_id=related, mutation_id=mutation_id, raised_by=pusher.actor,
        raised_at=now, status="open", resolved_by="", resolved_at=None,
    )
    conn.execute(insert(SyncConflict).values(**values))
    log_change(conn, synced_table("sync_conflicts"), values, actor=pusher.actor,
               mutation_id=mutation_id, office_id=office)


def _check_office(st: SyncedTable, office: uuid.UUID | None, pusher: Pusher) -> None:
    """Row-level security says the same on PostgreSQL; this holds on an SQLite central
    too, and gives the refusal its plain reason."""
    if pusher.office_id is None:
        return
    if st.scope == Scope.GLOBAL:
        raise Refused(Reason.PERMISSION, "reference data is changed by an administrator")
    if office is not None and office != pusher.office_id:
        raise Refused(Reason.NOT_FOUND, "the case belongs to another office")


def _insert(conn: Connection, st: SyncedTable, m: Mutation, pusher: Pusher) -> Outcome:
    if st.name in SHARED_ID_TABLES and _current(conn, st, m.row_id, lock=True) is not None:
        # Another workstation made the same row first (its id is derived from what it
        # is about): this one's values merge into it. Blank values are what this side
        # had not seen yet (an acknowledgement made there), never a change.
        said = {k: v for k, v in m.values.items() if v not in (None, "", [], {})}
        return _update(conn, st, Mutation(m.mutation_id, m.table_name, m.row_id, "update",
                                          {}, said), pusher)
    values = row_from_plain(st, {k: v for k, v in m.values.items() if k in st.table.c})
    values.update(id=m.row_id, version=1)
    office = row_office(conn, st, values)
    _check_office(st, office, pusher)
    batch = _batch.get()
    if batch is not None and batch.fast and st.append_only and set(st.columns) <= set(values):
        batch.deferred.setdefault(st.name, []).append(values)
        row = values
    else:
        # A row with this id already there fails on the key: refused, like any other.
        row = dict(conn.execute(insert(st.table).values(**values).returning(*st.table.c))
                   .mappings().one())
    if st.name == "cases":
        _batch_offices_note(row)
    log_change(conn, st, row, actor=pusher.actor, mutation_id=m.mutation_id,
               client_id=pusher.client_id, office_id=office)
    conflicts = 0
    if st.name == "cases":
        conflicts = _duplicate_ticket(conn, st, row, pusher, m.mutation_id)
    return Outcome(m.mutation_id, Status.CONFLICT if conflicts else Status.APPLIED,
                   row_to_plain(st, row), conflicts=conflicts)


def _batch_offices_note(row: dict[str, Any]) -> None:
    batch = _batch.get()
    if batch is not None:
        batch.offices[row["id"]] = row["office_id"]


def _duplicate_ticket(conn: Connection, st: SyncedTable, row: dict[str, Any], pusher: Pusher,
                      mutation_id: uuid.UUID) -> int:
    """Two workstations took in the same work order offline: both cases are kept and a
    person decides (merge, or they really are two)."""
    if not row.get("source_ticket"):
        return 0
    t = st.table
    other = conn.execute(select(t).where(
        t.c.source == row["source"], t.c.source_ticket == row["source_ticket"],
        t.c.id != row["id"], t.c.deleted.is_(False)).order_by(t.c.received_at).limit(1)
    ).mappings().first()
    if other is None:
        return 0
    _conflict_row(conn, st, row, kind="duplicate_ticket", field_name="source_ticket",
                  local=_case_summary(st, row), theirs=_case_summary(st, other),
                  related=other["id"], pusher=pusher, mutation_id=mutation_id)
    return 1


def _case_summary(st: SyncedTable, row: Any) -> dict[str, Any]:
    """What a person needs to tell whether two cases are one (phone numbers left out)."""
    summary = {name: to_plain(st.table.c[name], row[name]) for name in (
        "source_ticket", "title", "complainant_name", "respondent_name", "received_at")}
    summary["entered_by"] = row["modified_by"]
    return summary


def _unchanged_columns(st: SyncedTable, m: Mutation) -> tuple[str, ...] | None:
    """The columns of an update that can go in by one UPDATE … WHERE the central values
    are still the client's base (``_update_unchanged``); None when that is not
    checkable in SQL."""
    if m.values.get("deleted") is True:
        return None  # a deletion checks the whole row it saw
    columns = tuple(c for c in m.values if c in st.table.c and c not in SYNC_COLUMNS)
    if not columns or any(isinstance(st.table.c[c].type, JSON) for c in columns):
        return None
    if any(c not in m.base for c in columns if st.policy(c) != Merge.LATEST):
        return None
    return columns


def _takes_quick_update(st: SyncedTable, m: Mutation) -> bool:
    # A move, and any document change (the final-document rules), take the long way.
    return not (st.name == "cases" and "office_id" in m.values) and st.name != "documents"


def _update_unchanged(conn: Connection, st: SyncedTable, m: Mutation, pusher: Pusher
                      ) -> Outcome | None:
    """The usual case in one statement: nobody changed these fields centrally since the
    client's base, so its values go in as they are. None when that is not so (or not
    checkable in SQL): then the row is read, locked and merged field by field."""
    batch = _batch.get()
    if batch is not None and m.mutation_id in batch.updated:
        found = batch.updated.pop(m.mutation_id)  # applied with others of its kind
        return _updated(conn, st, m, pusher, found)
    columns = _unchanged_columns(st, m)
    if columns is None:
        return None
    t = st.table
    base = row_from_plain(st, {c: m.base[c] for c in columns if st.policy(c) != Merge.LATEST})
    unchanged = [t.c[c].is_not_distinct_from(v) if v is not None else t.c[c].is_(None)
                 for c, v in base.items()]
    if "deleted" not in m.values:
        unchanged.append(t.c.deleted.is_(False))  # an edit of a deleted row is a conflict
    typed = row_from_plain(st, {c: m.values[c] for c in columns})
    typed["version"] = t.c.version + 1
    found = conn.execute(update(t).where(t.c.id == m.row_id, *unchanged).values(**typed)
                         .returning(*t.c)).mappings().first()
    if found is None:
        return None
    return _updated(conn, st, m, pusher, dict(found))


def _updated(conn: Connection, st: SyncedTable, m: Mutation, pusher: Pusher,
             row: dict[str, Any]) -> Outcome:
    office = row_office(conn, st, row)
    _check_office(st, office, pusher)
    log_change(conn, st, row, actor=pusher.actor, mutation_id=m.mutation_id,
               client_id=pusher.client_id, office_id=office)
    return Outcome(m.mutation_id, Status.APPLIED, row_to_plain(st, row))


def _update_together(conn: Connection, mutations: list[Mutation]) -> dict[uuid.UUID, dict]:
    """A batch's quick updates in one statement per table and set of columns (on
    PostgreSQL: ``_update_group``'s UPDATE … FROM jsonb_to_recordset(…) RETURNING),
    instead of a round trip each; a hundred edits of one field cost what one does. Each
    row is updated only where its central values are still the client's base, exactly
    as ``_update_unchanged`` does it alone. Returns the rows updated, by mutation id; a
    mutation missing from it takes its own way in the batch's order (the base moved:
    read, lock and merge).

    Only rows that one mutation of the batch changes go together (a second change of a
    row rests on the first one's result), and none of a batch that moves a case."""
    rows_touched = Counter((m.table_name, m.row_id) for m in mutations)
    groups: dict[tuple[str, tuple[str, ...]], list[Mutation]] = {}
    for m in mutations:
        st = synced_tables().get(m.table_name)
        if m.op != "update" or st is None or st.append_only:
            continue
        if st.name == "cases" and "office_id" in m.values:
            return {}
        if not _takes_quick_update(st, m) or rows_touched[(m.table_name, m.row_id)] > 1:
            continue
        columns = _unchanged_columns(st, m)
        if columns is not None:
            groups.setdefault((st.name, columns), []).append(m)
    updated: dict[uuid.UUID, dict] = {}
    for (name, columns), group in groups.items():
        if len(group) > 1:
            updated.update(_update_group(conn, synced_table(name), columns, group))
    return updated


def _record_type(conn: Connection, column: Any) -> str:
    """A column's type in a jsonb_to_recordset column list. Text as text: a value too
    long for its column is refused by the column, as in a single statement, never cut
    short by a cast."""
    kind = column.type
    return "text" if isinstance(kind, String) else str(kind.compile(dialect=conn.dialect))


def _update_group(conn: Connection, st: SyncedTable, columns: tuple[str, ...],
                  group: list[Mutation]) -> dict[uuid.UUID, dict]:
    """One UPDATE for the group. The rows travel as one JSON parameter, read by the
    server into typed columns (jsonb_to_recordset): one statement text per table and
    set of columns, which the server prepares once, whatever the group's size."""
    t = st.table
    based = [c for c in columns if st.policy(c) != Merge.LATEST]
    fields = ["id uuid", *(f'"v_{c}" {_record_type(conn, t.c[c])}' for c in columns),
              *(f'"b_{c}" {_record_type(conn, t.c[c])}' for c in based)]
    unchanged = [f't."{c}" IS NOT DISTINCT FROM g."b_{c}"' for c in based]
    if "deleted" not in columns:
        unchanged.append("t.deleted = false")  # an edit of a deleted row is a conflict
    sets = [f'"{c}" = g."v_{c}"' for c in columns]
    stmt = text(
        f"UPDATE {t.name} AS t SET {', '.join(sets)}, version = t.version + 1 "
        f"FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS g({', '.join(fields)}) "
        f"WHERE t.id = g.id AND {' AND '.join(unchanged) or 'true'} "
        f"RETURNING {', '.join(f't.{c}' for c in st.columns)}").columns(
            *(t.c[c] for c in st.columns))
    rows = [{"id": str(m.row_id), **{f"v_{c}": m.values[c] for c in columns},
             **{f"b_{c}": m.base[c] for c in based}} for m in group]
    by_row = {m.row_id: m.mutation_id for m in group}
    return {by_row[r["id"]]: dict(r) for r in
            conn.execute(stmt, {"rows": json.dumps(rows, ensure_ascii=False)}).mappings()}


def _update(conn: Connection, st: SyncedTable, m: Mutation, pusher: Pusher) -> Outcome:
    if st.append_only:
        # Session records, notes, evidence and the audit trail are only ever added to;
        # a correction is a new row (an addendum).
        raise Refused(Reason.PERMISSION, "rows of this table are never changed once written")
    if _takes_quick_update(st, m):
        quick = _update_unchanged(conn, st, m, pusher)
        if quick is not None:
            return quick
    current = _current(conn, st, m.row_id, lock=True)
    if current is None:
        raise Refused(Reason.NOT_FOUND, "the row is not in this office's central data")
    office = row_office(conn, st, current)
    _check_office(st, office, pusher)
    server = row_to_plain(st, current)
    deleting = m.values.get("deleted") is True and m.base.get("deleted") is False
    restoring = m.values.get("deleted") is False
    conflicts = 0
    forced: dict[str, Any] | None = None
    if st.name == "documents":
        ruled = _final_document_rules(conn, st, m, pusher, current, server)
        if isinstance(ruled, Outcome):
            return ruled
        if ruled is not None:
            forced, conflicts = ruled
    if forced is not None:
        updates = forced
    elif deleting:
        if server["deleted"]:
            return Outcome(m.mutation_id, Status.APPLIED, server)  # deleted on both sides
        edited = changed_since(m.base, server, ignore={"deleted", *BOOKKEEPING})
        if edited:
            _conflict_row(conn, st, current, kind="delete_edited", base=m.base,
                          local={"deleted": True}, theirs={f: server[f] for f in edited},
                          pusher=pusher, mutation_id=m.mutation_id)
            return Outcome(m.mutation_id, Status.CONFLICT, server, conflicts=1)
        # Nothing changed centrally since: the deletion (with what came with it) goes in.
        updates = merge_fields(st, m.base, m.values, server).updates
    elif server["deleted"] and not restoring:
        # An edit of a row deleted centrally: kept whole in the conflict, not applied.
        # With it, the central values of the same fields where someone changed them
        # before the deletion: restoring the row with this edit replaces them, so the
        # person choosing must see them (else that earlier edit is lost unseen).
        overwritten = [f for f in changed_since(m.base, server, ignore={"deleted", *BOOKKEEPING})
                       if f in m.values and server[f] != m.values[f]]
        _conflict_row(conn, st, current, kind="edit_deleted", base=m.base, local=m.values,
                      theirs={"deleted": True, **{f: server[f] for f in overwritten}},
                      pusher=pusher, mutation_id=m.mutation_id)
        return Outcome(m.mutation_id, Status.CONFLICT, server, conflicts=1)
    else:
        merged = merge_fields(st, m.base, m.values, server)
        for c in merged.conflicts:
            _conflict_row(conn, st, current, kind="field", field_name=c.field, base=c.base,
                          local=c.local, theirs=c.server, pusher=pusher,
                          mutation_id=m.mutation_id)
        conflicts = len(merged.conflicts)
        updates = merged.updates
    if not set(updates) - set(BOOKKEEPING):
        return Outcome(m.mutation_id, Status.CONFLICT if conflicts else Status.APPLIED, server,
                       conflicts=conflicts)
    typed = row_from_plain(st, updates)
    typed["version"] = current["version"] + 1
    found = conn.execute(update(st.table).where(st.table.c.id == m.row_id).values(**typed)
                         .returning(*st.table.c)).mappings().first()
    if found is None:
        raise Refused(Reason.PERMISSION, "the change would move the row out of this office")
    row = dict(found)
    new_office = row.get("office_id") if st.scope == Scope.OFFICE else office
    _check_office(st, new_office, pusher)
    if st.name == "cases" and new_office != office:
        _relocate(conn, st, row, office, actor=pusher.actor, mutation_id=m.mutation_id)
    log_change(conn, st, row, actor=pusher.actor, mutation_id=m.mutation_id,
               client_id=pusher.client_id, office_id=new_office)
    return Outcome(m.mutation_id, Status.CONFLICT if conflicts else Status.APPLIED,
                   row_to_plain(st, row), conflicts=conflicts)


def _final_document_rules(conn: Connection, st: SyncedTable, m: Mutation, pusher: Pusher,
                          current: dict[str, Any], server: dict[str, Any]
                          ) -> Outcome | tuple[dict[str, Any], int] | None:
    """A final document never changes (its number, PDF and the hash printed on it must
    keep matching). An edit that reaches it too late is kept in a conflict, to be redone
    as a new version; a finalisation makes final exactly the content it numbered, and a
    central edit of the draft it overtook is kept in a conflict the same way. None: the
    ordinary field-by-field merge applies."""
    content = [c for c in FINAL_CONTENT_COLUMNS if c in m.values]
    if server["state"] != "draft":
        late = [c for c in content if m.values[c] != server[c]]
        if m.values.get("state") == "draft" or (
                server["state"] == "void" and m.values.get("state") not in (None, "void")):
            late.append("state")
        if not late:
            return None
        _conflict_row(conn, st, current, kind="final_document", field_name="",
                      base={c: m.base.get(c) for c in late},
                      local={c: m.values.get(c) for c in late},
                      theirs={c: server[c] for c in late},
                      pusher=pusher, mutation_id=m.mutation_id)
        return Outcome(m.mutation_id, Status.CONFLICT, server, conflicts=1)
    if m.values.get("state") in (None, "draft"):
        return None
    overtaken = [c for c in content if c in m.base and server[c] != m.base[c]
                 and server[c] != m.values[c]]
    conflicts = 0
    if overtaken:
        _conflict_row(conn, st, current, kind="final_document", field_name="",
                      base={c: m.base[c] for c in overtaken},
                      local={c: server[c] for c in overtaken},
                      theirs={c: m.values[c] for c in overtaken},
                      pusher=pusher, mutation_id=m.mutation_id)
        conflicts = 1
    return {c: v for c, v in m.values.items() if c in st.table.c and c not in ("id", "version")
            }, conflicts


def _visible_row(conn: Connection, st: SyncedTable | None, row_id: uuid.UUID):
    if st is None:
        return None
    try:
        with conn.begin_nested():
            row = _current(conn, st, row_id, lock=False)
    except DBAPIError:
        return None
    return row_to_plain(st, row) if row is not None else None


def _is_connection_error(exc: DBAPIError) -> bool:
    return isinstance(exc, OperationalError) or bool(exc.connection_invalidated)


def _refusal(exc: DBAPIError) -> tuple[str, str]:
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None) or ""
    message = str(orig).strip().splitlines()[0] if orig is not None else str(exc)
    if sqlstate == "42501" or "row-level security" in message or "permission denied" in message:
        return Reason.PERMISSION, message
    if isinstance(exc, IntegrityError) or sqlstate.startswith(("22", "23")):
        return Reason.INVALID, message
    return Reason.INVALID, message


def _apply(conn: Connection, pusher: Pusher, m: Mutation, changes: list[dict[str, Any]],
           *, fast: bool) -> Outcome:
    """One mutation. On the slow path under its own savepoint, so it is refused alone,
    without its change-log rows; on the fast path any refusal sends the batch there."""
    st = synced_tables().get(m.table_name)
    mine: list[dict[str, Any]] = []
    token = _collected.set(mine)
    try:
        if st is None:
            raise Refused(Reason.UNKNOWN_TABLE, f"{m.table_name} is not synced")
        if m.op not in ("insert", "update"):
            raise Refused(Reason.INVALID, f"unknown operation {m.op}")
        effect = _insert if m.op == "insert" else _update
        if fast:
            outcome = effect(conn, st, m, pusher)
        else:
            with conn.begin_nested():
                outcome = effect(conn, st, m, pusher)
        changes.extend(mine)
        return outcome
    except Refused as refused:
        if fast:
            raise _SlowPath() from refused
        return Outcome(m.mutation_id, Status.REJECTED, _visible_row(conn, st, m.row_id),
                       refused.code, refused.reason)
    except DBAPIError as exc:
        if _is_connection_error(exc):
            raise
        if fast:
            raise _SlowPath() from exc
        code, reason = _refusal(exc)
        return Outcome(m.mutation_id, Status.REJECTED, _visible_row(conn, st, m.row_id),
                       code, reason)
    finally:
        _collected.reset(token)


def _run(conn: Connection, pusher: Pusher, mutations: list[Mutation],
         stored: dict[uuid.UUID, Any], *, fast: bool) -> list[Outcome]:
    batch = _Batch(fast=fast)
    token = _batch.set(batch)
    try:
        outcomes: list[Outcome] = []
        changes: list[dict[str, Any]] = []
        records: list[dict[str, Any]] = []
        now = utcnow()
        applied: list[tuple[Mutation, Outcome]] = []
        if fast and is_postgresql(conn):
            batch.updated = _update_together(
                conn, [m for m in mutations if m.mutation_id not in stored])
        for m in mutations:
            if m.mutation_id in stored:
                outcomes.append(Outcome.from_json(m.mutation_id, stored[m.mutation_id]))
                continue
            outcome = _apply(conn, pusher, m, changes, fast=fast)
            outcomes.append(outcome)
            applied.append((m, outcome))
        _write_deferred(conn, batch, applied)
        for m, outcome in applied:
            st = synced_tables().get(m.table_name)
            office = None
            if outcome.row is not None and st is not None and st.scope == Scope.OFFICE:
                office = outcome.row.get("office_id")
            records.append(dict(
                mutation_id=m.mutation_id, client_id=pusher.client_id, actor=pusher.actor,
                office_id=uuid.UUID(office) if isinstance(office, str) else office,
                table_name=m.table_name, row_id=m.row_id, status=outcome.status,
                result=outcome.to_json(), applied_at=now))
        if changes:
            write_change_log(conn, changes, pusher)
        if records:
            conn.execute(insert(SyncMutation), records)
        return outcomes
    finally:
        _batch.reset(token)


def _write_deferred(conn: Connection, batch: _Batch,
                    applied: list[tuple[Mutation, Outcome]]) -> None:
    """The batch's new append-only rows in one statement per table. The central
    database may stamp some of their columns itself (the audit actor and time): those
    come back, so each answer holds the row as stored centrally."""
    if not batch.deferred:
        return
    by_row = {(m.table_name, m.row_id): o for m, o in applied}
    for name, rows in batch.deferred.items():
        st = synced_table(name)
        stamped = SERVER_STAMPED.get(name)
        if not stamped or not is_postgresql(conn):
            conn.execute(insert(st.table), rows)
            continue
        t = st.table
        returned = conn.execute(_insert_rows(conn, st, stamped), {"rows": json.dumps(
            [{c: to_plain(t.c[c], v) for c, v in row.items()} for row in rows],
            ensure_ascii=False)})
        for found in returned.mappings():
            outcome = by_row.get((name, found["id"]))
            if outcome is not None and outcome.row is not None:
                outcome.row.update({c: to_plain(t.c[c], found[c]) for c in stamped})


def _insert_rows(conn: Connection, st: SyncedTable, returned: tuple[str, ...]):
    """INSERT of rows that travel as one JSON parameter (as ``_update_group``'s do):
    one statement text per table, whatever the number of rows."""
    t = st.table
    names = ", ".join(f'"{c}"' for c in st.columns)
    fields = ", ".join(f'"{c}" {_record_type(conn, t.c[c])}' for c in st.columns)
    # In the batch's order (WITH ORDINALITY): the audit trigger chains them as they come.
    return text(f"INSERT INTO {t.name} ({names}) SELECT {names} FROM ROWS FROM "
                f"(jsonb_to_recordset(CAST(:rows AS jsonb)) AS ({fields})) "
                f"WITH ORDINALITY AS r({names}, n) ORDER BY n "
                f"RETURNING id, {', '.join(returned)}").columns(
                    t.c.id, *(t.c[c] for c in returned))


# The key class of the per-office lock the audit trigger takes (migration 0008).
AUDIT_LOCK_CLASS = 0x6D64_6175


def _lock_audit_chains(conn: Connection, mutations: list[Mutation]) -> None:
    """Take the office chain locks the batch's audit rows will need before any row
    lock: the trigger takes them again (a no-op then), and two pushes of one office
    queue here instead of deadlocking over a case row and a chain."""
    if not is_postgresql(conn):
        return
    offices = sorted({str(m.values.get("office_id") or "") for m in mutations
                      if m.table_name == "audit_events" and m.op == "insert"})
    for office in offices:
        key = str(uuid.UUID(office)) if office else ""
        conn.execute(text("SELECT pg_advisory_xact_lock(:c, hashtext(:o))"),
                     {"c": AUDIT_LOCK_CLASS, "o": key})


def push_batch(conn: Connection, pusher: Pusher, mutations: list[Mutation]) -> list[Outcome]:
    """Apply a batch in the caller's (single) transaction, exactly once; the caller
    commits. A mutation pushed before (its answer lost) gets its stored result. The
    results are recorded with the effects: if another push of the same mutation got
    there first, recording fails on the key and the whole batch is retried later, when
    the stored results are found.

    The batch first runs under one savepoint with no per-mutation savepoints (most
    batches are refused nothing); if anything is refused it is rolled back and run
    again with a savepoint per mutation, so the refusal stays alone."""
    _lock_audit_chains(conn, mutations)
    ids = [m.mutation_id for m in mutations]
    stored = {r.mutation_id: r.result for r in conn.execute(
        select(SyncMutation.mutation_id, SyncMutation.result)
        .where(SyncMutation.mutation_id.in_(ids)))}
    try:
        with conn.begin_nested():
            return _run(conn, pusher, mutations, stored, fast=True)
    except _SlowPath:
        pass
    except DBAPIError as exc:
        if _is_connection_error(exc):
            raise
    return _run(conn, pusher, mutations, stored, fast=False)


def apply_mutation(conn: Connection, pusher: Pusher, m: Mutation) -> Outcome:
    """One mutation alone (a batch of one)."""
    return push_batch(conn, pusher, [m])[0]


def plain_values(st: SyncedTable, row: Any) -> dict[str, Any]:
    return {c: to_plain(st.table.c[c], row[c]) for c in st.columns}
