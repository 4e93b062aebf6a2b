"""User accounts, roles, one-time tokens, sign-in throttling and second factors."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import BigInteger, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.states import Language, TokenPurpose, UserRole
from ..extensions import Model
from .types import BigId, UTCDateTime, check_in, utcnow

if TYPE_CHECKING:
    from .companies import Company
    from .institutions import Institution

ROLES = tuple(UserRole)


class User(UserMixin, Model):
    __tablename__ = "users"
    __table_args__ = (check_in("role", UserRole), check_in("language", Language))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"), index=True)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    # failures in a row from any client, and when the next try is allowed (services/sign_in.py)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    login_retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # TOTP second factor: the base32 secret, and the last time step used (a code works once)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # mail: the language it is written in, when the address was proven by a link sent to it (None: not
    # yet; such an account cannot sign in), an address waiting for its link, and "no notifications"
    language: Mapped[str] = mapped_column(String(2), default=Language.KO)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pending_email: Mapped[str | None] = mapped_column(String(254))
    notifications_off: Mapped[bool] = mapped_column(default=False)
    # when the person closed the account: the row stays (orders, certificates and the audit trail name
    # it) with its personal details removed (services/privacy.py close_account)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    company: Mapped[Company | None] = relationship(back_populates="users", foreign_keys=[company_id])
    institution: Mapped[Institution | None] = relationship(back_populates="buyers")

    @property
    def is_active(self) -> bool:  # Flask-Login asks this
        return self.active

    def get_id(self) -> str:
        # Alternative token: bumping session_version ends every session of this user.
        return f"{self.id}:{self.session_version}"


class OneTimeToken(Model):
    """A single-use link token (an invited buyer's password, a password reset, an address to confirm);
    only its hash is stored."""

    __tablename__ = "one_time_tokens"
    __table_args__ = (check_in("purpose", TokenPurpose),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(30))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # the address a confirm_email link proves (it replaces the account's address when used)
    email: Mapped[str | None] = mapped_column(String(254))

    user: Mapped[User] = relationship()


class LoginFailure(Model):
    """Failed sign-ins (or second-factor codes) of one account from one client, and its next allowed try."""

    __tablename__ = "login_failures"
    __table_args__ = (UniqueConstraint("user_id", "client", name="uq_login_failures_user_client"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    client: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecoveryCode(Model):
    """A one-time recovery code for the second factor; only its hash is stored."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
