"""View helpers the buyer and ministry report pages share: fill the forms, send a PDF, show a certificate."""

from __future__ import annotations

from flask import current_app, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .domain.errors import N_, DomainError, NotFound
from .domain.hashing import sha256_hex
from .domain.states import UserRole
from .exports import send_table
from .forms import attach_error, choices, rerender
from .i18n import localized
from .models import User
from .models.types import utcnow
from .reports.render import RenderTimeout
from .reports.summary import Scope
from .routing import page_argument
from .security import private_download
from .services import (
    exports_orders,
    follow_ons,
    jobs,
    need_figures,
    relief_downloads,
    report_documents,
    report_jobs,
    report_tracks,
    round_outcomes,
)
from .services.clock import seoul_today
from .shared_forms import PurchaseReportForm, RegisterForm


def send_pdf(pdf: bytes, filename: str):
    """An attachment with an RFC 6266 file name (filename*=UTF-8'' for Korean names), kept by no cache.

    Its ETag is the PDF's SHA-256: a report served again unchanged (services/served_reports.py) carries the same one."""
    response = private_download(pdf, "application/pdf", filename)
    response.set_etag(sha256_hex(pdf))
    return response


def report_forms(user: User, formdata=None):
    """The two report forms, with the choices this user may pick; both default to this fiscal year."""
    purchase = PurchaseReportForm(formdata=formdata, prefix="purchase")
    register = RegisterForm(formdata=formdata, prefix="register")
    rounds = report_documents.report_rounds()
    purchase.round.choices = choices(
        [("", _("Date range below"))] + [(r.code, f"{r.code} · {localized(r, 'title')}") for r in rounds]
    )
    if user.role == UserRole.MINISTRY:
        institutions = report_documents.report_institutions()
        options = choices((str(i.id), f"{i.code} · {localized(i)}") for i in institutions)
        purchase.institution.choices = choices([("", _("Whole program (all institutions)"))]) + options
        register.institution.choices = options
    else:
        own = choices([(str(user.institution_id), "")])
        purchase.institution.choices = register.institution.choices = own
        purchase.institution.data = register.institution.data = str(user.institution_id)
    return purchase, register


def reports_page(template: str, user: User, status: int = 200, **forms):
    purchase, register = report_forms(user)
    context = {"purchase": forms.get("purchase", purchase), "register": forms.get("register", register)}
    if user.role == UserRole.MINISTRY:
        context["follow_on"] = follow_ons.overview_of_year(request.args.get("follow_on_year"), seoul_today())
        context["round_outcomes"] = round_outcomes.round_outcomes()
        context["track_figures"] = report_tracks.round_track_figures()
        context["need_figures"] = need_figures.figures()
    return render_template(template, **context), status


def _institution_id(user: User, raw: str | None) -> int | None:
    if user.role == UserRole.BUYER:
        return user.institution_id
    return int(raw) if raw else None


def _purchase_form(user: User, args):
    """The purchase report's GET form, read from `args`: a buyer's institution is always their own."""
    purchase, _register = report_forms(user, args)
    if user.role == UserRole.BUYER:
        purchase.institution.data = str(user.institution_id)
    return purchase


def _purchase_scope(user: User, purchase) -> Scope:
    return Scope(
        _institution_id(user, purchase.institution.data),
        purchase.start.data,
        purchase.end.data,
        purchase.round.data or None,
        purchase.language.data,
    )


def purchase_report(template: str, user: User, args):
    """Validate the GET form, build and send the purchase report, or re-render the page with 400."""
    purchase = _purchase_form(user, args)
    if not purchase.validate():
        return reports_page(template, user, 400, purchase=purchase)
    scope = _purchase_scope(user, purchase)
    try:
        if report_jobs.needs_job(scope, current_app.config["REPORTS_JOB_ORDERS"]):
            job = report_jobs.request_purchase_report(user, scope)
            return redirect(url_for(f"{request.blueprint}.report_job", job_id=job.id), 303)
        document = report_documents.purchase_report(user, scope)
    except (DomainError, RenderTimeout) as error:
        attach_error(
            purchase,
            None,
            error
            if isinstance(error, DomainError)
            else _("The report took too long to produce. Choose a shorter period or one institution."),
        )
        return reports_page(template, user, 400, purchase=purchase)
    return send_pdf(document.pdf, document.filename)


