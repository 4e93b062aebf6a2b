"""The bench's worker: marketplace.worker's queue and tasks, plus one that runs the 10,000-application estimate.

Run by bench_jobs.py as `huey_consumer jobs_worker.huey` (benchmarks/ on PYTHONPATH), niced as the Procfile's.
"""

from __future__ import annotations

import random

from bench_draw import SEED, SEEDS, build_pool

from marketplace.services import estimates
from marketplace.worker import huey


@huey.task(name="bench_estimate")
def bench_estimate() -> None:
    """The draw estimate's counting, as the job runs it (in 20 steps, through a process pool)."""
    manifest, tier_of = build_pool(random.Random(2022))
    estimates.expected_rates_in_steps(manifest, SEED, tier_of, SEEDS, lambda _percent: None)
