"""Ministry pages for institutions, their MOUs and amendments, buyer invitations and join requests.

Routes are added to the ministry blueprint of ministry/views.py.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.errors import DomainError, NotFound
from ..domain.quota import ENTRY_LABELS, SYSTEM_REASONS
from ..domain.reference import INSTITUTION_KIND_LABELS, REGIONS
from ..domain.states import InstitutionStatus
from ..forms import attach_error, filled, rerender
from ..routing import page_argument, page_request
from ..services import institutions as service
from ..services import orders, quota, relief_downloads
from ..services.institutions import InstitutionData
from ..services.quota import MouTerms
from ..shared_forms import InstitutionForm
from .institution_forms import AmendmentForm, ApproveJoinForm, DeclineJoinForm, InviteBuyerForm, MouForm
from .views import bp

VOCABULARIES = {"kinds": INSTITUTION_KIND_LABELS, "regions": REGIONS}


def _data(form) -> InstitutionData:
    return InstitutionData(
        form.code.data or "",
        form.name_ko.data or "",
        form.name_en.data or "",
        form.kind.data,
        form.region.data,
    )


@bp.get("/institutions")
def institutions():
    """Every institution with its MOUs and buyers; join requests first."""
    return render_template(
        "ministry/institutions.html",
        institutions=service.institutions_page(None, **page_request()),
        pending=service.pending_count(),
        **VOCABULARIES,
    )


@bp.route("/institutions/new", methods=["GET", "POST"])
def new_institution():
    """Add an institution."""
    form = InstitutionForm()
    if not form.validate_on_submit():
        return rerender("ministry/institution_form.html", 400 if form.is_submitted() else 200, form=form)
    try:
        institution = service.create_institution(current_user, _data(form))
    except DomainError as error:
        attach_error(form, None, error)
        return rerender("ministry/institution_form.html", form=form)
    flash(_("Institution %(code)s added.", code=institution.code), "success")
    return redirect(url_for("ministry.institution", institution_id=institution.id))


@bp.route("/institutions/<int:institution_id>/edit", methods=["GET", "POST"])
def edit_institution(institution_id: int):
    """Change an institution's names, type, code or region."""
    institution = service.get_institution(institution_id)
    form = InstitutionForm(obj=institution)
    if not form.validate_on_submit():
        return rerender(
            "ministry/institution_form.html",
            400 if form.is_submitted() else 200,
            form=form,
            institution=institution,
        )
    try:
        service.update_institution(current_user, institution_id, _data(form))
    except DomainError as error:
        attach_error(form, None, error)
        return rerender("ministry/institution_form.html", form=form, institution=institution)
    flash(_("Institution updated."), "success")
    return redirect(url_for("ministry.institution", institution_id=institution_id))


def _dev_link(token: str | None) -> str | None:
    """The invitation's link for staff to see only when no mail server is set: the mail is not really sent."""
    if not token or current_app.config["MAIL_URL"]:
        return None
    return url_for("auth.set_password", token=token, _external=True)


def _detail(institution_id: int, status: int = 200, **extra):
    institution = service.get_institution(institution_id)
    extra.setdefault("invite_form", InviteBuyerForm(formdata=None))
    page = orders.institution_orders_page(institution_id, None, **page_request())
    return rerender(
        "ministry/institution.html",
        status,
        institution=institution,
        figures=quota.figures_for(list(institution.mous)),
        orders=page,
        certified=relief_downloads.certified_languages([o.id for o in page.items]),
        **VOCABULARIES,
        **extra,
    )


@bp.get("/institutions/<int:institution_id>")
def institution(institution_id: int):
    """An institution: facts, MOUs with quota figures, buyers, recent orders."""
    return _detail(institution_id)


@bp.post("/institutions/<int:institution_id>/invite")
def invite_buyer(institution_id: int):
    """Invite a buyer: the set-password link is mailed (and shown here only while mail is kept for development)."""
    form = InviteBuyerForm()
    if not form.validate_on_submit():
        return _detail(institution_id, 400, invite_form=form)
    try:
        user, token = service.invite_buyer(
            current_user, institution_id, filled(form.email.data), filled(form.name.data)
        )
    except NotFound:
        raise
    except DomainError as error:
        attach_error(form, None, error)
        return _detail(institution_id, 400, invite_form=form)
    return _detail(institution_id, 200, invite_form=InviteBuyerForm(formdata=None), invited=user, link=_dev_link(token))


