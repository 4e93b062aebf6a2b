"""Suppliers: companies, their certificates, products and uploaded files."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..domain.states import CertificateStatus, CompanyStatus, ProductStatus
from ..extensions import db
from .types import BigId, Money, UTCDateTime, check_in, utcnow

product_certificates = Table(
    "product_certificates",
    db.metadata,
    Column("product_id", ForeignKey("products.id", ondelete="CASCADE"), primary_key=True),
    Column("certificate_id", ForeignKey("certificates.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Company(db.Model):
    __tablename__ = "companies"
    __table_args__ = (
        check_in("status", CompanyStatus),
        CheckConstraint("public_supply_krw >= 0 AND public_supply_count >= 0", name="supply_record"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name_ko: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    brn: Mapped[str] = mapped_column(String(10), unique=True)
    representative: Mapped[str] = mapped_column(String(100))
    region: Mapped[str] = mapped_column(String(20), index=True)
    founded_on: Mapped[date] = mapped_column(index=True)
    size_class: Mapped[str] = mapped_column(String(20))
    public_supply_krw: Mapped[int] = mapped_column(Money, default=0)
    public_supply_count: Mapped[int] = mapped_column(Integer, default=0)
    public_supply_as_of: Mapped[date]
    public_supply_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default=CompanyStatus.PENDING, index=True)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", use_alter=True))
    is_sample: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    users: Mapped[list[User]] = relationship(  # noqa: F821
        back_populates="company", foreign_keys="User.company_id"
    )
    certificates: Mapped[list[Certificate]] = relationship(back_populates="company")
    products: Mapped[list[Product]] = relationship(back_populates="company")


class CertificateType(db.Model):
    """A certificate type that qualifies for the program; the list is editable by the ministry."""

    __tablename__ = "certificate_types"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name_ko: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class StoredFile(db.Model):
    """An uploaded file kept in the database, so every app host sees it."""

    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Certificate(db.Model):
    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("company_id", "type_id", "number", name="uq_certificates_company_type_number"),
        check_in("status", CertificateStatus),
        CheckConstraint("issued_on <= expires_on", name="dates"),
        Index("ix_certificates_validity", "status", "expires_on", "issued_on"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("certificate_types.id"), index=True)
    number: Mapped[str] = mapped_column(String(100))
    issuer: Mapped[str] = mapped_column(String(200))
    issued_on: Mapped[date]
    expires_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(20), default=CertificateStatus.PENDING)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    company: Mapped[Company] = relationship(back_populates="certificates")
    type: Mapped[CertificateType] = relationship()
    file: Mapped[StoredFile | None] = relationship()
    products: Mapped[list[Product]] = relationship(secondary=product_certificates, back_populates="certificates")

    def is_valid_on(self, day: date) -> bool:
        """Verified, not revoked, and issued_on <= day <= expires_on (DESIGN.md section 3)."""
        return self.status == CertificateStatus.VERIFIED and self.issued_on <= day <= self.expires_on


class Product(db.Model):
    __tablename__ = "products"
    __table_args__ = (
        check_in("status", ProductStatus),
        CheckConstraint("unit_price_krw > 0", name="unit_price_positive"),
        Index("ix_products_status_category", "status", "category"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    name_ko: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    model: Mapped[str] = mapped_column(String(100), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    specification: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(30))
    unit_price_krw: Mapped[int] = mapped_column(Money)
    unit: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=ProductStatus.DRAFT)
    # Lower-cased text of the product, its company and certificate types, rebuilt on every change.
    search_text: Mapped[str] = mapped_column(Text, default="")
    image_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    company: Mapped[Company] = relationship(back_populates="products")
    certificates: Mapped[list[Certificate]] = relationship(secondary=product_certificates, back_populates="products")
    image: Mapped[StoredFile | None] = relationship()
