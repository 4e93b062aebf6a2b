"""The demand-driven track: an institution's need and the suppliers' proposals against it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.states import NeedStatus, ProposalStatus
from ..extensions import Model
from .types import BigId, Money, UTCDateTime, check_in, utcnow

if TYPE_CHECKING:
    from .accounts import User
    from .companies import Company, Product
    from .institutions import Institution
    from .rounds import Application, Round


class Need(Model):
    """A need an institution posts: suppliers propose products against it until its deadline.

    Sending the shortlist makes the round (`round`) whose committee evaluates it: its one institution is the
    need's, with the need's budget, and its applications are the shortlisted proposals.
    """

    __tablename__ = "needs"
    __table_args__ = (
        check_in("status", NeedStatus),
        CheckConstraint("budget_krw > 0", name="budget_positive"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("deadline_at > posted_at", name="deadline_after_posting"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    posted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    problem: Mapped[str] = mapped_column(Text)
    quantity: Mapped[int] = mapped_column(Integer)
    budget_krw: Mapped[int] = mapped_column(Money)
    category: Mapped[str] = mapped_column(String(30), index=True)
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default=NeedStatus.OPEN)
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    shortlist_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"), unique=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # selected, or closed without selection
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawal_reason: Mapped[str] = mapped_column(Text, default="")

    institution: Mapped[Institution] = relationship()
    posted_by: Mapped[User] = relationship()
    round: Mapped[Round | None] = relationship()
    proposals: Mapped[list[NeedProposal]] = relationship(back_populates="need", order_by="NeedProposal.id")


class NeedProposal(Model):
    """A certified supplier's product proposed against a need, one per product and need."""

    __tablename__ = "need_proposals"
    __table_args__ = (
        UniqueConstraint("need_id", "product_id", name="uq_need_proposals_need_product"),
        check_in("status", ProposalStatus),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=ProposalStatus.SUBMITTED)
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    shortlist_reason: Mapped[str] = mapped_column(Text, default="")  # the institution's, shortlisted or not
    # The application of the need's round that carries the proposal to the committee, once shortlisted
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), unique=True)

    need: Mapped[Need] = relationship(back_populates="proposals")
    company: Mapped[Company] = relationship()
    product: Mapped[Product] = relationship()
    application: Mapped[Application | None] = relationship()
