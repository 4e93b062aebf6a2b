"""A new draw of the objecting application's track: the remedy of an upheld objection, in two steps.

1. Freeze (`freeze_redraw`): staff record the remedy with a reason, optional corrected scores for the
   objecting application and a NEW public seed event that has not happened yet (as for a round's draw). The
   new draw's manifest (domain/redraws.py: the track's applications still in the round, plus the objecting
   application when it now belongs in the pool, on the track's budgets) is frozen and published on the
   round's page with its SHA-256 and the event before the event happens. The objection is then remedied.
2. Draw (`run_redraw`): after the event, staff type its outcome as the seed. The draw of DESIGN.md section 4
   runs on the new manifest; every allocation the track held ends ('superseded', kept and audited), the new
   ones are made with the round's validity rule, the track's statuses and the round's waitlist positions are
   set, and the round's next result version states the new draw. Suppliers are told.

Refused: for an objection not upheld or already remedied, a round not published, while another new draw of
the round is pending, and while any order that is not cancelled rests on an allocation of the track (a new
draw would take that purchase away: choose reinstatement or rescoring). Orders on the track wait while its
new draw is pending (redraw_results.redraw_pending_for).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from ..database import begin_write
from ..domain import objections as objection_rules
from ..domain import redraws, seed_events, selection
from ..domain import rounds as round_rules
from ..domain.clock import seoul_date
from ..domain.errors import N_, DomainError
from ..domain.states import (
    AllocationStatus,
    ApplicationStatus,
    ObjectionRemedyKind,
    ObjectionState,
    OrderStatus,
    RedrawState,
)
from ..extensions import db
from ..models import Allocation, Application, Objection, Order, Round, TrackRedraw, User
from . import notices, redraw_results
from . import rounds as round_service
from .audit import record_event
from .draws import allocation_valid_until, drawn
from .objections import locked_objection
from .outbox import request_delivery

_track_of = redraw_results.track_of


def _in_track(round_: Round, track: str) -> list[Application]:
    return [a for a in round_.applications if _track_of(a) == track]


def _refuse_orders(round_: Round, track: str) -> None:
    ids = [a.id for a in _in_track(round_, track)]
    ordered = db.session.scalar(
        select(func.count(Order.id))
        .join(Allocation, Allocation.id == Order.allocation_id)
        .where(Allocation.application_id.in_(ids), Order.status != OrderStatus.CANCELLED)
    )
    if ordered:
        raise objection_rules.ObjectionRefused(
            N_(
                "%(count)s orders that are not cancelled rest on allocations of this track: a new draw would "
                "take those purchases away. Choose reinstatement from the waitlist or rescoring instead."
            ),
            count=ordered,
        )


def _pool_entry(round_: Round, application: Application) -> selection.PoolApplication:
    """The objecting application as the pool takes it: eligible at close, at or above the pass mark with its
    scores, with the weight the round's published rule gave it at close. ObjectionRefused otherwise."""
    total = application.total_score
    if (
        application.status != ApplicationStatus.NOT_SELECTED
        or application.eligibility_reasons
        or application.weight is None
        or total is None
        or total < round_.pass_mark
    ):
        raise objection_rules.ObjectionRefused(
            N_(
                "With these scores the objecting application would still not be in the pool (eligible and at "
                "or above the pass mark of %(mark)s), so a new draw would not change its result."
            ),
            mark=round_.pass_mark,
        )
    preferred = tuple(i.code for i in application.preferred)
    return selection.PoolApplication(application.id, application.weight, application.amount_krw, preferred)


def _new_manifest(round_: Round, application: Application, track: str):
    """The new draw's manifest and the application it adds to the pool (None: it is in it already)."""
    manifest, _ = redraw_results.effective(round_)
    kept = {
        a.id for a in _in_track(round_, track) if a.status in (ApplicationStatus.SELECTED, ApplicationStatus.WAITLISTED)
    }
    added = None if application.id in kept else _pool_entry(round_, application)
    return redraws.redraw_manifest(manifest, track, kept, added), added


def _check_freezable(row: Objection, event_ko: str, event_en: str, event_at: datetime, moment: datetime):
    """The new seed event, once the objection, the round and the track allow a new draw."""
    objection_rules.check_remediable(row.state)
    round_ = row.round
    if round_.draw is None or round_.draw.published_at is None:
        raise objection_rules.ObjectionRefused(N_("A new draw is made only after the round's result is published."))
    if redraw_results.pending_redraw(round_.id) is not None:
        raise objection_rules.ObjectionRefused(
            N_("Another new draw of this round is waiting for its seed event: draw it first.")
        )
    _refuse_orders(round_, _track_of(row.application))
    event = seed_events.check_seed_event(event_ko, event_en, event_at, round_.closes_at)
    seed_events.require_freeze_before_event(event, moment)
    return event


