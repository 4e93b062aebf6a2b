"""The draw's 1,000-seed rate estimate as a background job, and what the round page shows of it."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from ..domain import selection
from ..domain.states import JobKind
from ..extensions import db
from ..models import Draw, Job, Round
from . import estimates, jobs
from .draws import SAMPLE_RATE_SEEDS, checked_at_close


def run_estimate(job_id: int, params: dict, progress: Callable[[int], None]) -> None:
    """Count the draw's derived seeds in steps (reporting progress), outside any write transaction, then
    store the rates and finish the job in one short one. Raises KeyError/SelectionError for bad inputs."""
    draw_id, seed = int(params["draw_id"]), str(params["seed"])
    draw = db.session.get_one(Draw, draw_id)
    manifest = selection.manifest_from_json(draw.manifest_json)
    pooled = {a.id for a in manifest.applications}
    tier_of = {a.id: checked_at_close(a)[1]["tier"] for a in draw.round.applications if a.id in pooled}
    db.session.commit()  # end the read transaction: the counting holds no snapshot
    rates = estimates.expected_rates_in_steps(manifest, seed, tier_of, SAMPLE_RATE_SEEDS, progress)
    jobs.finish(job_id, lambda _job: _store_expected_rates(draw_id, seed, rates))


def _store_expected_rates(draw_id: int, seed: str, rates: dict) -> None:
    """In the job's finishing transaction: store the estimate if the draw is still the one it was made for."""
    draw = db.session.get_one(Draw, draw_id, with_for_update=True, populate_existing=True)
    if draw.seed == seed and draw.expected_rates is None:
        draw.expected_rates = rates


def estimate_job(round_: Round) -> Job | None:
    """The latest estimate job of the round's draw while its rates are not stored yet; None otherwise."""
    draw = round_.draw
    if draw is None or draw.seed is None or draw.expected_rates is not None:
        return None
    jobs_of_draw = db.session.scalars(
        select(Job).where(Job.kind == JobKind.DRAW_ESTIMATE).order_by(Job.id.desc()).limit(50)
    )
    return next((job for job in jobs_of_draw if job.params.get("draw_id") == draw.id), None)
