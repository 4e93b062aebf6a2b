"""Seed events: announcing a later public event in place of one the freeze could not precede, and the
timeline a draw's result states (DESIGN.md section 4, step 3)."""

from __future__ import annotations

from datetime import datetime

from ..database import begin_write
from ..domain import rounds as rules
from ..domain import seed_events
from ..domain.errors import N_
from ..domain.states import RoundStatus
from ..extensions import db
from ..models import Draw, Round, SeedEventAnnouncement, User
from . import rounds as round_service
from .audit import record_event


def announce_seed_event(
    actor: User, code: str, description_ko: str, description_en: str, at: datetime, reason: str
) -> Round:
    """Name a later public event as the round's seed event, with a published reason.

    For an open or closed round not yet frozen against an event (a draft names its event in its rules).
    Raises RoundError for a draft, SeedEventError when the event or the moment is not acceptable.
    """
    begin_write()
    round_ = round_service.get_round(code, lock=True)
    if round_.status == RoundStatus.DRAFT:
        raise rules.RoundError(N_("A draft round names its seed event in its rules: change the draft."))
    moment = round_service.now()
    event = seed_events.check_seed_event(description_ko, description_en, at, round_.closes_at)
    draw = round_.draw
    reason = seed_events.check_announcement(
        round_.seed_event,
        event,
        reason,
        now=moment,
        frozen=draw is not None,
        drawn=round_.status in (RoundStatus.DRAWN, RoundStatus.PUBLISHED)
        or (draw is not None and draw.seed is not None),
    )
    before = seed_events.facts(round_.seed_event)
    round_.seed_event_ko, round_.seed_event_en, round_.seed_event_at = (
        event.description_ko,
        event.description_en,
        event.at,
    )
    db.session.add(SeedEventAnnouncement.of(round_, event, reason, moment, actor))
    record_event(
        actor,
        "round.seed_event_announced",
        round_,
        before={"seed_event": before},
        after={"seed_event": seed_events.facts(event)},
        reason=reason,
    )
    db.session.commit()
    return round_


def result_timeline(round_: Round, draw: Draw) -> dict:
    """What the published result states besides the draw: rule published, manifest frozen, the seed event
    (and when it was announced) and when the draw ran."""
    announcements = round_.seed_event_announcements
    return seed_events.timeline(
        round_.rule_published_at,
        draw.frozen_at,
        round_.seed_event,
        announcements[-1].announced_at if announcements else None,
        draw.drawn_at,
    )
