"""Pilot purchases: placing an order against the quota, moving it on, evaluating it, listing it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import uuid4

from flask import current_app
from sqlalchemy import case, func, select, update
from sqlalchemy.orm import joinedload, selectinload

from ..database import begin_write
from ..domain import orders as rules
from ..domain import small_track
from ..domain.clock import seoul_date
from ..domain.errors import N_, DomainError, NotFound
from ..domain.states import (
    AllocationStatus,
    ApplicationStatus,
    CertificateStatus,
    InspectionResult,
    InstitutionStatus,
    OrderStatus,
    RoundStatus,
)
from ..extensions import db
from ..models import (
    Allocation,
    Certificate,
    Evaluation,
    Institution,
    Mou,
    Order,
    Product,
    Round,
    User,
)
from ..models.types import utcnow
from . import corrective_actions, notices, quota, redraw_results
from .audit import record_event
from .outbox import request_delivery
from .pages import Page, paginate


@dataclass(frozen=True)
class PurchaseInput:
    allocation_id: int
    mou_id: int
    quantity: int
    unit_price_krw: int
    contract_method: str
    ordered_on: date
    no_private_interest: bool
    amount_krw: int | None = None  # as posted by the form; recomputed and compared
    late_reason: str = ""  # needed when the contract date is more than LATE_REGISTRATION_DAYS back


def late_registration_days() -> int:
    """LATE_REGISTRATION_DAYS: how far back a contract date may lie before it needs a reason."""
    return int(current_app.config.get("LATE_REGISTRATION_DAYS", 30))


def published_on(round_: Round) -> date | None:
    """The Seoul date the round's result was published; None before."""
    draw = round_.draw
    return seoul_date(draw.published_at) if draw and draw.published_at else None


def order_cap(allocation: Allocation) -> int | None:
    """The most one order against the allocation may amount to: the small-value track's cap for a selection
    of that track (small_track.order_cap), else None."""
    track = allocation.application.track
    return small_track.order_cap(track.kind if track is not None else None)


def valid_certificate(product_id: int, day: date, *, lock: bool = False) -> Certificate | None:
    """The product's certificate valid on `day` that lasts longest (DESIGN.md 3: verified, in its dates).

    With lock, a PostgreSQL share lock keeps it from being revoked until the caller's transaction ends.
    """
    query = (
        select(Certificate)
        .join(Certificate.products)
        .where(
            Product.id == product_id,
            Certificate.status == CertificateStatus.VERIFIED,
            Certificate.issued_on <= day,
            Certificate.expires_on >= day,
        )
        .order_by(Certificate.expires_on.desc(), Certificate.id)
        .limit(1)
    )
    if lock:
        query = query.with_for_update(read=True, of=Certificate)
    return db.session.scalar(query)


def record_pilot_purchase(
    buyer: User, data: PurchaseInput, *, today: date | None = None, now: datetime | None = None
) -> Order:
    """Place an order: check everything, charge the quota, save the order; one transaction.

    `now` is the recording time (kept as created_at) and its Seoul date the recording day, which the
    contract date may not follow and may precede by LATE_REGISTRATION_DAYS without a reason.
    Raises InvalidOrderInput (quantity, price, amount), PlacementRefused (every failed check) or
    QuotaExceeded (the quota ran out between the check and the charge).
    """
    amount = rules.order_amount(data.quantity, data.unit_price_krw, data.amount_krw)
    moment = now or utcnow()
    recorded_on = today or seoul_date(moment)
    limit = late_registration_days()
    buyer_id, buyer_institution_id = buyer.id, buyer.institution_id
    begin_write()  # every check below is made under the lock (on PostgreSQL: the rows locked below)
    mou = db.session.scalar(
        select(Mou)
        .options(joinedload(Mou.institution))
        .where(Mou.id == data.mou_id)
        .with_for_update(of=Mou)
        .execution_options(populate_existing=True)
    )
    allocation = db.session.scalar(
        select(Allocation)
        .options(joinedload(Allocation.round).joinedload(Round.draw), joinedload(Allocation.application))
        .where(Allocation.id == data.allocation_id)
        .with_for_update(of=Allocation)
        .execution_options(populate_existing=True)
    )
    if allocation is None or mou is None:
        raise rules.PlacementRefused([DomainError(N_("Choose a selected product and one of your MOUs."))])
    certificate = valid_certificate(allocation.application.product_id, data.ordered_on, lock=True)
    facts = _placement_facts(buyer_institution_id, data, amount, recorded_on, limit, mou, allocation, certificate)
    failures = rules.placement_failures(facts)
    if failures or certificate is None:  # no valid certificate is one of the failures
        raise rules.PlacementRefused(failures)
    late = rules.is_late_registration(data.ordered_on, recorded_on, limit)
    ids = dict(
        institution_id=mou.institution_id,
        mou_id=mou.id,
        product_id=allocation.application.product_id,
        allocation_id=allocation.id,
        certificate_id=certificate.id,
    )
    company_id = allocation.application.company_id
    entry = quota.charge(ids["mou_id"], amount, buyer, "order", now=now)
    allocation_before = charge_allocation(ids["allocation_id"], amount)
    order = Order(
        number=f"TMP-{uuid4().hex[:24]}",
        buyer_id=buyer_id,
        **ids,
        quantity=data.quantity,
        unit_price_krw=data.unit_price_krw,
        amount_krw=amount,
        contract_method=data.contract_method,
        ordered_on=data.ordered_on,
        status=OrderStatus.PLACED,
        no_private_interest=True,
        quota_before_krw=entry.balance_after + amount,
        allocation_before_krw=allocation_before,
        late_reason=data.late_reason.strip() if late else "",
        created_at=moment,
    )
    db.session.add(order)
    db.session.flush()
    # The id is unique across workers and hosts, so it makes the sequence part of the number.
    order.number = rules.order_number(data.ordered_on.year, order.id)
    entry.order_id = order.id
    entry.reason = order.number
    _placed_event(buyer, order, company_id)
    notices.order_placed(order)
    notices.quota_charged(mou, entry.balance_after)
    db.session.commit()
    request_delivery()
    return order


