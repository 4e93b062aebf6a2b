"""New draws of a track in a round's result: the manifest and result the round now rests on, and their JSON.

The round's draw stays as drawn and published (version 1, re-run by the checker from the round's manifest);
each new draw of a track replaces that track's part of the result (domain/redraws.py), in the order they
were drawn. Everything that changes the result afterwards (withdrawals, refills, moves, reinstatements)
works on the result these give.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..domain import redraws, selection
from ..domain.clock import seoul_iso
from ..domain.errors import N_
from ..domain.rounds import RoundError
from ..domain.states import RedrawState
from ..extensions import db
from ..models import Allocation, Application, Round, TrackRedraw


def redraws_of(round_id: int) -> list[TrackRedraw]:
    """The round's new draws, frozen or drawn, in the order they were frozen."""
    return list(
        db.session.scalars(select(TrackRedraw).where(TrackRedraw.round_id == round_id).order_by(TrackRedraw.id))
    )


def pending_redraw(round_id: int) -> TrackRedraw | None:
    """The round's new draw frozen and not drawn yet (at most one at a time)."""
    return next((r for r in redraws_of(round_id) if r.state == RedrawState.FROZEN), None)


def track_of(application: Application) -> str:
    """The application's track kind; empty in a round without tracks (its whole pool is "the track")."""
    return application.track.kind if application.track is not None else ""


def redraw_pending_for(allocation: Allocation) -> bool:
    """Whether a new draw of the allocation's track is frozen and not drawn: its allocations take no order
    until it has run (it may end them)."""
    pending = pending_redraw(allocation.round_id)
    return pending is not None and pending.track == track_of(allocation.application)


def added_application(redraw: TrackRedraw) -> selection.PoolApplication | None:
    """The objecting application as the new draw's manifest took it into the pool (None: it was in it)."""
    if redraw.added_application_id is None:
        return None
    manifest = selection.manifest_from_json(redraw.manifest_json)
    return next(a for a in manifest.applications if a.id == redraw.added_application_id)


def redraw_result(redraw: TrackRedraw) -> selection.DrawResult:
    """The new draw re-run from its manifest and seed (which the checker does too)."""
    if redraw.seed is None:
        raise RoundError(N_("This new draw has not run yet."))
    return selection.run_draw(selection.manifest_from_json(redraw.manifest_json), redraw.seed)


def track_ids(manifest: selection.Manifest, track: str, added: selection.PoolApplication | None) -> set[int]:
    """The ids of the applications of `track` in `manifest` (every one without tracks), `added` included."""
    ids = {a.id for a in manifest.applications if a.track == track}
    return ids | ({added.id} if added is not None else set())


def effective(
    round_: Round, original: selection.Manifest | None = None
) -> tuple[selection.Manifest, selection.DrawResult]:
    """The manifest the round's result rests on now and the result as drawn, each new draw spliced in (no
    change made after a draw). Without new draws: the round's manifest and its draw re-run."""
    draw = round_.draw
    if draw is None or draw.seed is None:
        raise RoundError(N_("Round %(code)s has not been drawn yet."), code=round_.code)
    manifest = original or selection.manifest_from_json(draw.manifest_json)
    base = selection.run_draw(manifest, draw.seed)
    for redraw in redraws_of(round_.id):
        if redraw.state == RedrawState.DRAWN:
            added = added_application(redraw)
            ids = track_ids(manifest, redraw.track, added)
            manifest = redraws.with_application(manifest, added, redraw.track)
            base = redraws.spliced(manifest, base, ids, redraw_result(redraw))
    return manifest, base


@dataclass(frozen=True)
class RedrawFacts:
    """A new draw as the round's page and its result versions state it (never the objecting applicant)."""

    objection: int
    track: str
    manifest_sha256: str
    seed_event_ko: str
    seed_event_en: str
    seed_event_at: datetime
    frozen_at: datetime
    seed: str | None
    drawn_at: datetime | None
    result_version: int | None
    selected: int
    waitlisted: int


def redraw_facts(round_id: int) -> list[RedrawFacts]:
    """The round's new draws for its public page: each frozen one (manifest and seed event, published
    before the event) and, once drawn, its seed, result version and counts."""
    facts = []
    for r in redraws_of(round_id):
        result = json.loads(r.result_json) if r.result_json else {}
        facts.append(
            RedrawFacts(
                r.objection.number,
                r.track,
                r.manifest_sha256,
                r.seed_event_ko,
                r.seed_event_en,
                r.seed_event_at,
                r.frozen_at,
                r.seed,
                r.drawn_at,
                r.result_version,
                len(result.get("selected", [])),
                len(result.get("waitlist", [])),
            )
        )
    return facts


def by_number(round_: Round, number: int) -> TrackRedraw | None:
    """The round's new draw made for its objection number `number`, if any."""
    return next((r for r in redraws_of(round_.id) if r.objection.number == number), None)


def change_json(redraw: TrackRedraw) -> dict:
    """A drawn new draw as a result version lists it: the track, its manifest's SHA-256, its seed event, its
    seed and its result exactly as published at its own result file (which the checker re-runs)."""
    return {
        "version": redraw.result_version,
        "objection": redraw.objection.number,
        "remedy": redraw.objection.remedy_kind,
        "track": redraw.track,
        "manifest_sha256": redraw.manifest_sha256,
        "seed_event": {
            "description_ko": redraw.seed_event_ko,
            "description_en": redraw.seed_event_en,
            "at": seoul_iso(redraw.seed_event_at),
        },
        "frozen_at": seoul_iso(redraw.frozen_at),
        "seed": redraw.seed,
        "at": seoul_iso(redraw.drawn_at),
        "result": json.loads(redraw.result_json or "{}"),
    }
