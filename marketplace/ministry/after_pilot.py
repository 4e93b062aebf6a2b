"""Ministry pages after the pilot: every corrective action and the decision on its plan, every follow-on purchase."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..after_pilot_forms import CorrectiveDecisionForm
from ..domain import corrective_actions as rules
from ..domain.errors import DomainError, NotFound
from ..domain.reference import CONTRACT_METHODS, CORRECTIVE_STATES
from ..domain.states import CorrectiveActionState
from ..forms import attach_error, rerender
from ..i18n import label
from ..routing import page_request
from ..services import corrective_actions
from ..services import follow_ons as follow_on_service
from .views import bp


@bp.get("/corrective-actions", endpoint="corrective_actions")
def corrective_actions_list():
    """Every corrective action, newest first, optionally of one state."""
    state = request.args.get("status") or None
    return render_template(
        "ministry/corrective_actions.html",
        actions=corrective_actions.all_actions(state, **page_request()),
        state=state,
        states=tuple(CorrectiveActionState),
    )


def _detail(action_id: int, form: CorrectiveDecisionForm | None = None, status: int = 200):
    action = corrective_actions.action_for_staff(action_id)
    decisions = [d for d in rules.STAFF_DECISIONS if rules.may(d, action.state)]
    return rerender(
        "ministry/corrective_action.html",
        status,
        action=action,
        form=form or CorrectiveDecisionForm(formdata=None),
        decisions=decisions,
    )


@bp.get("/corrective-actions/<int:action_id>")
def corrective_action(action_id: int):
    """One corrective action, its plan, and the decision form while one can be taken."""
    return _detail(action_id)


@bp.post("/corrective-actions/<int:action_id>/decide")
def decide_corrective_action(action_id: int):
    """Accept or reject the supplier's plan, or close the corrective action."""
    form = CorrectiveDecisionForm()
    if not form.validate_on_submit():
        return _detail(action_id, form, 400)
    try:
        action = corrective_actions.decide(current_user, action_id, form.decision.data, form.reason.data or "")
    except NotFound:
        raise
    except DomainError as error:
        attach_error(form, None, error)
        return _detail(action_id, form, 400)
    flash(_("The decision was recorded: %(state)s.", state=label(CORRECTIVE_STATES, action.state)), "success")
    return redirect(url_for("ministry.corrective_action", action_id=action_id))


@bp.get("/follow-on-purchases", endpoint="follow_ons")
def follow_ons_list():
    """Every follow-on purchase of a pilot product, by any institution."""
    page = follow_on_service.all_follow_ons(**page_request())
    return render_template("ministry/follow_ons.html", purchases=page, contract_methods=CONTRACT_METHODS)
