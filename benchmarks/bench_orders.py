"""16 concurrent buyers place orders over HTTP against one MOU until its quota runs out.

Runs gunicorn (2 workers, gthread, as `make run` does) on 127.0.0.1 against a fresh SQLite database in
WAL mode and, when PostgreSQL answers on BENCH_PG_URL, against a fresh database (benchmarks/pg.py). CSRF
protection stays on: each client signs in through the login form and reads the token from the purchase
form, as a browser would. Reports orders per second, the error rate (a 5xx, a connection failure or a
"database is locked" shown to a user; refusals because the quota ran out are not errors) and the final
overspend, which must be 0. Then, per database, what the hash chain costs (benchmarks/chain_cost.py:
orders per second with the chain at least 80% of those without it, measured side by side).
Run as `.venv/bin/python benchmarks/bench_orders.py`; figures go to benchmarks/results/orders.json.
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

import chain_cost  # noqa: E402
import pg  # noqa: E402

CLIENTS = 16
UNIT_PRICE = 1_000
COMMITTED = 4_000_000  # about 1,300 orders of 1-5 units
PASSWORD = "bench-password-2018"  # noqa: S105 - throw-away benchmark accounts
RESULTS = ROOT / "benchmarks" / "results" / "orders.json"
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def prepare(url: str, committed: int = COMMITTED) -> dict:
    """Create the schema and one buyer institution with an MOU, a selected product and 16 buyers."""
    from werkzeug.security import generate_password_hash

    from marketplace import create_app
    from marketplace.database import enable_wal
    from marketplace.extensions import db
    from marketplace.models import (
        Allocation,
        Application,
        Certificate,
        CertificateType,
        Company,
        Institution,
        Product,
        Round,
        User,
    )
    from marketplace.services import quota
    from marketplace.services.reference import ensure_certificate_types

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        db.create_all()
        enable_wal(db.engine)
        ensure_certificate_types()
        today = date.today()
        staff = User(email="staff@bench.example", name="Staff", role="ministry", password_hash="!")  # noqa: S106 - cannot sign in
        institution = Institution(code="BENCH", name_ko="벤치기관", kind="public_enterprise", region="seoul")
        company = Company(
            name_ko="벤치기업",
            brn="1234567891",
            representative="홍길동",
            region="seoul",
            founded_on=date(2020, 1, 1),
            size_class="small",
            public_supply_as_of=today,
            status="approved",
        )
        epc = db.session.query(CertificateType).filter_by(code="EPC").one()
        certificate = Certificate(
            company=company,
            type=epc,
            number="B-1",
            issuer="x",
            status="verified",
            issued_on=today - timedelta(days=30),
            expires_on=today + timedelta(days=900),
        )
        product = Product(
            company=company,
            name_ko="벤치 센서",
            category="electronics",
            unit_price_krw=UNIT_PRICE,
            unit="EA",
            status="listed",
            certificates=[certificate],
        )
        now = datetime.now(UTC)
        round_ = Round(
            code="BENCH-R",
            title_ko="벤치",
            opens_at=now - timedelta(days=60),
            closes_at=now - timedelta(days=30),
            cap_krw=10**9,
            status="published",
        )
        db.session.add_all([staff, institution, company, certificate, product, round_])
        db.session.flush()
        application = Application(
            round_id=round_.id,
            company_id=company.id,
            product_id=product.id,
            receipt_no="BENCH-1",
            amount_krw=10**8,
            status="selected",
        )
        db.session.add(application)
        db.session.flush()
        allocation = Allocation(
            round_id=round_.id,
            application_id=application.id,
            institution_id=institution.id,
            amount_krw=10**8,
            rank=1,
        )
        hashed = generate_password_hash(PASSWORD)
        db.session.add(allocation)
        db.session.add_all(
            [
                User(
                    email=f"buyer{n}@bench.example",
                    name=f"Buyer {n}",
                    role="buyer",
                    password_hash=hashed,
                    institution_id=institution.id,
                )
                for n in range(CLIENTS)
            ]
        )
        db.session.commit()
        mou = quota.create_mou(
            staff,
            institution,
            quota.MouTerms(
                "MOU-BENCH",
                today - timedelta(days=30),
                today - timedelta(days=30),
                today + timedelta(days=300),
                committed,
            ),
        )
        ids = {"allocation_id": allocation.id, "mou_id": mou.id}
        db.session.remove()
        db.engine.dispose()
    return ids


def final_figures(url: str, mou_id: int) -> dict:
    from sqlalchemy import func, select

    from marketplace import create_app
    from marketplace.extensions import db
    from marketplace.models import Mou, Order
    from marketplace.services import quota

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        mou = db.session.get(Mou, mou_id)
        charged = db.session.scalar(
            select(func.coalesce(func.sum(Order.amount_krw), 0)).where(
                Order.mou_id == mou_id, Order.status != "cancelled"
            )
        )
        out = {
            "orders_in_db": db.session.scalar(select(func.count(Order.id))),
            "charged_krw": int(charged),
            "balance_krw": mou.balance_krw,
            "ledger_sum_krw": int(quota.ledger_sum(mou_id)),
            "overspend_krw": max(0, int(charged) - mou.committed_krw),
        }
        db.engine.dispose()
    return out


class Client:
    """One browser-like buyer: a session cookie and the CSRF token."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        headers = {"Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        # A new connection per request: gunicorn closes idle keep-alive connections after 2 s, and a POST
        # sent on a connection the server just closed would be counted as a failure it is not.
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (ConnectionError, http.client.HTTPException, OSError):
            return 599, ""
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, text

    def token(self, path: str) -> str:
        status, text = self.request("GET", path)
        match = TOKEN.search(text)
        if status != 200 or not match:
            raise RuntimeError(f"no CSRF token on {path} (status {status})")
        return match.group(1) or match.group(2)


