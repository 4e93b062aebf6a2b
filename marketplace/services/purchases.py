"""What a buyer may buy: the selected products of published rounds and the purchase form's allocation."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..domain.errors import N_, DomainError
from ..domain.states import AllocationStatus, ApplicationStatus, RoundStatus
from ..extensions import db
from ..models import Allocation, Application, Mou, Product, Round, User
from . import redraw_results
from .orders import institution_mous
from .pages import Page, paginate
from .products import has_valid_certificate


class PurchaseUnavailable(DomainError):
    """No purchase can start from this allocation: not the buyer's institution's, moved or withdrawn."""


_ALLOCATION_LOAD = (
    joinedload(Allocation.round),
    joinedload(Allocation.institution),
    joinedload(Allocation.application).joinedload(Application.product).joinedload(Product.company),
    joinedload(Allocation.application).joinedload(Application.track),  # a small-value selection's order cap
)
_SHOWN_ORDER = (Round.code.desc(), Allocation.rank, Allocation.id)


def _buyable(today: date):
    """Active allocations of selected applications in published rounds (Allocation joined to both) whose
    product has a certificate valid today: with all revoked or expired, no order could rest on it."""
    return (
        select(Allocation)
        .join(Allocation.round)
        .join(Allocation.application)
        .where(
            Round.status == RoundStatus.PUBLISHED,
            Allocation.status == AllocationStatus.ACTIVE,
            Application.status == ApplicationStatus.SELECTED,
        )
        .join(Application.product)
        .where(has_valid_certificate(today))
    )


def selected_products(
    buyer: User, today: date, *, page: int = 1, others_page: int = 1, per_page: int = 20
) -> tuple[Page[Allocation], Page[Allocation]]:
    """Active allocations of published rounds, a page of each list: the buyer's institution's (what the
    buyer may buy), then one per product selected for other institutions only."""
    return _own_selected(buyer, today, page, per_page), _other_selected(buyer, today, others_page, per_page)


def _own_selected(buyer: User, today: date, page: int, per_page: int) -> Page[Allocation]:
    query = _buyable(today).where(Allocation.institution_id == buyer.institution_id)
    return paginate(query.options(*_ALLOCATION_LOAD).order_by(*_SHOWN_ORDER), page=page, per_page=per_page)


def _other_selected(buyer: User, today: date, page: int, per_page: int) -> Page[Allocation]:
    """One allocation per product selected for other institutions only: the first in the shown order."""
    own_products = (
        _buyable(today)
        .where(Allocation.institution_id == buyer.institution_id)
        .with_only_columns(Application.product_id)
    )
    first = func.row_number().over(partition_by=Application.product_id, order_by=_SHOWN_ORDER)
    ranked = (
        _buyable(today)
        .where(Application.product_id.not_in(own_products))
        .with_only_columns(Allocation.id, first.label("n"))
        .subquery()
    )
    query = _buyable(today).join(ranked, ranked.c.id == Allocation.id).where(ranked.c.n == 1)
    return paginate(query.options(*_ALLOCATION_LOAD).order_by(*_SHOWN_ORDER), page=page, per_page=per_page)


def purchase_context(buyer: User, allocation_id: int) -> tuple[Allocation, list[Mou]]:
    """The allocation a purchase form is for and the buyer's institution's MOUs.

    Raises PurchaseUnavailable, with the reason, unless the allocation is an active one of the buyer's
    institution in a published round: only those can be bought against (the placement checks it again).
    """
    allocation = db.session.scalar(
        select(Allocation)
        .options(
            joinedload(Allocation.round).joinedload(Round.draw),
            joinedload(Allocation.institution),
            joinedload(Allocation.application).joinedload(Application.product),
        )
        .where(Allocation.id == allocation_id)
    )
    if allocation is None:
        raise PurchaseUnavailable(N_("There is no such selected product."))
    if buyer.institution_id is None or allocation.institution_id != buyer.institution_id:
        raise PurchaseUnavailable(
            N_("This product was selected for another institution: you can only buy what was selected for yours.")
        )
    if allocation.round.status != RoundStatus.PUBLISHED:
        raise PurchaseUnavailable(N_("The product's selection has not been published."))
    if allocation.status == AllocationStatus.MOVED:
        raise PurchaseUnavailable(N_("The product's selection was moved to another institution."))
    if allocation.status == AllocationStatus.SUPERSEDED:
        raise PurchaseUnavailable(
            N_("The product's selection ended: its track was drawn again as the remedy of an upheld objection.")
        )
    if redraw_results.redraw_pending_for(allocation):
        raise PurchaseUnavailable(
            N_(
                "A new draw of this selection's track, the remedy of an upheld objection, is waiting for its "
                "seed event: orders on the track wait until it has run."
            )
        )
    if allocation.status != AllocationStatus.ACTIVE or allocation.application.status != ApplicationStatus.SELECTED:
        raise PurchaseUnavailable(N_("The product's selection has been withdrawn."))
    return allocation, institution_mous(buyer.institution_id)
