"""The buyer's needs: post one, read its proposals, send the shortlist with reasons, withdraw it."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.clock import seoul_instant
from ..domain.errors import DomainError, NotFound
from ..domain.needs import Decision, NeedInput
from ..domain.reference import CATEGORIES
from ..domain.states import NeedStatus, ProposalStatus
from ..forms import attach_error, choices, filled, labelled, rerender
from ..i18n import domain_message
from ..need_forms import ButtonForm, NeedForm, ReasonForm
from ..routing import page_request
from ..services import need_selection, needs, orders
from .views import bp


@bp.get("/needs")
def needs_list():
    """The institution's needs, newest first."""
    page = needs.institution_needs(current_user.institution_id, **page_request())
    return render_template("needs/buyer_list.html", needs=page, status_of=needs.status_of)


@bp.route("/needs/new", methods=["GET", "POST"])
def new_need():
    """Post a need: the problem, quantity, budget, proposal deadline and product category."""
    form = NeedForm()
    form.category.choices = choices([("", _("Choose..."))] + labelled(CATEGORIES))
    if not form.validate_on_submit():
        return rerender("needs/new.html", 400 if form.is_submitted() else 200, form=form, quota_left=_quota_left())
    data = NeedInput(
        title=filled(form.title.data),
        problem=filled(form.problem.data),
        quantity=filled(form.quantity.data),
        budget_krw=form.budget.krw,
        category=filled(form.category.data),
        deadline_at=seoul_instant(filled(form.deadline_on.data), filled(form.deadline_time.data)),
    )
    try:
        need = needs.post_need(current_user, data)
    except NotFound:
        raise
    except DomainError as error:
        attach_error(form, None, error)
        return rerender("needs/new.html", form=form, quota_left=_quota_left())
    flash(
        _("Need %(number)s posted. Suppliers can propose products until its deadline.", number=need.number), "success"
    )
    return redirect(url_for("buyer.need", need_id=need.id))


def _quota_left() -> int:
    """The institution's remaining quota: a need's selection is bought against it like any other."""
    return orders.institution_quota_left(current_user.institution_id)


def need_page(need_id: int, status: int = 200, errors: dict | None = None, **forms):
    """The need's page for its institution: proposals, the shortlist form after the deadline."""
    need = needs.need_for_buyer(current_user, need_id)
    context = {
        "need": need,
        "status": needs.status_of(need),
        "proposals": needs.proposals_of(need.id),
        "errors": errors or {},
        "quota_left": _quota_left(),
        "shortlist_form": forms.get("shortlist_form") or ButtonForm(),
        "withdraw_form": forms.get("withdraw_form") or ReasonForm(),
    }
    return render_template("needs/buyer_need.html", **context), status


@bp.get("/needs/<int:need_id>")
def need(need_id: int):
    """One of the institution's needs, with its proposals."""
    return need_page(need_id)


def _decisions(proposal_ids: list[int]) -> list[Decision]:
    """The posted decisions: decision-<id> is 'yes' or 'no', reason-<id> its reason (checked by the service)."""
    made = []
    for proposal_id in proposal_ids:
        choice = request.form.get(f"decision-{proposal_id}", "")
        if choice in ("yes", "no"):
            made.append(Decision(proposal_id, choice == "yes", request.form.get(f"reason-{proposal_id}", "")))
    return made


@bp.post("/needs/<int:need_id>/shortlist")
def send_shortlist(need_id: int):
    """Decide each proposal, shortlisted or not, with a reason, and send the shortlist to the ministry."""
    need = needs.need_for_buyer(current_user, need_id)
    form = ButtonForm()
    submitted = [p.id for p in needs.proposals_of(need.id) if p.status == ProposalStatus.SUBMITTED]
    if not form.validate_on_submit():
        return need_page(need_id, 400, shortlist_form=form)
    try:
        sent = need_selection.send_shortlist(current_user, need_id, _decisions(submitted))
    except NotFound:
        raise
    except DomainError as error:
        attach_error(form, None, error)
        missing = {p: domain_message(error) for p in submitted if not request.form.get(f"reason-{p}", "").strip()}
        return need_page(need_id, 400, missing, shortlist_form=form)
    if sent.status == NeedStatus.EVALUATING:
        flash(_("The shortlist was sent to the ministry for the committee's evaluation."), "success")
    else:
        flash(_("No proposal was shortlisted: the need is closed without a selection."), "success")
    return redirect(url_for("buyer.need", need_id=need_id))


@bp.post("/needs/<int:need_id>/withdraw")
def withdraw_need(need_id: int):
    """Withdraw the need, with a reason, before its shortlist is sent."""
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            needs.withdraw_need(current_user, need_id, filled(form.reason.data))
        except NotFound:
            raise
        except DomainError as error:
            attach_error(form, "reason", error)
        else:
            flash(_("The need was withdrawn."), "success")
            return redirect(url_for("buyer.need", need_id=need_id))
    return need_page(need_id, 400, withdraw_form=form)
