"""The buyer's pages: quota dashboard, selected products, pilot purchases and their next steps."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.errors import DomainError
from ..domain.orders import SCORE_FIELDS, InvalidTransition, PlacementRefused, check_transition
from ..domain.reference import CONTRACT_METHODS
from ..forms import attach_error, choices, rerender
from ..i18n import domain_message
from ..services import orders, quota
from ..services.orders import OrderNotFound, PurchaseInput
from .forms import CancelForm, DeliverForm, EvaluationForm, InspectForm, PurchaseForm

bp = Blueprint("buyer", __name__, url_prefix="/buyer")


@bp.app_template_global()
def evaluation_summary(product_id: int):
    """Aggregates of a product's evaluations, for templates/public/_evaluations.html."""
    return orders.evaluation_summary(product_id)


@bp.app_template_global()
def quota_overview():
    """Per-institution quota figures, for the ministry dashboard."""
    return quota.program_overview()


@bp.get("/")
def dashboard():
    """Per MOU: committed, charged, remaining, and use over time."""
    figures = quota.figures_for(orders.institution_mous(current_user.institution_id))
    recent = orders.orders_for_institution(current_user.institution_id, limit=10)
    return render_template(
        "buyer/dashboard.html",
        figures=figures,
        recent=recent,
        institution=orders.institution_of(current_user),
    )


@bp.get("/selected-products")
def selected_products():
    """Products selected in published rounds: own institution's allocations first."""
    own, others = orders.selected_products(current_user)
    remaining = sum(m.balance_krw for m in orders.institution_mous(current_user.institution_id))
    return render_template("buyer/selected_products.html", own=own, others=others, remaining=remaining)


def _purchase_form(allocation, mous) -> PurchaseForm:
    form = PurchaseForm()
    form.mou_id.choices = choices((m.id, f"{m.number}") for m in mous)
    form.contract_method.choices = choices([("", _("Choose..."))] + [(k, _(v)) for k, v in CONTRACT_METHODS.items()])
    if not form.is_submitted():
        form.unit_price.data = f"{allocation.application.product.unit_price_krw:,}"
        form.ordered_on.data = orders.today_in_seoul()
    return form


@bp.route("/purchase/<int:allocation_id>", methods=["GET", "POST"])
def record_purchase(allocation_id: int):
    """Record a pilot purchase of a selected product against one of the institution's MOUs."""
    try:
        allocation, mous = orders.purchase_context(current_user, allocation_id)
    except OrderNotFound:
        abort(404)
    form = _purchase_form(allocation, mous)
    page = dict(form=form, allocation=allocation, product=allocation.application.product, failures=[])
    if not form.validate_on_submit():
        return rerender("buyer/purchase.html", 400 if form.is_submitted() else 200, **page)
    data = PurchaseInput(
        allocation_id=allocation_id,
        mou_id=form.mou_id.data,
        quantity=form.quantity.number,
        unit_price_krw=form.unit_price.krw,
        amount_krw=getattr(form.amount, "krw", None),
        contract_method=form.contract_method.data,
        ordered_on=form.ordered_on.data,
        no_private_interest=form.no_private_interest.data,
    )
    try:
        order = orders.record_pilot_purchase(current_user, data)
    except PlacementRefused as refused:
        page["failures"] = [domain_message(f) for f in refused.failures]
        return rerender("buyer/purchase.html", **page)
    except DomainError as error:
        page["failures"] = [domain_message(error)]
        return rerender("buyer/purchase.html", **page)
    flash(
        _(
            "Order %(number)s placed; %(amount)s charged to the quota.",
            number=order.number,
            amount=f"{order.amount_krw:,}",
        ),
        "success",
    )
    return redirect(url_for("buyer.order_detail", order_id=order.id))


@bp.get("/orders", endpoint="orders")
def orders_list():
    """The institution's pilot purchases, optionally by status."""
    status = request.args.get("status") or None
    return render_template(
        "buyer/orders.html",
        status=status,
        orders=orders.orders_for_institution(current_user.institution_id, status),
    )