def purchase_report_tracks_export(template: str, user: User, args, fmt: str):
    """The purchase report's figures per track as CSV or Excel for the GET form's choices, or the page again
    with 400."""
    purchase = _purchase_form(user, args)
    if not purchase.validate():
        return reports_page(template, user, 400, purchase=purchase)
    try:
        table = exports_orders.purchase_report_tracks_table(_purchase_scope(user, purchase), seoul_today())
    except DomainError as error:
        attach_error(purchase, None, error)
        return reports_page(template, user, 400, purchase=purchase)
    return send_table(table, fmt, seoul_today())


REFRESH_SECONDS = 2


def job_page(user: User, job_id: int):
    """A report job's progress (percent, time since it was asked for), refreshed by the browser every few
    seconds while it waits or runs (a Refresh header: no script needed), then its file's link or its failure."""
    job = jobs.visible_job(user, job_id)
    elapsed = int(((job.finished_at or utcnow()) - job.created_at).total_seconds())
    response = make_response(
        render_template(
            "reports/job.html",
            job=job,
            minutes=elapsed // 60,
            seconds=elapsed % 60,
            file_url=url_for(f"{request.blueprint}.report_job_file", job_id=job.id),
        )
    )
    if job.state in jobs.UNFINISHED:
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response


def job_file(user: User, job_id: int):
    """The finished job's PDF, for whoever asked for it and for staff; 404 for anyone else."""
    filename, pdf = jobs.result_of(user, job_id)
    return send_pdf(pdf, filename)


def _register_form(user: User, args):
    """The register's GET form, read from `args`: a buyer's institution is always their own."""
    _purchase, register = report_forms(user, args)
    if user.role == UserRole.BUYER:
        register.institution.data = str(user.institution_id)
    return register


def relief_register(template: str, user: User, args):
    register = _register_form(user, args)
    if not register.validate():
        return reports_page(template, user, 400, register=register)
    try:
        document = report_documents.relief_register(
            user,
            _institution_id(user, register.institution.data),
            register.start.data,
            register.end.data,
            register.language.data,
        )
    except (DomainError, RenderTimeout) as error:
        attach_error(
            register,
            None,
            error
            if isinstance(error, DomainError)
            else _("The report took too long to produce. Choose a shorter period."),
        )
        return reports_page(template, user, 400, register=register)
    return send_pdf(document.pdf, document.filename)


def relief_register_export(template: str, user: User, args, fmt: str):
    """The register's lines as CSV or Excel for the GET form's choices, or the page again with 400."""
    register = _register_form(user, args)
    if not register.validate():
        return reports_page(template, user, 400, register=register)
    try:
        table = exports_orders.relief_register_table(
            _institution_id(user, register.institution.data), register.start.data, register.end.data
        )
    except DomainError as error:
        attach_error(register, None, error)
        return reports_page(template, user, 400, register=register)
    return send_table(table, fmt, seoul_today())


def certificate_pdf(user: User, order_id: int, args, issue_form=None):
    """The order's issued certificate (its latest version, or ?version=N) in the language it was issued in,
    or ?language=ko|en (every version since certificates come in both is stored in both); never issues one.

    Without a certificate: a 404 page saying so, with `issue_form` (the buyer's button) when one may be
    issued now.
    """
    raw = args.get("version")
    try:
        version = page_argument(raw) if raw is not None else None
    except ValueError:
        raise NotFound(N_("There is no such version of this certificate.")) from None
    language = args.get("language")
    if language is not None and language not in current_app.config["LANGUAGES"]:
        raise NotFound(N_("This certificate was not issued in that language."))
    found = relief_downloads.certificate_file(user, order_id, version, language)
    if found is None:
        order, relief = relief_downloads.order_relief(user, order_id)
        can_issue = issue_form is not None and relief.can_issue and version is None
        return rerender(
            "reports/certificate_missing.html",
            404,
            message=_("No audit-relief certificate has been issued for this order yet."),
            order=order,
            form=issue_form() if can_issue else None,
        )
    certificate, pdf = found
    return send_pdf(pdf, f"{certificate.serial}_{language}.pdf" if language else f"{certificate.serial}.pdf")
