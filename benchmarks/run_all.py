"""Run every benchmarks/bench_*.py in turn (make bench) and print a summary of what passed."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    summary = []
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"\n=== {script.name}", flush=True)
        started = time.perf_counter()
        code = subprocess.run([sys.executable, str(script)], cwd=str(HERE.parent), check=False).returncode
        summary.append((script.name, code, time.perf_counter() - started))
    print("\n=== summary (figures in benchmarks/results/*.json)")
    for name, code, seconds in summary:
        print(f"  {name:<28} {'ok' if code == 0 else f'FAILED (exit {code})':<18} {seconds:7.1f} s")
    return 1 if any(code for _name, code, _s in summary) else 0


if __name__ == "__main__":
    sys.exit(main())
