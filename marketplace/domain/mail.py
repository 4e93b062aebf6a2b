"""Mail delivery rules: when a failed mail is tried again, and when the outbox gives up on it."""

from __future__ import annotations

from datetime import timedelta

FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed try: 1, 2, 4, 8 ... minutes, at most 6 hours."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_WAIT)


def gives_up(attempts: int, max_attempts: int) -> bool:
    """Whether a mail that failed its `attempts`-th try is not tried again."""
    return attempts >= max_attempts
