"""Background jobs: 1,000 empty jobs through the SQLite and the Redis queue (jobs per second), and the p95
latency of orders over HTTP while a worker runs the 10,000-application draw estimate, against idle.

The worker runs as the Procfile starts it (huey_consumer, 2 threads, `nice -n 10`). Orders come from
BENCH_JOB_CLIENTS order clients (mixed_clients.py) against gunicorn as `make run` serves, on SQLite, for
BENCH_JOB_SECONDS idle and as long again while the estimate runs. Target: p95 under the estimate at most
2x idle. Run as `.venv/bin/python benchmarks/bench_jobs.py`; figures go to benchmarks/results/jobs.json.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

import mixed_data  # noqa: E402
from bench_mixed import addresses, start_server, summarize  # noqa: E402
from mixed_clients import Slices, Stats, run_client  # noqa: E402

from marketplace.jobs import queue  # noqa: E402

JOBS = 1_000
CLIENTS = int(os.environ.get("BENCH_JOB_CLIENTS", 4))
SECONDS = float(os.environ.get("BENCH_JOB_SECONDS", 20))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
TARGET_RATIO = 2.0
RESULTS = ROOT / "benchmarks" / "results" / "jobs.json"
CONSUMER = Path(sys.executable).with_name("huey_consumer")


def start_worker(env: dict, log: Path, module: str = "marketplace.worker") -> subprocess.Popen:
    """A worker as the Procfile starts one, polling often (a short poll is what an idle SQLite queue costs)."""
    command = ["nice", "-n", "10", str(CONSUMER), f"{module}.huey", "-k", "thread", "-w", "2", "-d", "0.01"]
    pythonpath = f"{ROOT}{os.pathsep}{ROOT / 'benchmarks'}"
    return subprocess.Popen(
        [*command, "-m", "0.05"],
        cwd=ROOT,
        env={**os.environ, **env, "PYTHONPATH": pythonpath},
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def drained(deadline: float) -> bool:
    while time.monotonic() < deadline:
        if queue.huey.pending_count() == 0:
            return True
        time.sleep(0.005)
    return False


def throughput(name: str, url: str, workdir: Path) -> dict:
    """Jobs per second through a real worker: 1,000 empty tasks enqueued, until the queue is empty."""
    from marketplace.jobs import tasks

    jobs_name = f"bench-{uuid.uuid4().hex[:8]}"
    queue.configure(url, jobs_name, immediate=False)
    env = {"JOBS_URL": url, "JOBS_NAME": jobs_name, "DATABASE_URL": f"sqlite:///{workdir / 'worker.sqlite3'}"}
    worker = start_worker(env, workdir / f"worker-{name}.log")
    try:
        tasks.noop()  # the worker is up once it took this one
        if not drained(time.monotonic() + 60):
            raise RuntimeError(f"the {name} worker did not start; see {workdir}")
        time.sleep(0.3)
        began = time.perf_counter()
        for _ in range(JOBS):
            tasks.noop()
        enqueued = time.perf_counter() - began
        if not drained(time.monotonic() + 300):
            raise RuntimeError(f"the {name} queue did not drain")
        seconds = time.perf_counter() - began
    finally:
        worker.terminate()
        worker.wait(10)
        if url.startswith("redis"):
            queue.huey.storage.flush_all()
    return {
        "queue": name,
        "jobs": JOBS,
        "seconds": round(seconds, 3),
        "jobs_per_s": round(JOBS / seconds, 1),
        "enqueue_per_s": round(JOBS / enqueued, 1),
    }


def order_slice(port: int, ids: dict, seconds: float) -> dict:
    """CLIENTS order clients for `seconds` after a short warm-up; their order latencies."""
    stats = Stats()
    slices = Slices(CLIENTS, stats)
    hosts = addresses(CLIENTS)
    threads = [
        threading.Thread(target=run_client, args=("order", n, port, hosts[n], ids, stats, slices), daemon=True)
        for n in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    slices.start(time.monotonic() + 2, measuring=False)
    slices.finish()
    slices.start(time.monotonic() + seconds)
    slices.finish()
    slices.start(None)
    for thread in threads:
        thread.join(30)
    return summarize("order", stats, seconds)


def orders_under_estimate(workdir: Path) -> dict:
    url = f"sqlite:///{workdir / 'orders.sqlite3'}"
    ids = mixed_data.prepare(
        url, {"order": CLIENTS, "product_edit": 0, "certificate": 0, "report": 0, "sign_in": 0}, 10
    )
    jobs_url = f"sqlite:///{workdir / 'estimate-jobs.sqlite3'}"
    server, port = start_server(url, workdir / "server.log", {"JOBS_URL": jobs_url})
    try:
        idle = order_slice(port, ids, SECONDS)
        queue.configure(jobs_url, "marketplace", immediate=False)
        from jobs_worker import bench_estimate

        for _ in range(3):  # more estimates than the slice lasts: the worker is busy all along
            bench_estimate()
        worker = start_worker({"JOBS_URL": jobs_url, "DATABASE_URL": url}, workdir / "estimate.log", "jobs_worker")
        time.sleep(3)  # the worker started and is counting
        busy = order_slice(port, ids, SECONDS)
        worker.kill()
        worker.wait(10)
    finally:
        server.terminate()
        server.wait(30)
    ratio = busy["latency_ms_p95"] / idle["latency_ms_p95"] if idle["latency_ms_p95"] else None
    return {
        "clients": CLIENTS,
        "seconds": SECONDS,
        "idle": idle,
        "during_estimate": busy,
        "p95_ratio": round(ratio, 2) if ratio else None,
    }


def redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:  # noqa: BLE001 - no Redis: that part is skipped and said so
        return False


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-jobs-") as tmp:
        workdir = Path(tmp)
        queues = [throughput("sqlite", f"sqlite:///{workdir / 'jobs.sqlite3'}", workdir)]
        print(json.dumps(queues[-1]), flush=True)
        if redis_up():
            queues.append(throughput("redis", REDIS_URL, workdir))
            print(json.dumps(queues[-1]), flush=True)
        orders = orders_under_estimate(workdir)
        print(json.dumps(orders, indent=2), flush=True)
    ok = orders["p95_ratio"] is not None and orders["p95_ratio"] <= TARGET_RATIO
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                "queues": queues,
                "orders_p95_while_estimating": orders,
                "target_p95_ratio": TARGET_RATIO,
                "ok": ok,
            },
            indent=2,
        )
        + "\n"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
