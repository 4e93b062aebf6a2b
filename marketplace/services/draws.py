"""Committee scores, freezing the pool, the draw, publication and re-running it to verify."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from ..database import begin_write
from ..domain import rounds as rules
from ..domain import seed_events, selection, small_track
from ..domain.clock import seoul_date
from ..domain.errors import N_
from ..domain.states import ApplicationStatus, JobKind, RoundStatus
from ..extensions import db
from ..models import Allocation, Application, Draw, Round, User
from . import committee, jobs, needs, round_opening
from . import rounds as round_service
from . import tracks as track_service
from .audit import record_event
from .draw_verification import Verification, verify_draw  # noqa: F401  (callers import them from here)
from .seed_events import result_timeline

# Orders may rest on an allocation for a year after publication (DESIGN does not set a period).
ALLOCATION_VALID_DAYS = 365
SAMPLE_RATE_SEEDS = 1000


def score_application(
    actor: User, code: str, application_id: int, innovation: int, capability: int, need: int
) -> Application:
    """Record the committee's three scores for an eligible application of a closed, unfrozen round."""
    begin_write()
    round_ = round_service.get_round(code, lock=True)
    application = _application_of(round_, application_id)
    rules.require_status(round_.status, (RoundStatus.CLOSED,), N_("Scores are entered after the round closes."))
    if round_.draw is not None:
        raise rules.RoundError(N_("The pool is frozen; scores can no longer change."))
    if application.status != ApplicationStatus.ELIGIBLE:
        raise rules.RoundError(N_("Only eligible applications are scored."))
    if committee.has_committee(round_.id) or needs.is_need_round(round_.id):
        raise rules.RoundError(N_("This round has an evaluation committee: its members score the applications."))
    total = rules.check_scores(innovation, capability, need)
    before = {"scores": [application.score_innovation, application.score_capability, application.score_need]}
    application.score_innovation, application.score_capability, application.score_need = (
        innovation,
        capability,
        need,
    )
    application.scored_at = round_service.now()
    record_event(
        actor,
        "application.scored",
        application,
        before=before,
        after={"scores": [innovation, capability, need], "total": total},
    )
    db.session.commit()
    return application


def _application_of(round_: Round, application_id: int) -> Application:
    application = db.session.get(Application, application_id)
    if application is None or application.round_id != round_.id:
        raise rules.RoundError(N_("This application is not part of round %(code)s."), code=round_.code)
    return application


def pool_of(round_: Round) -> list[Application]:
    """Eligible applications at or above the pass mark, by id."""
    return sorted(
        (
            a
            for a in round_.applications
            if a.status == ApplicationStatus.ELIGIBLE
            and (a.total_score or 0) >= round_.pass_mark
            and a.total_score is not None
        ),
        key=lambda a: a.id,
    )


def checked_at_close(application: Application) -> tuple[int, dict]:
    """The weight and the snapshot that the round's close gave an application of the pool."""
    if application.weight is None or application.snapshot is None:
        raise ValueError(f"application {application.id} is in the pool but has no weight or snapshot")
    return application.weight, application.snapshot


def build_manifest(round_: Round) -> selection.Manifest:
    """The pool's manifest. Raises MalformedManifestError when an application prefers an institution
    outside the round: such a manifest is never emitted."""
    institutions = tuple(selection.PoolInstitution(b.institution.code, b.budget_krw) for b in round_.budgets)
    applications = tuple(
        selection.PoolApplication(
            a.id,
            checked_at_close(a)[0],
            a.amount_krw,
            tuple(i.code for i in a.preferred),
            a.track.kind if a.track is not None else "",
        )
        for a in pool_of(round_)
    )
    tracks = track_service.manifest_tracks(round_)
    return selection.Manifest(round_.code, selection.RULE_VERSION, institutions, applications, tracks)


