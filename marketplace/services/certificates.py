"""A supplier's certificates: upload with the scan, list, and the file for download."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..database import begin_write
from ..domain.errors import N_, DomainError, NotFound
from ..domain.states import CertificateStatus, CompanyStatus, UserRole
from ..domain.suppliers import check_certificate_dates, check_deletable
from ..domain.uploads import UnapprovedAllowance
from ..extensions import db
from ..models import Certificate, CertificateType, Company, StoredFile, User, product_certificates
from . import notices
from .audit import record_event
from .clock import seoul_today
from .files import new_stored_file
from .outbox import request_delivery
from .ownership import own_company, own_row
from .pages import Page, paginate


class DuplicateCertificate(DomainError):
    """The company already has a certificate of this type with this number."""


@dataclass
class CertificateInput:
    type_id: int
    number: str
    issuer: str
    issued_on: date
    expires_on: date


def certificate_types() -> list[CertificateType]:
    return list(
        db.session.scalars(
            select(CertificateType).where(CertificateType.active.is_(True)).order_by(CertificateType.sort_order)
        )
    )


def supplier_certificates(user: User, *, page: int, per_page: int) -> Page[Certificate]:
    """The user's company's certificates, newest first, with type, file and products."""
    company = own_company(user)
    return paginate(
        select(Certificate)
        .where(Certificate.company_id == company.id)
        .order_by(Certificate.id.desc())
        .options(selectinload(Certificate.type), selectinload(Certificate.file), selectinload(Certificate.products)),
        page=page,
        per_page=per_page,
    )


def add_certificate(
    user: User,
    data: CertificateInput,
    upload: bytes,
    filename: str,
    *,
    max_bytes: int,
    allowance: UnapprovedAllowance,
    today: date | None = None,
) -> Certificate:
    """Add a pending certificate with its scan; both are saved together or not at all.

    A company not yet approved may hold only `allowance` (a number of scans and their total size).
    Raises UploadRefused (size, kind, allowance), DuplicateCertificate, DomainError (dates, expired, type).
    """
    begin_write()
    company = own_company(user)
    check_certificate_dates(data.issued_on, data.expires_on, today or seoul_today())
    kind = db.session.get(CertificateType, data.type_id)
    if kind is None or not kind.active:
        raise DomainError(N_("Choose a certificate type from the list."))
    number = data.number.strip()
    if db.session.scalar(
        select(Certificate.id).where(
            Certificate.company_id == company.id, Certificate.type_id == kind.id, Certificate.number == number
        )
    ):
        raise DuplicateCertificate(
            N_("Your company already has a %(type)s certificate numbered %(number)s."), type=kind.code, number=number
        )
    if company.status != CompanyStatus.APPROVED:
        allowance.check(*_held_scans(company), len(upload))
    stored = new_stored_file(user, upload, filename, max_bytes=max_bytes)
    certificate = Certificate(
        company=company,
        type=kind,
        number=number,
        issuer=data.issuer.strip(),
        issued_on=data.issued_on,
        expires_on=data.expires_on,
        status=CertificateStatus.PENDING,
        file=stored,
    )
    db.session.add(certificate)
    try:
        record_event(
            user,
            "certificate.uploaded",
            certificate,
            after={
                "type": kind.code,
                "number": number,
                "issued_on": data.issued_on.isoformat(),
                "expires_on": data.expires_on.isoformat(),
                "sha256": stored.sha256,
                "file": stored.storage_name,
            },
        )
        db.session.flush()
        notices.certificate_waiting(certificate, company)
        db.session.commit()
    except IntegrityError as error:  # a concurrent upload of the same number
        db.session.rollback()
        raise DuplicateCertificate(
            N_("Your company already has a %(type)s certificate numbered %(number)s."), type=kind.code, number=number
        ) from error
    request_delivery()
    return certificate


def _held_scans(company: Company) -> tuple[int, int]:
    """The company's certificates and their scans' bytes, counted under a lock on the company's row.

    The lock (a no-op on SQLite, where begin_write already holds the database) keeps two uploads
    at once from both fitting in the last place.
    """
    db.session.execute(select(Company.id).where(Company.id == company.id).with_for_update())
    count, total = db.session.execute(
        select(func.count(Certificate.id), func.coalesce(func.sum(StoredFile.size), 0))
        .select_from(Certificate)
        .outerjoin(StoredFile, StoredFile.id == Certificate.file_id)
        .where(Certificate.company_id == company.id)
    ).one()
    return count, total


def certificate_file(user: User, certificate_id: int) -> tuple[Certificate, StoredFile, bytes]:
    """The scan of a certificate for its own supplier or ministry staff; raise NotFound otherwise."""
    if user.role == UserRole.MINISTRY:
        certificate = db.session.get(Certificate, certificate_id)
        if certificate is None:
            raise NotFound(N_("This item does not exist or belongs to another company."))
    elif user.role == UserRole.SUPPLIER:
        certificate = own_row(Certificate, user, certificate_id)
    else:
        raise NotFound(N_("This item does not exist or belongs to another company."))
    if certificate.file is None:
        raise NotFound(N_("No file was uploaded for this certificate."))
    return certificate, certificate.file, certificate.file.data


def delete_certificate(user: User, certificate_id: int) -> None:
    """Delete the company's own certificate, not yet verified or rejected, that no product names; its scan
    goes with it and its number is free again. Raises NotFound or TransitionRefused."""
    begin_write()
    certificate = own_row(Certificate, user, certificate_id, lock=True)
    products = db.session.execute(
        select(func.count())
        .select_from(product_certificates)
        .where(product_certificates.c.certificate_id == certificate.id)
    ).scalar_one()
    check_deletable(certificate.status, products)
    record_event(
        user,
        "certificate.deleted",
        certificate,
        before={"type": certificate.type.code, "number": certificate.number, "status": certificate.status},
    )
    stored = certificate.file
    db.session.delete(certificate)
    if stored is not None:
        db.session.flush()
        db.session.delete(stored)
    db.session.commit()