# Sign-ins are not what is measured: they run one at a time before the clock starts. (Concurrent
# sign-ins on SQLite can fail with "database is locked" in services.accounts.authenticate, which reads
# and then writes in a deferred transaction; reported, not part of this benchmark.)
LOGIN_LOCK = threading.Lock()


def buyer_loop(port: int, n: int, ids: dict, stats: dict, lock: threading.Lock, start: threading.Barrier) -> None:
    client = Client(port)
    path = f"/buyer/purchase/{ids['allocation_id']}"
    try:
        with LOGIN_LOCK:
            token = client.token("/login")
            status, _ = client.request(
                "POST",
                "/login",
                {"csrf_token": token, "email": f"buyer{n}@bench.example", "password": PASSWORD},
            )
        if status != 302:
            raise RuntimeError(f"login failed for buyer{n}: {status}")
        token = client.token(path)
    except Exception:
        start.abort()
        raise
    start.wait()
    quantity, i = 1 + n % 5, 0
    while True:
        i += 1
        form = {
            "csrf_token": token,
            "mou_id": ids["mou_id"],
            "quantity": quantity,
            "unit_price": UNIT_PRICE,
            "contract_method": "private_contract",
            "ordered_on": date.today().isoformat(),
            "no_private_interest": "y",
        }
        began = time.perf_counter()
        status, text = client.request("POST", path, form)
        elapsed = time.perf_counter() - began
        with lock:
            stats["latencies"].append(elapsed)
            if status == 302:
                stats["accepted"] += 1
                stats["accepted_krw"] += quantity * UNIT_PRICE
            elif status == 400 and "remaining quota" in text:
                stats["refused"] += 1
            else:
                stats["errors"] += 1
                stats["error_samples"].append(f"{status} {'database is locked' if 'locked' in text else ''}")
        if status == 400 and "remaining quota" in text:
            if quantity == 1:
                return
            quantity = 1  # the quota may still cover a smaller order
        elif status >= 500 and stats["errors"] > 200:
            return
        quantity = 1 + (n + i) % 5 if status == 302 else quantity


