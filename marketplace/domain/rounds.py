"""Round rules without I/O: states, the application window, eligibility reasons, scores, seeds, budgets."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .clock import seoul_date, seoul_instant
from .errors import N_, DomainError
from .states import ApplicationStatus, RoundStatus, WindowState

# A window is inclusive of its stated closing minute: 18:00 accepts up to 18:00:59.
CLOSING_GRACE = timedelta(minutes=1)
ROUND_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{2,19}$")
SCORE_MAXIMA = {"innovation": 40, "capability": 30, "need": 30}
MAX_SEED_LENGTH = 200

# Stable codes stored in Application.eligibility_reasons; the web layer translates the messages.
REASONS = {
    "company_not_approved": N_("The company was not approved by the ministry at close."),
    "certificate_not_valid": N_("The product had no verified certificate valid on the closing day."),
    "product_not_listed": N_("The product was not listed in the catalogue at close."),
    "amount_over_cap": N_("The requested amount was above the round's cap per application."),
    "corrective_action_open": N_("The company had a corrective action that was not accepted at close."),
    "track_not_qualified": N_("The company did not qualify at close for the track it chose."),
}

TIER_LABELS = {
    "first_timer": N_("First-timer in public procurement"),
    "startup": N_("Startup or small public-supply record"),
    "general": N_("Everyone else"),
}


class RoundError(DomainError):
    """The round cannot do that now."""


class WindowClosedError(RoundError):
    """The application window is not open."""


class InvalidRoundError(RoundError):
    """The round's settings are not acceptable."""


class ScoreError(DomainError):
    """A committee score is out of range."""


class SeedError(DomainError):
    """The draw seed is not acceptable."""


def kst_minute(day: date, at: time) -> datetime:
    """The UTC instant at which a minute stated in Seoul time begins."""
    return seoul_instant(day, time(at.hour, at.minute))


def window_state(opens_at: datetime, closes_at: datetime, now: datetime) -> WindowState:
    """BEFORE, OPEN or AFTER: open from opens_at through the whole closing minute."""
    if now < opens_at:
        return WindowState.BEFORE
    if now < closes_at + CLOSING_GRACE:
        return WindowState.OPEN
    return WindowState.AFTER


def closing_day(closes_at: datetime) -> date:
    """The calendar day in Seoul on which the window closes: the day certificates must be valid."""
    return seoul_date(closes_at)


