"""A real worker for the tests: marketplace.worker, with the estimate slowed down so that a test can kill it
mid-way (WORKER_STEP_SECONDS per step of the count), and failing once when WORKER_FAIL_ONCE names a file
that exists (the file is removed: the retry then succeeds).

Run as `huey_consumer tests.integration.worker_app.huey` with the test's DATABASE_URL and JOBS_URL.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from marketplace.domain import selection
from marketplace.worker import huey  # noqa: F401  (the consumer's queue, with the app's tasks)

_count = selection.count_selections


def _slow_count(*args, **kwargs):
    flag = Path(os.environ.get("WORKER_FAIL_ONCE", "/nonexistent"))
    if flag.exists():
        flag.unlink()
        raise RuntimeError("the worker failed on purpose")
    time.sleep(float(os.environ.get("WORKER_STEP_SECONDS", "0")))
    return _count(*args, **kwargs)


selection.count_selections = _slow_count
