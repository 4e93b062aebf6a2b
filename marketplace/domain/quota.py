"""The quota ledger: which entries are allowed, amendments, and what remains (DESIGN.md section 3)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .errors import N_, DomainError
from .money import MAX_KRW
from .states import QuotaEntryKind

ENTRY_KINDS = tuple(QuotaEntryKind)
ENTRY_LABELS = {
    QuotaEntryKind.COMMIT: N_("Commitment"),
    QuotaEntryKind.AMENDMENT: N_("Amendment"),
    QuotaEntryKind.CHARGE: N_("Charge (order)"),
    QuotaEntryKind.RELEASE: N_("Release (cancellation)"),
}
COMMITTED = (QuotaEntryKind.COMMIT, QuotaEntryKind.AMENDMENT)  # what the MOU puts in; the rest is spending
# Reasons the system writes on its own entries (stored as these codes, shown translated); people's
# reasons (amendments, cancellations) are shown as written.
SYSTEM_REASONS = {
    "MOU signed": N_("MOU signed"),
    "order": N_("Order placed"),
}


class QuotaError(DomainError):
    """The quota change is not allowed."""


class InvalidEntry(QuotaError):
    """A ledger entry with the wrong sign for its kind."""


class QuotaExceeded(QuotaError):
    """The amount is larger than the remaining quota."""


class AmendmentRefused(QuotaError):
    """The amendment would take the remaining quota below zero."""


@dataclass(frozen=True)
class Entry:
    """One ledger line as plain values: kind, signed amount, and the day it counts for."""

    kind: str
    amount: int
    day: date | None = None


def check_entry(kind: str, amount: int) -> None:
    """Raise InvalidEntry unless the sign suits the kind.

    commit: >= 0 (an MOU may be signed before its amount is known); amendment: non-zero;
    charge: < 0 (money leaves the quota); release: > 0 (a cancelled order gives it back).
    """
    if kind not in ENTRY_KINDS:
        raise InvalidEntry(N_("Unknown ledger entry kind %(kind)s."), kind=kind)
    if abs(amount) > MAX_KRW:
        raise InvalidEntry(N_("The amount is too large."))
    ok = {
        QuotaEntryKind.COMMIT: amount >= 0,
        QuotaEntryKind.AMENDMENT: amount != 0,
        QuotaEntryKind.CHARGE: amount < 0,
        QuotaEntryKind.RELEASE: amount > 0,
    }[QuotaEntryKind(kind)]
    if not ok:
        raise InvalidEntry(N_("A %(kind)s entry cannot have the amount %(amount)s."), kind=kind, amount=f"{amount:,}")


def remaining(entries: Iterable[Entry]) -> int:
    """What is left: the sum of every entry."""
    return sum(entry.amount for entry in entries)


def balance_after(balance: int, kind: str, amount: int) -> int:
    """The balance after adding one entry; raises QuotaExceeded / AmendmentRefused below zero."""
    check_entry(kind, amount)
    after = balance + amount
    if after < 0:
        if kind == QuotaEntryKind.AMENDMENT:
            raise AmendmentRefused(
                N_("A decrease of %(decrease)s won would take the remaining quota (%(remaining)s won) below zero."),
                decrease=f"{-amount:,}",
                remaining=f"{balance:,}",
            )
        raise QuotaExceeded(
            N_("The amount of %(amount)s won is more than the remaining quota of %(remaining)s won."),
            amount=f"{-amount:,}",
            remaining=f"{balance:,}",
        )
    return after


def check_amendment(remaining_krw: int, committed_krw: int, delta: int, reason: str) -> None:
    """An amendment needs a reason, a non-zero change, and must leave remaining and committed >= 0;
    an increase must keep the commitment within MAX_KRW."""
    if not (reason or "").strip():
        raise AmendmentRefused(N_("Give the reason for the amendment."))
    if delta == 0:
        raise AmendmentRefused(N_("Enter an increase or a decrease that is not zero."))
    if delta > 0 and committed_krw + delta > MAX_KRW:  # a decrease is always allowed
        raise AmendmentRefused(N_("The amount is too large."))
    balance_after(remaining_krw, QuotaEntryKind.AMENDMENT, delta)


@dataclass(frozen=True)
class Summary:
    committed: int  # commit + amendments
    charged: int  # charges net of releases (>= 0)
    remaining: int

    @property
    def used_share(self) -> float:
        return self.charged / self.committed if self.committed else 0.0


def summarize(entries: Iterable[Entry]) -> Summary:
    """Committed, charged (net of releases) and remaining, all derived from the entries."""
    committed = charged = 0
    for entry in entries:
        if entry.kind in COMMITTED:
            committed += entry.amount
        else:
            charged -= entry.amount
    return Summary(committed, charged, committed - charged)


@dataclass(frozen=True)
class UsagePoint:
    label: str  # "2018-09-14" or "2018-09"
    committed: int
    charged: int


def _after(entry: Entry, committed: int, charged: int) -> tuple[int, int]:
    """Committed and charged once the entry is counted (a charge is negative, a release positive)."""
    return (committed + entry.amount, charged) if entry.kind in COMMITTED else (committed, charged - entry.amount)


def _add_point(points: list[UsagePoint], point: UsagePoint) -> None:
    """Append the point, or replace the last one when it is for the same day or month."""
    if points and points[-1].label == point.label:
        points[-1] = point
    else:
        points.append(point)


def usage_series(entries: Iterable[Entry], max_points: int = 24, since: date | None = None) -> list[UsagePoint]:
    """Cumulative committed and charged at the end of each day (or month, when there are many days).

    Entries without a day are ignored. The result is ordered by time; the last point equals summarize().
    With `since`, entries before that day count in the totals but get no point of their own, so the time
    axis starts there (a chart of use need not reach back years to an MOU's signing).
    """
    dated = sorted(((e.day, e) for e in entries if e.day is not None), key=lambda pair: pair[0])
    first = since or date.min
    by_month = len({day for day, _ in dated if day >= first}) > max_points
    points: list[UsagePoint] = []
    committed = charged = 0
    for day, entry in dated:
        committed, charged = _after(entry, committed, charged)
        if day >= first:
            _add_point(points, UsagePoint(day.strftime("%Y-%m") if by_month else day.isoformat(), committed, charged))
    return points[-max_points:] if by_month else points
