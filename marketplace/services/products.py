"""Products: create, edit, list and delist; the search text and the public listing rule."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import selectinload

from ..database import begin_write
from ..domain.errors import N_, DomainError
from ..domain.reference import CATEGORIES
from ..domain.states import CertificateStatus, CompanyStatus, ProductStatus
from ..domain.suppliers import CertificateFacts, check_listable, product_step
from ..extensions import db
from ..models import Certificate, Company, Product, User, product_certificates
from .audit import record_event
from .ownership import own_company, own_row
from .pages import Page, paginate

EDITABLE_FIELDS = ("name_ko", "name_en", "model", "description", "specification", "category", "unit_price_krw", "unit")
LINKABLE_STATUSES = (CertificateStatus.PENDING, CertificateStatus.VERIFIED)


@dataclass
class ProductInput:
    name_ko: str
    category: str
    unit_price_krw: int
    unit: str
    name_en: str = ""
    model: str = ""
    description: str = ""
    specification: str = ""
    certificate_ids: list[int] = field(default_factory=list)


def build_search_text(product: Product) -> str:
    """Lower-cased text searched by the catalogue: the product, its company and its certificate types."""
    company = product.company
    parts = [product.name_ko, product.name_en, product.model, product.description, product.specification]
    if company is not None:
        parts += [company.name_ko, company.name_en]
    for certificate in product.certificates:
        kind = certificate.type
        if kind is not None:
            parts += [kind.name_ko, kind.name_en, kind.code]
    return " ".join(p.strip() for p in parts if p and p.strip()).lower()


def refresh_search_text(products) -> None:
    """Rebuild Product.search_text for the given products (company or certificate names changed)."""
    for product in products:
        product.search_text = build_search_text(product)


def listed_condition(today: date):
    """SQL condition for "publicly listed on `today`": the one rule the catalogue and this module share.

    status 'listed' AND company approved AND a linked certificate verified with
    issued_on <= today <= expires_on. Use it in WHERE: select(Product).where(listed_condition(today)).
    """
    approved = exists().where(Company.id == Product.company_id, Company.status == CompanyStatus.APPROVED)
    return and_(Product.status == ProductStatus.LISTED, approved, has_valid_certificate(today))


def has_valid_certificate(today: date):
    """SQL condition: the product has a linked certificate verified and valid on `today` (not revoked,
    issued_on <= today <= expires_on)."""
    # An uncorrelated IN (...) is computed once; a correlated EXISTS let SQLite walk every valid certificate
    # for each product (about 1.5 s for 5,000 products instead of a few milliseconds).
    return Product.id.in_(
        select(product_certificates.c.product_id)
        .join(Certificate, Certificate.id == product_certificates.c.certificate_id)
        .where(
            Certificate.status == CertificateStatus.VERIFIED,
            Certificate.issued_on <= today,
            Certificate.expires_on >= today,
        )
    )


def is_public(product: Product, today: date) -> bool:
    """The same rule as listed_condition, for a product already loaded."""
    return (
        product.status == ProductStatus.LISTED
        and product.company.status == CompanyStatus.APPROVED
        and any(c.is_valid_on(today) for c in product.certificates)
    )


def supplier_products(user: User, *, page: int, per_page: int) -> Page[Product]:
    """The supplier's products, newest first, with certificates loaded (no N+1 in the list page)."""
    company = own_company(user)
    return paginate(
        select(Product)
        .where(Product.company_id == company.id)
        .order_by(Product.id.desc())
        .options(selectinload(Product.certificates).selectinload(Certificate.type)),
        page=page,
        per_page=per_page,
    )


def linkable_certificates(user: User) -> list[Certificate]:
    """Certificates of the supplier's company that a product may be linked to."""
    company = own_company(user)
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.company_id == company.id, Certificate.status.in_(LINKABLE_STATUSES))
            .options(selectinload(Certificate.type))
            .order_by(Certificate.id)
        )
    )


def own_product(user: User, product_id: int, *, lock: bool = False) -> Product:
    """The product if it belongs to the user's company; raise NotFound otherwise."""
    return own_row(Product, user, product_id, lock=lock)


def _checked_certificates(data: ProductInput, company: Company) -> list[Certificate]:
    """Validate the input before anything is changed; return the certificates to link."""
    if data.category not in CATEGORIES:
        raise DomainError(N_("Choose a category from the list."))
    wanted = set(data.certificate_ids)
    chosen = list(db.session.scalars(select(Certificate).where(Certificate.id.in_(wanted)))) if wanted else []
    if len(chosen) != len(wanted) or any(
        c.company_id != company.id or c.status not in LINKABLE_STATUSES for c in chosen
    ):
        raise DomainError(N_("Choose certificates of your own company that are not rejected or revoked."))
    return chosen


def _apply(product: Product, data: ProductInput, certificates: list[Certificate]) -> None:
    for name in EDITABLE_FIELDS:
        value = getattr(data, name)
        setattr(product, name, value.strip() if isinstance(value, str) else value)
    product.certificates = certificates
    product.search_text = build_search_text(product)


def _snapshot(product: Product) -> dict:
    out = {name: getattr(product, name) for name in EDITABLE_FIELDS}
    out["certificate_ids"] = sorted(c.id for c in product.certificates)
    out["status"] = product.status
    return out


def create_product(user: User, data: ProductInput) -> Product:
    """Add a draft product to the supplier's company; raise DomainError for bad input."""
    begin_write()
    company = own_company(user)
    certificates = _checked_certificates(data, company)
    with db.session.no_autoflush:  # the product is complete only after _apply
        product = Product(company=company, status=ProductStatus.DRAFT)
        db.session.add(product)
        _apply(product, data, certificates)
    record_event(user, "product.created", product, after=_snapshot(product))
    db.session.commit()
    return product


def update_product(user: User, product_id: int, data: ProductInput) -> Product:
    """Edit the supplier's own product; raise NotFound for another company's product."""
    begin_write()
    product = own_product(user, product_id, lock=True)
    certificates = _checked_certificates(data, product.company)
    before = _snapshot(product)
    with db.session.no_autoflush:
        _apply(product, data, certificates)
    record_event(user, "product.updated", product, before=before, after=_snapshot(product))
    db.session.commit()
    return product


def change_product_status(user: User, product_id: int, action: str, today: date) -> Product:
    """List or delist the supplier's product.

    Listing needs an approved company and a linked certificate valid today; raises ListingRefused
    (with the reason), TransitionRefused, or NotFound.
    """
    begin_write()
    product = own_product(user, product_id, lock=True)
    target = product_step(action, product.status)
    if target == ProductStatus.LISTED:
        facts = [CertificateFacts(c.status, c.issued_on, c.expires_on) for c in product.certificates]
        check_listable(product.company.status, facts, today)
    before = product.status
    product.status = target
    record_event(user, f"product.{target}", product, before={"status": before}, after={"status": target})
    db.session.commit()
    return product