def _placement_facts(
    buyer_institution_id: int | None,
    data: PurchaseInput,
    amount: int,
    recorded_on: date,
    limit: int,
    mou: Mou,
    allocation: Allocation,
    certificate: Certificate | None,
) -> rules.PlacementFacts:
    """What the rules of domain.orders need, read from the rows locked for the placement."""
    return rules.PlacementFacts(
        ordered_on=data.ordered_on,
        today=recorded_on,
        buyer_institution_id=buyer_institution_id,
        mou_institution_id=mou.institution_id,
        institution_active=mou.institution.status == InstitutionStatus.ACTIVE,
        round_published=allocation.round.status == RoundStatus.PUBLISHED,
        selection_active=allocation.status == AllocationStatus.ACTIVE
        and allocation.application.status == ApplicationStatus.SELECTED,
        redraw_pending=redraw_results.redraw_pending_for(allocation),
        selection_valid_until=allocation.valid_until,
        allocation_institution_id=allocation.institution_id,
        allocation_remaining_krw=allocation.remaining_krw,
        certificate_valid=certificate is not None,
        mou_starts_on=mou.starts_on,
        mou_ends_on=mou.ends_on,
        remaining_krw=mou.balance_krw,
        amount_krw=amount,
        contract_method=data.contract_method,
        no_private_interest=data.no_private_interest,
        published_on=published_on(allocation.round),
        selection_valid_from=allocation.valid_from,
        selection_moved=allocation.status == AllocationStatus.MOVED,
        late_limit_days=limit,
        late_reason=data.late_reason,
        order_cap_krw=order_cap(allocation),
    )


def _placed_event(buyer: User, order: Order, company_id: int) -> None:
    after = {
        "number": order.number,
        "amount_krw": order.amount_krw,
        "ordered_on": order.ordered_on.isoformat(),
        "quota_before_krw": order.quota_before_krw,
        "certificate_id": order.certificate_id,
        "allocation_id": order.allocation_id,
        "allocation_before_krw": order.allocation_before_krw,
    }
    if order.late_reason:
        after["late_reason"] = order.late_reason
    record_event(buyer, "order.placed", order, company_id=company_id, after=after, reason=order.late_reason)


def charge_allocation(allocation_id: int, amount: int) -> int:
    """Add `amount` to what was ordered on the allocation, only if it still fits; returns what was left
    before. A conditional update, so two orders at once on PostgreSQL cannot both take the last room
    (the CHECK on allocations is the backstop); raises PlacementRefused after rolling back otherwise."""
    row = db.session.execute(
        update(Allocation)
        .where(Allocation.id == allocation_id, Allocation.ordered_krw + amount <= Allocation.amount_krw)
        .values(ordered_krw=Allocation.ordered_krw + amount)
        .returning(Allocation.amount_krw, Allocation.ordered_krw),
        execution_options={"synchronize_session": False},
    ).first()
    if row is None:
        db.session.rollback()
        left = db.session.scalar(
            select(Allocation.amount_krw - Allocation.ordered_krw).where(Allocation.id == allocation_id)
        )
        raise rules.PlacementRefused(
            [
                rules.OrderError(
                    N_("The amount of %(amount)s won is more than what is left of the allocation (%(remaining)s won)."),
                    amount=f"{amount:,}",
                    remaining=f"{left or 0:,}",
                )
            ]
        )
    return row.amount_krw - row.ordered_krw + amount


