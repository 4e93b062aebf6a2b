"""Supplier life-cycle rules: company and certificate decisions, product status, the listing rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .errors import N_, DomainError
from .states import CertificateStatus, CompanyStatus, ProductStatus


class TransitionRefused(DomainError):
    """The object is not in a state that allows this step."""


class ReasonRequired(DomainError):
    """A refusal must say why, so that the supplier can act on it."""


class ListingRefused(DomainError):
    """The product cannot be listed publicly yet."""


# action -> (states it may start from, resulting state, reason required)
COMPANY_DECISIONS = {
    "approve": (
        frozenset({CompanyStatus.PENDING, CompanyStatus.REJECTED, CompanyStatus.SUSPENDED}),
        CompanyStatus.APPROVED,
        False,
    ),
    "reject": (frozenset({CompanyStatus.PENDING}), CompanyStatus.REJECTED, True),
    "suspend": (frozenset({CompanyStatus.APPROVED}), CompanyStatus.SUSPENDED, True),
}
CERTIFICATE_DECISIONS = {
    "verify": (frozenset({CertificateStatus.PENDING, CertificateStatus.REJECTED}), CertificateStatus.VERIFIED, False),
    "reject": (frozenset({CertificateStatus.PENDING}), CertificateStatus.REJECTED, True),
    "revoke": (frozenset({CertificateStatus.VERIFIED}), CertificateStatus.REVOKED, True),
}
PRODUCT_STEPS = {
    "list": (frozenset({ProductStatus.DRAFT, ProductStatus.DELISTED}), ProductStatus.LISTED),
    "delist": (frozenset({ProductStatus.LISTED}), ProductStatus.DELISTED),
}
COMPANY_EDITABLE = frozenset({CompanyStatus.PENDING, CompanyStatus.REJECTED})


def decide(table: dict, action: str, current: str, reason: str) -> str:
    """Return the state a decision leads to; raise TransitionRefused or ReasonRequired."""
    if action not in table:
        raise TransitionRefused(N_("Unknown decision."))
    sources, target, needs_reason = table[action]
    if current not in sources:
        raise TransitionRefused(N_("This decision is not possible in the current status."))
    if needs_reason and not reason.strip():
        raise ReasonRequired(N_("Give a reason: the supplier will see it."))
    return target


def product_step(action: str, current: str) -> str:
    """Return the product status an action leads to; raise TransitionRefused."""
    if action not in PRODUCT_STEPS:
        raise TransitionRefused(N_("Unknown action."))
    sources, target = PRODUCT_STEPS[action]
    if current not in sources:
        raise TransitionRefused(N_("This action is not possible in the current status."))
    return target


@dataclass(frozen=True)
class CertificateFacts:
    status: str
    issued_on: date
    expires_on: date


def certificate_valid_on(cert: CertificateFacts, day: date) -> bool:
    """Verified, not revoked, and issued_on <= day <= expires_on (DESIGN.md section 3)."""
    return cert.status == CertificateStatus.VERIFIED and cert.issued_on <= day <= cert.expires_on


def check_listable(company_status: str, certificates: list[CertificateFacts], today: date) -> None:
    """Raise ListingRefused unless the company is approved and one linked certificate is valid today."""
    if company_status != CompanyStatus.APPROVED:
        raise ListingRefused(N_("Products can be listed once the ministry has approved your company."))
    if not certificates:
        raise ListingRefused(N_("Link a certificate to the product before listing it."))
    if not any(certificate_valid_on(c, today) for c in certificates):
        raise ListingRefused(
            N_(
                "None of the linked certificates is verified and valid today. Upload a valid certificate "
                "and wait for the ministry to verify it."
            )
        )


def check_certificate_dates(issued_on: date, expires_on: date, today: date) -> None:
    """An uploaded certificate must be valid today (Seoul): an expired one could never be verified."""
    if issued_on > expires_on:
        raise DomainError(N_("The expiry date must not be before the issue date."))
    if expires_on < today:
        raise DomainError(
            N_("This certificate expired on %(day)s. Upload a certificate that is still valid."),
            day=expires_on.isoformat(),
        )


def check_verifiable(action: str, expires_on: date, today: date) -> None:
    """Staff cannot verify a certificate that has expired: no product could rest on it."""
    if action == "verify" and expires_on < today:
        raise TransitionRefused(
            N_("This certificate expired on %(day)s and cannot be verified. Reject it with that reason."),
            day=expires_on.isoformat(),
        )


# A certificate its supplier may delete: never verified, and no product names it.
CERTIFICATE_DELETABLE = frozenset({CertificateStatus.PENDING, CertificateStatus.REJECTED})


def check_deletable(status: str, products: int) -> None:
    """Raise TransitionRefused unless the supplier may delete the certificate (its number is then free)."""
    if status not in CERTIFICATE_DELETABLE:
        raise TransitionRefused(N_("Only a certificate not yet verified, or rejected, can be deleted."))
    if products:
        raise TransitionRefused(N_("A product names this certificate: remove it from the product first."))


def may_delete(status: str, products: int) -> bool:
    try:
        check_deletable(status, products)
    except TransitionRefused:
        return False
    return True
