"""CSV and Excel files of the ministry's lists: every order, an MOU's ledger, the audit trail, the register."""

from __future__ import annotations

from flask import request
from flask_login import current_user

from .. import report_pages
from ..domain.orders import STATUSES as ORDER_STATUSES
from ..exports import send_table
from ..routing import choice_filter, id_filter, refuse_filter
from ..services import exports_orders, round_outcomes
from ..services.clock import seoul_today
from .views import bp

MAX_ACTION = 60  # the longest audit action a filter can name (AuditEvent.action)


@bp.get("/orders/export.<any(csv,xlsx):fmt>")
def orders_export(fmt: str):
    """Every institution's orders, or one's (?institution=), of one status or all."""
    institution_id = id_filter("institution")
    status = choice_filter("status", ORDER_STATUSES)
    return send_table(exports_orders.orders_table(institution_id, status), fmt, seoul_today())


@bp.get("/mous/<int:mou_id>/ledger.<any(csv,xlsx):fmt>")
def mou_ledger_export(mou_id: int, fmt: str):
    """An MOU's whole ledger, oldest entry first."""
    return send_table(exports_orders.ledger_table(mou_id), fmt, seoul_today())


@bp.get("/audit/export.<any(csv,xlsx):fmt>")
def audit_log_export(fmt: str):
    """The audit trail with the audit-log page's filters (action, company)."""
    action = request.args.get("action", "").strip()
    refuse_filter(len(action) > MAX_ACTION)
    table = exports_orders.audit_table(action or None, id_filter("company"))
    return send_table(table, fmt, seoul_today())


@bp.get("/reports/purchase-report-tracks.<any(csv,xlsx):fmt>")
def purchase_report_tracks_export(fmt: str):
    """The purchase report's figures per track (applications, selections, budget, orders, rates), as a table."""
    return report_pages.purchase_report_tracks_export("ministry/reports.html", current_user, request.args, fmt)


@bp.get("/reports/relief-register.<any(csv,xlsx):fmt>")
def relief_register_export(fmt: str):
    """An institution's audit-relief register for a period, as a table."""
    return report_pages.relief_register_export("ministry/reports.html", current_user, request.args, fmt)


@bp.get("/reports/round-outcomes.<any(csv,xlsx):fmt>")
def round_outcomes_export(fmt: str):
    """The reports page's round outcomes: minutes hash, objections, follow-on purchases, corrective actions."""
    return send_table(round_outcomes.round_outcomes_table(), fmt, seoul_today())
