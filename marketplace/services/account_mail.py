"""Accounts by mail: password reset, confirming an address (on registration and on change), mail settings.

Every form here answers the same whether or not an address has an account: what differs is only the
mail that goes out (a link to the account's owner, or a notice). Links are single use and expire.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from werkzeug.security import check_password_hash

from ..database import begin_write
from ..domain.errors import N_, DomainError, NotFound
from ..domain.states import Language, TokenPurpose
from ..extensions import db
from ..models import User
from ..models.types import utcnow
from .accounts import find_user_by_email, normalise_email
from .audit import record_event
from .links import public_url
from .outbox import queue_mail, request_delivery
from .passwords import check_password, hash_password
from .tokens import issue_token, revoke_tokens, token_hash, valid_token


class WrongPassword(DomainError):
    """The current password given to confirm a change is not the account's."""


def _minutes(setting: str) -> int:
    return int(current_app.config[setting])


def request_password_reset(email: str, *, now: datetime | None = None) -> None:
    """Mail a reset link to the account with this address, if there is an active one; else do nothing.

    The caller answers the same either way.
    """
    now = now or utcnow()
    begin_write()
    user = find_user_by_email(email)
    if user is None or not user.active:
        db.session.commit()
        return
    minutes = _minutes("PASSWORD_RESET_MINUTES")
    token = issue_token(user, TokenPurpose.RESET_PASSWORD, now, timedelta(minutes=minutes))
    context = {"link": public_url("auth.reset_password", token=token), "minutes": minutes}
    queue_mail(user, "password_reset", context, f"password_reset:{token_hash(token)[:24]}")
    db.session.commit()
    request_delivery()


def user_for_reset(token: str, *, now: datetime | None = None) -> User:
    """The user a reset link belongs to; InvalidToken when unknown, used, superseded or expired."""
    return valid_token(token, TokenPurpose.RESET_PASSWORD, now or utcnow()).user


def reset_password(token: str, password: str, *, now: datetime | None = None) -> User:
    """Set a new password through a reset link; the link and every session of the account stop working.

    The link came by mail, so it confirms the address too. Raises InvalidToken or WeakPassword.
    """
    now = now or utcnow()
    email = user_for_reset(token, now=now).email
    check_password(password, email=email)
    new_hash = hash_password(password)  # slow by design: before the write lock
    begin_write()
    row = valid_token(token, TokenPurpose.RESET_PASSWORD, now)
    user = row.user
    row.used_at = now
    user.password_hash = new_hash
    user.session_version += 1
    user.email_confirmed_at = user.email_confirmed_at or now
    user.failed_logins, user.login_retry_at = 0, None
    revoke_tokens(user.id, TokenPurpose.RESET_PASSWORD, now)
    record_event(user, "user.password_reset", user)
    db.session.commit()
    return user


def send_confirmation(user: User, address: str, now: datetime, template: str = "confirm_email") -> None:
    """Queue a link that proves `address` belongs to the user (inside the caller's write transaction)."""
    hours = _minutes("EMAIL_CONFIRM_HOURS")
    token = issue_token(user, TokenPurpose.CONFIRM_EMAIL, now, timedelta(hours=hours), email=address)
    context = {"link": public_url("auth.confirm_email", token=token), "hours": hours, "address": address}
    queue_mail(user, template, context, f"confirm_email:{token_hash(token)[:24]}", address=address)


def confirm_email(token: str, *, now: datetime | None = None) -> User:
    """Use a confirmation link: the address is proven, and replaces the account's address if it was a change.

    Raises InvalidToken, or DomainError when another account took the address meanwhile.
    """
    now = now or utcnow()
    begin_write()
    row = valid_token(token, TokenPurpose.CONFIRM_EMAIL, now)
    user, address = row.user, normalise_email(row.email or row.user.email)
    other = find_user_by_email(address)
    if other is not None and other.id != user.id:
        raise DomainError(N_("Another account uses this address now. Choose another one."))
    before = user.email
    row.used_at = now
    user.email, user.email_confirmed_at = address, now
    if user.pending_email == address:
        user.pending_email = None
    if before != address:
        revoke_tokens(user.id, TokenPurpose.RESET_PASSWORD, now)  # links sent to the old address
    record_event(user, "user.email_confirmed", user, before={"email": before}, after={"email": address})
    db.session.commit()
    return user


def request_email_change(user: User, new_email: str, password: str, *, now: datetime | None = None) -> None:
    """Keep `new_email` as the pending address and mail it a confirmation link; the old address keeps
    working until the link is used, and is told of the change. An address that already has an account
    gets a notice instead of a link, and the answer is the same. Raises DomainError for a wrong password.
    """
    now = now or utcnow()
    address, user_id = normalise_email(new_email), user.id
    if not (user.password_hash and check_password_hash(user.password_hash, password)):
        raise WrongPassword(N_("Your current password is not correct."))
    begin_write()
    locked = db.session.get(User, user_id)
    if locked is None:
        raise NotFound(N_("There is no such account."))
    user = locked
    if address == user.email:
        raise DomainError(N_("This is already your address."))
    owner = find_user_by_email(address)
    if owner is not None:
        context = {"login_url": public_url("auth.login")}
        queue_mail(owner, "address_in_use", context, f"address_in_use:{user.id}:{now.isoformat()}")
    else:
        user.pending_email = address
        send_confirmation(user, address, now, "confirm_new_email")
        context = {"new_address": address}
        queue_mail(user, "email_change_notice", context, f"email_change:{user.id}:{now.isoformat()}")
    record_event(user, "user.email_change_requested", user, after={"email": address})
    db.session.commit()
    request_delivery()


def unsubscribe(user_id: int) -> User:
    """Turn the user's notification mails off (account mails still come). Raises NotFound."""
    begin_write()
    user = db.session.scalar(select(User).where(User.id == user_id))
    if user is None:
        raise NotFound(N_("There is no such account."))
    if not user.notifications_off:
        user.notifications_off = True
        record_event(user, "user.notifications_off", user)
    db.session.commit()
    return user


def set_mail_settings(user_id: int, language: str, notifications: bool) -> None:
    """The language the user's mails are written in, and whether notification mails come."""
    if language not in tuple(Language):
        raise DomainError(N_("Choose a language from the list."))
    begin_write()
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(N_("There is no such account."))
    user.language, user.notifications_off = language, not notifications
    db.session.commit()
