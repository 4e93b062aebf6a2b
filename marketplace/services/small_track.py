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
    """Open the small-value batch of a Seoul month, made like the latest batch before it (a draft of the
    month's code that staff prepared keeps its own settings); the batch itself when it is already open or
    further on. Raises RoundError when there is no earlier batch to copy (staff set up the first one),
    InvalidRoundError when its budgets no longer fit the institutions' quota."""
    code = small_track.batch_code(year, month)
    existing = db.session.scalar(select(Round).where(Round.code == code))
    if existing is not None and existing.status != RoundStatus.DRAFT:
        return existing
    if existing is None or not track_service.is_small_batch(existing):
        model = _model_before(small_track.batch_window(year, month)[0])
        if model is None:
            raise rules.RoundError(
                N_("There is no earlier small-value batch to copy: set up the first one as a round.")
            )
        if existing is None:
            round_service.create_round(actor, _settings(model, year, month))
        track = track_service.track_of_kind(model, TrackKind.SMALL)
        rule = TrackRules(TrackKind.SMALL, track.share_percent, track.cap_krw, track_service.tiers_of(track))
        track_service.set_tracks(actor, code, [rule])
    return round_service.open_round(actor, code)


def open_due_batches(moment: datetime | None = None) -> list[str]:
    """Open the batches due at `moment` (small_track.due_months) that do not exist yet, each made like the
    previous month's batch, which must exist and have opened: the chain of batches starts with the one staff
    set up (coded SV-YYYY-MM) and stops where a month has none. A batch of the month's code that staff left as
    a draft is theirs to open. Returns the codes opened; writes nothing most of the time."""
    opened = []
    for year, month in small_track.due_months(moment or round_service.now()):
        if db.session.scalar(select(Round.id).where(Round.code == small_track.batch_code(year, month))):
            continue
        before = db.session.scalar(
            select(Round).where(Round.code == small_track.batch_code(*small_track.previous_month(year, month)))
        )
        if before is None or before.status == RoundStatus.DRAFT or not track_service.is_small_batch(before):
            continue
        opened.append(open_batch(None, year, month).code)
    return opened


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