def freeze_pool(actor: User, code: str) -> Draw:
    """Freeze the pool and publish its manifest and SHA-256; refused twice, while a score is missing, and
    once the seed event has happened (SeedEventError: announce a later one first)."""
    begin_write()
    round_ = round_service.get_round(code, lock=True)
    rules.require_status(
        round_.status, (RoundStatus.CLOSED,), N_("The pool can be frozen only after the round closes.")
    )
    if round_.draw is not None:
        raise rules.RoundError(N_("The pool is already frozen; a frozen manifest cannot change."))
    if needs.is_need_round(round_.id):
        raise rules.RoundError(
            N_("This round evaluates a need's shortlist: it has no draw; select on the need's page.")
        )
    if committee.has_committee(round_.id) and round_.scores_finalised_at is None:
        raise rules.RoundError(N_("Finalise the committee's scores before freezing the pool."))
    unscored = [a for a in round_.applications if a.status == ApplicationStatus.ELIGIBLE and a.total_score is None]
    if unscored:
        raise rules.RoundError(N_("%(count)s eligible applications have no scores yet."), count=len(unscored))
    moment = round_service.now()
    seed_events.require_freeze_before_event(round_.seed_event, moment)
    manifest = build_manifest(round_)
    draw = Draw(
        round=round_,
        rule_version=manifest.rule,
        manifest_json=selection.manifest_json(manifest),
        manifest_sha256=selection.manifest_sha256(manifest),
        frozen_at=moment,
        frozen_by_id=actor.id,
    )
    db.session.add(draw)
    record_event(
        actor,
        "round.pool_frozen",
        round_,
        after={"manifest_sha256": draw.manifest_sha256, "pool": len(manifest.applications)},
    )
    db.session.commit()
    return draw


def run_round_draw(actor: User, code: str, seed: str) -> Draw:
    """Run the draw with the seed staff type: the outcome of the round's seed event.

    The draw commits at once, with a queued job for its 1,000-seed rate estimate (minutes for a large
    pool), which a worker runs (services/draw_estimates.py) while the round page shows its progress.
    Raises RoundError before the freeze and for a second draw, SeedEventError before the seed event,
    SeedError for a bad seed.
    """
    draw_id, job_id = _draw(actor, code, seed)
    if job_id is not None:
        jobs.submit(job_id)
    return db.session.get_one(Draw, draw_id)


def _draw(actor: User, code: str, seed: str) -> tuple[int, int | None]:
    """The draw itself and its estimate's job, in one write transaction: (draw id, job id or None)."""
    begin_write()
    round_ = round_service.get_round(code, lock=True)
    draw = round_.draw
    if draw is None:
        raise rules.RoundError(N_("Freeze the pool before the draw: the manifest must be public first."))
    if draw.seed is not None or round_.status != RoundStatus.CLOSED:
        raise rules.RoundError(N_("This round has already been drawn; there is no second draw."))
    moment = round_service.now()
    seed_events.require_draw_after_event(round_.seed_event, moment)
    seed = rules.check_seed(seed)
    manifest = selection.manifest_from_json(draw.manifest_json)
    result = selection.run_draw(manifest, seed)
    draw.seed, draw.seed_source = seed, ""  # the source is the seed event, which the round names
    # stored by the estimate's job (services/draw_estimates.py); an empty pool has nothing to estimate
    draw.expected_rates = None if manifest.applications else {}
    draw.drawn_at, draw.drawn_by_id = moment, actor.id
    draw.result_json = selection.result_json(result, result_timeline(round_, draw))
    _apply_result(round_, result)
    round_.status = RoundStatus.DRAWN
    record_event(
        actor,
        "round.drawn",
        round_,
        before={"status": RoundStatus.CLOSED},
        after={
            "status": RoundStatus.DRAWN,
            "seed": seed,
            "seed_event": seed_events.facts(round_.seed_event),
            "manifest_sha256": draw.manifest_sha256,
            "selected": len(result.selected),
            "waitlisted": len(result.waitlist),
        },
    )
    job = None
    if manifest.applications:
        job = jobs.create_job(JobKind.DRAW_ESTIMATE, {"draw_id": draw.id, "seed": seed}, actor)
    db.session.flush()
    draw_id, job_id = draw.id, job.id if job else None
    db.session.commit()
    return draw_id, job_id


