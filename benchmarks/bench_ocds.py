"""OCDS release packages of 1,000 and 10,000 orders: the bulk file streamed with flat memory, and the paged feed.

A database of its own (benchmarks/results/ocds-bench-<n>.sqlite3, or <prefix>_ocds_<n> on PostgreSQL when
BENCH_PG_URL's server answers) holds one published round and one contract release per order, shaped as the app
writes them (services/ocds_releases.py: the contract with its value, items and certificate link, and the
parties). Each measurement runs in a fresh subprocess that creates the app and reads, through the test client:

- /ocds/bulk/<year>.json (every release of the year as one package), chunk by chunk as a server sends it: the
  seconds to the last byte, the bytes, and the process's peak RSS (VmHWM) beside its RSS before the request;
- /ocds/releases.json and every page after it by its `next` link (100 releases a page): pages and seconds.

Flat memory means the 10,000-order bulk file peaks no higher than the 1,000-order one plus a little (the rows
are read in batches by id and each release is written out as it is read): the figure is the growth in peak RSS
from 1,000 to 10,000 orders, and the target is under 10 MB. Figures go to benchmarks/results/ocds.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

RESULTS = ROOT / "benchmarks" / "results"
SIZES = (1_000, 10_000)
YEAR = 2025
TARGET_GROWTH_MB = 10.0


def peak_rss_mb() -> float:
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024


def rss_mb() -> float:
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) / 1024


def contract_release(n: int, signed: datetime) -> dict:
    """A contract release for order n, as services/ocds_releases.py builds one for a placed order."""
    return {
        "contracts": [
            {
                "id": f"C{n}",
                "awardID": f"A{n % 400 + 1}",
                "title": f"미세먼지 저감 필터 {n}",
                "title_en": f"Fine dust reduction filter {n}",
                "status": "active",
                "value": {"amount": 475_000 + n, "currency": "KRW"},
                "dateSigned": signed.isoformat(),
                "items": [
                    {
                        "id": str(n),
                        "description": f"미세먼지 저감 필터 {n}",
                        "quantity": 5,
                        "unit": {"name": "EA", "value": {"amount": 95_000, "currency": "KRW"}},
                    }
                ],
                "documents": [
                    {
                        "id": f"relief-{n}",
                        "documentType": "contractSigned",
                        "title": "감사 면책 확인서 / Audit-relief certificate",
                        "url": f"https://pilot.example.go.kr/verify/PP-{YEAR}-{n:06d}",
                        "format": "text/html",
                        "language": "ko",
                    }
                ],
            }
        ],
        "parties": [
            {
                "id": f"KR-PILOT-INST-{n % 26:02d}",
                "name": "한국전력공사",
                "name_en": "Korea Electric Power Corporation (KEPCO)",
                "roles": ["buyer"],
            },
            {
                "id": f"KR-BRN-{1_000_000_000 + n % 400}",
                "name": f"테스트기업 {n % 400}",
                "name_en": f"Test Company {n % 400}",
                "roles": ["supplier"],
            },
        ],
        "buyer": {"id": f"KR-PILOT-INST-{n % 26:02d}", "name": "한국전력공사"},
    }


def load(url: str, orders: int) -> None:
    from sqlalchemy import create_engine, insert

    from marketplace.database import configure_engine
    from marketplace.extensions import db
    from marketplace.models import OcdsRelease, Round

    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        configure_engine(engine)
    db.metadata.create_all(engine)
    opened = datetime(YEAR, 1, 2, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            insert(Round).values(
                id=1,
                code=f"{YEAR}-H1",
                title_ko="벤치마크 회차",
                title_en="Benchmark round",
                opens_at=opened,
                closes_at=opened + timedelta(days=30),
                cap_krw=100_000_000,
                status="published",
                created_at=opened,
            )
        )
        batch = []
        for n in range(1, orders + 1):
            moment = opened + timedelta(days=40, minutes=n)
            batch.append(
                {
                    "round_id": 1,
                    "date": moment,
                    "tag": ["contract"],
                    "data": contract_release(n, moment),
                    "created_at": moment,
                }
            )
            if len(batch) == 1000:
                conn.execute(insert(OcdsRelease), batch)
                batch = []
        if batch:
            conn.execute(insert(OcdsRelease), batch)
    engine.dispose()


def child(url: str) -> dict:
    """In the subprocess: the bulk file streamed, then the paged feed walked by its next links."""
    from marketplace import create_app

    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    client = app.test_client()
    client.get("/open-data")  # warm: templates, connections
    before = rss_mb()
    started = time.perf_counter()
    response = client.get(f"/ocds/bulk/{YEAR}.json", buffered=False)
    size = 0
    for chunk in response.response:
        size += len(chunk)
    response.close()
    bulk_seconds = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    peak = peak_rss_mb()

    started, pages, releases = time.perf_counter(), 0, 0
    path = "/ocds/releases.json"
    while path:
        page = client.get(path)
        assert page.status_code == 200, page.status_code
        package = page.get_json()
        pages, releases = pages + 1, releases + len(package["releases"])
        path = package.get("links", {}).get("next", "").replace("http://localhost", "")
    return {
        "bulk_seconds": round(bulk_seconds, 2),
        "bulk_bytes": size,
        "bulk_peak_rss_mb": round(peak, 1),
        "rss_before_mb": round(before, 1),
        "feed_pages": pages,
        "feed_releases": releases,
        "feed_seconds": round(time.perf_counter() - started, 2),
    }


def measure(backend: str, url_for_size) -> dict:
    runs = {}
    for orders in SIZES:
        url = url_for_size(orders)
        if url is None:
            return {"backend": backend, "skipped": "no PostgreSQL server"}
        load(url, orders)
        out = subprocess.run(
            [sys.executable, __file__, "--child", url], capture_output=True, text=True, check=True, cwd=str(ROOT)
        ).stdout
        runs[orders] = json.loads(out.strip().splitlines()[-1])
        assert runs[orders]["feed_releases"] == orders
    growth = runs[SIZES[1]]["bulk_peak_rss_mb"] - runs[SIZES[0]]["bulk_peak_rss_mb"]
    return {
        "backend": backend,
        "runs": {str(k): v for k, v in runs.items()},
        "bulk_peak_growth_mb_1k_to_10k": round(growth, 1),
        "target_met": growth < TARGET_GROWTH_MB,
    }


def sqlite_url(orders: int) -> str:
    path = RESULTS / f"ocds-bench-{orders}.sqlite3"
    path.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def postgres_url(orders: int) -> str | None:
    from pg import fresh_database

    return fresh_database(f"ocds_{orders}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--child", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child)))
        return
    RESULTS.mkdir(parents=True, exist_ok=True)
    backends = args.backend or ["sqlite", "postgresql"]
    results = []
    if "sqlite" in backends:
        results.append(measure("sqlite", sqlite_url))
    if "postgresql" in backends:
        results.append(measure("postgresql", postgres_url))
    document = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "load_average": os.getloadavg()},
        "target_growth_mb": TARGET_GROWTH_MB,
        "results": results,
    }
    (RESULTS / "ocds.json").write_text(json.dumps(document, indent=2) + "\n")
    print(json.dumps(document, indent=2))


if __name__ == "__main__":
    main()
