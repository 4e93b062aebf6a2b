"""View helpers shared by the buyer and ministry report pages: fill the forms, send a PDF, the certificate."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..domain.errors import DomainError, NotFound
from ..domain.states import RoundStatus, UserRole
from ..extensions import db
from ..forms import attach_error, choices, rerender
from ..i18n import current_language, domain_message, localized
from ..models import Institution, Round, User
from ..routing import page_argument
from ..security import private_download
from ..services import relief_certificates
from ..services.relief_certificates import CertificateNotFound
from . import documents
from .data import Scope, sha256_hex
from .forms import IssueCertificateForm, PurchaseReportForm, RegisterForm
from .render import RenderTimeout


def send_pdf(pdf: bytes, filename: str):
    """An attachment with an RFC 6266 file name (filename*=UTF-8'' for Korean names), kept by no cache.

    Its ETag is the PDF's SHA-256: a report served again unchanged (reports/served.py) carries the same one."""
    response = private_download(pdf, "application/pdf", filename)
    response.set_etag(sha256_hex(pdf))
    return response


def report_forms(user: User, formdata=None):
    """The two report forms, with the choices this user may pick; both default to this fiscal year."""
    purchase = PurchaseReportForm(formdata=formdata, prefix="purchase")
    register = RegisterForm(formdata=formdata, prefix="register")
    rounds = db.session.execute(
        select(Round.code, Round.title_ko, Round.title_en)
        .where(Round.status == RoundStatus.PUBLISHED)
        .order_by(Round.opens_at.desc())
    ).all()
    purchase.round.choices = choices(
        [("", _("Date range below"))] + [(r.code, f"{r.code} · {localized(r, 'title')}") for r in rounds]
    )
    if user.role == UserRole.MINISTRY:
        institutions = db.session.execute(
            select(Institution.id, Institution.code, Institution.name_ko, Institution.name_en).order_by(
                Institution.code
            )
        ).all()
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
    return render_template(template, **context), status


def _institution_id(user: User, raw: str | None) -> int | None:
    if user.role == UserRole.BUYER:
        return user.institution_id
    return int(raw) if raw else None


def purchase_report(template: str, user: User, args):
    """Validate the GET form, build and send the purchase report, or re-render the page with 400."""
    purchase, _register = report_forms(user, args)
    if user.role == UserRole.BUYER:
        purchase.institution.data = str(user.institution_id)
    if not purchase.validate():
        return reports_page(template, user, 400, purchase=purchase)
    scope = Scope(
        _institution_id(user, purchase.institution.data),
        purchase.start.data,
        purchase.end.data,
        purchase.round.data or None,
        purchase.language.data,
    )
    try:
        document = documents.purchase_report(user, scope)
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


def relief_register(template: str, user: User, args):
    _purchase, register = report_forms(user, args)
    if user.role == UserRole.BUYER:
        register.institution.data = str(user.institution_id)
    if not register.validate():
        return reports_page(template, user, 400, register=register)
    try:
        document = documents.relief_register(
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


def certificate_pdf(user: User, order_id: int, args):
    """The order's issued certificate (its latest version, or ?version=N); never issues one.

    Without a certificate: a 404 page saying so, with the issue button for the order's buyers.
    """
    raw = args.get("version")
    try:
        version = page_argument(raw) if raw is not None else None
    except ValueError:
        abort(404)
    try:
        certificate, pdf = relief_certificates.certificate_file(user, order_id, version)
    except CertificateNotFound as error:
        order, relief = relief_certificates.order_relief(user, order_id)
        can_issue = user.role == UserRole.BUYER and relief.can_issue and version is None
        return rerender(
            "reports/certificate_missing.html",
            404,
            message=domain_message(error),
            order=order,
            form=IssueCertificateForm() if can_issue else None,
        )
    return send_pdf(pdf, f"{certificate.serial}.pdf")


def issue_certificate(user: User, order_id: int):
    """The buyer's button: issue the certificate (or a new version), then back to the order page."""
    form = IssueCertificateForm()
    if not form.validate_on_submit():
        return _certificate_refused(order_id, _("The form expired. Reload the page and try again."))
    try:
        certificate = relief_certificates.issue(user, order_id, current_language())
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
