"""Institutions, buyer invitations by one-time link, and institutions' requests to join."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..database import begin_write
from ..domain.errors import N_, DomainError, NotFound
from ..domain.reference import INSTITUTION_KIND_LABELS, REGIONS
from ..domain.states import ConsentContext, InstitutionStatus, TokenPurpose, UserRole
from ..extensions import db
from ..models import Institution, User
from ..models.types import utcnow
from . import notices
from .accounts import find_user_by_email, new_user, normalise_email
from .audit import record_event
from .links import public_url
from .outbox import queue_mail, request_delivery
from .pages import Page, paginate
from .passwords import check_password, hash_password
from .privacy import record_consent
from .tokens import InvalidToken, issue_token, token_hash, valid_token

__all__ = ["InvalidToken"]  # the set-password view catches it from here
TOKEN_HOURS = 72
CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]{1,19}$")


@dataclass(frozen=True)
class InstitutionData:
    code: str
    name_ko: str
    name_en: str
    kind: str
    region: str


def _check(data: InstitutionData, institution_id: int | None = None) -> InstitutionData:
    code = data.code.strip().upper()
    if not CODE_PATTERN.match(code):
        raise DomainError(N_("Use 2 to 20 capital letters, digits, - or _ for the code."))
    if not data.name_ko.strip():
        raise DomainError(N_("Enter the Korean name."))
    if data.kind not in INSTITUTION_KIND_LABELS or data.region not in REGIONS:
        raise DomainError(N_("Choose the type and region from the lists."))
    clash = db.session.scalar(select(Institution.id).where(Institution.code == code))
    if clash is not None and clash != institution_id:
        raise DomainError(N_("An institution with the code %(code)s already exists."), code=code)
    return InstitutionData(code, data.name_ko.strip(), data.name_en.strip(), data.kind, data.region)


def create_institution(actor: User, data: InstitutionData) -> Institution:
    """Add an active institution; raises DomainError for a bad or duplicate code."""
    begin_write()
    data = _check(data)
    institution = Institution(**data.__dict__, status=InstitutionStatus.ACTIVE)
    db.session.add(institution)
    db.session.flush()
    record_event(actor, "institution.created", institution, after=data.__dict__, institution_id=institution.id)
    db.session.commit()
    return institution


def update_institution(actor: User, institution_id: int, data: InstitutionData) -> Institution:
    begin_write()
    institution = get_institution(institution_id, lock=True)
    data = _check(data, institution_id)
    before = {k: getattr(institution, k) for k in data.__dict__}
    for key, value in data.__dict__.items():
        setattr(institution, key, value)
    record_event(
        actor,
        "institution.updated",
        institution,
        before=before,
        after=data.__dict__,
        institution_id=institution.id,
    )
    db.session.commit()
    return institution


def get_institution(institution_id: int, *, lock: bool = False) -> Institution:
    """The institution with its MOUs and buyers; with lock, its row is locked (PostgreSQL) for the checks
    of a write transaction. Raises NotFound."""
    query = (
        select(Institution)
        .options(selectinload(Institution.mous), selectinload(Institution.buyers))
        .where(Institution.id == institution_id)
    )
    if lock:
        query = query.with_for_update(of=Institution).execution_options(populate_existing=True)
    institution = db.session.scalar(query)
    if institution is None:
        raise NotFound(N_("There is no such institution."))
    return institution


def institutions_page(status: str | None, *, page: int, per_page: int) -> Page[Institution]:
    """Institutions by status then code, with their MOUs and buyers; only of `status` when given."""
    query = select(Institution).options(selectinload(Institution.mous), selectinload(Institution.buyers))
    if status:
        query = query.where(Institution.status == status)
    return paginate(query.order_by(Institution.status, Institution.code, Institution.id), page=page, per_page=per_page)


def _invite(actor: User | None, user: User, institution: Institution, now: datetime) -> str:
    """A new set-password link for the user (older ones stop working), mailed to them; returns the raw token."""
    token = issue_token(user, TokenPurpose.SET_PASSWORD, now, timedelta(hours=TOKEN_HOURS))
    link = public_url("auth.set_password", token=token)
    context = {"link": link, "hours": TOKEN_HOURS, "institution": institution, "inviter": actor}
    queue_mail(user, "invitation", context, f"invitation:{token_hash(token)[:24]}")
    return token


def invite_buyer(
    actor: User, institution_id: int, email: str, name: str, *, now: datetime | None = None
) -> tuple[User, str]:
    """Create a buyer of the institution (no password yet), mail them a set-password link and return its token.

    Staff see the link only while mail is kept for development; a new invitation to the same e-mail of a
    buyer who never set a password issues a fresh link instead of failing.
    """
    begin_write()
    now = now or utcnow()
    institution = get_institution(institution_id, lock=True)
    if institution.status != InstitutionStatus.ACTIVE:
        raise DomainError(N_("Approve the institution before inviting its buyers."))
    existing = find_user_by_email(email)
    if existing is not None and (existing.password_hash or existing.institution_id != institution.id):
        raise DomainError(N_("An account with this e-mail address already exists."))
    if not (name or "").strip():
        raise DomainError(N_("Enter the buyer's name."))
    user = existing or new_user(
        email=email, name=name, role=UserRole.BUYER, password=None, institution_id=institution.id
    )
    user.active = True
    db.session.flush()
    token = _invite(actor, user, institution, now)
    record_event(actor, "buyer.invited", user, after={"email": user.email}, institution_id=institution.id)
    db.session.commit()
    request_delivery()
    return user, token


def user_for_token(token: str, *, now: datetime | None = None) -> User:
    """The user a set-password link belongs to; InvalidToken when unknown, used or expired."""
    return valid_token(token, TokenPurpose.SET_PASSWORD, now or utcnow()).user


def set_password_with_token(
    token: str, name: str, password: str, *, notifications: bool = False, now: datetime | None = None
) -> User:
    """Set the invited buyer's name and password, keep their consent to the privacy notice (and their
    choice on notification mail) and use up the link (single use); the link came by mail, so it confirms
    the address too."""
    begin_write()
    now = now or utcnow()
    row = valid_token(token, TokenPurpose.SET_PASSWORD, now)
    user = row.user
    check_password(password, email=user.email)
    row.used_at = now
    user.name = (name or user.name).strip()[:100]
    user.password_hash = hash_password(password)
    user.email_confirmed_at = user.email_confirmed_at or now
    user.session_version += 1
    record_event(user, "user.password_set", user, institution_id=user.institution_id)
    record_consent(user, ConsentContext.INVITATION, notifications, now)
    db.session.commit()
    return user


@dataclass(frozen=True)
class JoinRequest:
    name_ko: str
    name_en: str
    kind: str
    region: str
    contact_name: str
    contact_email: str


def request_to_join(data: JoinRequest) -> Institution | None:
    """A public request: a pending institution that names its contact; no account exists until approval.

    A contact address that already has an account gets the same answer (the form tells no one which
    addresses are registered): nothing is created and the address's owner is mailed a notice instead.
    """
    begin_write()
    if not data.contact_name.strip():
        raise DomainError(N_("Enter the contact person's name."))
    code = f"REQ-{secrets.token_hex(4).upper()}"
    checked = _check(InstitutionData(code, data.name_ko, data.name_en, data.kind, data.region))
    owner = find_user_by_email(data.contact_email)
    if owner is not None:
        context = {"institution_name": checked.name_ko, "login_url": public_url("auth.login")}
        queue_mail(owner, "join_request_existing", context, f"join_existing:{code}")
        db.session.commit()
        request_delivery()
        return None
    institution = Institution(
        **checked.__dict__,
        status=InstitutionStatus.PENDING,
        contact_name=data.contact_name.strip()[:100],
        contact_email=normalise_email(data.contact_email),
    )
    db.session.add(institution)
    db.session.flush()
    record_event(
        None,
        "institution.join_requested",
        institution,
        institution_id=institution.id,
        after={**checked.__dict__, "contact_email": institution.contact_email},
    )
    notices.join_requested(institution)
    db.session.commit()
    request_delivery()
    return institution


def _join_contact(institution: Institution) -> User | None:
    """The requester's buyer account, made at approval (an older request may already have an inactive one)."""
    if not institution.contact_email:
        return None
    existing = find_user_by_email(institution.contact_email)
    if existing is not None and existing.institution_id == institution.id and existing.password_hash is None:
        return existing
    return new_user(
        email=institution.contact_email,
        name=institution.contact_name,
        role=UserRole.BUYER,
        password=None,
        institution_id=institution.id,
    )


