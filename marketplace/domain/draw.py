"""The weighted draw itself: keys, the draw order and the allocation walk (DESIGN.md section 4, steps 4 to 6).

Anyone holding the published manifest and seed can re-run it and get the same result. Python's `random`
module is deliberately not used.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cmp_to_key
from heapq import heapify, heappop, heappush, heapreplace

from .errors import N_
from .manifest import (
    FLOAT_RULE,
    MAX_WEIGHT,
    RULES,
    Manifest,
    PoolApplication,
    PoolTrack,
    UnsupportedRuleError,
    canonical_json,
    manifest_sha256,
)

_KEY_DENOMINATOR = 2**256 + 1
_DENOMINATOR_POWERS = tuple(_KEY_DENOMINATOR**w for w in range(MAX_WEIGHT + 1))
# Two float keys further apart than this are in the exact order whatever the platform's log: a key is
# off by at most a few units in the last place (u is correctly rounded, log within an ulp or two), so
# this margin (about a thousand times that) only sends true near-ties to the integer comparison.
_KEY_RELATIVE_MARGIN = 1e-12
_KEY_ABSOLUTE_MARGIN = 1e-15


def draw_key(seed: str, round_code: str, app_id: int, weight: int) -> float:
    """Return the Efraimidis-Spirakis key of one application (DESIGN.md section 4, step 4)."""
    digest = hashlib.sha256(f"{seed}:{round_code}:{app_id}".encode()).digest()
    u = (int.from_bytes(digest, "big") + 1) / _KEY_DENOMINATOR
    return math.log(u) / weight


def rank_by_key(keys: Mapping[int, float]) -> list[int]:
    """Return application ids in draw order: key descending, equal keys by id ascending."""
    ids = sorted(keys)
    values = [keys[app_id] for app_id in ids]
    return [ids[p] for p in _order(values)]


def _order(keys: Sequence[float]) -> list[int]:
    # Positions are in id order; a stable sort with reverse=True keeps equal keys in that order.
    return sorted(range(len(keys)), key=keys.__getitem__, reverse=True)


def exact_before(numerator_a: int, weight_a: int, numerator_b: int, weight_b: int) -> int:
    """Compare two applications by their keys without floating point (rule pp-draw-2, DESIGN.md 4.4).

    The key ln(N/D)/w is higher for a than for b exactly when N_a**w_b * D**w_a > N_b**w_a * D**w_b,
    where N = h + 1 and D = 2**256 + 1. Returns -1 when a comes first, 1 when b does, 0 for equal keys.
    """
    left = numerator_a**weight_b * _DENOMINATOR_POWERS[weight_a]
    right = numerator_b**weight_a * _DENOMINATOR_POWERS[weight_b]
    return -1 if left > right else (1 if left < right else 0)


def _close(x: float, y: float) -> bool:
    return abs(x - y) <= _KEY_RELATIVE_MARGIN * max(abs(x), abs(y)) + _KEY_ABSOLUTE_MARGIN


def _exact_order(keys: Sequence[float], numerators: Sequence[int], weights: Sequence[int]) -> list[int]:
    """Positions in exact key order (equal keys by id): the float order, with near-ties decided by integers.

    Keys further apart than the margin are already in exact order, so only runs of neighbours closer
    than it are re-sorted with exact_before; positions are in id order, which breaks exact ties.
    """
    order = _order(keys)

    def compare(a: int, b: int) -> int:
        return exact_before(numerators[a], weights[a], numerators[b], weights[b]) or (a > b) - (a < b)

    start = 0
    for end in range(1, len(order) + 1):
        if end < len(order) and _close(keys[order[end - 1]], keys[order[end]]):
            continue
        if end - start > 1:
            order[start:end] = sorted(order[start:end], key=cmp_to_key(compare))
        start = end
    return order


@dataclass(frozen=True)
class Pool:
    """A manifest flattened to parallel lists indexed by position (apps by id, institutions by code)."""

    round_code: str
    rule: str
    codes: tuple[str, ...]
    budgets: tuple[int, ...]
    ids: tuple[int, ...]
    id_bytes: tuple[bytes, ...]
    weights: tuple[int, ...]
    amounts: tuple[int, ...]
    candidates: tuple[tuple[int, ...] | None, ...]  # None: every institution


def pool_of(manifest: Manifest) -> Pool:
    """Flatten a manifest for the draw; UnsupportedRuleError when it names a rule this code does not implement."""
    _require_known_rule(manifest.rule)
    codes = tuple(inst.code for inst in manifest.institutions)
    apps = manifest.applications
    return Pool(
        manifest.round_code,
        manifest.rule,
        codes,
        budgets=tuple(inst.budget for inst in manifest.institutions),
        ids=tuple(app.id for app in apps),
        id_bytes=tuple(str(app.id).encode() for app in apps),
        weights=tuple(app.weight for app in apps),
        amounts=tuple(app.amount for app in apps),
        candidates=_candidate_positions(apps, codes),
    )


def _require_known_rule(rule: str) -> None:
    if rule not in RULES:
        raise UnsupportedRuleError(
            N_("This system draws with rule %(ours)s, not %(theirs)s."),
            ours=" / ".join(RULES),
            theirs=rule,
        )


def _candidate_positions(apps: Sequence[PoolApplication], codes: Sequence[str]) -> tuple[tuple[int, ...] | None, ...]:
    """Per application, the positions of its preferred institutions (sorted, as `preferred` is); None: all."""
    index = {code: n for n, code in enumerate(codes)}
    return tuple(tuple(index[c] for c in app.preferred) or None for app in apps)


def _numerators(pool: Pool, seed: str) -> list[int]:
    """N = h + 1 per position, h being SHA-256("seed:round:id") read as a big-endian whole number."""
    prefix = hashlib.sha256(f"{seed}:{pool.round_code}:".encode())
    copy, from_bytes = prefix.copy, int.from_bytes
    numerators = []
    for id_bytes in pool.id_bytes:
        digest = copy()
        digest.update(id_bytes)
        numerators.append(from_bytes(digest.digest(), "big") + 1)
    return numerators


def _keys(numerators: Sequence[int], weights: Sequence[int]) -> list[float]:
    log, denominator = math.log, _KEY_DENOMINATOR
    return [log(n / denominator) / w for n, w in zip(numerators, weights, strict=True)]


def draw_order(pool: Pool, seed: str) -> tuple[list[int], list[float]]:
    """Positions in draw order under the pool's rule, and the float keys (published for reading)."""
    numerators = _numerators(pool, seed)
    keys = _keys(numerators, pool.weights)
    if pool.rule == FLOAT_RULE:
        return _order(keys), keys
    return _exact_order(keys, numerators, pool.weights), keys


