"""API tokens: made and revoked on the account page, checked on every API request; only the secret's SHA-256 is kept."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from ..database import begin_write
from ..domain.errors import N_, DomainError, NotFound
from ..domain.states import ApiTokenScope, UserRole
from ..extensions import db
from ..models import ApiToken, User
from ..models.types import utcnow
from .audit import record_event

SECRET_PREFIX = "ppm_"  # noqa: S105 - a marker that makes leaked tokens easy to find, not a secret
PREFIX_CHARS = 12  # shown in lists: the marker and 8 characters of the secret
EXPIRY_DAYS = (30, 90, 180, 365)
MAX_NAME = 80
TOKEN_ROLES = frozenset({UserRole.BUYER, UserRole.MINISTRY})
LAST_USE_PRECISION = timedelta(minutes=1)  # last_used_at is written at most once a minute per token


class TokenRefused(DomainError):
    """The token cannot be made."""


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(user: User, name: str, scope: str, days: int, *, now: datetime | None = None) -> NewToken:
    """Make a token for `user` (a buyer or ministry user); returns it with its secret, which is not kept.

    Raises TokenRefused for another role, an empty or long name, an unknown scope or expiry.
    """
    name = " ".join((name or "").split())
    if user.role not in TOKEN_ROLES:
        raise TokenRefused(N_("Only buyers and ministry staff can make API tokens."))
    if not name or len(name) > MAX_NAME or not name.isprintable():
        raise TokenRefused(N_("Name the token in 1 to %(limit)s characters."), limit=MAX_NAME)
    if scope not in set(ApiTokenScope) or days not in EXPIRY_DAYS:
        raise TokenRefused(N_("Choose a scope and an expiry from the list."))
    moment = now or utcnow()
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    begin_write()
    token = ApiToken(
        user_id=user.id,
        name=name,
        prefix=secret[:PREFIX_CHARS],
        secret_sha256=secret_hash(secret),
        scope=scope,
        expires_at=moment + timedelta(days=days),
        created_at=moment,
    )
    db.session.add(token)
    record_event(
        user,
        "api_token.created",
        token,
        after={"name": name, "scope": scope, "expires_at": token.expires_at.isoformat(), "prefix": token.prefix},
        institution_id=user.institution_id,
    )
    db.session.commit()
    return NewToken(token, secret)


def revoke_token(user: User, token_id: int, *, now: datetime | None = None) -> ApiToken:
    """Revoke one of the user's own tokens (at once, for every request after this one); NotFound otherwise.
    Revoking a revoked token changes nothing."""
    begin_write()
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id).with_for_update()
    )
    if token is None:
        raise NotFound(N_("There is no such token among yours."))
    if token.revoked_at is None:
        token.revoked_at = now or utcnow()
        record_event(user, "api_token.revoked", token, before={"name": token.name}, institution_id=user.institution_id)
    db.session.commit()
    return token


def tokens_of(user_id: int) -> list[ApiToken]:
    """The user's tokens, newest first (revoked and expired ones too: their last use stays visible)."""
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id.desc())))


def authenticate(secret: str, *, now: datetime | None = None) -> ApiToken | None:
    """The live token with this secret, its user loaded; None for an unknown, revoked or expired token or
    an inactive user. Notes the use (at most once a minute, so reads rarely take the write lock)."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 100:
        return None
    moment = now or utcnow()
    row = db.session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.secret_sha256 == secret_hash(secret))
    ).first()
    if row is None:
        return None
    token, user = row
    if not _live(token, user, moment):
        return None
    if token.last_used_at is None or moment - token.last_used_at >= LAST_USE_PRECISION:
        _note_use(token.id, moment)
    return token


def _live(token: ApiToken, user: User, moment: datetime) -> bool:
    """Not revoked, not expired, and its user still active in a role that may hold tokens."""
    return token.revoked_at is None and token.expires_at > moment and user.active and user.role in TOKEN_ROLES


def _note_use(token_id: int, moment: datetime) -> None:
    begin_write()
    db.session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=moment))
    db.session.commit()
