"""The supplier's pages: dashboard, company, certificates (products are in products.py)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.errors import DomainError, NotFound
from ..domain.reference import REGIONS, SIZE_CLASSES
from ..domain.suppliers import may_delete
from ..domain.uploads import UnapprovedAllowance, UploadRefused
from ..forms import OneTimeForm, attach_error, filled, rerender
from ..i18n import domain_message
from ..routing import page_request
from ..security import private_download
from ..services import certificates, companies
from ..services.clock import seoul_today
from ..services.files import download_name
from ..shared_forms import CompanyForm, company_input
from .forms import CertificateForm

bp = Blueprint("supplier", __name__, url_prefix="/supplier")


@bp.context_processor
def _vocabularies():
    return {"regions": REGIONS, "size_classes": SIZE_CLASSES}


@bp.get("/")
def dashboard():
    """The supplier's overview: company status, certificates, products."""
    return render_template("supplier/dashboard.html", **companies.dashboard(current_user, seoul_today()))


@bp.route("/company", methods=["GET", "POST"])
def company():
    """The company's details; editable (and re-submitted after a rejection) until approved."""
    own = companies.own_company(current_user)
    form = CompanyForm(obj=own)
    if not form.is_submitted():
        form.public_supply_krw.data = str(own.public_supply_krw)
        return render_template("supplier/company.html", company=own, form=form)
    if not form.validate():
        return rerender("supplier/company.html", company=own, form=form)
    try:
        companies.update_own_company(current_user, company_input(form), seoul_today())
    except DomainError as error:
        attach_error(form, None, error)
        return rerender("supplier/company.html", company=own, form=form)
    flash(_("Your company details were saved and sent for review."), "success")
    return redirect(url_for("supplier.dashboard"))


@bp.get("/certificates", endpoint="certificates")
def certificates_list():
    """The company's certificates with their review status and reasons."""
    page = certificates.supplier_certificates(current_user, **page_request())
    return render_template(
        "supplier/certificates.html", certificates=page, today=seoul_today(), may_delete=may_delete, form=OneTimeForm()
    )


@bp.route("/certificates/new", methods=["GET", "POST"])
def new_certificate():
    """Upload a certificate with its scan; it waits for the ministry's verification."""
    form = CertificateForm(certificates.certificate_types())
    if not form.validate_on_submit():
        return rerender("supplier/new_certificate.html", 400 if form.is_submitted() else 200, form=form)
    config = current_app.config
    cap = config["MAX_UPLOAD_BYTES"]
    upload = form.scan.data
    data = upload.stream.read(cap + 1) if upload else b""
    allowance = UnapprovedAllowance(config["UNAPPROVED_MAX_CERTIFICATES"], config["UNAPPROVED_MAX_UPLOAD_BYTES"])
    try:
        certificates.add_certificate(
            current_user,
            certificates.CertificateInput(
                type_id=form.type_id.data,
                number=filled(form.number.data),
                issuer=filled(form.issuer.data),
                issued_on=filled(form.issued_on.data),
                expires_on=filled(form.expires_on.data),
            ),
            data,
            getattr(upload, "filename", "") or "",
            max_bytes=cap,
            allowance=allowance,
        )
    except DomainError as error:
        attach_error(form, "scan" if isinstance(error, UploadRefused) else None, error)
        return rerender("supplier/new_certificate.html", form=form)
    flash(_("The certificate was uploaded. The ministry will verify it."), "success")
    return redirect(url_for("supplier.certificates"))


@bp.post("/certificates/<int:certificate_id>/delete")
def delete_certificate(certificate_id: int):
    """Delete a certificate not yet verified, or rejected, that no product names (its number is free again)."""
    form = OneTimeForm()
    if not form.validate_on_submit():
        flash(_("The form expired. Reload the page and try again."), "error")
        return redirect(url_for("supplier.certificates"))
    try:
        certificates.delete_certificate(current_user, certificate_id)
    except NotFound:
        raise
    except DomainError as error:
        flash(domain_message(error), "error")
    else:
        flash(_("The certificate was deleted."), "success")
    return redirect(url_for("supplier.certificates"))


@bp.get("/certificates/<int:certificate_id>/file")
def certificate_file(certificate_id: int):
    """The certificate's scan, for its own supplier and ministry staff, always as a download."""
    certificate, stored, data = certificates.certificate_file(current_user, certificate_id)
    return private_download(data, stored.content_type, download_name(stored, f"certificate-{certificate.id}"))
