"""The draw's seed event (DESIGN.md section 4, step 3): a public event named before the round opens.

The seed is that event's outcome, so nobody knows it when the rules are published or the pool is
frozen: freezing after the event, or drawing before it, is refused. Staff may replace an event the
freeze could not precede by a later one, with a reason; the replacement is published.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .clock import SEOUL, kst_text, seoul_iso
from .errors import N_
from .rounds import CLOSING_GRACE, RoundError

MAX_DESCRIPTION_LENGTH = 500
MAX_REASON_LENGTH = 1000


class SeedEventError(RoundError):
    """The seed event, or what is asked of the round given its event, is not acceptable."""


@dataclass(frozen=True)
class SeedEvent:
    """A public event whose outcome will be the seed, described in Korean and English, and its moment."""

    description_ko: str
    description_en: str
    at: datetime

    def describe(self) -> str:
        return f"{self.description_en} ({kst_text(self.at)})"


def check_seed_event(description_ko: str, description_en: str, at: datetime, closes_at: datetime) -> SeedEvent:
    """Return the event with its descriptions stripped; raises SeedEventError.

    Both descriptions are required (at most 500 characters each) and the event must happen after the
    round's window has shut (after its closing minute), so that the pool can be frozen before it.
    """
    description_ko, description_en = (description_ko or "").strip(), (description_en or "").strip()
    if not description_ko or not description_en:
        raise SeedEventError(N_("Describe the seed event in Korean and in English."))
    if max(len(description_ko), len(description_en)) > MAX_DESCRIPTION_LENGTH:
        raise SeedEventError(
            N_("A seed event description may be at most %(max)s characters."), max=MAX_DESCRIPTION_LENGTH
        )
    if at <= closes_at + CLOSING_GRACE:
        raise SeedEventError(
            N_(
                "The seed event must happen after the round closes (%(closes)s), so that the pool can be "
                "frozen before it."
            ),
            closes=kst_text(closes_at),
        )
    return SeedEvent(description_ko, description_en, at)


def optional_seed_event(
    description_ko: str, description_en: str, at: datetime | None, closes_at: datetime
) -> SeedEvent | None:
    """A draft's seed event: None when nothing of it is given, else checked as `check_seed_event` does."""
    if not ((description_ko or "").strip() or (description_en or "").strip() or at):
        return None
    if at is None:
        raise SeedEventError(N_("Enter the date and time of the seed event (KST)."))
    return check_seed_event(description_ko, description_en, at, closes_at)


def facts(event: SeedEvent | None) -> dict | None:
    """The event as the audit trail records it."""
    if event is None:
        return None
    return {"description_ko": event.description_ko, "description_en": event.description_en, "at": event.at.isoformat()}


def require_event_to_open(event: SeedEvent | None) -> SeedEvent:
    """The round's seed event; raise SeedEventError when it names none: its rules are published with it."""
    if event is None:
        raise SeedEventError(
            N_(
                "Name the public event whose outcome will be the seed before opening the round: it is "
                "published with the rules."
            )
        )
    return event


def check_announcement(
    current: SeedEvent | None, new: SeedEvent, reason: str, *, now: datetime, frozen: bool, drawn: bool
) -> str:
    """Return the stripped reason for announcing `new` in place of `current`; raises SeedEventError.

    Refused once drawn, and once the pool is frozen against an event (the seed is then committed).
    The new event must still be ahead and later than the one it replaces, and needs a reason.
    """
    if drawn:
        raise SeedEventError(N_("The draw has run; its seed event can no longer change."))
    if frozen and current is not None:
        raise SeedEventError(
            N_("The pool is frozen: the seed event announced before the freeze is the one the draw uses.")
        )
    if new.at <= now:
        raise SeedEventError(N_("Announce an event that has not happened yet."))
    if current is not None and new.at <= current.at:
        raise SeedEventError(
            N_("The new seed event must happen after the one it replaces (%(at)s)."), at=kst_text(current.at)
        )
    reason = (reason or "").strip()
    if not reason:
        raise SeedEventError(N_("Give the reason for announcing another seed event: it is published."))
    if len(reason) > MAX_REASON_LENGTH:
        raise SeedEventError(N_("The reason may be at most %(max)s characters."), max=MAX_REASON_LENGTH)
    return reason


def require_freeze_before_event(event: SeedEvent | None, now: datetime) -> None:
    """Raise SeedEventError unless the pool can be frozen now: before its seed event happens."""
    if event is None:
        raise SeedEventError(N_("Announce the public event whose outcome will be the seed before freezing the pool."))
    if now >= event.at:
        raise SeedEventError(
            N_(
                "The seed event (%(event)s) has already happened, so the pool can no longer be frozen before "
                "its outcome is known. Announce a later public event first."
            ),
            event=event.describe(),
        )


def require_draw_after_event(event: SeedEvent | None, now: datetime) -> None:
    """Raise SeedEventError unless the draw can run now: at or after its seed event."""
    if event is None:
        raise SeedEventError(N_("This round names no seed event: announce one before the draw."))
    if now < event.at:
        raise SeedEventError(
            N_("The seed is the outcome of %(event)s: the draw can run only after that event."),
            event=event.describe(),
        )


def timeline(
    rule_published_at: datetime | None,
    manifest_frozen_at: datetime,
    event: SeedEvent | None,
    event_announced_at: datetime | None,
    drawn_at: datetime | None,
) -> dict:
    """The publication facts the result states beside the draw, times in Seoul ISO 8601 (None: unknown)."""
    return {
        "zone": SEOUL.key,
        "rule_published_at": seoul_iso(rule_published_at),
        "manifest_frozen_at": seoul_iso(manifest_frozen_at),
        "seed_event": None
        if event is None
        else {
            "description_ko": event.description_ko,
            "description_en": event.description_en,
            "at": seoul_iso(event.at),
            "announced_at": seoul_iso(event_announced_at),
        },
        "drawn_at": seoul_iso(drawn_at),
    }
