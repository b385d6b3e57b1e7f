"""Row ids made in time order (app.core.ids)."""

from __future__ import annotations

import time
import uuid

import pytest

from app.core import ids


def test_an_id_is_a_valid_uuid_of_version_7_with_the_rfc_variant():
    value = ids.new_id()
    assert isinstance(value, uuid.UUID)
    assert value.version == 7
    assert value.variant == uuid.RFC_4122
    assert uuid.UUID(str(value)) == value


def test_ids_made_one_after_another_only_grow_in_text_as_the_store_keeps_them():
    made = [ids.new_id() for _ in range(20_000)]  # many in one millisecond
    assert len(set(made)) == len(made)
    assert [m.hex for m in made] == sorted(m.hex for m in made)


def test_an_id_carries_the_millisecond_it_was_made_in():
    before = time.time_ns() // 1_000_000
    value = ids.new_id()
    after = time.time_ns() // 1_000_000
    assert before <= value.int >> 80 <= after + 1  # +1: a full counter moves on a millisecond


@pytest.fixture
def own_counter(monkeypatch):
    """The process's counter as it was, back after the test (which moves the clock)."""
    monkeypatch.setattr(ids, "_last_ms", ids._last_ms)
    monkeypatch.setattr(ids, "_counter", ids._counter)


@pytest.mark.usefixtures("own_counter")
def test_a_clock_set_back_does_not_make_an_id_smaller(monkeypatch):
    first = ids.new_id()
    monkeypatch.setattr(ids.time, "time_ns", lambda: 1_000_000_000_000_000)  # 2001
    later = ids.new_id()
    assert later.hex > first.hex


@pytest.mark.usefixtures("own_counter")
def test_ids_of_two_computers_in_the_same_millisecond_differ_in_their_random_bits(monkeypatch):
    monkeypatch.setattr(ids.time, "time_ns", lambda: 4_102_444_800_000_000_000)  # 2100
    a = ids.new_id()
    monkeypatch.setattr(ids, "_last_ms", 0)  # another process: its own counter
    monkeypatch.setattr(ids, "_counter", 0)
    b = ids.new_id()
    assert a.int >> 64 == b.int >> 64  # same millisecond, same count
    assert a != b
