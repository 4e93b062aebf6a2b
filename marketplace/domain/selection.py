"""The weighted round draw: pool manifest, keys, allocation, refills and rate estimates.

Implements DESIGN.md section 4 to the letter so that anyone holding the published manifest and seed can
re-run the draw and get the same result. Stdlib only; Python's `random` module is deliberately not used.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cmp_to_key
from heapq import heapify, heappop, heappush, heapreplace

from .errors import N_, DomainError
from .numbers import is_whole

FLOAT_RULE = "pp-draw-1"  # order by the floating-point key (rounds drawn before the exact rule)
EXACT_RULE = "pp-draw-2"  # order decided with integers; the float key is published for reading only
RULES = (FLOAT_RULE, EXACT_RULE)
RULE_VERSION = EXACT_RULE  # the rule new rounds are frozen and drawn with
MAX_WEIGHT = 10
_KEY_DENOMINATOR = 2**256 + 1
_DENOMINATOR_POWERS = tuple(_KEY_DENOMINATOR**w for w in range(MAX_WEIGHT + 1))
# Two float keys further apart than this are in the exact order whatever the platform's log: a key is
# off by at most a few units in the last place (u is correctly rounded, log within an ulp or two), so
# this margin (about a thousand times that) only sends true near-ties to the integer comparison.
_KEY_RELATIVE_MARGIN = 1e-12
_KEY_ABSOLUTE_MARGIN = 1e-15
# How the rate estimate runs its parts: the built-in map, or a process pool's map passed by the caller.
Mapper = Callable[..., Iterable[list[int]]]


class SelectionError(DomainError):
    """A draw input or request breaks the selection rules."""


class MalformedManifestError(SelectionError):
    """A pool manifest is not shaped or valued as DESIGN.md section 4 requires."""


class UnsupportedRuleError(SelectionError):
    """A manifest names a draw rule this code does not implement."""


class NotSelectedError(SelectionError):
    """A withdrawal was requested for an application that holds no allocation."""


@dataclass(frozen=True)
class PoolInstitution:
    """An institution taking part in the round, with the budget it puts into it (KRW)."""

    code: str
    budget: int

    def __post_init__(self) -> None:
        if not isinstance(self.code, str) or not self.code:
            raise MalformedManifestError(
                N_("An institution code must be a non-empty text, not %(code)s."), code=repr(self.code)
            )
        if not is_whole(self.budget, 0):
            raise MalformedManifestError(
                N_("Institution %(code)s has budget %(budget)s; it must be a whole number, 0 or more."),
                code=self.code,
                budget=repr(self.budget),
            )


@dataclass(frozen=True)
class PoolApplication:
    """An application in the pool; `preferred` is normalised to sorted institution codes."""

    id: int
    weight: int
    amount: int
    preferred: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not is_whole(self.id, 1):
            raise MalformedManifestError(
                N_("An application id must be a whole number of 1 or more, not %(id)s."), id=repr(self.id)
            )
        for name in ("weight", "amount"):
            if not is_whole(getattr(self, name), 1):
                raise MalformedManifestError(
                    N_("Application %(id)s has %(name)s %(value)s; it must be a whole number of 1 or more."),
                    id=self.id,
                    name=name,
                    value=repr(getattr(self, name)),
                )
        codes = self.preferred
        if not isinstance(codes, tuple | list) or not all(isinstance(code, str) and code for code in codes):
            raise MalformedManifestError(
                N_("Application %(id)s: preferred must be a list of institution codes."), id=self.id
            )
        if len(set(codes)) != len(codes):
            raise MalformedManifestError(
                N_("Application %(id)s names the same preferred institution twice."), id=self.id
            )
        object.__setattr__(self, "preferred", tuple(sorted(codes)))


@dataclass(frozen=True)
class Manifest:
    """The frozen pool of a round; institutions are kept sorted by code and applications by id."""

    round_code: str
    rule: str
    institutions: tuple[PoolInstitution, ...]
    applications: tuple[PoolApplication, ...]

    def __post_init__(self) -> None:
        if not isinstance(self.round_code, str) or not self.round_code:
            raise MalformedManifestError(N_("The manifest's round code must be a non-empty text."))
        if not isinstance(self.rule, str) or not self.rule:
            raise MalformedManifestError(N_("The manifest's rule must be a non-empty text."))
        institutions = tuple(sorted(self.institutions, key=lambda inst: inst.code))
        applications = tuple(sorted(self.applications, key=lambda app: app.id))
        if not institutions:
            raise MalformedManifestError(N_("The manifest lists no institutions."))
        _refuse_duplicates([inst.code for inst in institutions], "Institution")
        _refuse_duplicates([app.id for app in applications], "Application")
        _refuse_unknown_preferences(institutions, applications)
        object.__setattr__(self, "institutions", institutions)
        object.__setattr__(self, "applications", applications)


def _refuse_duplicates(sorted_keys: Sequence[object], noun: str) -> None:
    for before, after in zip(sorted_keys, sorted_keys[1:], strict=False):
        if before == after:
            raise MalformedManifestError(N_("%(noun)s %(key)s appears twice in the manifest."), noun=noun, key=after)


def _refuse_unknown_preferences(
    institutions: Sequence[PoolInstitution], applications: Sequence[PoolApplication]
) -> None:
    """A preferred institution must be one of the manifest's (DESIGN.md section 4, step 5)."""
    codes = {inst.code for inst in institutions}
    for app in applications:
        if unknown := [code for code in app.preferred if code not in codes]:
            raise MalformedManifestError(
                N_("Application %(id)s prefers institution %(code)s, which is not among the manifest's institutions."),
                id=app.id,
                code=unknown[0],
            )


