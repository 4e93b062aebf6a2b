"""Sign-in throttling: a growing wait after repeated failures, never a lock."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ThrottlePolicy:
    """After free_failures failures in a row the next try waits first_delay, doubling per failure up to max_delay."""

    free_failures: int
    first_delay: timedelta
    max_delay: timedelta


def delay_after(failures: int, policy: ThrottlePolicy) -> timedelta:
    """How long to wait after the failures-th failure in a row (zero before free_failures is reached)."""
    extra = failures - policy.free_failures
    if extra < 0:
        return timedelta(0)
    return min(policy.first_delay * (2 ** min(extra, 20)), policy.max_delay)


def seconds_left(retry_at: datetime | None, now: datetime) -> int:
    """Whole seconds (rounded up) until retry_at; 0 when it has passed or is not set."""
    if retry_at is None or retry_at <= now:
        return 0
    return math.ceil((retry_at - now).total_seconds())
