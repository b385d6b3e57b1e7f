"""Row ids: UUIDs whose first bits are the time they were made (the layout of RFC 9562's
version 7), so rows made one after another sit side by side in every index keyed by id.

A random id (version 4) lands each new row on a random page of each such index (the
primary key, and each foreign key such as an audit event's or a party's case): an
import of 100,000 cases touched pages all over indexes larger than SQLite's page cache,
and the writes grew faster than the rows. Time-ordered ids are appended instead.

Within one process the ids only grow (a counter in the 12 bits after the milliseconds
orders those made in the same millisecond); the last 62 bits are random, so two
computers making ids in the same millisecond do not meet. An id says when its row was
made, which the row's own modified_at says too; it is not a secret, and nothing may
read meaning from it.
"""

from __future__ import annotations

import random
import threading
import time
import uuid

_VERSION_7 = 0x7 << 76
_VARIANT = 0b10 << 62
_COUNTER_MAX = 0xFFF

_lock = threading.Lock()
_last_ms = 0
_counter = 0


def new_id() -> uuid.UUID:
    """A new row id, greater than every id this process made before it."""
    global _last_ms, _counter
    ms = time.time_ns() // 1_000_000
    with _lock:
        if ms > _last_ms:
            _last_ms, _counter = ms, 0
        else:  # the same millisecond (or the clock went back): count on from the last
            _counter += 1
            if _counter > _COUNTER_MAX:
                _last_ms, _counter = _last_ms + 1, 0
        ms, counter = _last_ms, _counter
    # The module's generator is seeded from the system's randomness at start and again
    # in a forked child; an id needs to be unique, not unguessable.
    return uuid.UUID(int=(ms << 80) | _VERSION_7 | (counter << 64) | _VARIANT
                     | random.getrandbits(62))

