"""Follow-on purchases: what an institution buys again of a pilot product, outside the quota, and the rate.

A follow-on purchase rests on one completed pilot order of the same institution: its goods were accepted
at inspection (status inspected with result accepted, or evaluated afterwards). Its contract date lies
between the pilot order's contract date and today in Seoul, both included. It never touches the quota,
the MOU or the allocation: the institution pays it from its own budget.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .errors import N_, DomainError
from .reference import CONTRACT_METHODS
from .states import InspectionResult, OrderStatus

MAX_QUANTITY = 1_000_000
MAX_REFERENCE = 50
MAX_REASON = 2000


class FollowOnRefused(DomainError):
    """The follow-on purchase cannot be recorded or cancelled as asked."""


def is_completed_pilot(status: str, inspection_result: str | None) -> bool:
    """A pilot order whose goods were accepted at inspection (evaluated or not): the only kind bought again."""
    return status in (OrderStatus.INSPECTED, OrderStatus.EVALUATED) and inspection_result == InspectionResult.ACCEPTED


@dataclass(frozen=True)
class FollowOnFacts:
    pilot_status: str
    pilot_inspection_result: str | None
    pilot_ordered_on: date
    contracted_on: date
    today: date
    quantity: int
    amount_krw: int
    contract_method: str
    reference: str


def check_follow_on(facts: FollowOnFacts) -> None:
    """Raise FollowOnRefused with the first rule the follow-on purchase breaks."""
    if not is_completed_pilot(facts.pilot_status, facts.pilot_inspection_result):
        raise FollowOnRefused(N_("Only a pilot order whose goods were accepted at inspection can be bought again."))
    if facts.contracted_on < facts.pilot_ordered_on:
        raise FollowOnRefused(
            N_("The contract date cannot be before the pilot order's contract date (%(day)s)."),
            day=facts.pilot_ordered_on.isoformat(),
        )
    if facts.contracted_on > facts.today:
        raise FollowOnRefused(N_("The contract date cannot be in the future."))
    if not 1 <= facts.quantity <= MAX_QUANTITY:
        raise FollowOnRefused(N_("Enter a quantity from 1 to %(maximum)s."), maximum=f"{MAX_QUANTITY:,}")
    if facts.amount_krw < 1:
        raise FollowOnRefused(N_("Enter an amount of 1 won or more."))
    if facts.contract_method not in CONTRACT_METHODS:
        raise FollowOnRefused(N_("Choose a contract method."))
    reference = facts.reference.strip()
    if not reference or len(reference) > MAX_REFERENCE:
        raise FollowOnRefused(
            N_("Enter the contract's reference number (at most %(limit)s characters)."), limit=MAX_REFERENCE
        )


def cancellation_reason(reason: str) -> str:
    """The trimmed reason for cancelling a follow-on purchase; FollowOnRefused when empty or too long."""
    text = (reason or "").strip()
    if not text:
        raise FollowOnRefused(N_("Give the reason for the cancellation."))
    if len(text) > MAX_REASON:
        raise FollowOnRefused(N_("Keep the text under %(limit)s characters."), limit=f"{MAX_REASON:,}")
    return text


@dataclass(frozen=True)
class PilotOutcome:
    """One completed pilot order as the rate sees it: who bought what, and whether it was bought again."""

    institution: int | str  # an id or a code: whatever the caller groups institutions by
    product_id: int
    bought_again: bool


@dataclass(frozen=True)
class FollowOnRate:
    """Of `pilot_products` distinct products with a completed pilot order, `bought_again` were bought again."""

    pilot_products: int
    bought_again: int

    @property
    def pct(self) -> float:
        return 100.0 * self.bought_again / self.pilot_products if self.pilot_products else 0.0


def follow_on_rate(outcomes: Iterable[PilotOutcome]) -> FollowOnRate:
    """The follow-on rate: the share of distinct pilot products with at least one follow-on purchase.

    A product counts once however many completed pilot orders it has; it counts as bought again when any
    of its completed pilot orders has a follow-on purchase that was not cancelled.
    """
    again: dict[int, bool] = {}
    for outcome in outcomes:
        again[outcome.product_id] = again.get(outcome.product_id, False) or outcome.bought_again
    return FollowOnRate(len(again), sum(again.values()))


def follow_on_rates(outcomes: Iterable[PilotOutcome]) -> dict[int | str, FollowOnRate]:
    """The follow-on rate of each institution: its own pilot products, bought again by itself."""
    by_institution: dict[int | str, list[PilotOutcome]] = {}
    for outcome in outcomes:
        by_institution.setdefault(outcome.institution, []).append(outcome)
    return {key: follow_on_rate(items) for key, items in by_institution.items()}
