"""Selection rates estimated over derived seeds: per application, and per weight tier."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from .draw import Pool, allocate, draw_order, pool_of, track_manifest
from .errors import N_
from .manifest import Manifest, SelectionError
from .numbers import is_whole

# How the rate estimate runs its parts: the built-in map, or a process pool's map passed by the caller.
Mapper = Callable[..., Iterable[list[int]]]


def _pools(manifest: Manifest) -> tuple[Pool, ...]:
    """The pools drawn: one per track (each on its own budgets), or the whole manifest without tracks."""
    return tuple(pool_of(track_manifest(manifest, t)) for t in manifest.tracks) or (pool_of(manifest),)


def _count_selected(pools: tuple[Pool, ...], seed: str, start: int, stop: int) -> list[int]:
    """Count, per application (by id), the derived seeds start..stop-1 in which it is selected."""
    counts: dict[int, int] = {}
    for pool in pools:
        own = [0] * len(pool.ids)
        for i in range(start, stop):
            placed, _ = allocate(pool, draw_order(pool, f"{seed}#{i}")[0])
            for pos, _inst in placed:
                own[pos] += 1
        counts.update(zip(pool.ids, own, strict=True))
    return [counts[app_id] for app_id in sorted(counts)]


def _selection_counts(manifest: Manifest, seed: str, n: int, map_: Mapper, parts: int) -> tuple[Pool, list[int]]:
    if not is_whole(n, 1):
        raise SelectionError(N_("The number of derived seeds must be 1 or more, not %(n)s."), n=repr(n))
    return pool_of(manifest), _counts_between(_pools(manifest), seed, 0, n, map_, parts)


def _counts_between(pools: tuple[Pool, ...], seed: str, start: int, stop: int, map_: Mapper, parts: int) -> list[int]:
    parts = max(1, min(parts, stop - start))
    bounds = [start + (stop - start) * k // parts for k in range(parts + 1)]
    # Integer counts summed over disjoint seed ranges: the same whatever the parts and wherever they run.
    chunks = map_(_count_selected, [pools] * parts, [seed] * parts, bounds[:-1], bounds[1:])
    return [sum(column) for column in zip(*chunks, strict=True)]


def count_selections(
    manifest: Manifest, seed: str, start: int, stop: int, *, map_: Mapper = map, parts: int = 1
) -> list[int]:
    """Per application of the manifest (by id), how many of the derived seeds start..stop-1 select it.

    Counts of disjoint ranges add up to the counts of their union: an estimate may run in steps.
    Raises SelectionError unless 0 <= start < stop.
    """
    if not (is_whole(start, 0) and is_whole(stop, 1)) or start >= stop:
        raise SelectionError(N_("The number of derived seeds must be 1 or more, not %(n)s."), n=repr(stop - start))
    return _counts_between(_pools(manifest), seed, start, stop, map_, parts)


def tier_rates(manifest: Manifest, tier_of: Mapping[int, str], counts: list[int], n: int) -> dict[str, float]:
    """Per tier, the mean fraction of its applications selected, from counts over n derived seeds.

    Raises SelectionError when an application has no tier."""
    if missing := [app.id for app in manifest.applications if app.id not in tier_of]:
        raise SelectionError(N_("Application %(id)s has no weight tier."), id=missing[0])
    selections: dict[str, int] = {}
    sizes: dict[str, int] = {}
    for app_id, count in zip(pool_of(manifest).ids, counts, strict=True):
        tier = tier_of[app_id]
        selections[tier] = selections.get(tier, 0) + count
        sizes[tier] = sizes.get(tier, 0) + 1
    return {tier: selections[tier] / (n * sizes[tier]) for tier in sorted(sizes)}


def estimated_selection_rate(
    manifest: Manifest, seed: str, n: int = 1000, *, map_: Mapper = map, parts: int = 1
) -> dict[int, float]:
    """Return, per application id, the fraction of the derived seeds f"{seed}#{i}" (i < n) that select it.

    The seeds are counted in `parts` disjoint ranges through `map_` (the built-in map by default; the
    caller may pass a process pool's map): the result does not depend on either.
    Raises SelectionError for n < 1 and UnsupportedRuleError for another rule.
    """
    pool, counts = _selection_counts(manifest, seed, n, map_, parts)
    return {app_id: count / n for app_id, count in zip(pool.ids, counts, strict=True)}


def expected_rates(
    manifest: Manifest,
    seed: str,
    tier_of: Mapping[int, str],
    n: int = 1000,
    *,
    map_: Mapper = map,
    parts: int = 1,
) -> dict[str, float]:
    """Return, per tier, the mean fraction of that tier's pool applications selected over n derived seeds.

    `tier_of` maps every application id of the manifest to its tier name; tiers without applications
    are left out. Raises SelectionError when an application has no tier, and as
    `estimated_selection_rate` does.
    """
    if missing := [app.id for app in manifest.applications if app.id not in tier_of]:
        raise SelectionError(N_("Application %(id)s has no weight tier."), id=missing[0])
    _pool, counts = _selection_counts(manifest, seed, n, map_, parts)
    return tier_rates(manifest, tier_of, counts, n)
