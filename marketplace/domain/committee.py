"""The evaluation committee's rules without I/O: who may score, and how members' totals make one score.

A member assigned an application first declares no conflict of interest, or recuses with a reason.
Only a member who declared and did not recuse scores it, on the decree's three criteria (the ranges of
domain/rounds.py check_scores), until staff finalise the round's scores. The committee score of an
application is the trimmed mean of its members' totals (committee_score below).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from .errors import N_, DomainError

# From this many scoring members on, the single highest and the single lowest total are left out.
TRIM_FROM = 5
MAX_TEXT = 2000
HUNDREDTH = Decimal("0.01")


class CommitteeError(DomainError):
    """The committee cannot do that now."""


@dataclass(frozen=True)
class MemberStanding:
    """Where one member stands on one application: when they declared, recused, and whether scores are final."""

    declared_at: datetime | None
    recused_at: datetime | None
    finalised: bool


def committee_score(totals: Sequence[int]) -> Decimal | None:
    """The committee score from the totals of the members who scored (recused members are not in `totals`).

    With TRIM_FROM (5) or more totals, the single highest and the single lowest are left out (one of each
    even when several members share the highest or lowest total) and the rest are averaged; with fewer,
    all are averaged. The mean is rounded half up to two decimals: that rounded value is the score compared
    with the pass mark. None when nobody scored.
    """
    if not totals:
        return None
    kept = sorted(totals)
    if len(kept) >= TRIM_FROM:
        kept = kept[1:-1]
    mean = Fraction(sum(kept), len(kept))
    return (Decimal(mean.numerator) / Decimal(mean.denominator)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def trimmed_out(totals: Sequence[int]) -> tuple[int | None, int | None]:
    """The (lowest, highest) totals committee_score leaves out, or (None, None) when it keeps them all."""
    if len(totals) < TRIM_FROM:
        return None, None
    return min(totals), max(totals)


def to_hundredths(score: Decimal) -> int:
    """A committee score as stored: whole hundredths of a point."""
    return int(score * 100)


def from_hundredths(value: int) -> Decimal:
    """A stored committee score back as a two-decimal number."""
    return (Decimal(value) / 100).quantize(HUNDREDTH)


def passes(score: Decimal | int | None, pass_mark: int) -> bool:
    """Whether a score reaches the pass mark (a score equal to the mark passes)."""
    return score is not None and score >= pass_mark


def require_open(finalised: bool) -> None:
    """Raises CommitteeError once the round's scores are final."""
    if finalised:
        raise CommitteeError(N_("The committee's scores are final; nothing can change now."))


def require_undecided(standing: MemberStanding) -> None:
    """A member declares or recuses once per application, before the scores are final."""
    require_open(standing.finalised)
    if standing.recused_at is not None:
        raise CommitteeError(N_("You recused yourself from this application."))
    if standing.declared_at is not None:
        raise CommitteeError(N_("You already declared that you have no conflict of interest."))


def require_may_score(standing: MemberStanding) -> None:
    """A member scores only after declaring no conflict of interest, never after recusing, until final."""
    require_open(standing.finalised)
    if standing.recused_at is not None:
        raise CommitteeError(N_("You recused yourself from this application, so you cannot score it."))
    if standing.declared_at is None:
        raise CommitteeError(N_("Declare that you have no conflict of interest before scoring."))


def check_reason(reason: str) -> str:
    """A recusal's reason, stripped; raises CommitteeError when empty or too long."""
    reason = (reason or "").strip()
    if not reason:
        raise CommitteeError(N_("Give the reason for recusing yourself."))
    if len(reason) > MAX_TEXT:
        raise CommitteeError(N_("Write at most %(count)s characters."), count=MAX_TEXT)
    return reason


def check_comments(comments: Sequence[str]) -> tuple[str, ...]:
    """The three criteria's comments, stripped; raises CommitteeError when one is too long."""
    cleaned = tuple((c or "").strip() for c in comments)
    if any(len(c) > MAX_TEXT for c in cleaned):
        raise CommitteeError(N_("Write at most %(count)s characters."), count=MAX_TEXT)
    return cleaned
