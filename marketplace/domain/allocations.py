"""The ministry's changes to a published round's allocations: moving one to another institution, refilling
a withdrawn one from the waitlist. The rules take plain facts.

A move takes the whole allocation, and only while no order rests on it: the orders recorded against an
allocation keep pointing at it and at the institution they were made for, and an allocation's amount stays
the application's amount. The target takes part in the round, is active, is one of the institutions the
supplier preferred (when it named any) and has enough of its round budget left; so the round's budgets
still hold and the waitlist refill keeps working from them.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import N_, DomainError

MAX_REASON = 2000


class AllocationChangeRefused(DomainError):
    """The allocation cannot be changed this way."""


def check_reason(reason: str) -> None:
    """A change needs a reason (shown on the public round page), of at most MAX_REASON characters."""
    if not (reason or "").strip():
        raise AllocationChangeRefused(N_("Give the reason for the change."))
    if len(reason) > MAX_REASON:
        raise AllocationChangeRefused(N_("Keep the text under %(limit)s characters."), limit=f"{MAX_REASON:,}")


@dataclass(frozen=True)
class MoveFacts:
    round_published: bool
    allocation_active: bool  # active, and its application still selected
    open_orders: int  # orders resting on it that are not cancelled
    target_found: bool
    target_active: bool
    target_in_round: bool
    target_is_current: bool
    target_preferred: bool  # among the supplier's preferred institutions, or the supplier named none
    target_budget_left_krw: int
    amount_krw: int


def move_failures(f: MoveFacts) -> list[DomainError]:
    """Every reason the allocation cannot move to the target; [] when it can."""

    def refused(message: str, **params) -> AllocationChangeRefused:
        return AllocationChangeRefused(message, **params)

    if not f.round_published:
        return [refused(N_("Allocations change only after the round's result is published."))]
    if not f.allocation_active:
        return [refused(N_("Only an active allocation can be moved."))]
    failures: list[DomainError] = []
    if f.open_orders:
        failures.append(
            refused(
                N_(
                    "%(count)s orders rest on this allocation: it can be moved only when none does "
                    "(the buyer cancels them first)."
                ),
                count=f.open_orders,
            )
        )
    if not f.target_found:
        failures.append(refused(N_("Choose the institution to move the allocation to.")))
        return failures
    if f.target_is_current:
        failures.append(refused(N_("The allocation already belongs to this institution.")))
    elif not f.target_in_round:
        failures.append(refused(N_("Choose an institution that takes part in the round.")))
    elif not f.target_active:
        failures.append(refused(N_("This institution is not active in the program.")))
    elif not f.target_preferred:
        failures.append(refused(N_("The supplier asked for other institutions only: choose one of them.")))
    elif f.target_budget_left_krw < f.amount_krw:
        failures.append(
            refused(
                N_(
                    "The institution has %(left)s won of its round budget left, less than the "
                    "allocation's %(amount)s won."
                ),
                left=f"{f.target_budget_left_krw:,}",
                amount=f"{f.amount_krw:,}",
            )
        )
    return failures


def refill_failure(*, round_published: bool, allocation_withdrawn: bool, already_refilled: bool) -> DomainError | None:
    """Why a withdrawn allocation's budget cannot be given to the waitlist now; None when it can."""
    if not round_published:
        return AllocationChangeRefused(N_("Allocations change only after the round's result is published."))
    if not allocation_withdrawn:
        return AllocationChangeRefused(N_("Only a withdrawn allocation's budget can be given to the waitlist."))
    if already_refilled:
        return AllocationChangeRefused(N_("This allocation's budget was already given to the waitlist."))
    return None
