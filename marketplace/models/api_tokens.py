"""API tokens: what an institution's system presents as a Bearer credential; only the secret's SHA-256 is kept."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.states import ApiTokenScope
from ..extensions import Model
from .accounts import User
from .types import BigId, UTCDateTime, check_in, utcnow


class ApiToken(Model):
    """A token a buyer or ministry user made on their account page. It acts with its user's rights,
    limited to reading (scope read) or reading and placing orders (scope write), until it expires or
    is revoked. `prefix` is the secret's first characters, shown in lists so a person can tell tokens apart."""

    __tablename__ = "api_tokens"
    __table_args__ = (check_in("scope", ApiTokenScope),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    prefix: Mapped[str] = mapped_column(String(16))
    secret_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(10))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
