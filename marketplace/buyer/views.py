"""The buyer's pages: quota dashboard, selected products, pilot purchases and their next steps."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.errors import DomainError, NotFound
from ..domain.follow_ons import is_completed_pilot
from ..domain.orders import (
    SCORE_FIELDS,
    SMALL_VALUE_METHOD,
    InvalidTransition,
    LateReasonNeeded,
    check_cancellable,
    check_transition,
    may_cancel,
)
from ..domain.orders import STATUSES as ORDER_STATUSES
from ..domain.reference import CONTRACT_METHODS
from ..forms import attach_error, choices, filled, rerender
from ..i18n import domain_message
from ..routing import page_request
from ..services import corrective_actions, follow_ons, orders, purchases, quota, relief_downloads
from ..services.clock import seoul_today
from ..services.orders import PurchaseInput
from ..services.purchases import PurchaseUnavailable
from .forms import (
    CancelFollowOnForm,
    CancelForm,
    DeliverForm,
    EvaluationForm,
    InspectForm,
    IssueCertificateForm,
    PurchaseForm,
)

bp = Blueprint("buyer", __name__, url_prefix="/buyer")


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
    """Products selected in published rounds: own institution's allocations (to buy), then the others."""
    others_page = page_request(param="others_page")["page"]
    own, others = purchases.selected_products(current_user, seoul_today(), others_page=others_page, **page_request())
    remaining = orders.institution_quota_left(current_user.institution_id)
    return render_template("buyer/selected_products.html", own=own, others=others, remaining=remaining)


def _purchase_form(allocation, mous) -> PurchaseForm:
    form = PurchaseForm()
    form.mou_id.choices = choices((m.id, f"{m.number}") for m in mous)
    form.contract_method.choices = choices([("", _("Choose..."))] + [(k, _(v)) for k, v in CONTRACT_METHODS.items()])
    if not form.is_submitted():
        form.unit_price.data = f"{allocation.application.product.unit_price_krw:,}"
        form.ordered_on.data = seoul_today()
        if orders.order_cap(allocation) is not None:  # a small-value selection is bought by private contract
            form.contract_method.data = SMALL_VALUE_METHOD
    return form


@bp.route("/purchase/<int:allocation_id>", methods=["GET", "POST"])
def record_purchase(allocation_id: int):
    """Record a pilot purchase of a selected product against one of the institution's MOUs."""
    try:
        allocation, mous = purchases.purchase_context(current_user, allocation_id)
    except PurchaseUnavailable as refused:
        return rerender("buyer/purchase_unavailable.html", 404, message=domain_message(refused))
    form = _purchase_form(allocation, mous)
    page = dict(
        form=form,
        allocation=allocation,
        product=allocation.application.product,
        failures=[],
        late_days=orders.late_registration_days(),
        published_on=orders.published_on(allocation.round),
        order_cap=orders.order_cap(allocation),
    )
    if not form.validate_on_submit():
        return rerender("buyer/purchase.html", 400 if form.is_submitted() else 200, **page)
    data = PurchaseInput(
        allocation_id=allocation_id,
        mou_id=form.mou_id.data,
        quantity=form.quantity.number,
        unit_price_krw=form.unit_price.krw,
        amount_krw=getattr(form.amount, "krw", None),
        contract_method=form.contract_method.data,
        ordered_on=filled(form.ordered_on.data),
        no_private_interest=form.no_private_interest.data,
        late_reason=form.late_reason.data or "",
    )
    try:
        order = orders.record_pilot_purchase(current_user, data)
    except DomainError as error:
        return _purchase_refused(page, getattr(error, "failures", [error]))
    flash(
        _(
            "Order %(number)s placed; %(amount)s charged to the quota.",
            number=order.number,
            amount=f"{order.amount_krw:,}",
        ),
        "success",
    )
    return redirect(url_for("buyer.order_detail", order_id=order.id))


def _purchase_refused(page: dict, failures: list[DomainError]):
    """The form again (400) with every reason; the one about a late registration also at its field."""
    page["failures"] = [domain_message(f) for f in failures]
    for failure in failures:
        if isinstance(failure, LateReasonNeeded):
            attach_error(page["form"], "late_reason", failure)
    return rerender("buyer/purchase.html", **page)


