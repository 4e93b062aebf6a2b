"""Pilot purchases: the order state machine and the checks made when an order is placed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .errors import N_, DomainError
from .money import MAX_KRW
from .reference import CONTRACT_METHODS
from .states import InspectionResult, OrderStatus

STATUSES = tuple(OrderStatus)
INSPECTION_RESULTS = tuple(InspectionResult)
SCORE_FIELDS = ("conformance", "quality", "delivery", "support", "overall")
MAX_QUANTITY = 1_000_000
MAX_TEXT = 2000
# A small-value track selection is bought under the small-value direct-contract rule: by private contract.
SMALL_VALUE_METHOD = "private_contract"

# Which status each action may start from. Cancelling stays possible until the goods are accepted:
# a rejected inspection is the usual reason to cancel.
ALLOWED_FROM = {
    "deliver": (OrderStatus.PLACED,),
    "inspect": (OrderStatus.DELIVERED,),
    "evaluate": (OrderStatus.INSPECTED,),
    "cancel": (OrderStatus.PLACED, OrderStatus.DELIVERED, OrderStatus.INSPECTED),
}


class OrderError(DomainError):
    """The order cannot be changed this way."""


class InvalidTransition(OrderError):
    """The order is not in a state that allows this action."""


class InvalidOrderInput(OrderError):
    """A value of the order form is not acceptable."""


class PlacementRefused(OrderError):
    """The order could not be placed; `failures` lists every reason."""

    def __init__(self, failures: list[DomainError]):
        self.failures = failures
        first = failures[0]
        super().__init__(first.message, **first.params)


def order_number(year: int, sequence: int) -> str:
    """PO-2018-000123: the order date's year and a sequence number."""
    return f"PO-{year}-{sequence:06d}"


def order_amount(quantity: int, unit_price: int, posted_amount: int | None = None) -> int:
    """quantity x unit price, recomputed here; a posted amount that differs is refused."""
    if quantity < 1:
        raise InvalidOrderInput(N_("Enter a quantity of 1 or more."))
    if quantity > MAX_QUANTITY:
        raise InvalidOrderInput(N_("Enter a quantity of at most %(maximum)s."), maximum=f"{MAX_QUANTITY:,}")
    if unit_price < 1:
        raise InvalidOrderInput(N_("Enter a unit price of 1 won or more."))
    amount = quantity * unit_price
    if amount > MAX_KRW:
        raise InvalidOrderInput(N_("The amount (quantity x unit price) is too large."))
    if posted_amount is not None and posted_amount != amount:
        raise InvalidOrderInput(
            N_("The amount %(posted)s won does not equal quantity x unit price (%(amount)s won)."),
            posted=f"{posted_amount:,}",
            amount=f"{amount:,}",
        )
    return amount


@dataclass(frozen=True)
class PlacementFacts:
    """What the server knows at the moment of placing an order, as plain values."""

    ordered_on: date
    today: date
    buyer_institution_id: int | None
    mou_institution_id: int
    institution_active: bool
    round_published: bool
    selection_active: bool  # allocation active and the application still selected
    selection_valid_until: date | None
    allocation_institution_id: int
    allocation_remaining_krw: int
    certificate_valid: bool  # some certificate of the product is valid on ordered_on
    mou_starts_on: date
    mou_ends_on: date
    remaining_krw: int
    amount_krw: int
    contract_method: str
    no_private_interest: bool
    published_on: date | None = None  # the round's publication, as a Seoul date
    selection_valid_from: date | None = None  # set when the allocation came later (moved, refilled)
    selection_moved: bool = False  # moved to another institution: closed to new orders
    late_limit_days: int | None = None  # LATE_REGISTRATION_DAYS; None: no limit
    late_reason: str = ""
    redraw_pending: bool = False  # a new draw of the selection's track is waiting for its seed event
    order_cap_krw: int | None = None  # a small-value track selection: each order at most this amount


def days_back(ordered_on: date, recorded_on: date) -> int:
    """How many days the contract date lies before the day the order is recorded (Seoul dates)."""
    return (recorded_on - ordered_on).days


def is_late_registration(ordered_on: date, recorded_on: date, limit_days: int | None) -> bool:
    """A contract date more than `limit_days` before the recording day is a late registration."""
    return limit_days is not None and days_back(ordered_on, recorded_on) > limit_days


def placement_failures(f: PlacementFacts) -> list[DomainError]:
    """Every reason the order cannot be placed, in the order a buyer would check them; [] when it can."""
    return [failure for check in _PLACEMENT_CHECKS for failure in check(f)]


