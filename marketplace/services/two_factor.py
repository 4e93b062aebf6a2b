"""Enrolling an authenticator app (TOTP) and issuing one-time recovery codes."""

from __future__ import annotations

import secrets
from datetime import datetime

import pyotp
from sqlalchemy import delete

from ..database import begin_write
from ..domain.errors import N_, DomainError
from ..extensions import db
from ..models import RecoveryCode
from . import sign_in
from .audit import record_event

ISSUER = "Pilot Purchase Marketplace"
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(12))  # 60 bits
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def enrol(
    user_id: int,
    session_version: int,
    secret: str,
    code: str,
    *,
    completes: sign_in.Attempt | None = None,
    at: datetime | None = None,
) -> list[str]:
    """Save the secret once a code from the app matches it; return new recovery codes (shown once).

    With `completes`, this also finishes the sign-in of a user who had to enrol after the password.
    Raises DomainError when the code does not match, LoginRefused when the account changed meanwhile.
    """
    begin_write()
    at = at or sign_in.now()
    user = sign_in.pending_user(user_id, session_version)
    step = sign_in.totp_step_matching(secret, code, at)
    if step is None:
        raise DomainError(N_("The code is not correct. Check that your phone's clock is right and try again."))
    user.totp_secret = secret
    user.totp_last_step = step
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_sha256=sign_in.recovery_code_hash(c), created_at=at) for c in codes
    )
    record_event(user, "user.two_factor_enrolled", user)
    if completes is not None:
        sign_in.complete(user, completes, at)
    db.session.commit()
    return codes
