"""Many writers at once: no "database is locked", no lost write, and a busy lock answers 503.

The mixed-load test starts eight processes, each building its own app on the same database
(a file SQLite database in WAL mode, or the PostgreSQL database of TEST_DATABASE_URL) and writing
through the HTTP test client: orders, product edits by two suppliers, certificates issued,
report downloads and logouts, all released together by a barrier.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from marketplace import create_app
from marketplace.extensions import db
from marketplace.models import AuditReliefCertificate, Order, Product, ReportDocument, User
from tests import clock, processes
from tests.builders_orders import OrderBuilders
from tests.builders_supplier import product_form
from tests.conftest import IsolatedClient, base_config, writer_config
from tests.factories import DEFAULT_PASSWORD

ROUNDS = 4  # writes per worker
FAKE_PDF = b"%PDF-1.7 concurrency test\n"


def _client(app, email: str, language: str = "en"):
    client = app.test_client()
    client.get(f"/?lang={language}")
    response = client.post("/login", data={"email": email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def _orders(client, job):
    data = {
        "mou_id": str(job["mou_id"]),
        "quantity": "1",
        "unit_price": "1,000,000",
        "amount": "",
        "contract_method": "private_contract",
        "ordered_on": job["today"],
        "no_private_interest": "y",
    }
    return [client.post(f"/buyer/purchase/{job['allocation_id']}", data=data).status_code for _ in range(ROUNDS)]


def _edits(client, job):
    return [
        client.post(
            f"/supplier/products/{job['product_id']}/edit",
            data=product_form([job["certificate_id"]], name_en=f"{job['tag']} edit {i}"),
        ).status_code
        for i in range(ROUNDS)
    ]


def _certificates(client, job):
    return [client.post(f"/buyer/orders/{order_id}/certificate").status_code for order_id in job["order_ids"]]


def _reports(client, job):
    query = {"purchase-start": "2018-01-01", "purchase-end": "2018-12-31", "purchase-language": "en"}
    return [client.get("/buyer/reports/purchase-report.pdf", query_string=query).status_code for _ in range(ROUNDS)]


def _logouts(client, job):
    codes = []
    for _ in range(ROUNDS):
        codes.append(client.post("/logout").status_code)
        codes.append(client.post("/login", data={"email": job["email"], "password": DEFAULT_PASSWORD}).status_code)
    return codes


JOBS = {"orders": _orders, "edits": _edits, "certificates": _certificates, "reports": _reports, "logouts": _logouts}


def run_job(url: str, job: dict, barrier) -> dict:
    """In a process of its own: sign in, wait for every worker, then write; return the status codes."""
    from marketplace import create_app
    from marketplace.reports import certificates, documents

    # The storage use cases are under test, not WeasyPrint: a stand-in PDF keeps the test fast.
    certificates.render_pdf = documents.render_pdf = lambda *args, **kwargs: FAKE_PDF
    # REPORTS_CACHE_BYTES=0: each download stores a document (a report asked again unchanged is otherwise
    # served as stored, services/served_reports.py); the concurrent writes are what is tested
    app = create_app(writer_config(url, REPORTS_CACHE_BYTES=0))
    result = {"job": job["kind"], "codes": [], "errors": []}
    with app.app_context():
        client = _client(app, job["email"])
        db.session.remove()
        barrier.wait(timeout=60)
        try:
            result["codes"] = JOBS[job["kind"]](client, job)
        except Exception as error:  # noqa: BLE001 - a 500 propagates in TESTING: the failure looked for
            result["errors"].append(repr(error)[:300])
        db.session.remove()
        db.engine.dispose()
    return result


EXPECTED = {"orders": 302, "edits": 302, "certificates": 302, "reports": 200}


def test_eight_processes_writing_different_things_at_once_all_succeed(app, make, database_url):
    ob = OrderBuilders(make)
    buyers = [ob.setup(committed=100_000_000) for _ in range(2)]
    certificate_orders = [
        ob.order(buyer, allocation, mou, quantity=1) for buyer, mou, allocation in buyers for _ in range(ROUNDS)
    ]
    suppliers = [make.user("supplier") for _ in range(2)]
    products = [make.product(user.company) for user in suppliers]
    report_buyer, logout_user = make.user("buyer"), make.user("buyer")
    today = clock.today().isoformat()
    jobs = [
        *(
            {"kind": "orders", "email": b.email, "mou_id": m.id, "allocation_id": a.id, "today": today}
            for b, m, a in buyers
        ),
        *(
            {
                "kind": "edits",
                "email": s.email,
                "product_id": p.id,
                "certificate_id": p.certificates[0].id,
                "tag": s.email,
            }
            for s, p in zip(suppliers, products, strict=True)
        ),
        *(
            {
                "kind": "certificates",
                "email": b.email,
                "order_ids": [o.id for o in certificate_orders if o.buyer_id == b.id],
            }
            for b, _, _ in buyers
        ),
        {"kind": "reports", "email": report_buyer.email},
        {"kind": "logouts", "email": logout_user.email},
    ]
    version_before = logout_user.session_version
    orders_before = db.session.scalar(select(func.count(Order.id)))
    db.session.remove()
    with processes.context().Manager() as manager:
        barrier = manager.Barrier(len(jobs))
        with processes.context().Pool(len(jobs)) as pool:
            results = pool.starmap(run_job, [(database_url, job, barrier) for job in jobs])

    assert [e for r in results for e in r["errors"]] == []
    for result in results:
        expected = EXPECTED.get(result["job"], 302)
        assert result["codes"] and set(result["codes"]) == {expected}, result
    # no lost write
    assert db.session.scalar(select(func.count(Order.id))) == orders_before + 2 * ROUNDS
    for supplier, product in zip(suppliers, products, strict=True):
        assert db.session.get(Product, product.id).name_en == f"{supplier.email} edit {ROUNDS - 1}"
    issued = db.session.scalars(select(AuditReliefCertificate.order_id)).all()
    assert sorted(issued) == sorted(o.id for o in certificate_orders)
    assert db.session.scalar(select(func.count(ReportDocument.id))) == ROUNDS
    assert db.session.get(User, logout_user.id).session_version == version_before + ROUNDS


# --- a lock that cannot be had in time ---------------------------------------------------------------

TIMEOUT_MS = 300
HOLD_LOCK = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.read()
conn.execute("ROLLBACK")
"""


