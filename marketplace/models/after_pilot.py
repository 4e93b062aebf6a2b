"""After the pilot: follow-on purchases of pilot products, and corrective actions of their suppliers."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.corrective_actions import action_number
from ..domain.states import CorrectiveActionCause, CorrectiveActionState, FollowOnStatus
from ..extensions import Model
from .types import BigId, Money, UTCDateTime, check_in, utcnow

if TYPE_CHECKING:
    from .accounts import User
    from .companies import Company, Product
    from .institutions import Institution
    from .orders import Order


class FollowOnPurchase(Model):
    """An institution's purchase of a pilot product after its pilot order, outside the quota.

    recorded -> cancelled (by its buyer, with a reason). It never charges the MOU or the allocation.
    """

    __tablename__ = "follow_on_purchases"
    __table_args__ = (
        CheckConstraint("amount_krw > 0", name="amount_positive"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        check_in("status", FollowOnStatus),
        Index("ix_follow_on_purchases_institution_status", "institution_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    contracted_on: Mapped[date]
    quantity: Mapped[int] = mapped_column(Integer)
    amount_krw: Mapped[int] = mapped_column(Money)
    contract_method: Mapped[str] = mapped_column(String(30))
    reference: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20), default=FollowOnStatus.RECORDED)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    order: Mapped[Order] = relationship()
    institution: Mapped[Institution] = relationship()
    product: Mapped[Product] = relationship()
    buyer: Mapped[User] = relationship()


class CorrectiveAction(Model):
    """What a supplier must put right after a poor evaluation or a rejected inspection; one per order.

    opened -> plan_submitted -> accepted | rejected (-> plan_submitted); closed by staff. See
    domain/corrective_actions.py. While one is not accepted or closed, its company cannot apply.
    """

    __tablename__ = "corrective_actions"
    __table_args__ = (
        check_in("state", CorrectiveActionState),
        check_in("cause", CorrectiveActionCause),
        Index("ix_corrective_actions_company_state", "company_id", "state"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # unique: an order opens at most one (an evaluation is recorded once, and a rejected order is never evaluated)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    cause: Mapped[str] = mapped_column(String(30))
    finding: Mapped[str] = mapped_column(Text, default="")  # the score or the inspection note that opened it
    state: Mapped[str] = mapped_column(String(20), default=CorrectiveActionState.OPENED)
    plan: Mapped[str] = mapped_column(Text, default="")
    due_on: Mapped[date | None]
    plan_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    order: Mapped[Order] = relationship()
    company: Mapped[Company] = relationship()
    product: Mapped[Product] = relationship()
    institution: Mapped[Institution] = relationship()

    @property
    def number(self) -> str:
        return action_number(self.id)
