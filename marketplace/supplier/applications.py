"""Supplier pages for rounds: apply, edit, withdraw, and each application's outcome and why."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain import rounds as rules
from ..domain.errors import N_, DomainError
from ..domain.states import ApplicationStatus, TrackKind
from ..domain.tracks import TRACK_LABELS
from ..forms import attach_error, choices, filled, rerender
from ..i18n import localized
from ..routing import page_request
from ..services import applications as service
from ..services import corrective_actions, objections, round_lists
from ..services import rounds as round_service
from ..services import tracks as track_service
from .application_forms import ApplicationForm, EditApplicationForm, WithdrawForm
from .views import bp


@bp.get("/applications")
def applications():
    """The company's applications and the rounds open for applications now."""
    round_service.close_due_rounds()
    return render_template(
        "supplier/applications/list.html",
        applications=round_lists.company_applications(current_user, **page_request()),
        open_rounds=round_lists.open_rounds(),
        blocked=corrective_actions.blocking_numbers(current_user.company_id),
    )


def _round(code: str):
    round_ = round_service.get_round(code)
    round_service.close_if_due(round_)
    return round_


def _choices(form, round_, products=None):
    if products is not None and hasattr(form, "product_id") and form.product_id is not None:
        form.product_id.choices = choices((p.id, f"{localized(p)} ({p.model})") for p in products)
    form.preferred.choices = choices((b.institution.code, localized(b.institution)) for b in round_.budgets)


CANNOT_WIN = N_(
    "Saved, but this application cannot be selected: its amount is more than any institution it can go "
    "to puts into the round. Lower the amount or choose other institutions to have a chance."
)


def _reach(round_, amount: int | None, codes) -> dict | None:
    """What the page warns about when `amount` is more than every candidate institution's round budget."""
    budgets = {b.institution.code: b.budget_krw for b in round_.budgets}
    largest = rules.largest_candidate_budget(codes or (), budgets)
    if amount is None or amount <= largest:
        return None
    return {"amount": amount, "largest": largest, "preferred": any(code in budgets for code in codes or ())}


def _form_reach(form, round_) -> dict | None:
    return _reach(round_, getattr(form.amount, "krw", None), form.preferred.data)


def _saved(application, message: str):
    """Flash the success (and the warning when it cannot be selected); show the application."""
    flash(message, "success")
    if _reach(application.round, application.amount_krw, [i.code for i in application.preferred]):
        flash(_(CANNOT_WIN), "warning")
    return redirect(url_for("supplier.application", application_id=application.id))


def _input(form) -> service.ApplicationInput:
    track = getattr(form, "track", None)
    kind = (track.data or "") if track is not None else ""
    return service.ApplicationInput(form.amount.krw, list(form.preferred.data or []), form.statement.data or "", kind)


def _track_page(form, round_) -> dict:
    """The round's tracks with whether the company qualifies and why; the track choices on the form."""
    company = current_user.company
    found = track_service.qualifications(company, round_)
    form.track.choices = choices(
        [("", _("Choose a track"))] + [(t.kind, _(TRACK_LABELS[TrackKind(t.kind)])) for t, _q in found]
    )
    if len(found) == 1 and not form.is_submitted():  # a batch's only track (the small-value track) is the choice
        form.track.data = found[0][0].kind
    return {"tracks": found}


@bp.route("/rounds/<round_code>/apply", methods=["GET", "POST"])
def apply(round_code):
    """Apply to an open round with one of the company's certified, listed products."""
    round_ = _round(round_code)
    form = ApplicationForm()
    _choices(form, round_, service.eligible_products(current_user, round_))
    tracks = _track_page(form, round_)
    try:
        service.require_window_open(round_)
        corrective_actions.require_not_blocked(current_user.company_id)
    except (rules.WindowClosedError, corrective_actions.ApplicationBlocked) as error:
        attach_error(form, None, error)
        return rerender(
            "supplier/applications/apply.html",
            400 if form.is_submitted() else 200,
            form=form,
            round=round_,
            closed=True,
            **tracks,
        )
    valid = form.validate_on_submit()
    page = {"form": form, "round": round_, "reach": _form_reach(form, round_), **tracks}
    if not valid:
        return rerender("supplier/applications/apply.html", 400 if form.is_submitted() else 200, **page)
    try:
        application = service.apply(current_user, round_code, form.product_id.data, _input(form))
    except DomainError as error:
        attach_error(form, None, error)
        return rerender("supplier/applications/apply.html", **page)
    return _saved(
        application, _("Application received. Your receipt number is %(receipt)s.", receipt=application.receipt_no)
    )


def _own(application_id: int):
    application = service.own_application(current_user, application_id)
    round_service.close_if_due(application.round)
    return application


@bp.get("/applications/<int:application_id>")
def application(application_id):
    """One application: receipt, what was asked, and the outcome with its reasons."""
    application = _own(application_id)
    undecided = (
        application.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBLE)
        and application.round.draw is None
    )
    return render_template(
        "supplier/applications/detail.html",
        application=application,
        allocation=service.allocation_of(application),
        may_withdraw=rules.may_withdraw(application.status, application.round.status),
        may_object=objections.may_object(application),
        objection=objections.objection_of(application.id),
        reach=_reach(application.round, application.amount_krw, [i.code for i in application.preferred])
        if undecided
        else None,
    )


@bp.route("/applications/<int:application_id>/edit", methods=["GET", "POST"])
def edit_application(application_id):
    """Change amount, preferred institutions or statement while the window is open."""
    application = _own(application_id)
    form = EditApplicationForm()
    _choices(form, application.round)
    try:
        service.require_editable(application)
    except DomainError as error:
        attach_error(form, None, error)
        return rerender(
            "supplier/applications/edit.html",
            400 if form.is_submitted() else 200,
            form=form,
            application=application,
            closed=True,
        )
    if not form.is_submitted():
        form.amount.data = f"{application.amount_krw:,}"
        form.preferred.data = [i.code for i in application.preferred]
        form.statement.data = application.statement
    if not form.is_submitted():
        form.amount.krw = application.amount_krw
    page = {"form": form, "application": application}
    if not form.validate_on_submit():
        page["reach"] = _form_reach(form, application.round)
        return rerender("supplier/applications/edit.html", 400 if form.is_submitted() else 200, **page)
    try:
        service.edit(current_user, application_id, _input(form))
    except DomainError as error:
        attach_error(form, None, error)
        return rerender("supplier/applications/edit.html", reach=_form_reach(form, application.round), **page)
    return _saved(application, _("Your application was updated."))


@bp.route("/applications/<int:application_id>/withdraw", methods=["GET", "POST"])
def withdraw_application(application_id):
    """Confirm a withdrawal with a reason; after a published draw a selected one passes its budget on."""
    application = _own(application_id)
    if not rules.may_withdraw(application.status, application.round.status):
        flash(_("This application cannot be withdrawn now."), "error")
        return redirect(url_for("supplier.application", application_id=application_id))
    form = WithdrawForm()
    page = {"application": application, "form": form, "allocation": service.allocation_of(application)}
    if not form.validate_on_submit():
        return rerender("supplier/applications/withdraw.html", 400 if form.is_submitted() else 200, **page)
    try:
        service.withdraw(current_user, application_id, filled(form.reason.data))
    except DomainError as error:
        attach_error(form, "reason", error)
        return rerender("supplier/applications/withdraw.html", **page)
    flash(_("Your application was withdrawn."), "success")
    return redirect(url_for("supplier.application", application_id=application_id))
