"""Public institutions, their MOUs and the quota ledger."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.states import InstitutionStatus, QuotaEntryKind
from ..extensions import db
from .types import BigId, Money, UTCDateTime, check_in, utcnow

INSTITUTION_KINDS = (
    "central_agency",
    "public_enterprise",
    "quasi_governmental",
    "local_government",
    "education_office",
    "other",
)


class Institution(db.Model):
    __tablename__ = "institutions"
    __table_args__ = (check_in("status", InstitutionStatus),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name_ko: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(30))
    region: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=InstitutionStatus.ACTIVE)
    is_sample: Mapped[bool] = mapped_column(default=False)
    # who asked to join (public form); their account is created only when staff approve
    contact_name: Mapped[str] = mapped_column(String(100), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    buyers: Mapped[list[User]] = relationship(back_populates="institution")  # noqa: F821
    mous: Mapped[list[Mou]] = relationship(back_populates="institution", order_by="Mou.signed_on")


class Mou(db.Model):
    """An institution's MOU; balance_krw caches the ledger sum and changes with each entry."""

    __tablename__ = "mous"
    __table_args__ = (
        CheckConstraint("balance_krw >= 0", name="balance_not_negative"),
        CheckConstraint("committed_krw >= 0", name="committed_not_negative"),
        CheckConstraint("starts_on <= ends_on", name="period"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    number: Mapped[str] = mapped_column(String(50), unique=True)
    signed_on: Mapped[date]
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    committed_krw: Mapped[int] = mapped_column(Money)
    balance_krw: Mapped[int] = mapped_column(Money, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    institution: Mapped[Institution] = relationship(back_populates="mous")
    entries: Mapped[list[QuotaEntry]] = relationship(back_populates="mou", order_by="QuotaEntry.id")


class QuotaEntry(db.Model):
    """One append-only line of an MOU's quota ledger; amount is signed (charges are negative)."""

    __tablename__ = "quota_entries"
    __table_args__ = (
        check_in("kind", QuotaEntryKind),
        CheckConstraint("balance_after >= 0", name="balance_after_not_negative"),
        Index("ix_quota_entries_mou_created", "mou_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    mou_id: Mapped[int] = mapped_column(ForeignKey("mous.id"))
    kind: Mapped[str] = mapped_column(String(20))
    amount_krw: Mapped[int] = mapped_column(Money)
    balance_after: Mapped[int] = mapped_column(Money)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", use_alter=True), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # the ledger's hash chain (services/chains.py): position, the previous entry's hash, this entry's hash
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    mou: Mapped[Mou] = relationship(back_populates="entries")