def best_candidate(candidates: Iterable[int], remaining: Sequence[int], amount: int) -> int:
    """Return the candidate with the most budget left that covers `amount`, or -1 if none does.

    Candidates come in code order, so the strict comparison leaves a tie with the lowest code.
    """
    best, best_left = -1, -1
    for inst in candidates:
        left = remaining[inst]
        if left >= amount and left > best_left:
            best, best_left = inst, left
    return best


def allocate(pool: Pool, order: Iterable[int]) -> tuple[list[tuple[int, int]], list[int]]:
    """Walk the draw order; return (position, institution) per selected application and budgets left."""
    remaining = list(pool.budgets)
    # Max-heap of (-left, institution) with lazy deletion: budgets only fall during a draw, so an
    # entry whose figure no longer matches is stale, and the top valid entry is the best candidate
    # for an application without preferences (most left, then lowest code).
    heap = [(-left, inst) for inst, left in enumerate(remaining)]
    heapify(heap)
    placed = []
    amounts, candidates = pool.amounts, pool.candidates
    for pos in order:
        amount, among = amounts[pos], candidates[pos]
        if among is None:
            neg_left, inst = heap[0]
            while -neg_left != remaining[inst]:
                heappop(heap)
                neg_left, inst = heap[0]
            if -neg_left < amount:
                continue
            remaining[inst] = left = -neg_left - amount
            heapreplace(heap, (-left, inst))
        else:
            inst = best_candidate(among, remaining, amount)
            if inst < 0:
                continue
            remaining[inst] = left = remaining[inst] - amount
            heappush(heap, (-left, inst))
        placed.append((pos, inst))
    return placed, remaining


@dataclass(frozen=True)
class RankedApplication:
    """An application's place in the draw order and the key that put it there."""

    app_id: int
    key: float


@dataclass(frozen=True)
class Allocation:
    """A selected application, the institution whose budget takes it, and its 1-based draw rank."""

    app_id: int
    institution_code: str
    amount: int
    rank: int


@dataclass(frozen=True)
class TrackResult:
    """What the draw decided within one track of a round with tracks."""

    track: str
    order: tuple[RankedApplication, ...]
    selected: tuple[Allocation, ...]
    waitlist: tuple[int, ...]
    remaining: dict[str, int]


