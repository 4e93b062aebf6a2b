"""What a buyer may buy: the selected products of published rounds and the purchase form's allocation."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..domain.errors import N_, DomainError
from ..domain.states import AllocationStatus, ApplicationStatus, RoundStatus
from ..extensions import db
from ..models import Allocation, Application, Mou, Product, Round, User
from .orders import institution_mous
from .products import has_valid_certificate


class PurchaseUnavailable(DomainError):
    """No purchase can start from this allocation: not the buyer's institution's, moved or withdrawn."""


def selected_products(buyer: User, today: date) -> tuple[list[Allocation], list[Allocation]]:
    """Active allocations of published rounds: the buyer's institution's, then one per other product.

    A product with no certificate valid today (all revoked or expired) is left out: no order could rest
    on it."""
    rows = (
        db.session.scalars(
            select(Allocation)
            .join(Allocation.round)
            .join(Allocation.application)
            .join(Application.product)
            .options(
                joinedload(Allocation.round),
                joinedload(Allocation.institution),
                joinedload(Allocation.application).joinedload(Application.product).joinedload(Product.company),
            )
            .where(
                Round.status == RoundStatus.PUBLISHED,
                Allocation.status == AllocationStatus.ACTIVE,
                Application.status == ApplicationStatus.SELECTED,
            )
            .where(has_valid_certificate(today))
            .order_by(Round.code.desc(), Allocation.rank, Allocation.id)
        )
        .unique()
        .all()
    )
    own = [a for a in rows if a.institution_id == buyer.institution_id]
    own_products = {a.application.product_id for a in own}
    others, seen = [], set(own_products)
    for allocation in rows:
        if allocation.application.product_id not in seen:
            seen.add(allocation.application.product_id)
            others.append(allocation)
    return own, others


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
    if allocation.status != AllocationStatus.ACTIVE or allocation.application.status != ApplicationStatus.SELECTED:
        raise PurchaseUnavailable(N_("The product's selection has been withdrawn."))
    return allocation, institution_mous(buyer.institution_id)