def approve_join(actor: User, institution_id: int, code: str) -> tuple[Institution, User | None, str | None]:
    """Activate a pending institution under its real code, create its contact's account and invite them.

    The set-password link is returned once. Raises EmailTaken when the contact's address already has an
    account elsewhere, DomainError for a decided request or a bad code.
    """
    begin_write()
    institution = get_institution(institution_id, lock=True)
    if institution.status != InstitutionStatus.PENDING:
        raise DomainError(N_("This request has already been decided."))
    data = _check(
        InstitutionData(code, institution.name_ko, institution.name_en, institution.kind, institution.region),
        institution.id,
    )
    contact = _join_contact(institution)  # raises EmailTaken before anything changed
    institution.code, institution.status = data.code, InstitutionStatus.ACTIVE
    token = None
    if contact is not None:
        contact.active = True
        db.session.flush()
        token = _invite(actor, contact, institution, utcnow())
    record_event(actor, "institution.approved", institution, after={"code": data.code}, institution_id=institution.id)
    db.session.commit()
    request_delivery()
    return institution, contact, token


def decline_join(actor: User, institution_id: int, reason: str) -> Institution:
    """Decline a pending request: the institution is suspended and no account is made for its contact."""
    begin_write()
    institution = get_institution(institution_id, lock=True)
    if institution.status != InstitutionStatus.PENDING:
        raise DomainError(N_("This request has already been decided."))
    if not (reason or "").strip():
        raise DomainError(N_("Give the reason for declining."))
    institution.status = InstitutionStatus.SUSPENDED
    record_event(actor, "institution.declined", institution, reason=reason.strip(), institution_id=institution.id)
    db.session.commit()
    return institution


def pending_count() -> int:
    return db.session.execute(
        select(func.count(Institution.id)).where(Institution.status == InstitutionStatus.PENDING)
    ).scalar_one()
