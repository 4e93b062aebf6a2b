"""Mixed load over HTTP: orders, product edits, certificate issues, report downloads and sign-ins at once.

32 browser-like clients (BENCH_CLIENTS) for 60 s (BENCH_SECONDS) against gunicorn run as `make run` runs
it (2 workers, 4 threads, gthread, max-requests 1000), on a fresh SQLite database in WAL mode and, when
PostgreSQL answers on BENCH_PG_URL, on a fresh database (benchmarks/pg.py). Data is made through the models
and services (benchmarks/mixed_data.py). Each client is one person with an account of their own, signed in
through the login form with CSRF on, and doing one thing over and over:

- order (3 in 8 clients): a buyer places a pilot purchase against the allocation and the MOU;
- product_edit (2 in 8): a supplier edits their own product through the product edit form;
- certificate (1 in 8): a buyer presses the issue button on the page of one of their orders that has
  no certificate yet, then downloads the PDF (a pool of orders per buyer is placed beforehand);
- report (1 in 8): a buyer downloads the purchase report PDF of a past week holding 20 orders, again and
  again (nothing in it changes, so the server sends the document it made first: services/served_reports.py);
- sign_in / sign_out (1 in 8): a buyer signs in through the form, then signs out, in a loop.

Every form is posted from its page: the client GETs it (counted as form_page) and sends back the form's
hidden inputs (CSRF token, one-time form key) and current values with its own fields, so each order
POST carries a submission of its own. An order POST that gets no answer or a 503 is sent again once,
unchanged, as a person retrying would.

Rate limits stay as configured (set RATELIMIT_SIGN_IN in the environment to change them): each client
connects from a loopback address of its own (127.0.0.x), like people on different machines, so one
person's limit never throttles another. The per-client sign-in limit does cap the sign_in kind: past
it, the sign-in POST is answered 429, counted apart (not as a 5xx, not in the latency), and the client
waits the Retry-After the server gives before signing in again, as a person would. Nobody signs in as
ministry staff (they will need a second factor).

Reported per kind: requests, requests and writes per second, p50 and p95 latency (429s and failed
connections left out), statuses. Overall: 5xx responses (must be 0), failed connections, 429s, duplicated
orders (orders in the database beyond the distinct orders the clients were sent to: must be 0), orders
lost, overspend and the ledger of each MOU (must be 0 and consistent), certificates whose downloaded
bytes differ from the stored ones, and the writes per second (requests that committed: accepted orders,
saved edits, issued certificates, newly generated reports (a report sent again with the same ETag stored
nothing), sign-ins and sign-outs). On SQLite an order-only run (every client ordering) is measured beside
the mixed one, each on its own server and database: after BENCH_WARMUP seconds each (not measured), the
two take turns in BENCH_SLICES slices (4) of BENCH_SECONDS / BENCH_SLICES each, in the order A B B A ...,
so that the machine's other load falls on both alike; a slice counts what finished inside it. Mixed
writes/s divided by order-only writes/s must be at least 0.5.

Run as `.venv/bin/python benchmarks/bench_mixed.py` (`--backend sqlite` or `--backend postgresql` for one
side only); figures go to benchmarks/results/mixed.json; exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

import mixed_data  # noqa: E402
import pg  # noqa: E402
from mixed_clients import KINDS, Slices, Stats, run_client  # noqa: E402

CLIENTS = int(os.environ.get("BENCH_CLIENTS", 32))
SECONDS = float(os.environ.get("BENCH_SECONDS", 60))
SLICES = max(1, int(os.environ.get("BENCH_SLICES", 4)))
WARMUP = float(os.environ.get("BENCH_WARMUP", 5))  # per side, before the measured slices
RESULTS = ROOT / "benchmarks" / "results" / "mixed.json"
MIN_RATIO = 0.5
# every kind from 5 clients on; in 8 clients: 3 order, 2 product_edit, 1 each of the others
PATTERN = ["order", "product_edit", "certificate", "report", "sign_in", "order", "product_edit", "order"]
# as `make run` serves, plus a quieter log
# the WSGI app gunicorn serves (BENCH_APP: a bench-only wrapper, e.g. for profiling)
APP = os.environ.get("BENCH_APP", "marketplace:create_app()")
SERVER = [
    "--workers",
    "2",
    "--threads",
    "4",
    "--worker-class",
    "gthread",
    "--timeout",
    "120",
    "--max-requests",
    "1000",
    "--max-requests-jitter",
    "100",
    "--log-level",
    "warning",
]


def plan(clients: int, only: str | None = None) -> list[str]:
    return [only or PATTERN[n % len(PATTERN)] for n in range(clients)]


def addresses(count: int) -> list[str]:
    """A loopback address per client (127.0.0.2 on); all 127.0.0.1 when the system refuses them."""
    wanted = [f"127.0.{(n + 2) // 256}.{(n + 2) % 256 or 1}" for n in range(count)]
    try:
        with socket.socket() as probe:
            probe.bind((wanted[-1] if wanted else "127.0.0.2", 0))
        return wanted
    except OSError:
        return ["127.0.0.1"] * count


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, log: Path, extra_env: dict | None = None) -> tuple[subprocess.Popen, int]:
    """gunicorn as `make run` starts it, on a free port; `extra_env` for bench-only variants (see Side)."""
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-secret",
        "MARKETPLACE_ENV": "development",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        **(extra_env or {}),
    }
    server = subprocess.Popen(
        [
            str(gunicorn if gunicorn.exists() else "gunicorn"),
            *SERVER,
            "--bind",
            f"127.0.0.1:{port}",
            env.get("BENCH_APP", APP),
        ],
        cwd=str(ROOT),
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    from browser import Browser

    for _ in range(300):
        if server.poll() is not None:
            break
        if Browser(port).request("GET", "/healthz").status == 200:
            return server, port
        time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"the server did not start; see {log}")


def summarize(kind: str, stats: Stats, seconds: float) -> dict:
    latencies = sorted(stats.latencies[kind])
    count = sum(stats.statuses[kind].values())
    return {
        "requests": count,
        "requests_per_s": round(stats.in_window[kind] / seconds, 1),
        "latency_ms_p50": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "latency_ms_p95": round(statistics.quantiles(latencies, n=20)[18] * 1000, 1)
        if len(latencies) > 1
        else (round(latencies[0] * 1000, 1) if latencies else None),
        "writes": stats.writes[kind],
        "writes_per_s": round(stats.writes_in_window[kind] / seconds, 1),
        "statuses": {str(k): v for k, v in sorted(stats.statuses[kind].items())},
    }


class Side:
    """One server with its database and its clients, run slice by slice (see Slices).

    `env` adds to the server's environment (BENCH_APP and what it reads: compare variants side by side)."""

    def __init__(self, name: str, url: str, kinds: list[str], workdir: Path, env: dict | None = None):
        self.name, self.url, self.kinds, self.workdir = name, url, kinds, workdir
        mix = Counter(kinds)
        print(f"  preparing {name} ({dict(mix)}) ...", flush=True)
        pool = int((SECONDS + WARMUP) * 2) + 20  # more certificates than a client can fetch (~1 a second)
        self.ids = mixed_data.prepare(url, {k: mix.get(k, 0) for k in KINDS}, pool)
        self.server, self.port = start_server(url, workdir / f"server-{name}.log", env)
        self.stats, self.seconds, self.slice_writes = Stats(), 0.0, []
        self.slices = Slices(len(kinds), self.stats)
        seen: Counter = Counter()
        self.threads = []
        for kind, address in zip(kinds, addresses(len(kinds)), strict=True):
            self.threads.append(
                threading.Thread(
                    target=run_client,
                    daemon=True,
                    args=(kind, seen[kind], self.port, address, self.ids, self.stats, self.slices),
                )
            )
            seen[kind] += 1
        for thread in self.threads:
            thread.start()

    def run_slice(self, seconds: float) -> None:
        """All clients for `seconds`: what they finish in that time counts; then their last answers come."""
        before = sum(self.stats.writes_in_window.values())
        self.slices.start(time.monotonic() + seconds)
        self.slices.finish()
        self.seconds += seconds
        self.slice_writes.append(round((sum(self.stats.writes_in_window.values()) - before) / seconds, 1))

    def warm_up(self, seconds: float) -> None:
        """All clients for `seconds`, not measured: the server's processes start their render pools,
        fill their caches and compile their templates, as a server that has been up a while has."""
        self.slices.start(time.monotonic() + seconds, measuring=False)
        self.slices.finish()

    def close(self) -> dict:
        """Stop the clients and the server; the figures, with the database's own counts."""
        try:
            self.slices.start(None)
            for thread in self.threads:
                thread.join()
        finally:
            self.server.terminate()
            self.server.wait(timeout=60)
        figures = mixed_data.final_figures(self.url, self.ids)
        result = report(self.name, self.kinds, self.ids, self.stats, self.seconds, figures, self.workdir)
        result["writes_per_s_by_slice"] = self.slice_writes
        return result


