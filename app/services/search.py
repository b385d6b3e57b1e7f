"""The workstation's one search box: names, pinyin, phones, tickets, ID numbers, words.

Text goes through the local FTS5 table ``case_search`` (tokens made by
``app.core.search_text``, each case's document by ``app.services.search_documents``, in
worker processes for a rebuild); numbers go through B-tree indexes (phone, last four
digits, ticket, ID number). The index is local and derived: the services keep it current
as cases change, ``rebuild_search_index`` remakes it (after an upgrade from a store
without one, or when it is found incomplete), and the demo loader fills it in bulk.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
import uuid
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from operator import itemgetter
from typing import TypeVar

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from app.core import heap, parallel
from app.core.search_text import SearchPlan, plan_search
from app.services.search_documents import (
    FIELD,
    load_tokeniser,
    no_context,
    search_document,
    tokenise_chunk,
)
from app.store.database import Store
from app.store.models import Case

# The FTS5 table, as migration 0002 creates it (a test keeps the two in step).
SEARCH_TABLE_DDL = (
    "CREATE VIRTUAL TABLE case_search USING fts5(names, body, "
    "tokenize = 'unicode61 remove_diacritics 0', detail = column)"
)
SEARCH_LIMIT = 500  # the most recent matches shown; the status bar says when there are more
REBUILD_CHUNK = 10_000  # cases a worker tokenises at a time
REBUILD_WINDOW = 10  # chunks read at a time (ordered_map takes a list)
REBUILD_AHEAD = 4  # chunks tokenised before this process writes them
# FTS5 writes a segment each time its buffer of pending tokens fills (1 MB by default):
# a rebuild's bigger buffer makes fewer, larger segments to merge at the end.
REBUILD_HASH_BYTES = 16 * 2**20
FTS_HASHSIZE_DEFAULT = 1024 * 1024
FTS_AUTOMERGE_DEFAULT = 4
VERIFY_BATCH = 300

T = TypeVar("T")


def _document_of(case: Case) -> tuple[str, str]:
    return search_document(case.complainant_name, case.respondent_name, case.title,
                           case.description, case.request)


def _has_index(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def index_case(session: Session, case: Case) -> None:
    """Bring one case's entry up to date; call in the transaction that changed it."""
    if not _has_index(session):
        return
    case_hex = case.id.hex
    session.execute(text("INSERT OR IGNORE INTO case_search_keys (case_id) VALUES (:id)"),
                    {"id": case_hex})
    key = session.execute(text("SELECT search_key FROM case_search_keys WHERE case_id = :id"),
                          {"id": case_hex}).scalar_one()
    session.execute(text("DELETE FROM case_search WHERE rowid = :key"), {"key": key})
    if not case.deleted:
        names, body = _document_of(case)
        session.execute(text("INSERT INTO case_search (rowid, names, body) "
                             "VALUES (:key, :names, :body)"),
                        {"key": key, "names": names, "body": body})


def reindex_cases(conn: Connection, ids: Sequence[uuid.UUID]) -> None:
    """``index_case`` for many cases at once (rows a pull wrote), read and written in
    the store's own terms: a statement per step, not four per case."""
    if not ids or conn.dialect.name != "sqlite":
        return
    raw = conn.connection.driver_connection
    hexes = [i.hex for i in ids]
    found: list[tuple] = []
    for start in range(0, len(hexes), 500):
        chunk = hexes[start:start + 500]
        marks = ", ".join("?" for _ in chunk)
        found += raw.execute(
            "SELECT id, deleted, complainant_name, respondent_name, title, description, "
            f"request FROM cases WHERE id IN ({marks})", chunk).fetchall()
    keys = _search_keys(raw, [r[0] for r in found])
    raw.executemany("DELETE FROM case_search WHERE rowid = ?", [(keys[r[0]],) for r in found])
    raw.executemany("INSERT INTO case_search (rowid, names, body) VALUES (?, ?, ?)",
                    [(keys[r[0]], *search_document(*r[2:])) for r in found if not r[1]])


def index_documents(conn: Connection, documents: Sequence[tuple[str, str, str]]) -> None:
    """Index new cases by their documents ``(id as 32 hex digits, names, body)`` as
    ``search_document`` makes them (an import's worker processes make them)."""
    if not documents:
        return
    raw = conn.connection.driver_connection
    keys = _search_keys(raw, [d[0] for d in documents])
    raw.executemany("INSERT INTO case_search (rowid, names, body) VALUES (?, ?, ?)",
                    [(keys[case_hex], names, body) for case_hex, names, body in documents])


