"""Changes to a drawn result: a withdrawal and its refill, a refill from the waitlist, a moved allocation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from .draw import Allocation, DrawResult, Pool, best_candidate, pool_of
from .errors import N_
from .manifest import Manifest, NotSelectedError, SelectionError, manifest_sha256


def refill_after_withdrawal(
    manifest: Manifest, result: DrawResult, withdrawn_app_id: int
) -> tuple[DrawResult, Allocation | None]:
    """Return the result after a selected application withdraws, and the promoted allocation if any.

    The withdrawn amount returns to its institution. The first waitlisted application (waitlist
    order) with a candidate covering its amount is then allocated by the rule of `run_draw` and leaves
    the waitlist; at most one is promoted. Raises NotSelectedError when the application holds no
    allocation, SelectionError when the result was not drawn from this manifest.
    """
    _require_drawn_from(manifest, result)
    withdrawn = _held(result, withdrawn_app_id)
    if withdrawn is None:
        raise NotSelectedError(N_("Application %(id)s is not selected, so it cannot withdraw."), id=withdrawn_app_id)
    pool = pool_of(manifest)
    remaining = _remaining(pool, result)
    remaining[pool.codes.index(withdrawn.institution_code)] += withdrawn.amount
    kept = replace(result, selected=tuple(a for a in result.selected if a.app_id != withdrawn_app_id))
    return _promoted(pool, kept, remaining)


def promote_from_waitlist(manifest: Manifest, result: DrawResult) -> tuple[DrawResult, Allocation | None]:
    """Return the result after the first waitlisted application that fits the budget left is allocated
    (by the rule of `run_draw`), and that allocation; None when none fits. The ministry's refill after a
    withdrawal that promoted nobody at the time. Raises SelectionError for a result of another manifest.
    """
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
    when the application is not on the waitlist, SelectionError for a result of another manifest."""
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
