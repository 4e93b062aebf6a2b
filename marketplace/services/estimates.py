"""Where the draw's rate estimate runs: in process for a small pool, in a process pool for a large one.

The counting itself is domain.selection's; this module only chooses the map it runs through.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from ..domain import selection
from ..domain.selection import Manifest, Mapper

# Below this many (seed, application) pairs a process pool costs more than it saves.
PARALLEL_THRESHOLD = 500_000


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity where the system says, else the CPU count)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@contextmanager
def seed_map(manifest: Manifest, n: int, processes: int | None = None) -> Iterator[tuple[Mapper, int]]:
    """(map, parts) for counting n derived seeds: a process pool's map and one part per process, or the
    built-in map and one part. `processes` None picks the CPU count for large pools, 1 for small ones."""
    if processes is None:
        processes = available_cpus() if n * len(manifest.applications) >= PARALLEL_THRESHOLD else 1
    processes = max(1, min(processes, n))
    if processes == 1:
        yield map, 1
        return
    with ProcessPoolExecutor(max_workers=processes) as executor:
        yield executor.map, processes


def expected_rates(
    manifest: Manifest, seed: str, tier_of: Mapping[int, str], n: int, processes: int | None = None
) -> dict[str, float]:
    """selection.expected_rates, spread over processes for a large pool; the same figures either way."""
    with seed_map(manifest, n, processes) as (map_, parts):
        return selection.expected_rates(manifest, seed, tier_of, n, map_=map_, parts=parts)


def estimated_selection_rate(manifest: Manifest, seed: str, n: int, processes: int | None = None) -> dict[int, float]:
    """selection.estimated_selection_rate, spread over processes like `expected_rates`."""
    with seed_map(manifest, n, processes) as (map_, parts):
        return selection.estimated_selection_rate(manifest, seed, n, map_=map_, parts=parts)


def expected_rates_in_steps(
    manifest: Manifest,
    seed: str,
    tier_of: Mapping[int, str],
    n: int,
    report: Callable[[int], None],
    steps: int = 20,
    processes: int | None = None,
) -> dict[str, float]:
    """`expected_rates`, counted in `steps` disjoint seed ranges, calling report(percent) after each one.

    The counts of the ranges add up to the counts of all n seeds: the figures equal `expected_rates`'s."""
    steps = max(1, min(steps, n))
    bounds = [n * k // steps for k in range(steps + 1)]
    totals: list[int] | None = None
    with seed_map(manifest, n, processes) as (map_, parts):
        for done, (start, stop) in enumerate(zip(bounds[:-1], bounds[1:], strict=True), start=1):
            counts = selection.count_selections(manifest, seed, start, stop, map_=map_, parts=parts)
            totals = counts if totals is None else [a + b for a, b in zip(totals, counts, strict=True)]
            report(100 * done // steps)
    return selection.tier_rates(manifest, tier_of, totals or [], n)