@dataclass(frozen=True)
class DrawResult:
    """Everything the draw decided, plus what identifies the inputs it was run on.

    With tracks, `tracks` holds each track's own draw; order, selected and waitlist are the tracks' own
    one after the other (ranks are within the track), and remaining adds up the tracks' budgets left.
    """

    round_code: str
    rule: str
    seed: str
    manifest_sha256: str
    order: tuple[RankedApplication, ...]
    selected: tuple[Allocation, ...]
    waitlist: tuple[int, ...]
    remaining: dict[str, int] = field(default_factory=dict)
    tracks: tuple[TrackResult, ...] = ()


def track_manifest(manifest: Manifest, track: PoolTrack) -> Manifest:
    """The manifest of one track on its own: its applications (without the track name) and its budgets."""
    apps = tuple(replace(a, track="") for a in manifest.applications if a.track == track.track)
    return Manifest(manifest.round_code, manifest.rule, track.institutions, apps)


def _run_tracks(manifest: Manifest, seed: str) -> DrawResult:
    """Each track drawn on its own budgets, with the same seed and key ("seed:round:id"), in manifest order."""
    parts = []
    for track in manifest.tracks:
        own = run_draw(track_manifest(manifest, track), seed)
        parts.append(TrackResult(track.track, own.order, own.selected, own.waitlist, own.remaining))
    remaining = {inst.code: sum(p.remaining[inst.code] for p in parts) for inst in manifest.institutions}
    return DrawResult(
        round_code=manifest.round_code,
        rule=manifest.rule,
        seed=seed,
        manifest_sha256=manifest_sha256(manifest),
        order=tuple(e for p in parts for e in p.order),
        selected=tuple(a for p in parts for a in p.selected),
        waitlist=tuple(i for p in parts for i in p.waitlist),
        remaining=remaining,
        tracks=tuple(parts),
    )


def run_draw(manifest: Manifest, seed: str) -> DrawResult:
    """Run the draw of DESIGN.md section 4 on a manifest with a seed.

    Order: key descending; equal keys by application id ascending. Under pp-draw-2 the order is decided
    with integers (exact_before), under pp-draw-1 by the floating-point keys. Allocation walks that order; the
    candidates are the application's preferred institutions (the manifest lists each one), or all of
    them when it names none. It goes to the candidate with the most round budget left that
    still covers its amount; equal budgets go to the lowest institution code (Unicode code-point
    order). One that fits nowhere joins the waitlist, which keeps the draw order. `rank` is the
    application's 1-based place in the draw order. Raises UnsupportedRuleError for another rule.
    A manifest with tracks is drawn track by track, each on its own budgets (_run_tracks).
    """
    if manifest.tracks:
        _require_known_rule(manifest.rule)
        return _run_tracks(manifest, seed)
    pool = pool_of(manifest)
    order, keys = draw_order(pool, seed)
    placed, remaining = allocate(pool, order)
    rank = {pos: n for n, pos in enumerate(order, start=1)}
    selected_positions = {pos for pos, _ in placed}
    return DrawResult(
        round_code=manifest.round_code,
        rule=manifest.rule,
        seed=seed,
        manifest_sha256=manifest_sha256(manifest),
        order=tuple(RankedApplication(pool.ids[pos], keys[pos]) for pos in order),
        selected=tuple(
            Allocation(pool.ids[pos], pool.codes[inst], pool.amounts[pos], rank[pos]) for pos, inst in placed
        ),
        waitlist=tuple(pool.ids[pos] for pos in order if pos not in selected_positions),
        remaining=dict(zip(pool.codes, remaining, strict=True)),
    )


def _outcome_json(order, selected, waitlist, remaining) -> dict:
    return {
        "order": [{"id": e.app_id, "key": e.key} for e in order],
        "selected": [
            {"id": a.app_id, "institution": a.institution_code, "amount": a.amount, "rank": a.rank} for a in selected
        ],
        "waitlist": list(waitlist),
        "remaining": remaining,
    }


def result_json(result: DrawResult, timeline: Mapping | None = None) -> str:
    """Return the canonical JSON of a draw result for publication beside the manifest and seed.

    `timeline` (when the rule was published, the manifest frozen, the seed event and the draw run) is
    published under "timeline"; results drawn before rounds named their seed event have none.
    """
    return canonical_json(
        ({"timeline": dict(timeline)} if timeline is not None else {})
        | {
            "round": result.round_code,
            "rule": result.rule,
            "seed": result.seed,
            "manifest_sha256": result.manifest_sha256,
        }
        | _outcome_json(result.order, result.selected, result.waitlist, result.remaining)
        | (
            {
                "tracks": [
                    {"track": t.track} | _outcome_json(t.order, t.selected, t.waitlist, t.remaining)
                    for t in result.tracks
                ]
            }
            if result.tracks
            else {}
        )
    )
