"""Bench-only: the app, writing how long each request held SQLite's write lock to a log.

Serve it with BENCH_APP=lock_timing_app:app, PYTHONPATH=benchmarks and BENCH_LOCK_LOG=<file>: each server
writes <file>.<its database's name> (bench_mixed.py runs two: <file>.orders, <file>.mixed). Then
`.venv/bin/python benchmarks/lock_timing_app.py <file>.mixed` prints, per endpoint, its write transactions
and how long they held the lock (median, p95, max, total). A write transaction is one begun by begin_write()
(BEGIN IMMEDIATE): it holds the lock from its BEGIN to its COMMIT or ROLLBACK. Never a production setting.
"""

from __future__ import annotations

import os
import statistics
import sys
import threading
import time
from collections import defaultdict

from sqlalchemy import event
from sqlalchemy.orm import Session

_STARTED = "lock_timing_started"
# one log per database (the bench runs an order-only and a mixed server side by side): <log>.<db file stem>
_LOG = os.environ.get("BENCH_LOCK_LOG") and (
    os.environ["BENCH_LOCK_LOG"] + "." + os.path.splitext(os.path.basename(os.environ.get("DATABASE_URL", "db")))[0]
)
_write = threading.Lock()


@event.listens_for(Session, "after_begin")
def _began(session, _transaction, connection) -> None:
    if connection.get_execution_options().get("sqlite_immediate"):
        session.info[_STARTED] = time.perf_counter()


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _ended(session) -> None:
    started = session.info.pop(_STARTED, None)
    if started is None or not _LOG:
        return
    held_ms = (time.perf_counter() - started) * 1000
    from flask import has_request_context, request

    endpoint = (request.endpoint or "-") if has_request_context() else "-"
    with _write, open(_LOG, "a") as log:
        log.write(f"{endpoint} {held_ms:.2f}\n")


def summary(path: str) -> dict[str, dict]:
    """Per endpoint: write transactions and their held time in ms (median, p95, max, total)."""
    held: dict[str, list[float]] = defaultdict(list)
    with open(path) as log:
        for line in log:
            endpoint, ms = line.split()
            held[endpoint].append(float(ms))
    figures = {}
    for endpoint, times in sorted(held.items(), key=lambda item: -sum(item[1])):
        times.sort()
        figures[endpoint] = {
            "count": len(times),
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
            "max_ms": round(times[-1], 1),
            "total_s": round(sum(times) / 1000, 2),
        }
    return figures


if __name__ == "__main__":
    for name, f in summary(sys.argv[1]).items():
        print(
            f"{name:<36} {f['count']:>6}  median {f['median_ms']:>7} ms  p95 {f['p95_ms']:>7} ms"
            f"  max {f['max_ms']:>7} ms  total {f['total_s']:>7} s"
        )
else:
    from marketplace import create_app

    app = create_app()