@pytest.fixture
def held_lock(sqlite_url):
    """Hold SQLite's write lock from another process until the test ends."""

    def hold():
        path = sqlite_url.removeprefix("sqlite:///")
        process = subprocess.Popen(
            [sys.executable, "-c", HOLD_LOCK, path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert process.stdout.readline().strip() == "locked"
        holders.append(process)

    holders: list[subprocess.Popen] = []
    yield hold
    for process in holders:
        process.stdin.close()
        process.wait()  # it exits when its stdin closes; under faketime a timed wait fails with EINVAL


@pytest.fixture
def busy_app(sqlite_url):
    """An app on the SQLite copy that waits at most TIMEOUT_MS for the write lock."""
    app = create_app({**base_config(sqlite_url), "DB_LOCK_TIMEOUT_MS": TIMEOUT_MS})
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_a_write_that_cannot_get_the_lock_answers_503_in_the_users_language(busy_app, make, held_lock):
    buyer, other = make.user("buyer"), make.user("buyer")
    version = buyer.session_version
    english, korean = _client(busy_app, buyer.email, "en"), _client(busy_app, other.email, "ko")
    db.session.commit()
    held_lock()

    started = time.monotonic()
    response = english.post("/logout")
    assert time.monotonic() - started < TIMEOUT_MS / 1000 + 1
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert "Nothing was saved. The service is busy; try again." in response.get_data(as_text=True)
    response = korean.post("/logout")
    assert response.status_code == 503
    assert "아무것도 저장되지 않았습니다" in response.get_data(as_text=True)
    response = english.post("/logout", headers={"Accept": "application/json"})
    assert response.status_code == 503
    assert response.get_json()["message"] == "Nothing was saved. The service is busy; try again."
    assert english.get("/buyer/").status_code == 200  # reading never waits for the write lock
    assert db.session.get(User, buyer.id).session_version == version  # nothing was saved


# --- the MOU cap -----------------------------------------------------------------------------------

CAP = 10**15
STEP = 2 * 10**14


def amend_in_thread(app, actor_id: int, mou_id: int, delta: int, barrier: threading.Barrier) -> str:
    """In a thread with its own app context, hence its own session and connection."""
    from marketplace.domain.quota import AmendmentRefused
    from marketplace.services import quota

    with app.app_context():
        actor = db.session.get(User, actor_id)
        db.session.commit()
        barrier.wait(timeout=30)
        try:
            quota.amend_mou(actor, mou_id, delta, "more budget")
            outcome = "accepted"
        except AmendmentRefused:
            outcome = "refused"
        except Exception as error:  # noqa: BLE001
            outcome = repr(error)[:300]
        db.session.remove()
    return outcome


def test_concurrent_amendments_never_pass_the_cap_and_a_decrease_at_the_cap_is_accepted(app, make):
    from marketplace.services import quota

    staff = make.user("ministry")
    mou = OrderBuilders(make).mou(committed=10**14, actor=staff)
    mou_id, staff_id = mou.id, staff.id
    db.session.commit()
    workers = 8
    barrier = threading.Barrier(workers)
    with ThreadPoolExecutor(workers) as pool:
        outcomes = list(pool.map(lambda _: amend_in_thread(app, staff_id, mou_id, STEP, barrier), range(workers)))

    assert sorted(outcomes) == ["accepted"] * 4 + ["refused"] * 4
    fresh = quota.get_mou(mou_id)
    assert fresh.committed_krw == 10**14 + 4 * STEP == quota.ledger_sum(mou_id) <= CAP
    staff = db.session.get(User, staff_id)
    quota.amend_mou(staff, mou_id, CAP - fresh.committed_krw, "up to the cap")
    assert quota.get_mou(mou_id).committed_krw == CAP
    quota.amend_mou(staff, mou_id, -1, "a decrease at the cap")
    assert quota.get_mou(mou_id).committed_krw == CAP - 1


def test_a_decrease_is_accepted_even_above_the_cap(app, make):
    from sqlalchemy import update

    from marketplace.models import Mou
    from marketplace.services import quota

    staff = make.user("ministry")
    mou = OrderBuilders(make).mou(committed=10**14, actor=staff)
    db.session.execute(update(Mou).where(Mou.id == mou.id).values(committed_krw=CAP + 5, balance_krw=CAP + 5))
    db.session.commit()
    quota.amend_mou(staff, mou.id, -1, "a decrease, still above the cap")
    assert quota.get_mou(mou.id).committed_krw == CAP + 4
