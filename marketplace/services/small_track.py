"""The small-value track's monthly batches: the batch open now, and opening a month's batch like the last one.

Staff set up the first batch as any round, with a small-value track taking the whole budget. Each month's next
batch copies the latest batch's budgets, cap, pass mark and weights, takes the month's window and its own seed
event, and opens through the round machinery (created, tracks set, opened: each its own audited step, so a step
that failed is taken up again by the next run). A batch closes, is drawn and published like any round.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..domain import rounds as rules
from ..domain import small_track
from ..domain.errors import N_
from ..domain.states import RoundStatus, TrackKind, WindowState
from ..domain.tracks import Qualification, TrackRules
from ..extensions import db
from ..models import Company, Round, RoundTrack, User
from . import rounds as round_service
from . import tracks as track_service


def batches(limit: int = 12) -> list[Round]:
    """The latest small-value batches, newest first."""
    return list(
        db.session.scalars(
            select(Round)
            .join(RoundTrack, RoundTrack.round_id == Round.id)
            .where(RoundTrack.kind == TrackKind.SMALL)
            .order_by(Round.opens_at.desc(), Round.id.desc())
            .limit(limit)
        )
    )


def current_batch(moment: datetime | None = None) -> Round | None:
    """The open small-value batch taking applications now (the latest, should two windows overlap)."""
    moment = moment or round_service.now()
    found = db.session.scalars(
        select(Round)
        .join(RoundTrack, RoundTrack.round_id == Round.id)
        .where(RoundTrack.kind == TrackKind.SMALL, Round.status == RoundStatus.OPEN, Round.opens_at <= moment)
        .order_by(Round.opens_at.desc(), Round.id.desc())
    ).all()
    return next((r for r in found if rules.window_state(r.opens_at, r.closes_at, moment) == WindowState.OPEN), None)


def _model_before(opens_at: datetime) -> Round | None:
    """The latest batch that opened before `opens_at`: the one the next batch copies."""
    return db.session.scalar(
        select(Round)
        .join(RoundTrack, RoundTrack.round_id == Round.id)
        .where(RoundTrack.kind == TrackKind.SMALL, Round.status != RoundStatus.DRAFT, Round.opens_at < opens_at)
        .order_by(Round.opens_at.desc(), Round.id.desc())
        .limit(1)
    )


def _settings(model: Round, year: int, month: int) -> round_service.RoundSettings:
    opens_at, closes_at = small_track.batch_window(year, month)
    event_ko, event_en, event_at = small_track.seed_event(year, month)
    return round_service.RoundSettings(
        code=small_track.batch_code(year, month),
        title_ko=f"소액과제 {year}년 {month}월 회차",
        title_en=f"Small-value track, {year}-{month:02d} batch",
        opens_at=opens_at,
        closes_at=closes_at,
        cap_krw=model.cap_krw,
        pass_mark=model.pass_mark,
        budgets=[(b.institution.code, b.budget_krw) for b in model.budgets],
        weight_first_timer=model.weight_first_timer,
        weight_startup=model.weight_startup,
        weight_general=model.weight_general,
        small_record_limit_krw=model.small_record_limit_krw,
        categories=tuple(model.categories),
        seed_event_ko=event_ko,
        seed_event_en=event_en,
        seed_event_at=event_at,
    )


def open_batch(actor: User | None, year: int, month: int) -> Round:
    """Open the small-value batch of a Seoul month, made like the latest batch before it; the batch itself
    when it is already open or further on. Raises RoundError when there is no earlier batch to copy (staff
    set up the first one), InvalidRoundError when its budgets no longer fit the institutions' quota."""
    code = small_track.batch_code(year, month)
    existing = db.session.scalar(select(Round).where(Round.code == code))
    if existing is not None and existing.status != RoundStatus.DRAFT:
        return existing
    model = _model_before(small_track.batch_window(year, month)[0])
    if model is None:
        raise rules.RoundError(N_("There is no earlier small-value batch to copy: set up the first one as a round."))
    if existing is None:
        round_service.create_round(actor, _settings(model, year, month))
    track = next(t for t in model.tracks if t.kind == TrackKind.SMALL)
    rule = TrackRules(TrackKind.SMALL, track.share_percent, track.cap_krw, track_service.tiers_of(track))
    track_service.set_tracks(actor, code, [rule])
    return round_service.open_round(actor, code)


def open_due_batch(moment: datetime | None = None) -> str | None:
    """Open this Seoul month's batch when an earlier batch exists and this month's is not open yet; its code
    when it opened one. The periodic job calls it, so it does nothing (and writes nothing) most of the time."""
    moment = moment or round_service.now()
    year, month = small_track.batch_month(moment)
    latest = batches(1)
    if not latest or latest[0].code == small_track.batch_code(year, month) and latest[0].status != RoundStatus.DRAFT:
        return None
    if latest[0].opens_at > moment:
        return None  # staff opened a later batch ahead of time
    return open_batch(None, year, month).code


@dataclass(frozen=True)
class TrackPage:
    """What the supplier's small-value track page shows: the batch open now (if any), whether the company
    qualifies for it and why, and the latest batches."""

    current: Round | None
    qualification: Qualification | None
    recent: list[Round]


def track_page(company: Company | None) -> TrackPage:
    """The page's facts; the batches whose window has passed are closed first, as every round page does."""
    round_service.close_due_rounds()
    current = current_batch()
    found = None
    if current is not None and company is not None:
        found = track_service.qualification(company, track_service.track_of_kind(current, TrackKind.SMALL))
    return TrackPage(current, found, batches())
