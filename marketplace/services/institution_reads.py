"""What an institution's system reads through the API: its MOUs, allocations and orders, newest first, by keyset.

`institution_id` None means every institution (ministry staff); a buyer's is their own institution's.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..domain.errors import N_, NotFound
from ..domain.states import UserRole
from ..extensions import db
from ..models import Allocation, Application, Mou, Order, User
from .orders import order_for_buyer


def _page(query, column, institution_column, institution_id: int | None, after: int | None, limit: int) -> list:
    if institution_id is not None:
        query = query.where(institution_column == institution_id)
    if after is not None:
        query = query.where(column < after)
    return list(db.session.scalars(query.order_by(column.desc()).limit(limit)).unique())


def mous(institution_id: int | None, *, after: int | None, limit: int) -> list[Mou]:
    """MOUs with their quota balance, newest first, ids below `after`."""
    query = select(Mou).options(joinedload(Mou.institution))
    return _page(query, Mou.id, Mou.institution_id, institution_id, after, limit)


def allocations(institution_id: int | None, *, after: int | None, limit: int) -> list[Allocation]:
    """Allocations (what may be bought, and how much of it is left), newest first, ids below `after`."""
    query = select(Allocation).options(
        joinedload(Allocation.round),
        joinedload(Allocation.institution),
        joinedload(Allocation.application).joinedload(Application.product),
        joinedload(Allocation.application).joinedload(Application.company),
    )
    return _page(query, Allocation.id, Allocation.institution_id, institution_id, after, limit)


def orders(institution_id: int | None, status: str | None, *, after: int | None, limit: int) -> list[Order]:
    """Orders, of one status when given, newest first, ids below `after`."""
    query = select(Order).options(joinedload(Order.institution), joinedload(Order.product))
    if status:
        query = query.where(Order.status == status)
    return _page(query, Order.id, Order.institution_id, institution_id, after, limit)


def order_for(user: User, order_id: int) -> Order:
    """One order: any for ministry staff, the institution's own for a buyer; NotFound otherwise."""
    if user.role == UserRole.BUYER:
        return order_for_buyer(user, order_id)
    order = db.session.get(Order, order_id)
    if order is None:
        raise NotFound(N_("There is no such order among yours."))
    return order