STEP_OF_FORM = {"deliver_form": "deliver", "inspect_form": "inspect", "cancel_form": "cancel"}


def _detail(order_id: int, status: int = 200, **forms):
    try:
        order = orders.order_for_buyer(current_user, order_id)
    except OrderNotFound:
        abort(404)
    refusal = _refusal(order.status, forms)
    forms.setdefault("deliver_form", DeliverForm(formdata=None, delivered_on=orders.today_in_seoul()))
    forms.setdefault("inspect_form", InspectForm(formdata=None, inspected_on=orders.today_in_seoul()))
    forms.setdefault("cancel_form", CancelForm(formdata=None))
    return rerender("buyer/order.html", status, order=order, contract_methods=CONTRACT_METHODS,
                    refusal=refusal, **forms)


def _refusal(order_status: str, submitted: dict) -> str | None:
    """Why a submitted step is refused when the order's status no longer shows its form (and errors)."""
    for name in submitted:
        try:
            check_transition(STEP_OF_FORM[name], order_status)
        except InvalidTransition as error:
            return domain_message(error)
    return None


@bp.get("/orders/<int:order_id>")
def order_detail(order_id: int):
    """One order, its history and the buttons for its next step."""
    return _detail(order_id)


def _transition(order_id: int, form, form_name: str, action, done: str):
    """Validate the step's form, call the service, and redirect, or re-render the order with 400."""
    if not form.validate_on_submit():
        return _detail(order_id, 400, **{form_name: form})
    try:
        action()
    except OrderNotFound:
        abort(404)
    except DomainError as error:
        attach_error(form, None, error)
        return _detail(order_id, 400, **{form_name: form})
    flash(done, "success")
    return redirect(url_for("buyer.order_detail", order_id=order_id))


@bp.post("/orders/<int:order_id>/deliver")
def deliver_order(order_id: int):
    """Confirm delivery."""
    form = DeliverForm()
    return _transition(
        order_id,
        form,
        "deliver_form",
        lambda: orders.deliver(current_user, order_id, form.delivered_on.data),
        _("Delivery recorded."),
    )


@bp.post("/orders/<int:order_id>/inspect")
def inspect_order(order_id: int):
    """Record the inspection result."""
    form = InspectForm()
    return _transition(
        order_id,
        form,
        "inspect_form",
        lambda: orders.inspect(
            current_user, order_id, form.result.data, form.note.data or "", form.inspected_on.data
        ),
        _("Inspection recorded."),
    )


@bp.post("/orders/<int:order_id>/cancel")
def cancel_order(order_id: int):
    """Cancel with a reason; the amount goes back to the quota."""
    form = CancelForm()
    return _transition(
        order_id,
        form,
        "cancel_form",
        lambda: orders.cancel(current_user, order_id, form.reason.data),
        _("Order cancelled; the amount was released to the quota."),
    )


@bp.route("/orders/<int:order_id>/evaluate", methods=["GET", "POST"])
def evaluate_order(order_id: int):
    """The post-use evaluation of an accepted order."""
    try:
        order = orders.order_for_buyer(current_user, order_id)
    except OrderNotFound:
        abort(404)
    form = EvaluationForm()
    if not form.validate_on_submit():
        return rerender("buyer/evaluate.html", 400 if form.is_submitted() else 200, form=form, order=order)
    scores = {name: int(getattr(form, name).data) for name in SCORE_FIELDS}
    try:
        orders.evaluate(
            current_user, order_id, scores, form.would_buy_again.data == "yes", form.comment.data or ""
        )
    except DomainError as error:
        attach_error(form, None, error)
        return rerender("buyer/evaluate.html", form=form, order=order)
    flash(_("Thank you: the evaluation was recorded."), "success")
    return redirect(url_for("buyer.order_detail", order_id=order_id))
