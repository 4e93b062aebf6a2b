"""A new draw of one track, the remedy of an upheld objection: its manifest and its place in the round's result.

The new draw is a draw of DESIGN.md section 4 in its own right, so the public checker re-runs it from its own
manifest and seed: its manifest is written without tracks (the track's applications and budgets only), under
the round's code and rule, and its seed is the outcome of a new public event announced before the freeze.

- Its pool: the track's applications of the manifest the result rests on that are still selected or
  waitlisted (one that withdrew has left the round), plus the objecting application when it was outside the
  pool and now belongs in it (eligible at close and at or above the pass mark with its corrected scores;
  its weight is the one the round's published rule gave it at close).
- Its budgets: the track's budgets from the round manifest's split (a round without tracks: the round's).
  Every allocation the track held ends (superseded), so the whole track budget is drawn again; no order may
  rest on any of them (a purchase is never taken away).
- An application of its pool that withdraws between the freeze and the draw is taken out after the draw by
  the round's own rules: off the waitlist, or its allocation refilled from the new draw's waitlist.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TypeVar

from .draw import Allocation, DrawResult
from .errors import N_, DomainError
from .manifest import Manifest, PoolApplication, manifest_sha256
from .refill import refill_after_withdrawal

T = TypeVar("T")


class RedrawError(DomainError):
    """A new draw of a track cannot be frozen or run (the message says why)."""


def track_institutions(manifest: Manifest, track: str):
    """The budgets a new draw of `track` shares out: the track's own split, or the round's without tracks."""
    if not manifest.tracks:
        if track:
            raise RedrawError(N_("This round has no tracks: a new draw takes in its whole pool."))
        return manifest.institutions
    found = next((t for t in manifest.tracks if t.track == track), None)
    if found is None:
        raise RedrawError(N_("The round's manifest has no track %(track)s."), track=track)
    return found.institutions


def redraw_manifest(manifest: Manifest, track: str, kept: Iterable[int], added: PoolApplication | None) -> Manifest:
    """The new draw's manifest: the track's applications of `manifest` whose ids are in `kept`, plus `added`
    (the objecting application entering the pool), with the track's budgets; written without tracks.
    Raises RedrawError for a track the manifest does not list and for a pool left empty."""
    institutions = track_institutions(manifest, track)
    keep = set(kept)
    apps = [replace(a, track="") for a in manifest.applications if a.track == track and a.id in keep]
    if added is not None and all(a.id != added.id for a in apps):
        apps.append(replace(added, track=""))
    if not apps:
        raise RedrawError(N_("A new draw of this track would have no application to draw."))
    return Manifest(manifest.round_code, manifest.rule, institutions, tuple(apps))


def with_application(manifest: Manifest, added: PoolApplication | None, track: str) -> Manifest:
    """The manifest the round's result rests on once a new draw took `added` into `track` (unchanged: None)."""
    if added is None or any(a.id == added.id for a in manifest.applications):
        return manifest
    return replace(manifest, applications=(*manifest.applications, replace(added, track=track)))


def manifest_differences(manifest: Manifest, track: str, redraw: Manifest, added_id: int | None) -> list[str]:
    """How a new draw's manifest departs from the track's part of `manifest` (empty: it does not): the same
    round and rule, the track's budgets, and each application as `manifest` has it, `added_id` excepted."""
    found = []
    if (redraw.round_code, redraw.rule) != (manifest.round_code, manifest.rule):
        found.append("the new draw's manifest names another round or rule")
    try:
        budgets = track_institutions(manifest, track)
    except RedrawError:
        return [*found, f"the round's manifest has no track {track!r}"]
    if redraw.institutions != budgets:
        found.append("the new draw's budgets are not the track's budgets in the round's manifest")
    own = {a.id: replace(a, track="") for a in manifest.applications if a.track == track}
    for app in redraw.applications:
        if app.id != added_id and own.get(app.id) != app:
            found.append(f"application {app.id} of the new draw is not the track's application {app.id}")
    return found


def settle_withdrawals(
    manifest: Manifest, result: DrawResult, withdrawn: Iterable[int]
) -> tuple[DrawResult, list[Allocation]]:
    """The new draw's result once the applications of its pool that withdrew after its freeze are out: off
    its waitlist first, then each selected one's allocation refilled from its waitlist by the draw's rule
    (selection.refill_after_withdrawal), in id order. Returns the result and the allocations promoted."""
    gone = set(withdrawn)
    result = replace(result, waitlist=tuple(a for a in result.waitlist if a not in gone))
    promoted: list[Allocation] = []
    for app_id in sorted(gone & {a.app_id for a in result.selected}):
        result, new = refill_after_withdrawal(manifest, result, app_id)
        promoted += [new] if new is not None else []
    return result, promoted


def _splice(before: Sequence[T], in_track, new: Sequence[T]) -> tuple[T, ...]:
    """`before` with the track's items replaced by `new`, at the place of the track's first item (or last)."""
    at = next((n for n, item in enumerate(before) if in_track(item)), len(before))
    kept = [item for item in before if not in_track(item)]
    return (*kept[:at], *new, *kept[at:])


def spliced(manifest: Manifest, result: DrawResult, track_ids: set[int], redraw: DrawResult) -> DrawResult:
    """The round's result with the track's part (applications `track_ids`) replaced by the new draw's: its
    order, allocations and waitlist take the track's place; budgets left are recounted over `manifest`, the
    manifest the result now rests on (the round's plus any application a new draw took in)."""
    selected = _splice(result.selected, lambda a: a.app_id in track_ids, redraw.selected)
    remaining = {inst.code: inst.budget for inst in manifest.institutions}
    for held in selected:
        remaining[held.institution_code] -= held.amount
    return replace(
        result,
        manifest_sha256=manifest_sha256(manifest),
        order=_splice(result.order, lambda e: e.app_id in track_ids, redraw.order),
        selected=selected,
        waitlist=_splice(result.waitlist, lambda a: a in track_ids, redraw.waitlist),
        remaining=remaining,
        tracks=(),
    )