@bp.route("/institutions/<int:institution_id>/mous/new", methods=["GET", "POST"])
def new_mou(institution_id: int):
    """Record a signed MOU; its committed amount becomes the first ledger entry."""
    institution = service.get_institution(institution_id)
    form = MouForm()
    if not form.validate_on_submit():
        return rerender(
            "ministry/mou_form.html", 400 if form.is_submitted() else 200, form=form, institution=institution
        )
    terms = MouTerms(
        filled(form.number.data),
        filled(form.signed_on.data),
        filled(form.starts_on.data),
        filled(form.ends_on.data),
        form.committed.krw,
    )
    try:
        mou = quota.create_mou(current_user, institution, terms)
    except DomainError as error:
        attach_error(form, None, error)
        return rerender("ministry/mou_form.html", form=form, institution=institution)
    flash(_("MOU %(number)s recorded.", number=mou.number), "success")
    return redirect(url_for("ministry.mou", mou_id=mou.id))


def _mou_page(mou_id: int, status: int = 200, form=None):
    mou = quota.get_mou(mou_id)
    return rerender(
        "ministry/mou.html",
        status,
        mou=mou,
        entries=quota.ledger_page(mou.id, **page_request()),
        fig=quota.figures_for([mou])[0],
        entry_kinds=ENTRY_LABELS,
        system_reasons=SYSTEM_REASONS,
        form=form or AmendmentForm(formdata=None),
    )


@bp.get("/mous/<int:mou_id>")
def mou(mou_id: int):
    """An MOU's figures, chart, ledger and the amendment form."""
    return _mou_page(mou_id)


@bp.post("/mous/<int:mou_id>/amend")
def amend_mou(mou_id: int):
    """Increase or decrease the committed amount with a reason."""
    form = AmendmentForm()
    if not form.validate_on_submit():
        return _mou_page(mou_id, 400, form)
    try:
        quota.amend_mou(current_user, mou_id, form.delta.krw, filled(form.reason.data))
    except NotFound:
        raise
    except DomainError as error:
        attach_error(form, "delta", error)
        return _mou_page(mou_id, 400, form)
    flash(_("Amendment recorded."), "success")
    return redirect(url_for("ministry.mou", mou_id=mou_id))


@bp.get("/join-requests")
def join_requests():
    """Institutions that asked to join and wait for a decision."""
    return render_template(
        "ministry/join_requests.html",
        requests=service.institutions_page(InstitutionStatus.PENDING, **page_request()),
        approve_form=ApproveJoinForm(formdata=None),
        decline_form=DeclineJoinForm(formdata=None),
        **VOCABULARIES,
    )


def _join_page(status: int, **forms):
    forms.setdefault("approve_form", ApproveJoinForm(formdata=None))
    forms.setdefault("decline_form", DeclineJoinForm(formdata=None))
    return rerender(
        "ministry/join_requests.html",
        status,
        requests=service.institutions_page(InstitutionStatus.PENDING, **page_request()),
        **VOCABULARIES,
        **forms,
    )


@bp.post("/join-requests/<int:institution_id>/approve")
def approve_join(institution_id: int):
    """Approve a join request under the institution's code; the contact's link is shown once."""
    form = ApproveJoinForm()
    if not form.validate_on_submit():
        return _join_page(400, approve_form=form)
    try:
        institution, contact, token = service.approve_join(current_user, institution_id, filled(form.code.data))
    except NotFound:
        raise
    except DomainError as error:
        attach_error(form, None, error)
        return _join_page(400, approve_form=form)
    return _detail(institution.id, 200, invited=contact, link=_dev_link(token))


@bp.post("/join-requests/<int:institution_id>/decline")
def decline_join(institution_id: int):
    """Decline a join request with a reason."""
    form = DeclineJoinForm()
    if not form.validate_on_submit():
        return _join_page(400, decline_form=form)
    try:
        service.decline_join(current_user, institution_id, filled(form.reason.data))
    except NotFound:
        raise
    except DomainError as error:
        attach_error(form, None, error)
        return _join_page(400, decline_form=form)
    flash(_("The request was declined."), "success")
    return redirect(url_for("ministry.join_requests", page=request.values.get("page", type=page_argument)))
