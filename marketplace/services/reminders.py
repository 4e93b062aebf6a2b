"""The dated reminders a periodic task sends (hourly): each on its Seoul day, once per recipient.

Every reminder's event key names its target and threshold (or day), so the task may run any number of
times a day, or again after a crash, and still tells each user once. Each kind is its own short write
transaction (per BATCH of targets), so a long list never holds the write lock for long.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..database import begin_write
from ..domain import notifications as rules
from ..domain.clock import SEOUL, seoul_date
from ..domain.states import (
    AllocationStatus,
    ApplicationStatus,
    CertificateStatus,
    CompanyStatus,
    InspectionResult,
    InstitutionStatus,
    NotificationKind,
    OrderStatus,
    RoundStatus,
)
from ..extensions import db
from ..models import Allocation, Application, Certificate, Company, Institution, Order, Round, User
from ..models.types import utcnow
from .notifications import company_users, institution_buyers, link_path, ministry_staff, notify_all
from .outbox import request_delivery
from .round_opening import recipients_after

BATCH = 200
T = TypeVar("T")
DIGEST_HOUR = 8  # the ministry's digest goes out from 08:00 Seoul time


def send_reminders(now: datetime | None = None) -> int:
    """Send every reminder due at `now` (default: the clock); returns how many notifications were new."""
    moment = now or utcnow()
    today = seoul_date(moment)
    told = (
        rounds_closing(today)
        + certificates_expiring(today)
        + allocations_expiring(today)
        + evaluations_due(today)
        + daily_digest(moment)
    )
    request_delivery()
    return told


def _in_batches(targets: Sequence[T], tell: Callable[[Sequence[T]], int]) -> int:
    """tell() the targets BATCH at a time, each batch its own short write transaction."""
    told = 0
    for start in range(0, len(targets), BATCH):
        begin_write()
        told += tell(targets[start : start + BATCH])
        db.session.commit()
    return told


def _each(tell: Callable[[T], int]) -> Callable[[Sequence[T]], int]:
    return lambda batch: sum(tell(target) for target in batch)


def rounds_closing(today: date) -> int:
    """Suppliers who could apply and have not, 7 days and 1 day before a round's closing day (Seoul)."""
    told = 0
    for round_ in db.session.scalars(select(Round).where(Round.status == RoundStatus.OPEN)).all():
        days = rules.days_before(seoul_date(round_.closes_at), today, rules.ROUND_CLOSING_DAYS)
        if days is not None:
            told += _round_closing(round_, days)
    return told


def _round_closing(round_: Round, days: int) -> int:
    applied = set(
        db.session.scalars(
            select(Application.company_id).where(
                Application.round_id == round_.id, Application.status != ApplicationStatus.WITHDRAWN
            )
        )
    )
    ids = list(db.session.scalars(recipients_after(0, 10**9)))
    users = [u for u in _users(ids) if u.company_id not in applied]
    db.session.commit()
    params = {"variant": str(days), "round": round_.code, "closes": round_.closes_at.isoformat()}
    key, link = f"round_closing:{round_.id}:{days}", link_path("supplier.apply", round_code=round_.code)
    return _in_batches(users, lambda batch: notify_all(batch, NotificationKind.ROUND_CLOSING, key, params, link))


def _users(ids: Iterable[int]) -> list[User]:
    ids = list(ids)
    found: list[User] = []
    for start in range(0, len(ids), 1000):
        found += db.session.scalars(select(User).where(User.id.in_(ids[start : start + 1000]))).all()
    return found


def certificates_expiring(today: date) -> int:
    """A verified certificate's company, 60, 30 and 7 days before it expires."""
    days_of = {today + timedelta(days=d): d for d in rules.CERTIFICATE_EXPIRY_DAYS}
    certificates = db.session.scalars(
        select(Certificate).where(
            Certificate.status == CertificateStatus.VERIFIED, Certificate.expires_on.in_(list(days_of))
        )
    ).all()

    def tell(certificate) -> int:
        days = days_of[certificate.expires_on]
        params = {"number": certificate.number, "expires": certificate.expires_on.isoformat(), "days": days}
        key = f"certificate_expiring:{certificate.id}:{days}"
        users = company_users(certificate.company_id)
        return notify_all(users, NotificationKind.CERTIFICATE_EXPIRING, key, params, link_path("supplier.certificates"))

    return _in_batches(certificates, _each(tell))


def allocations_expiring(today: date) -> int:
    """The institution's buyers, ALLOCATION_EXPIRY_DAYS before an allocation with money left stops."""
    until = today + timedelta(days=rules.ALLOCATION_EXPIRY_DAYS)
    allocations = db.session.scalars(
        select(Allocation)
        .where(
            Allocation.status == AllocationStatus.ACTIVE,
            Allocation.valid_until == until,
            Allocation.ordered_krw < Allocation.amount_krw,
        )
        .options(selectinload(Allocation.application).selectinload(Application.product), selectinload(Allocation.round))
    ).all()

    def tell(allocation) -> int:
        product = allocation.application.product
        params = {
            "round": allocation.round.code,
            "product_ko": product.name_ko,
            "product_en": product.name_en or product.name_ko,
            "until": until.isoformat(),
        }
        key = f"allocation_expiring:{allocation.id}:{until.isoformat()}"
        buyers = institution_buyers(allocation.institution_id)
        return notify_all(
            buyers, NotificationKind.ALLOCATION_EXPIRING, key, params, link_path("buyer.selected_products")
        )

    return _in_batches(allocations, _each(tell))


def evaluations_due(today: date) -> int:
    """The institution's buyers, EVALUATION_REMINDER_DAYS before an accepted order's evaluation is due."""
    inspected_on = today + timedelta(days=rules.EVALUATION_REMINDER_DAYS - rules.EVALUATION_DUE_DAYS)
    orders = db.session.scalars(
        select(Order)
        .where(
            Order.status == OrderStatus.INSPECTED,
            Order.inspection_result == InspectionResult.ACCEPTED,
            Order.inspected_on == inspected_on,
        )
        .options(selectinload(Order.product))
    ).all()

    def tell(order) -> int:
        due = rules.evaluation_due_on(inspected_on)
        params = {
            "order": order.number,
            "product_ko": order.product.name_ko,
            "product_en": order.product.name_en or order.product.name_ko,
            "due": due.isoformat(),
        }
        link = link_path("buyer.evaluate_order", order_id=order.id)
        buyers = institution_buyers(order.institution_id)
        return notify_all(buyers, NotificationKind.EVALUATION_DUE, f"evaluation_due:{order.id}", params, link)

    return _in_batches(orders, _each(tell))


def daily_digest(moment: datetime) -> int:
    """Ministry staff, once a Seoul day from DIGEST_HOUR: what waits for their review (nothing if nothing)."""
    if moment.astimezone(SEOUL).hour < DIGEST_HOUR:
        return 0
    counts = {
        "companies": _count(Company, Company.status == CompanyStatus.PENDING),
        "certificates": _count(Certificate, Certificate.status == CertificateStatus.PENDING),
        "institutions": _count(Institution, Institution.status == InstitutionStatus.PENDING),
    }
    if not any(counts.values()):
        db.session.commit()
        return 0
    key, link = f"digest:{seoul_date(moment).isoformat()}", link_path("ministry.dashboard")
    begin_write()
    told = notify_all(ministry_staff(), NotificationKind.DAILY_DIGEST, key, counts, link)
    db.session.commit()
    return told


def _count(model, condition) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model).where(condition)) or 0)
