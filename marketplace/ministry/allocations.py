"""Ministry pages that change a published round's allocations: move one, refill a withdrawn one."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.errors import DomainError, NotFound
from ..forms import attach_error, choices, filled, rerender
from ..i18n import domain_message, krw, localized
from ..services import allocations as service
from .round_forms import MoveAllocationForm, RefillAllocationForm
from .views import bp


def _done(allocation, message: str):
    flash(message, "success")
    return redirect(url_for("ministry.round", round_code=allocation.round.code))


@bp.route("/allocations/<int:allocation_id>/move", methods=["GET", "POST"])
def move_allocation(allocation_id: int):
    """Move an allocation on which no order rests to another institution of its round, with a reason."""
    allocation = service.get_allocation(allocation_id)
    targets = service.move_targets(allocation)
    form = MoveAllocationForm()
    form.institution_id.choices = choices(
        (
            t.institution.id,
            _(
                "%(code)s %(name)s (round budget left: %(left)s)",
                code=t.institution.code,
                name=localized(t.institution),
                left=krw(t.budget_left_krw),
            ),
        )
        for t in targets
    )
    page: dict[str, Any] = {"form": form, "allocation": allocation, "targets": targets}
    if not form.validate_on_submit():
        return rerender("ministry/rounds/move_allocation.html", 400 if form.is_submitted() else 200, **page)
    try:
        moved = service.move(current_user, allocation_id, form.institution_id.data, filled(form.reason.data))
    except NotFound:
        raise
    except DomainError as error:
        attach_error(form, None, error)
        return rerender("ministry/rounds/move_allocation.html", **page)
    return _done(
        allocation, _("The allocation was moved to %(institution)s.", institution=localized(moved.institution))
    )


@bp.route("/allocations/<int:allocation_id>/refill", methods=["GET", "POST"])
def refill_allocation(allocation_id: int):
    """Give a withdrawn allocation's budget to the first waitlisted application that fits, with a reason."""
    allocation = service.get_allocation(allocation_id)
    refusal, candidate, institution = service.refill_preview(allocation)
    form = RefillAllocationForm()
    page: dict[str, Any] = {
        "form": form,
        "allocation": allocation,
        "candidate": candidate,
        "institution": institution,
        "refusal": domain_message(refusal) if refusal else None,
    }
    if not form.validate_on_submit():
        return rerender("ministry/rounds/refill_allocation.html", 400 if form.is_submitted() else 200, **page)
    try:
        new = service.refill(current_user, allocation_id, filled(form.reason.data))
    except NotFound:
        raise
    except DomainError as error:
        attach_error(form, None, error)
        return rerender("ministry/rounds/refill_allocation.html", **page)
    return _done(
        allocation,
        _(
            "Application %(receipt)s takes the budget at %(institution)s.",
            receipt=new.application.receipt_no,
            institution=localized(new.institution),
        ),
    )
