"""Ministry reports: purchase reports per institution or program-wide, registers, any order's certificate."""

from __future__ import annotations

from flask import request
from flask_login import current_user

from .. import report_pages
from .views import bp

PAGE = "ministry/reports.html"


@bp.get("/reports")
def reports():
    """Forms for purchase reports (one institution or the whole program) and audit-relief registers."""
    return report_pages.reports_page(PAGE, current_user)


@bp.get("/reports/purchase-report.pdf")
def purchase_report():
    """A purchase report for one institution or the program, for a round or a date range, as a PDF."""
    return report_pages.purchase_report(PAGE, current_user, request.args)


@bp.get("/reports/jobs/<int:job_id>")
def report_job(job_id: int):
    """The progress of a large purchase report being prepared, then its file's link."""
    return report_pages.job_page(current_user, job_id)


@bp.get("/reports/jobs/<int:job_id>/file")
def report_job_file(job_id: int):
    """A prepared purchase report's PDF (only for whoever asked for it, and staff)."""
    return report_pages.job_file(current_user, job_id)


@bp.get("/reports/relief-register.pdf")
def relief_register():
    """An institution's audit-relief register for a period, as a PDF."""
    return report_pages.relief_register(PAGE, current_user, request.args)


@bp.get("/orders/<int:order_id>/certificate.pdf")
def certificate_pdf(order_id: int):
    """Any order's issued audit-relief certificate (latest version, or ?version=N); staff never issue one."""
    return report_pages.certificate_pdf(current_user, order_id, request.args)