def _buyer_checks(f: PlacementFacts) -> list[DomainError]:
    failures: list[DomainError] = []
    if f.buyer_institution_id is None or f.buyer_institution_id != f.mou_institution_id:
        failures.append(OrderError(N_("You can only buy for your own institution, against its MOU.")))
    if not f.institution_active:
        failures.append(OrderError(N_("Your institution is not active in the program.")))
    return failures


def _contract_date_checks(f: PlacementFacts) -> list[DomainError]:
    failures: list[DomainError] = []
    if f.ordered_on > f.today:
        failures.append(OrderError(N_("The order date cannot be in the future.")))
    if f.published_on is not None and f.ordered_on < f.published_on:
        failures.append(
            OrderError(
                N_("The contract date cannot be before the round's publication on %(day)s."),
                day=f.published_on.isoformat(),
            )
        )
    return failures


def _selection_checks(f: PlacementFacts) -> list[DomainError]:
    """The first reason the selection is not the buyer's to use; when it is, whether it covers this order."""
    if not f.round_published:
        return [OrderError(N_("The product's selection has not been published."))]
    if f.selection_moved:
        return [OrderError(N_("The product's selection was moved to another institution."))]
    if f.redraw_pending:
        return [
            OrderError(
                N_(
                    "A new draw of this selection's track, the remedy of an upheld objection, is waiting for its "
                    "seed event: orders on the track wait until it has run."
                )
            )
        ]
    if not f.selection_active:
        return [OrderError(N_("The product's selection has been withdrawn."))]
    if f.buyer_institution_id is None or f.allocation_institution_id != f.buyer_institution_id:
        return [
            OrderError(
                N_("This product was selected for another institution: you can only buy what was selected for yours.")
            )
        ]
    return _allocation_checks(f) + _small_value_checks(f)


def _allocation_checks(f: PlacementFacts) -> list[DomainError]:
    failures: list[DomainError] = []
    if f.selection_valid_until is not None and f.ordered_on > f.selection_valid_until:
        failures.append(
            OrderError(N_("The product's selection was valid until %(day)s."), day=f.selection_valid_until.isoformat())
        )
    if f.selection_valid_from is not None and f.ordered_on < f.selection_valid_from:
        failures.append(
            OrderError(
                N_(
                    "The product was allocated to your institution on %(day)s: the contract date cannot be before that."
                ),
                day=f.selection_valid_from.isoformat(),
            )
        )
    if f.amount_krw > f.allocation_remaining_krw:
        failures.append(
            OrderError(
                N_("The amount of %(amount)s won is more than what is left of the allocation (%(remaining)s won)."),
                amount=f"{f.amount_krw:,}",
                remaining=f"{f.allocation_remaining_krw:,}",
            )
        )
    return failures


def _small_value_checks(f: PlacementFacts) -> list[DomainError]:
    """A small-value track selection (it has an order cap): private contract, at most the cap per order."""
    failures: list[DomainError] = []
    if f.order_cap_krw is None:
        return failures
    if f.contract_method in CONTRACT_METHODS and f.contract_method != SMALL_VALUE_METHOD:
        failures.append(
            OrderError(
                N_(
                    "A small-value track selection is bought by private contract (수의계약) under the small-value "
                    "direct-contract rule: choose that contract method."
                )
            )
        )
    if f.amount_krw > f.order_cap_krw:
        failures.append(
            OrderError(
                N_(
                    "The amount of %(amount)s won is above %(cap)s won: a small-value track selection is bought "
                    "under the small-value direct-contract rule, at most %(cap)s won per order."
                ),
                amount=f"{f.amount_krw:,}",
                cap=f"{f.order_cap_krw:,}",
            )
        )
    return failures


def _certificate_and_mou_checks(f: PlacementFacts) -> list[DomainError]:
    failures: list[DomainError] = []
    if not f.certificate_valid:
        failures.append(
            OrderError(
                N_("No certificate of the product is valid on the order date %(day)s."), day=f.ordered_on.isoformat()
            )
        )
    if not f.mou_starts_on <= f.ordered_on <= f.mou_ends_on:
        failures.append(
            OrderError(
                N_("The MOU is not active on %(day)s (it runs from %(start)s to %(end)s)."),
                day=f.ordered_on.isoformat(),
                start=f.mou_starts_on.isoformat(),
                end=f.mou_ends_on.isoformat(),
            )
        )
    if f.amount_krw > f.remaining_krw:
        failures.append(
            OrderError(
                N_("The amount of %(amount)s won is more than the remaining quota of %(remaining)s won."),
                amount=f"{f.amount_krw:,}",
                remaining=f"{f.remaining_krw:,}",
            )
        )
    return failures


