"""The supplier sees the orders of their products and the buyers' evaluations."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from ..routing import page_request
from ..services import orders as service
from .views import bp


@bp.get("/orders")
def orders():
    """Orders of this company's products, their status and evaluations."""
    page = service.orders_for_company(current_user.company_id, **page_request())
    return render_template("supplier/orders.html", orders=page)
