"""Personal information: consent at sign-up, everything held about a person, and closing an account."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from werkzeug.security import check_password_hash

from ..database import begin_write
from ..domain.errors import N_, DomainError
from ..domain.privacy import POLICY_VERSION, ClosingFacts, check_can_close, closed_email, closed_name
from ..domain.states import ApplicationStatus, OrderStatus
from ..extensions import db
from ..models import (
    ApiToken,
    Application,
    Institution,
    LoginFailure,
    Notification,
    NotificationPreference,
    OneTimeToken,
    Order,
    OutboxMail,
    PrivacyConsent,
    Product,
    RecoveryCode,
    User,
)
from ..models.types import utcnow
from . import sign_in
from .audit import record_event
from .sign_in import Attempt, SignInPolicy, check_not_throttled, record_failure, totp_step_matching

# Columns the download names but does not show: secrets that would let someone act as the person, a
# file's bytes (downloaded on its own page), and mail bodies (they may hold a link that works once).
WITHHELD = {
    ("users", "password_hash"),
    ("users", "totp_secret"),
    ("one_time_tokens", "token_sha256"),
    ("recovery_codes", "code_sha256"),
    ("api_tokens", "secret_sha256"),
    ("stored_files", "data"),
    ("outbox_mails", "text_body"),
    ("outbox_mails", "html_body"),
    ("outbox_mails", "unsubscribe_url"),
}
WITHHELD_TEXT = "(held, not shown: a secret or a file)"
OPEN_APPLICATIONS = (ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBLE)
RUNNING_ORDERS = (OrderStatus.PLACED, OrderStatus.DELIVERED)


def record_consent(user: User, context: str, notifications: bool, at: datetime | None = None) -> PrivacyConsent:
    """Keep the person's consent to the current notice (the caller commits); the optional notification
    mail follows the choice made."""
    if user.id is None:
        db.session.flush()
    consent = PrivacyConsent(
        user_id=user.id,
        policy_version=POLICY_VERSION,
        context=context,
        notifications=notifications,
        given_at=at or utcnow(),
    )
    user.notifications_off = not notifications
    db.session.add(consent)
    return consent


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _rows(table, where) -> list[dict]:
    columns = [c for c in table.columns if (table.name, c.name) not in WITHHELD]
    withheld = [c.name for c in table.columns if (table.name, c.name) in WITHHELD]
    result = db.session.execute(select(*columns).where(where).order_by(*table.primary_key.columns)).mappings()
    out = []
    for row in result:
        item = {name: _plain(value) for name, value in row.items()}
        item.update(dict.fromkeys(withheld, WITHHELD_TEXT))
        out.append(item)
    return out


def user_links() -> list[tuple[Any, Any]]:
    """Every (table, column) whose column refers to a user: what the download must cover."""
    users = db.metadata.tables["users"]
    return [
        (table, column)
        for table in db.metadata.sorted_tables
        for column in table.columns
        for key in column.foreign_keys
        if key.column.table is users
    ]


def personal_data(user_id: int) -> dict[str, Any]:
    """Everything the service holds about the person: their account row, every row of any table that
    refers to them (by each referring column), the audit events about their account, and the company
    or institution the account belongs to. Secrets are named, not shown (WITHHELD)."""
    tables = db.metadata.tables
    users = tables["users"]
    sections: dict[str, Any] = {"account": _rows(users, users.c.id == user_id)}
    for table, column in user_links():
        sections[f"{table.name}.{column.name}"] = _rows(table, column == user_id)
    events = tables["audit_events"]
    sections["audit_events.about_account"] = _rows(
        events, (events.c.object_type == "User") & (events.c.object_id == user_id)
    )
    account = sections["account"][0] if sections["account"] else {}
    if account.get("company_id"):
        sections["company"] = _rows(tables["companies"], tables["companies"].c.id == account["company_id"])
    if account.get("institution_id"):
        sections["institution"] = _rows(
            tables["institutions"], tables["institutions"].c.id == account["institution_id"]
        )
    return {"policy_version": POLICY_VERSION, "generated_at": utcnow().isoformat(), "sections": sections}


def _closing_facts(user: User) -> ClosingFacts:
    if user.company_id is None:
        return ClosingFacts(user.closed_at is not None, False, 0, 0)
    others = db.session.scalar(
        select(func.count(User.id)).where(
            User.company_id == user.company_id, User.id != user.id, User.active.is_(True), User.closed_at.is_(None)
        )
    )
    applications = db.session.scalar(
        select(func.count(Application.id)).where(
            Application.company_id == user.company_id, Application.status.in_(OPEN_APPLICATIONS)
        )
    )
    orders = db.session.scalar(
        select(func.count(Order.id))
        .join(Product, Order.product_id == Product.id)
        .where(Product.company_id == user.company_id, Order.status.in_(RUNNING_ORDERS))
    )
    return ClosingFacts(user.closed_at is not None, not others, applications or 0, orders or 0)


def _check_credentials(user: User, correct: bool, checked_hash: str | None, code: str, at: datetime) -> bool:
    """The password (hash unchanged since it was checked) and, with two-step sign-in, a fresh code."""
    if not correct or user.password_hash != checked_hash:
        return False
    if not user.totp_secret:
        return True
    step = totp_step_matching(user.totp_secret, code, at, after_step=user.totp_last_step)
    if step is None:
        return False
    user.totp_last_step = step
    return True


def close_account(
    user_id: int, password: str, code: str, attempt: Attempt, policy: SignInPolicy, *, at: datetime | None = None
) -> None:
    """Close the person's account: refused without the password (and the code with two-step sign-in) or
    while check_can_close refuses; then every session ends, sign-in is refused, the address is free again,
    and personal details are removed everywhere except the program's records (domain/privacy.py
    KEPT_ON_CLOSE). Audit events are never rewritten: the chain still verifies.
    Raises DomainError, AccountCannotClose or TryLater.
    """
    user = db.session.get(User, user_id)
    checked_hash = user.password_hash if user else None
    correct = check_password_hash(checked_hash, password) if checked_hash else False  # before the lock
    begin_write()
    at = at or sign_in.now()  # the sign-in clock: codes and throttling
    user = db.session.scalars(
        select(User).where(User.id == user_id).with_for_update().execution_options(populate_existing=True)
    ).one()
    check_not_throttled(user, attempt, at)
    if not _check_credentials(user, correct, checked_hash, code, at):
        record_failure(user, attempt, policy, at)
        db.session.commit()
        raise DomainError(N_("The password or the code is not correct."))
    check_can_close(_closing_facts(user))
    record_event(user, "user.closed", user)  # names the account by id only: no personal details
    _remove_personal_details(user, at)
    db.session.commit()


def _remove_personal_details(user: User, at: datetime) -> None:
    address = user.email.lower()
    for model in (OneTimeToken, LoginFailure, RecoveryCode, NotificationPreference):
        db.session.execute(delete(model).where(model.user_id == user.id))
    db.session.execute(delete(Notification).where(Notification.recipient_id == user.id))
    # API tokens stay listed in the audit trail by id: revoked, never usable again
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=at)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        delete(OutboxMail).where(or_(OutboxMail.user_id == user.id, func.lower(OutboxMail.recipient) == address))
    )
    # the person asked for their institution to join: the request named them
    db.session.execute(
        update(Institution)
        .where(func.lower(Institution.contact_email) == address)
        .values(contact_name="", contact_email="")
        .execution_options(synchronize_session=False)
    )
    user.email, user.name = closed_email(user.id), closed_name(user.id)
    user.password_hash = user.totp_secret = user.pending_email = None
    user.totp_last_step = None
    user.last_login_at = user.login_retry_at = user.email_confirmed_at = None
    user.failed_logins = 0
    user.active, user.notifications_off, user.closed_at = False, True, at
    user.session_version += 1