def countdown(now: datetime, closes_at: datetime) -> tuple[int, int, int] | None:
    """(days, hours, minutes) left until the window shuts, or None once it has."""
    left = closes_at + CLOSING_GRACE - now
    if left <= timedelta(0):
        return None
    minutes = int(left.total_seconds() // 60)
    return minutes // 1440, minutes % 1440 // 60, minutes % 60


@dataclass(frozen=True)
class EligibilityFacts:
    """What the close check looks at, read from the database by the service."""

    company_approved: bool
    certificate_valid: bool
    product_listed: bool
    amount: int
    cap: int
    corrective_action_open: bool = False
    track_qualified: bool = True


def eligibility_reasons(facts: EligibilityFacts) -> list[str]:
    """Every reason code that makes an application ineligible; an empty list means eligible."""
    reasons = []
    if not facts.company_approved:
        reasons.append("company_not_approved")
    if not facts.certificate_valid:
        reasons.append("certificate_not_valid")
    if not facts.product_listed:
        reasons.append("product_not_listed")
    if facts.amount > facts.cap:
        reasons.append("amount_over_cap")
    if facts.corrective_action_open:
        reasons.append("corrective_action_open")
    if not facts.track_qualified:
        reasons.append("track_not_qualified")
    return reasons


DRAFT_ONLY = N_("Only a draft round can be changed: once a round opens, its rules are public.")


def require_status(current: str, allowed: tuple[RoundStatus, ...], message: str, **params: object) -> None:
    """Raise RoundError(message) unless the round is in one of the allowed states."""
    if current not in allowed:
        raise RoundError(message, **params)


MAX_WITHDRAWAL_REASON = 2000


def withdrawal_reason(reason: str) -> str:
    """The supplier's reason for withdrawing, trimmed; raises RoundError when there is none or it is too long.

    A withdrawal cannot be undone (a selected one passes its budget to the waitlist), so it is asked
    for on purpose, and the reason is kept for the supplier, the ministry and the audit trail.
    """
    text = (reason or "").strip()
    if not text:
        raise RoundError(N_("Say why you withdraw the application."))
    if len(text) > MAX_WITHDRAWAL_REASON:
        raise RoundError(N_("Keep the reason to %(limit)s characters or fewer."), limit=f"{MAX_WITHDRAWAL_REASON:,}")
    return text


def may_withdraw(status: str, round_status: str) -> bool:
    """Whether a withdrawal can be asked for: submitted while the round is open, or selected or waitlisted
    once the result is published (the service also checks the window is still open)."""
    return (status == ApplicationStatus.SUBMITTED and round_status == RoundStatus.OPEN) or (
        round_status == RoundStatus.PUBLISHED and status in (ApplicationStatus.SELECTED, ApplicationStatus.WAITLISTED)
    )


def check_scores(innovation: int, capability: int, need: int) -> int:
    """Return the total of the three criteria (0-40, 0-30, 0-30); raises ScoreError if one is out of range."""
    for name, value in (("innovation", innovation), ("capability", capability), ("need", need)):
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= SCORE_MAXIMA[name]:
            raise ScoreError(
                N_("Each score must be a whole number from 0 to its maximum (%(maxima)s)."),
                maxima="40 / 30 / 30",
            )
    return innovation + capability + need


def check_seed(seed: str) -> str:
    """Return the seed stripped of outer spaces; raises SeedError when empty or too long."""
    seed = (seed or "").strip()
    if not seed:
        raise SeedError(N_("Enter the seed: the seed event's outcome, written as its description says."))
    if len(seed) > MAX_SEED_LENGTH:
        raise SeedError(N_("The seed may be at most %(max)s characters."), max=MAX_SEED_LENGTH)
    return seed


def check_round_code(code: str) -> str:
    """Return the code if it is 3-20 letters, digits or hyphens (e.g. 2018-H2); raises InvalidRoundError."""
    code = (code or "").strip()
    if not ROUND_CODE.match(code):
        raise InvalidRoundError(N_("A round code is 3 to 20 letters, digits or hyphens, for example 2018-H2."))
    return code


def check_categories(codes: Collection[str], known: Collection[str]) -> tuple[str, ...]:
    """The distinct category codes a round is for, in code order (none: every category); raises
    InvalidRoundError for a code the catalogue does not have."""
    if unknown := sorted({code for code in codes if code not in known}):
        raise InvalidRoundError(N_("Unknown product category: %(codes)s."), codes=", ".join(unknown))
    return tuple(sorted(set(codes)))


def in_categories(category: str, categories: Collection[str]) -> bool:
    """Whether a product of this category may be offered in a round for `categories` (none: every one)."""
    return not categories or category in categories


def check_window(opens_at: datetime, closes_at: datetime) -> None:
    """Raise InvalidRoundError unless the window opens before it closes."""
    if opens_at >= closes_at:
        raise InvalidRoundError(N_("The window must open before it closes."))


def check_budgets_within_quota(budgets: list[tuple[str, int]], quota_left: Mapping[str, int]) -> None:
    """Each institution puts into the round at most what its MOUs have left (institution code -> won).

    Raises InvalidRoundError naming the first institution over its quota, or without an MOU.
    """
    if not budgets:
        raise InvalidRoundError(N_("Enter a budget for at least one participating institution."))
    for code, budget in budgets:
        left = quota_left.get(code, 0)
        if budget > left:
            raise InvalidRoundError(
                N_("The budget for %(code)s (%(budget)s won) is more than its MOUs have left: %(left)s won."),
                code=code,
                budget=f"{budget:,}",
                left=f"{left:,}",
            )


def largest_candidate_budget(preferred: Iterable[str], budgets: Mapping[str, int]) -> int:
    """The largest round budget among an application's candidate institutions (DESIGN.md 4.5).

    The candidates are its preferred institutions among `budgets`, or all of them when it names none.
    An application asking more than this can never be selected, whatever the draw: the supplier is
    warned, not refused (the cap is the round's only published limit on the amount).
    """
    candidates = [budgets[code] for code in preferred if code in budgets] or list(budgets.values())
    return max(candidates, default=0)
