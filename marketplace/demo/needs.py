"""The demo's demand-driven need: an institution's open need with a sample supplier's proposal.

It runs last and only when no need exists yet, dated just after the demo's latest recorded event (never
later than now), so the audit trail stays in time order and the demo's history stays in the past.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from ..domain.needs import NeedInput
from ..domain.states import ProductStatus, UserRole
from ..extensions import db
from ..models import AuditEvent, Need, Product, User
from ..models.types import as_at, utcnow
from ..services import needs

PROBLEM = (
    "(예시) 정수장 여과지의 탁도를 실시간으로 측정하여 응집제 투입량을 자동으로 조절하고자 합니다. "
    "측정 범위 0~100 NTU, 오차 2% 이내, 통신 RS-485 또는 LTE를 요구합니다."
)


def seed() -> list[str]:
    """Post one open need of the first sample buyer, in the category of supplier1's first listed product,
    and propose that product when its certificate is valid today."""
    if db.session.scalar(select(Need.id).limit(1)) is not None:
        return []
    buyer = db.session.scalar(
        select(User).where(User.role == UserRole.BUYER, User.email.like("buyer.%@demo.example")).order_by(User.id)
    )
    supplier = db.session.scalar(select(User).where(User.email == "supplier1@demo.example"))
    if buyer is None or supplier is None:
        return []
    category = db.session.scalar(
        select(Product.category)
        .where(Product.company_id == supplier.company_id, Product.status == ProductStatus.LISTED)
        .order_by(Product.id)
    )
    if category is None:
        return []
    now = utcnow()
    latest = db.session.scalar(select(func.max(AuditEvent.created_at))) or now
    moment = min(latest + timedelta(seconds=1), now)
    deadline = moment.replace(second=0, microsecond=0) + timedelta(days=14)
    with as_at(moment):
        need = needs.post_need(buyer, NeedInput("(예시) 정수장 탁도 센서", PROBLEM, 12, 36_000_000, category, deadline))
        for product in needs.proposable_products(supplier, need)[:1]:
            needs.propose(supplier, need.id, product.id, "(예시) 실시간 탁도 측정, 오차 1% 이내")
    return [f"Sample need {need.number} posted."]
