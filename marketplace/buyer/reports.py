"""The buyer's reports: the institution's purchase report and relief register, each order's certificate."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import report_pages
from ..domain.errors import DomainError, NotFound
from ..forms import rerender
from ..i18n import current_language, domain_message
from ..services import relief_certificates
from .forms import IssueCertificateForm
from .views import bp

PAGE = "buyer/reports.html"


@bp.get("/reports")
def reports():
    """Forms for the institution's purchase report and audit-relief register."""
    return report_pages.reports_page(PAGE, current_user)


@bp.get("/reports/purchase-report.pdf")
def purchase_report():
    """The institution's purchase report for a round or a date range, as a PDF."""
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
    """The institution's audit-relief certificates issued in a period, as a PDF."""
    return report_pages.relief_register(PAGE, current_user, request.args)


@bp.post("/orders/<int:order_id>/certificate")
def issue_certificate(order_id: int):
    """Issue the order's audit-relief certificate, or a new version once the order has moved on."""
    form = IssueCertificateForm()
    if not form.validate_on_submit():
        return _certificate_refused(order_id, _("The form expired. Reload the page and try again."))
    try:
        certificate = relief_certificates.issue(current_user, order_id, current_language())
    except NotFound:
        raise
    except DomainError as error:
        return _certificate_refused(order_id, domain_message(error))
    flash(
        _(
            "Audit-relief certificate %(serial)s issued (version %(version)s).",
            serial=certificate.serial,
            version=certificate.version,
        ),
        "success",
    )
    return redirect(url_for("buyer.order_detail", order_id=order_id))


def _certificate_refused(order_id: int, message: str):
    return rerender(
        "reports/certificate_refused.html", 400, message=message, back=url_for("buyer.order_detail", order_id=order_id)
    )


@bp.get("/orders/<int:order_id>/certificate.pdf")
def certificate_pdf(order_id: int):
    """The order's issued audit-relief certificate (latest version, or ?version=N); viewing never issues."""
    return report_pages.certificate_pdf(current_user, order_id, request.args, issue_form=IssueCertificateForm)
