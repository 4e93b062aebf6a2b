"""A supplier proposes a certified product against an institution's need, and withdraws it before the deadline."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.errors import DomainError, NotFound
from ..forms import attach_error, choices, filled, rerender
from ..need_forms import ButtonForm, ProposalForm
from ..services import needs
from .views import bp


def _context(need_id: int, form: ProposalForm) -> dict:
    """The page's values; the form's product choices are the company's products it may propose."""
    view = needs.get_need(need_id)
    products = needs.proposable_products(current_user, view.need)
    form.product_id.choices = choices([(p.id, f"{p.name_ko} ({p.model})" if p.model else p.name_ko) for p in products])
    return {
        "need": view.need,
        "status": view.status,
        "form": form,
        "products": products,
        "mine": needs.company_proposals(current_user.company_id, need_id),
        "withdraw_form": ButtonForm(),
    }


@bp.route("/needs/<int:need_id>/propose", methods=["GET", "POST"])
def propose(need_id: int):
    """Propose one of the company's certified products in the need's category, with a short note."""
    form = ProposalForm()
    context = _context(need_id, form)
    if not form.validate_on_submit():
        return render_template("needs/propose.html", **context), 400 if form.is_submitted() else 200
    try:
        needs.propose(current_user, need_id, filled(form.product_id.data), filled(form.note.data))
    except NotFound:
        raise
    except DomainError as error:
        attach_error(form, None, error)
        return render_template("needs/propose.html", **context), 400
    flash(_("Your proposal was sent to the institution."), "success")
    return redirect(url_for("supplier.propose", need_id=need_id))


@bp.post("/proposals/<int:proposal_id>/withdraw")
def withdraw_proposal(proposal_id: int):
    """Withdraw one of the company's proposals before the need's deadline (another company's: 404)."""
    form = ButtonForm()
    if not form.validate_on_submit():
        return rerender("needs/refused.html", form=form)
    try:
        proposal = needs.withdraw_proposal(current_user, proposal_id)
    except NotFound:
        raise
    except DomainError as error:
        attach_error(form, None, error)
        return rerender("needs/refused.html", form=form)
    flash(_("Your proposal was withdrawn."), "success")
    return redirect(url_for("supplier.propose", need_id=proposal.need_id))