def release_allocation(allocation_id: int, amount: int) -> None:
    """Give a cancelled order's amount back to its allocation, in the cancellation's transaction."""
    db.session.execute(
        update(Allocation).where(Allocation.id == allocation_id).values(ordered_krw=Allocation.ordered_krw - amount),
        execution_options={"synchronize_session": False},
    )


def locked_order(buyer: User, order_id: int) -> Order:
    """Open a write transaction and lock the buyer's order; NotFound for anyone else's."""
    institution_id = buyer.institution_id
    begin_write()
    order = db.session.scalar(
        select(Order).where(Order.id == order_id).with_for_update().execution_options(populate_existing=True)
    )
    if order is None or institution_id is None or order.institution_id != institution_id:
        db.session.rollback()
        raise NotFound(N_("There is no such order among yours."))
    return order


def _event(buyer: User, action: str, order: Order, before: str, **after) -> None:
    record_event(
        buyer,
        action,
        order,
        company_id=order.product.company_id,
        before={"status": before},
        after={"status": order.status, **after},
        reason=after.get("reason", ""),
    )


def deliver(buyer: User, order_id: int, delivered_on: date, *, today: date | None = None) -> Order:
    """Mark a placed order delivered; raises InvalidTransition / InvalidOrderInput / NotFound."""
    order = locked_order(buyer, order_id)
    try:
        rules.check_transition("deliver", order.status)
        rules.check_delivery(delivered_on, order.ordered_on, today or seoul_date(utcnow()))
    except DomainError:
        db.session.rollback()
        raise
    before, order.status, order.delivered_on = order.status, OrderStatus.DELIVERED, delivered_on
    _event(buyer, "order.delivered", order, before, delivered_on=delivered_on.isoformat())
    db.session.commit()
    return order


def inspect(buyer: User, order_id: int, result: str, note: str, inspected_on: date) -> Order:
    """Record the inspection (accepted or rejected, with a note)."""
    order = locked_order(buyer, order_id)
    try:
        rules.check_transition("inspect", order.status)
        rules.check_inspection(result, note, inspected_on, order.delivered_on)
    except DomainError:
        db.session.rollback()
        raise
    before = order.status
    order.status, order.inspected_on = OrderStatus.INSPECTED, inspected_on
    order.inspection_result, order.inspection_note = result, (note or "").strip()
    _event(buyer, "order.inspected", order, before, result=result, note=order.inspection_note)
    if result == InspectionResult.REJECTED:  # the supplier must put it right: in this same transaction
        corrective_actions.open_after_rejection(buyer, order)
    db.session.commit()
    return order


def cancel(buyer: User, order_id: int, reason: str, *, now: datetime | None = None) -> Order:
    """Cancel an order with a reason and release its amount to the MOU in the same transaction."""
    order = locked_order(buyer, order_id)
    try:
        rules.check_cancellable(order.status, order.inspection_result)
        rules.check_cancellation(reason)
    except DomainError:
        db.session.rollback()
        raise
    reason = reason.strip()
    balance = quota.release(order.mou_id, order.amount_krw, buyer, f"{order.number}: {reason}", order.id, now=now)
    release_allocation(order.allocation_id, order.amount_krw)
    before = order.status
    order.status, order.cancelled_at, order.cancel_reason = OrderStatus.CANCELLED, now or utcnow(), reason
    # Every valid version of the audit-relief certificate is revoked in the same transaction; imported
    # here so that placing orders never loads the PDF machinery.
    from .relief_certificates import revoke_for_order

    revoke_for_order(order, order.cancelled_at, buyer)
    _event(
        buyer,
        "order.cancelled",
        order,
        before,
        reason=reason,
        released_krw=order.amount_krw,
        balance_after=balance,
    )
    notices.order_cancelled(order)
    db.session.commit()
    request_delivery()
    return order