def _search_keys(raw: sqlite3.Connection, case_hexes: list[str]) -> dict[str, int]:
    """Each case's row in the search index (made where it has none yet), by hex id."""
    raw.executemany("INSERT OR IGNORE INTO case_search_keys (case_id) VALUES (?)",
                    [(h,) for h in case_hexes])
    keys: dict[str, int] = {}
    for start in range(0, len(case_hexes), 500):
        chunk = case_hexes[start:start + 500]
        keys.update(raw.execute(
            "SELECT case_id, search_key FROM case_search_keys "
            f"WHERE case_id IN ({', '.join('?' for _ in chunk)})", chunk))
    return keys


@dataclass(frozen=True)
class IndexState:
    indexed: int
    cases: int

    @property
    def complete(self) -> bool:
        return self.indexed >= self.cases


def index_state(store: Store) -> IndexState:
    con = store.connect_raw()
    try:
        indexed = con.execute("SELECT count(*) FROM case_search_keys").fetchone()[0]
        cases = con.execute("SELECT count(*) FROM cases WHERE deleted = false").fetchone()[0]
    finally:
        con.close()
    return IndexState(indexed, cases)


# Each case's fields as they are stored, in UTF-8: this process never decodes them.
_CASE_TEXT = f"""SELECT rowid, CAST(complainant_name || char({ord(FIELD)}) || respondent_name
    || char({ord(FIELD)}) || title || char({ord(FIELD)}) || description
    || char({ord(FIELD)}) || request AS BLOB) FROM cases WHERE deleted = false"""


def _text_chunks(con: sqlite3.Connection, lock: threading.Lock
                 ) -> Iterator[tuple[int, bytes | list]]:
    """(cases, what ``tokenise_chunk`` takes) for each chunk of the live cases, in rowid
    order. ``lock``: held while the connection is used (another thread writes with it)."""
    with lock:
        cursor = con.execute(f"{_CASE_TEXT} ORDER BY rowid")
    try:
        while True:
            with lock:
                rows = cursor.fetchmany(REBUILD_CHUNK)
            if not rows:
                return
            text = FIELD.encode().join(map(itemgetter(1), rows))
            if text.count(FIELD.encode()) != 5 * len(rows) - 1:
                # Typed text never holds the separator, imported text might: as rows.
                with lock:
                    text = con.execute("""SELECT complainant_name, respondent_name, title,
                        description, request FROM cases WHERE deleted = false
                        AND rowid BETWEEN ? AND ? ORDER BY rowid""",
                        (rows[0][0], rows[-1][0])).fetchall()
            yield len(rows), text
    finally:
        with lock:
            cursor.close()


def _tokenised(con: sqlite3.Connection, lock: threading.Lock, workers: int | None
               ) -> Iterator[tuple[int, str]]:
    """(cases, their documents joined by ``FIELD``) for each chunk, in rowid order."""
    chunks = _text_chunks(con, lock)
    try:
        # A window of chunks at a time: ordered_map takes its items as a list. The next
        # window is read while the workers tokenise this one (reading waits for the
        # writer's turns with the connection), so this process holds two windows' text.
        window = list(islice(chunks, REBUILD_WINDOW))
        while window:
            documents = parallel.ordered_map(tokenise_chunk, no_context, (),
                                             [text for _, text in window], workers=workers)
            following: list = []
            try:
                for n, ((cases, _), joined) in enumerate(zip(window, documents, strict=True)):
                    yield cases, joined
                    if n == 0:
                        following = list(islice(chunks, REBUILD_WINDOW))
            finally:
                documents.close()  # a cancel or a failure stops the workers' chunks
            window = following
    finally:
        chunks.close()


_END = object()


