"""Catalogue search under load: 100,000 products and 20,000 companies, on SQLite and PostgreSQL.

For each database: generate the data (benchmarks/catalogue_data.py), then for each gunicorn worker class
(sync, gthread), serve a hello-world Flask app and then the marketplace with 2 workers on 127.0.0.1 and load
each with `wrk -t2 -c16 -d10s`. The catalogue URLs rotate over Korean queries, each with one filter.
Target: catalogue req/s >= 30% of hello-world req/s in the same run, and catalogue p95 < 50 ms.
The catalogue runs as deployed, with its page cache (services/catalogue_cache.py: after the first request
of each URL, anonymous visitors get the cached page while the catalogue version is unchanged), and again
with the cache off (CATALOGUE_CACHE_PAGES=0), so every request searches and renders: both are reported.
Figures go to benchmarks/results/catalogue.json. PostgreSQL is skipped when BENCH_PG_URL's server is down.
BENCH_REUSE=1 keeps the generated databases after the run and reuses them on the next (they are rebuilt
when absent or when their schema no longer matches the models).
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

RESULTS = ROOT / "benchmarks" / "results"
SQLITE_PATH = RESULTS / "catalogue-bench.sqlite3"
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
PG_DATABASE = os.environ.get("BENCH_PG_PREFIX", "mp_bench")  # as benchmarks/pg.py names its databases
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
DURATION = os.environ.get("BENCH_DURATION", "10s")
REUSE = os.environ.get("BENCH_REUSE") == "1"
WORKER_CLASSES = {"sync": ["--worker-class", "sync"], "gthread": ["--worker-class", "gthread", "--threads", "4"]}
QUERIES = ["센서", "펌프", "조명", "드론", "배터리", "필터", "로봇", "밸브", "카메라", "충전기"]
FILTERS = [
    "region=seoul",
    "category=energy",
    "first_timer=1",
    "startup=1",
    "cert_type=EPC",
    "region=gyeonggi",
    "category=water",
    "region=busan",
]
TARGET_RATIO, TARGET_P95_MS = 0.30, 50.0

LUA = """
local paths = {%(paths)s}
local counter = 0
wrk.headers["Accept-Language"] = "ko"
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("BENCH {\\"requests\\": %%d, \\"duration_us\\": %%d, "
    .. "\\"p50_us\\": %%d, \\"p95_us\\": %%d, "
    .. "\\"p99_us\\": %%d, \\"errors\\": %%d, \\"non_2xx\\": %%d}\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
"""


def catalogue_paths() -> list[str]:
    """Every Korean query with one filter each, so consecutive requests differ."""
    return [
        f"/products?q={quote(q)}&{FILTERS[(i + j) % len(FILTERS)]}" for i, q in enumerate(QUERIES) for j in range(2)
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(target: str, worker_class: str, env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [
            GUNICORN,
            "--workers",
            "2",
            *WORKER_CLASSES[worker_class],
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            target,
        ],
        cwd=str(ROOT),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(base + ("/healthz" if "marketplace" in target else "/"), timeout=1).read()
            return process, base
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(process.stderr.read().decode()) from None
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError(f"gunicorn did not start: {target}")


def load(base: str, paths: list[str]) -> dict:
    """Warm up, then run wrk; return req/s and latency percentiles in ms."""
    script = RESULTS / "wrk_paths.lua"
    script.write_text(LUA % {"paths": ", ".join(json.dumps(p) for p in paths)}, encoding="utf-8")
    for path in paths:
        urllib.request.urlopen(base + path, timeout=10).read()
    out = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{DURATION}", "--latency", "-s", str(script), base],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures = json.loads(re.search(r"^BENCH (\{.*\})$", out, re.M).group(1))
    return {
        "rps": round(figures["requests"] / (figures["duration_us"] / 1e6), 1),
        "p50_ms": figures["p50_us"] / 1000,
        "p95_ms": figures["p95_us"] / 1000,
        "p99_ms": figures["p99_us"] / 1000,
        "errors": figures["errors"],
        "non_2xx": figures["non_2xx"],
    }


def measure(database_url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench-secret", "PYTHONPATH": str(ROOT)}
    paths = catalogue_paths()
    runs = {}
    for worker_class in WORKER_CLASSES:
        run = {}
        for name, target, urls, extra in (
            ("hello", "benchmarks.hello_app:app", ["/"], {}),
            ("catalogue", "marketplace:create_app()", paths, {}),
            ("catalogue_uncached", "marketplace:create_app()", paths, {"CATALOGUE_CACHE_PAGES": "0"}),
        ):
            process, base = serve(target, worker_class, {**env, **extra})
            try:
                run[name] = load(base, urls)
            finally:
                process.terminate()
                process.wait(timeout=10)
        run["ratio"] = round(run["catalogue"]["rps"] / run["hello"]["rps"], 3)
        run["ratio_uncached"] = round(run["catalogue_uncached"]["rps"] / run["hello"]["rps"], 3)
        run["target_met"] = run["ratio"] >= TARGET_RATIO and run["catalogue"]["p95_ms"] < TARGET_P95_MS
        runs[worker_class] = run
    return runs


def prepare_sqlite() -> tuple[str, dict]:
    from catalogue_data import load as load_data
    from sqlalchemy import create_engine

    from marketplace.database import configure_engine, enable_wal

    url = f"sqlite:///{SQLITE_PATH}"
    if REUSE and SQLITE_PATH.exists() and _schema_matches(url):
        return url, {"reused": True}
    SQLITE_PATH.unlink(missing_ok=True)
    engine = create_engine(url)
    configure_engine(engine)
    counts = load_data(engine)
    enable_wal(engine)
    engine.dispose()
    return url, counts


def _schema_matches(url: str) -> bool:
    """Every table, column and index of the models exists in the kept database, fully loaded."""
    from catalogue_data import COMPANIES, PRODUCTS_PER_COMPANY
    from sqlalchemy import create_engine, inspect, text

    from marketplace.extensions import db

    engine = create_engine(url)
    try:
        found = inspect(engine)
        tables = set(found.get_table_names())
        if not all(
            name in tables
            and {c.name for c in table.columns} <= {c["name"] for c in found.get_columns(name)}
            and {i.name for i in table.indexes} <= {i["name"] for i in found.get_indexes(name)}
            for name, table in db.metadata.tables.items()
        ):
            return False
        with engine.connect() as conn:  # a load that failed half-way is not reused
            browsable = conn.execute(text("SELECT count(*) FROM search_grams WHERE gram = '*'")).scalar()
        return browsable == COMPANIES * PRODUCTS_PER_COMPANY
    finally:
        engine.dispose()


def pg_admin():
    import psycopg
    from sqlalchemy import make_url

    url = make_url(PG_ADMIN_URL)
    return psycopg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        dbname=url.database,
        autocommit=True,
        connect_timeout=3,
    )


def prepare_postgres() -> tuple[str, dict]:
    from catalogue_data import load as load_data
    from sqlalchemy import create_engine, make_url

    url = make_url(PG_ADMIN_URL).set(database=PG_DATABASE).render_as_string(hide_password=False)
    with pg_admin() as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (PG_DATABASE,)).fetchone()
    if REUSE and exists and _schema_matches(url):
        return url, {"reused": True}
    with pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')
    engine = create_engine(url)
    counts = load_data(engine)
    engine.dispose()
    return url, counts


def drop_postgres() -> None:
    with pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk (make bench does it)")
    RESULTS.mkdir(parents=True, exist_ok=True)
    figures = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "wrk": f"-t2 -c16 -d{DURATION}",
        "gunicorn_workers": 2,
        "paths": catalogue_paths(),
        "databases": {},
    }
    started = time.perf_counter()
    url, counts = prepare_sqlite()
    figures["databases"]["sqlite"] = {
        "rows": counts,
        "load_s": round(time.perf_counter() - started, 1),
        "runs": measure(url),
    }
    if not REUSE:
        SQLITE_PATH.unlink(missing_ok=True)
    try:
        pg_admin().close()
    except Exception as error:  # noqa: BLE001 - no server: report and go on
        figures["databases"]["postgresql"] = {"skipped": f"no PostgreSQL server: {error}"}
    else:
        started = time.perf_counter()
        try:
            url, counts = prepare_postgres()
            load_s = round(time.perf_counter() - started, 1)
            figures["databases"]["postgresql"] = {"rows": counts, "load_s": load_s, "runs": measure(url)}
        finally:
            if not REUSE:
                drop_postgres()
    (RESULTS / "catalogue.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    report(figures)


def report(figures: dict) -> None:
    print(
        f"Catalogue benchmark: 100,000 products, 20,000 companies; gunicorn -w 2; wrk {figures['wrk']}; "
        f"{figures['cpus']} CPUs"
    )
    print(
        f"  {'database':<11}{'workers':<9}{'hello req/s':>12}{'catalogue req/s':>17}{'ratio':>8}"
        f"{'p50 ms':>9}{'p95 ms':>9}  target (>=30%, p95<50ms)"
    )
    for database, data in figures["databases"].items():
        if "skipped" in data:
            print(f"  {database:<11}{data['skipped']}")
            continue
        for worker_class, run in data["runs"].items():
            cat = run["catalogue"]
            print(
                f"  {database:<11}{worker_class:<9}{run['hello']['rps']:>12,.0f}{cat['rps']:>17,.0f}"
                f"{run['ratio']:>8.1%}{cat['p50_ms']:>9.1f}{cat['p95_ms']:>9.1f}  "
                f"{'met' if run['target_met'] else 'NOT met'}"
            )
            cold = run["catalogue_uncached"]
            print(
                f"  {'':<11}{'  no cache':<21}{cold['rps']:>17,.0f}{run['ratio_uncached']:>8.1%}"
                f"{cold['p50_ms']:>9.1f}{cold['p95_ms']:>9.1f}  (every request searches and renders)"
            )


if __name__ == "__main__":
    main()