def run_interleaved(sides: list[Side]) -> None:
    """SLICES slices of SECONDS / SLICES per side, in the order A B B A A B ... (drift hits both alike)."""
    length = SECONDS / SLICES
    for side in sides:
        print(f"  {side.name}: warming up {WARMUP:.0f} s", flush=True)
        side.warm_up(WARMUP)
    for n in range(SLICES):
        for side in sides if n % 2 == 0 else sides[::-1]:
            print(f"  {side.name}: slice {n + 1} of {SLICES}, {length:.0f} s", flush=True)
            side.run_slice(length)


def report(name: str, kinds: list[str], ids: dict, stats: Stats, seconds: float, db: dict, workdir: Path) -> dict:
    statuses = Counter()
    for counts in stats.statuses.values():
        statuses.update(counts)
    accepted = stats.order_ids
    duplicates = max(0, len(db["order_ids"] - accepted) - stats.unknown_orders)
    issued = {order_id: sha for order_id, sha in stats.certificates.items()}
    writes = sum(stats.writes.values())
    writes_in_window = sum(stats.writes_in_window.values())
    result = {
        "backend": name,
        "clients": len(kinds),
        "mix": dict(Counter(kinds)),
        "seconds": round(seconds, 2),
        "kinds": {kind: summarize(kind, stats, seconds) for kind in sorted(stats.statuses)},
        "writes": writes,
        "writes_per_s": round(writes_in_window / seconds, 1),
        "server_errors_5xx": sum(v for k, v in statuses.items() if 500 <= k < 599),
        "connection_failures": statuses.get(599, 0),
        "rate_limited_429": statuses.get(429, 0),
        "orders": {
            "accepted_posts": stats.writes.get("order", 0),
            "distinct_orders_accepted": len(accepted),
            "in_db": len(db["order_ids"]),
            "resent_after_no_answer_or_503": stats.resent_orders,
            "unknown_outcome": stats.unknown_orders,
            "duplicated": duplicates,
            "lost": len(accepted - db["order_ids"]),
        },
        "certificates": {
            "issued": len(issued),
            "in_db": len(db["certificates"]),
            "bytes_differ_from_stored": sum(1 for k, v in issued.items() if db["certificates"].get(k) != v),
            "clients_out_of_orders": stats.pool_exhausted,
        },
        "mous": db["mous"],
        "overspend_krw": sum(m["overspend_krw"] for m in db["mous"]),
        "ledger_consistent": all(m["ledger_consistent"] for m in db["mous"]),
        "clients_stopped_by_an_exception": stats.crashed,
        "error_samples": stats.samples[:10],
        "server_log": str(workdir / f"server-{name}.log"),
    }
    return result


