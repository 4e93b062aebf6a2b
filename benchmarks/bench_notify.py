"""Notifying every supplier when a round opens: the staff request's latency, then the mails' delivery rate.

With N suppliers (default 10,000) who could apply, each an approved company with a listed product:

1. opening a round as staff do (services.rounds.open_round, which only queues the announcing job on a
   real SQLite Huey queue): the median of OPENINGS openings, target under 300 ms at 10,000;
2. the job's work (services.round_opening.announce_round): the inbox rows and the outbox mails, in batches;
3. the delivery of those mails to a local aiosmtpd server by `--threads` delivery runs in parallel (what
   the worker's threads do, each run claiming up to 100 mails), against a bare smtplib loop of 4 threads
   sending the same messages: target at least 0.5x the bare rate.

SQLite file database (WAL). Run as `.venv/bin/python benchmarks/bench_notify.py --suppliers 200` for a quick
check; figures go to benchmarks/results/notify.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import smtplib
import socket
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from aiosmtpd.controller import Controller  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from marketplace import create_app  # noqa: E402
from marketplace.database import enable_wal  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.models import Company, OutboxMail, Product, Round, User  # noqa: E402
from marketplace.services import outbox, round_opening, rounds  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "notify.json"
TARGET_OPEN_MS = 300
TARGET_DELIVERY_RATIO = 0.5
BARE_THREADS = 4
OPENINGS = 5  # rounds opened in a row: the latency is their median (the first pays the process's warm-up)


class Counter:
    """The aiosmtpd handler: counts what it is given."""

    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self.lock:
            self.count += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_app(workdir: Path, smtp_port: int):
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'notify.sqlite3'}",
            "SECRET_KEY": "bench",
            "PUBLIC_BASE_URL": "https://bench.example",
            "JOBS_URL": f"sqlite:///{workdir / 'jobs.sqlite3'}",
            "JOBS_IMMEDIATE": False,
            "MAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_port,
            "MAIL_USE_TLS": False,
            "MAIL_USE_SSL": False,
        }
    )


def seed(suppliers: int) -> list[str]:
    """The schema, `suppliers` supplier users (each with an approved company and a listed product), a ministry
    user and OPENINGS draft rounds; returns the rounds' codes."""
    db.create_all()
    enable_wal(db.engine)
    today = date(2026, 1, 1)
    db.session.execute(
        insert(Company),
        [
            {
                "name_ko": f"벤치기업 {n}",
                "name_en": f"Bench Co {n}",
                "brn": f"{9_000_000_000 + n}",
                "representative": "홍길동",
                "region": "seoul",
                "founded_on": today,
                "size_class": "small",
                "public_supply_krw": 0,
                "public_supply_count": 0,
                "public_supply_as_of": today,
                "status": "approved",
            }
            for n in range(suppliers)
        ],
    )
    company_ids = list(db.session.scalars(select(Company.id).order_by(Company.id)))
    db.session.execute(insert(Product), [_product(n, cid) for n, cid in enumerate(company_ids)])
    now = datetime.now(UTC)
    db.session.execute(
        insert(User),
        [
            {
                "email": f"supplier{n}@bench.example",
                "name": f"Supplier {n}",
                "role": "supplier",
                "password_hash": "!",
                "company_id": cid,
                "email_confirmed_at": now,
                "language": "ko" if n % 2 else "en",
            }
            for n, cid in enumerate(company_ids)
        ],
    )
    db.session.add(User(email="staff@bench.example", name="Staff", role="ministry", password_hash="!"))  # noqa: S106 - cannot sign in
    db.session.add_all(
        Round(
            code=f"BENCH-OPEN-{n}",
            title_ko="벤치 회차",
            title_en="Bench round",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=30),
            cap_krw=100_000_000,
            status="draft",
            seed_event_ko="벤치 추첨",
            seed_event_en="Bench draw",
            seed_event_at=now + timedelta(days=31),
        )
        for n in range(OPENINGS)
    )
    db.session.commit()
    with db.engine.connect() as connection:  # the seeding's WAL is not the first opening's to checkpoint
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return [f"BENCH-OPEN-{n}" for n in range(OPENINGS)]


