"""Follow-on purchases: record and cancel them, list them, and the follow-on rate of pilot products."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import joinedload

from ..database import begin_write
from ..domain import follow_ons as rules
from ..domain.errors import N_, DomainError, NotFound
from ..domain.states import FollowOnStatus, InspectionResult, OrderStatus
from ..extensions import db
from ..models import FollowOnPurchase, Institution, Order, Product, User
from ..models.types import utcnow
from . import orders
from .audit import record_event
from .clock import seoul_today
from .pages import Page, paginate


@dataclass(frozen=True)
class FollowOnInput:
    contracted_on: date
    quantity: int
    amount_krw: int
    contract_method: str
    reference: str


def record_follow_on(buyer: User, order_id: int, data: FollowOnInput, *, today: date | None = None) -> FollowOnPurchase:
    """Record a follow-on purchase of the pilot order's product; the quota is not touched.

    Raises NotFound for an order of another institution, FollowOnRefused for a broken rule.
    """
    day = today or seoul_today()
    order = orders.locked_order(buyer, order_id)
    facts = rules.FollowOnFacts(
        pilot_status=order.status,
        pilot_inspection_result=order.inspection_result,
        pilot_ordered_on=order.ordered_on,
        contracted_on=data.contracted_on,
        today=day,
        quantity=data.quantity,
        amount_krw=data.amount_krw,
        contract_method=data.contract_method,
        reference=data.reference,
    )
    try:
        rules.check_follow_on(facts)
    except DomainError:
        db.session.rollback()
        raise
    purchase = FollowOnPurchase(
        order_id=order.id,
        institution_id=order.institution_id,
        product_id=order.product_id,
        buyer_id=buyer.id,
        contracted_on=data.contracted_on,
        quantity=data.quantity,
        amount_krw=data.amount_krw,
        contract_method=data.contract_method,
        reference=data.reference.strip(),
        status=FollowOnStatus.RECORDED,
    )
    db.session.add(purchase)
    record_event(
        buyer,
        "follow_on.recorded",
        purchase,
        company_id=order.product.company_id,
        after={
            "order": order.number,
            "contracted_on": data.contracted_on.isoformat(),
            "quantity": data.quantity,
            "amount_krw": data.amount_krw,
            "contract_method": data.contract_method,
            "reference": purchase.reference,
        },
    )
    db.session.commit()
    return purchase


def cancel_follow_on(buyer: User, follow_on_id: int, reason: str, *, now: datetime | None = None) -> FollowOnPurchase:
    """Cancel a follow-on purchase recorded in error, with a reason; it then counts nowhere."""
    institution_id = buyer.institution_id
    begin_write()
    purchase = db.session.scalar(
        select(FollowOnPurchase)
        .where(FollowOnPurchase.id == follow_on_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if purchase is None or institution_id is None or purchase.institution_id != institution_id:
        db.session.rollback()
        raise NotFound(N_("There is no such follow-on purchase among yours."))
    try:
        if purchase.status != FollowOnStatus.RECORDED:
            raise rules.FollowOnRefused(N_("This follow-on purchase is already cancelled."))
        text = rules.cancellation_reason(reason)
    except DomainError:
        db.session.rollback()
        raise
    purchase.status, purchase.cancelled_at, purchase.cancel_reason = FollowOnStatus.CANCELLED, now or utcnow(), text
    record_event(
        buyer,
        "follow_on.cancelled",
        purchase,
        company_id=purchase.product.company_id,
        before={"status": FollowOnStatus.RECORDED},
        after={"status": FollowOnStatus.CANCELLED},
        reason=text,
    )
    db.session.commit()
    return purchase


# --- reading -------------------------------------------------------------------------------------

_LOAD = (
    joinedload(FollowOnPurchase.order),
    joinedload(FollowOnPurchase.product).joinedload(Product.company),
    joinedload(FollowOnPurchase.institution),
)


def _listing(*conditions) -> Select[FollowOnPurchase]:
    return (
        select(FollowOnPurchase)
        .options(*_LOAD)
        .where(*conditions)
        .order_by(FollowOnPurchase.contracted_on.desc(), FollowOnPurchase.id.desc())
    )


def follow_ons_of_order(order_id: int) -> list[FollowOnPurchase]:
    return list(db.session.scalars(_listing(FollowOnPurchase.order_id == order_id)).unique())


def institution_follow_ons(institution_id: int | None, *, page: int, per_page: int) -> Page[FollowOnPurchase]:
    if institution_id is None:
        return Page.empty(per_page)
    return paginate(_listing(FollowOnPurchase.institution_id == institution_id), page=page, per_page=per_page)


def company_follow_ons(company_id: int | None, *, page: int, per_page: int) -> Page[FollowOnPurchase]:
    """Follow-on purchases of the company's products, by any institution."""
    if company_id is None:
        return Page.empty(per_page)
    query = _listing(Product.company_id == company_id).join(FollowOnPurchase.product)
    return paginate(query, page=page, per_page=per_page)