def _rescore(row: Objection, scores: tuple[int, int, int] | None) -> None:
    if scores is None:
        return
    application = row.application
    before = [application.score_innovation, application.score_capability, application.score_need]
    application.score_innovation, application.score_capability, application.score_need = scores
    application.scored_at = round_service.now()
    row.scores_before, row.scores_after = before, list(scores)


def freeze_redraw(
    staff: User,
    objection_id: int,
    scores: tuple[int, int, int] | None,
    note: str,
    event_ko: str,
    event_en: str,
    event_at: datetime,
) -> TrackRedraw:
    """Step 1: record a new draw of the objecting application's track as the remedy, freeze and publish its
    manifest and its seed event. Raises NotFound, ScoreError, SeedEventError, ObjectionRefused or RedrawError
    (see the module's docstring); nothing is changed then."""
    if scores is not None:
        round_rules.check_scores(*scores)
    begin_write()
    row = locked_objection(objection_id)
    try:
        moment = round_service.now()
        event = _check_freezable(row, event_ko, event_en, event_at, moment)
        _rescore(row, scores)
        manifest, added = _new_manifest(row.round, row.application, _track_of(row.application))
    except DomainError:
        db.session.rollback()
        raise
    redraw = _frozen(staff, row, manifest, added, event, moment)
    row.state, row.remedy_kind, row.remedy_note = ObjectionState.REMEDIED, ObjectionRemedyKind.REDRAWN, note.strip()
    row.remedied_by_id, row.remedied_at = staff.id, moment
    record_event(
        staff,
        "objection.redraw_frozen",
        redraw,
        company_id=row.company_id,
        after={
            "number": row.number,
            "track": redraw.track,
            "manifest_sha256": redraw.manifest_sha256,
            "pool": len(manifest.applications),
            "added_application_id": redraw.added_application_id,
            "scores": row.scores_after,
            "seed_event": seed_events.facts(event),
        },
        reason=row.remedy_note,
    )
    db.session.commit()
    return redraw


def _frozen(staff, row: Objection, manifest, added, event, moment) -> TrackRedraw:
    redraw = TrackRedraw(
        round_id=row.round_id,
        objection=row,
        track=_track_of(row.application),
        state=RedrawState.FROZEN,
        added_application_id=added.id if added is not None else None,
        rule_version=manifest.rule,
        manifest_json=selection.manifest_json(manifest),
        manifest_sha256=selection.manifest_sha256(manifest),
        seed_event_ko=event.description_ko,
        seed_event_en=event.description_en,
        seed_event_at=event.at,
        frozen_at=moment,
        frozen_by_id=staff.id,
    )
    db.session.add(redraw)
    db.session.flush()
    return redraw


def redraw_of(objection_id: int) -> TrackRedraw | None:
    """The new draw recorded as the remedy of this objection, if any."""
    return db.session.scalar(select(TrackRedraw).where(TrackRedraw.objection_id == objection_id))


def _drawable(objection_id: int, seed: str) -> tuple[Objection, TrackRedraw, str]:
    row = locked_objection(objection_id)
    redraw = redraw_of(objection_id)
    if redraw is None:
        raise objection_rules.ObjectionRefused(N_("No new draw was recorded for this objection."))
    if redraw.state == RedrawState.DRAWN:
        raise objection_rules.ObjectionRefused(N_("This new draw has already run; there is no second draw."))
    seed_events.require_draw_after_event(redraw.seed_event, round_service.now())
    seed = round_rules.check_seed(seed)
    _refuse_orders(row.round, redraw.track)
    return row, redraw, seed


