"""The embedded default's request-limit storage counts as limits' memory storage does, frees expired entries,
and starts no thread on a hit (limits' own starts one whenever its 10 ms timer has fired)."""

from __future__ import annotations

import threading
import time

import pytest
from limits import RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter, SlidingWindowCounterRateLimiter

from marketplace import limit_storage
from marketplace.limit_storage import SweptMemoryStorage

STRATEGIES = [MovingWindowRateLimiter, SlidingWindowCounterRateLimiter]


def test_the_scheme_names_this_storage():
    assert isinstance(storage_from_string("swept-memory://"), SweptMemoryStorage)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_it_allows_the_limit_and_refuses_the_next_hit_per_client(strategy):
    limiter = strategy(SweptMemoryStorage())
    three = RateLimitItemPerSecond(3, 60)
    assert [limiter.hit(three, "client-a") for _ in range(4)] == [True, True, True, False]
    assert limiter.hit(three, "client-b")


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_hits_start_no_thread(strategy, monkeypatch):
    limiter = strategy(SweptMemoryStorage())
    item = RateLimitItemPerSecond(1_000_000, 60)
    started = []
    start = threading.Thread.start
    monkeypatch.setattr(threading.Thread, "start", lambda thread: started.append(thread) or start(thread))
    for n in range(300):
        assert limiter.hit(item, f"client-{n % 7}")
        time.sleep(0.0001)  # past 10 ms in all: limits' own storage would have started a timer thread again
    assert started == []


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_expired_entries_are_freed_by_a_later_hit(strategy, monkeypatch):
    monkeypatch.setattr(limit_storage, "SWEEP_EVERY_SECONDS", 0.0)
    storage = SweptMemoryStorage()
    limiter = strategy(storage)
    short = RateLimitItemPerSecond(5, 1)
    for _ in range(5):
        assert limiter.hit(short, "gone")
    assert not limiter.hit(short, "gone")
    time.sleep(2.1)  # past the window and the one before it (the sliding counter weighs the previous window)
    assert limiter.hit(RateLimitItemPerSecond(5, 60), "other")  # a hit on another key sweeps
    assert not any(events for key, events in storage.events.items() if "gone" in key)
    assert not any("gone" in key for key in [*storage.storage, *storage.expirations])
    assert limiter.hit(short, "gone")
