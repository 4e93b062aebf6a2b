"""CSV and Excel files of the buyer's lists: the institution's orders, its audit-relief register."""

from __future__ import annotations

from flask import request
from flask_login import current_user

from .. import report_pages
from ..domain.errors import N_, NotFound
from ..domain.orders import STATUSES as ORDER_STATUSES
from ..exports import send_table
from ..routing import choice_filter
from ..services import exports_orders
from ..services.clock import seoul_today
from .views import bp


@bp.get("/orders/export.<any(csv,xlsx):fmt>")
def orders_export(fmt: str):
    """The institution's orders (all pages), of the status chosen on the list; only its own."""
    if current_user.institution_id is None:
        raise NotFound(N_("There is no such order among yours."))
    status = choice_filter("status", ORDER_STATUSES)
    table = exports_orders.orders_table(current_user.institution_id, status)
    return send_table(table, fmt, seoul_today())


@bp.get("/reports/purchase-report-tracks.<any(csv,xlsx):fmt>")
def purchase_report_tracks_export(fmt: str):
    """The purchase report's figures per track (applications, selections, budget, orders, rates), as a table."""
    return report_pages.purchase_report_tracks_export("buyer/reports.html", current_user, request.args, fmt)


@bp.get("/reports/relief-register.<any(csv,xlsx):fmt>")
def relief_register_export(fmt: str):
    """The institution's audit-relief register for a period, as a table."""
    return report_pages.relief_register_export("buyer/reports.html", current_user, request.args, fmt)
