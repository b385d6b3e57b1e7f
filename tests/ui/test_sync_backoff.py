"""The retry policy of the background sync (pure Python)."""

from __future__ import annotations

import random

from app.ui.sync.backoff import Backoff


def test_delays_double_from_five_seconds_up_to_five_minutes():
    backoff = Backoff(jitter=0.0)
    delays = [backoff.failed() for _ in range(10)]
    assert delays == [5, 10, 20, 40, 80, 160, 300, 300, 300, 300]


def test_jitter_spreads_each_delay_but_never_past_the_cap():
    rng = random.Random(7)
    for failures in range(1, 12):
        base = Backoff().base_delay(failures)
        seen = set()
        for _ in range(50):
            backoff = Backoff(rng=rng, failures=failures - 1)
            delay = backoff.failed()
            assert 0.8 * base <= delay <= min(300, 1.2 * base)
            seen.add(round(delay, 6))
        assert len(seen) > 10  # really spread, not one value


def test_a_success_starts_again_from_five_seconds():
    backoff = Backoff(jitter=0.0)
    for _ in range(5):
        backoff.failed()
    backoff.succeeded()
    assert backoff.failures == 0
    assert backoff.failed() == 5


def test_a_very_long_outage_does_not_overflow():
    backoff = Backoff(jitter=0.0, failures=10_000)
    assert backoff.failed() == 300
