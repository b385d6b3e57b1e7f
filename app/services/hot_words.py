"""Hot words (热词, issue 15 item 2): the words most cases of a period share, beside the
period before, for me, a mediator or an office, counted in SQL over an incremental index.

The index (``case_word_docs`` + ``case_words``, app/store/models/hot_words.py) is derived
and local, like the search index:

- kept current where cases are written: intake and edits of title/description/request
  call ``index_case_words`` in their transaction; rows a sync pulls in (and an import,
  which writes cases the same way) call ``index_cases``;
- ``catch_up`` segments only the cases that have no entry yet (or one made with another
  word list), in batches each committed on its own, so it can stop and resume anywhere:
  what a store upgraded from before the index runs in the background;
- ``hot_words`` never segments anything: one GROUP BY over the period's index range.

The same tables and queries serve the central database (SQLite or PostgreSQL), where the
administrator's catch-up fills them for a district's figures (README "Hot words").
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import (
    Connection,
    Engine,
    Select,
    Uuid,
    bindparam,
    case,
    delete,
    func,
    literal_column,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from app.core.hot_words import Segmenter, default_segmenter
from app.core.timeutil import china_date
from app.store.database import Store
from app.store.models import Case, CaseWord, CaseWordDoc

CATCH_UP_BATCH = 5_000
# A change to one of these re-segments the case.
SEGMENTED_FIELDS = frozenset({"title", "description", "request"})
_IN_CHUNK = 500  # ids per IN (...) list


# ---------------------------------------------------------------- what is asked


@dataclass(frozen=True)
class HotWordScope:
    """Whose cases: one mediator's, some offices', or every case the database holds
    (on a workstation: its office's; centrally: the district's)."""

    mediator_id: uuid.UUID | None = None
    office_ids: frozenset[uuid.UUID] | None = None

    @classmethod
    def me(cls, ws: Any) -> HotWordScope:
        return cls(mediator_id=ws.actor.mediator_id)

    @classmethod
    def mediator(cls, mediator_id: uuid.UUID) -> HotWordScope:
        return cls(mediator_id=mediator_id)

    @classmethod
    def office(cls, *office_ids: uuid.UUID) -> HotWordScope:
        return cls(office_ids=frozenset(office_ids))

    @classmethod
    def everything(cls) -> HotWordScope:
        return cls()

    @property
    def narrowed(self) -> bool:
        return self.mediator_id is not None or self.office_ids is not None


EVERYTHING = HotWordScope()


class HotWord(NamedTuple):
    word: str
    cases: int  # cases received in the period whose text has the word
    previous: int  # the same in the period of equal length just before


def previous_period(first: date, last: date) -> tuple[date, date]:
    """The days just before ``first``, as many as ``first``..``last``."""
    days = (last - first).days + 1
    return first - timedelta(days=days), first - timedelta(days=1)


# ---------------------------------------------------------------- the query


def _scoped_docs(scope: HotWordScope, low: int, high: int) -> Select:
    docs = CaseWordDoc.__table__
    cases = Case.__table__
    query = (select(docs.c.doc).join(cases, cases.c.id == docs.c.case_id)
             .where(docs.c.day.between(low, high)))
    if scope.mediator_id is not None:
        query = query.where(cases.c.mediator_id == scope.mediator_id)
    if scope.office_ids is not None:
        query = query.where(cases.c.office_id.in_(sorted(scope.office_ids)))
    return query


def hot_words_query(first: date, last: date, scope: HotWordScope = EVERYTHING,
                    limit: int = 50) -> Select:
    """(word, cases, previous) for cases received ``first``..``last`` (China days,
    inclusive), most cases first; ``previous``: the period of equal length before."""
    words = CaseWord.__table__
    before_first, _ = previous_period(first, last)
    low, start, high = before_first.toordinal(), first.toordinal(), last.toordinal()
    current = func.sum(case((words.c.day >= start, 1), else_=0))
    previous = func.sum(case((words.c.day < start, 1), else_=0))
    query = (select(words.c.word, current.label("cases"), previous.label("previous"))
             .where(words.c.day.between(low, high)))
    if scope.narrowed:
        query = query.where(words.c.doc.in_(_scoped_docs(scope, low, high)))
    return (query.group_by(words.c.word)
            .having(current > 0)
            .order_by(literal_column("cases").desc(), words.c.word)
            .limit(limit))


def cases_with_word_query(word: str, first: date, last: date,
                          scope: HotWordScope = EVERYTHING) -> Select:
    """The ids of the cases received ``first``..``last`` whose text has ``word``: the
    cases behind a hot word, for the queue (``Case.id.in_(this)``)."""
    words = CaseWord.__table__
    docs = CaseWordDoc.__table__
    low, high = first.toordinal(), last.toordinal()
    doc_keys = (select(words.c.doc)
                .where(words.c.day.between(low, high), words.c.word == word))
    query = select(docs.c.case_id).where(docs.c.doc.in_(doc_keys))
    if scope.narrowed:
        query = query.where(docs.c.doc.in_(_scoped_docs(scope, low, high)))
    return query


@contextmanager
def _reading(source: Any) -> Iterator[Connection | Session]:
    """A connection from a Workstation, Store, Engine, Session or Connection."""
    if isinstance(source, Connection | Session):
        yield source
        return
    store = getattr(source, "store", source)
    engine: Engine = store.engine if isinstance(store, Store) else store
    with engine.connect() as conn:
        yield conn


def hot_words(source: Any, first: date, last: date,
              scope: HotWordScope = EVERYTHING, limit: int = 50) -> list[HotWord]:
    """The ``limit`` words most cases received ``first``..``last`` share, with their
    count in the period before. ``source``: a Workstation, Store, Engine, Session or
    Connection (the local store, or the central database for a district)."""
    with _reading(source) as conn:
        rows = conn.execute(hot_words_query(first, last, scope, limit))
        return [HotWord(word, int(cases or 0), int(previous or 0))
                for word, cases, previous in rows]


def cases_with_word(source: Any, word: str, first: date, last: date,
                    scope: HotWordScope = EVERYTHING) -> list[uuid.UUID]:
    with _reading(source) as conn:
        return [row[0] for row in conn.execute(
            cases_with_word_query(word, first, last, scope))]


# ---------------------------------------------------------------- keeping it current


_INSERT_DOC = text(
    "INSERT INTO case_word_docs (doc, case_id, day, lexicon) "
    "SELECT coalesce(max(doc), 0) + 1, :case_id, :day, :lexicon FROM case_word_docs"
).bindparams(bindparam("case_id", type_=Uuid()))


def _text_columns() -> tuple:
    """What ``_write`` takes of a case, in its order."""
    t = Case.__table__
    return (t.c.id, t.c.received_at, t.c.title, t.c.description, t.c.request,
            t.c.complainant_name, t.c.respondent_name)


def _write(conn: Connection | Session, cases: Sequence[tuple], segmenter: Segmenter,
           existing: dict[uuid.UUID, int | None] | None = None) -> int:
    """(Re)index these cases (rows of ``_text_columns``). ``existing``: their doc keys
    where known (None: look them up). Returns the number of words written."""
    docs = CaseWordDoc.__table__
    ids = [c[0] for c in cases]
    if existing is None:
        existing = {}
        for start in range(0, len(ids), _IN_CHUNK):
            existing.update((row[0], row[1]) for row in conn.execute(
                select(docs.c.case_id, docs.c.doc)
                .where(docs.c.case_id.in_(ids[start:start + _IN_CHUNK]))))
    # Cut first, outside the write lock; then write.
    cut = [(case_id, *case_cut(segmenter, *rest)) for case_id, *rest in cases]
    return store_cut(conn, cut, segmenter.fingerprint, existing)


def case_cut(segmenter: Segmenter, received_at: datetime, title: str | None,
             description: str | None, request: str | None, complainant: str,
             respondent: str) -> tuple[int, Sequence[str]]:
    """A case's (day, words): what the index keeps of it (an import's worker processes
    cut its cases; ``store_cut`` writes them)."""
    return (china_date(received_at).toordinal(), segmenter.case_words(
        title or "", description or "", request or "", (complainant, respondent)))


def store_cut(conn: Connection | Session, cut: Sequence[tuple[uuid.UUID, int, Sequence[str]]],
              fingerprint: str, existing: dict[uuid.UUID, int | None]) -> int:
    """Write cases' (id, day, words) as cut with the word lists of ``fingerprint``;
    ``existing``: their doc keys (None: not indexed yet). Returns the words written."""
    docs = CaseWordDoc.__table__
    words = CaseWord.__table__
    known = [doc for doc in existing.values() if doc is not None]
    for start in range(0, len(known), _IN_CHUNK):
        conn.execute(delete(words).where(words.c.doc.in_(known[start:start + _IN_CHUNK])))
    changed = [{"d": existing[case_id], "day": day, "lexicon": fingerprint}
               for case_id, day, _ in cut if existing.get(case_id) is not None]
    if changed:
        conn.execute(update(docs).where(docs.c.doc == bindparam("d"))
                     .values(day=bindparam("day"), lexicon=bindparam("lexicon")), changed)
    new = [case_id for case_id, _, _ in cut if existing.get(case_id) is None]
    if new:
        days = {case_id: day for case_id, day, _ in cut}
        # Each key is handed out by the INSERT itself, under the write lock it holds: a
        # writer beside this one (an intake while the catch-up runs) never gets the same.
        conn.execute(_INSERT_DOC, [{"case_id": case_id, "day": days[case_id],
                                    "lexicon": fingerprint} for case_id in new])
        for start in range(0, len(new), _IN_CHUNK):
            existing.update((row[0], row[1]) for row in conn.execute(
                select(docs.c.case_id, docs.c.doc)
                .where(docs.c.case_id.in_(new[start:start + _IN_CHUNK]))))
    rows = [(existing[case_id], word, day) for case_id, day, found in cut for word in found]
    if rows:
        bind = conn.get_bind() if isinstance(conn, Session) else conn
        if bind.dialect.name == "sqlite":
            # The driver's executemany: the catch-up writes tens of millions of rows, and
            # SQLAlchemy's per-row parameter handling would be most of its time.
            connection = conn.connection() if isinstance(conn, Session) else conn
            connection.exec_driver_sql(
                "INSERT INTO case_words (doc, word, day) VALUES (?, ?, ?)", rows)
        elif bind.dialect.name == "postgresql":
            # COPY in the same transaction: the central catch-up of a district's millions.
            connection = conn.connection() if isinstance(conn, Session) else conn
            with connection.connection.cursor() as cursor, cursor.copy(
                    "COPY case_words (doc, word, day) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            conn.execute(words.insert(), [{"doc": d, "word": w, "day": day}
                                          for d, w, day in rows])
    return len(rows)


def store_new_cut(raw: Any, cut: Sequence[tuple[str, int, Sequence[str]]],
                  fingerprint: str) -> None:
    """``store_cut`` for cases new to the index (``cut``: each case's id as 32 hex
    digits, day and words), on a SQLite driver connection whose
    transaction has written already (an import's): it holds the write lock, so the doc
    keys after the highest one stay its own until it commits."""
    if not cut:
        return
    first = raw.execute("SELECT coalesce(max(doc), 0) + 1 FROM case_word_docs").fetchone()[0]
    raw.executemany("INSERT INTO case_word_docs (doc, case_id, day, lexicon) VALUES (?, ?, ?, ?)",
                    [(first + i, case_hex, day, fingerprint)
                     for i, (case_hex, day, _) in enumerate(cut)])
    raw.executemany("INSERT INTO case_words (doc, word, day) VALUES (?, ?, ?)",
                    [(first + i, word, day) for i, (_, day, found) in enumerate(cut)
                     for word in found])


def _forget(conn: Connection | Session, ids: Sequence[uuid.UUID]) -> None:
    docs = CaseWordDoc.__table__
    words = CaseWord.__table__
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = list(ids[start:start + _IN_CHUNK])
        conn.execute(delete(words).where(words.c.doc.in_(
            select(docs.c.doc).where(docs.c.case_id.in_(chunk)))))
        conn.execute(delete(docs).where(docs.c.case_id.in_(chunk)))


def index_case_words(session: Session, case: Case,
                     segmenter: Segmenter | None = None) -> None:
    """Bring one case's words up to date; call in the transaction that wrote it (intake,
    an edit of its title, description or request). A tombstone has no words."""
    session.flush()
    if case.deleted:
        _forget(session, [case.id])
        return
    _write(session, [(case.id, case.received_at, case.title, case.description,
                      case.request, case.complainant_name, case.respondent_name)],
           segmenter or default_segmenter())


def index_cases(conn: Connection | Session, ids: Iterable[uuid.UUID],
                segmenter: Segmenter | None = None) -> None:
    """(Re)index the cases with these ids as they are stored now: rows a sync pulled in
    or an import wrote. Tombstones and ids no longer stored lose their words."""
    ids = list(ids)
    segmenter = segmenter or default_segmenter()
    t = Case.__table__
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start:start + _IN_CHUNK]
        live = [tuple(row) for row in conn.execute(
            select(*_text_columns()).where(t.c.id.in_(chunk), t.c.deleted.is_(False)))]
        gone = set(chunk) - {row[0] for row in live}
        if gone:
            _forget(conn, sorted(gone))
        if live:
            _write(conn, live, segmenter)


def forget_cases(conn: Connection | Session, ids: Sequence[uuid.UUID]) -> None:
    """Take cases out of the index (they left this workstation's office)."""
    _forget(conn, ids)


# ---------------------------------------------------------------- catching up


@dataclass(frozen=True)
class IndexState:
    indexed: int  # live cases segmented with the current word lists
    cases: int  # live cases

    @property
    def complete(self) -> bool:
        return self.indexed >= self.cases


def index_state(source: Any, segmenter: Segmenter | None = None) -> IndexState:
    fingerprint = (segmenter or default_segmenter()).fingerprint
    with _reading(source) as conn:
        indexed = conn.execute(select(func.count()).select_from(CaseWordDoc)
                               .where(CaseWordDoc.lexicon == fingerprint)).scalar_one()
        cases = conn.execute(select(func.count()).select_from(Case)
                             .where(Case.deleted.is_(False))).scalar_one()
    return IndexState(int(indexed), int(cases))


@dataclass(frozen=True)
class CatchUp:
    cases: int  # cases segmented by this run
    words: int  # word rows written
    complete: bool  # False: cancelled before the end


def catch_up(source: Store | Engine, *, progress: Callable[[int, int], None] | None = None,
             cancelled: Callable[[], bool] | None = None, batch: int = CATCH_UP_BATCH,
             segmenter: Segmenter | None = None) -> CatchUp:
    """Segment the live cases not yet in the index (or cut with other word lists), in
    batches of ``batch`` each committed on its own: stopping loses at most one batch's
    work and the next run resumes where this one stopped. Tombstones that still have
    words lose them. ``progress(done, total)``; ``cancelled()`` is asked between batches.
    """
    segmenter = segmenter or default_segmenter()
    engine: Engine = source.engine if isinstance(source, Store) else source
    fingerprint = segmenter.fingerprint
    t = Case.__table__
    docs = CaseWordDoc.__table__
    with engine.begin() as conn:
        stale = [row[0] for row in conn.execute(
            select(docs.c.case_id).join(t, t.c.id == docs.c.case_id).where(t.c.deleted))]
        _forget(conn, stale)
    state = index_state(engine, segmenter)
    total = max(state.cases - state.indexed, 0)
    done = words = 0
    if progress:
        progress(0, total)
    # Walk the cases in storage order (SQLite: rowid, the table read front to back; else
    # the key), remembering where the last batch ended instead of re-reading the start.
    key = literal_column("cases.rowid") if engine.dialect.name == "sqlite" else t.c.id
    after: Any = None
    while True:
        if cancelled and cancelled():
            return CatchUp(done, words, False)
        query = (select(key.label("k"), *_text_columns(), docs.c.doc)
                 .select_from(t.outerjoin(docs, docs.c.case_id == t.c.id))
                 .where(t.c.deleted.is_(False),
                        (docs.c.doc.is_(None)) | (docs.c.lexicon != fingerprint))
                 .order_by(key).limit(batch))
        if after is not None:
            query = query.where(key > after)
        with engine.begin() as conn:
            rows = conn.execute(query).all()
            if not rows:
                break
            after = rows[-1][0]
            words += _write(conn, [tuple(r[1:-1]) for r in rows], segmenter,
                            existing={r[1]: r[-1] for r in rows})
        done += len(rows)
        if progress:
            progress(min(done, total) if total else done, max(total, done))
    return CatchUp(done, words, True)
