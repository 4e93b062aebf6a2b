"""Who the programme favours: startups, first-timers, small public-supply records, and their weight tier."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TypedDict

from .errors import N_
from .numbers import is_whole
from .selection import MAX_WEIGHT, SelectionError

STARTUP_YEARS = 7
SMALL_RECORD_LIMIT_KRW = 500_000_000  # the default; each round publishes its own limit


def startup_founded_after(day: date) -> date:
    """A company founded on or after this date is a startup on `day` (founded at most 7 years before).

    On 29 February the limit is 28 February of the year seven years back, which has no 29 February.
    """
    try:
        return day.replace(year=day.year - STARTUP_YEARS)
    except ValueError:
        return day.replace(year=day.year - STARTUP_YEARS, day=28)


def is_startup(founded_on: date, day: date) -> bool:
    """Founded at most seven years before `day` (today for the catalogue, the closing day for a round)."""
    return founded_on >= startup_founded_after(day)


def is_first_timer(public_supply_count: int) -> bool:
    """No public supply contract yet (DESIGN.md section 3)."""
    return public_supply_count == 0


def has_small_record(public_supply_krw: int, limit_krw: int = SMALL_RECORD_LIMIT_KRW) -> bool:
    """Public supply so far of at most `limit_krw` won (the limit itself counts as small)."""
    return public_supply_krw <= limit_krw


class TierFacts(TypedDict):
    """What decides an applicant's tier: the keyword arguments of `weight_for` and `tier_name`."""

    first_timer: bool
    startup: bool
    public_supply_krw: int


@dataclass(frozen=True)
class WeightTiers:
    """The published weight per tier; an applicant in several tiers gets the highest."""

    first_timer: int = 3
    startup_or_small_record: int = 2
    general: int = 1
    small_record_limit_krw: int = SMALL_RECORD_LIMIT_KRW

    def __post_init__(self) -> None:
        for weight in (self.first_timer, self.startup_or_small_record, self.general):
            if not is_whole(weight, 1) or weight > MAX_WEIGHT:
                raise SelectionError(
                    N_("A draw weight must be a whole number from 1 to 10, not %(weight)s."),
                    weight=repr(weight),
                )
        if not self.first_timer >= self.startup_or_small_record >= self.general:
            raise SelectionError(
                N_(
                    "Weights must favour first-timers and startups: first-timer %(first)s, startup %(startup)s "
                    "and everyone else %(general)s must not increase in that order."
                ),
                first=self.first_timer,
                startup=self.startup_or_small_record,
                general=self.general,
            )
        if not is_whole(self.small_record_limit_krw, 0):
            raise SelectionError(N_("The small-record limit must be a whole number of won, 0 or more."))


def _best_tier(tiers: WeightTiers, first_timer: bool, startup: bool, public_supply_krw: int) -> tuple[int, str]:
    if not is_whole(public_supply_krw, 0):
        raise SelectionError(N_("A public-supply record must be a whole number of won, 0 or more."))
    applicable = []  # most specific first, so equal custom weights report the more specific tier
    if first_timer:
        applicable.append((tiers.first_timer, "first_timer"))
    if startup or has_small_record(public_supply_krw, tiers.small_record_limit_krw):
        applicable.append((tiers.startup_or_small_record, "startup"))
    applicable.append((tiers.general, "general"))
    return max(applicable, key=lambda tier: tier[0])


def weight_for(tiers: WeightTiers, *, first_timer: bool, startup: bool, public_supply_krw: int) -> int:
    """Return the draw weight of an applicant: the highest weight among the tiers it qualifies for.

    Raises SelectionError for a negative or non-integer public-supply record.
    """
    return _best_tier(tiers, first_timer, startup, public_supply_krw)[0]


def tier_name(tiers: WeightTiers, *, first_timer: bool, startup: bool, public_supply_krw: int) -> str:
    """Return "first_timer", "startup" or "general": the tier whose weight `weight_for` gives.

    "startup" also covers a small public-supply record. Raises SelectionError like `weight_for`.
    """
    return _best_tier(tiers, first_timer, startup, public_supply_krw)[1]