def _product(n: int, company_id: int) -> dict:
    return {
        "company_id": company_id,
        "name_ko": f"벤치 제품 {n}",
        "name_en": f"Bench product {n}",
        "model": f"B-{n}",
        "description": "벤치",
        "specification": "-",
        "category": "electronics",
        "unit_price_krw": 1_000_000,
        "unit": "EA",
        "status": "listed",
    }


def open_round(code: str) -> float:
    """The staff request's work: open the round and queue the announcing job; milliseconds."""
    staff = db.session.scalar(select(User).where(User.role == "ministry"))
    began = time.perf_counter()
    rounds.open_round(staff, code)
    return (time.perf_counter() - began) * 1000


def announce(code: str) -> float:
    """The job's work: every inbox row and outbox mail; seconds."""
    round_id = db.session.scalar(select(Round.id).where(Round.code == code))
    db.session.commit()
    began = time.perf_counter()
    told = round_opening.announce_round(round_id)
    seconds = time.perf_counter() - began
    print(f"announced to {told} suppliers in {seconds:.2f} s", flush=True)
    return seconds


def pending_messages() -> list[EmailMessage]:
    """The queued mails as plain messages, for the bare loop (read before delivery clears their bodies)."""
    messages = []
    for row in db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)):
        message = EmailMessage()
        message["Subject"], message["From"], message["To"] = row.subject, "bench@bench.example", row.recipient
        message.set_content(row.text_body)
        message.add_alternative(row.html_body, subtype="html")
        messages.append(message)
    db.session.commit()
    return messages


def deliver(app, threads: int) -> float:
    """`threads` delivery runs at once, each in its own app context, until the outbox is empty; seconds."""

    def run():
        with app.app_context():
            while outbox.deliver_pending(100):
                pass
            db.session.remove()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    began = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.perf_counter() - began


def bare(messages: list[EmailMessage], port: int, threads: int = BARE_THREADS) -> float:
    """The same messages through smtplib, `threads` connections sending a share each; seconds."""

    def run(share: list[EmailMessage]):
        with smtplib.SMTP("127.0.0.1", port) as connection:
            for message in share:
                connection.send_message(message)

    workers = [threading.Thread(target=run, args=(messages[n::threads],)) for n in range(threads)]
    began = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.perf_counter() - began


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suppliers", type=int, default=10_000)
    parser.add_argument("--threads", type=int, default=4, help="delivery runs in parallel (worker threads)")
    args = parser.parse_args(argv)
    counter = Counter()
    port = free_port()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-notify-") as tmp:
            app = make_app(Path(tmp), port)
            with app.app_context():
                codes = seed(args.suppliers)
                openings = [open_round(code) for code in codes]
                open_ms = statistics.median(openings)
                print(f"open_round: {', '.join(f'{ms:.1f}' for ms in openings)} ms", flush=True)
                announce_s = announce(codes[0])
                messages = pending_messages()
            delivered_s = deliver(app, args.threads)
            worker_received = counter.count
            bare_s = bare(messages, port)
    finally:
        controller.stop()
    mails = len(messages)
    worker_rate = mails / delivered_s if delivered_s else 0.0
    bare_rate = mails / bare_s if bare_s else 0.0
    ratio = worker_rate / bare_rate if bare_rate else None
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "backend": "sqlite",
        "suppliers": args.suppliers,
        "open_round_ms": round(open_ms, 1),
        "open_round_ms_each": [round(ms, 1) for ms in openings],
        "target_open_round_ms": TARGET_OPEN_MS,
        "announce_seconds": round(announce_s, 2),
        "mails": mails,
        "worker_received": worker_received,
        "worker_threads": args.threads,
        "worker_mails_per_s": round(worker_rate, 1),
        "bare_threads": BARE_THREADS,
        "bare_mails_per_s": round(bare_rate, 1),
        "worker_over_bare": round(ratio, 2) if ratio else None,
        "target_worker_over_bare": TARGET_DELIVERY_RATIO,
    }
    result["ok"] = bool(
        open_ms < TARGET_OPEN_MS and worker_received == mails and ratio and ratio >= TARGET_DELIVERY_RATIO
    )
    print(json.dumps(result, indent=2), flush=True)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
