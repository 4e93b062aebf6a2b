"""The request limits' in-process storage for the embedded default (`swept-memory://`).

limits' own memory storage starts a new timer thread for its clean-up on a hit whenever the last one has
finished (its timer fires after 10 ms), and the hit waits for that thread to start. Under a threaded server
this is most of the cost of a limited request: the JSON API, limited on every call, answered 40% fewer
requests per second than the unlimited catalogue page, and 1.6x more with limits switched off
(benchmarks/bench_api.py). Here the same clean-up runs on the request path instead, at most once a second and
by one thread at a time. Counting is unchanged: expiry is checked on every read, the clean-up only frees
memory. In production the limits live in Redis (RATELIMIT_STORAGE_URI=redis://...), where none of this applies.
"""

from __future__ import annotations

import threading
import time

from limits.storage import MemoryStorage

SWEEP_EVERY_SECONDS = 1.0


class SweptMemoryStorage(MemoryStorage):
    STORAGE_SCHEME = ["swept-memory"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.timer.cancel()  # the parent's first timer: sweeping happens on hits from now on
        self._sweeping = threading.Lock()
        self._next_sweep = 0.0

    def _MemoryStorage__schedule_expiry(self) -> None:  # the parent calls this on every hit
        now = time.monotonic()
        if now < self._next_sweep or not self._sweeping.acquire(blocking=False):
            return
        try:
            self._next_sweep = now + SWEEP_EVERY_SECONDS
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]
        finally:
            self._sweeping.release()

    def __setstate__(self, state: dict) -> None:
        super().__setstate__(state)
        self.timer.cancel()
        self._sweeping = threading.Lock()
        self._next_sweep = 0.0
