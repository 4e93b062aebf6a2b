"""Pilot purchases, post-use evaluations and audit-relief certificates."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..domain.states import InspectionResult, OrderStatus, ReliefStatus
from ..extensions import Model
from .types import BigId, Money, UTCDateTime, check_in, utcnow

if TYPE_CHECKING:
    from .accounts import User
    from .companies import Certificate, Product
    from .institutions import Institution, Mou
    from .rounds import Allocation


class Order(Model):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("amount_krw > 0", name="amount_positive"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        check_in("status", OrderStatus),
        check_in("inspection_result", InspectionResult),
        Index("ix_orders_institution_status", "institution_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    mou_id: Mapped[int] = mapped_column(ForeignKey("mous.id"), index=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("allocations.id"), index=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_krw: Mapped[int] = mapped_column(Money)
    amount_krw: Mapped[int] = mapped_column(Money)
    contract_method: Mapped[str] = mapped_column(String(30))
    ordered_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(20), default=OrderStatus.PLACED)
    no_private_interest: Mapped[bool] = mapped_column(default=False)
    quota_before_krw: Mapped[int] = mapped_column(Money)
    # What was left of the allocation when the order was recorded (before its amount).
    allocation_before_krw: Mapped[int] = mapped_column(Money)
    # The buyer's reason when the contract date is more than LATE_REGISTRATION_DAYS before the recording
    # (created_at); empty otherwise. A late registration shows on the certificate and in the reports.
    late_reason: Mapped[str] = mapped_column(Text, default="")
    delivered_on: Mapped[date | None]
    inspected_on: Mapped[date | None]
    inspection_result: Mapped[str | None] = mapped_column(String(20))
    inspection_note: Mapped[str] = mapped_column(Text, default="")
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    is_sample: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    institution: Mapped[Institution] = relationship()
    mou: Mapped[Mou] = relationship()
    buyer: Mapped[User] = relationship()
    product: Mapped[Product] = relationship()
    allocation: Mapped[Allocation] = relationship()
    certificate: Mapped[Certificate] = relationship()
    evaluation: Mapped[Evaluation | None] = relationship(back_populates="order", uselist=False)
    relief_certificates: Mapped[list[AuditReliefCertificate]] = relationship(
        back_populates="order", order_by="AuditReliefCertificate.version"
    )


class Evaluation(Model):
    """A buyer's post-use evaluation of an order; scores are 1 to 5."""

    __tablename__ = "evaluations"
    __table_args__ = tuple(
        CheckConstraint(f"{c} BETWEEN 1 AND 5", name=f"{c}_range")
        for c in ("conformance", "quality", "delivery", "support", "overall")
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    conformance: Mapped[int] = mapped_column(Integer)
    quality: Mapped[int] = mapped_column(Integer)
    delivery: Mapped[int] = mapped_column(Integer)
    support: Mapped[int] = mapped_column(Integer)
    overall: Mapped[int] = mapped_column(Integer)
    would_buy_again: Mapped[bool]
    comment: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    order: Mapped[Order] = relationship(back_populates="evaluation")


class AuditReliefCertificate(Model):
    """One version of an order's audit-relief certificate: its facts and PDF are fixed when it is issued.

    valid -> superseded (a newer version was issued; superseded_by names it) | revoked (order cancelled).
    At most one version of an order is valid (a partial unique index backs the issuing use case).
    """

    __tablename__ = "audit_relief_certificates"
    __table_args__ = (
        check_in("status", ReliefStatus),
        check_in("order_status", OrderStatus),
        CheckConstraint("version >= 1", name="version_positive"),
        UniqueConstraint("order_id", "version", name="uq_audit_relief_certificates_order_version"),
        Index(
            "uq_audit_relief_certificates_one_valid",
            "order_id",
            unique=True,
            sqlite_where=text(f"status = '{ReliefStatus.VALID}'"),
            postgresql_where=text(f"status = '{ReliefStatus.VALID}'"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    serial: Mapped[str] = mapped_column(String(30), unique=True)
    # printed beside the serial and in the QR code; /verify shows the facts only to who has it (or the PDF)
    verification_code: Mapped[str] = mapped_column(String(20))
    # the order's status this version states: a new version needs the order to have moved on
    order_status: Mapped[str] = mapped_column(String(20))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    language: Mapped[str] = mapped_column(String(5), default="ko")
    facts_json: Mapped[str] = mapped_column(Text)
    facts_sha256: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    pdf_sha256: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(20), default=ReliefStatus.VALID)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    superseded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("audit_relief_certificates.id", name="fk_relief_certificates_superseded_by")
    )

    order: Mapped[Order] = relationship(back_populates="relief_certificates")
    renditions: Mapped[list[ReliefCertificateRendition]] = relationship(
        back_populates="certificate", order_by="ReliefCertificateRendition.language"
    )


class ReliefCertificateRendition(Model):
    """The same version of a certificate printed in another language than the one it was issued in.

    Same serial, code, facts and facts SHA-256 as its certificate (whose own row holds the PDF in the
    issuing language); its own PDF bytes and their SHA-256, recorded in the issue's audit event and
    accepted by the verification page like the certificate's own. Stored with the certificate, never after.
    """

    __tablename__ = "relief_certificate_renditions"
    __table_args__ = (UniqueConstraint("certificate_id", "language", name="uq_relief_certificate_renditions_language"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    certificate_id: Mapped[int] = mapped_column(
        ForeignKey("audit_relief_certificates.id", name="fk_relief_renditions_certificate_id")
    )
    language: Mapped[str] = mapped_column(String(5))
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    pdf_sha256: Mapped[str] = mapped_column(String(64), index=True)

    certificate: Mapped[AuditReliefCertificate] = relationship(back_populates="renditions")


class ReliefSerialReservation(Model):
    """A serial number held for an order's first audit-relief certificate while its PDF is rendered again.

    Issuing renders outside the write lock with the next free serial; when another certificate took that
    serial meanwhile, the next one is reserved here (under the lock, committed at once) and the PDF is
    rendered with it, so the second render cannot lose its number too. Numbering counts reserved serials
    as taken. The row goes when the certificate is stored, or when the order is cancelled.
    """

    __tablename__ = "relief_serial_reservations"

    serial: Mapped[str] = mapped_column(String(30), primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    reserved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReportDocument(Model):
    """A generated PDF report: what it covered, who asked, and the hash of what was served."""

    __tablename__ = "report_documents"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    document_id: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    params: Mapped[dict] = mapped_column(JSON)
    sha256: Mapped[str] = mapped_column(String(64))
    generated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
