"""The workstation and its central database: choosing standalone or central, linking,
running a sync, the conflicts a person resolves and the refused changes that need
attention. The engine itself is app/sync; this keeps the workstation's own tables
(tags, search index) in step with what a sync writes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from app.core.errors import UserFacingError
from app.core.ids import new_id
from app.services import audit, hot_words
from app.services.context import Actor, Workstation
from app.services.errors import CentrallyManaged
from app.services.search import reindex_cases
from app.store import migrate
from app.store.base import Base
from app.store.blobs import BlobStore
from app.store.database import Store
from app.store.models import (
    Case,
    Document,
    LocalMeta,
    Mediator,
    SyncAttention,
    SyncConflict,
    SyncOutbox,
)
from app.sync import capture
from app.sync import central as central_db
from app.sync.central import CentralConfig, CentralError, CentralErrorCode
from app.sync.client import LAST_OK_KEY, OFFICE_KEY, SyncClient
from app.sync.tables import from_plain, synced_table

MODE_KEY = "sync.mode"
URL_KEY = "sync.central_url"
SSLMODE_KEY = "sync.sslmode"
SSLROOTCERT_KEY = "sync.sslrootcert"
LOGIN_KEY = "current_login"


class Mode(StrEnum):
    STANDALONE = "standalone"
    CENTRAL = "central"


@dataclass(frozen=True)
class SyncSettings:
    mode: Mode
    config: CentralConfig | None = None


def _meta(session: Session, key: str) -> str | None:
    row = session.get(LocalMeta, key)
    return row.value if row else None


def _set_meta(session: Session, key: str, value: str | None) -> None:
    row = session.get(LocalMeta, key)
    if value is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(LocalMeta(key=key, value=value))
    else:
        row.value = value


def sync_settings(store: Store) -> SyncSettings | None:
    """None until the first run chose standalone or central."""
    with store.sessions() as session:
        mode = _meta(session, MODE_KEY)
        if mode is None:
            # A store with cases from before this choice existed works standalone.
            has_cases = session.scalars(select(Case.id).limit(1)).first() is not None
            return SyncSettings(Mode.STANDALONE) if has_cases else None
        if mode == Mode.CENTRAL:
            config = CentralConfig(_meta(session, URL_KEY) or "",
                                   _meta(session, SSLMODE_KEY) or "",
                                   _meta(session, SSLROOTCERT_KEY) or "")
            return SyncSettings(Mode.CENTRAL, config)
        return SyncSettings(Mode.STANDALONE)


def scrub_saved_password(store: Store) -> bool:
    """A central address saved by an earlier version with its password inline: the
    password moves to the keyring (when there is one; else it is asked next time) and
    out of the store and its backups, overwritten where it lay. True if one was found."""
    from app.services import credentials

    with store.sessions() as session:
        saved = _meta(session, URL_KEY)
    if not saved:
        return False
    clean, password = central_db.split_password(saved)
    if clean == saved:
        return False
    config = CentralConfig(clean)
    if password:
        credentials.save_password(config, password)
    _overwrite_saved_url(store.engine, clean)
    for backup in sorted((store.path.parent / "backups").glob("*.sqlite")):
        _scrub_backup(backup)
    return True


def _overwrite_saved_url(engine: Engine, clean: str) -> None:
    raw = engine.raw_connection()
    try:
        # secure_delete zeroes the old bytes; the checkpoint moves the page into the
        # file and empties the -wal, so no copy of the password stays behind.
        raw.execute("PRAGMA secure_delete=ON")
        raw.execute("UPDATE local_meta SET value = ? WHERE key = ?", (clean, URL_KEY))
        raw.commit()
        raw.execute("PRAGMA secure_delete=OFF")
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()


def _scrub_backup(path) -> None:
    import sqlite3

    try:
        with path.open("rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                return  # not a plain copy (e.g. encrypted): nothing readable to scrub
        con = sqlite3.connect(path)
        try:
            row = con.execute("SELECT value FROM local_meta WHERE key = ?", (URL_KEY,)
                              ).fetchone()
            clean = central_db.split_password(row[0])[0] if row else None
            if row and clean != row[0]:
                con.execute("PRAGMA secure_delete=ON")
                con.execute("UPDATE local_meta SET value = ? WHERE key = ?", (clean, URL_KEY))
                con.commit()
                con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            con.close()
    except (OSError, sqlite3.Error, CentralError):
        pass  # a backup that cannot be read is left as it is


def choose_standalone(store: Store) -> None:
    with store.unit_of_work() as session:
        if _meta(session, MODE_KEY) == Mode.CENTRAL:
            raise LinkError(LinkProblem.ALREADY_LINKED)
        _set_meta(session, MODE_KEY, Mode.STANDALONE.value)


class LinkProblem(StrEnum):
    STORE_HAS_DATA = "store_has_data"  # a standalone store's cases cannot join this way
    ALREADY_LINKED = "already_linked"  # linked to another central database or login
    NOT_A_USER = "not_a_user"  # the login has no active user record centrally
    NO_SCHEMA = "no_schema"
    OLD_SCHEMA = "old_schema"


class LinkError(UserFacingError):
    def __init__(self, problem: LinkProblem, detail: str = "") -> None:
        self.problem = problem
        self.detail = detail
        super().__init__(f"{problem.value}: {detail}" if detail else problem.value)


def connect(config: CentralConfig, password: str | None) -> Engine:
    """An engine on the central database, checked by connecting once."""
    try:
        engine = central_db.make_engine(config, password)
    except OSError as exc:
        raise CentralError(CentralErrorCode.UNREACHABLE, str(exc)) from exc
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        engine.dispose()
        raise classify_connection_error(exc) from exc
    except OSError as exc:  # an SQLite central file's folder cannot be reached
        engine.dispose()
        raise CentralError(CentralErrorCode.UNREACHABLE, str(exc)) from exc
    return engine


def classify_connection_error(exc: Exception) -> CentralError:
    message = str(getattr(exc, "orig", exc) or exc).strip()
    lowered = message.lower()
    if "password authentication failed" in lowered or "no password supplied" in lowered \
            or "role" in lowered and "does not exist" in lowered:
        return CentralError(CentralErrorCode.AUTH_FAILED, message)
    if "does not support ssl" in lowered:
        return CentralError(CentralErrorCode.TLS_UNAVAILABLE, message)
    return CentralError(CentralErrorCode.UNREACHABLE, message)


@dataclass(frozen=True)
class CentralUser:
    login: str
    name: str
    office_id: uuid.UUID
    role: str


def central_user(engine: Engine, login: str) -> CentralUser:
    from app.store import migrate

    with engine.connect() as conn:
        revision = central_db.schema_revision(conn)
        if revision is None:
            raise LinkError(LinkProblem.NO_SCHEMA)
        if revision != migrate.head_revision():
            raise LinkError(LinkProblem.OLD_SCHEMA, revision)
        row = conn.execute(select(Mediator.name, Mediator.office_id, Mediator.role).where(
            Mediator.login == login, Mediator.active.is_(True), Mediator.deleted.is_(False))
        ).first()
    if row is None:
        raise LinkError(LinkProblem.NOT_A_USER, login)
    return CentralUser(login, row.name, row.office_id, row.role)


def link_central(store: Store, config: CentralConfig, engine: Engine, *,
                 login: str | None = None) -> CentralUser:
    """Bind this store to a central database and a login. The store must be new (or
    already bound to the same place): its data will come from the first sync."""
    login = login or config.login
    user = central_user(engine, login)
    with store.unit_of_work() as session:
        mode = _meta(session, MODE_KEY)
        if mode == Mode.CENTRAL:
            same = (_meta(session, URL_KEY) == config.url
                    and _meta(session, OFFICE_KEY) in (None, user.office_id.hex))
            if not same:
                raise LinkError(LinkProblem.ALREADY_LINKED, _meta(session, URL_KEY) or "")
        elif session.scalars(select(Case.id).limit(1)).first() is not None:
            raise LinkError(LinkProblem.STORE_HAS_DATA)
        _set_meta(session, MODE_KEY, Mode.CENTRAL.value)
        _set_meta(session, URL_KEY, config.url)
        _set_meta(session, SSLMODE_KEY, config.sslmode)
        _set_meta(session, SSLROOTCERT_KEY, config.sslrootcert)
        _set_meta(session, OFFICE_KEY, user.office_id.hex)
        _set_meta(session, LOGIN_KEY, login)
    return user


def update_connection(store: Store, config: CentralConfig) -> None:
    """Change how the same central database is reached (address, TLS settings)."""
    with store.unit_of_work() as session:
        _set_meta(session, URL_KEY, config.url)
        _set_meta(session, SSLMODE_KEY, config.sslmode)
        _set_meta(session, SSLROOTCERT_KEY, config.sslrootcert)


def signed_in_login(store: Store) -> str | None:
    """The login this store works as (central mode), or the local user (standalone)."""
    with store.sessions() as session:
        return _meta(session, LOGIN_KEY)


def is_linked(store: Store) -> bool:
    settings = sync_settings(store)
    return settings is not None and settings.mode == Mode.CENTRAL


def require_standalone(store: Store) -> None:
    """Raise CentrallyManaged on a linked store (the calendar, rule sets, offices and
    people are the central database's to change)."""
    if is_linked(store):
        raise CentrallyManaged()


def linked_office(store: Store) -> uuid.UUID | None:
    with store.sessions() as session:
        value = _meta(session, OFFICE_KEY)
    return uuid.UUID(value) if value else None


def open_linked_workstation(store: Store) -> Workstation | None:
    """The workstation of a linked store, with change capture on. None until the first
    sync brought this login's user record."""
    capture.install(store.sessions)
    with store.sessions() as session:
        login = _meta(session, LOGIN_KEY)
        user = session.scalars(select(Mediator).where(Mediator.login == login)).first()
    if user is None:
        return None
    return Workstation(store=store, actor=Actor(user.login, user.name, user.id,
                                                user.office_id, user.role))


# ---------------------------------------------------------------- running a sync


def rows_applied(conn: Connection, table: str, ids: list[uuid.UUID], initial: bool) -> None:
    """Keep the workstation's derived tables in step with rows a sync wrote."""
    if table != "cases" or not ids:
        return
    # In the store's own terms (ids as 32 hex digits): a first sync derives the tags of
    # every case it writes, 100,000 and more.
    raw = conn.connection.driver_connection
    tags: list[tuple[str, str]] = []
    hexes = [i.hex for i in ids]
    for start in range(0, len(hexes), 900):
        chunk = hexes[start:start + 900]
        marks = ", ".join("?" for _ in chunk)
        raw.execute(f"DELETE FROM case_tags WHERE case_id IN ({marks})", chunk)
        for case_id, joined in raw.execute(
                f"SELECT id, tags FROM cases WHERE id IN ({marks})", chunk).fetchall():
            for tag in dict.fromkeys(t.strip()[:32] for t in (joined or "").split(",")):
                if tag:
                    tags.append((case_id, tag))
    raw.executemany("INSERT INTO case_tags (case_id, tag) VALUES (?, ?)", tags)
    if initial:
        # A first sync leaves the search index to the background rebuild and the
        # hot-words index to its background catch-up.
        return
    # The hot-words index follows every pulled row: its text, or its tombstone.
    hot_words.index_cases(conn, ids)
    reindex_cases(conn, ids)


# The only tables whose rows the workstation derives anything from.
rows_applied.tables = frozenset({"cases"})  # type: ignore[attr-defined]


def make_client(store: Store, engine: Engine, *, actor: str | None = None,
                blob_store: Any = None) -> SyncClient:
    with store.sessions() as session:
        login = actor or _meta(session, LOGIN_KEY)
        office = _meta(session, OFFICE_KEY)
    if not login or not office:
        raise LinkError(LinkProblem.NOT_A_USER, "store is not linked")
    if blob_store is None:
        blob_store = files_of(store)
    return SyncClient(store.engine, engine, actor=login, office_id=uuid.UUID(office),
                      on_rows=rows_applied, blob_store=blob_store)


def files_of(store: Store) -> BlobStore:
    """The store's attachment files, beside it in the data folder."""
    return BlobStore(store.path.parent / "files", key=store.key)


@dataclass(frozen=True)
class SyncStatus:
    linked: bool
    pending: int
    open_conflicts: int
    attention: int
    last_ok: datetime | None


def sync_status(store: Store) -> SyncStatus:
    with store.sessions() as session:
        pending = session.scalar(select(func.count()).select_from(SyncOutbox)) or 0
        office = _meta(session, OFFICE_KEY)
        conflicts = 0
        if office:
            conflicts = session.scalar(select(func.count()).select_from(SyncConflict).where(
                SyncConflict.status == "open", SyncConflict.deleted.is_(False))) or 0
        attention = session.scalar(select(func.count()).select_from(SyncAttention).where(
            SyncAttention.status == "open")) or 0
        last = _meta(session, LAST_OK_KEY)
    return SyncStatus(bool(office), int(pending), int(conflicts), int(attention),
                      datetime.fromisoformat(last) if last else None)


def is_offline_error(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError | CentralError) or (
        isinstance(exc, DBAPIError) and bool(exc.connection_invalidated))


# ---------------------------------------------------------------- conflicts


class Choice(StrEnum):
    KEEP_CENTRAL = "keep_central"  # the central value stands (the default meanwhile)
    TAKE_MINE = "take_mine"  # the value this side wanted replaces it


@dataclass(frozen=True)
class ConflictView:
    id: uuid.UUID
    kind: str
    table_name: str
    row_id: uuid.UUID
    case_id: uuid.UUID | None
    case_title: str
    source_ticket: str
    field: str
    base_value: Any
    local_value: Any
    server_value: Any
    related_row_id: uuid.UUID | None
    raised_by: str
    raised_at: datetime
    status: str


def _model_for(table_name: str) -> type:
    for mapper in Base.registry.mappers:
        if mapper.local_table.name == table_name:
            return mapper.class_
    raise KeyError(table_name)


def list_conflicts(ws: Workstation, *, include_resolved: bool = False) -> list[ConflictView]:
    with ws.store.sessions() as session:
        stmt = select(SyncConflict, Case.title, Case.source_ticket).outerjoin(
            Case, Case.id == SyncConflict.case_id).where(SyncConflict.deleted.is_(False))
        if not include_resolved:
            stmt = stmt.where(SyncConflict.status == "open")
        rows = session.execute(stmt.order_by(SyncConflict.raised_at.desc())).all()
        return [ConflictView(c.id, c.kind, c.table_name, c.row_id, c.case_id, title or "",
                             ticket or "", c.field, c.base_value, c.local_value,
                             c.server_value, c.related_row_id, c.raised_by, c.raised_at,
                             c.status) for c, title, ticket in rows]


class ConflictGone(UserFacingError):
    """Resolved meanwhile (here or on another workstation)."""


def resolve_conflict(ws: Workstation, conflict_id: uuid.UUID, choice: Choice) -> None:
    """Settle a conflict. Taking this side's value is an ordinary change, synced like
    any other, with the central value of the moment as its base."""
    now = ws.now()
    with ws.store.unit_of_work() as session:
        conflict = session.get(SyncConflict, conflict_id)
        if conflict is None or conflict.status != "open":
            raise ConflictGone(conflict_id)
        if choice == Choice.TAKE_MINE:
            _take_mine(ws, session, conflict, now)
        conflict.status = "took_local" if choice == Choice.TAKE_MINE else "kept_server"
        conflict.resolved_by = ws.actor.login
        conflict.resolved_at = now
        conflict.version += 1
        conflict.modified_at = now
        conflict.modified_by = ws.actor.login
        audit.record(session, actor=ws.actor.login, entity=conflict.table_name,
                     entity_id=conflict.row_id, action=f"conflict:{choice.value}",
                     changes={conflict.field or conflict.kind: [conflict.server_value,
                                                                 conflict.local_value]},
                     case_id=conflict.case_id, office_id=conflict.office_id, at=now)


def _take_mine(ws: Workstation, session: Session, conflict: SyncConflict, now) -> None:
    st = synced_table(conflict.table_name)
    row = session.get(_model_for(conflict.table_name), conflict.row_id)
    if row is None:
        raise ConflictGone(conflict.id)
    if conflict.kind == "field":
        setattr(row, conflict.field, from_plain(st.table.c[conflict.field],
                                                conflict.local_value))
    elif conflict.kind == "edit_deleted":
        row.deleted = False
        for name, value in (conflict.local_value or {}).items():
            if name in st.table.c and name not in ("id", "version"):
                setattr(row, name, from_plain(st.table.c[name], value))
    elif conflict.kind == "delete_edited":
        row.deleted = True
    elif conflict.kind == "final_document":
        _redo_as_new_version(ws, session, row, conflict, now)
        return
    elif conflict.kind == "duplicate_ticket":
        # One work order: the later copy goes, linked to the one that stays.
        row.deleted = True
        if hasattr(row, "linked_case_id"):
            row.linked_case_id = conflict.related_row_id
    row.version = (row.version or 0) + 1
    row.modified_at = now
    row.modified_by = ws.actor.login


def _redo_as_new_version(ws: Workstation, session: Session, final: Document,
                         conflict: SyncConflict, now) -> None:
    """The edit that came too late for a final document becomes a new draft version of
    it; the final document stays exactly as issued."""
    wanted = conflict.local_value or {}
    fields = wanted.get("fields") if isinstance(wanted.get("fields"), dict) else None
    draft = Document(id=new_id(), version=1, modified_at=now, modified_by=ws.actor.login,
                     deleted=False, case_id=final.case_id, office_id=final.office_id,
                     kind=final.kind, number="", fields=dict(fields or final.fields or {}),
                     state="draft", pdf_sha256="", version_no=final.version_no + 1,
                     supersedes_id=final.id)
    session.add(draft)
    audit.record(session, actor=ws.actor.login, entity="documents", entity_id=draft.id,
                 action="new_version", changes={"version_no": [None, draft.version_no]},
                 case_id=final.case_id, office_id=final.office_id, at=now)


# ---------------------------------------------------------------- refused changes


@dataclass(frozen=True)
class AttentionView:
    id: uuid.UUID
    table_name: str
    row_id: uuid.UUID
    case_id: uuid.UUID | None
    op: str
    values: dict[str, Any]
    reason_code: str
    reason: str
    created_at: datetime


def list_attention(ws: Workstation) -> list[AttentionView]:
    with ws.store.sessions() as session:
        rows = session.scalars(select(SyncAttention).where(SyncAttention.status == "open")
                               .order_by(SyncAttention.created_at.desc()))
        return [AttentionView(a.id, a.table_name, a.row_id, a.case_id, a.op, a.values or {},
                              a.reason_code, a.reason, a.created_at) for a in rows]


def resend(ws: Workstation, attention_id: uuid.UUID) -> None:
    """Make the refused change again locally (a new outbox entry), e.g. after the
    office fixed a permission or the user corrected a value."""
    now = ws.now()
    with ws.store.unit_of_work() as session:
        item = session.get(SyncAttention, attention_id)
        if item is None or item.status != "open":
            raise ConflictGone(attention_id)
        if item.op == "compare":
            raise ConflictGone(attention_id)  # a difference found centrally: only noted
        st = synced_table(item.table_name)
        model = _model_for(item.table_name)
        values = {k: from_plain(st.table.c[k], v) for k, v in (item.values or {}).items()
                  if k in st.table.c and k != "version"}
        row = session.get(model, item.row_id)
        if row is not None and st.append_only:
            # A refused audit row (or note) is still here, chained: it is sent again as
            # it was written, not changed into an update the central database refuses.
            session.add(SyncOutbox(mutation_id=new_id(), table_name=st.name,
                                   row_id=item.row_id, op="insert", base={},
                                   values=item.values or {},
                                   schema_revision=migrate.head_revision(), created_at=now,
                                   attempts=0, last_error=""))
            item.status = "requeued"
            return
        if row is None:
            row = model(**{**values, "id": item.row_id, "version": 1})
            session.add(row)
        else:
            for name, value in values.items():
                if name != "id":
                    setattr(row, name, value)
            row.version = (row.version or 0) + 1
        row.modified_at = now
        row.modified_by = ws.actor.login
        item.status = "requeued"


def dismiss(ws: Workstation, attention_id: uuid.UUID, reason: str) -> None:
    """Give up a refused change on purpose; the history records who and why."""
    now = ws.now()
    with ws.store.unit_of_work() as session:
        item = session.get(SyncAttention, attention_id)
        if item is None or item.status != "open":
            raise ConflictGone(attention_id)
        item.status = "dismissed"
        audit.record(session, actor=ws.actor.login, entity=item.table_name,
                     entity_id=item.row_id, action="sync:dismiss_refused",
                     changes={k: [v, None] for k, v in (item.values or {}).items()},
                     case_id=item.case_id, office_id=ws.actor.office_id, reason=reason, at=now)
