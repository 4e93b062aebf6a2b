"""Companies: self-registration with the first user, the supplier's own company page and dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..database import begin_write
from ..domain.brn import normalise_brn
from ..domain.errors import N_, DomainError, NotFound
from ..domain.reference import REGIONS, SIZE_CLASSES
from ..domain.states import CertificateStatus, CompanyStatus, ConsentContext, UserRole
from ..domain.suppliers import COMPANY_EDITABLE, TransitionRefused
from ..extensions import db
from ..models import Certificate, Company, Product, User
from ..models.types import utcnow
from . import notices
from .account_mail import send_confirmation
from .accounts import find_user_by_email, new_user, normalise_email
from .audit import record_event
from .links import public_url
from .outbox import queue_mail, request_delivery
from .ownership import own_company
from .passwords import check_password, hash_password
from .privacy import record_consent
from .products import listed_condition, refresh_search_text


class DuplicateCompany(DomainError):
    """A company with this business registration number is already registered."""


@dataclass
class CompanyInput:
    name_ko: str
    representative: str
    region: str
    founded_on: date
    size_class: str
    public_supply_krw: int
    public_supply_count: int
    public_supply_as_of: date
    name_en: str = ""


@dataclass
class FirstUserInput:
    name: str
    email: str
    password: str
    notifications: bool = False  # the optional consent to notification mail


FIELDS = (
    "name_ko",
    "name_en",
    "representative",
    "region",
    "founded_on",
    "size_class",
    "public_supply_krw",
    "public_supply_count",
    "public_supply_as_of",
)


def _check(data: CompanyInput, today: date) -> None:
    if data.region not in REGIONS:
        raise DomainError(N_("Choose a region from the list."))
    if data.size_class not in SIZE_CLASSES:
        raise DomainError(N_("Choose a size class from the list."))
    if data.founded_on > today:
        raise DomainError(N_("The founding date cannot be in the future."))
    if data.public_supply_as_of > today:
        raise DomainError(N_("The as-of date of the supply record cannot be in the future."))
    if data.public_supply_count < 0 or data.public_supply_krw < 0:
        raise DomainError(N_("Enter 0 or more."))
    if (data.public_supply_count == 0) != (data.public_supply_krw == 0):
        raise DomainError(N_("Enter both the amount and the number of contracts, or 0 for both."))


def _values(data: CompanyInput) -> dict:
    values = {name: getattr(data, name) for name in FIELDS}
    return {name: value.strip() if isinstance(value, str) else value for name, value in values.items()}


def _snapshot(company: Company) -> dict:
    return {
        name: (value.isoformat() if isinstance(value := getattr(company, name), date) else value)
        for name in (*FIELDS, "brn", "status")
    }


def register_company(
    data: CompanyInput, brn: str, first_user: FirstUserInput, today: date, language: str = "ko"
) -> User | None:
    """Create a pending company and its first supplier user, and mail the address a confirmation link;
    return the user, who signs in once the address is confirmed.

    An address that already has an account creates nothing and returns None: its owner is mailed a
    notice instead, so the form's answer tells no one whether an address is registered.
    Raises InvalidBusinessNumber, DuplicateCompany, WeakPassword or DomainError.
    """
    check_password(first_user.password, email=normalise_email(first_user.email))
    password_hash = hash_password(first_user.password)  # slow by design: before the write lock
    begin_write()
    digits = normalise_brn(brn)
    _check(data, today)
    if db.session.scalar(select(Company.id).where(Company.brn == digits)):
        raise DuplicateCompany(
            N_(
                "A company with this business registration number is already registered. "
                "Ask a colleague who has an account, or contact the ministry."
            )
        )
    owner = find_user_by_email(first_user.email)
    if owner is not None:
        context = {"login_url": public_url("auth.login"), "reset_url": public_url("auth.forgot_password")}
        queue_mail(owner, "registration_existing", context, f"registration_existing:{digits}:{owner.id}")
        db.session.commit()
        request_delivery()
        return None
    return _create_company(data, digits, first_user, password_hash, language)


def _create_company(data: CompanyInput, digits: str, first_user: FirstUserInput, password_hash: str, language: str):
    company = Company(brn=digits, status=CompanyStatus.PENDING, **_values(data))
    db.session.add(company)
    try:
        user = new_user(
            email=first_user.email, name=first_user.name, role=UserRole.SUPPLIER, password=None, company=company
        )
        user.password_hash, user.language = password_hash, language
        db.session.flush()
        record_event(user, "company.registered", company, after=_snapshot(company), company_id=company.id)
        record_event(user, "user.created", user, after={"email": user.email, "role": UserRole.SUPPLIER})
        record_consent(user, ConsentContext.REGISTRATION, first_user.notifications)
        send_confirmation(user, user.email, utcnow())
        notices.company_waiting(company)
        db.session.commit()
    except DomainError:
        db.session.rollback()
        raise
    except IntegrityError as error:  # the same number or e-mail registered at the same moment
        db.session.rollback()
        raise DuplicateCompany(
            N_(
                "A company with this business registration number or an account with "
                "this e-mail address is already registered."
            )
        ) from error
    request_delivery()
    return user


def update_own_company(user: User, data: CompanyInput, today: date) -> Company:
    """Edit the company while pending or rejected; after a rejection this re-submits it (back to pending).

    Raises TransitionRefused once approved or suspended, DomainError for bad input.
    """
    begin_write()
    company = own_company(user)
    if company.status not in COMPANY_EDITABLE:
        raise TransitionRefused(
            N_("An approved company's details are changed by the ministry. Contact the ministry to correct them.")
        )
    _check(data, today)
    before = _snapshot(company)
    for name, value in _values(data).items():
        setattr(company, name, value)
    resubmitted = company.status == CompanyStatus.REJECTED
    if resubmitted:
        company.status = CompanyStatus.PENDING
    refresh_search_text(company.products)
    record_event(
        user,
        "company.resubmitted" if resubmitted else "company.updated",
        company,
        before=before,
        after=_snapshot(company),
        reason=company.status_reason if resubmitted else "",
        company_id=company.id,
    )
    if resubmitted:
        notices.company_waiting(company, again=utcnow())
    db.session.commit()
    if resubmitted:
        request_delivery()
    return company


SUPPLY_RECORD = ("public_supply_krw", "public_supply_count", "public_supply_as_of")


def _company_staff_may_edit(actor: User, company_id: int) -> Company:
    """The company row, locked, when the actor is ministry staff; TransitionRefused or NotFound otherwise."""
    if actor.role != UserRole.MINISTRY:
        raise TransitionRefused(N_("Only ministry staff can change a company's details."))
    company = db.session.get(Company, company_id, with_for_update=True, populate_existing=True)
    if company is None:
        raise NotFound(N_("There is no such company."))
    return company


def _apply_changes(company: Company, data: CompanyInput) -> tuple[dict, dict]:
    """Write the new details; a changed supply record needs confirming again. Returns what changed,
    before and after."""
    before = _snapshot(company)
    for name, value in _values(data).items():
        setattr(company, name, value)
    after = _snapshot(company)
    if any(before[name] != after[name] for name in SUPPLY_RECORD):
        company.public_supply_confirmed_at = None
    refresh_search_text(company.products)
    changed = [k for k, v in before.items() if after[k] != v]
    return {k: before[k] for k in changed}, {k: after[k] for k in changed}


def update_company_by_ministry(actor: User, company_id: int, data: CompanyInput, reason: str, today: date) -> Company:
    """Ministry staff correct a company's details, in any status, with a reason kept in the audit trail.

    A changed public-supply record needs confirming again. Raises NotFound, DomainError for bad input
    or a missing reason.
    """
    begin_write()
    company = _company_staff_may_edit(actor, company_id)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(N_("Give the reason for the change: it is kept in the audit trail."))
    _check(data, today)
    before, after = _apply_changes(company, data)
    record_event(
        actor,
        "company.updated_by_ministry",
        company,
        before=before,
        after=after,
        reason=reason,
        company_id=company.id,
    )
    db.session.commit()
    return company


def dashboard(user: User, today: date) -> dict:
    """The supplier's overview: company, counts by status, public products, and what to do next."""
    company = own_company(user)
    certificates = dict(
        db.session.execute(
            select(Certificate.status, func.count())
            .where(Certificate.company_id == company.id)
            .group_by(Certificate.status)
        ).all()
    )
    products = dict(
        db.session.execute(
            select(Product.status, func.count()).where(Product.company_id == company.id).group_by(Product.status)
        ).all()
    )
    public = db.session.execute(
        select(func.count()).select_from(Product).where(Product.company_id == company.id, listed_condition(today))
    ).scalar_one()
    return {
        "company": company,
        "certificates": certificates,
        "products": products,
        "public": public,
        "next_steps": _next_steps(company.status, certificates, products, public),
    }


# What a supplier whose company is in this state has to do first.
_COMPANY_STEP: dict[str, str] = {
    CompanyStatus.PENDING: "wait_approval",
    CompanyStatus.REJECTED: "fix_and_resubmit",
    CompanyStatus.SUSPENDED: "contact_ministry",
}


def _next_steps(status: str, certificates: dict, products: dict, public: int) -> list[str]:
    steps = [_COMPANY_STEP.get(status), _certificate_step(certificates), _product_step(status, products, public)]
    return [step for step in steps if step]


def _certificate_step(certificates: dict) -> str | None:
    verified, pending = certificates.get(CertificateStatus.VERIFIED), certificates.get(CertificateStatus.PENDING)
    if not verified and not pending:
        return "upload_certificate"
    if pending and not verified:
        return "wait_certificate"
    return None


def _product_step(status: str, products: dict, public: int) -> str | None:
    if not sum(products.values()):
        return "add_product"
    if status == CompanyStatus.APPROVED and not public:
        return "list_product"
    return None
