"""Ministry pages for approvals: companies, certificates, the supply record, and the audit trail."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.errors import N_, DomainError, NotFound
from ..domain.reference import AUDIT_ACTIONS, AUDIT_OBJECTS, REGIONS, SIZE_CLASSES
from ..domain.states import CertificateStatus, CompanyStatus
from ..forms import attach_error, filled, rerender
from ..routing import id_argument, page_argument, page_request
from ..services import approvals
from ..services.clock import seoul_today
from .forms import DecisionForm
from .views import bp

DONE = {
    "approve": N_("The company was approved."),
    "reject": N_("The decision was recorded."),
    "suspend": N_("The company was suspended."),
    "verify": N_("The certificate was verified."),
    "revoke": N_("The certificate was revoked."),
}


@bp.context_processor
def _vocabularies():
    return {"regions": REGIONS, "size_classes": SIZE_CLASSES}


@bp.get("/companies")
def companies():
    """Companies, filtered by status (pending first by default)."""
    status = request.args.get("status", CompanyStatus.PENDING)
    return render_template(
        "ministry/companies.html",
        companies=approvals.companies(status or None, **page_request()),
        filter_status=status,
        statuses=approvals.COMPANY_STATUSES,
    )


def _company_page(company_id: int, form: DecisionForm, status: int = 200):
    company = approvals.company_detail(company_id)
    return render_template("ministry/company.html", company=company, form=form, today=seoul_today()), status


@bp.get("/companies/<int:company_id>")
def company(company_id: int):
    """A company's data, supply record, certificates and products, with the decision form."""
    return _company_page(company_id, DecisionForm(formdata=None))


@bp.post("/companies/<int:company_id>/decision")
def decide_company(company_id: int):
    """Approve, reject or suspend a company; reject and suspend need a reason."""
    form = DecisionForm()
    if not form.validate():
        return _company_page(company_id, form, 400)
    try:
        approvals.decide_company(current_user, company_id, filled(form.action.data), form.reason.data or "")
    except NotFound:
        raise
    except DomainError as error:
        attach_error(form, "reason", error)
        return _company_page(company_id, form, 400)
    flash(_(DONE.get(filled(form.action.data), N_("The decision was recorded."))), "success")
    return redirect(url_for("ministry.company", company_id=company_id))


@bp.post("/companies/<int:company_id>/supply-record")
def confirm_supply_record(company_id: int):
    """Confirm the company's declared public-supply record."""
    approvals.confirm_supply_record(current_user, company_id)
    flash(_("The public-supply record was confirmed."), "success")
    return redirect(url_for("ministry.company", company_id=company_id))


@bp.get("/certificates")
def certificates():
    """The certificate queue, pending first by default."""
    return _certificates_page(DecisionForm(formdata=None))


def _certificates_page(form: DecisionForm, status: int = 200, failed_id: int | None = None):
    """The queue as its query asks, or as the decision form posted from it (list_position)."""
    filter_status = request.values.get("status", CertificateStatus.PENDING)
    return rerender(
        "ministry/certificates.html",
        status,
        certificates=approvals.certificates(filter_status or None, **page_request()),
        filter_status=filter_status,
        statuses=approvals.CERTIFICATE_STATUSES,
        form=form,
        failed_id=failed_id,
        today=seoul_today(),
    )


@bp.post("/certificates/<int:certificate_id>/decision")
def decide_certificate(certificate_id: int):
    """Verify, reject or revoke a certificate; reject and revoke need a reason. Back to the same page of the queue."""
    form = DecisionForm()
    try:
        if form.validate():
            approvals.decide_certificate(current_user, certificate_id, filled(form.action.data), form.reason.data or "")
    except NotFound:
        raise
    except DomainError as error:
        attach_error(form, None, error)
    if form.errors or form.form_errors:
        return _certificates_page(form, 400, certificate_id)
    flash(_(DONE.get(filled(form.action.data), N_("The decision was recorded."))), "success")
    return redirect(
        url_for(
            "ministry.certificates",
            status=request.values.get("status"),
            page=request.values.get("page", type=page_argument),
        )
    )


@bp.get("/audit")
def audit_log():
    """The audit trail, newest first, filtered by action and company."""
    action = request.args.get("action", "").strip()
    company_id = request.args.get("company", type=id_argument)
    page = approvals.audit_page(action=action or None, company_id=company_id, **page_request("AUDIT_LOG_PAGE_SIZE"))
    actions, company_names = approvals.audit_filters()
    return render_template(
        "ministry/audit_log.html",
        page=page,
        action=action,
        company_id=company_id,
        actions=actions,
        audit_actions=AUDIT_ACTIONS,
        audit_objects=AUDIT_OBJECTS,
        company_names=company_names,
        actors=approvals.actor_names(page.items),
        closed=approvals.closed_subjects(page.items),
    )