def problems(result: dict) -> list[str]:
    found = []
    if result["server_errors_5xx"]:
        found.append(f"{result['server_errors_5xx']} responses 5xx")
    if result["orders"]["duplicated"] or result["orders"]["lost"]:
        found.append(f"orders duplicated {result['orders']['duplicated']}, lost {result['orders']['lost']}")
    if result["overspend_krw"] or not result["ledger_consistent"]:
        found.append(f"overspend {result['overspend_krw']} KRW, ledger consistent {result['ledger_consistent']}")
    if result["clients_stopped_by_an_exception"]:
        found.append(f"{result['clients_stopped_by_an_exception']} clients stopped by an exception")
    if result["certificates"]["bytes_differ_from_stored"]:
        found.append("downloaded certificates differ from the stored ones")
    return [f"{result['backend']}: {p}" for p in found]


def run_sqlite(workdir: Path, results: dict) -> None:
    print(
        f"sqlite: order-only and mixed, {CLIENTS} clients each, {SECONDS:.0f} s each in {SLICES} interleaved slices",
        flush=True,
    )
    sides = []
    try:
        sides.append(
            Side("sqlite-orders-only", f"sqlite:///{workdir / 'orders.sqlite3'}", plan(CLIENTS, "order"), workdir)
        )
        sides.append(Side("sqlite", f"sqlite:///{workdir / 'mixed.sqlite3'}", plan(CLIENTS), workdir))
        run_interleaved(sides)
    finally:
        for side in sides:
            results[side.name] = side.close()


