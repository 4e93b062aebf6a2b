"""The catalogue's JSON API against the HTML catalogue, for the same queries, on the catalogue bench's data.

The same 100,000 products as bench_catalogue.py (its SQLite database, reused with BENCH_REUSE=1), served by
gunicorn (2 gthread workers) and loaded with `wrk -t2 -c16`. The URLs are bench_catalogue's: each Korean
query with one filter; the API gets them as /api/v1/products?...&limit=20 (the page's 20 results).
Runs: the HTML catalogue as deployed (its page cache on) and the API (from the same cache, its rate limit
counted on every request but raised so that it does not refuse the load), taking turns three times
(BENCH_API_ROUNDS), the median of each counting; and once the HTML catalogue with the cache off (every request
searches and renders). Target: API req/s >= HTML catalogue req/s (as deployed, its cache on) for
the same queries; the ratio to the HTML catalogue searching every request is reported beside it.
Figures go to benchmarks/results/api.json.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_catalogue import DURATION, RESULTS, REUSE, SQLITE_PATH, catalogue_paths, load, prepare_sqlite, serve  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_API_ROUNDS", "3"))


def api_paths() -> list[str]:
    return [path.replace("/products?", "/api/v1/products?", 1) + "&limit=20" for path in catalogue_paths()]


def measure(database_url: str) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-secret",
        "PYTHONPATH": str(ROOT),
        "RATELIMIT_API": "1000000 per minute",
    }
    kinds = {
        "html": (catalogue_paths(), {}),
        "html_uncached": (catalogue_paths(), {"CATALOGUE_CACHE_PAGES": "0"}),
        "api": (api_paths(), {}),
    }
    # The page and the API take turns, ROUNDS times, so that a busy machine slows both alike; the median counts.
    order = ["html_uncached"] + ["html", "api"] * ROUNDS
    samples: dict[str, list[dict]] = {name: [] for name in kinds}
    for name in order:
        paths, extra = kinds[name]
        process, base = serve("marketplace:create_app()", "gthread", {**env, **extra})
        try:
            samples[name].append(load(base, paths))
        finally:
            process.terminate()
            process.wait(timeout=10)
    runs: dict = {name: median_run(found) for name, found in samples.items()}
    runs["api_over_html"] = round(runs["api"]["rps"] / runs["html"]["rps"], 3)
    runs["api_over_html_uncached"] = round(runs["api"]["rps"] / runs["html_uncached"]["rps"], 3)
    runs["api_over_html_each_round"] = [
        round(api["rps"] / html["rps"], 3) for html, api in zip(samples["html"], samples["api"], strict=True)
    ]
    runs["target_met"] = runs["api_over_html"] >= 1.0  # against the page as deployed, its cache on
    return runs


def median_run(found: list[dict]) -> dict:
    """The run with the median requests per second, with every run's figure beside it."""
    ranked = sorted(found, key=lambda run: run["rps"])
    return {**ranked[len(ranked) // 2], "rps_each": [run["rps"] for run in found]}


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk (make bench does it)")
    RESULTS.mkdir(parents=True, exist_ok=True)
    url, counts = prepare_sqlite()
    figures = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "wrk": f"-t2 -c16 -d{DURATION}",
        "gunicorn": "2 gthread workers, 4 threads",
        "rounds": ROUNDS,
        "rows": counts,
        "api_paths": api_paths(),
        "sqlite": measure(url),
    }
    if not REUSE:
        SQLITE_PATH.unlink(missing_ok=True)
    (RESULTS / "api.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    run = figures["sqlite"]
    print("API benchmark (SQLite, 100,000 products): req/s for the same catalogue queries")
    for name in ("html", "html_uncached", "api"):
        one = run[name]
        print(f"  {name:<15}{one['rps']:>10,.0f} req/s  p95 {one['p95_ms']:.1f} ms  non-2xx {one['non_2xx']}")
    print(f"  API / HTML per round: {', '.join(f'{r:.2f}' for r in run['api_over_html_each_round'])}")
    print(
        f"  API / HTML (page cache on, medians): {run['api_over_html']:.2f}; API / HTML (searching every request): "
        f"{run['api_over_html_uncached']:.2f}; target (API >= HTML) {'met' if run['target_met'] else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
