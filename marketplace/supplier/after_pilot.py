"""The supplier after the pilot: follow-on purchases of its products, and its corrective actions."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..after_pilot_forms import PlanForm
from ..domain import corrective_actions as rules
from ..domain.errors import DomainError, NotFound
from ..domain.reference import CONTRACT_METHODS
from ..forms import attach_error, filled, rerender
from ..routing import page_request
from ..services import corrective_actions
from ..services import follow_ons as follow_on_service
from .views import bp


@bp.get("/follow-on-purchases")
def follow_ons():
    """Follow-on purchases of the company's products by institutions, after their pilot orders."""
    page = follow_on_service.company_follow_ons(current_user.company_id, **page_request())
    return render_template("supplier/follow_ons.html", purchases=page, contract_methods=CONTRACT_METHODS)


@bp.get("/corrective-actions", endpoint="corrective_actions")
def corrective_actions_list():
    """The company's corrective actions; an unresolved one blocks new applications."""
    page = corrective_actions.company_actions(current_user.company_id, **page_request())
    blocking = corrective_actions.blocking_numbers(current_user.company_id)
    return render_template("supplier/corrective_actions.html", actions=page, blocking=blocking)


@bp.route("/corrective-actions/<int:action_id>", methods=["GET", "POST"])
def corrective_action(action_id: int):
    """One corrective action: what opened it, the decision so far, and the plan form when one is due."""
    action = corrective_actions.action_for_company(current_user, action_id)
    form = PlanForm()
    page: dict[str, Any] = {"action": action, "form": form, "may_submit": rules.may("submit_plan", action.state)}
    if not form.validate_on_submit():
        return rerender("supplier/corrective_action.html", 400 if form.is_submitted() else 200, **page)
    try:
        corrective_actions.submit_plan(current_user, action_id, form.plan.data or "", filled(form.due_on.data))
    except NotFound:
        raise
    except DomainError as error:
        attach_error(form, None, error)
        return rerender("supplier/corrective_action.html", **page)
    flash(_("Corrective plan submitted. The ministry will accept or reject it."), "success")
    return redirect(url_for("supplier.corrective_action", action_id=action_id))