def _declaration_checks(f: PlacementFacts) -> list[DomainError]:
    failures: list[DomainError] = []
    if f.contract_method not in CONTRACT_METHODS:
        failures.append(OrderError(N_("Choose a contract method from the list.")))
    if not f.no_private_interest:
        failures.append(OrderError(N_("Confirm that you have no private interest in this purchase.")))
    return failures


class LateReasonNeeded(OrderError):
    """The contract date is so far back that the buyer must say why it is registered late."""


def _late_failures(f: PlacementFacts) -> list[DomainError]:
    if len(f.late_reason or "") > MAX_TEXT:
        return [InvalidOrderInput(N_("Keep the text under %(limit)s characters."), limit=f"{MAX_TEXT:,}")]
    if f.ordered_on > f.today or not is_late_registration(f.ordered_on, f.today, f.late_limit_days):
        return []
    if (f.late_reason or "").strip():
        return []
    return [
        LateReasonNeeded(
            N_(
                "The contract date is %(days)s days back, more than %(limit)s days before today: give the reason "
                "for the late registration."
            ),
            days=days_back(f.ordered_on, f.today),
            limit=f.late_limit_days,
        )
    ]


# In the order a buyer would check them: who buys, when, what was selected, certificate and MOU, the form.
_PLACEMENT_CHECKS = (
    _buyer_checks,
    _contract_date_checks,
    _selection_checks,
    _certificate_and_mou_checks,
    _declaration_checks,
    _late_failures,
)


def check_transition(action: str, status: str) -> None:
    """Raise InvalidTransition unless `action` may be taken from `status`."""
    if status not in ALLOWED_FROM[action]:
        raise InvalidTransition(ALREADY_DONE.get((action, status), TRANSITION_REFUSED[action]))


TRANSITION_REFUSED = {
    "deliver": N_("Only a placed order can be marked delivered."),
    "inspect": N_("Only a delivered order can be inspected."),
    "evaluate": N_("Only an inspected order can be evaluated."),
    "cancel": N_("This order can no longer be cancelled."),
}
ALREADY_DONE: dict[tuple[str, str], str] = {
    ("cancel", OrderStatus.CANCELLED): N_("This order is already cancelled.")
}  # a repeated click, say


def check_inspection(result: str, note: str, inspected_on: date, delivered_on: date | None) -> None:
    """An inspection is accepted or rejected; a rejection needs a note; not before delivery."""
    if result not in INSPECTION_RESULTS:
        raise InvalidOrderInput(N_("Choose whether the goods were accepted or rejected."))
    if result == InspectionResult.REJECTED and not (note or "").strip():
        raise InvalidOrderInput(N_("Say why the goods were rejected."))
    if delivered_on is not None and inspected_on < delivered_on:
        raise InvalidOrderInput(N_("The inspection date cannot be before the delivery date."))
    _check_text(note)


def check_delivery(delivered_on: date, ordered_on: date, today: date) -> None:
    if delivered_on < ordered_on:
        raise InvalidOrderInput(N_("The delivery date cannot be before the order date."))
    if delivered_on > today:
        raise InvalidOrderInput(N_("The delivery date cannot be in the future."))


def check_cancellable(status: str, inspection_result: str | None) -> None:
    """Raise InvalidTransition unless the order may be cancelled: placed, delivered, or inspected and rejected.

    Goods accepted at inspection stay bought: the purchase is complete, and its audit-relief certificate
    (which a cancellation would revoke) stands.
    """
    check_transition("cancel", status)
    if status == OrderStatus.INSPECTED and inspection_result == InspectionResult.ACCEPTED:
        raise InvalidTransition(N_("Goods accepted at inspection cannot be cancelled."))


def may_cancel(status: str, inspection_result: str | None) -> bool:
    try:
        check_cancellable(status, inspection_result)
    except InvalidTransition:
        return False
    return True


def check_cancellation(reason: str) -> None:
    if not (reason or "").strip():
        raise InvalidOrderInput(N_("Give the reason for the cancellation."))
    _check_text(reason)


def check_evaluation(scores: dict[str, int], inspection_result: str | None, comment: str) -> None:
    """Scores 1 to 5 for each of SCORE_FIELDS; only goods that were accepted can be evaluated."""
    if inspection_result != InspectionResult.ACCEPTED:
        raise InvalidTransition(N_("Only goods accepted at inspection can be evaluated."))
    for name in SCORE_FIELDS:
        value = scores.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            raise InvalidOrderInput(N_("Give every score from 1 to 5."))
    _check_text(comment)


def _check_text(text: str) -> None:
    if len(text or "") > MAX_TEXT:
        raise InvalidOrderInput(N_("Keep the text under %(limit)s characters."), limit=f"{MAX_TEXT:,}")