@contextmanager
def _made_in_thread(items: Generator[T, None, None], ahead: int) -> Iterator[Iterator[T]]:
    """``items``, made by a thread of their own up to ``ahead`` before they are taken.
    Leaving the block stops the thread and closes ``items`` (in that thread)."""
    made: queue.Queue = queue.Queue(ahead)
    stop = threading.Event()

    def hand_over(item: object, error: BaseException | None = None) -> bool:
        while not stop.is_set():
            try:
                made.put((item, error), timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def make() -> None:
        try:
            for item in items:
                if not hand_over(item):
                    return
            hand_over(_END)
        except BaseException as error:  # raised again where the items are taken
            hand_over(_END, error)
        finally:
            items.close()

    def taken() -> Iterator[T]:
        while True:
            item, error = made.get()
            if error is not None:
                raise error
            if item is _END:
                return
            yield item

    thread = threading.Thread(target=make, name="search-index-reader", daemon=True)
    thread.start()
    try:
        yield taken()
    finally:
        stop.set()
        thread.join()


class RebuildCancelled(Exception):
    """The rebuild was stopped (``cancelled()`` said so); the index is as it was."""


def rebuild_search_index(store: Store, progress: Callable[[int, int], None] | None = None,
                         cancelled: Callable[[], bool] | None = None, *,
                         workers: int | None = None) -> int:
    """Remake the whole index in one transaction; the latest stored cases get the highest
    keys (search shows the highest first). Returns the number of cases indexed.

    Worker processes tokenise (pure Python, most of the work) while this process reads
    the cases and writes their documents. ``progress(done, total)`` after each chunk;
    ``cancelled()`` is asked after each chunk and, when it says so, the transaction is
    rolled back and ``RebuildCancelled`` raised. ``workers``: as ``ordered_map``'s (None:
    one per core; 1: everything in this process)."""
    # Two threads use the connection, one at a time (_rebuild's lock).
    con = store.connect_raw(isolation_level=None, check_same_thread=False)
    try:
        con.execute("PRAGMA busy_timeout=5000")
        if con.execute("SELECT coalesce(max(rowid), 0) FROM cases").fetchone()[0] \
                < 3 * REBUILD_CHUNK:
            workers = 1  # a chunk or two: not worth starting processes for
        parallel.start_workers(load_tokeniser, workers=workers)  # they load as we prepare
        # The old index holds the cases' own text, which stays in the file, and the new
        # one takes over its pages at once: zeroing them first (secure_delete, which
        # many builds turn on) would write the old index again (dropping a 1M index:
        # 5 s instead of 0.4).
        con.execute("PRAGMA secure_delete=FAST")
        con.execute("BEGIN IMMEDIATE")
        try:
            total = _rebuild(con, progress, cancelled, workers)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        con.close()
    return total


def _fts_setting(con: sqlite3.Connection, name: str, value: int) -> None:
    con.execute("INSERT INTO case_search (case_search, rank) VALUES (?, ?)", (name, value))


def _rebuild(con: sqlite3.Connection, progress: Callable[[int, int], None] | None,
             cancelled: Callable[[], bool] | None, workers: int | None) -> int:
    # Dropping the table frees its pages at once; deleting its rows would un-index each.
    con.execute("DROP TABLE case_search")
    con.execute(SEARCH_TABLE_DDL)
    # No merging while loading, and segments as large as the buffer: the index is merged
    # once, at the end.
    _fts_setting(con, "automerge", 0)
    _fts_setting(con, "hashsize", REBUILD_HASH_BYTES)
    # Reading and tokenising go on in a thread of their own (the workers' chunks come
    # and go through it) while this one writes: no window's end leaves the workers idle.
    # The DROP above needs no statement running: it comes first.
    lock = threading.Lock()
    with heap.quiet_collector(), \
            _made_in_thread(_tokenised(con, lock, workers), REBUILD_AHEAD) as documents:
        with lock:
            con.execute("DELETE FROM case_search_keys")
            # Keys in the order the cases were stored (for a store filled by sync or the
            # demo loader, the order they arrived), so the table is read front to back
            # once instead of looked up a million times; keys 1, 2, 3 … in that order
            # (search_key is the rowid: an empty table's first is 1, each next one more).
            con.execute("""INSERT INTO case_search_keys (case_id)
                           SELECT id FROM cases WHERE deleted = false ORDER BY rowid""")
            total = con.execute("SELECT count(*) FROM case_search_keys").fetchone()[0]
        done = 0
        for cases, joined in documents:
            fields = joined.split(FIELD)
            with lock:
                con.executemany("INSERT INTO case_search (rowid, names, body) VALUES (?, ?, ?)",
                                zip(range(done + 1, done + cases + 1), fields[0::2],
                                    fields[1::2], strict=True))
            done += cases
            if progress:
                progress(done, total)
            if cancelled is not None and cancelled():
                raise RebuildCancelled()
    _fts_setting(con, "automerge", FTS_AUTOMERGE_DEFAULT)
    _fts_setting(con, "hashsize", FTS_HASHSIZE_DEFAULT)
    con.execute("INSERT INTO case_search (case_search) VALUES ('optimize')")
    return total


# ---------------------------------------------------------------- finding


@dataclass(frozen=True)
class SearchHits:
    """Matching live cases, newest first, at most ``SEARCH_LIMIT``; ``more``: there
    were more matches than that."""

    case_ids: tuple[uuid.UUID, ...]
    more: bool


def _number_lookups(session: Session, numbers: Iterable[str], tickets: Iterable[str],
                    limit: int) -> list[set[str]]:
    """One set of case ids (hex) per number or ticket term."""
    found = []
    for number in numbers:
        hits: set[str] = set()
        params = {"n": number, "limit": limit}
        queries = ["SELECT id FROM cases WHERE complainant_phone = :n LIMIT :limit",
                   "SELECT id FROM cases WHERE source_ticket = :n LIMIT :limit",
                   "SELECT case_id FROM parties WHERE id_number = :n LIMIT :limit"]
        if len(number) == 4:
            queries.append("SELECT id FROM cases WHERE complainant_phone_tail = :n "
                           "ORDER BY received_at DESC LIMIT :limit")
        if len(number) >= 6:  # the beginning of a ticket number
            queries.append("SELECT id FROM cases WHERE source_ticket >= :n "
                           "AND source_ticket < :n || '~' LIMIT :limit")
        for sql in queries:
            hits.update(row[0] for row in session.execute(text(sql), params))
        found.append(hits)
    for ticket in tickets:
        rows = session.execute(text("SELECT id FROM cases WHERE source_ticket >= :t "
                                    "AND source_ticket < :t || '~' LIMIT :limit"),
                               {"t": ticket, "limit": limit})
        found.append({row[0] for row in rows})
    return found


def _text_lookup(session: Session, plan: SearchPlan, limit: int,
                 limit_shown: int) -> list[str]:
    """Case ids (hex) whose text matches, newest first."""
    rows = session.execute(text("""
        SELECT k.case_id FROM case_search s JOIN case_search_keys k ON k.search_key = s.rowid
        WHERE case_search MATCH :match ORDER BY s.rowid DESC LIMIT :limit"""),
        {"match": plan.match, "limit": limit})
    ids = [row[0] for row in rows]
    if plan.needles and ids:
        # Bigrams in any order can match without the phrase: check the text itself,
        # newest first, and stop once enough are confirmed.
        haystack = ("(complainant_name || ' ' || respondent_name || ' ' || title || ' ' "
                    "|| description || ' ' || request)")
        conditions = " AND ".join(f"instr({haystack}, :needle{n}) > 0"
                                  for n in range(len(plan.needles)))
        needles = {f"needle{n}": v for n, v in enumerate(plan.needles)}
        confirmed: list[str] = []
        for start in range(0, len(ids), VERIFY_BATCH):
            chunk = ids[start : start + VERIFY_BATCH]
            marks = ",".join(f":i{n}" for n in range(len(chunk)))
            params = {f"i{n}": v for n, v in enumerate(chunk)} | needles
            good = {row[0] for row in session.execute(
                text(f"SELECT id FROM cases WHERE id IN ({marks}) AND {conditions}"), params)}
            confirmed.extend(i for i in chunk if i in good)
            if len(confirmed) > limit_shown:
                break
        ids = confirmed
    return ids


def find_cases(session: Session, query: str, limit: int = SEARCH_LIMIT) -> SearchHits:
    """Cases matching every term of ``query``."""
    plan = plan_search(query)
    if plan.is_empty:
        return SearchHits((), False)
    # Ask for more than shown: number lookups and the phrase check thin the list.
    wide = limit * 4 + 1
    candidate_sets = _number_lookups(session, plan.numbers, plan.tickets, wide)
    ordered: list[str] | None = None
    if plan.match:
        ordered = _text_lookup(session, plan, wide, limit if not candidate_sets else wide)
    for hits in candidate_sets:
        ordered = [i for i in ordered if i in hits] if ordered is not None else sorted(hits)
    ids = ordered or []
    if not plan.match and ids:
        # Newest first for number lookups too, and tombstones out.
        marks = ",".join(f":i{n}" for n in range(len(ids)))
        rows = session.execute(text(f"""SELECT id FROM cases WHERE id IN ({marks})
            AND deleted = false ORDER BY received_at DESC"""),
            {f"i{n}": v for n, v in enumerate(ids)})
        ids = [row[0] for row in rows]
    return SearchHits(tuple(uuid.UUID(hex=i) for i in ids[:limit]), len(ids) > limit)
