"""Ministry decisions on companies and certificates, the supply-record confirmation, and the audit trail."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..database import begin_write
from ..domain.errors import N_, DomainError, NotFound
from ..domain.states import CertificateStatus, CompanyStatus, UserRole
from ..domain.suppliers import CERTIFICATE_DECISIONS, COMPANY_DECISIONS, check_verifiable, decide
from ..extensions import db
from ..models import AuditEvent, Certificate, Company, User
from ..models.types import utcnow
from . import notices
from .audit import record_event
from .clock import seoul_today
from .outbox import request_delivery
from .pages import Page, paginate

COMPANY_STATUSES = tuple(CompanyStatus)
CERTIFICATE_STATUSES = tuple(CertificateStatus)


def _get(model, row_id: int):
    """The row, locked for the decision (PostgreSQL; SQLite's write lock already covers it)."""
    row = db.session.get(model, row_id, with_for_update=True, populate_existing=True)
    if row is None:
        raise NotFound(N_("This item does not exist or belongs to another company."))
    return row


def _require_ministry(actor: User) -> None:
    if actor.role != UserRole.MINISTRY:
        raise DomainError(N_("Only ministry staff can take this decision."))


def pending_counts() -> dict:
    return {
        "companies": db.session.scalar(
            select(func.count()).select_from(Company).where(Company.status == CompanyStatus.PENDING)
        ),
        "certificates": db.session.scalar(
            select(func.count()).select_from(Certificate).where(Certificate.status == CertificateStatus.PENDING)
        ),
    }


def companies(status: str | None, *, page: int, per_page: int) -> Page[Company]:
    """Companies newest first, of one status (any other value: all)."""
    query = select(Company).order_by(Company.created_at.desc(), Company.id.desc())
    if status in COMPANY_STATUSES:
        query = query.where(Company.status == status)
    return paginate(query, page=page, per_page=per_page)


def company_detail(company_id: int) -> Company:
    """A company with its certificates (type, file metadata) and products, loaded in a few queries."""
    company = db.session.scalar(
        select(Company)
        .where(Company.id == company_id)
        .options(
            selectinload(Company.certificates).selectinload(Certificate.type),
            selectinload(Company.certificates).selectinload(Certificate.file),
            selectinload(Company.products),
        )
    )
    if company is None:
        raise NotFound(N_("This item does not exist or belongs to another company."))
    return company


def certificates(status: str | None, *, page: int, per_page: int) -> Page[Certificate]:
    """Certificates oldest first (the queue's order), of one status (any other value: all)."""
    query = (
        select(Certificate)
        .options(selectinload(Certificate.company), selectinload(Certificate.type), selectinload(Certificate.file))
        .order_by(Certificate.created_at, Certificate.id)
    )
    if status in CERTIFICATE_STATUSES:
        query = query.where(Certificate.status == status)
    return paginate(query, page=page, per_page=per_page)


def decide_company(actor: User, company_id: int, action: str, reason: str) -> Company:
    """Approve, reject or suspend a company; reject and suspend need a reason the supplier sees.

    Raises NotFound, TransitionRefused or ReasonRequired.
    """
    begin_write()
    _require_ministry(actor)
    company = _get(Company, company_id)
    target = decide(COMPANY_DECISIONS, action, company.status, reason)
    before = {"status": company.status, "reason": company.status_reason}
    company.status, company.status_reason = target, reason.strip()
    company.decided_at, company.decided_by_id = utcnow(), actor.id
    record_event(
        actor,
        f"company.{target}",
        company,
        before=before,
        after={"status": target, "reason": company.status_reason},
        reason=company.status_reason,
        company_id=company.id,
    )
    notices.company_decided(company)
    db.session.commit()
    request_delivery()
    return company


def decide_certificate(actor: User, certificate_id: int, action: str, reason: str) -> Certificate:
    """Verify, reject or revoke a certificate; reject and revoke need a reason the supplier sees.

    Raises NotFound, TransitionRefused (also for verifying an expired one) or ReasonRequired.
    """
    begin_write()
    _require_ministry(actor)
    certificate = _get(Certificate, certificate_id)
    target = decide(CERTIFICATE_DECISIONS, action, certificate.status, reason)
    check_verifiable(action, certificate.expires_on, seoul_today())
    before = {"status": certificate.status, "reason": certificate.status_reason}
    certificate.status, certificate.status_reason = target, reason.strip()
    certificate.decided_at, certificate.decided_by_id = utcnow(), actor.id
    record_event(
        actor,
        f"certificate.{target}",
        certificate,
        before=before,
        after={"status": target, "reason": certificate.status_reason},
        reason=certificate.status_reason,
    )
    notices.certificate_decided(certificate)
    db.session.commit()
    request_delivery()
    return certificate


def confirm_supply_record(actor: User, company_id: int) -> Company:
    """Record that staff checked the declared public-supply record (amount, count, as-of date)."""
    begin_write()
    _require_ministry(actor)
    company = _get(Company, company_id)
    company.public_supply_confirmed_at = utcnow()
    record = {
        "krw": company.public_supply_krw,
        "count": company.public_supply_count,
        "as_of": company.public_supply_as_of.isoformat(),
    }
    record_event(actor, "company.supply_record_confirmed", company, after=record, company_id=company.id)
    db.session.commit()
    return company


def audit_page(*, action: str | None, company_id: int | None, page: int, per_page: int) -> Page[AuditEvent]:
    """Audit events newest first, filtered by action prefix and company."""
    query = select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    if company_id:
        query = query.where(AuditEvent.company_id == company_id)
    return paginate(query, page=page, per_page=per_page)


def audit_filters() -> tuple[list[str], list[tuple[int, str]]]:
    """The actions and companies the audit-log filter offers."""
    actions = list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
    names = db.session.execute(select(Company.id, Company.name_ko).order_by(Company.name_ko)).all()
    return actions, [(row.id, row.name_ko) for row in names]


def closed_subjects(events) -> set[int]:
    """The ids of events (of these) about an account that has since been closed: their personal details
    are shown blanked (domain/privacy.py masked)."""
    ids = {e.object_id for e in events if e.object_type == "User" and e.object_id}
    if not ids:
        return set()
    closed = set(db.session.scalars(select(User.id).where(User.id.in_(ids), User.closed_at.is_not(None))))
    return {e.id for e in events if e.object_type == "User" and e.object_id in closed}


def actor_names(events) -> dict[int, str]:
    ids = {e.actor_id for e in events if e.actor_id}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())
