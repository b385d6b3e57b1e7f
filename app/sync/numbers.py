"""Document numbers (（2026）浦消调字第0123号) that stay unique when issued offline.

While online a workstation reserves blocks of numbers per committee (office) and year
from the central counter; offline it issues from the blocks it holds. A number once
taken is never handed out again, on this workstation or any other. A standalone store
has no central counter: it holds one open-ended block of its own.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, insert, select, text, update
from sqlalchemy.dialects import sqlite

from app.core.ids import new_id
from app.store.base import utcnow
from app.store.models import NumberBlock, NumberCounter, SyncNumberBlock
from app.sync.central import is_postgresql

BLOCK_SIZE = 20
LOW_WATER = 5  # top up when fewer numbers than this are left for the year
STANDALONE_LAST = 2**31 - 1


@dataclass(frozen=True)
class Block:
    id: uuid.UUID
    office_id: uuid.UUID
    year: int
    first_seq: int
    last_seq: int


def reserve_block(central: Engine, *, office_id: uuid.UUID, year: int, client_id: uuid.UUID,
                  actor: str, size: int = BLOCK_SIZE) -> Block:
    """Take the next ``size`` numbers from the central counter (one short transaction;
    the counter row's lock serialises concurrent reservations)."""
    with central.begin() as conn:
        if is_postgresql(conn):
            # Counters move only through this function: a login cannot rewind them.
            row = conn.execute(text(
                "SELECT * FROM public.md_reserve_numbers(:office, :year, :size, :client)"),
                {"office": office_id, "year": year, "size": size, "client": client_id}).one()
            return Block(row.block_id, office_id, year, row.first_seq, row.last_seq)
        dialect = sqlite
        conn.execute(dialect.insert(NumberCounter).values(office_id=office_id, year=year,
                                                          next_seq=1)
                     .on_conflict_do_nothing(index_elements=["office_id", "year"]))
        after = conn.execute(
            update(NumberCounter)
            .where(NumberCounter.office_id == office_id, NumberCounter.year == year)
            .values(next_seq=NumberCounter.next_seq + size)
            .returning(NumberCounter.next_seq)).scalar_one()
        block = Block(new_id(), office_id, year, after - size, after - 1)
        conn.execute(insert(NumberBlock).values(
            id=block.id, office_id=office_id, year=year, first_seq=block.first_seq,
            last_seq=block.last_seq, client_id=client_id, reserved_by=actor,
            reserved_at=utcnow()))
    return block


def keep_block(conn: Connection, block: Block) -> None:
    """Hold a reserved block in the workstation's store."""
    conn.execute(insert(SyncNumberBlock).values(
        id=block.id, office_id=block.office_id, year=block.year, first_seq=block.first_seq,
        last_seq=block.last_seq, next_seq=block.first_seq))


def numbers_left(conn: Connection, office_id: uuid.UUID, year: int) -> int:
    rows = conn.execute(select(SyncNumberBlock.next_seq, SyncNumberBlock.last_seq).where(
        SyncNumberBlock.office_id == office_id, SyncNumberBlock.year == year)).all()
    return sum(max(0, last - nxt + 1) for nxt, last in rows)


def top_up(local: Engine, central: Engine, *, office_id: uuid.UUID, year: int,
           client_id: uuid.UUID, actor: str) -> int:
    """Reserve another block when this year's numbers run low. Returns numbers left."""
    with local.connect() as conn:
        left = numbers_left(conn, office_id, year)
    if left >= LOW_WATER:
        return left
    block = reserve_block(central, office_id=office_id, year=year, client_id=client_id,
                          actor=actor)
    with local.begin() as conn:
        keep_block(conn, block)
        return numbers_left(conn, office_id, year)


def standalone_block_id(office_id: uuid.UUID, year: int) -> uuid.UUID:
    """The id of a standalone store's one open block for the office and year (the demo
    generator starts it after the numbers its documents took)."""
    return uuid.uuid5(office_id, f"standalone-{year}")


class NoNumberLeft(Exception):
    """Offline with every reserved number used: connect once to reserve more."""


def take_number(conn: Connection, office_id: uuid.UUID, year: int, *,
                standalone: bool = False) -> int:
    """The next number for the office and year, in the caller's transaction (so a
    document that is not saved gives its number back)."""
    while True:
        row = conn.execute(
            select(SyncNumberBlock.id)
            .where(SyncNumberBlock.office_id == office_id, SyncNumberBlock.year == year,
                   SyncNumberBlock.next_seq <= SyncNumberBlock.last_seq)
            .order_by(SyncNumberBlock.first_seq).limit(1)).first()
        if row is None:
            if not standalone:
                raise NoNumberLeft(f"{year}")
            # One open block per office and year, whoever gets here first: its id is
            # derived, so a second writer racing to create it adds nothing.
            block_id = standalone_block_id(office_id, year)
            conn.execute(sqlite.insert(SyncNumberBlock).values(
                id=block_id, office_id=office_id, year=year, first_seq=1,
                last_seq=STANDALONE_LAST, next_seq=1).on_conflict_do_nothing())
            continue
        # One statement reads and moves the counter under the write lock: two documents
        # finalised at once never get the same number (SQLite starts the transaction at
        # the first write, so a number read by an earlier SELECT could be stale).
        taken = conn.execute(
            update(SyncNumberBlock)
            .where(SyncNumberBlock.id == row.id,
                   SyncNumberBlock.next_seq <= SyncNumberBlock.last_seq)
            .values(next_seq=SyncNumberBlock.next_seq + 1)
            .returning(SyncNumberBlock.next_seq)).scalar()
        if taken is not None:
            return taken - 1
        # The block ran out between the two statements: the next block.
