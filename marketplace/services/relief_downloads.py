"""Reading audit-relief certificates: an order's versions, who may see them, their PDFs in each language.

A version's own PDF is in the language it was issued in (AuditReliefCertificate.language); the same
version in another language is a ReliefCertificateRendition (same facts, serial and code).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..domain.errors import N_, NotFound
from ..domain.relief import may_issue
from ..domain.states import ReliefStatus, UserRole
from ..extensions import db
from ..models import AuditReliefCertificate, Order, ReliefCertificateRendition, User

Certificate = AuditReliefCertificate
Rendition = ReliefCertificateRendition


def versions_of(order_id: int) -> list[Certificate]:
    """Every version of the order's certificate, oldest first (without their PDFs)."""
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.order_id == order_id)
            .order_by(Certificate.version)
            .execution_options(populate_existing=True)
        )
    )


def languages_of(certificates: list[Certificate]) -> dict[int, list[str]]:
    """Per certificate id, the languages its PDF can be had in: the issuing language first."""
    languages = {c.id: [c.language] for c in certificates}
    if languages:
        rows = db.session.execute(
            select(Rendition.certificate_id, Rendition.language)
            .where(Rendition.certificate_id.in_(languages))
            .order_by(Rendition.language)
        )
        for certificate_id, language in rows:
            languages[certificate_id].append(language)
    return languages


@dataclass(frozen=True)
class OrderRelief:
    """The certificate section of an order page: its versions (with the languages each can be downloaded
    in) and whether the buyer may issue one now."""

    versions: list[Certificate]
    can_issue: bool
    languages: dict[int, list[str]] = field(default_factory=dict)

    @property
    def current(self) -> Certificate | None:
        return self.versions[-1] if self.versions else None


def relief_of(order: Order) -> OrderRelief:
    versions = versions_of(order.id)
    valid = next((v for v in versions if v.status == ReliefStatus.VALID), None)
    return OrderRelief(
        versions,
        may_issue(order.status, bool(order.no_private_interest), valid.order_status if valid else None),
        languages_of(versions),
    )


def order_relief(user: User, order_id: int) -> tuple[Order, OrderRelief]:
    """The order and its certificate section; NotFound for an order the user may not see."""
    order = db.session.get(Order, order_id)
    if order is None or not can_see(user, order):
        raise NotFound(N_("There is no such order among yours."))
    return order, relief_of(order)


def can_see(user: User, order: Order) -> bool:
    """Ministry staff see every order's certificates; a buyer only their institution's."""
    return user.role == UserRole.MINISTRY or (
        user.role == UserRole.BUYER and user.institution_id == order.institution_id
    )


def certificate_file(
    user: User, order_id: int, version: int | None = None, language: str | None = None
) -> tuple[Certificate, bytes] | None:
    """The stored PDF of the order's latest (or given) version, in `language` (by default the one it was
    issued in); None while none (or not that version) has been issued. Raises NotFound for an order the
    user may not see, or a language the version was not printed in (one issued before certificates came
    in every language has its own only)."""
    order = db.session.get(Order, order_id)
    if order is None or not can_see(user, order):
        raise NotFound(N_("There is no such order among yours."))
    query = select(Certificate, Certificate.pdf).where(Certificate.order_id == order_id)
    query = query.where(Certificate.version == version) if version else query.order_by(Certificate.version.desc())
    row = db.session.execute(query.limit(1)).first()
    if row is None:
        return None
    certificate, pdf = row
    if language is None or language == certificate.language:
        return certificate, pdf
    other = db.session.scalar(
        select(Rendition.pdf).where(Rendition.certificate_id == certificate.id, Rendition.language == language)
    )
    if other is None:
        raise NotFound(N_("This certificate was not issued in that language."))
    return certificate, other


def certified_languages(order_ids: list[int]) -> dict[int, list[str]]:
    """For each of these orders that has a certificate, the languages of its latest version (for order lists)."""
    if not order_ids:
        return {}
    latest = (
        select(Certificate.order_id, func.max(Certificate.version).label("version"))
        .where(Certificate.order_id.in_(order_ids))
        .group_by(Certificate.order_id)
        .subquery()
    )
    certificates = db.session.scalars(
        select(Certificate).join(
            latest, (latest.c.order_id == Certificate.order_id) & (latest.c.version == Certificate.version)
        )
    ).all()
    by_id = languages_of(list(certificates))
    return {certificate.order_id: by_id[certificate.id] for certificate in certificates}
