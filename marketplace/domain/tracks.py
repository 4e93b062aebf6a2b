"""A round's tracks: each its own share of the budget, cap per application, weights and who qualifies.

A startup track takes companies founded at most 7 years before the round's close (eligibility.py's rule,
29 February included); a general track takes companies whose public supply record is under the threshold
the round sets for it; a small-value track (small_track.py) takes startups and first-timers with a small public
supply record and is the only track of its round. A round without tracks draws as one pool, as before tracks
existed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from . import small_track
from .eligibility import STARTUP_YEARS, WeightTiers, is_startup, startup_founded_after
from .errors import N_, DomainError
from .numbers import is_whole
from .states import TrackKind

FULL_SHARE = 100  # the shares of a round's tracks add up to 100 per cent of its budget

TRACK_LABELS = {
    TrackKind.STARTUP: N_("Startup track"),
    TrackKind.GENERAL: N_("General track"),
    TrackKind.SMALL: N_("Small-value track"),
}

# Why a company qualifies for a track or not: stable codes, with the facts as parameters.
QUALIFY_TEXTS = {
    "startup_within": N_("Founded %(founded)s, within %(years)s years of the close %(close)s."),
    "startup_too_old": N_(
        "Founded %(founded)s, more than %(years)s years before the close %(close)s: "
        "the startup track takes companies founded on or after %(limit)s."
    ),
    "record_under": N_("Public supply record %(record)s won, under this track's threshold of %(limit)s won."),
    "record_not_under": N_("Public supply record %(record)s won, not under this track's threshold of %(limit)s won."),
    **small_track.QUALIFY_TEXTS,
}


class TrackError(DomainError):
    """A round's tracks, or an application's choice of track, break the track rules."""


@dataclass(frozen=True)
class TrackRules:
    """One track as staff set it on a draft round; `record_limit_krw` only for a general track."""

    kind: str
    share_percent: int
    cap_krw: int
    tiers: WeightTiers
    record_limit_krw: int | None = None


@dataclass(frozen=True)
class Qualification:
    """Whether a company qualifies for a track, with the reason code and its facts for the page."""

    qualifies: bool
    reason: str
    params: Mapping[str, str]

    @property
    def message(self) -> str:
        return QUALIFY_TEXTS[self.reason]


def check_tracks(tracks: Sequence[TrackRules]) -> None:
    """Raise TrackError unless the tracks are valid: at most one per kind, shares whole numbers from 1 to
    100 adding up to 100, a cap of at least 1 won, and a threshold (1 or more) on a general track only.
    The weights are checked by WeightTiers itself. No tracks at all is valid: the round has none."""
    if not tracks:
        return
    _check_kinds([t.kind for t in tracks])
    for track in tracks:
        _check_track(track)
    total = sum(t.share_percent for t in tracks)
    if total != FULL_SHARE:
        raise TrackError(N_("The tracks' budget shares must add up to 100 per cent, not %(total)s."), total=total)


def _check_kinds(kinds: list[str]) -> None:
    if any(kind not in set(TrackKind) for kind in kinds) or len(set(kinds)) != len(kinds):
        raise TrackError(N_("A round has at most one track of each kind: startup, general or small-value."))
    if TrackKind.SMALL in kinds and len(kinds) > 1:
        raise TrackError(N_("A small-value track is its round's only track: it takes the whole budget."))


def _check_track(track: TrackRules) -> None:
    if not is_whole(track.share_percent, 1) or track.share_percent > FULL_SHARE:
        raise TrackError(N_("A track's budget share is a whole number of per cent from 1 to 100."))
    if not is_whole(track.cap_krw, 1):
        raise TrackError(N_("A track's cap per application is a whole number of won, 1 or more."))
    _check_record_limit(track)


def _check_record_limit(track: TrackRules) -> None:
    """A general track has its threshold; the small-value track's is the programme's; a startup track has none."""
    general = track.kind == TrackKind.GENERAL
    if general and (track.record_limit_krw is None or not is_whole(track.record_limit_krw, 1)):
        raise TrackError(N_("A general track needs its public supply record threshold: 1 won or more."))
    if track.kind == TrackKind.SMALL and track.record_limit_krw is not None:
        raise TrackError(
            N_("The small-value track's record limit is set by the programme (%(limit)s won), not by the round."),
            limit=f"{small_track.RECORD_LIMIT_KRW:,}",
        )
    if not general and track.record_limit_krw is not None:
        raise TrackError(N_("A startup track has no public supply record threshold."))


def ordered(tracks: Sequence[TrackRules]) -> list[TrackRules]:
    """Tracks in their published order: startup first, then general (a small-value track stands alone)."""
    order = list(TrackKind)
    return sorted(tracks, key=lambda t: order.index(TrackKind(t.kind)))


def split_budgets(budgets: Mapping[str, int], shares: Sequence[tuple[str, int]]) -> dict[str, dict[str, int]]:
    """Each track's budget per institution: the institution's round budget times the track's share, rounded
    down to the won; the last track takes what rounding left, so each institution's budgets add up exactly."""
    split: dict[str, dict[str, int]] = {kind: {} for kind, _ in shares}
    for code, budget in budgets.items():
        given = 0
        for n, (kind, share) in enumerate(shares):
            part = budget - given if n == len(shares) - 1 else budget * share // FULL_SHARE
            split[kind][code] = part
            given += part
    return split


def qualification(
    kind: str,
    *,
    founded_on: date,
    close_day: date,
    public_supply_krw: int,
    record_limit_krw: int | None,
    public_supply_count: int = 0,
) -> Qualification:
    """Whether a company qualifies for a track of a round closing on `close_day`, and why."""
    if kind == TrackKind.SMALL:
        return Qualification(
            *small_track.qualify(
                founded_on=founded_on,
                close_day=close_day,
                public_supply_krw=public_supply_krw,
                public_supply_count=public_supply_count,
            )
        )
    if kind == TrackKind.STARTUP:
        params = {"founded": founded_on.isoformat(), "close": close_day.isoformat(), "years": str(STARTUP_YEARS)}
        if is_startup(founded_on, close_day):
            return Qualification(True, "startup_within", params)
        limit = startup_founded_after(close_day).isoformat()
        return Qualification(False, "startup_too_old", params | {"limit": limit})
    if record_limit_krw is None:
        raise TrackError(N_("A general track needs its public supply record threshold: 1 won or more."))
    params = {"record": f"{public_supply_krw:,}", "limit": f"{record_limit_krw:,}"}
    under = public_supply_krw < record_limit_krw
    return Qualification(under, "record_under" if under else "record_not_under", params)


def check_cap(amount_krw: int, cap_krw: int) -> None:
    """Raise TrackError when the amount is above the track's cap per application (the cap itself is allowed)."""
    if amount_krw > cap_krw:
        raise TrackError(N_("The amount is above this track's cap of %(cap)s won per application."), cap=f"{cap_krw:,}")