def all_follow_ons(*, page: int, per_page: int) -> Page[FollowOnPurchase]:
    return paginate(_listing(), page=page, per_page=per_page)


def follow_on_for_buyer(buyer: User, follow_on_id: int) -> FollowOnPurchase:
    purchase = db.session.get(FollowOnPurchase, follow_on_id)
    if purchase is None or buyer.institution_id is None or purchase.institution_id != buyer.institution_id:
        raise NotFound(N_("There is no such follow-on purchase among yours."))
    return purchase


# --- the follow-on rate --------------------------------------------------------------------------


def pilot_outcomes(start: date, end: date, institution_id: int | None = None) -> list[rules.PilotOutcome]:
    """Each completed pilot order contracted from `start` to `end` (both included), and whether it has a
    follow-on purchase that is not cancelled (recorded at any time up to now); one query."""
    again = exists().where(FollowOnPurchase.order_id == Order.id, FollowOnPurchase.status == FollowOnStatus.RECORDED)
    query = select(Order.institution_id, Order.product_id, again).where(
        Order.status.in_((OrderStatus.INSPECTED, OrderStatus.EVALUATED)),
        Order.inspection_result == InspectionResult.ACCEPTED,
        Order.ordered_on.between(start, end),
    )
    if institution_id is not None:
        query = query.where(Order.institution_id == institution_id)
    return [rules.PilotOutcome(row[0], row[1], bool(row[2])) for row in db.session.execute(query)]


@dataclass(frozen=True)
class RateRow:
    institution: Institution
    rate: rules.FollowOnRate


def follow_on_overview(start: date, end: date) -> tuple[rules.FollowOnRate, list[RateRow]]:
    """The program's follow-on rate over the period and each institution's, by institution code."""
    outcomes = pilot_outcomes(start, end)
    per_institution = rules.follow_on_rates(outcomes)
    institutions = db.session.scalars(
        select(Institution).where(Institution.id.in_(list(per_institution))).order_by(Institution.code)
    )
    rows = [RateRow(institution, per_institution[institution.id]) for institution in institutions]
    return rules.follow_on_rate(outcomes), rows


FIRST_YEAR = 2018  # the program's first year in this system


@dataclass(frozen=True)
class YearOverview:
    year: int
    years: list[int]
    overall: rules.FollowOnRate
    rows: list[RateRow]


def overview_of_year(raw_year: str | None, today: date) -> YearOverview:
    """The follow-on rates of pilot orders contracted in one calendar year (the fiscal year in Korea):
    the year asked for when it is one of FIRST_YEAR..this year, else this year."""
    years = list(range(today.year, FIRST_YEAR - 1, -1))
    text = (raw_year or "").strip()
    year = int(text) if len(text) == 4 and text.isdigit() and int(text) in years else today.year
    overall, rows = follow_on_overview(date(year, 1, 1), date(year, 12, 31))
    return YearOverview(year, years, overall, rows)
