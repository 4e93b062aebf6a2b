"""The buyer's follow-on purchases: buying a pilot product again outside the quota, and the list of them."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.errors import DomainError, NotFound
from ..domain.reference import CONTRACT_METHODS
from ..forms import attach_error, choices, filled, rerender
from ..routing import page_request
from ..services import follow_ons, orders
from ..services.clock import seoul_today
from .forms import CancelFollowOnForm, FollowOnForm
from .views import bp, order_page


@bp.route("/orders/<int:order_id>/follow-on", methods=["GET", "POST"])
def record_follow_on(order_id: int):
    """Record a follow-on purchase of a completed pilot order's product; the quota is not charged."""
    order = orders.order_for_buyer(current_user, order_id)
    form = FollowOnForm()
    form.contract_method.choices = choices([("", _("Choose..."))] + [(k, _(v)) for k, v in CONTRACT_METHODS.items()])
    if not form.is_submitted():
        form.contracted_on.data = seoul_today()
    if not form.validate_on_submit():
        return rerender("buyer/follow_on.html", 400 if form.is_submitted() else 200, form=form, order=order)
    data = follow_ons.FollowOnInput(
        contracted_on=filled(form.contracted_on.data),
        quantity=form.quantity.number,
        amount_krw=form.amount.krw,
        contract_method=form.contract_method.data,
        reference=form.reference.data or "",
    )
    try:
        follow_ons.record_follow_on(current_user, order_id, data)
    except NotFound:
        raise
    except DomainError as error:
        attach_error(form, None, error)
        return rerender("buyer/follow_on.html", form=form, order=order)
    flash(_("Follow-on purchase recorded. The quota was not charged."), "success")
    return redirect(url_for("buyer.order_detail", order_id=order_id))


@bp.post("/follow-on-purchases/<int:follow_on_id>/cancel")
def cancel_follow_on(follow_on_id: int):
    """Cancel a follow-on purchase recorded in error, with a reason."""
    purchase = follow_ons.follow_on_for_buyer(current_user, follow_on_id)
    form = CancelFollowOnForm()
    if form.validate_on_submit():
        try:
            follow_ons.cancel_follow_on(current_user, follow_on_id, filled(form.reason.data))
        except NotFound:
            raise
        except DomainError as error:
            attach_error(form, None, error)
        else:
            flash(_("Follow-on purchase cancelled."), "success")
            return redirect(url_for("buyer.order_detail", order_id=purchase.order_id))
    return order_page(purchase.order_id, 400, follow_on_cancel_form=form)


@bp.get("/follow-on-purchases")
def follow_on_list():
    """Your institution's follow-on purchases of pilot products."""
    page = follow_ons.institution_follow_ons(current_user.institution_id, **page_request())
    return render_template("buyer/follow_ons.html", purchases=page, contract_methods=CONTRACT_METHODS)