def run_redraw(staff: User, objection_id: int, seed: str) -> TrackRedraw:
    """Step 2: run the new draw with the seed staff type (its event's outcome) and make it the round's next
    result version. Raises NotFound, ObjectionRefused (none recorded; twice; an order now rests on the track),
    SeedEventError before the event, SeedError for a bad seed; nothing is changed then."""
    begin_write()
    try:
        row, redraw, seed = _drawable(objection_id, seed)
    except DomainError:
        db.session.rollback()
        raise
    round_ = row.round
    manifest = selection.manifest_from_json(redraw.manifest_json)
    result = selection.run_draw(manifest, seed)
    moment = round_service.now()
    version = _latest_version(round_.id) + 1
    redraw.seed, redraw.drawn_at, redraw.drawn_by_id = seed, moment, staff.id
    redraw.result_version = row.result_version = version
    redraw.result_json = selection.result_json(result, _timeline(round_, redraw))
    redraw.state = RedrawState.DRAWN
    ended, made = _apply(round_, redraw, manifest, result)
    record_event(
        staff,
        "objection.redrawn",
        redraw,
        company_id=row.company_id,
        before={"allocations": [a.id for a in ended]},
        after={
            "number": row.number,
            "track": redraw.track,
            "seed": seed,
            "manifest_sha256": redraw.manifest_sha256,
            "result_version": version,
            "superseded": [a.id for a in ended],
            "allocations": [a.id for a in made],
        },
        reason=row.remedy_note,
    )
    _notify(ended, made, row.remedy_note)
    notices.track_redrawn(row.round_id, redraw.id, ended, made)
    db.session.commit()
    request_delivery()
    return redraw


def _latest_version(round_id: int) -> int:
    latest = db.session.scalar(select(func.max(Objection.result_version)).where(Objection.round_id == round_id))
    return latest or 1


def _timeline(round_: Round, redraw: TrackRedraw) -> dict:
    """What the new draw's result states: the round's rule publication, the new manifest's freeze, the new
    seed event (announced with the freeze) and when the new draw ran."""
    return seed_events.timeline(
        round_.rule_published_at, redraw.frozen_at, redraw.seed_event, redraw.frozen_at, redraw.drawn_at
    )


def _apply(round_: Round, redraw: TrackRedraw, manifest, result) -> tuple[list[Allocation], list[Allocation]]:
    """End the track's allocations, make the new draw's (after withdrawals since its freeze), set statuses."""
    members = {a.id: a for a in _in_track(round_, redraw.track)}
    withdrawn = [a.id for a in manifest.applications if members[a.id].status == ApplicationStatus.WITHDRAWN]
    settled, promoted = redraws.settle_withdrawals(manifest, result, withdrawn)
    ended = list(
        db.session.scalars(
            select(Allocation)
            .where(Allocation.application_id.in_(members), Allocation.status == AllocationStatus.ACTIVE)
            .order_by(Allocation.id)
        )
    )
    for allocation in ended:
        allocation.status = AllocationStatus.SUPERSEDED
    made = [_allocate(round_, members[a.app_id], a, a in promoted) for a in settled.selected]
    for app_id in settled.waitlist:
        members[app_id].status = ApplicationStatus.WAITLISTED
    db.session.flush()
    _renumber_waitlist(round_)
    return ended, made


def _allocate(round_: Round, application: Application, chosen: selection.Allocation, via_waitlist: bool) -> Allocation:
    institution = next(b.institution for b in round_.budgets if b.institution.code == chosen.institution_code)
    published_at = drawn(round_).published_at
    assert published_at is not None  # checked at the freeze
    application.status, application.waitlist_position = ApplicationStatus.SELECTED, None
    allocation = Allocation(
        round_id=round_.id,
        application_id=application.id,
        institution_id=institution.id,
        amount_krw=chosen.amount,
        rank=chosen.rank,
        via_waitlist=via_waitlist,
        valid_from=seoul_date(round_service.now()),
        valid_until=allocation_valid_until(round_, seoul_date(published_at)),
    )
    db.session.add(allocation)
    return allocation


def _renumber_waitlist(round_: Round) -> None:
    """Waitlist positions follow the result as drawn with the new draws spliced in, as `flask draw verify`
    expects them (the track's waitlist takes the track's place in the round's)."""
    _, base = redraw_results.effective(round_)
    position = {app_id: n for n, app_id in enumerate(base.waitlist, start=1)}
    for application in round_.applications:
        if application.status == ApplicationStatus.WAITLISTED:
            application.waitlist_position = position[application.id]


def _notify(ended: list[Allocation], made: list[Allocation], note: str) -> None:
    db.session.flush()
    kept = {(a.application_id, a.institution_id, a.amount_krw) for a in made}
    for allocation in ended:
        if (allocation.application_id, allocation.institution_id, allocation.amount_krw) not in kept:
            notices.allocation_changed(allocation, "superseded", note)
    for allocation in made:
        notices.allocation_changed(allocation, "redrawn", note)