def _apply_result(round_: Round, result: selection.DrawResult) -> None:
    institutions = {b.institution.code: b.institution_id for b in round_.budgets}
    by_id = {a.id: a for a in round_.applications}
    for chosen in result.selected:
        by_id[chosen.app_id].status = ApplicationStatus.SELECTED
        db.session.add(
            Allocation(
                round_id=round_.id,
                application_id=chosen.app_id,
                institution_id=institutions[chosen.institution_code],
                amount_krw=chosen.amount,
                rank=chosen.rank,
            )
        )
    for position, app_id in enumerate(result.waitlist, start=1):
        by_id[app_id].status, by_id[app_id].waitlist_position = ApplicationStatus.WAITLISTED, position
    for application in round_.applications:
        if application.status == ApplicationStatus.ELIGIBLE:  # scored below the pass mark
            application.status = ApplicationStatus.NOT_SELECTED


def drawn(round_: Round) -> Draw:
    """The round's draw: its frozen pool, then its result; RoundError for a round without one."""
    if round_.draw is None:
        raise rules.RoundError(N_("Round %(code)s has not been drawn yet."), code=round_.code)
    return round_.draw


def publish_round(actor: User, code: str) -> Round:
    """Publish the seed and the result beside the manifest; allocations then hold for a year."""
    begin_write()
    round_ = round_service.get_round(code, lock=True)
    rules.require_status(round_.status, (RoundStatus.DRAWN,), N_("Only a drawn round can be published."))
    moment = round_service.now()
    drawn(round_).published_at = moment
    valid_until = allocation_valid_until(round_, seoul_date(moment))
    for allocation in db.session.scalars(select(Allocation).where(Allocation.round_id == round_.id)):
        allocation.valid_until = valid_until
    round_.status = RoundStatus.PUBLISHED
    record_event(
        actor,
        "round.published",
        round_,
        before={"status": RoundStatus.DRAWN},
        after={"status": RoundStatus.PUBLISHED, "allocations_valid_until": valid_until.isoformat()},
    )
    round_id = round_.id  # read before the commit: reading it after would begin a transaction the job outlives
    db.session.commit()
    round_opening.results_later(round_id, round_opening.SELECTION)
    return round_


def allocation_valid_until(round_: Round, published_on: date) -> date:
    """The last contract date the round's selections cover: a small-value batch's for one calendar year
    (small_track.selection_valid_until), any other round's for ALLOCATION_VALID_DAYS after publication."""
    if track_service.is_small_batch(round_):
        return small_track.selection_valid_until(published_on)
    return published_on + timedelta(days=ALLOCATION_VALID_DAYS)


def _load(text: str) -> dict:
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


@dataclass(frozen=True)
class TierRow:
    tier: str
    pool: int
    selected: int
    expected_rate: float | None


def tier_table(round_: Round) -> list[TierRow]:
    """Per weight tier: pool size, how many the draw selected, and the 1,000-seed expected rate."""
    draw = round_.draw
    if draw is None:
        return []
    manifest = selection.manifest_from_json(draw.manifest_json)
    tier_of = {a.id: (a.snapshot or {}).get("tier", "general") for a in round_.applications}
    chosen = {s["id"] for s in _load(draw.result_json or "{}").get("selected", [])}
    rates = draw.expected_rates or {}
    return [
        _tier_row(tier, manifest, tier_of, chosen, rates.get(tier)) for tier in ("first_timer", "startup", "general")
    ]


def _tier_row(tier: str, manifest: selection.Manifest, tier_of: dict, chosen: set[int], rate: float | None) -> TierRow:
    ids = [a.id for a in manifest.applications if tier_of.get(a.id) == tier]
    return TierRow(tier, len(ids), sum(1 for i in ids if i in chosen), rate)
