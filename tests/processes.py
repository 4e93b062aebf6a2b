"""Processes for the concurrency tests, each building its own app on the test's database.

They fork from Python's fork server, which imported the app's modules once per test process: started
fresh ("spawn"), each of them imported everything again, seconds of CPU apiece, so the eight writers of a
test came up one by one instead of meeting at the lock. The fork server itself is a clean process (no
threads, no database connection of the test's), so a child inherits nothing of the test but those
imports.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.context import BaseContext

PRELOAD = [
    "marketplace",
    "marketplace.models",
    "marketplace.services.orders",
    "tests.conftest",
    "tests.integration.test_allocation_move_race",
    "tests.integration.test_concurrent_writes",
    "tests.integration.test_quota_concurrency",
]


def context() -> BaseContext:
    """The multiprocessing context whose Pool and Manager the concurrency tests use."""
    forkserver = multiprocessing.get_context("forkserver")
    forkserver.set_forkserver_preload(PRELOAD)
    return forkserver