def _canonical(data: object) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def manifest_json(manifest: Manifest) -> str:
    """Return the canonical JSON of the manifest (DESIGN.md section 4, step 2)."""
    return _canonical(
        {
            "round": manifest.round_code,
            "rule": manifest.rule,
            "institutions": [{"code": i.code, "budget": i.budget} for i in manifest.institutions],
            "applications": [
                {"id": a.id, "weight": a.weight, "amount": a.amount, "preferred": list(a.preferred)}
                for a in manifest.applications
            ],
        }
    )


def manifest_sha256(manifest: Manifest) -> str:
    """Return the hex SHA-256 of the manifest's canonical JSON, encoded as UTF-8."""
    return hashlib.sha256(manifest_json(manifest).encode("utf-8")).hexdigest()


def _object(value: object, keys: set[str], where: str) -> dict:
    if not isinstance(value, dict):
        raise MalformedManifestError(N_("The manifest's %(where)s must be a JSON object."), where=where)
    if missing := sorted(keys - value.keys()):
        raise MalformedManifestError(
            N_("The manifest's %(where)s is missing %(fields)s."), where=where, fields=", ".join(missing)
        )
    if extra := sorted(value.keys() - keys):
        raise MalformedManifestError(
            N_("The manifest's %(where)s has unexpected fields: %(fields)s."),
            where=where,
            fields=", ".join(extra),
        )
    return value


def _array(value: object, where: str) -> list:
    if not isinstance(value, list):
        raise MalformedManifestError(N_("The manifest's %(where)s must be a JSON list."), where=where)
    return value


def manifest_from_json(text: str | bytes) -> Manifest:
    """Parse a published manifest, checking its shape and values.

    Raises MalformedManifestError with a readable message for anything that is not a manifest,
    including an application preferring an institution the manifest does not list.
    """
    try:
        data = json.loads(text)
    except (ValueError, TypeError) as exc:
        raise MalformedManifestError(N_("The manifest is not valid JSON: %(error)s."), error=str(exc)) from exc
    top = _object(data, {"round", "rule", "institutions", "applications"}, "top level")
    institutions = []
    for n, item in enumerate(_array(top["institutions"], "institutions"), start=1):
        item = _object(item, {"code", "budget"}, f"institution #{n}")
        institutions.append(PoolInstitution(item["code"], item["budget"]))
    applications = []
    for n, item in enumerate(_array(top["applications"], "applications"), start=1):
        item = _object(item, {"id", "weight", "amount", "preferred"}, f"application #{n}")
        preferred = tuple(_array(item["preferred"], f"application #{n} preferred"))
        applications.append(PoolApplication(item["id"], item["weight"], item["amount"], preferred))
    return Manifest(top["round"], top["rule"], tuple(institutions), tuple(applications))


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
class _Pool:
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


def _pool(manifest: Manifest) -> _Pool:
    if manifest.rule not in RULES:
        raise UnsupportedRuleError(
            N_("This system draws with rule %(ours)s, not %(theirs)s."),
            ours=" / ".join(RULES),
            theirs=manifest.rule,
        )
    codes = tuple(inst.code for inst in manifest.institutions)
    index = {code: n for n, code in enumerate(codes)}
    apps = manifest.applications
    return _Pool(
        manifest.round_code,
        manifest.rule,
        codes,
        tuple(inst.budget for inst in manifest.institutions),
        tuple(app.id for app in apps),
        tuple(str(app.id).encode() for app in apps),
        tuple(app.weight for app in apps),
        tuple(app.amount for app in apps),
        tuple(tuple(index[c] for c in app.preferred) or None for app in apps),  # preferred is sorted
    )


