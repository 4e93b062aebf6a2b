"""Run every benchmarks/bench_*.py in turn (make bench), then print and save a summary of the headline figures.

Each script writes its own figures to benchmarks/results/<name>.json; this one adds
benchmarks/results/summary.json (status and time of each script, and the figures the targets are about).
So that the whole run stays near 15 minutes on two cores, `make bench` reuses the catalogue's generated
databases from the previous run (BENCH_REUSE=1, rebuilt when the schema changed) and renders 10 rather
than 20 reports in a row for the PDF memory figures (BENCH_PDF_IN_A_ROW); set either to override.

`--only mixed orders` runs only those scripts (bench_mixed.py, bench_orders.py) and prints their figures
without rewriting summary.json (which describes a whole run); arguments after `--` go to each script, e.g.
`.venv/bin/python benchmarks/run_all.py --only mixed -- --backend sqlite` for the SQLite ratio alone.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
DEFAULTS = {"BENCH_REUSE": "1", "BENCH_PDF_IN_A_ROW": "10"}


def _load(name: str) -> dict:
    try:
        return json.loads((RESULTS / f"{name}.json").read_text())
    except (OSError, ValueError):
        return {}


def headlines() -> dict:
    """The figures the targets are about, read back from the scripts' own results."""
    mixed, orders, audit, draw = _load("mixed"), _load("orders"), _load("audit"), _load("draw")
    exports, ocds, notify = _load("exports"), _load("ocds"), _load("notify")
    api = _load("api").get("sqlite", {})
    return {
        "api_over_html_catalogue": {k: api.get(k) for k in ("api_over_html", "api_over_html_uncached")},
        "mixed_sqlite_writes_ratio": mixed.get("sqlite_mixed_over_orders_only_writes"),
        "mixed_p95_ms": {
            r["backend"]: {k: v["latency_ms_p95"] for k, v in r["kinds"].items()} for r in mixed.get("results", [])
        },
        "mixed_5xx": {r["backend"]: r["server_errors_5xx"] for r in mixed.get("results", [])},
        "chain_cost_ratio": {c["backend"]: c["chained_over_without"] for c in orders.get("chain_cost", [])},
        "audit_verify": [
            {k: r[k] for k in ("backend", "events", "seconds", "peak_rss_mib")} for r in audit.get("results", [])
        ],
        "draw_pp2_over_pp1": draw.get("exact_over_float"),
        "exports_100k": [
            {
                "backend": r["backend"],
                "csv_s": r["csv"]["seconds"],
                "xlsx_s": r["xlsx"]["seconds"],
                "xlsx_over_csv_cpu": r.get("xlsx_over_csv_cpu"),
                "peak_mb": max(r["csv"]["peak_rss_mb"], r["xlsx"]["peak_rss_mb"]),
            }
            for r in exports.get("results", [])
        ],
        "ocds_bulk_peak_growth_mb_1k_to_10k": {
            r["backend"]: r.get("bulk_peak_growth_mb_1k_to_10k") for r in ocds.get("results", [])
        },
        "notify_round_opening": {
            k: notify.get(k) for k in ("suppliers", "open_round_ms", "announce_seconds", "worker_over_bare")
        },
    }


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run the benchmarks (all of them by default).")
    names = sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    parser.add_argument("--only", nargs="+", choices=names, metavar="NAME", help=f"run only these: {', '.join(names)}")
    parser.add_argument("script_args", nargs="*", help="after --: arguments for each script run")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    env = {**DEFAULTS, **os.environ}
    summary = []
    scripts = sorted(HERE.glob("bench_*.py"))
    if args.only:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in args.only]
    for script in scripts:
        print(f"\n=== {script.name}", flush=True)
        started = time.perf_counter()
        command = [sys.executable, str(script), *args.script_args]
        code = subprocess.run(command, cwd=str(HERE.parent), env=env, check=False).returncode
        summary.append((script.name, code, time.perf_counter() - started))
    figures = headlines()
    RESULTS.mkdir(exist_ok=True)
    if not args.only:
        _write_summary(summary, figures)
    print("\n=== summary (figures in benchmarks/results/*.json)")
    for name, code, seconds in summary:
        print(f"  {name:<28} {'ok' if code == 0 else f'FAILED (exit {code})':<18} {seconds:7.1f} s")
    print(f"  total {sum(seconds for _n, _c, seconds in summary) / 60:.1f} min")
    for key, value in figures.items():
        print(f"  {key}: {value}")
    return 1 if any(code for _name, code, _s in summary) else 0


def _write_summary(summary: list, figures: dict) -> None:
    (RESULTS / "summary.json").write_text(
        json.dumps(
            {
                "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "scripts": [
                    {"script": name, "exit_code": code, "seconds": round(seconds, 1)} for name, code, seconds in summary
                ],
                "total_seconds": round(sum(seconds for _n, _c, seconds in summary), 1),
                "headlines": figures,
            },
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    sys.exit(main())
