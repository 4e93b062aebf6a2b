"""`flask audit verify` over 1,000,000 hash-chained audit events: under 30 s, in memory that stays flat.

For each size (100,000 then 1,000,000 events; BENCH_AUDIT_EVENTS) a fresh database is filled in bulk:
the events are chained in Python by the app's own functions (services.chains.event_content and
domain.chain.link_hash, as the commit hook does) and inserted in large batches through SQLAlchemy Core,
so each column is stored as the app stores it; the chain head is moved to the last event. Then
`flask audit verify` runs in a child process: its wall time, exit status and peak resident memory
(os.wait4's rusage of exactly that child). On SQLite (a file in a temporary directory) and, with
BENCH_AUDIT_PG=1 (filling PostgreSQL takes a minute more), on PostgreSQL at BENCH_PG_URL.
Targets: 1,000,000 events verified in under 30 s; peak memory at 1,000,000 within 10% (or 16 MiB) of
the peak at 100,000. Figures go to benchmarks/results/audit.json.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

import pg  # noqa: E402

SIZES = [int(n) for n in os.environ.get("BENCH_AUDIT_EVENTS", "100000,1000000").split(",")]
BATCH = 20_000
TARGET_S = 30.0
FLAT_RATIO, FLAT_MIB = 1.10, 16.0
RESULTS = ROOT / "benchmarks" / "results" / "audit.json"
ACTIONS = [
    ("order.placed", "Order", "buyer"),
    ("product.updated", "Product", "supplier"),
    ("report.generated", "ReportDocument", "buyer"),
    ("user.login", "User", "buyer"),
    ("relief_certificate.issued", "AuditReliefCertificate", "buyer"),
]


def _event(n: int, start: datetime) -> dict:
    """The n-th event's columns: a mix of actions, with before/after JSON as use cases record them."""
    action, object_type, role = ACTIONS[n % len(ACTIONS)]
    after = {"number": f"PP-2018-{n:06d}", "amount_krw": 1_000 * (n % 997 + 1), "label": f"벤치 이벤트 {n}"}
    return {
        "actor_id": None,
        "actor_role": role,
        "action": action,
        "object_type": object_type,
        "object_id": n,
        "company_id": None,
        "institution_id": None,
        "before": {"status": "placed"} if n % 3 == 0 else None,
        "after": after,
        "reason": "계약 해지" if n % 50 == 0 else "",
        "request_id": f"{n:016x}",
        "created_at": start + timedelta(milliseconds=37 * n),
    }


def fill(url: str, count: int) -> float:
    """Create the schema and `count` chained events; returns the seconds it took."""
    from sqlalchemy import insert, update

    from marketplace import create_app
    from marketplace.database import enable_wal
    from marketplace.domain.chain import GENESIS, link_hash
    from marketplace.extensions import db
    from marketplace.models import AuditEvent, ChainHead
    from marketplace.services.chains import event_content

    began = time.perf_counter()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        db.create_all()
        enable_wal(db.engine)
        previous, start = GENESIS, datetime(2018, 9, 1, tzinfo=UTC)
        with db.engine.begin() as conn:
            for first in range(1, count + 1, BATCH):
                rows = []
                for n in range(first, min(first + BATCH, count + 1)):
                    row = _event(n, start)
                    row["seq"], row["prev_hash"] = n, previous
                    row["hash"] = previous = link_hash(previous, event_content(SimpleNamespace(**row)))
                    rows.append(row)
                conn.execute(insert(AuditEvent), rows)
            conn.execute(update(ChainHead).where(ChainHead.name == "audit").values(seq=count, hash=previous))
        db.engine.dispose()
    return time.perf_counter() - began


def verify(url: str, workdir: Path) -> dict:
    """`flask audit verify` in a child process: wall time, exit status, peak RSS of that child alone."""
    flask = Path(sys.executable).with_name("flask")
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-secret", "MARKETPLACE_ENV": "development"}
    out = workdir / "verify.out"
    began = time.perf_counter()
    with out.open("wb") as sink:
        child = subprocess.Popen(
            [str(flask if flask.exists() else "flask"), "--app", "marketplace", "audit", "verify"],
            cwd=str(ROOT),
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - began
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped above: keep Popen from waiting again
    return {
        "seconds": round(seconds, 2),
        "exit_code": child.returncode,
        "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
        "output": out.read_text()[-600:].strip(),
    }


def run(backend: str, fresh) -> list[dict]:
    rows = []
    for size in SIZES:
        url = fresh(f"audit_{size}")
        print(f"  {backend}: filling {size:,} events ...", flush=True)
        filled = fill(url, size)
        print(f"  {backend}: verifying {size:,} events ...", flush=True)
        result = {"backend": backend, "events": size, "fill_s": round(filled, 1), **verify(url, WORKDIR)}
        print(
            f"    {result['seconds']} s, peak RSS {result['peak_rss_mib']} MiB, exit {result['exit_code']}", flush=True
        )
        rows.append(result)
        if backend == "postgresql":
            pg.drop_database(url)
        else:
            Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    return rows


def checks(rows: list[dict]) -> list[str]:
    problems = []
    for backend in sorted({r["backend"] for r in rows}):
        mine = {r["events"]: r for r in rows if r["backend"] == backend}
        for r in mine.values():
            if r["exit_code"] != 0 or f"INTACT audit: {r['events']} events" not in r["output"]:
                problems.append(f"{backend}: verify of {r['events']:,} events did not say intact: {r['output']}")
        largest, smallest = mine[max(mine)], mine[min(mine)]
        if largest["events"] >= 1_000_000 and largest["seconds"] >= TARGET_S:
            problems.append(
                f"{backend}: {largest['events']:,} events took {largest['seconds']} s (target < {TARGET_S} s)"
            )
        allowed = max(smallest["peak_rss_mib"] * FLAT_RATIO, smallest["peak_rss_mib"] + FLAT_MIB)
        if len(mine) > 1 and largest["peak_rss_mib"] > allowed:
            problems.append(
                f"{backend}: peak RSS {largest['peak_rss_mib']} MiB at {largest['events']:,} events, "
                f"{smallest['peak_rss_mib']} MiB at {smallest['events']:,}: not flat"
            )
    return problems


WORKDIR = Path(tempfile.mkdtemp(prefix="mp_bench_audit_"))


def main() -> int:
    rows = run("sqlite", lambda name: f"sqlite:///{WORKDIR / (name + '.sqlite3')}")
    if os.environ.get("BENCH_AUDIT_PG") == "1" and pg.fresh_database("audit_probe"):
        pg.drop_database(pg.fresh_database("audit_probe"))
        rows += run("postgresql", pg.fresh_database)
    shutil.rmtree(WORKDIR, ignore_errors=True)
    problems = checks(rows)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "target_s": TARGET_S,
                "results": rows,
                "problems": problems,
            },
            indent=2,
        )
        + "\n"
    )
    for r in rows:
        print(
            f"{r['backend']:<11} {r['events']:>9,} events  verify {r['seconds']:>6} s  peak RSS "
            f"{r['peak_rss_mib']:>6} MiB  (filled in {r['fill_s']} s)"
        )
    print(f"written to {RESULTS.relative_to(ROOT)}; " + ("FAILED: " + "; ".join(problems) if problems else "OK"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
