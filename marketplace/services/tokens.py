"""Single-use link tokens (an invitation, a password reset, an address to confirm): only their SHA-256 is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update

from ..domain.errors import N_, DomainError
from ..domain.states import TokenPurpose
from ..extensions import db
from ..models import OneTimeToken, User

EXPIRED = {
    TokenPurpose.SET_PASSWORD: N_("This link has expired. Ask ministry staff for a new one."),
    TokenPurpose.RESET_PASSWORD: N_("This link has expired. Ask for a new one on the forgotten password page."),
    TokenPurpose.CONFIRM_EMAIL: N_("This link has expired. Sign in, or change the address again, for a new one."),
}
NOT_VALID = {
    TokenPurpose.SET_PASSWORD: N_("This link is not valid or has already been used. Ask ministry staff for a new one."),
    TokenPurpose.RESET_PASSWORD: N_(
        "This link is not valid or has already been used. Ask for a new one on the forgotten password page."
    ),
    TokenPurpose.CONFIRM_EMAIL: N_("This link is not valid or has already been used."),
}


class InvalidToken(DomainError):
    """The link is unknown, used, or expired."""


def token_hash(token: str) -> str:
    return hashlib.sha256((token or "").encode("utf-8")).hexdigest()


def revoke_tokens(user_id: int, purpose: TokenPurpose, now: datetime) -> None:
    """Older unused links of this purpose stop working (a new one was sent, or the password changed)."""
    db.session.execute(
        update(OneTimeToken)
        .where(OneTimeToken.user_id == user_id, OneTimeToken.purpose == purpose, OneTimeToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )


def issue_token(user: User, purpose: TokenPurpose, now: datetime, lifetime: timedelta, email: str | None = None) -> str:
    """A new link token for the user (older ones of the purpose stop working); returns the raw token."""
    revoke_tokens(user.id, purpose, now)
    token = secrets.token_urlsafe(32)
    db.session.add(
        OneTimeToken(
            token_sha256=token_hash(token),
            purpose=purpose,
            user_id=user.id,
            expires_at=now + lifetime,
            created_at=now,
            email=email,
        )
    )
    return token


def valid_token(token: str, purpose: TokenPurpose, now: datetime) -> OneTimeToken:
    """The unused, unexpired token row; raises InvalidToken with a message that says what to do."""
    row = db.session.scalar(
        select(OneTimeToken).where(OneTimeToken.token_sha256 == token_hash(token), OneTimeToken.purpose == purpose)
    )
    if row is None or row.used_at is not None or not row.user.active:
        raise InvalidToken(NOT_VALID[purpose])
    if row.expires_at <= now:
        raise InvalidToken(EXPIRED[purpose])
    return row