def evaluate(buyer: User, order_id: int, scores: dict[str, int], would_buy_again: bool, comment: str) -> Evaluation:
    """Record the post-use evaluation of an accepted order; the order becomes evaluated."""
    order = locked_order(buyer, order_id)
    try:
        rules.check_transition("evaluate", order.status)
        rules.check_evaluation(scores, order.inspection_result, comment)
    except DomainError:
        db.session.rollback()
        raise
    evaluation = Evaluation(
        order_id=order.id,
        product_id=order.product_id,
        would_buy_again=bool(would_buy_again),
        comment=(comment or "").strip(),
        created_by_id=buyer.id,
        **{name: scores[name] for name in rules.SCORE_FIELDS},
    )
    db.session.add(evaluation)
    before, order.status = order.status, OrderStatus.EVALUATED
    _event(
        buyer,
        "order.evaluated",
        order,
        before,
        **{name: scores[name] for name in rules.SCORE_FIELDS},
        would_buy_again=bool(would_buy_again),
    )
    corrective_actions.open_after_evaluation(buyer, order, scores["overall"])  # in this same transaction
    notices.order_evaluated(order)
    db.session.commit()
    request_delivery()
    return evaluation


# --- reading -------------------------------------------------------------------------------------

_ORDER_LOAD = (
    joinedload(Order.product).joinedload(Product.company),
    joinedload(Order.evaluation),
    joinedload(Order.mou),
    joinedload(Order.institution),
)


def order_for_buyer(buyer: User, order_id: int) -> Order:
    """The order if it belongs to the buyer's institution; NotFound otherwise."""
    order = db.session.scalar(
        select(Order)
        .options(*_ORDER_LOAD, joinedload(Order.certificate), joinedload(Order.buyer))
        .where(Order.id == order_id)
    )
    if order is None or buyer.institution_id is None or order.institution_id != buyer.institution_id:
        raise NotFound(N_("There is no such order among yours."))
    return order


def orders_for_institution(institution_id: int, status: str | None = None, *, limit: int = 10) -> list[Order]:
    """The institution's newest `limit` orders (the dashboard's); a list of them goes by institution_orders_page."""
    query = _institution_orders(institution_id, status).limit(limit)
    return list(db.session.scalars(query).unique())


def institution_orders_page(institution_id: int, status: str | None, *, page: int, per_page: int) -> Page[Order]:
    """One page of the institution's orders, newest first, of one status (any other value: all)."""
    return paginate(_institution_orders(institution_id, status), page=page, per_page=per_page)


def _institution_orders(institution_id: int, status: str | None):
    query = select(Order).options(*_ORDER_LOAD).where(Order.institution_id == institution_id)
    if status in rules.STATUSES:
        query = query.where(Order.status == status)
    return query.order_by(Order.ordered_on.desc(), Order.id.desc())


def orders_for_company(company_id: int | None, *, page: int, per_page: int) -> Page[Order]:
    """One page of the orders of a supplier's products, newest first, with their evaluations."""
    if company_id is None:
        return Page.empty(per_page)
    return paginate(
        select(Order)
        .options(*_ORDER_LOAD)
        .join(Order.product)
        .where(Product.company_id == company_id)
        .order_by(Order.ordered_on.desc(), Order.id.desc()),
        page=page,
        per_page=per_page,
    )


def evaluation_summary(product_id: int) -> dict | None:
    """Average scores, count and would-buy-again share of a product's evaluations; None without any."""
    columns = [func.avg(getattr(Evaluation, name)) for name in rules.SCORE_FIELDS]
    again = func.sum(case((Evaluation.would_buy_again.is_(True), 1), else_=0))
    row = db.session.execute(
        select(func.count(Evaluation.id), again, *columns).where(Evaluation.product_id == product_id)
    ).one()
    if not row[0]:
        return None
    averages = {name: round(float(value), 1) for name, value in zip(rules.SCORE_FIELDS, row[2:], strict=True)}
    return {"count": row[0], "would_buy_again": int(row[1] or 0), "averages": averages}


def institution_quota_left(institution_id: int | None) -> int:
    """What the institution's MOUs have left to charge, added up: its remaining quota."""
    return sum(m.balance_krw for m in institution_mous(institution_id))


def institution_mous(institution_id: int | None) -> list[Mou]:
    if institution_id is None:
        return []
    return list(
        db.session.scalars(
            select(Mou).where(Mou.institution_id == institution_id).order_by(Mou.signed_on.desc(), Mou.id.desc())
        )
    )


def institution_of(buyer: User) -> Institution | None:
    return (
        db.session.scalar(
            select(Institution).options(selectinload(Institution.mous)).where(Institution.id == buyer.institution_id)
        )
        if buyer.institution_id
        else None
    )