def start_server(url: str, app: str = "marketplace:create_app()") -> tuple[subprocess.Popen, int]:
    """gunicorn with 2 workers of 4 threads (as `make run`) on a free port, serving `app`; waits for /healthz."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-secret", "MARKETPLACE_ENV": "development"}
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "--workers",
            "2",
            "--threads",
            "4",
            "--worker-class",
            "gthread",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            app,
        ],
        cwd=str(ROOT),
        env=env,
    )
    for _ in range(150):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server, port
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"the server for {app} did not start")


def run_backend(name: str, url: str) -> dict:
    ids = prepare(url)
    server, port = start_server(url)
    try:
        stats = {
            "accepted": 0,
            "accepted_krw": 0,
            "refused": 0,
            "errors": 0,
            "error_samples": [],
            "latencies": [],
        }
        lock, start = threading.Lock(), threading.Barrier(CLIENTS + 1, timeout=300)
        threads = [threading.Thread(target=buyer_loop, args=(port, n, ids, stats, lock, start)) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        start.wait()
        began = time.perf_counter()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - began
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies = sorted(stats.pop("latencies"))
    requests = stats["accepted"] + stats["refused"] + stats["errors"]
    figures = final_figures(url, ids["mou_id"])
    return {
        "backend": name,
        "clients": CLIENTS,
        "committed_krw": COMMITTED,
        "seconds": round(seconds, 2),
        "orders_accepted": stats["accepted"],
        "orders_per_s": round(stats["accepted"] / seconds, 1),
        "requests": requests,
        "requests_per_s": round(requests / seconds, 1),
        "quota_refusals": stats["refused"],
        "errors": stats["errors"],
        "error_rate": round(stats["errors"] / requests, 4) if requests else None,
        "error_samples": stats["error_samples"][:5],
        "latency_ms_p50": round(statistics.median(latencies) * 1000, 1),
        "latency_ms_p95": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 1),
        "accepted_krw_by_clients": stats["accepted_krw"],
        **figures,
        "ledger_consistent": figures["ledger_sum_krw"] == figures["balance_krw"] == COMMITTED - figures["charged_krw"],
    }


def backends(workdir: Path) -> list[tuple[str, Callable[[str], str | None]]]:
    """Each backend with a maker of fresh databases by name: SQLite files in `workdir`, and PostgreSQL
    when BENCH_PG_URL's server answers (benchmarks/pg.py)."""
    found = [("sqlite", lambda name: f"sqlite:///{workdir / (name + '.sqlite3')}")]
    if pg.fresh_database("orders"):
        found.append(("postgresql", pg.fresh_database))
    return found


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="mp_bench_orders_"))
    results, chain = [], []
    for name, fresh in backends(workdir):
        print(f"orders over HTTP, {CLIENTS} clients, {name} ...", flush=True)
        results.append(run_backend(name, fresh("orders")))
        print(json.dumps(results[-1], indent=2), flush=True)
        chain.append(chain_cost.measure(name, fresh("orders_chained"), fresh("orders_plain")))
        print(json.dumps(chain[-1], indent=2), flush=True)
        if name == "postgresql":
            for database in ("orders", "orders_chained", "orders_plain"):
                pg.drop_database(fresh_url(database))
    shutil.rmtree(workdir, ignore_errors=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "server": "gunicorn --workers 2 --threads 4 --worker-class gthread",
                "results": results,
                "chain_cost": chain,
            },
            indent=2,
        )
        + "\n"
    )
    for c in chain:
        print(
            f"{c['backend']}: orders/s with the chain {c['chained']['orders_per_s']}, without "
            f"{c['without_chain']['orders_per_s']}, ratio {c['chained_over_without']} (at least {c['target']}); "
            f"slices {c['chained']['orders_per_s_by_slice']} / {c['without_chain']['orders_per_s_by_slice']}"
        )
    ok = all(r["overspend_krw"] == 0 and r["errors"] == 0 and r["ledger_consistent"] for r in results)
    chain_ok = all(c["target_met"] and not c["chained"]["errors"] and not c["without_chain"]["errors"] for c in chain)
    verdict = "OK" if ok and chain_ok else ("FAILED: overspend or errors" if not ok else "FAILED: chain cost")
    print(f"written to {RESULTS.relative_to(ROOT)}; {verdict}")
    return 0 if ok and chain_ok else 1


def fresh_url(name: str) -> str:
    from sqlalchemy import make_url

    return make_url(pg.PG_URL).set(database=f"{pg.PREFIX}_{name}").render_as_string(hide_password=False)


if __name__ == "__main__":
    sys.exit(main())
