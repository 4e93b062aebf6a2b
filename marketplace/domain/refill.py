"""Changes to a drawn result: a withdrawal and its refill, a refill from the waitlist, a moved allocation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from .draw import Allocation, DrawResult, Pool, best_candidate, pool_of, track_manifest
from .errors import N_
from .manifest import Manifest, NotSelectedError, PoolTrack, SelectionError, manifest_sha256


def _track_of(manifest: Manifest, app_id: int) -> PoolTrack | None:
    """The track an application is in; None in a manifest without tracks (or for an unknown id)."""
    name = next((a.track for a in manifest.applications if a.id == app_id), None)
    return next((t for t in manifest.tracks if t.track == name), None)


def _track_view(manifest: Manifest, result: DrawResult, track: PoolTrack) -> tuple[Manifest, DrawResult]:
    """One track's manifest and the result as it stands within it: its budgets less its allocations."""
    _require_drawn_from(manifest, result)
    own = track_manifest(manifest, track)
    ids = {a.id for a in own.applications}
    selected = tuple(a for a in result.selected if a.app_id in ids)
    remaining = {inst.code: inst.budget for inst in track.institutions}
    for held in selected:
        remaining[held.institution_code] -= held.amount
    view = replace(
        result,
        manifest_sha256=manifest_sha256(own),
        order=tuple(e for e in result.order if e.app_id in ids),
        selected=selected,
        waitlist=tuple(a for a in result.waitlist if a in ids),
        remaining=remaining,
        tracks=(),
    )
    return own, view


def _merged(manifest: Manifest, result: DrawResult, own: Manifest, changed: DrawResult) -> DrawResult:
    """The whole result after a change within one track; budgets left are added up over the tracks."""
    ids = {a.id for a in own.applications}
    selected = _merged_selected(result.selected, changed.selected, ids)
    waitlist = tuple(a for a in result.waitlist if a not in ids or a in changed.waitlist)
    return replace(result, selected=selected, waitlist=waitlist, remaining=_left(manifest, selected))


def _merged_selected(before: tuple[Allocation, ...], track_now: tuple[Allocation, ...], ids: set[int]):
    """The allocations in their order, the track's replaced by what it holds now; new ones at the end."""
    now = {a.app_id: a for a in track_now}
    kept = tuple(now.get(a.app_id, a) for a in before if a.app_id not in ids or a.app_id in now)
    known = {a.app_id for a in kept}
    return kept + tuple(a for a in track_now if a.app_id not in known)


def _left(manifest: Manifest, selected: Iterable[Allocation]) -> dict[str, int]:
    remaining = {inst.code: inst.budget for inst in manifest.institutions}
    for held in selected:
        remaining[held.institution_code] -= held.amount
    return remaining


def _within_track(manifest, result, app_id, change) -> tuple[DrawResult, Allocation | None] | None:
    """Apply `change` (manifest, result -> result, allocation) within the application's track; None
    when the manifest has no tracks, so the change applies to the whole pool."""
    track = _track_of(manifest, app_id)
    if track is None:
        return None
    own, view = _track_view(manifest, result, track)
    changed, allocation = change(own, view)
    return _merged(manifest, result, own, changed), allocation


def refill_after_withdrawal(
    manifest: Manifest, result: DrawResult, withdrawn_app_id: int
) -> tuple[DrawResult, Allocation | None]:
    """Return the result after a selected application withdraws, and the promoted allocation if any.

    The withdrawn amount returns to its institution. The first waitlisted application (waitlist
    order) with a candidate covering its amount is then allocated by the rule of `run_draw` and leaves
    the waitlist; at most one is promoted. Raises NotSelectedError when the application holds no
    allocation, SelectionError when the result was not drawn from this manifest. With tracks, the freed
    budget stays in the withdrawn application's track and goes to that track's waitlist.
    """
    if (tracked := _within_track(manifest, result, withdrawn_app_id, _refill(withdrawn_app_id))) is not None:
        return tracked
    _require_drawn_from(manifest, result)
    withdrawn = _held(result, withdrawn_app_id)
    if withdrawn is None:
        raise NotSelectedError(N_("Application %(id)s is not selected, so it cannot withdraw."), id=withdrawn_app_id)
    pool = pool_of(manifest)
    remaining = _remaining(pool, result)
    remaining[pool.codes.index(withdrawn.institution_code)] += withdrawn.amount
    kept = replace(result, selected=tuple(a for a in result.selected if a.app_id != withdrawn_app_id))
    return _promoted(pool, kept, remaining)


def _refill(app_id: int):
    return lambda own, view: refill_after_withdrawal(own, view, app_id)


