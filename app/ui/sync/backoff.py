"""When to try again after a failed sync: exponential backoff with jitter. Pure Python
(no Qt), so the policy is tested on its own.

The n-th consecutive failure waits ``first * 2**(n-1)`` seconds, capped at ``cap``, then
spread by ``jitter`` (±20 % by default) so a whole office coming back online after an
outage does not knock on the server in step. A success resets the count.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Backoff:
    first: float = 5.0
    cap: float = 300.0
    jitter: float = 0.2
    rng: random.Random = field(default_factory=random.Random, repr=False)
    failures: int = 0

    def base_delay(self, failures: int) -> float:
        """The delay before jitter after ``failures`` consecutive failures."""
        if failures <= 0:
            return 0.0
        # 2**n overflows nothing here: past ~6 doublings the cap has been reached.
        return min(self.cap, self.first * 2 ** min(failures - 1, 30))

    def failed(self) -> float:
        """Record a failure; returns the seconds to wait before the next attempt."""
        self.failures += 1
        base = self.base_delay(self.failures)
        spread = base * self.jitter
        return max(0.0, min(self.cap, base + self.rng.uniform(-spread, spread)))

    def succeeded(self) -> None:
        self.failures = 0
