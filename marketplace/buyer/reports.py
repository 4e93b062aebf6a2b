"""The buyer's reports: the institution's purchase report and relief register, each order's certificate."""

from __future__ import annotations

from flask import request
from flask_login import current_user

from ..reports import web
from .views import bp

PAGE = "buyer/reports.html"


@bp.get("/reports")
def reports():
    """Forms for the institution's purchase report and audit-relief register."""
    return web.reports_page(PAGE, current_user)


@bp.get("/reports/purchase-report.pdf")
def purchase_report():
    """The institution's purchase report for a round or a date range, as a PDF."""
    return web.purchase_report(PAGE, current_user, request.args)


@bp.get("/reports/relief-register.pdf")
def relief_register():
    """The institution's audit-relief certificates issued in a period, as a PDF."""
    return web.relief_register(PAGE, current_user, request.args)


@bp.post("/orders/<int:order_id>/certificate")
def issue_certificate(order_id: int):
    """Issue the order's audit-relief certificate, or a new version once the order has moved on."""
    return web.issue_certificate(current_user, order_id)


@bp.get("/orders/<int:order_id>/certificate.pdf")
def certificate_pdf(order_id: int):
    """The order's issued audit-relief certificate (latest version, or ?version=N); viewing never issues."""
    return web.certificate_pdf(current_user, order_id, request.args)