def _numerators(pool: _Pool, seed: str) -> list[int]:
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


def _draw_order(pool: _Pool, seed: str) -> tuple[list[int], list[float]]:
    """Positions in draw order under the pool's rule, and the float keys (published for reading)."""
    numerators = _numerators(pool, seed)
    keys = _keys(numerators, pool.weights)
    if pool.rule == FLOAT_RULE:
        return _order(keys), keys
    return _exact_order(keys, numerators, pool.weights), keys


def _best(candidates: Iterable[int], remaining: Sequence[int], amount: int) -> int:
    """Return the candidate with the most budget left that covers `amount`, or -1 if none does.

    Candidates come in code order, so the strict comparison leaves a tie with the lowest code.
    """
    best, best_left = -1, -1
    for inst in candidates:
        left = remaining[inst]
        if left >= amount and left > best_left:
            best, best_left = inst, left
    return best


def _allocate(pool: _Pool, order: Iterable[int]) -> tuple[list[tuple[int, int]], list[int]]:
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
            inst = _best(among, remaining, amount)
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
class DrawResult:
    """Everything the draw decided, plus what identifies the inputs it was run on."""

    round_code: str
    rule: str
    seed: str
    manifest_sha256: str
    order: tuple[RankedApplication, ...]
    selected: tuple[Allocation, ...]
    waitlist: tuple[int, ...]
    remaining: dict[str, int] = field(default_factory=dict)


def run_draw(manifest: Manifest, seed: str) -> DrawResult:
    """Run the draw of DESIGN.md section 4 on a manifest with a seed.

    Order: key descending; equal keys by application id ascending. Under pp-draw-2 the order is decided
    with integers (exact_before), under pp-draw-1 by the floating-point keys. Allocation walks that order; the
    candidates are the application's preferred institutions (the manifest lists each one), or all of
    them when it names none. It goes to the candidate with the most round budget left that
    still covers its amount; equal budgets go to the lowest institution code (Unicode code-point
    order). One that fits nowhere joins the waitlist, which keeps the draw order. `rank` is the
    application's 1-based place in the draw order. Raises UnsupportedRuleError for another rule.
    """
    pool = _pool(manifest)
    order, keys = _draw_order(pool, seed)
    placed, remaining = _allocate(pool, order)
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


def result_json(result: DrawResult, timeline: Mapping | None = None) -> str:
    """Return the canonical JSON of a draw result for publication beside the manifest and seed.

    `timeline` (when the rule was published, the manifest frozen, the seed event and the draw run) is
    published under "timeline"; results drawn before rounds named their seed event have none.
    """
    return _canonical(
        ({"timeline": dict(timeline)} if timeline is not None else {})
        | {
            "round": result.round_code,
            "rule": result.rule,
            "seed": result.seed,
            "manifest_sha256": result.manifest_sha256,
            "order": [{"id": e.app_id, "key": e.key} for e in result.order],
            "selected": [
                {"id": a.app_id, "institution": a.institution_code, "amount": a.amount, "rank": a.rank}
                for a in result.selected
            ],
            "waitlist": list(result.waitlist),
            "remaining": result.remaining,
        }
    )


def refill_after_withdrawal(
    manifest: Manifest, result: DrawResult, withdrawn_app_id: int
) -> tuple[DrawResult, Allocation | None]:
    """Return the result after a selected application withdraws, and the promoted allocation if any.

    The withdrawn amount returns to its institution. The first waitlisted application (waitlist
    order) with a candidate covering its amount is then allocated by the rule of `run_draw` and leaves
    the waitlist; at most one is promoted. Raises NotSelectedError when the application holds no
    allocation, SelectionError when the result was not drawn from this manifest.
    """
    if result.manifest_sha256 != manifest_sha256(manifest):
        raise SelectionError(N_("This draw result was not drawn from this manifest."))
    withdrawn = next((a for a in result.selected if a.app_id == withdrawn_app_id), None)
    if withdrawn is None:
        raise NotSelectedError(N_("Application %(id)s is not selected, so it cannot withdraw."), id=withdrawn_app_id)
    pool = _pool(manifest)
    remaining = [result.remaining[code] for code in pool.codes]
    remaining[pool.codes.index(withdrawn.institution_code)] += withdrawn.amount
    rank = {entry.app_id: n for n, entry in enumerate(result.order, start=1)}
    promoted = _promote_first_that_fits(pool, result.waitlist, remaining, rank)
    selected = tuple(a for a in result.selected if a.app_id != withdrawn_app_id)
    return replace(
        result,
        selected=selected + ((promoted,) if promoted else ()),
        waitlist=tuple(a for a in result.waitlist if promoted is None or a != promoted.app_id),
        remaining=dict(zip(pool.codes, remaining, strict=True)),
    ), promoted


