"""The store's own hash chain over its audit trail (issue 11, tamper evidence).

Every audit row written into the store gets the next ``chain_seq`` and a ``chain_hash``
= SHA-256 of the previous row's hash, its own position and its content, in the form
the store holds it (ids as 32 hex digits, times as SQLAlchemy's text, changes as the
JSON text stored). An edit of a row, a deleted row or two rows swapped breaks the chain
at that row; a deleted last row shows against the head kept in local_meta.

What the hash covers is what this store wrote or first received, and the actor the
central database stamps (it is the login, which is this workstation's own actor for
its rows); never the server's time, which comes later: the time is taken as the
workstation gave it (``client_at`` once the server has stamped its own beside it, ``at``
before), and so is the actor it claimed (``client_actor``, else ``actor``). So the
central stamping and pulls never break a valid chain; the server's time of a row is
held to the central copy instead (app/sync/audit_check.py) and to the office's chain.

Rows are chained by the store's writers themselves (ORM sessions through ``install``,
sync writes, bulk loads) in the transaction that writes them; a row that arrives any
other way (plain sqlite3) stays outside the chain and is named by ``verify``.

A chain without a secret is evidence against edits made without this program's help,
not against someone who recomputes it: the central copy is the anchor for that.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

GENESIS = "0" * 64
HEAD_KEY = "audit.chain_head"  # local_meta: "seq:hash" of the last row chained
_CONTENT = ("id, office_id, case_id, entity, entity_id, action, changes, reason, deleted, "
            "actor, coalesce(client_actor, actor), coalesce(client_at, at)")
_PAGE = 20000
CHAIN_INDEX = "ix_audit_events_chain"  # (chain_seq): what ``head`` reads


def _field(value: Any) -> str:
    if value is None:
        return "~"
    text = str(value)
    return f"{len(text)}:{text}"  # length-prefixed: no separator can be forged


def link(prev: str, seq: int, content: Iterable[Any]) -> str:
    """The hash of a row at position seq after a row whose hash was prev."""
    return link_body(prev, seq, "|".join(_field(v) for v in content))


def link_body(prev: str, seq: int, body: str) -> str:
    return hashlib.sha256(f"{prev}\n{seq}\n{body}".encode()).hexdigest()


def body_sql(*expressions: str) -> str:
    """SQL that builds the body ``link`` hashes from these column expressions (the
    content in _CONTENT's order): the same length-prefixed text, made by SQLite."""
    fields = [f"CASE WHEN {e} IS NULL THEN '~' ELSE length({e}) || ':' || {e} END"
              for e in expressions]
    return " || '|' || ".join(fields)


def head(raw: sqlite3.Connection) -> tuple[int, str]:
    row = raw.execute("SELECT chain_seq, chain_hash FROM audit_events "
                      "WHERE chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1").fetchone()
    return (int(row[0]), row[1]) if row else (0, GENESIS)


def _append(raw: sqlite3.Connection, rows: list[tuple]) -> int:
    """rows: (rowid, *content) in the order they join the chain."""
    if not rows:
        return 0
    seq, prev = head(raw)
    updates = []
    for row in rows:
        seq += 1
        prev = link(prev, seq, row[1:])
        updates.append((seq, prev, row[0]))
    raw.executemany("UPDATE audit_events SET chain_seq = ?, chain_hash = ? WHERE rowid = ?",
                    updates)
    _move_head(raw, seq, prev)
    return len(rows)


def _move_head(raw: sqlite3.Connection, seq: int, prev: str) -> None:
    raw.execute("INSERT INTO local_meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (HEAD_KEY, f"{seq}:{prev}"))


# The columns of _CONTENT, in its order; a pair is coalesce(first, second).
_CONTENT_COLUMNS: tuple[str | tuple[str, str], ...] = (
    "id", "office_id", "case_id", "entity", "entity_id", "action", "changes", "reason",
    "deleted", "actor", ("client_actor", "actor"), ("client_at", "at"))


def stored_body(columns: Sequence[str], row: Sequence[Any]) -> str:
    """What ``link`` hashes of an audit row given in storage form (a list of
    ``columns``' values, as the driver takes them), as the store will give it back: a
    boolean is an integer in SQLite. Needs nothing of the chain, so a worker process
    makes it beside the row."""
    parts = []
    for first, second in _content_at(tuple(columns)):
        value = row[first]
        if value is None:
            value = row[second]
        if value.__class__ is str:  # most are: the rest as _field writes them
            parts.append(f"{len(value)}:{value}")
        else:
            parts.append(_field(int(value) if isinstance(value, bool) else value))
    return "|".join(parts)


@cache
def _content_at(columns: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    at = {name: i for i, name in enumerate(columns)}
    return tuple((at[c], at[c]) if isinstance(c, str) else (at[c[0]], at[c[1]])
                 for c in _CONTENT_COLUMNS)


def insert_chained(raw: sqlite3.Connection, columns: Sequence[str], rows: list[list],
                   bodies: Sequence[str] | None = None) -> None:
    """Insert new audit rows given in storage form, linked into the chain on their way
    in: the hash each would get from ``extend`` once written, without writing every row
    twice. ``bodies``: each row's ``stored_body`` where already made."""
    if not rows:
        return
    if bodies is None:
        bodies = [stored_body(columns, row) for row in rows]
    seq_at, hash_at = columns.index("chain_seq"), columns.index("chain_hash")
    seq, prev = head(raw)
    for row, body in zip(rows, bodies, strict=True):
        seq += 1
        prev = link_body(prev, seq, body)
        row[seq_at], row[hash_at] = seq, prev
    marks = ", ".join("?" for _ in columns)
    names = ", ".join(f'"{c}"' for c in columns)
    raw.executemany(f"INSERT INTO audit_events ({names}) VALUES ({marks})", rows)
    _move_head(raw, seq, prev)


def extend(raw: sqlite3.Connection, ids: Iterable[str] | None = None) -> int:
    """Chain the rows with these ids (32 hex digits) that are not chained yet, in the
    order they were written; with ids None, every row not chained yet (a migration).
    Returns how many rows joined the chain."""
    if ids is None:
        done, last = 0, 0
        while True:
            # NOT INDEXED: a rowid range, not a sort of every unchained row per page.
            rows = raw.execute(
                f"SELECT rowid, {_CONTENT} FROM audit_events NOT INDEXED "
                f"WHERE rowid > ? AND chain_seq IS NULL ORDER BY rowid LIMIT {_PAGE}",
                (last,)).fetchall()
            if not rows:
                return done
            done += _append(raw, rows)
            last = rows[-1][0]
    wanted = list(dict.fromkeys(ids))
    found: list[tuple] = []
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        marks = ", ".join("?" for _ in chunk)
        found += raw.execute(f"SELECT rowid, {_CONTENT} FROM audit_events "
                             f"WHERE id IN ({marks}) AND chain_seq IS NULL", chunk).fetchall()
    found.sort(key=lambda r: r[0])
    return _append(raw, found)


def insert_new(raw: sqlite3.Connection, columns: Sequence[str],
               rows: Sequence[Sequence[Any]], *, with_bodies: bool = False) -> set[str]:
    """Insert audit rows given in storage form (as a first sync reads them), each linked
    into the chain on its way in; rows the store holds already are left as they are.
    ``with_bodies``: each row ends with its ``stored_body``, made by the central
    database beside the row (``body_pg_sql``). Returns the ids (hex) of the rows the
    store held already."""
    if not rows:
        return set()
    width = len(columns)
    key = columns.index("id")
    held = existing_ids(raw, [r[key] for r in rows])
    seen = set(held)
    seq, prev = head(raw)
    linked = []
    for r in rows:
        if r[key] in seen:
            continue
        seen.add(r[key])
        values = r[:width]
        seq += 1
        prev = link_body(prev, seq, r[width] if with_bodies else stored_body(columns, values))
        linked.append((*values, seq, prev))
    if linked:
        names = ", ".join(f'"{c}"' for c in (*columns, "chain_seq", "chain_hash"))
        marks = ", ".join("?" for _ in range(width + 2))
        raw.executemany(f"INSERT INTO audit_events ({names}) VALUES ({marks})", linked)
        _move_head(raw, seq, prev)
    return held


def existing_ids(raw: sqlite3.Connection, ids: Sequence[str]) -> set[str]:
    """Which of these audit row ids (hex) the store holds. A first sync's page of
    thousands, read in id order, is one range of the id index (it holds only rows the
    store had before, usually none); a pull's few, spread over the years, are looked up."""
    if not ids:
        return set()
    if len(ids) > 1000:
        return {i for (i,) in raw.execute(
            "SELECT id FROM audit_events WHERE id BETWEEN ? AND ?", (min(ids), max(ids)))}
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        found.update(i for (i,) in raw.execute(
            f"SELECT id FROM audit_events WHERE id IN ({', '.join('?' for _ in chunk)})", chunk))
    return found


def body_pg_sql(expressions: Mapping[str, str]) -> str:
    """PostgreSQL that makes ``stored_body`` of a row from its columns' expressions in
    storage form (text as SQLite will hold it): the server makes the bodies of a first
    sync's audit rows while the workstation writes. length() counts characters there as
    len() does here."""
    fields = []
    for c in _CONTENT_COLUMNS:
        e = (f"({expressions[c]})::text" if isinstance(c, str) else
             f"coalesce(({expressions[c[0]]})::text, ({expressions[c[1]]})::text)")
        fields.append(f"CASE WHEN {e} IS NULL THEN '~' ELSE length({e}) || ':' || {e} END")
    return " || '|' || ".join(fields)


class Linker:
    """Chain rows as an INSERT ... SELECT writes them, through two SQL functions: a
    bulk load links each row on its way in instead of rewriting it afterwards.

        INSERT INTO audit_events (..., chain_seq, chain_hash)
        SELECT ..., md_chain_seq(CAST((<body_sql of the content>) AS BLOB)),
               md_chain_hash() FROM ...

    SQLite builds each body (cheap, in C) and computes a row's result columns in order,
    so md_chain_hash() answers for the row md_chain_seq() just linked; a chain built
    wrongly would not verify. The body arrives as its UTF-8 bytes (the CAST): the hash
    is link_body's, without decoding it to str and encoding it back (half the time of
    a 5-million-row demo chain)."""

    def __init__(self, raw: sqlite3.Connection) -> None:
        self.raw = raw
        self.seq, prev = head(raw)
        self.prev = prev.encode()
        raw.create_function("md_chain_seq", 1, self._next)
        raw.create_function("md_chain_hash", 0, lambda: self.prev.decode())

    def _next(self, body: bytes) -> int:
        self.seq += 1
        self.prev = hashlib.sha256(b"%s\n%d\n%s" % (self.prev, self.seq, body)
                                   ).hexdigest().encode()
        return self.seq

    def close(self) -> None:
        if self.seq:
            self.raw.execute("INSERT INTO local_meta (key, value) VALUES (?, ?) "
                             "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                             (HEAD_KEY, f"{self.seq}:{self.prev.decode()}"))
        self.raw.create_function("md_chain_seq", 1, None)
        self.raw.create_function("md_chain_hash", 0, None)


# ---------------------------------------------------------------- verification


class Problem(StrEnum):
    CHANGED = "changed"  # content, actor or time differ from what was chained
    MISSING = "missing"  # positions absent: rows deleted
    OUT_OF_CHAIN = "out_of_chain"  # a row written past the program (plain sqlite3)
    TRUNCATED = "truncated"  # the last rows are gone (the head says there were more)


@dataclass(frozen=True)
class Break:
    problem: Problem
    seq: int | None  # position in the chain (the first missing one for MISSING)
    row_id: str | None  # 32 hex digits
    at: str | None  # the row's time as stored (UTC)
    detail: str = ""


@dataclass(frozen=True)
class ChainReport:
    rows: int  # rows checked
    head_seq: int
    broken: Break | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def verify(raw: sqlite3.Connection, *, progress: Callable[[int], None] | None = None,
           cancelled: Callable[[], bool] | None = None, page: int = _PAGE) -> ChainReport:
    """Walk the chain from its start, ``page`` rows a query (progress is called after
    each); the first broken link, if any."""
    expected, prev, checked = 1, GENESIS, 0
    last = 0
    while True:
        rows = raw.execute(
            f"SELECT chain_seq, chain_hash, {_CONTENT}, at FROM audit_events "
            f"WHERE chain_seq > ? ORDER BY chain_seq LIMIT {int(page)}", (last,)).fetchall()
        if not rows:
            break
        for row in rows:
            seq, stored, content, at = row[0], row[1], row[2:-1], row[-1]
            if seq != expected:
                return ChainReport(checked, expected - 1, Break(
                    Problem.MISSING, expected, row[2], at,
                    f"rows {expected}–{seq - 1} are missing before this one"
                    if seq > expected + 1 else f"row {expected} is missing before this one"))
            if link(prev, seq, content) != stored:
                return ChainReport(checked, seq - 1, Break(Problem.CHANGED, seq, row[2], at))
            prev, expected = stored, seq + 1
            checked += 1
        last = rows[-1][0]
        if progress:
            progress(checked)
        if cancelled and cancelled():
            return ChainReport(checked, expected - 1, None)
    outside = raw.execute("SELECT id, at FROM audit_events WHERE chain_seq IS NULL "
                          "ORDER BY rowid LIMIT 1").fetchone()
    if outside is not None:
        return ChainReport(checked, expected - 1, Break(Problem.OUT_OF_CHAIN, None,
                                                        outside[0], outside[1]))
    recorded = raw.execute("SELECT value FROM local_meta WHERE key = ?", (HEAD_KEY,)).fetchone()
    if recorded and recorded[0]:
        seq_text, _, hash_text = recorded[0].partition(":")
        if int(seq_text) > expected - 1 or (int(seq_text) == expected - 1 and hash_text != prev):
            return ChainReport(checked, expected - 1, Break(
                Problem.TRUNCATED, expected, None, None,
                f"the chain ended at {seq_text}; rows {expected}–{seq_text} are gone"))
    return ChainReport(checked, expected - 1, None)


# ---------------------------------------------------------------- ORM sessions


def _after_flush(session: Session, _context) -> None:
    ids = [obj.id.hex for obj in session.new
           if getattr(obj, "__tablename__", None) == "audit_events"]
    if ids:
        extend(session.connection().connection.driver_connection, ids)


def install(sessions: sessionmaker[Session]) -> None:
    """Chain the audit rows written through these sessions (once per sessionmaker: the
    store makes one when it opens)."""
    event.listen(sessions, "after_flush", _after_flush)
