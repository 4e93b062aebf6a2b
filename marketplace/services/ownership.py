"""Object-level access for suppliers: a supplier reaches only its own company's rows."""

from __future__ import annotations

from ..domain.errors import N_, NotFound
from ..extensions import db
from ..models import Company, User


def own_company(user: User) -> Company:
    """The supplier's company; raise NotFound for a user without one."""
    company = db.session.get(Company, user.company_id) if user.company_id else None
    if company is None:
        raise NotFound(N_("No company is linked to this account."))
    return company


def own_row(model, user: User, row_id: int, *, lock: bool = False):
    """Load a row of `model` that belongs to the user's company; raise NotFound otherwise.

    With lock, the row is locked (PostgreSQL) for the checks of the caller's write transaction.
    """
    row = db.session.get(model, row_id, with_for_update=lock or None, populate_existing=lock)
    if row is None or user.company_id is None or row.company_id != user.company_id:
        raise NotFound(N_("This item does not exist or belongs to another company."))
    return row
