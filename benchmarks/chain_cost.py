"""What the hash chain costs orders: the order bench with the chain as it is and with it left out, interleaved.

Two servers run side by side on fresh databases of one backend: the app as deployed, and
benchmarks/no_chain_app.py (the same app whose audit events and ledger entries go in as plain inserts:
no head row read or locked, nothing hashed). 16 buyers each, as in bench_orders.py, ordering against an
MOU too large to run out. After a few seconds of warming up, they take turns in SLICES slices of
SLICE_SECONDS per side (A B B A ...), so the machine's other load falls on both alike; what each side
finishes inside its slices counts. Target: orders per second with the chain at least 80% of those
without it.
"""

from __future__ import annotations

import os
import threading
import time
from datetime import date

import bench_orders as orders

SLICES = max(1, int(os.environ.get("BENCH_CHAIN_SLICES", 4)))
SLICE_SECONDS = float(os.environ.get("BENCH_CHAIN_SLICE_SECONDS", 6))
WARMUP_SECONDS = 3.0  # per side, before the measured slices
COMMITTED = 10**12  # never runs out: throughput is measured here, not the quota's end
TARGET = 0.8


class Side:
    """One server and its buyers; run() lets them order until a deadline, counting what finished before it."""

    def __init__(self, name: str, url: str, app: str):
        self.name, self.url = name, url
        self.ids = orders.prepare(url, committed=COMMITTED)
        self.server, self.port = orders.start_server(url, app)
        self.accepted, self.errors, self.seconds, self.by_slice = 0, 0, 0.0, []
        self.lock, self.deadline = threading.Lock(), 0.0
        self.begin = threading.Barrier(orders.CLIENTS + 1, timeout=300)
        self.end = threading.Barrier(orders.CLIENTS + 1, timeout=300)
        self.threads = [threading.Thread(target=self._buyer, args=(n,), daemon=True) for n in range(orders.CLIENTS)]
        for thread in self.threads:
            thread.start()

    def _buyer(self, n: int) -> None:
        client, path = orders.Client(self.port), f"/buyer/purchase/{self.ids['allocation_id']}"
        try:
            with orders.LOGIN_LOCK:
                token = client.token("/login")
                client.request(
                    "POST",
                    "/login",
                    {"csrf_token": token, "email": f"buyer{n}@bench.example", "password": orders.PASSWORD},
                )
            token = client.token(path)
        except Exception:
            self.begin.abort()
            raise
        form = {
            "csrf_token": token,
            "mou_id": self.ids["mou_id"],
            "quantity": 1 + n % 5,
            "unit_price": orders.UNIT_PRICE,
            "contract_method": "private_contract",
            "ordered_on": date.today().isoformat(),
            "no_private_interest": "y",
        }
        while True:
            self.begin.wait()
            if self.deadline is None:
                return
            while time.monotonic() < self.deadline:
                status, _text = client.request("POST", path, form)
                with self.lock:
                    if status == 302:
                        self.accepted += time.monotonic() <= self.deadline
                    else:
                        self.errors += 1
            self.end.wait()

    def warm_up(self, seconds: float) -> None:
        """Order for `seconds` without counting: workers loaded, caches and connection pools filled."""
        self.run(seconds)
        self.accepted, self.errors, self.seconds, self.by_slice = 0, self.errors, 0.0, []

    def run(self, seconds: float) -> None:
        before = self.accepted
        self.deadline = time.monotonic() + seconds
        self.begin.wait()
        self.end.wait()
        self.seconds += seconds
        self.by_slice.append(round((self.accepted - before) / seconds, 1))

    def close(self) -> dict:
        try:
            self.deadline = None
            self.begin.wait()
            for thread in self.threads:
                thread.join()
        finally:
            self.server.terminate()
            self.server.wait(timeout=30)
        return {
            "orders_per_s": round(self.accepted / self.seconds, 1),
            "orders": self.accepted,
            "errors": self.errors,
            "orders_per_s_by_slice": self.by_slice,
        }


def measure(backend: str, url_chained: str, url_plain: str) -> dict:
    """Orders per second with and without the chain on one backend, interleaved; their ratio."""
    print(f"  chain cost on {backend}: {SLICES} slices of {SLICE_SECONDS:.0f} s per side", flush=True)
    sides = []
    try:
        sides.append(Side("chained", url_chained, "marketplace:create_app()"))
        sides.append(Side("plain", url_plain, "benchmarks.no_chain_app:app"))
        for side in sides:
            side.warm_up(WARMUP_SECONDS)
        for n in range(SLICES):
            for side in sides if n % 2 == 0 else sides[::-1]:
                side.run(SLICE_SECONDS)
    finally:
        results = {side.name: side.close() for side in sides}
    chained, plain = results["chained"]["orders_per_s"], results["plain"]["orders_per_s"]
    ratio = round(chained / plain, 2) if plain else None
    return {
        "backend": backend,
        "chained": results["chained"],
        "without_chain": results["plain"],
        "chained_over_without": ratio,
        "target": TARGET,
        "target_met": ratio is not None and ratio >= TARGET,
    }