@bp.get("/orders", endpoint="orders")
def orders_list():
    """The institution's pilot purchases, optionally by status."""
    status = request.args.get("status") or None
    return render_template(
        "buyer/orders.html",
        status=status,
        statuses=ORDER_STATUSES,
        orders=orders.institution_orders_page(current_user.institution_id, status, **page_request()),
    )


STEP_OF_FORM = {"deliver_form": "deliver", "inspect_form": "inspect", "cancel_form": "cancel"}
NOT_A_STEP = ("follow_on_cancel_form",)  # forms of the page that do not move the order on


def order_page(order_id: int, status: int = 200, **forms):
    """The order's page with its step forms (those given: as posted, with their errors), with `status`."""
    order = orders.order_for_buyer(current_user, order_id)
    refusal = _refusal(order, forms)
    forms.setdefault("deliver_form", DeliverForm(formdata=None, delivered_on=seoul_today()))
    forms.setdefault("inspect_form", InspectForm(formdata=None, inspected_on=seoul_today()))
    forms.setdefault("cancel_form", CancelForm(formdata=None))
    forms.setdefault("follow_on_cancel_form", CancelFollowOnForm(formdata=None))
    return rerender(
        "buyer/order.html",
        status,
        order=order,
        contract_methods=CONTRACT_METHODS,
        refusal=refusal,
        relief=relief_downloads.relief_of(order),
        may_cancel=may_cancel(order.status, order.inspection_result),
        issue_form=IssueCertificateForm(formdata=None),
        follow_ons=follow_ons.follow_ons_of_order(order.id),
        may_follow_on=is_completed_pilot(order.status, order.inspection_result),
        corrective=corrective_actions.action_of_order(order.id),
        **forms,
    )


def _refusal(order, submitted: dict) -> str | None:
    """Why a submitted step is refused when the order's status no longer shows its form (and errors)."""
    for name in submitted:
        if name in NOT_A_STEP:
            continue
        try:
            if STEP_OF_FORM[name] == "cancel":
                check_cancellable(order.status, order.inspection_result)
            else:
                check_transition(STEP_OF_FORM[name], order.status)
        except InvalidTransition as error:
            return domain_message(error)
    return None


@bp.get("/orders/<int:order_id>")
def order_detail(order_id: int):
    """One order, its history and the buttons for its next step."""
    return order_page(order_id)


def _transition(order_id: int, form, form_name: str, action, done: str):
    """Validate the step's form, call the service, and redirect, or re-render the order with 400."""
    if not form.validate_on_submit():
        return order_page(order_id, 400, **{form_name: form})
    try:
        action()
    except NotFound:
        raise
    except DomainError as error:
        attach_error(form, None, error)
        return order_page(order_id, 400, **{form_name: form})
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
        lambda: orders.deliver(current_user, order_id, filled(form.delivered_on.data)),
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
            current_user, order_id, form.result.data, form.note.data or "", filled(form.inspected_on.data)
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
        lambda: orders.cancel(current_user, order_id, filled(form.reason.data)),
        _("Order cancelled; the amount was released to the quota."),
    )


@bp.route("/orders/<int:order_id>/evaluate", methods=["GET", "POST"])
def evaluate_order(order_id: int):
    """The post-use evaluation of an accepted order."""
    order = orders.order_for_buyer(current_user, order_id)
    form = EvaluationForm()
    if not form.validate_on_submit():
        return rerender("buyer/evaluate.html", 400 if form.is_submitted() else 200, form=form, order=order)
    scores = {name: int(getattr(form, name).data) for name in SCORE_FIELDS}
    try:
        orders.evaluate(current_user, order_id, scores, form.would_buy_again.data == "yes", form.comment.data or "")
    except DomainError as error:
        attach_error(form, None, error)
        return rerender("buyer/evaluate.html", form=form, order=order)
    flash(_("Thank you: the evaluation was recorded."), "success")
    return redirect(url_for("buyer.order_detail", order_id=order_id))