def promote_from_waitlist(manifest: Manifest, result: DrawResult) -> tuple[DrawResult, Allocation | None]:
    """Return the result after the first waitlisted application that fits the budget left is allocated
    (by the rule of `run_draw`), and that allocation; None when none fits. The ministry's refill after a
    withdrawal that promoted nobody at the time. Raises SelectionError for a result of another manifest.
    """
    if result.manifest_sha256 != manifest_sha256(manifest):
        raise SelectionError(N_("This draw result was not drawn from this manifest."))
    pool = _pool(manifest)
    remaining = [result.remaining[code] for code in pool.codes]
    rank = {entry.app_id: n for n, entry in enumerate(result.order, start=1)}
    promoted = _promote_first_that_fits(pool, result.waitlist, remaining, rank)
    if promoted is None:
        return result, None
    return replace(
        result,
        selected=result.selected + (promoted,),
        waitlist=tuple(a for a in result.waitlist if a != promoted.app_id),
        remaining=dict(zip(pool.codes, remaining, strict=True)),
    ), promoted


def move_allocation(manifest: Manifest, result: DrawResult, app_id: int, institution_code: str) -> DrawResult:
    """Return the result after the ministry moved an application's allocation to another institution of the
    manifest: its amount returns to the old institution's budget and is taken from the new one's.
    Raises NotSelectedError when the application holds no allocation, SelectionError for a result of
    another manifest or an institution not in it."""
    if result.manifest_sha256 != manifest_sha256(manifest):
        raise SelectionError(N_("This draw result was not drawn from this manifest."))
    held = next((a for a in result.selected if a.app_id == app_id), None)
    if held is None:
        raise NotSelectedError(N_("Application %(id)s holds no allocation to move."), id=app_id)
    if institution_code not in result.remaining:
        raise SelectionError(N_("This draw result was not drawn from this manifest."))
    remaining = dict(result.remaining)
    remaining[held.institution_code] += held.amount
    remaining[institution_code] -= held.amount
    moved = replace(held, institution_code=institution_code)
    return replace(
        result, selected=tuple(moved if a.app_id == app_id else a for a in result.selected), remaining=remaining
    )


def _promote_first_that_fits(
    pool: _Pool, waitlist: Iterable[int], remaining: list[int], rank: Mapping[int, int]
) -> Allocation | None:
    """Allocate the first waitlisted application that fits, charging `remaining`; None if none fits."""
    position = {app_id: pos for pos, app_id in enumerate(pool.ids)}
    for app_id in waitlist:
        pos = position[app_id]
        among = pool.candidates[pos] or range(len(pool.codes))
        inst = _best(among, remaining, pool.amounts[pos])
        if inst >= 0:
            remaining[inst] -= pool.amounts[pos]
            return Allocation(app_id, pool.codes[inst], pool.amounts[pos], rank[app_id])
    return None


def _count_selected(pool: _Pool, seed: str, start: int, stop: int) -> list[int]:
    """Count, per application position, the derived seeds start..stop-1 in which it is selected."""
    counts = [0] * len(pool.ids)
    for i in range(start, stop):
        placed, _ = _allocate(pool, _draw_order(pool, f"{seed}#{i}")[0])
        for pos, _inst in placed:
            counts[pos] += 1
    return counts


def _selection_counts(manifest: Manifest, seed: str, n: int, map_: Mapper, parts: int) -> tuple[_Pool, list[int]]:
    if not is_whole(n, 1):
        raise SelectionError(N_("The number of derived seeds must be 1 or more, not %(n)s."), n=repr(n))
    pool = _pool(manifest)
    parts = max(1, min(parts, n))
    bounds = [n * k // parts for k in range(parts + 1)]
    # Integer counts summed over disjoint seed ranges: the same whatever the parts and wherever they run.
    chunks = map_(_count_selected, [pool] * parts, [seed] * parts, bounds[:-1], bounds[1:])
    return pool, [sum(column) for column in zip(*chunks, strict=True)]


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
    pool, counts = _selection_counts(manifest, seed, n, map_, parts)
    selections: dict[str, int] = {}
    sizes: dict[str, int] = {}
    for app_id, count in zip(pool.ids, counts, strict=True):
        tier = tier_of[app_id]
        selections[tier] = selections.get(tier, 0) + count
        sizes[tier] = sizes.get(tier, 0) + 1
    return {tier: selections[tier] / (n * sizes[tier]) for tier in sorted(sizes)}