def run_postgresql(workdir: Path, results: dict) -> None:
    url = pg.fresh_database("mixed")
    if url:
        print(f"postgresql: mixed, {CLIENTS} clients, {SECONDS:.0f} s", flush=True)
        side = Side("postgresql", url, plan(CLIENTS), workdir)
        try:
            run_interleaved([side])
        finally:
            results[side.name] = side.close()
            pg.drop_database(url)


def print_summary(results: dict, ratio: float | None) -> None:
    if "sqlite" in results:
        only, mixed = results["sqlite-orders-only"]["writes_per_s"], results["sqlite"]["writes_per_s"]
        print(f"\nsqlite writes/s: mixed {mixed}, order-only {only}, ratio {ratio} (at least {MIN_RATIO})")
    for r in results.values():
        print(
            f"{r['backend']}: 5xx {r['server_errors_5xx']}, connection failures {r['connection_failures']}, "
            f"429 {r['rate_limited_429']}, duplicated orders {r['orders']['duplicated']}, "
            f"overspend {r['overspend_krw']}, writes/s {r['writes_per_s']} (slices {r['writes_per_s_by_slice']})"
        )
        for kind, k in r["kinds"].items():
            print(
                f"  {kind:<13} {k['requests']:>6} req {k['requests_per_s']:>6} /s  writes {k['writes_per_s']:>5} /s"
                f"  p50 {k['latency_ms_p50']} ms  p95 {k['latency_ms_p95']} ms"
            )


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--backend",
        choices=("both", "sqlite", "postgresql"),
        default="both",
        help="which databases to run on (default both; sqlite runs the order-only side and the ratio)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    backend = arguments(argv).backend
    workdir = Path(tempfile.mkdtemp(prefix="mp_bench_mixed_"))
    results: dict = {}
    if backend in ("both", "sqlite"):
        run_sqlite(workdir, results)
    if backend in ("both", "postgresql"):
        run_postgresql(workdir, results)
    for result in results.values():
        print(json.dumps(result, indent=2), flush=True)
    found = [p for r in results.values() for p in problems(r)]
    ratio = None
    if "sqlite" in results:
        only, mixed = results["sqlite-orders-only"]["writes_per_s"], results["sqlite"]["writes_per_s"]
        ratio = round(mixed / only, 2) if only else None
    if backend != "postgresql" and (ratio is None or ratio < MIN_RATIO):
        found.append(f"sqlite: mixed writes/s {mixed} / order-only writes/s {only} = {ratio} < {MIN_RATIO}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "server": "gunicorn " + " ".join(SERVER),
                "clients": CLIENTS,
                "seconds": SECONDS,
                "slices": SLICES,
                "sqlite_mixed_over_orders_only_writes": ratio,
                "problems": found,
                "results": list(results.values()),
            },
            indent=2,
        )
        + "\n"
    )
    print_summary(results, ratio)
    if found:
        print("FAILED: " + "; ".join(found) + f" (server logs kept in {workdir})")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"written to {RESULTS.relative_to(ROOT)}; {'FAILED' if found else 'OK'}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