def promote_from_waitlist(manifest: Manifest, result: DrawResult) -> tuple[DrawResult, Allocation | None]:
    """Return the result after the first waitlisted application that fits the budget left is allocated
    (by the rule of `run_draw`), and that allocation; None when none fits. The ministry's refill after a
    withdrawal that promoted nobody at the time. Raises SelectionError for a result of another manifest.
    With tracks, each track (in manifest order) promotes from its own waitlist within its own budget left.
    """
    for track in manifest.tracks:
        own, view = _track_view(manifest, result, track)
        changed, promoted = promote_from_waitlist(own, view)
        if promoted is not None:
            return _merged(manifest, result, own, changed), promoted
    if manifest.tracks:
        return result, None
    _require_drawn_from(manifest, result)
    pool = pool_of(manifest)
    refilled, promoted = _promoted(pool, result, _remaining(pool, result))
    return (refilled, promoted) if promoted is not None else (result, None)


def reinstate_from_waitlist(
    manifest: Manifest, result: DrawResult, app_id: int
) -> tuple[DrawResult, Allocation | None]:
    """Return the result after waitlisted application `app_id` is allocated by the rule of `run_draw` (the
    candidate with the most budget left that covers its amount, ties to the lowest code) out of the budget
    left, ahead of the waitlist's order: the remedy of an upheld objection. None (and the result unchanged)
    when no candidate's budget left covers its amount: budgets are never exceeded. Raises NotSelectedError
    when the application is not on the waitlist, SelectionError for a result of another manifest.
    With tracks, out of the budget its track has left."""
    _require_drawn_from(manifest, result)
    if app_id not in result.waitlist:
        raise NotSelectedError(N_("Application %(id)s is not on the waitlist."), id=app_id)
    reinstate = lambda own, view: reinstate_from_waitlist(own, view, app_id)  # noqa: E731
    if (tracked := _within_track(manifest, result, app_id, reinstate)) is not None:
        return tracked if tracked[1] is not None else (result, None)
    _require_drawn_from(manifest, result)
    if app_id not in result.waitlist:
        raise NotSelectedError(N_("Application %(id)s is not on the waitlist."), id=app_id)
    pool = pool_of(manifest)
    remaining = _remaining(pool, result)
    rank = {entry.app_id: n for n, entry in enumerate(result.order, start=1)}
    promoted = _promote_first_that_fits(pool, (app_id,), remaining, rank)
    if promoted is None:
        return result, None
    return replace(
        result,
        selected=result.selected + (promoted,),
        waitlist=tuple(a for a in result.waitlist if a != app_id),
        remaining=dict(zip(pool.codes, remaining, strict=True)),
    ), promoted


def move_allocation(manifest: Manifest, result: DrawResult, app_id: int, institution_code: str) -> DrawResult:
    """Return the result after the ministry moved an application's allocation to another institution of the
    manifest: its amount returns to the old institution's budget and is taken from the new one's.
    Raises NotSelectedError when the application holds no allocation, SelectionError for a result of
    another manifest or an institution not in it."""
    _require_drawn_from(manifest, result)
    held = _held(result, app_id)
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


def _require_drawn_from(manifest: Manifest, result: DrawResult) -> None:
    if result.manifest_sha256 != manifest_sha256(manifest):
        raise SelectionError(N_("This draw result was not drawn from this manifest."))


def _held(result: DrawResult, app_id: int) -> Allocation | None:
    return next((a for a in result.selected if a.app_id == app_id), None)


def _remaining(pool: Pool, result: DrawResult) -> list[int]:
    return [result.remaining[code] for code in pool.codes]


def _promoted(pool: Pool, result: DrawResult, remaining: list[int]) -> tuple[DrawResult, Allocation | None]:
    """The result after the first waitlisted application that fits `remaining` is allocated (if any), with
    the budgets left; and that allocation."""
    rank = {entry.app_id: n for n, entry in enumerate(result.order, start=1)}
    promoted = _promote_first_that_fits(pool, result.waitlist, remaining, rank)
    return replace(
        result,
        selected=result.selected + ((promoted,) if promoted else ()),
        waitlist=tuple(a for a in result.waitlist if promoted is None or a != promoted.app_id),
        remaining=dict(zip(pool.codes, remaining, strict=True)),
    ), promoted


def _promote_first_that_fits(
    pool: Pool, waitlist: Iterable[int], remaining: list[int], rank: Mapping[int, int]
) -> Allocation | None:
    """Allocate the first waitlisted application that fits, charging `remaining`; None if none fits."""
    position = {app_id: pos for pos, app_id in enumerate(pool.ids)}
    for app_id in waitlist:
        pos = position[app_id]
        among = pool.candidates[pos] or range(len(pool.codes))
        inst = best_candidate(among, remaining, pool.amounts[pos])
        if inst >= 0:
            remaining[inst] -= pool.amounts[pos]
            return Allocation(app_id, pool.codes[inst], pool.amounts[pos], rank[app_id])
    return None
